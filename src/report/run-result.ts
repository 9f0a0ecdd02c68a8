/**
 * The run result: a JSON-serialisable object with a schema version (issue: "The run result").
 * Everything a user needs to judge a run and to reproduce it. Figures the hardware would show
 * (contention) are kept apart from figures about npusim itself (engine).
 */
import type { LatencyNoise } from '../metrics/histogram.js';
import type { HistogramSummary } from '../model/actors/actor.js';
import type { Violation } from '../model/check/violation.js';
import type { ChangePoints } from '../model/choice/chooser.js';
import type { PctBound } from '../model/choice/pct.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Expectation } from '../model/scenario/workload.js';
import type { FreeFigures } from '../runtime/free/free-log.js';
import type { HostsChecked, RingFigures, WorkerFigures } from '../runtime/raw-run.js';
import type { CrashInfo } from '../runtime/run-errors.js';
import type { RuleCount } from './rule-counts.js';
import type { SyncFigures } from './sync-figures.js';

export const RESULT_SCHEMA_VERSION = 1;

/** core/exit-codes.ts gives the exit code of each: 0, 1, 3, 130 and 4. */
export type RunStatus = 'clean' | 'violation' | 'liveness' | 'interrupted' | 'crash';

export interface LinkFigures {
  label: string;
  kind: string;
  /** Which ends the link joins, by actor kind (a chip's NPU or X-bus side counts as `chip`). */
  between: 'gpu-gpu' | 'gpu-chip' | 'chip-gpu' | 'chip-chip' | 'control';
  /** Messages sent on the link, whether or not they had crossed by the run's end. */
  messages: number;
  /** Bytes serialised onto the link by the run's end. */
  bytes: number;
  /**
   * Bytes sent but not yet serialised at the run's end: the queue a saturated link ends with (a
   * message books its serialisation when it is sent; link-timing.ts).
   */
  backlogBytes: number;
  /** Busy time over simulated time, 0..1. */
  utilisation: number;
  meanQueueDelayTicks: number;
  maxQueueDelayTicks: number;
}

/** Contention figures of one socket (its chip actor: NPU, nest MMU, TCE caches). */
export interface SocketFigures {
  socket: number;
  chip: string;
  /**
   * Nest MMU walks that translated, and those that faulted: each walk is one or the other, so a
   * socket's walks are their sum (QA: 301 faults beside 292 translations read as a rate of 103 %).
   * A translation counts when its walk finishes inside the run, a fault when it is refused (a walk
   * that finds no PTE at its request): results before 0.10.0 counted translations booked, walks the
   * end cut off among them, which read above the walkers' capacity (QA68: 23.14M/s of 20M/s).
   */
  nmmuTranslations: number;
  nmmuFaults: number;
  /**
   * The nest MMU's walkers busy, 0..1: walker time over walkers x simulated time, a walk counting
   * only its part inside the run. A socket's bottleneck no link's utilisation shows (QA68: stress's
   * walkers 103 % booked beside links 4 % busy). Absent from results written before 0.10.0.
   */
  nmmuWalkerUtilisation?: number;
  /** Nest MMU translation latency over the walks that translated, 99th percentile, ticks (0: none). */
  nmmuP99Ticks: number;
  /**
   * The order-statistic confidence interval of nmmuP99Ticks, [low, high] ticks ([0, 0]: no walk):
   * ranks N p -/+ z sqrt(N p (1 - p)) read from the socket's histogram, z the three standard
   * deviates `npusim compare` judges by (99.73 %), widened by the histogram's resolution
   * (src/metrics/histogram.ts percentileInterval). Two runs' p99s whose intervals do not overlap
   * are `changed`. Absent from results written before it existed (compared, not judged).
   */
  nmmuP99IntervalTicks?: [number, number];
  atsdLaunches: number;
  /** ATSD register acquisitions that waited, and those won at once (a wait of 0). */
  atsdWaits: number;
  atsdWonAtOnce: number;
  /** The 99th percentile of every acquisition's wait, those won at once too (ticks). */
  atsdWaitP99Ticks: number;
  /** The confidence interval of atsdWaitP99Ticks, as nmmuP99IntervalTicks's. */
  atsdWaitP99IntervalTicks?: [number, number];
  /** Times a CPU found a register busy (test_bit / test_and_set_bit_lock failed). */
  atsdBusySeen: number;
  /**
   * CPUs still spinning for a register of this NPU when the run ended, and the longest of those
   * waits by then (ticks; 0: none): the wait p99 is over the waits that ended, which a deadlock's
   * never do (absent from results written before 0.6.2).
   */
  atsdWaitingAtEnd?: number;
  atsdLongestWaitAtEndTicks?: number;
  tceHits: number;
  tceMisses: number;
}

/** What a headline figure's `value` counts: `ticks` are picoseconds, `ratio` a share of 1. */
export const HEADLINE_UNITS = ['count', 'bytes', 'ticks', 'ratio', 'per-second', 'bytes-per-second'] as const;
export type HeadlineUnit = (typeof HEADLINE_UNITS)[number];

/** One figure of a workload's headline (report/headline.ts), as computed and as printed. */
export interface HeadlineFigure {
  label: string;
  /** The number (null: the run has no such figure, e.g. a histogram with no sample). */
  value: number | null;
  text: string;
  /**
   * The unit of `value` (`npusim compare --json` gives it to the headline's rows; QA: a p99 in
   * picoseconds read `count`). Absent where the figure is text alone (a parameter that is not a
   * number) and in results written before it existed.
   */
  unit?: HeadlineUnit;
  /**
   * The figure is a total accrued over the run (a counter's `per: 'run'`, a latency's sample
   * count): it grows with the run's length, so `npusim compare` of runs of different lengths
   * compares it per simulated ms, as it does the counts it is read from. Absent on a figure that
   * does not grow with the run (a percentile, a rate, a share, a parameter) and in results
   * written before it existed (compared as they are).
   */
  accrues?: true;
}

/** What a run found against what its workload expected of it. */
/** Where a premise of the run does not hold (RunResult `premises[].voidOn`). */
export interface PremiseVoid {
  /** Why: `firmware-updated`, a guest updated these GPUs' firmware, which the model does not follow. */
  reason: 'firmware-updated';
  /** The GPUs of the findings kept (all of them where `allKept`). */
  gpus: string[];
  /** The run's `isolation.firmware` findings, kept or not. */
  findings: number;
  allKept: boolean;
}

export interface ExpectationVerdict {
  expect: Expectation;
  /** Rules found, with how many times each (every violation, kept or only counted, and liveness failures). */
  found: Record<string, number>;
  met: boolean;
  /**
   * The `--bug` switches whose rules the workload declares (`exposes`) and `expect` therefore
   * holds, beside what the run itself was declared to find (model/scenario/bug-expectation.ts);
   * absent where `expect` is the declaration alone.
   */
  byBugs?: string[];
  /**
   * The run's `--bug` switches that the workload does not expose: `expect` was declared for runs
   * without them, so a finding they make misses it (the summary says so beside `expected`).
   * Absent where every switch is exposed, or where no workload's `exposes` was at hand.
   */
  notExposed?: string[];
}

/** A variant of the workload run after its own run (`npusim run` of a workload with variants). */
export interface VariantResult {
  name: string;
  description?: string;
  set: Record<string, unknown>;
  /**
   * Its `set` gives every parameter it names the workload's own value (on the command's profile):
   * the workload's own run again, as a variant that sets nothing is. Absent otherwise.
   */
  restatesOwn?: true;
  /** The bug switches the variant turns on itself (workload.ts `bugs`); absent: none. */
  bugs?: string[];
  /** The profile the variant names (workload.ts); absent: it ran on the command's. */
  profile?: string;
  /**
   * Set when the variant's policy is one the profile it ran on could not form, as a run's
   * (RunResult `policyNotInProfile`): `multi-tenant --profile as-shipped`'s per-gpu, guest-atsd's
   * as-shipped. The summary's header names the variant with it.
   */
  policyNotInProfile?: string;
  status: RunStatus;
  exitCode: RunResult['exitCode'];
  digest: string;
  violationTotal: number;
  expectation: ExpectationVerdict;
  headline: HeadlineFigure[];
  reproduce: string;
  /**
   * The failure file written for it (it found what it did not expect), or null: none written.
   * Absent from results written before it existed.
   */
  failureFile?: string | null;
  /**
   * How far it ran and in what wall time, and how fast npusim ran it (the own run's `engine`:
   * events, events/s, rings, workers with their lambda): a variant's engine figures are its own.
   * Absent from results written before they were kept.
   */
  simulatedTicks?: number;
  wallMs?: number;
  engine?: RunResult['engine'];
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  /**
   * The npusim version that ran it (package.json): two versions may run two models, which
   * `npusim compare` says. Absent from the results of npusim before 0.2.0.
   */
  npusim?: string;
  workload: string;
  seed: number;
  host: 'inline' | 'threaded';
  config: RunConfig;
  status: RunStatus;
  /**
   * 0 clean, 1 invariant violated, 3 liveness failure, 4 crash, 130 interrupted (core/exit-codes.ts);
   * a usage or configuration error (2) never starts a run, so never has a result.
   */
  exitCode: 0 | 1 | 3 | 4 | 130;
  /**
   * Set when the run's policy is one its profile's releases could not form (`--profile as-shipped
   * --policy per-gpu`: v5.12 had one IOMMU group per NPU): the warning the header and stderr
   * print (model/scenario/profile-policy.ts). The run is a what-if, not refused.
   */
  policyNotInProfile?: string;
  /**
   * Set when the run switches on a bug its profile's releases did not carry (`--profile as-shipped
   * --bug atsd-no-valid-bdf`: skiboot v6.0 fixed it, before as-shipped's v6.8): a what-if too.
   */
  bugsNotInProfile?: string;
  /** The run's digest: events, behaviour-changing configuration and findings (outcome-digest.ts). */
  digest: string;
  /** The hash of the actors' event streams alone (what --check-hosts compares). */
  eventDigest: string;
  actors: { name: string; kind: string; digest: string; events: number }[];
  simulatedTicks: number;
  wallMs: number;
  /** Counters summed over actors (metric-names.ts C). */
  counts: Record<string, number>;
  contention: {
    /**
     * Histograms merged over actors (metric-names.ts H), in ticks unless the name says otherwise;
     * the zeros a counter holds apart are in every figure (metric-names.ts ZERO_SAMPLES).
     */
    latencies: Record<string, HistogramSummary>;
    /**
     * For each latency: the standard error of its mean and 95 % intervals of its percentiles
     * (src/metrics/histogram.ts latencyNoise), what `npusim compare` judges noise by. Optional: a
     * result written before it existed still compares, with those figures not judged.
     */
    latencyNoise?: Record<string, LatencyNoise>;
    /**
     * ATS and TCE cache hits over lookups, summed over actors; null when the cache had no lookups
     * (0/0 is no rate, as the summary's `-` says). A result written by 0.6.2 or earlier has 0 there.
     */
    atsHitRate: number | null;
    tceHitRate: number | null;
    links: LinkFigures[];
    /** Per socket: the NPU, nest MMU and TCE caches of its chip. */
    sockets: SocketFigures[];
    /** Per-actor state of interest (ATSD registers per NPU, queue depths). */
    perActor: Record<string, Record<string, number>>;
  };
  engine: {
    events: number;
    eventsPerSecond: number;
    simulatedNsPerWallSecond: number;
    rings: RingFigures[];
    /**
     * Per worker, with its synchronisation figures (sync-figures.ts) on a threaded run, and its
     * waits by length (`waits`, runtime/wait-histogram.ts) on a threaded or free run.
     */
    workers: (WorkerFigures &
      Partial<SyncFigures> & {
        /** Its waits that found work at once, no park (sync-figures.ts waitChecks); where it has waits. */
        checks?: number;
      })[];
    /**
     * The placement asked for, always a string: 'inline', 'per-actor', 'auto', 'free',
     * 'free-replay', or the count given to --workers written as a string ('2'). What was asked,
     * not what ran: `--workers 100` on a machine of 9 actors runs 9; the workers that ran are
     * `workers` above, one entry each.
     */
    placement: string;
    /** Threaded: whether the workers were kept from the run before (runtime/worker-set.ts). */
    threadsKept?: boolean;
    /**
     * Threaded, stopped at its first finding: true when its model figures (counts, latencies,
     * links, conservation, actor states) come from a second pass run to the stop tick, the inline
     * run's (runtime/threaded-runtime.ts); false when a signal stopped that pass, and absent where
     * none was made (a free run, a result written before it existed): then they may count past
     * the stop.
     */
    figuresToStop?: boolean;
    /**
     * The second pass's wall time, in ms, where one was made (`figuresToStop` present): the run's
     * `wallMs`, and the rates here, are the first pass's.
     */
    rerunWallMs?: number;
    /** The cores the host had (os.availableParallelism(): inline runs too, for their hint). */
    cores: number;
    /**
     * `--check-hosts`: the event digest of each host's run and whether they agree (on a mismatch
     * the run is reported as a crash, exit 4, and this says which digests differed).
     */
    hostsChecked?: HostsChecked;
    /**
     * `--check-hosts` that a signal stopped before both hosts had run: why they were not compared
     * (the summary's `hosts:` line says it, as a saved result must: QA).
     */
    hostsNotCompared?: string;
    /** The summary's placement hint (report/summary-engine.ts placementHint), where it has one. */
    hint?: string;
  };
  /**
   * Messages sent = received + in flight, summed over the edges. `ok` null: not judged, in the
   * result of a run that crashed or stalled, which has no counts (every figure 0: assemble-result.ts
   * failedRunResult), so nothing reads as conserved that was never counted (QA).
   */
  conservation: { sent: number; received: number; inFlight: number; ok: boolean | null };
  /**
   * Each actor's own state at the end, as it reported it (JSON-safe): a chip's ATSD registers
   * (locked, owner, STAT acks pending, hung) and waiters, a GPU's queues, the coordinator's
   * shootdowns in flight. What a liveness failure is read against.
   */
  actorStates: Record<string, Record<string, unknown>>;
  /** The violations kept in full (each actor keeps its first 50 and counts the rest). */
  violations: Violation[];
  liveness: Violation[];
  /**
   * Every rule the run broke, counted in full (rule-counts.ts): `violations` holds only the kept
   * ones. Absent from results written before it existed.
   */
  rules?: Record<string, RuleCount>;
  /**
   * A command line that reproduces this run exactly. A free run's is `npusim replay FILE` when it
   * left a failure or --record file, and otherwise its own free command, which races anew: printed
   * as a re-run, not a reproduction (reproduce-line.ts reproduceLabel).
   */
  reproduce: string;
  /**
   * `npusim run` only: the failure file it wrote (as the stderr line `npusim replay FILE` names
   * it), or null where none was written (a clean run, `--no-failure-file`, a file that could not
   * be written, a crash of npusim's own thread or of a free run). Absent from a replay's result and
   * from results written before it existed.
   */
  failureFile?: string | null;
  /**
   * Status 'crash' only: which actor threw, at which tick, handling which event (the figures above
   * are then empty: a crashed run reports nothing else). A crash of the engine itself rather than
   * of an actor names the actor `npusim`.
   */
  crash?: CrashInfo;
  /** Status 'liveness' from an engine stall: the state of every ring and worker at the stall. */
  stall?: Record<string, unknown>;
  /**
   * A free run (`--free`) or its replay: how far real thread timing bent the timeline, and the
   * take log's size. Contention figures of such a run are free-mode figures.
   */
  free?: FreeSummary;
  /**
   * A PCT run (`--strategy pct`): the scheduling steps and agents this run itself made (the bound
   * printed before it uses its measuring run's, `bound`), and how many of its d - 1 change points
   * were placed and reached. A change point drawn past the steps this run took never fired, while
   * the bound printed before the run counts on all those placed.
   */
  pct?: PctFigures;
  /** The question the workload answers (its `question`), when it has one. */
  question?: string;
  /** The workload's headline figures for this run (report/headline.ts). */
  headline?: HeadlineFigure[];
  /**
   * The premises this run's answer rests on (model/scenario/premises.ts: those its workload names
   * that this run leans on), each with its text as the summary's `rests on:` line prints it.
   * `voidOn`: the GPUs where the premise does not hold, a guest having updated their firmware
   * (`isolation.firmware`: report/firmware-void.ts), as the line under `rests on:` says.
   */
  premises?: { name: string; text: string; voidOn?: PremiseVoid }[];
  /**
   * The run's `--bug` switches that had nothing to act on with its parameters, each with why
   * (model/scenario/bug-reach.ts): `npusim run` says them on stderr before the run, and a script
   * or a library caller reads them here, so a clean verdict is not taken for the bug's absence.
   */
  inertBugs?: { bug: string; why: string }[];
  /**
   * This run's findings against what it was declared to find: the workload's `expect` when its
   * variants ran after it, or the variant's `expect` when one ran alone (`--variant`) or when the
   * options made this run one (`sameAsVariant`).
   */
  expectation?: ExpectationVerdict;
  /**
   * The name of this run in the table of variants (the workload's `label`), or the variant's name
   * when the options made this run that variant (`sameAsVariant`).
   */
  label?: string;
  /**
   * The variant whose parameters the options made this run's (`--policy per-gpu` for a variant that
   * sets only that), and those options as typed: this run is that variant, judged by what it
   * expects (`expectation`), and it is not run again among `variants`. The config is the command's
   * (no `variant`): its reproduce line is the command's own.
   */
  sameAsVariant?: { name: string; by: string };
  /**
   * The workload's variants, each run with the same seed and options after this run; one that
   * names a profile on it (`profile`).
   */
  variants?: VariantResult[];
  /**
   * With variants: what the command exits with, the worse of this run's `exitCode` and that of
   * every variant that found what it did not expect (a variant that found what it expects, or ran
   * clean, does not fail the command; Ctrl-C during one makes it 130). A script reads this, not
   * `exitCode`, for the process's code, but for one case: an output file (`--out`, `--trace`,
   * `--report`) that cannot be written at the end makes the command exit 2 after this was made.
   */
  commandExitCode?: number;
}

/** Free-mode figures (src/runtime/free/free-log.ts) without the log itself. */
export type FreeSummary = Omit<FreeFigures, 'log'> & {
  /** Take-log bytes per simulated millisecond. */
  logBytesPerSimulatedMs: number;
};

/** Violations found, counting those past each actor's kept list (violation.ts ViolationLog). */
export function violationTotal(result: RunResult): number {
  return result.violations.length + (result.counts['violations.notKept'] ?? 0);
}

/** Liveness failures found, counting those past the watchdog's kept list (watchdog.ts LIVENESS_KEPT). */
export function livenessTotal(result: RunResult): number {
  return result.liveness.length + (result.counts['liveness.notKept'] ?? 0);
}

/**
 * A threaded run stopped at its first finding: its digest and findings end at the stop, but an
 * actor on another thread may have handled events past the stop tick before it heard of it (it
 * cannot know sooner that another actor will find something earlier), and its counts, latencies
 * and link figures count those, unless a second pass to the stop gave them (`figuresToStop`: the
 * threaded engine makes one but for a free run, which races anew; an inline run, or a free run's
 * replay, gives them exactly).
 * A threaded run Ctrl-C stopped, likewise: it is reported up to the tick every worker had reached
 * (the least), and the workers further on had handled events past it, which its figures count.
 */
export function figuresPastStop(result: RunResult): boolean {
  if (result.host !== 'threaded') return false;
  if (result.status === 'interrupted') return true;
  return (
    result.config.stopOnFirst === true && result.status !== 'clean' && result.engine.figuresToStop !== true
  );
}

/**
 * `exit 0`, or with variants that fail the command, `exit 0; the command exits 1: a variant found
 * what it did not expect`: the header's words in the summary and the HTML report alike.
 */
export function exitText(result: Pick<RunResult, 'exitCode' | 'commandExitCode'>): string {
  const code = result.commandExitCode;
  // 130: Ctrl-C stopped a variant; any other code: a variant found what it did not expect.
  const why = code === 130 ? 'a variant was interrupted' : 'a variant found what it did not expect';
  const command = code !== undefined && code !== result.exitCode ? `; the command exits ${code}: ${why}` : '';
  return `exit ${result.exitCode}${command}`;
}

/** RunResult.pct: what a PCT run did with its change points (model/choice/pct.ts). */
export interface PctFigures {
  steps: number;
  agents: number;
  /**
   * `needed`: d - 1, what the depth asks; `planned`: those placed over the measuring run's steps
   * (fewer than needed when it had fewer steps, one on every step); `fired`: those this run reached.
   */
  changePoints: ChangePoints & { needed: number };
  /**
   * The bound printed before the run, from the measuring run's n and k: `depth` is d, or the
   * change points placed + 1 where they fell short of d - 1 (PCT's guarantee does not reach d).
   */
  bound: PctBound;
}
