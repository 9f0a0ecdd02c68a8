/**
 * What `npusim`'s parser gives each command (args.ts): one interface per command, the options run
 * and sweep share (`ScenarioArgs`), every file a command will write (`OutputFile`), and the
 * defaults the parser fills in.
 */
import type { Placement } from '../runtime/placement.js';
import type { SeedRange, Shard } from '../sweep/seeds.js';
import type { CommandName } from './commands.js';
import type { ParamSet } from './option-values.js';
import type { SeedsFile } from './seeds-file.js';

/** A file (or a directory of files) a command will write: the option that names it and the path. */
export interface OutputFile {
  option: string;
  path: string;
  /** A directory the command writes files into (created if missing). */
  directory?: boolean;
  /**
   * The names of the files it writes into that directory, where a name is decided by the run (a
   * seed's result, `stress-seed7.json`): an input file there with such a name is refused, as an
   * output naming an input is.
   */
  names?: RegExp;
}

/** What a run does beyond its workload (run and sweep share these options). */
export interface ScenarioArgs {
  durationTicks: number | undefined;
  /** `--duration` was a number without a unit (ticks: `--duration 5` is 5 ps). */
  durationUnitless?: boolean;
  topology: string | undefined;
  policy: string | undefined;
  bugs: string[];
  profile: string | undefined;
  stopOnFirst: boolean;
  /** `--set PATH=VALUE`, in the order given. */
  set: ParamSet[];
  /** `--variant NAME`: run only that variant of the workload. */
  variant: string | undefined;
  /** Where failure files go; undefined with --no-failure-file. */
  failuresDir: string | undefined;
  strategy: 'random' | 'pct';
  /** PCT's depth (with --strategy pct). */
  pctDepth: number;
  /** --free: free-running threads, with the drift window (ticks). */
  free: { windowTicks: number } | undefined;
}

/** The drift window of --free when --free-window is not given: 1 us of simulated time. */
export const DEFAULT_FREE_WINDOW_TICKS = 1_000_000;

export const DEFAULT_FAILURES_DIR = 'npusim-failures';
/**
 * The default failures directory as errors name it (checked before a run like one given with
 * --failures): so an error about it is not read as one about an option the user never gave.
 */
export const DEFAULT_FAILURES_OPTION =
  '--failures (not given: its default; --failures DIR or --no-failure-file to change it)';
/**
 * The shrunk file's default place as errors name it (beside the failure file, or here for one read
 * from a pipe): QA read `--out: ... got .` in a read-only directory where no --out was given.
 */
export const DEFAULT_SHRUNK_OPTION = '--out (not given: beside the failure file; --out FILE to change it)';

export interface RunArgs extends ScenarioArgs {
  command: 'run';
  workload: string;
  /**
   * When the workload named is a unit written apart from an option's number (`--duration 2 ms`):
   * `did you mean `--duration 2ms`?`, said if no workload has that name (run-cli.ts).
   */
  workloadHint?: string;
  /** Undefined: draw one (and print it). */
  seed: number | undefined;
  host: 'inline' | 'threaded';
  /** Threaded: which worker hosts which actors. */
  placement: Placement | undefined;
  json: boolean;
  out: string | undefined;
  crashAt: { actor: string; event: number } | undefined;
  /** Run on both hosts and compare event streams (naming the first divergent event). */
  checkHosts: boolean;
  /** --record FILE: a replay file of the run, clean or not. */
  record: string | undefined;
  /** Write a Perfetto trace here (--trace). */
  trace: string | undefined;
  /** The cap on events in the trace (--trace-events). */
  traceEvents: number | undefined;
  /** Write an HTML report here (--report). */
  report: string | undefined;
  outputs: OutputFile[];
}

export interface CompareArgs {
  command: 'compare';
  a: string;
  b: string;
  json: boolean;
  /** --report FILE: the comparison as an HTML page. */
  report: string | undefined;
  outputs: OutputFile[];
}

export interface SweepArgs extends ScenarioArgs {
  command: 'sweep';
  workload: string;
  /**
   * When the workload named is a unit written apart from an option's number (`--duration 2 ms`):
   * `did you mean `--duration 2ms`?`, said if no workload has that name (run-cli.ts).
   */
  workloadHint?: string;
  /** A range or list, or `@FILE` (read by the sweep: seeds-file.ts). */
  seeds: SeedRange | SeedsFile | undefined;
  jobs: number | undefined;
  shard: Shard | undefined;
  json: boolean;
  /** With --merge: the directories whose shard summaries to join. */
  merge: string[] | undefined;
  /** --partial (with --merge): join an incomplete set of shards instead of refusing it. */
  partial: boolean;
  /** --results DIR: each seed's run result written there (sweep/sweep.ts `resultsDir`). */
  resultsDir: string | undefined;
  /** --report FILE: the summary as an HTML page (sweep/sweep-html.ts). */
  report: string | undefined;
  outputs: OutputFile[];
}

export interface ReplayArgs {
  command: 'replay';
  file: string;
  /** Undefined: the host the failing run used. */
  host: 'inline' | 'threaded' | undefined;
  json: boolean;
  /** --out FILE: what --json prints, written there. */
  out: string | undefined;
  /** --trace, --trace-events and --report, as a run's (RunArgs). */
  trace: string | undefined;
  traceEvents: number | undefined;
  report: string | undefined;
  outputs: OutputFile[];
}

/** What --trace and --report take from a command's arguments (run's and replay's). */
export type TraceArgs = Pick<RunArgs, 'trace' | 'traceEvents' | 'report'>;

export interface ShrinkArgs {
  command: 'shrink';
  file: string;
  /** Where the shrunk file goes: `--out`, or the file's name with `.shrunk.json`. */
  out: string;
  /**
   * `--out` was given: the shrunk file replaces what is there. The default name follows the
   * failure files' rule instead: another shrink there (another budget's, a better one) is kept,
   * and this one takes the next free name (QA: a quick re-run replaced a long shrink's result).
   */
  outGiven: boolean;
  /**
   * The file was read from a pipe or a device (io/own-folder.ts hasOwnFolder): the default shrunk
   * file goes to the current directory under the failure's own name (`out` is `.` then).
   */
  outHere: boolean;
  budget: number | undefined;
  outputs: OutputFile[];
}

export type CliArgs =
  | RunArgs
  | ShrinkArgs
  | SweepArgs
  | ReplayArgs
  | CompareArgs
  | { command: 'list'; json: boolean; outputs: OutputFile[] }
  | {
      command: 'topo';
      topology: string | undefined;
      policy: string | undefined;
      json: boolean;
      outputs: OutputFile[];
    }
  | { command: 'help'; topic?: CommandName }
  | { command: 'version' };
