/**
 * What a run found, counted in full (src/report/rule-counts.ts ruleCounts, a result's `rules`):
 * every rule the actors' oracles found broken, those only counted (past the 50 kept) included, the
 * conservation rules and liveness failures from the result, each counted once; a run stopped at
 * its first finding counts only rules broken before the stop. A sweep's table of rules and a
 * workload's expectation (report/headline.ts judgeExpectation) read it.
 */
import { describe, expect, test } from 'vitest';
import { findWorkload, runWorkload } from '../../src/index.js';
import type { ActorReport } from '../../src/model/actors/actor.js';
import type { Violation } from '../../src/model/check/violation.js';
import { judgeExpectation } from '../../src/report/headline.js';
import { ruleCounts } from '../../src/report/rule-counts.js';
import type { RunResult } from '../../src/report/run-result.js';
import type { RawRun } from '../../src/runtime/raw-run.js';

const violation = (rule: Violation['rule'], tick: number): Violation => ({
  rule,
  message: '',
  tick,
  actors: [],
  addresses: [],
  history: [],
});

describe('rule counts: what a run found', () => {
  const keptDma = violation('isolation.dma', 5);
  const reports = [
    // Kept one isolation.dma; its peer writes broke isolation.peer only after the log was full.
    {
      violations: [keptDma],
      ruleTallies: { 'isolation.dma': { count: 60, tick: 5 }, 'isolation.peer': { count: 9, tick: 80 } },
    },
    { violations: [], ruleTallies: { 'isolation.peer': { count: 2, tick: 40 } } },
  ] as unknown as ActorReport[];
  // Judged on the result, not by an actor (the conservation rules).
  const judged = [violation('conservation.message', 200)];
  const liveness = [violation('liveness.engine-stall', 150)];

  test('every rule broken is counted, the only-counted ones and the result-judged ones too', () => {
    const raw = { stopped: 'end', reachedTick: 200, reports } as unknown as RawRun;
    expect(ruleCounts(raw, judged, liveness)).toEqual({
      'isolation.dma': { count: 60, tick: 5 },
      'isolation.peer': { count: 11, tick: 40 },
      'conservation.message': { count: 1, tick: 200 },
      'liveness.engine-stall': { count: 1, tick: 150 },
    });
  });

  test('a run stopped at its first finding counts no rule first broken at or after its stop', () => {
    const raw = { stopped: 'first-finding', reachedTick: 40, reports } as unknown as RawRun;
    expect(ruleCounts(raw, [], [])).toEqual({ 'isolation.dma': { count: 60, tick: 5 } });
  });

  test("a run's rules add up to its violations, kept (each with other actors' evidence) or only counted", async () => {
    // flush-race's single flush for 100 us: its early frees carry the GPUs' refills as evidence
    // (check/evidence.ts), so the result's kept violations are copies of the actors'. Those copies
    // were counted a second time (QA: 19 for 16 violations here; 164 stale-ats for 114 at 800 us).
    const w = await findWorkload('flush-race');
    const r = await runWorkload(w, { seed: 1, durationTicks: 100_000_000, bugs: ['single-flush'] });
    const withEvidence = r.violations.filter((v) => v.history.some((h) => / \(gpu\d+\)$/.test(h)));
    expect(withEvidence.length).toBeGreaterThan(0);
    const total = r.violations.length + (r.counts['violations.notKept'] ?? 0) + r.liveness.length;
    const counted = Object.values(r.rules ?? {}).reduce((s, x) => s + x.count, 0);
    expect(total).toBeGreaterThan(0);
    expect(counted).toBe(total);
  });

  test('an expectation is judged on every rule the run broke, not only on the findings kept in full', () => {
    const raw = { stopped: 'end', reachedTick: 200, reports } as unknown as RawRun;
    const result = {
      status: 'violation',
      violations: [keptDma],
      liveness: [],
      rules: ruleCounts(raw, [], []),
    } as unknown as RunResult;
    // isolation.peer broke only after the log was full: no kept violation has it.
    const verdict = judgeExpectation(['isolation.dma'], result);
    expect(verdict.found).toEqual({ 'isolation.dma': 60, 'isolation.peer': 11 });
    expect(verdict.met).toBe(false);
    expect(judgeExpectation(['isolation.dma', 'isolation.peer'], result).met).toBe(true);
    // A result written before `rules` existed is judged on what it kept.
    const { rules: _, ...old } = result;
    expect(judgeExpectation(['isolation.dma'], old as RunResult).found).toEqual({ 'isolation.dma': 1 });
  });
});
