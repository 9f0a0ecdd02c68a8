/**
 * The command table: every `npusim` command, its arguments and its options, each described once.
 * Parsing (args.ts), `--help` (help.ts) and the check of every file a command will write
 * (output-path.ts) are all generated from these entries, so a new option or command is one entry
 * here plus the code that uses its value.
 *
 * The entries' shape, and what each field of an option entry says, is command-spec.ts; the options
 * run and sweep share are scenario-options.ts.
 */

import { EXIT, EXIT_CODES } from '../core/exit-codes.js';
import { GROUP_POLICIES_TEXT } from '../model/platform/iommu-groups.js';
import { TRACE_EVENTS_RANGE } from '../report/trace/trace-recording.js';
import { parsePlacement } from '../runtime/placement.js';
import { MAX_LISTED_SEEDS, MAX_SWEEP_SEEDS, parseShard } from '../sweep/seeds.js';
import type { CommandSpec, OptionSpec } from './command-spec.js';
import { parseBudget, parseCrashAt, parseJobs, parseSeed, parseTraceEvents } from './option-values.js';
import {
  FAILURE_OPTIONS,
  FREE_OPTIONS,
  SCENARIO_OPTIONS,
  SWEEP_SCENARIO_OPTIONS,
} from './scenario-options.js';
import { parseSeedsOption } from './seeds-file.js';

export const DEFAULT_WORKLOAD = 'mixed';

/** `--trace FILE`: a run's and a replay's (the replay's is anchored at the file's finding). */
const TRACE_OPTION: OptionSpec = {
  name: 'trace',
  type: 'string',
  value: 'FILE',
  help:
    'also write a timeline of the run for ui.perfetto.dev (Perfetto protobuf TrackEvent): a process ' +
    'per actor, tracks per link and ATSD register (checked before the run)',
  writesFile: true,
};

const TRACE_EVENTS_OPTION: OptionSpec = {
  name: 'trace-events',
  type: 'string',
  value: 'N',
  help: `with --trace: at most N recorded simulation events (a message sent or handled), each drawn as several events in the file (${TRACE_EVENTS_RANGE.min} to ${TRACE_EVENTS_RANGE.max}); the window around the first violation is kept whole`,
  default: '200000',
  parse: parseTraceEvents,
};

const REPORT_OPTION: OptionSpec = {
  name: 'report',
  type: 'string',
  value: 'FILE',
  help:
    'also write a self-contained HTML report: summary tables, latency histograms, link utilisation ' +
    'and ATSD register occupancy over time; opens offline (checked before the run)',
  writesFile: true,
};

const RUN: CommandSpec = {
  name: 'run',
  summary: 'run one simulation and print its summary',
  exits: runExits([EXIT.notReproduced], usageWithoutMerge()),
  positionals: [
    {
      name: 'workload',
      help: 'workload name (one of `npusim list`), or a workload file: .ts, .js or .json (also .mts, .cts, .mjs, .cjs)',
      default: DEFAULT_WORKLOAD,
    },
  ],
  options: [
    {
      name: 'seed',
      type: 'string',
      value: 'N',
      help: 'seed, a whole number from 0 to 2^53-1',
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
      help: "worker threads: one per actor, N from 1 to 256 (a socket's actors together, cut at the X-bus; an N that is no multiple of the sockets may spread single actors of different sockets over the workers, by weight), or one per core; 1 is the inline engine plus a thread hop (--inline runs the same placement without the thread)",
      default: 'per-actor',
      parse: (t, o) => parsePlacement(t, o),
      conflicts: ['inline'],
      conflictWhy: '--inline runs every actor in one thread, with no workers to place: give one',
    },
    {
      name: 'inline',
      type: 'boolean',
      help: 'every actor in one thread (same digest as --threads)',
      conflicts: ['threads'],
      conflictWhy: 'they are the two hosts of a run: give one (--threads is the default)',
    },
    { name: 'json', type: 'boolean', help: 'print the run result as JSON on stdout instead of the summary' },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      help: 'also write the run result as JSON to FILE (checked before the run)',
      writesFile: true,
    },
    TRACE_OPTION,
    TRACE_EVENTS_OPTION,
    REPORT_OPTION,
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
  pointers: {
    jobs: "a run is one seed (`--jobs` is `npusim sweep`'s, seeds at a time); did you mean `--workers N` (its worker threads)?",
    results:
      "did you mean `--out FILE` (the run result as JSON)? (`--results DIR` is `npusim sweep`'s, a run result per seed)",
  },
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
  exits: runExits([EXIT.notReproduced]),
  positionals: [
    {
      name: 'workload',
      help: 'workload name or file (with --merge: the directories whose shard summaries to join, or the summary files)',
      default: DEFAULT_WORKLOAD,
      variadic: true,
    },
  ],
  options: [
    {
      name: 'seeds',
      type: 'string',
      value: 'A..B|S|LIST|@FILE',
      help: `the seeds to run: A to B, both ends included (at most ${MAX_SWEEP_SEEDS} seeds), the one seed S, or a list of seeds and ranges (7,12,20..29: each seed once, at most ${MAX_LISTED_SEEDS}, run in ascending order), or such a list in FILE (separated by commas, spaces or lines; \`#\` starts a comment, to the end of its line; an error names FILE:LINE:COLUMN)`,
      parse: (t, o) => parseSeedsOption(t, o),
    },
    ...SWEEP_SCENARIO_OPTIONS,
    {
      name: 'jobs',
      type: 'string',
      value: 'N',
      help: 'simulations at a time (pool threads); not with --free, whose seeds run one at a time, each on a worker per actor',
      default: 'the cores available',
      parse: parseJobs,
    },
    {
      name: 'shard',
      type: 'string',
      value: 'K/N',
      help: 'run only the K-th of N interleaved parts of the seeds (the K-th seed in ascending order, then every N-th; a batch system runs the N parts); its summary is left in the --failures directory for --merge, so not with --no-failure-file',
      parse: (t, o) => parseShard(t, o),
    },
    {
      name: 'merge',
      type: 'boolean',
      help: 'join the shard summaries in the directories given, or the summary files named (all N shards, each run to its end; a stopped sweep or shard joins with the sweeps its resume line ran, each seed run once)',
    },
    {
      name: 'partial',
      type: 'boolean',
      help: 'with --merge: join the shards given even if some are missing or stopped early; the summary names them, and the exit is 2 unless a failure was found',
    },
    ...FREE_OPTIONS,
    {
      name: 'results',
      type: 'string',
      value: 'DIR',
      help: "also write each seed's run result into DIR, as WORKLOAD-seedN.json (the file `npusim run --seed N --inline --out FILE` writes, less what run adds over a workload's variants, which a sweep does not run; over one of that name): two such directories are two sets of runs for `npusim compare DIR_A DIR_B`",
      writesDir: true,
    },
    { name: 'json', type: 'boolean', help: 'print the summary as JSON on stdout' },
    {
      name: 'report',
      type: 'string',
      value: 'FILE',
      help:
        "also write the summary as a self-contained HTML page: the rules that fired, when each failing seed's " +
        'first finding came in the run, every failing seed with its replay command; opens offline (checked ' +
        'before the sweep; with --merge, of the merged summary)',
      writesFile: true,
    },
    ...FAILURE_OPTIONS,
  ],
  pointers: {
    out: "did you mean `--results DIR` (each seed's run result as a file in DIR)?",
    workers:
      'a sweep runs each seed inline, on one thread; did you mean `--jobs N` (how many seeds at a time)?',
    inline: 'a sweep runs each seed inline already (on one thread; `--jobs N` seeds at a time)',
    threads: 'a sweep runs each seed inline, on one thread (with `--free`, on a worker thread per actor)',
  },
  examples: [
    'npusim sweep flush-race --bug single-flush --seeds 1..200 --report sweep.html',
    'npusim sweep stress --seeds 1..5 --results A && npusim sweep stress --seeds 1..5 --set gpu.dmaBytes=4096 --results B && npusim compare A B',
    'npusim sweep stress --seeds 1..10000 --shard 3/8 --failures out/shard3',
    'npusim sweep --merge out/shard*',
  ],
};

const REPLAY: CommandSpec = {
  name: 'replay',
  summary: 'run a failure file again, exactly, and print the history that led to its finding',
  exits: runExits([], usageWithoutMerge()),
  positionals: [{ name: 'file', help: 'a failure file (written by run or sweep)' }],
  options: [
    {
      name: 'threads',
      type: 'boolean',
      help: 'replay with one worker thread per actor, in the --workers placement the file keeps',
      default: 'neither --threads nor --inline: the host the file recorded',
    },
    {
      name: 'inline',
      type: 'boolean',
      help: 'replay with every actor in one thread',
      conflicts: ['threads'],
      conflictWhy: "they are the two hosts of a replay: give one (neither: the file's own)",
    },
    { name: 'json', type: 'boolean', help: 'print the replayed run result as JSON on stdout' },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      help: 'also write the replayed run result, as --json prints it, to FILE (checked before the replay)',
      writesFile: true,
    },
    TRACE_OPTION,
    TRACE_EVENTS_OPTION,
    REPORT_OPTION,
  ],
  examples: [
    'npusim run flush-race --bug single-flush --seed 1 --stop-on-first; npusim replay npusim-failures/flush-race-seed1-order.atsd-released-early-c889e8f5.json',
    'npusim replay free.json --trace free.pftrace --report free.html',
  ],
};

/** Exit 4 of a command whose outcome is not a run's (shrink, compare, list, topo): only npusim itself failing. */
const NPUSIM_FAILED = { code: 4, meaning: 'npusim itself failed (a bug: the message says where)' };

/**
 * The codes of a command that runs simulations (run, sweep, replay), as README's table has them,
 * less those it cannot give (QA: `help run` listed 5, replay's, and sweep's `--merge --partial`):
 * `without` the codes, `usage` 2's meaning where it is not the table's.
 */
function runExits(without: readonly number[], usage?: string): { code: number; meaning: string }[] {
  return EXIT_CODES.filter((e) => !without.includes(e.code)).map((e) =>
    e.code === 2 && usage !== undefined
      ? { code: e.code, meaning: usage }
      : { code: e.code, meaning: e.meaning },
  );
}

/** 2's meaning less its `sweep --merge --partial` clause, which only a sweep gives. */
function usageWithoutMerge(): string {
  const usage = EXIT_CODES.find((e) => e.code === EXIT.usage)!.meaning;
  const merge = usage.indexOf('; also a `sweep --merge --partial`');
  if (merge < 0) throw new Error('commands.ts: exit 2 no longer names sweep --merge --partial');
  return usage.slice(0, merge);
}

/** What 2 also means for every command: its answer could not be written to stdout (QA). */
const OR_STDOUT = ', or a stdout that could not be written (`> /dev/full`)';

const SHRINK: CommandSpec = {
  name: 'shrink',
  summary:
    'reduce a failing run while the same rule still fails (a liveness failure still ends as one): the scenario, then the choices',
  positionals: [{ name: 'file', help: 'a failure file (written by run or sweep)' }],
  options: [
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      help: 'where the shrunk failure file goes',
      default: "FILE with .shrunk.json (from a pipe or device: the failure's own name, here)",
      writesFile: true,
    },
    {
      name: 'budget',
      type: 'string',
      value: 'N',
      help: 'candidate runs at most; the best so far is written when it runs out, or when Ctrl-C stops the shrink (exit 130)',
      default: '1000',
      parse: (t, o) => parseBudget(t, o),
    },
  ],
  examples: [
    'npusim run flush-race --bug single-flush --seed 1 --stop-on-first; npusim shrink npusim-failures/flush-race-seed1-order.atsd-released-early-c889e8f5.json',
  ],
  exits: [
    {
      code: 0,
      meaning:
        'a shrunk failure file was written (even one no smaller: the budget ran out or nothing helped)',
    },
    {
      code: 2,
      meaning: `a file it refuses (not a failure file, a clean or free run: nothing to shrink), a bad option, or a shrunk file it could not write (the table is still printed)${OR_STDOUT}`,
    },
    NPUSIM_FAILED,
    { code: 130, meaning: 'Ctrl-C, SIGTERM or SIGHUP stopped it; the best so far was written' },
  ],
};

const LIST: CommandSpec = {
  name: 'list',
  summary: "workloads, bug switches, the oracle's rules, profiles and topologies",
  positionals: [],
  options: [
    { name: 'json', type: 'boolean', help: "as JSON, with each workload's parameters and what it exposes" },
  ],
  exits: [
    { code: 0, meaning: 'listed' },
    { code: 2, meaning: `a bad option or argument (the message names it)${OR_STDOUT}` },
    NPUSIM_FAILED,
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
      help: `IOMMU group policy: ${GROUP_POLICIES_TEXT}`,
      default: 'per-socket',
    },
    {
      name: 'json',
      type: 'boolean',
      help: 'print the topology as the JSON TopologySpec a --topology file takes (copy it, edit it)',
      conflicts: ['policy'],
      conflictWhy:
        'a TopologySpec holds the wiring, not a policy; give --policy to the run that reads the file (npusim run --topology FILE --policy P)',
    },
  ],
  examples: [
    'npusim topo witherspoon-4 --policy per-gpu',
    'npusim topo witherspoon-6 --json > my-topology.json',
  ],
  exits: [
    { code: 0, meaning: 'the topology was printed' },
    {
      code: 2,
      meaning: `a topology it refuses (no such preset or file, or a file with a bad field: the message names the file and the field), or a bad option${OR_STDOUT}`,
    },
    NPUSIM_FAILED,
  ],
};

const COMPARE: CommandSpec = {
  name: 'compare',
  summary: 'two run results side by side: each figure, its change, and which changes exceed run-to-run noise',
  positionals: [
    {
      name: 'a',
      help: 'the first run result (written by `npusim run --out A.json` or `--json`), or a directory of them: a set of runs of one configuration, one per seed, whose spread over the seeds is the noise',
    },
    { name: 'b', help: 'the second run result, or a directory of them (the second set)' },
  ],
  options: [
    { name: 'json', type: 'boolean', help: 'print the comparison as JSON on stdout' },
    {
      name: 'report',
      type: 'string',
      value: 'FILE',
      help:
        'also write the comparison as a self-contained HTML page: a table per section, the figures that ' +
        'changed beyond noise marked, each change in standard errors drawn against its threshold; opens offline (checked before the results are read)',
      writesFile: true,
    },
  ],
  examples: ['npusim compare before.json after.json', 'npusim compare before/ after/ --report compare.html'],
  exits: [
    { code: 0, meaning: 'compared, whatever changed (a comparison is a report, not a verdict)' },
    {
      code: 2,
      meaning: `a file or directory it refuses (the message names it and the field), a bad option, or a --report it could not write (the comparison is still printed)${OR_STDOUT}`,
    },
    NPUSIM_FAILED,
  ],
};

export const COMMANDS: readonly CommandSpec[] = [RUN, SWEEP, REPLAY, SHRINK, COMPARE, LIST, TOPO];

export type CommandName = 'run' | 'sweep' | 'replay' | 'shrink' | 'compare' | 'list' | 'topo';

export function commandSpec(name: CommandName): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec === undefined) throw new Error(`no command table entry for \`${name}\``);
  return spec;
}
