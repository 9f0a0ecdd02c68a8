/**
 * The options shared by `npusim run` and `npusim sweep` (commands.ts): what a run does (its
 * duration, topology, bugs, strategy, --set), free-running threads, and where failure files go.
 */

import { MAX_PCT_DEPTH } from '../model/choice/pct.js';
import { GROUP_POLICIES_TEXT } from '../model/platform/iommu-groups.js';
import { parseDuration } from '../report/duration.js';
import type { OptionSpec } from './command-spec.js';
import { parsePctDepth, parseSet, parseStrategy } from './option-values.js';

/** `--duration`'s value: its ticks, and whether it was written without a unit (ticks). */
export interface DurationValue {
  ticks: number;
  unitless: boolean;
}

/** Options that choose what a run does (shared by run and sweep). */
export const SCENARIO_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'duration',
    type: 'string',
    value: 'T',
    help: 'simulated time: 2ms, 500us, 1.5ms, 3000ns, 1s, or whole ticks (ps)',
    default: "the workload's",
    // Whether a unit was written is kept for run's warning on a run too short for any message.
    parse: (text: string, option: string): DurationValue => ({
      ticks: parseDuration(text, option),
      unitless: /^\s*[\d.]+\s*$/.test(text),
    }),
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
    help: `IOMMU group policy: ${GROUP_POLICIES_TEXT}`,
    default: "the workload's",
  },
  {
    name: 'bug',
    type: 'string',
    value: 'NAME',
    help: 'switch on a bug: a historical one, or one `npusim list` marks hypothetical; repeatable',
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
    help: `PCT bug depth d (with --strategy pct), 1 to ${MAX_PCT_DEPTH}: d-1 priority change points`,
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

/**
 * What `--stop-on-first` and `--strategy` say in `npusim sweep --help`: the same options as run's,
 * with what they do to a sweep (src/sweep/sweep.ts, run-seed.ts).
 */
const SWEEP_HELP: Readonly<Record<string, string>> = {
  'stop-on-first':
    "two effects: each seed's run ends at the end of the tick of its first violation or liveness failure (as run's " +
    '--stop-on-first, so the by-rule table counts no rule that would have fired later in a run), and no seed is ' +
    'handed out after the first failing one (those already running finish)',
  strategy:
    'how scheduling choices are made: random (from the seed) or pct (priorities and d-1 change points over the ' +
    'steps each seed measures in a first run of its own, as run --seed N does)',
};

/** The scenario options as `npusim sweep` takes them: run's, with the sweep's help where it differs. */
export const SWEEP_SCENARIO_OPTIONS: readonly OptionSpec[] = SCENARIO_OPTIONS.map((o) =>
  SWEEP_HELP[o.name] === undefined ? o : { ...o, help: SWEEP_HELP[o.name]! },
);

/** Free-running threads (run and sweep; src/runtime/free). */
export const FREE_OPTIONS: readonly OptionSpec[] = [
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
export const FAILURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'failures',
    type: 'string',
    value: 'DIR',
    help: 'write failure files (one per failing run, `npusim replay FILE`) into DIR',
    default: './npusim-failures',
    writesDir: true,
    conflicts: ['no-failure-file'],
    conflictWhy: 'one says where failure files go, the other that none is written: give one',
  },
  { name: 'no-failure-file', type: 'boolean', help: 'write no failure file' },
];
