/**
 * Command-line parsing for `npusim`, generated from the command table (commands.ts): node:util
 * parseArgs in strict mode with `tokens`, then the checks parseArgs does not make (an option given
 * twice, options that conflict, too many arguments), then each value through its option's parser.
 * Every error is a ConfigError naming the option, what was expected and what arrived (exit 2).
 *
 * Only syntax is checked here, with no I/O; names that need the workload registry, the topology
 * presets or the machine (workload, bug, topology, policy, actor) are checked by run-cli.ts against
 * the real lists, so the error can list the valid names, and so are the files to be written
 * (output-path.ts).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import type { Placement } from '../runtime/placement.js';
import type { SeedRange, Shard } from '../sweep/seeds.js';
import {
  COMMANDS,
  type CommandName,
  type CommandSpec,
  commandSpec,
  DEFAULT_WORKLOAD,
  HELP_OPTION,
  type OptionSpec,
} from './commands.js';

export { DEFAULT_WORKLOAD } from './commands.js';

import type { ParamSet } from './option-values.js';

export { parseCrashAt, parseSeed } from './option-values.js';

/** A file (or a directory of files) a command will write: the option that names it and the path. */
export interface OutputFile {
  option: string;
  path: string;
  /** A directory the command writes files into (created if missing). */
  directory?: boolean;
}

/** What a run does beyond its workload (run and sweep share these options). */
export interface ScenarioArgs {
  durationTicks: number | undefined;
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

export interface RunArgs extends ScenarioArgs {
  command: 'run';
  workload: string;
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
  outputs: OutputFile[];
}

export interface SweepArgs extends ScenarioArgs {
  command: 'sweep';
  workload: string;
  seeds: SeedRange | undefined;
  jobs: number | undefined;
  shard: Shard | undefined;
  json: boolean;
  /** With --merge: the directories whose shard summaries to join. */
  merge: string[] | undefined;
  outputs: OutputFile[];
}

export interface ReplayArgs {
  command: 'replay';
  file: string;
  /** Undefined: the host the failing run used. */
  host: 'inline' | 'threaded' | undefined;
  json: boolean;
  outputs: OutputFile[];
}

export interface ShrinkArgs {
  command: 'shrink';
  file: string;
  out: string;
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

/** What the generic parser gives a command: parsed values by option name, and its arguments. */
export interface ParsedCommand {
  values: Record<string, unknown>;
  positionals: string[];
  outputs: OutputFile[];
  help: boolean;
}

const COMMAND_NAMES = COMMANDS.map((c) => c.name);

export function parseCli(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { command: 'help' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { command: 'help' };
    return { command: 'help', topic: checkCommandName(topic) };
  }
  if (first === '--version' || first === '-v') {
    if (rest.length > 0) {
      throw new ConfigError(first, `Expected nothing after \`${first}\`, got \`${rest.join(' ')}\``);
    }
    return { command: 'version' };
  }
  if (first.startsWith('-')) {
    throw new ConfigError(
      'command',
      `Expected a command (${COMMAND_NAMES.join(', ')}) or --help/--version first, got \`${first}\``,
    );
  }
  const name = checkCommandName(first);
  const parsed = parseCommand(commandSpec(name), rest);
  if (parsed.help) return { command: 'help', topic: name };
  const { values, positionals, outputs } = parsed;
  // The default failures directory is checked before a run like one given with --failures.
  if (
    (name === 'run' || name === 'sweep') &&
    values.failures === undefined &&
    values['no-failure-file'] !== true
  ) {
    outputs.push({ option: '--failures', path: DEFAULT_FAILURES_DIR, directory: true });
  }
  switch (name) {
    case 'run':
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
    case 'sweep': {
      const merge = values.merge === true;
      if (!merge && positionals.length > 1) {
        throw new ConfigError(
          'sweep',
          `Expected one workload, got ${positionals.map((p) => `\`${p}\``).join(' ')}`,
        );
      }
      if (merge && positionals.length === 0) {
        throw new ConfigError('--merge', 'Expected the directories of the shard summaries to join, got none');
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
      return {
        command: 'sweep',
        workload: merge ? '' : (positionals[0] ?? DEFAULT_WORKLOAD),
        seeds: values.seeds as SeedRange | undefined,
        jobs: values.jobs as number | undefined,
        shard: values.shard as Shard | undefined,
        json: values.json === true,
        merge: merge ? positionals : undefined,
        ...scenarioOf(values),
        outputs,
      };
    }
    case 'replay': {
      const file = positionals[0];
      if (file === undefined) throw new ConfigError('replay', 'Expected a failure file, got none');
      return {
        command: 'replay',
        file,
        host: values.inline === true ? 'inline' : values.threads === true ? 'threaded' : undefined,
        json: values.json === true,
        outputs,
      };
    }
    case 'shrink': {
      const file = positionals[0];
      if (file === undefined) throw new ConfigError('shrink', 'Expected a failure file, got none');
      const out = (values.out as string | undefined) ?? file.replace(/(\.json)?$/, '.shrunk.json');
      if (values.out === undefined) outputs.push({ option: '--out', path: out });
      return { command: 'shrink', file, out, budget: values.budget as number | undefined, outputs };
    }
    case 'compare': {
      const [a, b] = positionals;
      if (a === undefined || b === undefined) {
        throw new ConfigError(
          'compare',
          `Expected two run results (npusim compare A.json B.json), got ${positionals.length === 0 ? 'none' : `only \`${a}\``}`,
        );
      }
      return { command: 'compare', a, b, json: values.json === true, outputs };
    }
    case 'list':
      return { command: 'list', json: values.json === true, outputs };
    case 'topo':
      return {
        command: 'topo',
        topology: positionals[0],
        policy: values.policy as string | undefined,
        json: values.json === true,
        outputs,
      };
  }
}

function scenarioOf(values: Record<string, unknown>): ScenarioArgs {
  if (values['pct-depth'] !== undefined && values.strategy !== 'pct') {
    throw new ConfigError('--pct-depth', 'Expected --strategy pct with it, got the random strategy');
  }
  if (values['free-window'] !== undefined && values.free !== true) {
    throw new ConfigError('--free-window', 'Expected --free with it, got a deterministic run');
  }
  return {
    durationTicks: values.duration as number | undefined,
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

function checkCommandName(name: string): CommandName {
  if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError('command', `Expected one of ${COMMAND_NAMES.join(', ')}, got \`${name}\``);
  }
  return name as CommandName;
}

/**
 * Parse one command's arguments by its table entry: strict parseArgs, then duplicates, conflicts,
 * the number of arguments, and each value through its option's `parse`.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const table = [...spec.options, HELP_OPTION];
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const o of table) {
    options[o.name] = {
      type: o.type,
      ...(o.multiple === true ? { multiple: true } : {}),
      ...(o.short === undefined ? {} : { short: o.short }),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw translateParseError(error, spec, table, argv);
  }
  const given = new Map<string, string[]>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    const list = given.get(t.name) ?? [];
    list.push(t.value === undefined ? t.rawName : `${t.rawName} ${t.value}`);
    given.set(t.name, list);
  }
  if (given.has('help')) return { values: {}, positionals: [], outputs: [], help: true };

  for (const o of table) {
    const uses = given.get(o.name) ?? [];
    if (o.multiple !== true && uses.length > 1) {
      throw new ConfigError(
        `--${o.name}`,
        `Expected \`--${o.name}\` at most once, got it ${uses.length} times (${uses.map((u) => `\`${u}\``).join(', ')})`,
      );
    }
    for (const other of o.conflicts ?? []) {
      if (uses.length > 0 && given.has(other)) {
        throw new ConfigError(`--${o.name}`, `Expected at most one of --${o.name} and --${other}, got both`);
      }
    }
  }
  const positionals = parsed.positionals;
  const variadic = spec.positionals.at(-1)?.variadic === true;
  if (!variadic && positionals.length > spec.positionals.length) {
    const expected =
      spec.positionals.length === 0
        ? `no argument after \`npusim ${spec.name}\``
        : `at most ${spec.positionals.length} argument(s) after \`npusim ${spec.name}\` (${spec.positionals.map((p) => p.name).join(', ')})`;
    throw new ConfigError(
      spec.name,
      `Expected ${expected}, got ${positionals.map((p) => `\`${p}\``).join(' ')}`,
    );
  }

  const values: Record<string, unknown> = {};
  const outputs: OutputFile[] = [];
  for (const o of spec.options) {
    const raw = parsed.values[o.name];
    if (raw === undefined) continue;
    const option = `--${o.name}`;
    if (o.type === 'boolean') {
      values[o.name] = raw;
      continue;
    }
    const texts = (Array.isArray(raw) ? raw : [raw]) as string[];
    const parse = o.parse ?? ((t: string) => t);
    const parsedValues = texts.map((t) => parse(t, option));
    values[o.name] = o.multiple === true ? parsedValues : parsedValues[0];
    if (o.writesFile === true) for (const t of texts) outputs.push({ option, path: t });
    if (o.writesDir === true) for (const t of texts) outputs.push({ option, path: t, directory: true });
  }
  return { values, positionals, outputs, help: false };
}

/** parseArgs' own messages are long and not in the house shape; say option, expected, got. */
function translateParseError(
  error: unknown,
  spec: CommandSpec,
  table: readonly OptionSpec[],
  argv: readonly string[],
): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const raw = quoted.split(' ')[0] ?? quoted;
  const known = table.map((o) => `--${o.name}`).join(', ');
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ConfigError(raw, `Expected an option of \`npusim ${spec.name}\` (${known}), got \`${raw}\``);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const o = table.find((t) => `--${t.name}` === raw || (t.short !== undefined && `-${t.short}` === raw));
      const option = o === undefined ? raw : `--${o.name}`;
      if (o === undefined || o.type === 'boolean') {
        const given = argv.find((a) => a.startsWith(`${raw}=`));
        return new ConfigError(
          option,
          `Expected no value after the flag \`${option}\`, got \`${given ?? raw}\``,
        );
      }
      const value = valueAfter(argv, raw);
      if (value === undefined) {
        return new ConfigError(
          option,
          `Expected a value after \`${option}\` (${o.value ?? 'a value'}), got none`,
        );
      }
      // A value that starts with a dash: a negative number goes to the option's own parser, which
      // says what it allows (`--seed -1`: negative seeds are not allowed).
      if (o.parse !== undefined && /^-[\d.]/.test(value)) {
        try {
          o.parse(value, option);
        } catch (e) {
          if (e instanceof ConfigError) return e;
          throw e;
        }
      }
      return new ConfigError(
        option,
        `Expected a value after \`${option}\` (${o.value ?? 'a value'}), got the option-like \`${value}\`; ` +
          `to pass a value that starts with a dash, write \`${option}=${value}\``,
      );
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new ConfigError(
        spec.name,
        `Expected no argument after \`npusim ${spec.name}\`, got \`${quoted}\``,
      );
    default:
      return error;
  }
}

/** The argument after the first `raw` (before `--`) that has no value of its own; undefined at the end. */
function valueAfter(argv: readonly string[], raw: string): string | undefined {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] !== raw) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('-')) return next;
  }
  return undefined;
}
