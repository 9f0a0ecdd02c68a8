/**
 * Every bug switch, on the workload that exposes it (issue 9 "Tests"): a sweep of at most 200 seeds
 * finds its violation, the failure file replays to the same rule, tick and digest on both hosts,
 * and the same seeds are clean with the switch off.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { Workload } from '../../src/model/scenario/workload.js';
import { type ReplayHooks, replayFailure } from '../../src/repro/replay.js';
import { runRaw } from '../../src/runtime/engine.js';
import { WorkerSet } from '../../src/runtime/worker-set.js';
import { runSeed } from '../../src/sweep/run-seed.js';
import type { SeedOutcome } from '../../src/sweep/seed-outcome.js';
import { workloads } from '../../workloads/index.js';

const registry = new Map(workloads.map((w) => [w.name, w]));
const cases = workloads.flatMap((w) => (w.exposes ?? []).map((e) => [w.name, e.bug, e.rules] as const));

/**
 * The threaded replays run on threads kept from one replay to the next (src/runtime/worker-set.ts:
 * a kept worker's run gives the digest a fresh one gives, worker-set.test.ts), as a free sweep's
 * seeds do: each replay is still the file's run on the threaded host, without nine workers
 * started cold for every switch.
 */
const threads = new WorkerSet();
afterAll(() => threads.close());
const onKeptThreads: ReplayHooks = {
  run: (config, options) =>
    runRaw(config, options.host === 'threaded' ? { ...options, workerSet: threads } : options),
};

/**
 * A seed's run without any switch, made once for every switch of its workload (several switches
 * share one: the same run each time), read only.
 */
const cleanRuns = new Map<string, Promise<SeedOutcome>>();
function cleanRun(w: Workload, seed: number): Promise<SeedOutcome> {
  const key = `${w.name} ${seed}`;
  let run = cleanRuns.get(key);
  if (run === undefined) {
    run = runSeed({ config: { workload: w.name, seed, bugs: [], params: w.params }, workload: w, seed });
    cleanRuns.set(key, run);
  }
  return run;
}

async function sweepUntilFailure(
  w: Workload,
  bug: BugName,
): Promise<{ found: SeedOutcome | undefined; tried: number[] }> {
  const tried: number[] = [];
  for (let seed = 1; seed <= 200; seed++) {
    tried.push(seed);
    const o = await runSeed({
      config: { workload: w.name, seed, bugs: [bug], params: w.params, stopOnFirst: true },
      workload: w,
      seed,
    });
    if (o.status !== 'clean') return { found: o, tried };
  }
  return { found: undefined, tried };
}

describe('bug switches: found, replayed, clean without', () => {
  test('bug switches: every switch has a workload that exposes it', async () => {
    const { BUG_NAMES } = await import('../../src/model/scenario/bugs.js');
    const exposed = new Set(cases.map(([, bug]) => bug));
    expect(
      BUG_NAMES.filter((b) => !exposed.has(b)),
      'each switch named needs a workload that exposes it: `exposes: [{ bug, rules }]` in one of workloads/*.ts, the rules it reports there (docs/extending.md)',
    ).toEqual([]);
  });

  test.each(cases)(
    'bug %s --bug %s: a sweep finds it, its failure file replays exactly on both hosts, and the seeds are clean without it',
    async (name, bug, rules) => {
      const w = registry.get(name)!;
      const { found, tried } = await sweepUntilFailure(w, bug);
      expect(found?.first?.rule).toBeDefined();
      expect(rules).toContain(found!.first!.rule);
      const text = JSON.stringify(found!.failure);
      for (const host of ['inline', 'threaded'] as const) {
        const r = await replayFailure(text, `${name}.json`, registry, host, 4, onKeptThreads);
        expect({ host, mismatches: r.mismatches }).toEqual({ host, mismatches: [] });
        expect(r.found?.tick).toBe(found!.first!.tick);
      }
      for (const seed of tried) {
        const clean = await cleanRun(w, seed);
        expect({ seed, status: clean.status }).toEqual({ seed, status: 'clean' });
      }
    },
  );
});
