/**
 * Start-up benchmark (npusim issue 15 item 4): how long a threaded run takes to start its workers,
 * each loading the machine's code and building its actors. It times whole threaded runs so short
 * (DURATION_TICKS, 1 ns of simulated time, a few hundred events) that start-up is nearly all of
 * them, with the product's placement (one worker per actor: nine on a Witherspoon).
 *
 * What runs: workload `stress`, a fixed seed, `runRaw(config, {host: 'threaded'})` of this build,
 * and with `--baseline DIR` the same call on an older build (DIR holds its `dist/`, e.g. a git
 * worktree of 622ba01 built with `npx tsc -p tsconfig.build.json`), interleaved and alternating
 * which goes first, so machine load falls on both alike. Each build first runs once untimed: the
 * first threaded run of a process also loads the main thread's share of the engine, which a
 * process pays once; every timed run then starts nine fresh workers. Reported per build: median
 * wall time of the run (performance.now around runRaw) and median CPU time of the whole process
 * during it (process.cpuUsage: every thread, user + system); the ratios baseline over this build,
 * and for wall time also the median of the per-round ratios ("paired", bench-run.ts pairedRatio).
 * This build's threaded digest is checked against its inline digest in every run (a start-up
 * that changed the event stream fails instead of printing a time); the baseline is another
 * version of the model and is not checked. Also printed: which entry this build's workers start
 * on (the bundle's boot file or tsc's output) and whether V8 accepts the bundle's code cache.
 * A row "bare workers", interleaved with the others, starts as many workers as this build's
 * run does, each only posting one message, and terminates them: Node's own floor, which no change
 * to npusim can go below. A row "kept threads" runs this build on the threads its previous run left
 * (src/runtime/worker-set.ts: how a free sweep's seeds, a workload's variants and a program's runs
 * after the first start); its digest is checked too. The target is read on "this build" (fresh
 * workers, as every `npusim run` starts): the kept row is the start of every later run of a process.
 * A baseline that has worker sets (src/runtime/worker-set.js in its dist/) gets a row "baseline
 * kept" too, its runs on its own kept threads, and the ratio of the two kept rows: how a change
 * moved the start of a process's later runs.
 *
 * Options: `--runs N` timed runs per build (default 11), `--baseline DIR`, `--threads kept` (only
 * the kept rows, in a process that makes no fresh threaded run: how a free sweep's process runs).
 * Target: this build's threaded start-up at least 2 x faster (wall) than 622ba01's, side by side.
 * Nothing here asserts it.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { countText } from '../src/core/count-text.js';
import type { RunConfig } from '../src/model/scenario/run-config.js';
import { combineDigests } from '../src/runtime/digest.js';
import { runRaw } from '../src/runtime/engine.js';
import type { RawRun } from '../src/runtime/raw-run.js';
import { codeCacheState } from '../src/runtime/worker-bundle.js';
import { WorkerSet } from '../src/runtime/worker-set.js';
import { workerEntryUrl } from '../src/runtime/worker-url.js';
import { baselineUrl, loadBaselineModules } from './baseline-modules.js';
import {
  contextText,
  machineContext,
  median,
  pairedRatio,
  targetVerdict,
  workloadConfig,
} from './bench-run.js';
import { loadBaseline } from './engine.js';
import type { BenchOptions } from './main.js';

const WORKLOAD = 'stress';
const SEED = 20_180_601;
/** 1 ns: every actor starts, handles its first events and finishes. */
const DURATION_TICKS = 1_000;
const DEFAULT_RUNS = 11;
const TARGET_BASELINE_OVER_THIS = 2;

interface Build {
  name: string;
  run: () => Promise<RawRun | undefined>;
  wallMs: number[];
  cpuMs: number[];
}

export async function run(opts: BenchOptions): Promise<void> {
  // Checked before anything runs (a bad `--runs` or `--threads` is a usage error, exit 2).
  opts.whole('runs', DEFAULT_RUNS, 1, 1_000);
  opts.oneOf('threads', ['all', 'kept']);
  // The baseline's modules are loaded and checked before anything runs (a broken one is exit 2).
  const baselineDir = opts.values.baseline;
  const baseline = baselineDir === undefined ? undefined : await loadStartupBaseline(baselineDir);
  const config = await workloadConfig(WORKLOAD, SEED, DURATION_TICKS);
  const kept = new WorkerSet();
  const closing: { close(): Promise<void> }[] = [kept];
  try {
    await measure(opts, config, kept, closing, baseline);
  } finally {
    for (const set of closing) await set.close();
  }
}

/** What this bench runs of a baseline: its engine, its workload's params, its WorkerSet if it has one. */
interface StartupBaseline {
  run: typeof runRaw;
  params: unknown;
  /** The baseline's WorkerSet class; undefined: a build before worker sets (9092b2c). */
  WorkerSet: (new () => WorkerSet) | undefined;
}

/**
 * The baseline `dir`'s engine, workload and worker sets (if it has them), loaded and checked
 * before anything runs (bench/baseline-modules.ts, as engine and sweep check theirs).
 */
export async function loadStartupBaseline(dir: string): Promise<StartupBaseline> {
  const baseline = await loadBaseline(dir, WORKLOAD);
  const file = 'dist/src/runtime/worker-set.js';
  const sets = existsSync(new URL(file, baselineUrl(dir)))
    ? ((await loadBaselineModules(dir, {
        holding: 'an older build',
        buildWith: 'npm run build',
        modules: { [file]: ['WorkerSet'] },
      })) as { WorkerSet: new () => WorkerSet })
    : undefined;
  return { run: baseline.run as typeof runRaw, params: baseline.params, WorkerSet: sets?.WorkerSet };
}

async function measure(
  opts: BenchOptions,
  config: RunConfig,
  kept: WorkerSet,
  closing: { close(): Promise<void> }[],
  baseline: StartupBaseline | undefined,
): Promise<void> {
  const runs = opts.whole('runs', DEFAULT_RUNS, 1, 1_000);
  const keptOnly = opts.oneOf('threads', ['all', 'kept']) === 'kept';
  const baselineDir = opts.values.baseline;
  const inlineDigest = combineDigests((await runRaw(config, { host: 'inline' })).actorDigests);
  const builds: Build[] = [
    {
      name: 'kept threads',
      run: () => runRaw(config, { host: 'threaded', workerSet: kept }),
      wallMs: [],
      cpuMs: [],
    },
  ];
  if (!keptOnly) {
    builds.unshift({
      name: 'this build',
      run: () => runRaw(config, { host: 'threaded' }),
      wallMs: [],
      cpuMs: [],
    });
  }
  if (baseline !== undefined) {
    const old = { ...config, params: { ...(baseline.params as object), durationTicks: DURATION_TICKS } };
    if (!keptOnly) {
      builds.push({
        name: 'baseline',
        run: () => baseline.run(old as RunConfig, { host: 'threaded' }),
        wallMs: [],
        cpuMs: [],
      });
    }
    // A baseline that has worker sets (9092b2c and later) gets its kept row too: how a change
    // moved the start of a process's later runs.
    const oldSet = baseline.WorkerSet === undefined ? undefined : new baseline.WorkerSet();
    if (oldSet !== undefined) {
      closing.push(oldSet);
      builds.push({
        name: 'baseline kept',
        run: () => baseline.run(old as RunConfig, { host: 'threaded', workerSet: oldSet }),
        wallMs: [],
        cpuMs: [],
      });
    }
  }
  // The floor: Node's own cost of as many workers as this build's run starts, doing nothing (not
  // with --threads kept, whose runs start no thread).
  const bareCount = (await builds[0]!.run())!.workers.length;
  if (!keptOnly)
    builds.push({ name: 'bare workers', run: () => bareWorkers(bareCount), wallMs: [], cpuMs: [] });
  const loadBefore = loadavg()[0]!;
  let workers = 0;
  for (const b of builds) await b.run(); // untimed: the main thread's own first load
  for (let i = 0; i < runs; i++) {
    // Alternate which build goes first, so neither always runs right after the other's teardown.
    for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const raw = await b.run();
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      b.wallMs.push(wallMs);
      b.cpuMs.push((used.user + used.system) / 1000);
      if ((b.name === 'this build' || b.name === 'kept threads') && raw !== undefined) {
        workers = raw.workers.length;
        const digest = combineDigests(raw.actorDigests);
        if (digest !== inlineDigest)
          throw new Error(
            `startup bench: ${b.name}, threaded run ${i} has event digest ${digest}, the inline run ${inlineDigest}`,
          );
      }
    }
  }
  const entry = fileURLToPath(workerEntryUrl('machine-host'));
  const cache = codeCacheState(fileURLToPath(new URL('.', workerEntryUrl('machine-host'))), 'machine-host');
  const rows = builds.map((b) => ({
    name: b.name,
    medianWallMs: median(b.wallMs),
    medianCpuMs: median(b.cpuMs),
    wallMs: b.wallMs,
    cpuMs: b.cpuMs,
  }));
  const row = (name: string) => rows.find((r) => r.name === name);
  const base = row('baseline');
  const baseKept = row('baseline kept');
  const mine = row('this build');
  const keptRow = row('kept threads')!;
  const fresh =
    base === undefined || mine === undefined
      ? undefined
      : {
          wall: base.medianWallMs / mine.medianWallMs,
          /** The median of the per-round ratios (bench-run.ts pairedRatio). */
          wallPaired: pairedRatio(base.wallMs, mine.wallMs),
          cpu: base.medianCpuMs / mine.medianCpuMs,
          keptWall: base.medianWallMs / keptRow.medianWallMs,
          keptCpu: base.medianCpuMs / keptRow.medianCpuMs,
        };
  const keptPair =
    baseKept === undefined
      ? undefined
      : {
          keptOverBaselineKeptWall: baseKept.medianWallMs / keptRow.medianWallMs,
          keptOverBaselineKeptCpu: baseKept.medianCpuMs / keptRow.medianCpuMs,
        };
  const ratios = baselineDir === undefined ? null : { ...fresh, ...keptPair };
  const context = machineContext(loadBefore);
  if (opts.json) {
    const summary = {
      bench: 'startup',
      workload: WORKLOAD,
      seed: SEED,
      durationTicks: DURATION_TICKS,
      workers,
      runsPerBuild: runs,
      digest: inlineDigest,
      workerEntry: entry,
      codeCache: cache,
      rows,
      threads: keptOnly ? 'kept' : 'all',
      ratios,
      target: TARGET_BASELINE_OVER_THIS,
      ...context,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(startupHeading(workers, runs, inlineDigest));
  out(`${'build'.padEnd(14)}${'wall ms'.padStart(9)}${'cpu ms'.padStart(9)}  runs (wall ms)`);
  for (const r of rows) {
    out(
      `${r.name.padEnd(14)}${r.medianWallMs.toFixed(0).padStart(9)}${r.medianCpuMs.toFixed(0).padStart(9)}  ` +
        r.wallMs.map((x) => x.toFixed(0)).join(' '),
    );
  }
  if (baselineDir === undefined) out('baseline/this: no baseline (--baseline DIR)');
  if (fresh !== undefined) {
    out(
      `baseline/this: wall ${fresh.wall.toFixed(2)} x, paired ${fresh.wallPaired.toFixed(2)} x (${targetVerdict(fresh.wall, fresh.wallPaired, TARGET_BASELINE_OVER_THIS)}), ` +
        `cpu ${fresh.cpu.toFixed(2)} x; baseline/kept threads (a later run of the process): wall ${fresh.keptWall.toFixed(2)} x, cpu ${fresh.keptCpu.toFixed(2)} x`,
    );
  }
  if (keptPair !== undefined) {
    out(
      `baseline kept/kept threads (both builds on kept threads): wall ${keptPair.keptOverBaselineKeptWall.toFixed(2)} x, ` +
        `cpu ${keptPair.keptOverBaselineKeptCpu.toFixed(2)} x`,
    );
  } else if (baselineDir !== undefined && keptOnly) {
    out('baseline kept: the baseline has no worker sets (dist/src/runtime/worker-set.js), so no kept row');
  }
  out(`this build's workers start on ${entry} (code cache: ${cache})`);
  out(`(${contextText(context)})`);
}

/** The table's first line: what ran, `workers` workers, the median of `runs` runs, the digest. */
export function startupHeading(workers: number, runs: number, digest: string): string {
  return (
    `startup: threaded run of ${WORKLOAD}, seed ${SEED}, ${DURATION_TICKS} ticks simulated, ${countText(workers, 'worker')} ` +
    `(one per actor), median of ${countText(runs, 'run')} per build, interleaved; event digest ${digest} (inline: the same)`
  );
}

/**
 * `n` workers that only post one message, awaited, then terminated, as a threaded run's are: what
 * Node itself costs before any of this build's code runs (the "bare workers" row).
 */
async function bareWorkers(n: number): Promise<undefined> {
  const workers = Array.from(
    { length: n },
    () => new Worker("require('node:worker_threads').parentPort.postMessage(0)", { eval: true }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return undefined;
}
