/**
 * A stale TCE's history shows the kill between its clear and its use (chip/tce-kill-witness.ts):
 * what each PHB's firmware killed, what the PHB4's queue dropped, what it refused; and the lines
 * of one tick read in the order they happened (the kill, then the unpin, then the remap), not key
 * by key. Inline runs of tce-storm, one per bug that leaves a stale TCE behind a kill.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { killedText } from '../../../src/model/actors/chip/tce-kill-witness.js';
import type { Violation } from '../../../src/model/check/violation.js';
import type { BugName } from '../../../src/model/scenario/bugs.js';
import type { ProfileName } from '../../../src/model/scenario/profiles.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { TceTable } from '../../../src/model/tce/tce-table.js';
import type { BusAddr } from '../../../src/model/types.js';
import { workloads } from '../../../workloads/index.js';

interface Line {
  readonly tick: number;
  readonly kind: string;
  readonly fields: Record<string, unknown>;
}

function parse(line: string): Line {
  const m = /^(\d+) (\S+) (\{.*\})/.exec(line);
  if (m === null) throw new Error(`not a history line: ${line}`);
  return { tick: Number(m[1]), kind: m[2]!, fields: JSON.parse(m[3]!) as Record<string, unknown> };
}

async function staleTces(bugs: BugName[], profile?: ProfileName): Promise<Violation[]> {
  const w = workloads.find((x) => x.name === 'tce-storm')!;
  const r = await runSimulation(
    {
      workload: 'tce-storm',
      seed: 1,
      bugs,
      ...(profile === undefined ? {} : { profile }),
      params: parseParams({ ...w.params, durationTicks: 100_000_000 }, 'tce-storm'),
    },
    { host: 'inline' },
  );
  const found = r.violations.filter((v) => v.rule === 'translation.stale-tce');
  expect(found.length).toBeGreaterThan(0);
  return found;
}

/** The finding's index (its last line is the stale access) and the kill lines after its clear. */
function killsAfterClear(v: Violation): { index: number; kills: Line[]; lines: Line[] } {
  const lines = v.history.map(parse);
  const access = lines.at(-1)!;
  expect(access.kind).toBe('tce.access');
  const index = access.fields.index as number;
  let clear = -1;
  lines.forEach((l, i) => {
    if (l.kind === 'tce.clear' && l.fields.index === index) clear = i;
  });
  expect(clear).toBeGreaterThanOrEqual(0);
  const kills = lines.slice(clear + 1).filter((l) => l.kind === 'tce.kill');
  return { index, kills, lines };
}

describe('a stale TCE history shows its kill', () => {
  test('tce-kill-no-advance: the NPU kill repeats the range first index and never reaches the stale one', async () => {
    const [v] = await staleTces(['tce-kill-no-advance']);
    const { index, kills, lines } = killsAfterClear(v!);
    const npu = kills.find((k) => String(k.fields.phb).startsWith('npu2'));
    expect(npu).toBeDefined();
    const first = npu!.fields.index as number;
    const npages = npu!.fields.npages as number;
    expect(npu!.fields.call).toBe('KILL_PAGES');
    expect(index).toBeGreaterThan(first);
    expect(index).toBeLessThan(first + npages);
    expect(npu!.fields.killed).toBe(npages > 1 ? `${first} x${npages}` : `${first}`);
    // At the kill's tick the unpin of the old page comes after the kill, as the unmap makes them.
    const killAt = lines.indexOf(npu!);
    const unpin = lines.findIndex((l) => l.kind === 'tce.unpin' && l.tick === npu!.tick);
    expect(unpin).toBeGreaterThan(killAt);
  });

  test('skiboot v6.8 (as-shipped): a page kill the PHB4 queue dropped is the stale index', async () => {
    const found = await staleTces([], 'as-shipped');
    const dropped = found.filter((v) =>
      killsAfterClear(v).kills.some((k) => {
        const text = k.fields.dropped;
        if (typeof text !== 'string') return false;
        const { index } = killsAfterClear(v);
        return text.split(', ').some((part) => {
          const [a, b] = part.split('-').map(Number);
          return b === undefined ? a === index : a! <= index && index <= b;
        });
      }),
    );
    expect(dropped.length).toBeGreaterThan(0);
  });

  test("tce-entire-kill-ignored: the NPU's window kill is token 126, refused, killing nothing", async () => {
    const [v] = await staleTces(['tce-entire-kill-ignored']);
    const npu = killsAfterClear(v!).kills.find((k) => String(k.fields.phb).startsWith('npu2'));
    expect(npu?.fields).toMatchObject({ call: 'OPAL_PCI_TCE_KILL (126)', rc: -1, killed: 'nothing' });
    expect(npu?.fields.refused).toMatch(/126/);
    expect(npu?.fields.index).toBeUndefined();
  });
});

describe('killedText', () => {
  const table = new TceTable(0, { pageShift: 16, windowBase: 0x10000 as BusAddr, windowPages: 64 });
  const one = (i: number) => ({ kind: 'one' as const, pe: 0, addr: 0x10000 + i * 0x10000 });
  test('runs, repeats, PE and all', () => {
    expect(killedText([], table)).toBe('nothing');
    expect(killedText([one(4), one(5), one(6)], table)).toBe('4-6');
    expect(killedText([one(4), one(4), one(4)], table)).toBe('4 x3');
    expect(killedText([one(4), one(6)], table)).toBe('4, 6');
    expect(killedText([one(4), one(4), one(5)], table)).toBe('4 x2, 5');
    expect(killedText([{ kind: 'pe', pe: 3 }, { kind: 'all' }], table)).toBe('PE 3, all');
  });
});
