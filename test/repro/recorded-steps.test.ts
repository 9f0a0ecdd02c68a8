/**
 * A replay's history of a finding whose message names steps from long before its last events, which
 * no byte page keeps (repro/recorded-steps.ts): a stale TCE's unmap (its events carry a TCE index,
 * not an address) and a freed context's last put (a driver thread's step, which names no context),
 * and the ATSD operations of the shootdown an `order.*` finding names (they name no page).
 * Each is found at the tick the oracle's record gives it.
 */
import { describe, expect, test } from 'vitest';
import { replayText } from '../../src/cli/replay-command.js';
import { recordedReplay } from '../support/recorded-replay.js';

/** The replay's outcome alone. */
const replayOf = async (args: string[]) => (await recordedReplay(args)).r;

describe("replay: steps the finding's message names from before its last events", () => {
  test('a stale TCE: the remap that cleared its range and the kill that remapped it, then the DMA through it', async () => {
    const r = await replayOf([
      'tce-storm',
      '--bug',
      'tce-kill-no-advance',
      '--seed',
      '1',
      '--duration',
      '5us',
    ]);
    expect(r.found?.rule).toBe('translation.stale-tce');
    const m = /got gpu(\d+) through a stale TCE cache entry for index (\d+) /.exec(r.found!.message)!;
    const [gpu, index] = [Number(m[1]), Number(m[2])];
    const ofRange = (kind: string) =>
      r.history.filter(
        (l) =>
          l.kind === kind &&
          l.fields.gpu === gpu &&
          (l.fields.firstIndex as number) <= index &&
          index < (l.fields.firstIndex as number) + (l.fields.pages as number),
      );
    const clears = r.findingRecord!.history.filter(
      (l) => l.includes(' tce.clear ') && l.includes(`"index":${index},`),
    );
    const clearTick = Number.parseInt(clears.at(-1)!, 10);
    expect(ofRange('TCE_REMAP').map((l) => l.tick)).toEqual([clearTick]);
    expect(ofRange('TCE_KILL_TIMER')).toHaveLength(1);
    expect(ofRange('TCE_KILL_TIMER')[0]!.tick).toBeGreaterThan(clearTick);
    // Only the finding's GPU's chip, and the DMA that used the stale entry last.
    expect(new Set(r.history.map((l) => l.actor))).toEqual(new Set([`chip${Math.floor(gpu / 3)}`]));
    expect(r.history.at(-1)).toMatchObject({
      kind: 'DMA',
      tick: r.found!.tick,
      fields: { address: r.found!.addresses[0] },
    });
  });

  test("a context used after its free: the driver thread's step that put its last reference", async () => {
    const r = await replayOf([
      'context-churn',
      '--bug',
      'context-init-destroy-race',
      '--seed',
      '2',
      '--duration',
      '30us',
    ]);
    expect(r.found?.rule).toBe('order.context-use-after-free');
    const npu = /on npu(\d+)/.exec(r.found!.message)![1];
    const put = r.findingRecord!.history.filter((l) => / context\.ref \{.*"op":"put"/.test(l)).at(-1)!;
    const putTick = Number.parseInt(put, 10);
    // Long before the chip's last events: its step was not in the history.
    expect(r.history.find((l) => l.onPage === undefined)!.tick).toBeGreaterThan(putTick);
    expect(r.history).toContainEqual(
      expect.objectContaining({ tick: putTick, actor: `chip${npu}`, kind: 'CONTEXT_TIMER', onPage: true }),
    );
  });

  test("a register released early: its shootdown's launches from its acquire, and the release", async () => {
    const r = await replayOf(['flush-race', '--bug', 'single-flush', '--seed', '2', '--duration', '30us']);
    expect(r.found).toMatchObject({
      rule: 'order.atsd-released-early',
      actors: ['shootdown 1', 'npu0.reg0'],
    });
    const ops = (op: string) =>
      r.history.filter(
        (l) =>
          l.actor === 'chip0' &&
          l.from === 'coordinator' &&
          l.kind === 'ATSD_OP' &&
          l.fields.op === op &&
          l.fields.shootdown === 1,
      );
    // The record's launches (the invalidate, then the flush) and the release it is about.
    const launches = r.findingRecord!.history.filter((l) => l.includes(' atsd.launch '));
    expect(launches).toHaveLength(2);
    expect(ops('launch').map((l) => (l.fields.params as { flushOnly: boolean }).flushOnly)).toEqual([
      false,
      true,
    ]);
    for (const [i, launch] of ops('launch').entries())
      expect(launch.tick).toBeGreaterThan(Number.parseInt(launches[i]!, 10));
    // The record names the bit as the history's ATSD_OP does (QA: `"flush":false` in the record
    // beside `"flushOnly":false,"flush":true` in the history, of one launch).
    expect(launches.map((l) => /"flushOnly":(true|false)/.exec(l)?.[1])).toEqual(['false', 'true']);
    expect(ops('acquire')).toHaveLength(1);
    expect(ops('acquire')[0]!.onPage).toBe(true);
    // Sent at the finding, as the chip got it: the history's last line.
    expect(ops('release')).toHaveLength(1);
    expect(r.history.at(-1)).toBe(ops('release')[0]);
    expect(r.history.at(-1)!.tick).toBeGreaterThan(r.found!.tick);
    // The heading, wrapped: its words.
    expect(replayText(r).join(' ').replace(/\s+/g, ' ')).toContain(
      "after shootdown 1's own from its acquire (its ATSD operations and the ACKs on its registers, which the oracle's record dates), then the release it sent at the finding as its chip got it, in causal order",
    );
  });
});
