/**
 * A workload's answer on its result (src/report/described-result.ts): a run Ctrl-C stopped is
 * judged against what it was declared to find and said to be not judged, as a stopped variant is
 * (QA: the workload's own run said nothing of what it expected once stopped).
 */
import { describe, expect, it } from 'vitest';
import * as machine from '../../src/model/actors/machine.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import type { Workload } from '../../src/model/scenario/workload.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { describedResult } from '../../src/report/described-result.js';
import { formatSummary } from '../../src/report/summary.js';
import { runInline } from '../../src/runtime/inline-runtime.js';
import { workloads } from '../../workloads/index.js';

describe('described result', () => {
  it("a stopped run of a workload that expects rules says 'not judged (interrupted)', and a whole one its verdict", () => {
    const stress = workloads.find((w) => w.name === 'stress')!;
    const declared: Workload = { ...stress, expect: ['translation.stale-ats'] };
    const config: RunConfig = {
      workload: 'stress',
      seed: 1,
      bugs: [],
      params: parseParams({ ...stress.params, durationTicks: 5_000_000 }, 'stress'),
    };
    const plan = machine.planMachine(config);
    const run = (stopAfterEvents?: number) =>
      runInline(machine, config, {
        seed: 1,
        endTick: config.params.durationTicks,
        ...(stopAfterEvents === undefined ? {} : { stopAfterEvents }),
      });
    const stopped = describedResult(config, plan, run(200), declared);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.expectation?.met).toBe(false);
    expect(formatSummary(stopped, { color: false })).toContain(
      'expected (as declared): translation.stale-ats: not judged (interrupted)',
    );
    const whole = describedResult(config, plan, run(), declared);
    expect(whole.status).toBe('clean');
    expect(formatSummary(whole, { color: false })).toContain(
      'expected (as declared): translation.stale-ats: NOT as expected',
    );
  });
});
