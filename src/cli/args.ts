/**
 * Command-line parsing for `npusim`: the command named first, its arguments parsed by its entry of
 * the command table (parse-command.ts over commands.ts), then each command's own checks (options
 * that only make sense together, the arguments it needs) into its `CliArgs` (cli-args.ts). Every
 * error is a ConfigError naming the option, what was expected and what arrived (exit 2).
 *
 * Only syntax is checked here, with no I/O but a look at a failure file's path (`-`, where none is
 * there; shrink's default place beside it); names that need the workload registry, the topology
 * presets or the machine (workload, bug, topology, policy, actor) are checked by run-cli.ts against
 * the real lists, so the error can list the valid names, and so are the files to be written
 * (output-path.ts).
 */

import { lstatSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { NAME_MAX } from '../core/name-max.js';
import { gotText } from '../core/shown-text.js';
import { hasOwnFolder } from '../io/own-folder.js';

import type { Placement } from '../runtime/placement.js';
import type { SeedRange, Shard } from '../sweep/seeds.js';
import {
  type CliArgs,
  DEFAULT_FAILURES_DIR,
  DEFAULT_FAILURES_OPTION,
  DEFAULT_FREE_WINDOW_TICKS,
  DEFAULT_SHRUNK_OPTION,
  type OutputFile,
  type RunArgs,
  type ScenarioArgs,
  type SweepArgs,
} from './cli-args.js';
import { COMMANDS, type CommandName, commandSpec, DEFAULT_WORKLOAD } from './commands.js';
import type { SplitValue } from './option-hint.js';
import type { ParamSet } from './option-values.js';
import { isJsonInside, linkedPathText } from './output-path.js';
import { parseCommand } from './parse-command.js';
import type { DurationValue } from './scenario-options.js';
import type { SeedsFile } from './seeds-file.js';

export { DEFAULT_WORKLOAD } from './commands.js';
export { parseCrashAt, parseSeed } from './option-values.js';

const COMMAND_NAMES = COMMANDS.map((c) => c.name);
/** The words a command line may start with: the commands and `help` (`npusim help [COMMAND]`). */
const WORDS_FIRST = [...COMMAND_NAMES, 'help'];

/** The words that ask for help, first or after another (`npusim help help`: the general help). */
const HELP_WORDS = ['help', '--help', '-h'];

/**
 * `npusim help [COMMAND]`, `npusim --help [COMMAND]`: the help of one command or, with none (or
 * help itself), the general one. A word after the command is refused, as `--version` refuses one:
 * `help run sweep` showed run's help alone, and `help help` was refused as no command (QA).
 */
function helpFor(first: string, rest: readonly string[]): CliArgs {
  const [topic, ...extra] = rest;
  if (extra.length > 0) {
    throw new ConfigError(
      first,
      `Expected at most one command after \`${first}\`, got \`${rest.join(' ')}\``,
    );
  }
  if (topic === undefined || HELP_WORDS.includes(topic)) return { command: 'help' };
  // Named as the word it is an argument of (QA: `npusim help rn` was refused at `command:`).
  return { command: 'help', topic: checkCommandName(topic, COMMAND_NAMES, first) };
}

export function parseCli(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  // `npusim` alone is no command: a script whose command word came out empty must not pass.
  if (first === undefined) {
    throw new ConfigError('command', `Expected one of ${WORDS_FIRST.join(', ')}, got none`);
  }
  if (HELP_WORDS.includes(first)) return helpFor(first, rest);
  if (first === '--version' || first === '-v') {
    if (rest.length > 0) {
      throw new ConfigError(first, `Expected nothing after \`${first}\`, got \`${rest.join(' ')}\``);
    }
    return { command: 'version' };
  }
  if (first.startsWith('-')) {
    throw new ConfigError(
      'command',
      `Expected a command (${COMMAND_NAMES.join(', ')}) or --help/--version first, got ${gotText(first)}`,
    );
  }
  const name = checkCommandName(first, WORDS_FIRST);
  const parsed = parseCommand(commandSpec(name), rest, COMMANDS);
  if (parsed.help) return { command: 'help', topic: name };
  const { values, positionals, outputs, splitValue } = parsed;
  // The default failures directory is checked before a run like one given with --failures.
  if (
    (name === 'run' || name === 'sweep') &&
    values.failures === undefined &&
    values['no-failure-file'] !== true
  ) {
    outputs.push({ option: DEFAULT_FAILURES_OPTION, path: DEFAULT_FAILURES_DIR, directory: true });
  }
  return COMMAND_ARGS[name](values, positionals, outputs, splitValue);
}

/**
 * A command's arguments from its parsed values and positionals (parse-command.ts); `splitValue`,
 * a hint for a unit written apart from its number (option-hint.ts), for a refusal of arguments.
 */
type ArgsOf = (
  values: Record<string, unknown>,
  positionals: string[],
  outputs: OutputFile[],
  splitValue?: SplitValue,
) => CliArgs;

/**
 * The failure file `replay` and `shrink` read. Many tools read `-` as standard input; npusim reads
 * a file of that name, so `-` where there is none is refused with the way that works (`/dev/stdin`)
 * instead of the read's `no such file (ENOENT)` (QA), as `--out -` is (io/output-check.ts). A `-`
 * that is there (a file, a link, a directory) is read, or refused by the read, as any other path.
 */
function failureFileArg(command: 'replay' | 'shrink', file: string | undefined): string {
  if (file === undefined) throw new ConfigError(command, 'Expected a failure file, got none');
  if (file === '-' && !pathExists(file)) {
    throw new ConfigError(
      command,
      `Expected a failure file's path, got ${gotText(file)}: \`-\` would be a file of that name, and there is none here (for a failure file on standard input, use \`/dev/stdin\`: npusim ${command} /dev/stdin < FILE)`,
    );
  }
  return file;
}

/** Anything at `path`, a dangling link included. */
function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const COMMAND_ARGS: Record<CommandName, ArgsOf> = {
  run: runArgs,
  sweep: sweepArgs,
  replay: (values, positionals, outputs) => {
    const file = failureFileArg('replay', positionals[0]);
    checkTraceEvents(values);
    return {
      command: 'replay',
      file,
      host: values.inline === true ? 'inline' : values.threads === true ? 'threaded' : undefined,
      json: values.json === true,
      out: values.out as string | undefined,
      trace: values.trace as string | undefined,
      traceEvents: values['trace-events'] as number | undefined,
      report: values.report as string | undefined,
      outputs,
    };
  },
  shrink: (values, positionals, outputs) => {
    const file = failureFileArg('shrink', positionals[0]);
    // A file read from a pipe or a device has no folder of its own: the default goes to the
    // current directory, under the failure's own name (shrink-command.ts shrunkPath).
    const outHere = values.out === undefined && !hasOwnFolder(file);
    const out =
      (values.out as string | undefined) ?? (outHere ? '.' : file.replace(/(\.json)?$/i, '.shrunk.json'));
    // The default name is not checked as a file: what is there (a directory, another shrink, the
    // input under a link) is kept and the shrunk file takes the next free name (shrink-command.ts).
    // Its directory must take a new file.
    if (values.out === undefined)
      outputs.push({ option: DEFAULT_SHRUNK_OPTION, path: outHere ? '.' : dirname(out), directory: true });
    // Nor a name the file system cannot take: known now, not after the whole budget (QA: a
    // 250-byte failure file's `.shrunk.json` twin failed as too long once the shrink was done).
    const name = basename(out);
    if (values.out === undefined && !outHere && Buffer.byteLength(name) > NAME_MAX) {
      throw new ConfigError(
        DEFAULT_SHRUNK_OPTION,
        `Expected a name the file system takes (at most ${NAME_MAX} bytes), got ${gotText(name)} (${Buffer.byteLength(name)} bytes, the failure file's with \`.shrunk.json\`): name the shrunk file with --out FILE`,
      );
    }
    return {
      command: 'shrink',
      file,
      out,
      outGiven: values.out !== undefined,
      outHere,
      budget: values.budget as number | undefined,
      outputs,
    };
  },
  compare: (values, positionals, outputs) => {
    const [a, b] = positionals;
    if (a === undefined || b === undefined) {
      throw new ConfigError(
        'compare',
        `Expected two run results (npusim compare A.json B.json), got ${positionals.length === 0 ? 'none' : `only \`${a}\``}`,
      );
    }
    return {
      command: 'compare',
      a,
      b,
      json: values.json === true,
      report: values.report as string | undefined,
      outputs,
    };
  },
  list: (values, _positionals, outputs) => ({ command: 'list', json: values.json === true, outputs }),
  topo: (values, positionals, outputs) => ({
    command: 'topo',
    topology: positionals[0],
    policy: values.policy as string | undefined,
    json: values.json === true,
    outputs,
  }),
};

function runArgs(
  values: Record<string, unknown>,
  positionals: string[],
  outputs: OutputFile[],
  splitValue?: SplitValue,
): RunArgs {
  checkTraceEvents(values);
  for (const o of ['inline', 'workers', 'check-hosts'] as const) {
    if (values.free === true && values[o] !== undefined) {
      throw new ConfigError(
        `--${o}`,
        `Expected no --${o} with --free (a free run is one worker thread per actor, racing), got it`,
      );
    }
  }
  return {
    command: 'run',
    workload: positionals[0] ?? DEFAULT_WORKLOAD,
    ...workloadHint(splitValue),
    seed: values.seed as number | undefined,
    ...scenarioOf(values),
    host: values.inline === true ? 'inline' : 'threaded',
    placement: values.workers as Placement | undefined,
    json: values.json === true,
    out: values.out as string | undefined,
    crashAt: values['crash-at'] as RunArgs['crashAt'],
    checkHosts: values['check-hosts'] === true,
    record: values.record as string | undefined,
    trace: values.trace as string | undefined,
    traceEvents: values['trace-events'] as number | undefined,
    report: values.report as string | undefined,
    outputs,
  };
}

function sweepArgs(
  values: Record<string, unknown>,
  positionals: string[],
  outputs: OutputFile[],
  splitValue?: SplitValue,
): SweepArgs {
  const merge = values.merge === true;
  if (!merge && positionals.length > 1) {
    throw new ConfigError(
      'sweep',
      `Expected one workload, got ${positionals.map((p) => `\`${p}\``).join(' ')}${splitValue === undefined ? '' : `; ${splitValue.hint}`}`,
    );
  }
  if (merge && positionals.length === 0) {
    throw new ConfigError('--merge', 'Expected the directories of the shard summaries to join, got none');
  }
  if (merge) {
    // A merge takes its seeds, shards and options from the shard summaries: anything else would be
    // silently ignored, so it is refused.
    const ignored = Object.keys(values).find(
      (k) => k !== 'merge' && k !== 'json' && k !== 'partial' && k !== 'report',
    );
    if (ignored !== undefined) {
      throw new ConfigError(
        `--${ignored}`,
        `Expected no --${ignored} with --merge (a merge takes its seeds and options from the shard summaries; only --json, --partial and --report apply), got it`,
      );
    }
  } else if (values.partial === true) {
    throw new ConfigError(
      '--partial',
      'Expected --merge with it (it joins an incomplete set of shards), got a sweep',
    );
  }
  // A shard exists to be merged, and leaves its summary (what --merge reads) in its failures
  // directory: with no directory it would leave nothing, and the part it ran could never be merged.
  if (values.shard !== undefined && values['no-failure-file'] === true) {
    throw new ConfigError(
      '--no-failure-file',
      'Expected no --no-failure-file with --shard (a shard leaves its summary in its failures directory for `npusim sweep --merge`; give --failures DIR, or leave it out for ./npusim-failures), got both',
    );
  }
  if (values.free === true && values.jobs !== undefined) {
    throw new ConfigError(
      '--jobs',
      'Expected no --jobs with --free (a free sweep runs one seed at a time, each on a worker thread per actor), got it',
    );
  }
  if (!merge && values.seeds === undefined) {
    throw new ConfigError('--seeds', 'Expected the seeds to sweep, such as `--seeds 1..1000`, got none');
  }
  const scenario = scenarioOf(values);
  const report = values.report as string | undefined;
  if (report !== undefined) {
    checkSweepReport(report, [
      ...(merge ? positionals.map((dir) => ({ dir, why: 'a merge reads the shard summaries there' })) : []),
      ...(!merge && scenario.failuresDir !== undefined
        ? [{ dir: scenario.failuresDir, why: 'the sweep writes its failure files and summary there' }]
        : []),
      ...(!merge && values.results !== undefined
        ? [{ dir: values.results as string, why: 'the sweep writes its run results there' }]
        : []),
    ]);
  }
  return {
    command: 'sweep',
    workload: merge ? '' : (positionals[0] ?? DEFAULT_WORKLOAD),
    ...(merge ? {} : workloadHint(splitValue)),
    seeds: values.seeds as SeedRange | SeedsFile | undefined,
    jobs: values.jobs as number | undefined,
    shard: values.shard as Shard | undefined,
    json: values.json === true,
    merge: merge ? positionals : undefined,
    partial: values.partial === true,
    resultsDir: values.results as string | undefined,
    report,
    ...scenario,
    // A merge writes no file but its page: the default failures directory is not checked for it.
    outputs: merge
      ? outputs.filter((o) => o.option === '--report')
      : outputs.map((o) => (o.option === '--results' ? { ...o, names: SWEEP_RESULT_NAMES } : o)),
  };
}

/**
 * A unit written apart from its number with no workload before it (`run --duration 2 ms`) is taken
 * for the workload: its refusal as no workload of that name carries the hint (run-cli.ts).
 */
function workloadHint(splitValue: SplitValue | undefined): { workloadHint?: string } {
  return splitValue?.positional === 0 ? { workloadHint: splitValue.hint } : {};
}

/**
 * A sweep's directories hold its JSON files (failure files and the summary in --failures, run
 * results in --results; a merge reads every sweep-summary*.json of its directories): a page named
 * `*.json` there would replace one, or be read as one by the next merge or comparison.
 */
function checkSweepReport(report: string, dirs: readonly { dir: string; why: string }[]): void {
  for (const { dir, why } of dirs) {
    if (isJsonInside(report, dir)) {
      throw new ConfigError(
        '--report',
        `Expected a file that is no \`*.json\` of ${dir} (${why}), got ${linkedPathText(report)}`,
      );
    }
  }
}

/** The files `sweep --results DIR` writes there (sweep/sweep.ts writeResult): `WORKLOAD-seedN.json`. */
const SWEEP_RESULT_NAMES = /-seed\d+\.json$/;

function scenarioOf(values: Record<string, unknown>): ScenarioArgs {
  if (values['pct-depth'] !== undefined && values.strategy !== 'pct') {
    throw new ConfigError('--pct-depth', 'Expected --strategy pct with it, got the random strategy');
  }
  if (values['free-window'] !== undefined && values.free !== true) {
    throw new ConfigError('--free-window', 'Expected --free with it, got a deterministic run');
  }
  return {
    durationTicks: (values.duration as DurationValue | undefined)?.ticks,
    durationUnitless: (values.duration as DurationValue | undefined)?.unitless,
    topology: values.topology as string | undefined,
    policy: values.policy as string | undefined,
    bugs: (values.bug as string[] | undefined) ?? [],
    profile: values.profile as string | undefined,
    stopOnFirst: values['stop-on-first'] === true,
    strategy: (values.strategy as 'random' | 'pct' | undefined) ?? 'random',
    pctDepth: (values['pct-depth'] as number | undefined) ?? 3,
    free:
      values.free === true
        ? { windowTicks: (values['free-window'] as number | undefined) ?? DEFAULT_FREE_WINDOW_TICKS }
        : undefined,
    set: (values.set as ParamSet[] | undefined) ?? [],
    variant: values.variant as string | undefined,
    failuresDir:
      values['no-failure-file'] === true
        ? undefined
        : ((values.failures as string | undefined) ?? DEFAULT_FAILURES_DIR),
  };
}

/**
 * Words people type as commands that are options of the commands that run (QA: `npusim report`
 * and `npusim trace` had only the list of commands).
 */
const OPTION_WORDS: Readonly<Record<string, string>> = {
  report:
    'an HTML report is written by a command that runs, with `--report FILE` (`npusim run --report r.html`)',
  trace: 'a trace is written by a command that runs, with `--trace FILE` (`npusim run --trace t.pftrace`)',
  record: 'a run is recorded with `--record FILE` (`npusim run --record r.json`)',
  version: 'the version is `npusim --version`',
};

function checkCommandName(
  name: string,
  words: readonly string[] = COMMAND_NAMES,
  field = 'command',
): CommandName {
  if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
    const option = Object.hasOwn(OPTION_WORDS, name) ? `: ${OPTION_WORDS[name]}` : didYouMean(name, words);
    throw new ConfigError(field, `Expected one of ${words.join(', ')}, got ${gotText(name)}${option}`);
  }
  return name as CommandName;
}

/**
 * Only the --trace file has a cap on events (--report keeps samples, not events): without --trace
 * the option would be ignored, and a user who meant to trace would get no trace and no word.
 */
function checkTraceEvents(values: Record<string, unknown>): void {
  if (values['trace-events'] !== undefined && values.trace === undefined) {
    throw new ConfigError(
      '--trace-events',
      'Expected --trace FILE with it (it caps that file), got no --trace',
    );
  }
}
