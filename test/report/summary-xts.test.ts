/**
 * The XTS_BDF table at the run's end (QA: no output showed it): each chip reports its entries in
 * `actorStates` (BDF, bridge, GPU, VALID, LPARID, LPARSHORT, ctx_ref), and the summary prints
 * those of the chips a refused ATS translation names. `kexec-boot` with `xts-stale-after-kexec`
 * leaves every entry without VALID and petitboot's reference still counted (ctx_ref 2), init_context
 * having skipped programming each; the same seed without the switch leaves each VALID, ctx_ref 1.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../src/api/run-simulation.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { formatSummary } from '../../src/report/summary.js';
import { XTS_AT_END, type XtsBdfState } from '../../src/report/summary-checks.js';
import { workloads } from '../../workloads/index.js';

function run(name: string, seed: number, bugs: BugName[] = [], overrides: Record<string, unknown> = {}) {
  const w = workloads.find((x) => x.name === name)!;
  const params = parseParams({ ...w.params, ...overrides }, name);
  return runSimulation({ workload: name, seed, bugs, params }, { host: 'inline' });
}

type Entry = XtsBdfState;

describe('summary and actorStates: the XTS_BDF table at the end', () => {
  test('kexec-boot with xts-stale-after-kexec: every entry without VALID, ctx_ref stale, programming skipped', async () => {
    const r = await run('kexec-boot', 1, ['xts-stale-after-kexec']);
    expect(r.violations.map((v) => v.rule)).toContain('translation.ats-refused');
    const chip1 = r.actorStates.chip1!;
    const entries = chip1.xtsBdf as Entry[];
    expect(entries.length).toBe(6);
    expect(entries.find((e) => e.bdf === 0x10)).toEqual({
      bdf: 0x10,
      bridge: '0007:00:02.0',
      gpu: 5,
      brick: 4,
      valid: false,
      lparid: 0,
      lparshort: 4,
      ctxRef: 2,
    });
    expect(entries.every((e) => !e.valid && e.ctxRef === 2)).toBe(true);
    expect(chip1.xtsInitSkippedProgramming).toBe(6);

    const lines = formatSummary(r, { color: false }).split('\n');
    const at = lines.indexOf(`  ${XTS_AT_END}:`);
    expect(at).toBeGreaterThan(0);
    expect(lines).toContain(
      '    chip1: 0007:00:02.0 (gpu5) bdf 0x10 not VALID, lparid 0, lparshort 4, ctx_ref 2',
    );
    expect(lines).toContain(
      '    chip1: init_context skipped programming 6 times (ctx_ref above 0 on an entry without VALID)',
    );
    // Both chips' bricks are refused here: twelve entries and a skip line each.
    expect(lines.slice(at + 1, at + 15).every((l) => /^ {4}chip[01]: /.test(l))).toBe(true);
    for (const l of lines.slice(at, at + 15)) expect(l.length).toBeLessThanOrEqual(100);
  });

  test('kexec-boot without the switch: every entry VALID with one reference, and the summary prints none', async () => {
    const r = await run('kexec-boot', 1);
    expect(r.status).toBe('clean');
    const chip1 = r.actorStates.chip1!;
    const entries = chip1.xtsBdf as Entry[];
    expect(entries.find((e) => e.bdf === 0x10)).toMatchObject({
      bridge: '0007:00:02.0',
      gpu: 5,
      valid: true,
      lparid: 0,
      lparshort: 4,
      ctxRef: 1,
    });
    expect(entries.every((e) => e.valid && e.ctxRef === 1)).toBe(true);
    expect(chip1.xtsInitSkippedProgramming).toBe(0);
    expect(formatSummary(r, { color: false })).not.toContain('XTS_BDF');
  });

  test('a clean stress run: the chips report the table, the summary has no XTS lines', async () => {
    const r = await run('stress', 42, [], { durationTicks: 20_000_000 });
    expect(r.status).toBe('clean');
    expect((r.actorStates.chip0!.xtsBdf as Entry[]).length).toBeGreaterThan(0);
    const text = formatSummary(r, { color: false });
    expect(text).not.toContain('XTS');
    expect(text).not.toContain('ctx_ref');
  });
});
