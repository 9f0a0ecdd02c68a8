/**
 * Engine benchmark: the stress workload (the default of `npusim run` until `mixed` took its place;
 * bench/README.md's figures use it), a fixed seed, run on every host in the same
 * process, RUNS times each, interleaved so every host sees the same machine load:
 *   inline      every actor in this thread;
 *   workers-N   N worker threads (--workers N): two, one per socket, unless `--workers LIST`
 *               names others (`--workers 2,4,8` on a machine with cores to spare: issue 15
 *               item 6);
 *   per-actor   one worker per chip, GPU and coordinator (the default, the product's shape);
 *   free        free mode (--free, default window): one worker per actor, no safe-time waiting,
 *               the take log recorded (its cost included). A free run races, so its digest is its
 *               own, and lateness makes it handle fewer events per simulated ms: compare both
 *               columns;
 *   inline-pair two inline runs at once, each in a worker thread of its own (bench/peers/
 *               inline-pair-peer.ts), sharing nothing: their events together over the longer
 *               one's wall time. `inline-pair/inline` is what two threads of this machine give
 *               on the engine's own work in the same window (two vCPUs that share a core,
 *               caches or memory bandwidth give less than 2), the reference for
 *               `workers-2/inline`; no ceiling: the pair holds two worlds in the caches, where
 *               `--workers 2` splits one, and runs at the pace of the slower of its two runs,
 *               so `--workers 2` can pass it, and has on 1 ms runs (bench/README.md "The
 *               inline-pair's warm-up");
 *   baseline    with `--baseline DIR`: the inline engine of an older build (DIR holds its `dist/`,
 *               e.g. a git worktree of 622ba01 built with `npx tsc -p tsconfig.build.json`).
 * A run's rate is its events over its own wall time (RawRun.wallMs: from planning to the last
 * report, worker start-up included for threaded runs).
 * Where the runs happen, `--start`:
 *   warm (default) every run in this process: inline's runs after the first reuse the optimised code
 *                  V8 made for the earlier ones, and so, with `--threads kept` (the default here),
 *                  do the threaded hosts: each keeps its worker threads from one of its runs to the
 *                  next (src/runtime/worker-set.ts), as a free sweep does from seed to seed. With
 *                  `--threads fresh` each threaded run starts its workers cold (the bench's only
 *                  behaviour before worker sets, and its figures in bench/README.md until then);
 *   cold           every run in a fresh `node` process (engine-once.ts), as `npusim run` starts:
 *                  every host compiles from nothing, as a user's run does.
 * Warm-up, `--warmup N` (0 to 5; warm only): N rounds of every host run first, checked and not
 * counted, so that the medians measure the steady state of a long-lived process. By default
 * (defaultWarmupRounds) as many rounds as make 2 ms of simulated time, at least 1 and at most 5:
 * 2 rounds of 1 ms runs, 1 of 6 ms runs. An inline run reaches its speed over its first run, but
 * a kept worker's isolate only over its first 2 ms or so: with one warm-up round of 1 ms runs the
 * first counted per-actor and `--workers 2` runs still ran at half to two thirds of the later
 * ones, with two none stood out (bench/README.md "Warm-up by simulated time"). The inline-pair
 * peers, fresh threads every round, warm up on their own first, over the simulated time the
 * warm-up rounds cover, at most 2 ms (pairWarmupTicks; over 200 us whatever the rounds before,
 * when a 1 ms pair ran at about nine tenths of a pair warmed over 2 ms: bench/README.md "The
 * inline-pair's warm-up"). `--warmup 0` gives the bench as it was before worker sets, whose first
 * round was counted.
 * Before every run the bench waits for the process to go quiet (bench-run.ts settle): a run
 * that follows fresh threads' teardown (the baseline after inline-pair) is otherwise measured on a
 * busier machine than the rest.
 * Order within a round: inline and the baseline back to back (the ratio the inline target names
 * compares them), inline first in even rounds and the baseline first in odd ones, so neither
 * always runs on the machine as the other left it; then the threaded hosts and inline-pair.
 * Reported: each host's median, and the ratios the targets name, each as the ratio of the two
 * medians and "paired", the median of its per-round ratios (bench-run.ts pairedRatio): this
 * machine's speed drifts by more than some targets' margins over a bench of minutes (bench/
 * README.md), and a drift moves the medians of two rows apart more than it moves the ratio of two
 * runs of one round. The verdict is on the ratio of medians, as before; the paired figure says
 * whether a verdict rests on the drift. Every run's event digest is
 * compared with the first inline run's: a benchmark whose hosts disagree fails instead of printing
 * a rate.
 *
 * Targets (npusim issues 15 and 11), all ratios within one run: workers-2 >= 1.5 x inline;
 * per-actor >= 0.6 x inline; inline >= 1.5 x the baseline's inline; free >= 1.3 x inline (events/s).
 * Nothing here asserts them.
 */
import { execFile, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { countText } from '../src/core/count-text.js';
import { gotText } from '../src/core/shown-text.js';
import type { RunConfig } from '../src/model/scenario/run-config.js';
import { formatTime, parseDuration } from '../src/report/duration.js';
import { compact } from '../src/report/number-text.js';
import { combineDigests } from '../src/runtime/digest.js';
import { type EngineOptions, runRaw } from '../src/runtime/engine.js';
import type { RawRun } from '../src/runtime/raw-run.js';
import { WorkerSet } from '../src/runtime/worker-set.js';
import { baselineCall, loadBaselineModules } from './baseline-modules.js';
import {
  contextText,
  loadNote,
  machineContext,
  median,
  pairedRatio,
  settle,
  targetVerdict,
  UsageError,
  workloadConfig,
} from './bench-run.js';
import type { OnceRequest, OnceResult } from './engine-once.js';
import type { BenchOptions } from './main.js';
import { startWorkerGroup } from './worker-group.js';

const WORKLOAD = 'stress';
const SEED = 20_180_601;
/**
 * The lengths run by default: a short run (start-up and the JIT's warm-up weigh) and a long one
 * (closer to a user's steady state). `--lengths 1ms,6ms,20ms` names others; `--runs N` sets the
 * counted runs per host for every length.
 */
const DEFAULT_LENGTHS = '1ms,6ms';
/** Runs per host of a length up to 1 ms; longer lengths get fewer (each takes seconds). */
const RUNS_SHORT = 5;
const RUNS_LONG = 3;
/** The simulated time the default warm-up covers (defaultWarmupRounds). */
const WARMUP_TICKS = 2_000_000_000;
const MAX_WARMUP_ROUNDS = 5;
/** The run lengths the targets are defined for (1 ms and 6 ms); other lengths' verdicts say so. */
const TARGET_LENGTHS_TICKS: readonly number[] = [1_000_000_000, 6_000_000_000];
const TARGETS = {
  workers2OverInline: 1.5,
  perActorOverInline: 0.6,
  inlineOverBaseline: 1.5,
  freeOverInline: 1.3,
};
/** The free row's drift window: the command line's default (1 us). */
const FREE_WINDOW_TICKS = 1_000_000;

type RunFn = (config: RunConfig, options: EngineOptions) => Promise<RawRun>;

interface Host {
  name: string;
  run: () => Promise<RunFigures>;
}

/** What the bench reads from a run: engine-once.ts's line, or the same figures of a RawRun. */
type RunFigures = OnceResult;

type Start = 'warm' | 'cold';
/** Whether a warm bench's threaded hosts keep their worker threads between runs. */
type Threads = 'kept' | 'fresh';

/** A run in this process (warm) or in a fresh `node` process (cold). */
function runner(start: Start, root: string | undefined, run: RunFn, config: RunConfig) {
  return async (options: EngineOptions): Promise<RunFigures> => {
    if (start === 'warm') {
      const raw = await run(config, options);
      const { events, wallMs, reachedTick } = raw;
      return { events, wallMs, reachedTick, digest: combineDigests(raw.actorDigests) };
    }
    return runCold({
      ...(root === undefined ? {} : { root }),
      workload: config.workload,
      seed: config.seed,
      durationTicks: (config.params as { durationTicks: number }).durationTicks,
      options,
    });
  };
}

const COLD_RUN_TIMEOUT_MS = 600_000;

/**
 * The `inline-pair` row's one round: two inline runs of `config` at once, one per worker thread,
 * started together at a gate (each warmed up first in a warm bench, by `warmTicks` of the same
 * simulation). Both must give `config`'s digest; the figures are their events together over the
 * longer wall time.
 */
export async function runInlinePair(config: RunConfig, start: Start, warmTicks: number): Promise<RunFigures> {
  const spec = { name: 'inline-pair-peer', data: { config, warmTicks: start === 'warm' ? warmTicks : 0 } };
  const group = startWorkerGroup<RunFigures & { type: 'done' }>([spec, spec], COLD_RUN_TIMEOUT_MS);
  const [a, b] = await group.done;
  if (a!.digest !== b!.digest || a!.events !== b!.events) {
    throw new Error(
      `engine bench: the two runs of inline-pair differ (${a!.digest}:${a!.events} and ${b!.digest}:${b!.events})`,
    );
  }
  return {
    events: a!.events + b!.events,
    wallMs: Math.max(a!.wallMs, b!.wallMs),
    // Two runs, each reaching this tick: simulated time per wall second counts both.
    reachedTick: a!.reachedTick + b!.reachedTick,
    digest: a!.digest,
  };
}

/**
 * The hosts of round `round` in the order they run (the header's "Order within a round"): inline
 * and the baseline back to back, the baseline first in odd rounds (warm-up rounds count too, from
 * -1 down), then the rest.
 */
export function hostsOfRound<H>(round: number, inline: H, baseline: H | undefined, rest: readonly H[]): H[] {
  if (baseline === undefined) return [inline, ...rest];
  return Math.abs(round % 2) === 1 ? [baseline, inline, ...rest] : [inline, baseline, ...rest];
}

async function runCold(req: OnceRequest): Promise<RunFigures> {
  const script = fileURLToPath(new URL('./engine-once.js', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify(req)], {
      timeout: COLD_RUN_TIMEOUT_MS,
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as RunFigures;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`engine bench: a cold run (${JSON.stringify(req)}) failed: ${String(error)}\n${stderr}`);
  }
}

interface Row {
  name: string;
  medianEventsPerSecond: number;
  medianSimulatedNsPerWallSecond: number;
  medianWallMs: number;
  runs: number[];
}

export async function run(opts: BenchOptions): Promise<void> {
  const workerCounts = parseWorkerCounts(opts.values.workers);
  // `--runs N`: that many counted runs per host at every length (a quick look, or a longer one),
  // instead of 5 up to 1 ms and 3 above.
  const runsGiven = opts.values.runs === undefined ? undefined : opts.whole('runs', RUNS_SHORT, 1, 100);
  const lengthList = parseLengths(opts.values.lengths ?? DEFAULT_LENGTHS).map((l) => ({
    ...l,
    runs: runsGiven ?? l.runs,
  }));
  const start = (opts.oneOf('start', ['warm', 'cold']) ?? 'warm') as Start;
  const threads = (opts.oneOf('threads', ['kept', 'fresh']) ??
    (start === 'warm' ? 'kept' : 'fresh')) as Threads;
  if (start === 'cold' && threads === 'kept') {
    throw new UsageError(
      'Expected `--threads fresh` (or no `--threads`) with `--start cold`: every cold run is a process of its own, got `--threads kept`',
    );
  }
  // Given, the same for every length; else per length (defaultWarmupRounds), none when cold.
  const warmupGiven =
    opts.values.warmup === undefined ? undefined : opts.whole('warmup', 0, 0, MAX_WARMUP_ROUNDS);
  if (start === 'cold' && warmupGiven !== undefined && warmupGiven > 0) {
    throw new UsageError(
      `Expected no \`--warmup\` rounds with \`--start cold\`: a cold run is a fresh process that nothing warms, got \`--warmup ${warmupGiven}\``,
    );
  }
  if (start === 'cold' && import.meta.url.endsWith('.ts')) {
    throw new UsageError(
      'Expected the built bench for `--start cold` (npm run bench), got the TypeScript source',
    );
  }
  const background =
    opts.values.background === undefined ? 0 : opts.whole('background', 0, 0, MAX_BACKGROUND);
  if (background > 0 && import.meta.url.endsWith('.ts')) {
    throw new UsageError(
      'Expected the built bench for `--background` (npm run bench): its processes run dist/bench/background-load.js, got the TypeScript source',
    );
  }
  const baselineDir = opts.values.baseline;
  const baseline = baselineDir === undefined ? undefined : await loadBaseline(baselineDir);
  const loadBefore = loadavg()[0]!;
  const lengths = [];
  const load = await startBackground(background);
  try {
    for (const { durationTicks, runs } of lengthList)
      lengths.push(
        await runLength(
          durationTicks,
          runs,
          opts,
          baseline,
          workerCounts,
          {
            start,
            threads,
            warmup: warmupGiven ?? (start === 'warm' ? defaultWarmupRounds(durationTicks) : 0),
          },
          baselineDir,
        ),
      );
  } finally {
    load.stop();
  }
  const context = machineContext(loadBefore);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'engine', lengths, ...context }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `(${contextText(context)}${background > 0 ? `; ${countText(background, 'background process', 'background processes')} running \`stress\` inline throughout` : ''})\n`,
  );
  // The load note says the rates are low for a reason the bench did not choose; here it chose it.
  const note = background > 0 ? undefined : loadNote(context);
  if (note !== undefined) process.stdout.write(`${note}\n`);
}

/** The most `--background` processes. */
const MAX_BACKGROUND = 16;

/**
 * `--background N`: N processes of other work (background-load.ts) started before the first run,
 * each ready before the bench goes on, and stopped by `stop` (their channel closed: they end
 * within one of their runs).
 */
async function startBackground(n: number): Promise<{ stop: () => void }> {
  const script = fileURLToPath(new URL('./background-load.js', import.meta.url));
  const children = Array.from({ length: n }, () =>
    fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
  const stop = () => {
    for (const c of children) if (c.connected) c.disconnect();
  };
  try {
    await Promise.all(
      children.map(
        (c, i) =>
          new Promise<void>((ok, fail) => {
            c.once('message', () => ok());
            c.once('exit', (code) =>
              fail(
                new Error(
                  `engine bench: background process ${i + 1} exited (code ${code}) before it was ready`,
                ),
              ),
            );
          }),
      ),
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { stop };
}

/** `--workers 2,4,8`: the worker counts of the workers-N rows (default: 2), each from 2 to 64, no repeats. */
function parseWorkerCounts(text: string | undefined): number[] {
  if (text === undefined) return [2];
  const counts = text.split(',').map((t) => (/^\d+$/.test(t) ? Number(t) : Number.NaN));
  if (counts.some((n) => !(n >= 2 && n <= 64)) || new Set(counts).size !== counts.length) {
    throw new UsageError(
      `Expected \`--workers\` to be a comma-separated list of distinct worker counts from 2 to 64 (e.g. 2,4,8), got \`${text}\``,
    );
  }
  return counts;
}

/**
 * `--lengths 1ms,6ms,20ms`: the simulated lengths to run, in order, each a duration as `npusim run
 * --duration` takes it, no repeats; 5 runs per host up to 1 ms, 3 above.
 */
export function parseLengths(text: string): { durationTicks: number; runs: number }[] {
  const parts = text.split(',');
  // Each part's own refusal (not a duration, or out of range) says what is wrong with it.
  const why: string[] = [];
  const ticks = parts.map((t, i) => {
    try {
      return parseDuration(t, '--lengths');
    } catch (e) {
      why[i] = (e as Error).message.replace(/^--lengths: /, '');
      return Number.NaN;
    }
  });
  const bad = parts.findIndex((_, i) => Number.isNaN(ticks[i]));
  if (bad >= 0 || new Set(ticks).size !== ticks.length) {
    throw new UsageError(
      `Expected \`--lengths\` to be a comma-separated list of distinct simulated durations (e.g. 1ms,6ms,20ms), got ${gotText(text)}${bad >= 0 ? ` (${why[bad]})` : ' (a length repeats)'}`,
    );
  }
  return ticks.map((durationTicks) => ({
    durationTicks,
    runs: durationTicks <= 1_000_000_000 ? RUNS_SHORT : RUNS_LONG,
  }));
}

/**
 * The warm-up rounds of a warm bench of runs `durationTicks` long when `--warmup` is not given:
 * enough to cover WARMUP_TICKS of simulated time (the header says why), from 1 to 5.
 */
export function defaultWarmupRounds(durationTicks: number): number {
  return Math.min(MAX_WARMUP_ROUNDS, Math.max(1, Math.ceil(WARMUP_TICKS / durationTicks)));
}

/**
 * The simulated time the `inline-pair` peers, fresh threads every round, warm up over before their
 * timed run: what the other hosts' warm-up rounds cover, at most WARMUP_TICKS (the time an isolate
 * takes to reach its speed: the header). `--warmup 0` gives none, as it gives the others none.
 */
export function pairWarmupTicks(warmupRounds: number, durationTicks: number): number {
  return Math.min(WARMUP_TICKS, warmupRounds * durationTicks);
}

/**
 * An older build's engine and workload `workload`, loaded from its dist/ (also bench/startup.ts):
 * checked before anything runs (bench/baseline-modules.ts): a path without the build, a module
 * that does not load or lacks `runRaw` or `loadWorkloads`, or a workload it lacks is a usage error.
 */
export async function loadBaseline(
  dir: string,
  workload = WORKLOAD,
): Promise<{ run: RunFn; params: unknown }> {
  const m = (await loadBaselineModules(dir, {
    holding: 'an older build',
    buildWith: 'npx tsc -p tsconfig.build.json',
    modules: {
      'dist/src/runtime/engine.js': ['runRaw'],
      'dist/src/runtime/workload-registry.js': ['loadWorkloads'],
    },
  })) as { runRaw: RunFn; loadWorkloads: () => Promise<unknown> };
  const w = await baselineCall(dir, `loadWorkloads() (dist/src/runtime/workload-registry.js)`, async () => {
    const workloads = await m.loadWorkloads();
    if (!(workloads instanceof Map))
      throw new TypeError(
        `loadWorkloads() resolved to ${workloads === null ? 'null' : typeof workloads}, not a Map`,
      );
    return workloads.get(workload) as { params: unknown } | undefined;
  });
  if (w === undefined)
    throw new UsageError(`Expected the baseline ${dir} to have workload \`${workload}\`, got none`);
  return { run: m.runRaw, params: w.params };
}

/**
 * The inline-pair line: its ratio over inline, paired, and how much of it workers-2 reached; that
 * clause is left out when workers-2 was not run (`workers2OverInline` null: `--workers` without 2).
 */
export function inlinePairLine(pair: number, paired: number, workers2OverInline: number | null): string {
  const reached =
    workers2OverInline === null
      ? ''
      : `; workers-2 reached ${((100 * workers2OverInline) / pair).toFixed(0)}% of it`;
  return (
    `inline-pair/inline: ${pair.toFixed(2)}, paired ${paired.toFixed(2)} ` +
    `(two inline runs at once, a world each: what two threads give here now${reached})`
  );
}

async function runLength(
  durationTicks: number,
  runs: number,
  opts: BenchOptions,
  baseline: { run: RunFn; params: unknown } | undefined,
  workerCounts: readonly number[],
  { start, threads, warmup }: { start: Start; threads: Threads; warmup: number },
  baselineDir: string | undefined,
) {
  const config = await workloadConfig(WORKLOAD, SEED, durationTicks);
  const here = runner(start, undefined, runRaw, config);
  // Each threaded host keeps its own threads (a set serves one shape of run: worker-set.ts).
  const sets: WorkerSet[] = [];
  const kept = (): { workerSet?: WorkerSet } => {
    if (threads === 'fresh') return {};
    const workerSet = new WorkerSet();
    sets.push(workerSet);
    return { workerSet };
  };
  const threaded = (options: Omit<EngineOptions, 'host'>): (() => Promise<RunFigures>) => {
    const own = kept();
    return () => here({ host: 'threaded', ...options, ...own });
  };
  const inline: Host = { name: 'inline', run: () => here({ host: 'inline' }) };
  let baselineHost: Host | undefined;
  if (baseline !== undefined && baselineDir !== undefined) {
    const old = { ...config, params: { ...(baseline.params as object), durationTicks } } as RunConfig;
    const there = runner(start, baselineDir, baseline.run, old);
    baselineHost = { name: 'baseline-inline', run: () => there({ host: 'inline' }) };
  }
  const threadedHosts: Host[] = [
    ...workerCounts.map((count) => ({
      name: `workers-${count}`,
      run: threaded({ placement: { kind: 'workers', count } }),
    })),
    { name: 'per-actor', run: threaded({}) },
    { name: 'free', run: threaded({ free: { windowTicks: FREE_WINDOW_TICKS } }) },
    { name: 'inline-pair', run: () => runInlinePair(config, start, pairWarmupTicks(warmup, durationTicks)) },
  ];
  const hosts = hostsOfRound(0, inline, baselineHost, threadedHosts);
  const figures = new Map<string, { eps: number[]; sns: number[]; wall: number[] }>(
    hosts.map((h) => [h.name, { eps: [], sns: [], wall: [] }]),
  );
  let digest: string | undefined;
  let events = 0;
  try {
    // Rounds below 0 are the warm-up: run and checked, not counted.
    for (let i = -warmup; i < runs; i++) {
      for (const h of hostsOfRound(i, inline, baselineHost, threadedHosts)) {
        // Each run starts on a quiet process: none pays for the teardown of the one before.
        await settle();
        const raw = await h.run();
        const d = raw.digest;
        // The baseline is another version of the model, and a free run races: neither need give
        // the deterministic event stream.
        if (!h.name.startsWith('baseline') && h.name !== 'free') {
          digest ??= d;
          if (h.name !== 'inline-pair') events = raw.events;
          if (d !== digest)
            throw new Error(
              `engine bench: ${h.name} ${i < 0 ? `warm-up round ${i + warmup + 1}` : `run ${i}`} has event digest ${d}, expected ${digest}`,
            );
        }
        if (i < 0) continue;
        const s = raw.wallMs / 1000;
        const f = figures.get(h.name)!;
        f.eps.push(raw.events / s);
        f.sns.push(raw.reachedTick / 1000 / s);
        f.wall.push(raw.wallMs);
      }
    }
  } finally {
    await Promise.all(sets.map((set) => set.close()));
  }
  const rows: Row[] = hosts.map((h) => {
    const f = figures.get(h.name)!;
    return {
      name: h.name,
      medianEventsPerSecond: median(f.eps),
      medianSimulatedNsPerWallSecond: median(f.sns),
      medianWallMs: median(f.wall),
      runs: f.eps,
    };
  });
  const rate = (name: string) => rows.find((r) => r.name === name)?.medianEventsPerSecond ?? Number.NaN;
  /** Median of the per-round ratios of two rows (bench-run.ts pairedRatio). */
  const paired = (a: string, b: string): number => pairedRatio(figures.get(a)!.eps, figures.get(b)!.eps);
  const ratios = {
    workers2OverInline: workerCounts.includes(2) ? rate('workers-2') / rate('inline') : null,
    perActorOverInline: rate('per-actor') / rate('inline'),
    inlineOverBaseline: baseline === undefined ? null : rate('inline') / rate('baseline-inline'),
    freeOverInline: rate('free') / rate('inline'),
    /** What two threads give on whole simulations, workers2OverInline's reference (not a target). */
    inlinePairOverInline: rate('inline-pair') / rate('inline'),
    /** The same ratios as medians of their per-round ratios (the header says why). */
    paired: {
      workers2OverInline: workerCounts.includes(2) ? paired('workers-2', 'inline') : null,
      perActorOverInline: paired('per-actor', 'inline'),
      inlineOverBaseline: baseline === undefined ? null : paired('inline', 'baseline-inline'),
      freeOverInline: paired('free', 'inline'),
      inlinePairOverInline: paired('inline-pair', 'inline'),
    },
  };
  const summary = {
    start,
    threads,
    warmupRounds: warmup,
    workload: WORKLOAD,
    seed: SEED,
    durationTicks,
    eventsPerRun: events,
    digest,
    runsPerHost: runs,
    rows,
    ratios,
    /** Every workers-N row over inline (the scaling of issue 15 item 6). */
    workersOverInline: Object.fromEntries(
      workerCounts.map((n) => [n, rate(`workers-${n}`) / rate('inline')]),
    ),
    targets: TARGETS,
  };
  if (opts.json) return summary;
  // The CLI's spelling of a rate (13.9k, 1.23M); --json keeps the numbers.
  const fmt = (x: number): string => compact(x).padStart(12);
  process.stdout.write(
    `engine: workload ${WORKLOAD}, seed ${SEED}, ${durationTicks / 1e9} ms simulated, ${events} events per run, ` +
      `median of ${countText(runs, 'run')} per host${warmup > 0 ? ` after ${warmup} warm-up round${warmup > 1 ? 's' : ''}` : ''} (${start === 'cold' ? 'each in a fresh node process' : `all in this process, threaded hosts on ${threads === 'kept' ? 'threads kept between their runs' : 'fresh threads each run'}`}), event digest ${digest}\n`,
  );
  process.stdout.write(
    `${'host'.padEnd(16)}${'events/s'.padStart(12)}${'sim ns/s'.padStart(12)}${'wall ms'.padStart(10)}  runs (k events/s, in order)\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(16)}${fmt(r.medianEventsPerSecond)}${fmt(r.medianSimulatedNsPerWallSecond)}${r.medianWallMs.toFixed(0).padStart(10)}  ${r.runs.map((x) => (x / 1000).toFixed(0)).join(' ')}\n`,
    );
  }
  const verdict = (x: number | null, p: number | null, t: number) =>
    x === null || p === null
      ? 'not run'
      : `${x.toFixed(2)}, paired ${p.toFixed(2)} (${targetVerdict(x, p, t)})`;
  const p = ratios.paired;
  process.stdout.write(
    `workers-2/inline: ${verdict(ratios.workers2OverInline, p.workers2OverInline, TARGETS.workers2OverInline)}; ` +
      `per-actor/inline: ${verdict(ratios.perActorOverInline, p.perActorOverInline, TARGETS.perActorOverInline)}; ` +
      `inline/baseline: ${verdict(ratios.inlineOverBaseline, p.inlineOverBaseline, TARGETS.inlineOverBaseline)}; ` +
      `free/inline: ${verdict(ratios.freeOverInline, p.freeOverInline, TARGETS.freeOverInline)}\n`,
  );
  if (!TARGET_LENGTHS_TICKS.includes(durationTicks)) {
    process.stdout.write(
      `(targets defined for 1 ms and 6 ms runs; these are ${formatTime(durationTicks)} runs)\n`,
    );
  }
  // workers-2's ratio is on the line above; the other counts' (--workers 2,4,8) only here.
  const scaling = workerCounts
    .filter((n) => n !== 2)
    .map((n) => `workers-${n} ${(rate(`workers-${n}`) / rate('inline')).toFixed(2)}`);
  if (scaling.length > 0) process.stdout.write(`over inline: ${scaling.join(', ')}\n`);
  const pair = ratios.inlinePairOverInline;
  process.stdout.write(`${inlinePairLine(pair, p.inlinePairOverInline, ratios.workers2OverInline)}\n\n`);
  return summary;
}
