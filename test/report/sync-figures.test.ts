/**
 * A worker's synchronisation figures (report/sync-figures.ts). A run stopped while its threads
 * started simulated no time: a worker that had handled events there read `0 events/window, lambda
 * 0.00`, a false "no speed-up is possible" (QA); with no window there is no lambda.
 */
import { describe, expect, it } from 'vitest';
import { HANDOFF_COST_US, syncFigures } from '../../src/report/sync-figures.js';
import type { WorkerFigures } from '../../src/runtime/raw-run.js';

const worker: WorkerFigures = {
  actor: 'chip1+gpu3+gpu5',
  busyMs: 9,
  parkedMs: 21,
  parks: 1,
  events: 14,
  lookaheadTicks: 150_000,
};

describe('sync figures', () => {
  it('no simulated time: no lambda at either tau, whatever the worker handled', () => {
    const f = syncFigures(worker, 0, 221);
    expect(f.lambda).toBeUndefined();
    expect(f.lambdaAtParkedPerPark).toBeUndefined();
  });

  it('simulated time: lambda is events per window over tau times events per busy second', () => {
    const f = syncFigures(worker, 1_500_000, 221);
    // 10 windows of 150 ns: 1.4 events each; 14 events in 9 ms busy.
    expect(f.eventsPerWindow).toBeCloseTo(1.4);
    expect(f.lambda).toBeCloseTo(1.4 / ((HANDOFF_COST_US / 1e6) * (14 / 0.009)));
    expect(f.lambdaAtParkedPerPark).toBeCloseTo(1.4 / ((21_000 / 1e6) * (14 / 0.009)));
  });
});
