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
 * repetitions per row (default 5), `--baseline DIR`: the same sweeps on an older build too (DIR
 * holds its `dist/`, e.g. a git worktree built with `npm run build`), its rows interleaved with
 * this build's, and this build's seeds/s over the baseline's at 1 and 2 threads. Each build's
 * digests are checked against its own first sweep (the baseline's model may differ). Each ratio is
 * printed as the ratio of the two rows' medians and as the median of its per-repetition ratios
 * ("paired", bench-run.ts pairedRatio).
 * `--mode free`: free sweeps instead (`npusim sweep --free`: one seed at a time, each a free run on
 * a worker per actor, the threads kept from seed to seed), one row per build, 12 seeds by default;
 * a free run races, so its digests are its own and are not compared.
 * Target: 2 threads >= 1.8 x one thread on a 2-core machine. Nothing here asserts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkload, scenarioConfig } from '../src/cli/scenario-config.js';
import { countText } from '../src/core/count-text.js';
import type { Workload } from '../src/model/scenario/workload.js';
import { loadWorkloads } from '../src/runtime/workload-registry.js';
import { runSweep } from '../src/sweep/sweep.js';
import { baselineCall, loadBaselineModules } from './baseline-modules.js';
import { bugScenarioArgs, contextText, machineContext, median, pairedRatio } from './bench-run.js';
import type { BenchOptions } from './main.js';

const WORKLOAD = 'tenant-isolation';
const BUG = 'links-enabled-per-gpu';
const FIRST_SEED = 1;
const DEFAULT_SEEDS = 96;
const DEFAULT_RUNS = 5;
const JOBS = [1, 2] as const;
const DEFAULT_FREE_SEEDS = 12;
/** The free sweeps' drift window: the command line's default (1 us). */
const FREE_WINDOW_TICKS = 1_000_000;
const TARGET_TWO_OVER_ONE = 1.8;

interface Row {
  /** 'this build', or 'baseline' (--baseline DIR). */
  build: string;
  /** Pool threads (`--mode pool`); 1 in a free sweep, whose seeds run one at a time. */
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

/** What a build offers this bench: its sweep, and its workload and configuration for it. */
interface Build {
  name: string;
  runSweep: typeof runSweep;
  workload: Workload;
  config: ReturnType<typeof scenarioConfig>;
}

export async function run(opts: BenchOptions): Promise<void> {
  const mode = (opts.oneOf('mode', ['pool', 'free']) ?? 'pool') as 'pool' | 'free';
  const jobsList: readonly number[] = mode === 'pool' ? JOBS : [1];
  const seedCount = opts.whole('seeds', mode === 'pool' ? DEFAULT_SEEDS : DEFAULT_FREE_SEEDS, 1, 100_000);
  const reps = opts.whole('runs', DEFAULT_RUNS, 1, 100);
  const baselineDir = opts.values.baseline;
  const builds = [await buildOf('this build', { runSweep, findWorkload, scenarioConfig, loadWorkloads })];
  if (baselineDir !== undefined) {
    const modules = await loadBaselineSweep(baselineDir);
    builds.push(
      await baselineCall(baselineDir, `workload ${WORKLOAD} with --bug ${BUG}`, () =>
        buildOf('baseline', modules),
      ),
    );
  }
  const seeds = { first: FIRST_SEED, last: FIRST_SEED + seedCount - 1 };
  const failuresRoot = mkdtempSync(join(tmpdir(), 'npusim-bench-sweep-'));
  const loadBefore = loadavg()[0]!;
  const key = (build: string, jobs: number) => `${build}/${jobs}`;
  const rates = new Map<string, { sps: number[]; wall: number[]; cpu: number[]; cores: number[] }>(
    builds.flatMap((b) => jobsList.map((j) => [key(b.name, j), { sps: [], wall: [], cpu: [], cores: [] }])),
  );
  const references = new Map<string, string[]>();
  let failedPerSweep = 0;
  try {
    for (let i = 0; i < reps; i++) {
      for (const build of builds) {
        for (const jobs of jobsList) {
          const digests: string[] = [];
          const cpuBefore = process.cpuUsage();
          const summary = await build.runSweep({
            config: build.config,
            workload: build.workload,
            seeds,
            jobs,
            ...(mode === 'free' ? { free: { windowTicks: FREE_WINDOW_TICKS } } : {}),
            failuresDir: join(
              failuresRoot,
              `run${i}-${build.name === 'baseline' ? 'base' : 'this'}-jobs${jobs}`,
            ),
            onOutcome: (o) => {
              digests[o.seed - FIRST_SEED] = o.digest;
            },
          });
          const label =
            mode === 'free' ? `${build.name}, free` : `${build.name}, ${countText(jobs, 'thread')}`;
          if (summary.ran !== seedCount)
            throw new Error(
              `sweep bench: ${label} ran ${countText(summary.ran, 'seed')}, expected ${seedCount}`,
            );
          const reference = references.get(build.name) ?? digests;
          references.set(build.name, reference);
          // A free run races: its digest is its own.
          const differs = mode === 'free' ? -1 : digests.findIndex((d, k) => d !== reference[k]);
          if (differs >= 0) {
            throw new Error(
              `sweep bench: ${label}, repetition ${i}: seed ${FIRST_SEED + differs} has digest ` +
                `${digests[differs]}, expected ${reference[differs]}`,
            );
          }
          const cpu = process.cpuUsage(cpuBefore);
          const cpuMs = (cpu.user + cpu.system) / 1000;
          if (build.name === 'this build') failedPerSweep = summary.failed;
          const r = rates.get(key(build.name, jobs))!;
          r.cpu.push(cpuMs / summary.ran);
          r.cores.push(cpuMs / summary.wallMs);
          r.sps.push(summary.ran / (summary.wallMs / 1000));
          r.wall.push(summary.wallMs);
          process.stderr.write(
            `sweep: repetition ${i + 1}/${reps}, ${label}: ${r.sps.at(-1)!.toFixed(1)} seeds/s, ` +
              `${r.cores.at(-1)!.toFixed(2)} cores used\n`,
          );
        }
      }
    }
  } finally {
    rmSync(failuresRoot, { recursive: true, force: true });
  }
  const rows: Row[] = builds.flatMap((b) =>
    jobsList.map((jobs) => {
      const r = rates.get(key(b.name, jobs))!;
      return {
        build: b.name,
        jobs,
        medianSeedsPerSecond: median(r.sps),
        medianWallMs: median(r.wall),
        medianCpuMsPerSeed: median(r.cpu),
        medianCoresUsed: median(r.cores),
        runs: r.sps,
      };
    }),
  );
  const rate = (build: string, jobs: number) =>
    rows.find((r) => r.build === build && r.jobs === jobs)?.medianSeedsPerSecond ?? Number.NaN;
  /** The median of the per-repetition ratios of two rows (bench-run.ts pairedRatio). */
  const paired = (a: string, aJobs: number, b: string, bJobs: number) =>
    pairedRatio(rates.get(key(a, aJobs))!.sps, rates.get(key(b, bJobs))!.sps);
  const ratio = mode === 'pool' ? rate('this build', 2) / rate('this build', 1) : null;
  const ratioPaired = mode === 'pool' ? paired('this build', 2, 'this build', 1) : null;
  const overBaseline =
    baselineDir === undefined
      ? null
      : Object.fromEntries(jobsList.map((j) => [j, rate('this build', j) / rate('baseline', j)]));
  const overBaselinePaired =
    baselineDir === undefined
      ? null
      : Object.fromEntries(jobsList.map((j) => [j, paired('this build', j, 'baseline', j)]));
  const context = machineContext(loadBefore);
  if (opts.json) {
    const out = {
      bench: 'sweep',
      mode,
      workload: WORKLOAD,
      bugs: [BUG],
      seeds,
      failingSeedsPerSweep: failedPerSweep,
      runsPerRow: reps,
      rows,
      ratios: {
        twoThreadsOverOne: ratio,
        thisOverBaseline: overBaseline,
        /** The same as medians of the per-repetition ratios. */
        paired: { twoThreadsOverOne: ratioPaired, thisOverBaseline: overBaselinePaired },
      },
      targets: { twoThreadsOverOne: TARGET_TWO_OVER_ONE },
      ...context,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${sweepHeading(mode, seeds, failedPerSweep, reps)}\n`);
  const buildColumn = baselineDir === undefined ? '' : 'build'.padEnd(12);
  process.stdout.write(
    `${buildColumn}${'threads'.padEnd(9)}${'seeds/s'.padStart(10)}${'wall ms'.padStart(10)}${'cpu ms/seed'.padStart(13)}` +
      `${'cores used'.padStart(12)}  runs (seeds/s)\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${baselineDir === undefined ? '' : r.build.padEnd(12)}${(mode === 'free' ? 'free' : String(r.jobs)).padEnd(9)}${r.medianSeedsPerSecond.toFixed(1).padStart(10)}${r.medianWallMs.toFixed(0).padStart(10)}` +
        `${r.medianCpuMsPerSeed.toFixed(0).padStart(13)}${r.medianCoresUsed.toFixed(2).padStart(12)}  ${r.runs.map((x) => x.toFixed(1)).join(' ')}\n`,
    );
  }
  if (ratio !== null) {
    process.stdout.write(
      `2 threads / 1 thread: ${ratio.toFixed(2)}, paired ${ratioPaired!.toFixed(2)} (target >= ${TARGET_TWO_OVER_ONE} on 2 cores: ${ratio >= TARGET_TWO_OVER_ONE ? 'met' : 'NOT met'})\n`,
    );
  }
  if (overBaseline !== null) {
    process.stdout.write(
      `this build / baseline: ${jobsList.map((j) => `${overBaseline[j]!.toFixed(2)} x, paired ${overBaselinePaired![j]!.toFixed(2)} x, ${mode === 'free' ? 'free' : `at ${countText(j, 'thread')}`}`).join('; ')} (seeds/s; baseline ${baselineDir})\n`,
    );
  }
  process.stdout.write(`(${contextText(context)})\n`);
}

/** The table's first line: the sweeps' mode, seeds, failing seeds and the median of `reps` sweeps. */
export function sweepHeading(
  mode: 'pool' | 'free',
  seeds: { first: number; last: number },
  failed: number,
  reps: number,
): string {
  return (
    `sweep${mode === 'free' ? ' --free' : ''}: workload ${WORKLOAD} --bug ${BUG}, seeds ${seeds.first}..${seeds.last} (${failed} failing, ` +
    `a failure file each), median of ${countText(reps, 'sweep')} per row, interleaved`
  );
}

/** The modules of a build this bench calls. */
interface SweepModules {
  runSweep: typeof runSweep;
  findWorkload: typeof findWorkload;
  scenarioConfig: typeof scenarioConfig;
  loadWorkloads: typeof loadWorkloads;
}

/** The sweep of `name`'s build on the bench's workload, bug and first seed. */
async function buildOf(name: string, m: SweepModules): Promise<Build> {
  const workload = m.findWorkload(WORKLOAD, await m.loadWorkloads());
  const args = bugScenarioArgs(BUG, false);
  return { name, runSweep: m.runSweep, workload, config: m.scenarioConfig(workload, args, FIRST_SEED) };
}

/**
 * An older build's sweep (DIR holds its `dist/`), checked before anything runs: a path without one,
 * a module that does not load or lacks an export is a usage error (exit 2), not a stack trace later
 * (bench/baseline-modules.ts, as engine and startup check theirs).
 */
export async function loadBaselineSweep(dir: string): Promise<SweepModules> {
  const m = await loadBaselineModules(dir, {
    holding: 'a build with sweeps',
    buildWith: 'npm run build',
    modules: {
      'dist/src/sweep/sweep.js': ['runSweep'],
      'dist/src/cli/scenario-config.js': ['findWorkload', 'scenarioConfig'],
      'dist/src/runtime/workload-registry.js': ['loadWorkloads'],
    },
  });
  return m as unknown as SweepModules;
}
