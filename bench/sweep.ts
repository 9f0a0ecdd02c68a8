/**
 * Sweep benchmark: seeds per second of `npusim sweep` on 1 and on 2 pool threads, in the same
 * process, through the product's path (src/sweep/sweep.ts `runSweep`: a piscina pool, one whole
 * inline simulation per task, failure files written by the main thread as results come back).
 *
 * What runs: workload `tenant-isolation` with `--bug links-enabled-per-gpu` (every seed fails with
 * isolation.peer, so every seed also writes a failure file, into a temporary directory removed at
 * the end), the whole workload duration per seed (no stop-on-first), seeds FIRST..FIRST+N-1, the
 * same range for both rows. The rows run interleaved (1, 2, 1, 2, ...) so machine load falls on
 * both alike; each row reports the median of its repetitions. A sweep's rate is its seeds over its
 * own wall time (SweepSummary.wallMs: pool start-up and shut-down included, as a user sees it).
 * Every repetition's per-seed digests are compared with the first one's: a sweep whose seeds
 * disagree between runs fails instead of printing a rate. Beside the rate, the process's CPU time
 * (process.cpuUsage: every thread, user + system) per seed, and CPU over wall time ("cores used"):
 * on a loaded machine that says how much of two cores the sweep was given.
 *
 * Options: `--seeds N` seeds per sweep (default 96: each pool thread pays a start-up of module
 * loading and JIT warm-up, about 1.3 s of CPU here, which a short sweep cannot amortise), `--runs N`
 * repetitions per row (default 5).
 * Target: 2 threads >= 1.8 x one thread on a 2-core machine. Nothing here asserts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioArgs } from '../src/cli/cli-args.js';
import { findWorkload, scenarioConfig } from '../src/cli/scenario-config.js';
import { loadWorkloads } from '../src/runtime/workload-registry.js';
import { runSweep } from '../src/sweep/sweep.js';
import { contextText, machineContext, median } from './bench-run.js';
import type { BenchOptions } from './main.js';

const WORKLOAD = 'tenant-isolation';
const BUG = 'links-enabled-per-gpu';
const FIRST_SEED = 1;
const DEFAULT_SEEDS = 96;
const DEFAULT_RUNS = 5;
const JOBS = [1, 2] as const;
const TARGET_TWO_OVER_ONE = 1.8;

interface Row {
  jobs: number;
  medianSeedsPerSecond: number;
  medianWallMs: number;
  /** CPU time of the whole process (every thread, user + system) per seed, median. */
  medianCpuMsPerSeed: number;
  /** CPU time over wall time, median: how many cores the sweep actually had. */
  medianCoresUsed: number;
  /** Seeds per second of each repetition, in run order. */
  runs: number[];
}

export async function run(opts: BenchOptions): Promise<void> {
  const seedCount = opts.whole('seeds', DEFAULT_SEEDS, 1, 100_000);
  const reps = opts.whole('runs', DEFAULT_RUNS, 1, 100);
  const workloads = await loadWorkloads();
  const workload = findWorkload(WORKLOAD, workloads);
  const args: ScenarioArgs = {
    durationTicks: undefined,
    topology: undefined,
    policy: undefined,
    bugs: [BUG],
    profile: undefined,
    stopOnFirst: false,
    failuresDir: undefined,
    set: [],
    variant: undefined,
    free: undefined,
    strategy: 'random',
    pctDepth: 3,
  };
  const config = scenarioConfig(workload, args, FIRST_SEED);
  const seeds = { first: FIRST_SEED, last: FIRST_SEED + seedCount - 1 };
  const failuresRoot = mkdtempSync(join(tmpdir(), 'npusim-bench-sweep-'));
  const loadBefore = loadavg()[0]!;
  const rates = new Map<number, { sps: number[]; wall: number[]; cpu: number[]; cores: number[] }>(
    JOBS.map((j) => [j, { sps: [], wall: [], cpu: [], cores: [] }]),
  );
  let reference: string[] | undefined;
  let failedPerSweep = 0;
  try {
    for (let i = 0; i < reps; i++) {
      for (const jobs of JOBS) {
        const digests: string[] = [];
        const cpuBefore = process.cpuUsage();
        const summary = await runSweep({
          config,
          workload,
          seeds,
          jobs,
          failuresDir: join(failuresRoot, `run${i}-jobs${jobs}`),
          onOutcome: (o) => {
            digests[o.seed - FIRST_SEED] = o.digest;
          },
        });
        if (summary.ran !== seedCount)
          throw new Error(`sweep bench: ${jobs} thread(s) ran ${summary.ran} seeds, expected ${seedCount}`);
        reference ??= digests;
        const differs = digests.findIndex((d, k) => d !== reference![k]);
        if (differs >= 0) {
          throw new Error(
            `sweep bench: ${jobs} thread(s), repetition ${i}: seed ${FIRST_SEED + differs} has digest ` +
              `${digests[differs]}, expected ${reference[differs]}`,
          );
        }
        const cpu = process.cpuUsage(cpuBefore);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        failedPerSweep = summary.failed;
        const r = rates.get(jobs)!;
        r.cpu.push(cpuMs / summary.ran);
        r.cores.push(cpuMs / summary.wallMs);
        r.sps.push(summary.ran / (summary.wallMs / 1000));
        r.wall.push(summary.wallMs);
        process.stderr.write(
          `sweep: repetition ${i + 1}/${reps}, ${jobs} thread(s): ${r.sps.at(-1)!.toFixed(1)} seeds/s, ` +
            `${r.cores.at(-1)!.toFixed(2)} cores used\n`,
        );
      }
    }
  } finally {
    rmSync(failuresRoot, { recursive: true, force: true });
  }
  const rows: Row[] = JOBS.map((jobs) => {
    const r = rates.get(jobs)!;
    return {
      jobs,
      medianSeedsPerSecond: median(r.sps),
      medianWallMs: median(r.wall),
      medianCpuMsPerSeed: median(r.cpu),
      medianCoresUsed: median(r.cores),
      runs: r.sps,
    };
  });
  const ratio = rows[1]!.medianSeedsPerSecond / rows[0]!.medianSeedsPerSecond;
  const context = machineContext(loadBefore);
  if (opts.json) {
    const out = {
      bench: 'sweep',
      workload: WORKLOAD,
      bugs: [BUG],
      seeds,
      failingSeedsPerSweep: failedPerSweep,
      runsPerRow: reps,
      rows,
      ratios: { twoThreadsOverOne: ratio },
      targets: { twoThreadsOverOne: TARGET_TWO_OVER_ONE },
      ...context,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `sweep: workload ${WORKLOAD} --bug ${BUG}, seeds ${seeds.first}..${seeds.last} (${failedPerSweep} failing, ` +
      `a failure file each), median of ${reps} sweeps per row, interleaved\n`,
  );
  process.stdout.write(
    `${'threads'.padEnd(9)}${'seeds/s'.padStart(10)}${'wall ms'.padStart(10)}${'cpu ms/seed'.padStart(13)}` +
      `${'cores used'.padStart(12)}  runs (seeds/s)\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${String(r.jobs).padEnd(9)}${r.medianSeedsPerSecond.toFixed(1).padStart(10)}${r.medianWallMs.toFixed(0).padStart(10)}` +
        `${r.medianCpuMsPerSeed.toFixed(0).padStart(13)}${r.medianCoresUsed.toFixed(2).padStart(12)}  ${r.runs.map((x) => x.toFixed(1)).join(' ')}\n`,
    );
  }
  process.stdout.write(
    `2 threads / 1 thread: ${ratio.toFixed(2)} (target >= ${TARGET_TWO_OVER_ONE} on 2 cores: ${ratio >= TARGET_TWO_OVER_ONE ? 'met' : 'NOT met'})\n`,
  );
  process.stdout.write(`(${contextText(context)})\n`);
}
