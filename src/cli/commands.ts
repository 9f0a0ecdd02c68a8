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
import { parsePlacement } from '../runtime/placement.js';
import { parseSeedRange, parseShard } from '../sweep/seeds.js';
import {
  parseBudget,
  parseCrashAt,
  parseJobs,
  parsePctDepth,
  parseSeed,
  parseSet,
  parseStrategy,
  parseTraceEvents,
} from './option-values.js';

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
  /** The value is a directory the command writes files into: checked (or created) before it runs. */
  writesDir?: boolean;
  /** Names of options (without dashes) that cannot be given with this one. */
  conflicts?: readonly string[];
  /** Text -> value, throwing a ConfigError naming `option`. Default: the text itself. */
  parse?: (text: string, option: string) => unknown;
}

export interface PositionalSpec {
  name: string;
  help: string;
  default?: string;
  /** Takes every remaining argument (only the last positional may). */
  variadic?: boolean;
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

export const DEFAULT_WORKLOAD = 'mixed';

/** Options that choose what a run does (shared by run and sweep). */
const SCENARIO_OPTIONS: readonly OptionSpec[] = [
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
  {
    name: 'profile',
    type: 'string',
    value: 'NAME',
    help: 'a real release pairing: its bug switches and firmware behaviour (as-shipped, fixed; `npusim list`)',
    default: 'fixed',
  },
  {
    name: 'stop-on-first',
    type: 'boolean',
    help: 'end a run at the end of the tick of its first violation or liveness failure',
  },
  {
    name: 'strategy',
    type: 'string',
    value: 'S',
    help: 'how scheduling choices are made: random (from the seed) or pct (priorities and d-1 change points, measured from a first run)',
    default: 'random',
    parse: (t, o) => parseStrategy(t, o),
  },
  {
    name: 'pct-depth',
    type: 'string',
    value: 'D',
    help: 'PCT bug depth d (with --strategy pct): d-1 priority change points',
    default: '3',
    parse: (t, o) => parsePctDepth(t, o),
  },
  {
    name: 'set',
    type: 'string',
    value: 'PATH=VALUE',
    help:
      'override a workload parameter, validated like the workload file (gpu.dmaBytes=4096, ' +
      'tenants[0].pageSizes=["2M"]; VALUE is JSON when it parses, else text); repeatable',
    multiple: true,
    parse: parseSet,
  },
  {
    name: 'variant',
    type: 'string',
    value: 'NAME',
    help: "run only this variant of the workload (`npusim list` names them), not the workload's own run",
  },
];

/** Free-running threads (run and sweep; src/runtime/free). */
const FREE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'free',
    type: 'boolean',
    help:
      'free-running threads: one worker per actor, no safe-time waiting; the order records are taken in ' +
      'comes from real thread timing and is logged, so the run replays exactly from its failure (or --record) file',
  },
  {
    name: 'free-window',
    type: 'string',
    value: 'T',
    help: "with --free: how far (simulated time) an actor may run ahead of the others' next events",
    default: '1us',
    parse: parseDuration,
  },
];

/** Where failure files go (run and sweep). */
const FAILURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'failures',
    type: 'string',
    value: 'DIR',
    help: 'write failure files (one per failing run, `npusim replay FILE`) into DIR',
    default: './npusim-failures',
    writesDir: true,
    conflicts: ['no-failure-file'],
  },
  { name: 'no-failure-file', type: 'boolean', help: 'write no failure file' },
];

const RUN: CommandSpec = {
  name: 'run',
  summary: 'run one simulation and print its summary',
  positionals: [
    {
      name: 'workload',
      help: 'workload name (one of `npusim list`), or a workload file: .ts, .js or .json',
      default: DEFAULT_WORKLOAD,
    },
  ],
  options: [
    {
      name: 'seed',
      type: 'string',
      value: 'N',
      help: 'seed, a whole number from 0',
      default: 'drawn at random and printed',
      parse: parseSeed,
    },
    ...SCENARIO_OPTIONS,
    {
      name: 'threads',
      type: 'boolean',
      help: 'run on worker threads (the default; --workers places the actors)',
    },
    {
      name: 'workers',
      type: 'string',
      value: 'per-actor|N|auto',
      help: "worker threads: one per actor, N (a socket's actors together, cut at the X-bus), or one per core",
      default: 'per-actor',
      parse: (t, o) => parsePlacement(t, o),
      conflicts: ['inline'],
    },
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
      name: 'trace',
      type: 'string',
      value: 'FILE',
      help:
        'also write a timeline of the run for ui.perfetto.dev (Perfetto protobuf TrackEvent): a process ' +
        'per actor, tracks per link and ATSD register (checked before the run)',
      writesFile: true,
    },
    {
      name: 'trace-events',
      type: 'string',
      value: 'N',
      help: 'at most N events in the --trace file; the window around the first violation is kept whole',
      default: '200000',
      parse: parseTraceEvents,
    },
    {
      name: 'report',
      type: 'string',
      value: 'FILE',
      help:
        'also write a self-contained HTML report: summary tables, latency histograms, link utilisation ' +
        'and ATSD register occupancy over time; opens offline (checked before the run)',
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
    ...FREE_OPTIONS,
    {
      name: 'record',
      type: 'string',
      value: 'FILE',
      help: 'write a replay file of this run, clean or not (with --free: its take log); `npusim replay FILE`',
      writesFile: true,
    },
    ...FAILURE_OPTIONS,
  ],
  examples: [
    'npusim run --duration 2ms --seed 42',
    'npusim run stress --free --record free.json && npusim replay free.json',
    'npusim run atsd-deadlock --bug release-between-flushes --inline',
    'npusim run ./my-workload.ts --set gpu.dmaBytes=4096 --seed 1',
  ],
};

const SWEEP: CommandSpec = {
  name: 'sweep',
  summary: 'run a workload once per seed, inline, on every core; failure files and a summary by rule',
  positionals: [
    {
      name: 'workload',
      help: 'workload name or file (with --merge: the directories whose shard summaries to join)',
      variadic: true,
    },
  ],
  options: [
    {
      name: 'seeds',
      type: 'string',
      value: 'A..B',
      help: 'the seeds to run, both ends included',
      parse: (t, o) => parseSeedRange(t, o),
    },
    ...SCENARIO_OPTIONS,
    {
      name: 'jobs',
      type: 'string',
      value: 'N',
      help: 'simulations at a time (pool threads)',
      default: 'the cores available',
      parse: parseJobs,
    },
    {
      name: 'shard',
      type: 'string',
      value: 'K/N',
      help: 'run only the K-th of N interleaved parts of the seeds (a batch system runs the N parts)',
      parse: (t, o) => parseShard(t, o),
    },
    { name: 'merge', type: 'boolean', help: 'join the shard summaries in the directories given' },
    ...FREE_OPTIONS,
    { name: 'json', type: 'boolean', help: 'print the summary as JSON on stdout' },
    ...FAILURE_OPTIONS,
  ],
  examples: [
    'npusim sweep flush-race --bug single-flush --seeds 1..200',
    'npusim sweep stress --seeds 1..10000 --shard 3/8 --failures out/shard3',
    'npusim sweep --merge out/shard1 out/shard2',
  ],
};

const REPLAY: CommandSpec = {
  name: 'replay',
  summary: 'run a failure file again, exactly, and print the history that led to its finding',
  positionals: [{ name: 'file', help: 'a failure file (written by run or sweep)' }],
  options: [
    { name: 'threads', type: 'boolean', help: 'replay with one worker thread per actor' },
    {
      name: 'inline',
      type: 'boolean',
      help: 'replay with every actor in one thread',
      conflicts: ['threads'],
    },
    { name: 'json', type: 'boolean', help: 'print the replayed run result as JSON on stdout' },
  ],
  examples: ['npusim replay npusim-failures/flush-race-seed1-translation.stale-ats-1a2b3c4d.json'],
};

const SHRINK: CommandSpec = {
  name: 'shrink',
  summary: 'reduce a failing run while the same rule still fails: the scenario, then the choices',
  positionals: [{ name: 'file', help: 'a failure file (written by run or sweep)' }],
  options: [
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      help: 'where the shrunk failure file goes',
      default: 'FILE with .shrunk.json',
      writesFile: true,
    },
    {
      name: 'budget',
      type: 'string',
      value: 'N',
      help: 'candidate runs at most; the best so far is written when it runs out',
      default: '400',
      parse: (t, o) => parseBudget(t, o),
    },
  ],
  examples: ['npusim shrink npusim-failures/flush-race-seed1-order.atsd-released-early-e58077e9.json'],
};

const LIST: CommandSpec = {
  name: 'list',
  summary: 'workloads, bug switches, profiles and topologies',
  positionals: [],
  options: [
    { name: 'json', type: 'boolean', help: "as JSON, with each workload's parameters and what it exposes" },
  ],
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
    {
      name: 'json',
      type: 'boolean',
      help: 'print the topology as the JSON TopologySpec a --topology file takes (copy it, edit it)',
      conflicts: ['policy'],
    },
  ],
  examples: [
    'npusim topo witherspoon-4 --policy per-gpu',
    'npusim topo witherspoon-6 --json > my-topology.json',
  ],
};

const COMPARE: CommandSpec = {
  name: 'compare',
  summary: 'two run results side by side: each figure, its change, and which changes exceed run-to-run noise',
  positionals: [
    { name: 'a', help: 'the first run result (written by `npusim run --out A.json` or `--json`)' },
    { name: 'b', help: 'the second run result' },
  ],
  options: [{ name: 'json', type: 'boolean', help: 'print the comparison as JSON on stdout' }],
  examples: ['npusim compare before.json after.json'],
};

export const COMMANDS: readonly CommandSpec[] = [RUN, SWEEP, REPLAY, SHRINK, COMPARE, LIST, TOPO];

export type CommandName = 'run' | 'sweep' | 'replay' | 'shrink' | 'compare' | 'list' | 'topo';

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
