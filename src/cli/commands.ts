/**
 * The command table: every `npusim` command, its arguments and its options, each described once.
 * Parsing (args.ts), `--help` (help.ts) and the check of every file a command will write
 * (output-path.ts) are all generated from these entries, so a new option or command is one entry
 * here plus the code that uses its value.
 *
 * An option entry says:
 * - `type`: 'string' (takes a value) or 'boolean' (a flag);
 * - `value`: the placeholder `--help` shows (`N`, `FILE`);
 * - `parse`: turns the text into the value the command uses, throwing a ConfigError that names the
 *   option (`--seed: Expected ...`); it also decides what a value that starts with a dash means,
 *   so `--seed -1` says that negative seeds are not allowed instead of "got no value";
 * - `multiple`: may be given more than once (values collected in order); any other option given
 *   twice is refused, because the second one silently winning hides a typo;
 * - `writesFile`: names a file the command writes: checked before anything runs (output-path.ts);
 * - `conflicts`: options it cannot be combined with;
 * - `help` and `default`: the line `--help` prints.
 * Every command also takes `-h`/`--help`.
 */
import { parseDuration } from '../report/duration.js';
import { parseCrashAt, parseSeed } from './option-values.js';

export interface OptionSpec {
  /** Long name without the dashes. */
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder in `--help` (string options only). */
  value?: string;
  help: string;
  /** What happens when the option is not given, as `--help` says it. */
  default?: string;
  multiple?: boolean;
  short?: string;
  /** The value is a path the command writes: checked before the command runs. */
  writesFile?: boolean;
  /** Names of options (without dashes) that cannot be given with this one. */
  conflicts?: readonly string[];
  /** Text -> value, throwing a ConfigError naming `option`. Default: the text itself. */
  parse?: (text: string, option: string) => unknown;
}

export interface PositionalSpec {
  name: string;
  help: string;
  default?: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list of `--help`. */
  summary: string;
  /** In order; at most this many are accepted. */
  positionals: readonly PositionalSpec[];
  options: readonly OptionSpec[];
  examples?: readonly string[];
}

export const DEFAULT_WORKLOAD = 'stress';

const RUN: CommandSpec = {
  name: 'run',
  summary: 'run one simulation and print its summary',
  positionals: [{ name: 'workload', help: 'workload name, one of `npusim list`', default: DEFAULT_WORKLOAD }],
  options: [
    {
      name: 'seed',
      type: 'string',
      value: 'N',
      help: 'seed, a whole number from 0',
      default: 'drawn at random and printed',
      parse: parseSeed,
    },
    {
      name: 'duration',
      type: 'string',
      value: 'T',
      help: 'simulated time: 2ms, 500us, 1.5ms, 3000ns, 1s, or whole ticks (ps)',
      default: "the workload's",
      parse: parseDuration,
    },
    {
      name: 'topology',
      type: 'string',
      value: 'NAME|FILE',
      help: 'witherspoon-6, witherspoon-4, or a JSON TopologySpec file',
      default: "the workload's",
    },
    {
      name: 'policy',
      type: 'string',
      value: 'P',
      help: 'IOMMU group policy: per-socket, per-gpu, per-gpu-isolated',
      default: "the workload's",
    },
    {
      name: 'bug',
      type: 'string',
      value: 'NAME',
      help: 'switch on a known historical bug; repeatable (see `npusim list`)',
      multiple: true,
    },
    { name: 'threads', type: 'boolean', help: 'one worker thread per actor (the default)' },
    {
      name: 'inline',
      type: 'boolean',
      help: 'every actor in one thread (same digest as --threads)',
      conflicts: ['threads'],
    },
    { name: 'json', type: 'boolean', help: 'print the run result as JSON on stdout instead of the summary' },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      help: 'also write the run result as JSON to FILE (checked before the run)',
      writesFile: true,
    },
    {
      name: 'check-hosts',
      type: 'boolean',
      help:
        'run inline AND threaded, once each, and compare their event streams; on a mismatch name ' +
        'the first divergent event and exit 4 (an engine bug)',
    },
    {
      name: 'crash-at',
      type: 'string',
      value: 'ACTOR:N',
      help: 'testing aid: actor ACTOR (e.g. gpu2; `npusim topo` names them) throws at its Nth event',
      parse: parseCrashAt,
    },
  ],
  examples: [
    'npusim run --duration 2ms --seed 42',
    'npusim run atsd-deadlock --bug release-between-flushes --inline',
  ],
};

const LIST: CommandSpec = {
  name: 'list',
  summary: 'workloads, bug switches and topologies',
  positionals: [],
  options: [],
};

const TOPO: CommandSpec = {
  name: 'topo',
  summary: "a topology's sockets, GPUs, links, IOMMU groups and actor names",
  positionals: [
    { name: 'topology', help: 'a preset name or a JSON TopologySpec file', default: 'witherspoon-6' },
  ],
  options: [
    {
      name: 'policy',
      type: 'string',
      value: 'P',
      help: 'IOMMU group policy: per-socket, per-gpu, per-gpu-isolated',
      default: 'per-socket',
    },
  ],
  examples: ['npusim topo witherspoon-4 --policy per-gpu'],
};

export const COMMANDS: readonly CommandSpec[] = [RUN, LIST, TOPO];

export type CommandName = 'run' | 'list' | 'topo';

export function commandSpec(name: CommandName): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec === undefined) throw new Error(`no command table entry for \`${name}\``);
  return spec;
}

/** The implicit `-h`/`--help` of every command. */
export const HELP_OPTION: OptionSpec = {
  name: 'help',
  short: 'h',
  type: 'boolean',
  help: 'this help',
};
