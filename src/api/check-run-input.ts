/**
 * What a library caller hands `runSimulation` and `runWorkload`, checked as the command line checks
 * its options, before anything runs: the types say most of it, but a JavaScript caller (or a value
 * computed at run time) can pass a seed the command line refuses, whose result would then carry a
 * reproduce line that fails (`--seed -1`) or replays another run (`seed: '7'` ran as seed 7's
 * string, its line said `--seed 7`). Each refusal is a ConfigError naming the field, saying what
 * was expected and what arrived.
 */
import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { isSeed, SEED_RANGE_TEXT } from '../core/seed-range.js';
import { escapedText, gotText } from '../core/shown-text.js';
import { MAX_PCT_DEPTH } from '../model/choice/pct.js';
import { BUG_NAMES, isBugName } from '../model/scenario/bugs.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { parseParams } from '../model/scenario/workload-params.js';
import type { EngineOptions } from '../runtime/engine.js';
import { MAX_WORKERS } from '../runtime/placement.js';
import { WorkerSet } from '../runtime/worker-set.js';

/** A value as a message shows it: strings quoted, so `'7'` is not read as 7. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return `${escapedText(v)} (a string)`;
  // `7n` said as 7 read as if 7 were refused.
  if (typeof v === 'bigint') return `${v}n (a bigint)`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

/**
 * An options argument: a plain object (`{ ... }`, or one made by Object.create(null)), refused
 * otherwise naming what came, before anything runs. QA: `[]` and `new Date()` ran the workload's
 * defaults, a Map's own methods were read as options (`set: ... got a function`).
 */
export function checkOptionsObject(options: unknown, expected: string): void {
  if (isPlainObject(options)) return;
  throw new ConfigError(
    'options',
    `Expected a plain object of options (${expected}), got ${optionsKind(options)}`,
  );
}

/** Made by `{}` or Object.create(null), in this realm or another (a vm context's `{}`). */
function isPlainObject(v: unknown): v is object {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** What came instead of a plain object: `a list`, `an object of class Map`, else as shown says it. */
function optionsKind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v !== 'object' || v === null) return shown(v);
  const ctor = (Object.getPrototypeOf(v) as { constructor?: unknown }).constructor;
  const name = typeof ctor === 'function' ? ctor.name : '';
  return name === '' ? 'an object of no plain kind' : `an object of class ${name}`;
}

function safeCount(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

export function checkRunConfig(config: RunConfig): void {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(
      'config',
      `Expected a RunConfig (what workloadConfig returns), got ${shown(config)}`,
    );
  }
  if (!isSeed(config.seed)) {
    // As `--seed -1` says it (cli/option-values.ts parseSeed).
    const negative =
      typeof config.seed === 'number' && config.seed < 0 ? ': negative seeds are not allowed' : '';
    throw new ConfigError(
      'seed',
      `Expected an integer seed ${SEED_RANGE_TEXT}, got ${shown(config.seed)}${negative}`,
    );
  }
  if (!Array.isArray(config.bugs)) {
    throw new ConfigError('bugs', `Expected a list of bug switch names, got ${shown(config.bugs)}`);
  }
  // By index: `find` returns undefined both for a list with no bad name and for an undefined one
  // (`[undefined]`, a hole), which ran and printed `--bug undefined` in its reproduce line (QA).
  const unknown = config.bugs.findIndex((b) => typeof b !== 'string' || !isBugName(b));
  if (unknown >= 0) {
    throw new ConfigError(
      'bugs',
      `Expected bug switches among ${BUG_NAMES.join(', ')}, got ${shown(config.bugs[unknown])}${config.bugs.length > 1 ? ` at bugs[${unknown}]` : ''}`,
    );
  }
  // As `--bug` twice is refused (README): a repeat changed the digest, and the reproduce line
  // named the switch twice, which the command refuses (QA).
  const repeated = config.bugs.find((b, i) => config.bugs.indexOf(b) !== i);
  if (repeated !== undefined)
    throw new ConfigError('bugs', `Expected each bug switch once, got ${gotText(repeated)} twice`);
  checkDescriptiveFields(config);
  // The parameters as a workload file's are checked (a duration of -5 ran, and printed a
  // reproduce line with `--duration -5`); parsed ones parse to themselves.
  parseParams(config.params, 'params');
  checkStrategy(config.strategy);
  checkCrashAt(config.crashAt);
  // A key no run reads is a slip (`sed: 4`, `crashat`): it ran as if absent, unsaid (QA).
  const extra = Object.keys(config).find((k) => !RUN_CONFIG_KEYS.includes(k));
  if (extra !== undefined) {
    throw new ConfigError(
      extra,
      `Expected a RunConfig field (one of: ${RUN_CONFIG_KEYS.join(', ')}), got unknown key \`${extra}\`${didYouMean(extra, RUN_CONFIG_KEYS)}`,
    );
  }
}

/**
 * `crashAt.actor` one of the machine's actors, as `--crash-at` is checked (cli/run-command.ts): a
 * name the machine lacks ran clean, the crash asked for never made (QA).
 */
export function checkCrashActor(config: RunConfig, actors: readonly { name: string }[]): void {
  const name = config.crashAt?.actor;
  if (name === undefined || actors.some((a) => a.name === name)) return;
  throw new ConfigError(
    'crashAt.actor',
    `Expected an actor of ${config.params.topology} (${actors.map((a) => a.name).join(', ')}), got ${gotText(name)}`,
  );
}

/**
 * Every field of a RunConfig (model/scenario/run-config.ts): a Record over its keys, so a field
 * added there and not here, or named here and not there, fails to compile.
 */
const RUN_CONFIG_FIELDS: Record<keyof RunConfig, true> = {
  workload: true,
  workloadFile: true,
  variant: true,
  set: true,
  seed: true,
  bugs: true,
  params: true,
  crashAt: true,
  customTopology: true,
  profile: true,
  strategy: true,
  stopOnFirst: true,
};
const RUN_CONFIG_KEYS: readonly string[] = Object.keys(RUN_CONFIG_FIELDS);

/**
 * `crashAt` as `--crash-at ACTOR:N` and a failure file give it: `crashAt: 'x'` ran clean with a
 * digest of its own and a reproduce line saying `--crash-at undefined:undefined` (QA). Whether the
 * actor is one of the machine's needs its plan: checkCrashActor.
 */
function checkCrashAt(c: RunConfig['crashAt']): void {
  if (c === undefined) return;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new ConfigError('crashAt', `Expected { actor, event }, got ${shown(c)}`);
  }
  const extra = Object.keys(c).find((k) => k !== 'actor' && k !== 'event');
  if (extra !== undefined) {
    throw new ConfigError(
      `crashAt.${extra}`,
      `Expected only \`actor\` and \`event\`, got ${gotText(extra)} too`,
    );
  }
  if (typeof c.actor !== 'string' || c.actor === '') {
    throw new ConfigError(
      'crashAt.actor',
      `Expected an actor's name such as \`chip0\`, got ${shown(c.actor)}`,
    );
  }
  if (!safeCount(c.event, 1, Number.MAX_SAFE_INTEGER)) {
    throw new ConfigError('crashAt.event', `Expected a whole number of events from 1, got ${shown(c.event)}`);
  }
}

/** The fields of each kind of strategy (model/choice/strategy.ts StrategySpec). */
const STRATEGY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  random: ['kind'],
  count: ['kind'],
  replay: ['kind', 'choices'],
  pct: ['kind', 'depth', 'steps', 'agents'],
};

/**
 * The fields that say how the run was asked for (its reproduce line is made of them) and the
 * options read as flags: of the wrong kind, each ran as something its reproduce line did not say
 * (QA: `stopOnFirst: 'yes'` stopped at the first finding with no `--stop-on-first` in the line;
 * `set: [1, 2]` printed `--set undefined=undefined`; a workload of `5` printed `npusim run 5`).
 */
function checkDescriptiveFields(config: RunConfig): void {
  if (typeof config.workload !== 'string' || config.workload === '')
    throw new ConfigError('workload', `Expected the workload's name, got ${shown(config.workload)}`);
  for (const key of ['workloadFile', 'variant'] as const) {
    const v = config[key];
    if (v !== undefined && (typeof v !== 'string' || v === ''))
      throw new ConfigError(key, `Expected a non-empty string, or none, got ${shown(v)}`);
  }
  if (config.stopOnFirst !== undefined && typeof config.stopOnFirst !== 'boolean')
    throw new ConfigError('stopOnFirst', `Expected true or false, got ${shown(config.stopOnFirst)}`);
  if (config.set !== undefined) {
    if (!Array.isArray(config.set))
      throw new ConfigError(
        'set',
        `Expected a list of { path, value } (the --set of the run), got ${shown(config.set)}`,
      );
    config.set.forEach((x: unknown, i) => {
      const entry = x as { path?: unknown; value?: unknown } | null;
      if (typeof entry !== 'object' || entry === null || typeof entry.path !== 'string' || entry.path === '')
        throw new ConfigError(
          `set[${i}]`,
          `Expected { path, value } with a parameter's path, got ${shown(x)}`,
        );
      if (entry.value === undefined)
        throw new ConfigError(
          `set[${i}].value`,
          `Expected the value \`${entry.path}\` was set to, got undefined`,
        );
    });
  }
  const t = config.customTopology as { file?: unknown; spec?: { name?: unknown } } | undefined;
  if (t !== undefined) {
    if (
      typeof t !== 'object' ||
      t === null ||
      typeof t.file !== 'string' ||
      typeof t.spec !== 'object' ||
      t.spec === null
    )
      throw new ConfigError(
        'customTopology',
        `Expected { file, spec } (a topology file and its TopologySpec), got ${shown(t)}`,
      );
    // The machine is built from the spec; the parameters name it: two names are two machines.
    if (t.spec.name !== config.params?.topology)
      throw new ConfigError(
        'customTopology.spec.name',
        `Expected the topology the parameters name (\`${String(config.params?.topology)}\`), got ${shown(t.spec.name)}`,
      );
  }
}

/** A strategy as `--strategy` and a failure file give one (model/choice/strategy.ts). */
function checkStrategy(s: RunConfig['strategy']): void {
  if (s === undefined) return;
  const k = (s as { kind?: unknown }).kind;
  // Exactly the fields a failure file's strategy has (repro/failure-file.ts refuses others):
  // `{ kind: 'random', depth: 3 }` ran as random, and a key the run ignores is a mistake unseen.
  const fields = STRATEGY_FIELDS[k as string];
  if (fields !== undefined) {
    const extra = Object.keys(s).filter((key) => !fields.includes(key));
    if (extra.length > 0)
      throw new ConfigError(
        `strategy.${extra[0]}`,
        `Expected only ${fields.map((f) => `\`${f}\``).join(', ')} in a ${k} strategy, got ${extra.map((e) => `\`${e}\``).join(', ')} too`,
      );
  }
  if (k === 'random' || k === 'count') return;
  if (k === 'replay') {
    // Each actor's recorded values, whole numbers from 0 (QA: `['a', null]` ran, and an actor
    // crashed on a timer NaN ticks ahead, blamed on the model).
    const choices = (s as { choices?: unknown }).choices;
    if (!Array.isArray(choices))
      throw new ConfigError(
        'strategy.choices',
        `Expected a list per actor of the values it chose, got ${shown(choices)}`,
      );
    choices.forEach((c: unknown, i) => {
      const bad = Array.isArray(c) ? c.findIndex((v) => !safeCount(v, 0, Number.MAX_SAFE_INTEGER)) : -2;
      if (bad === -2)
        throw new ConfigError(
          `strategy.choices[${i}]`,
          `Expected a list of whole numbers from 0, got ${shown(c)}`,
        );
      if (bad >= 0)
        throw new ConfigError(
          `strategy.choices[${i}][${bad}]`,
          `Expected a whole number from 0, got ${shown((c as unknown[])[bad])}`,
        );
    });
    return;
  }
  if (k === 'pct') {
    const p = s as { depth?: unknown; steps?: unknown; agents?: unknown };
    if (!safeCount(p.depth, 1, MAX_PCT_DEPTH))
      throw new ConfigError(
        'strategy.depth',
        `Expected a whole number from 1 to ${MAX_PCT_DEPTH}, got ${shown(p.depth)}`,
      );
    if (!Array.isArray(p.steps) || !p.steps.every((n) => safeCount(n, 0, Number.MAX_SAFE_INTEGER)))
      throw new ConfigError(
        'strategy.steps',
        `Expected a list of whole numbers from 0, got ${shown(p.steps)}`,
      );
    if (!safeCount(p.agents, 0, Number.MAX_SAFE_INTEGER))
      throw new ConfigError('strategy.agents', `Expected a whole number from 0, got ${shown(p.agents)}`);
    return;
  }
  throw new ConfigError(
    'strategy',
    `Expected { kind: 'random' }, { kind: 'pct', depth, steps, agents }, { kind: 'replay', choices } or { kind: 'count' }, got kind ${shown(k)}`,
  );
}

/** Every option of EngineOptions (runtime/engine.ts, with raw-run.ts RunRecording): another key is a misspelling. */
export const ENGINE_OPTION_KEYS: readonly string[] = [
  'host',
  'placement',
  'spinRounds',
  'onProgress',
  'shouldStop',
  'stopAfterEvents',
  'recordEvents',
  'timeEvents',
  'watchdogMs',
  'ringCapacityRecords',
  'free',
  'workerSet',
  'recordChoices',
  'tailEvents',
  'trace',
];

/**
 * The options only a threaded run reads, and why an inline run has no use for each: given with host
 * `inline` they were dropped without a word (as `--inline` with `--free` or `--workers` is refused).
 */
const THREADED_ONLY: Readonly<Record<string, string>> = {
  placement: 'every actor in one thread',
  spinRounds: 'no thread waits for another',
  watchdogMs: 'it watches worker threads',
  ringCapacityRecords: 'no rings between threads',
  free: 'free mode is worker threads racing',
  workerSet: 'no worker threads',
};

/** Whole numbers of each counting option, from its least (MAX_SAFE_INTEGER at most). */
const COUNTS: readonly {
  key: 'spinRounds' | 'stopAfterEvents' | 'recordEvents' | 'tailEvents' | 'watchdogMs';
  min: number;
  unit: string;
}[] = [
  { key: 'spinRounds', min: 0, unit: 'rounds' },
  { key: 'stopAfterEvents', min: 1, unit: 'events' },
  { key: 'recordEvents', min: 0, unit: 'events' },
  { key: 'tailEvents', min: 0, unit: 'events' },
  { key: 'watchdogMs', min: 1, unit: 'milliseconds' },
];

/** Largest ring (transport/layout.ts: a power of two from 2 to 2^24 records). */
const MAX_RING_RECORDS = 2 ** 24;

/**
 * What `runSimulation` (and runWorkload's engine options) checks before anything runs: every
 * option, its type, its range and whether the host reads it, so that none reaches the engine to
 * throw a TypeError there, to fail an assertion (which blames npusim), or to be dropped unread.
 * `who` names the function in the unknown-option message.
 */
export function checkEngineOptions(options: EngineOptions, who = 'runSimulation'): void {
  checkOptionsObject(options, "{ host: 'inline' } at least");
  if (who === 'runSimulation') {
    for (const key of Object.keys(options)) {
      if (!ENGINE_OPTION_KEYS.includes(key)) {
        throw new ConfigError(
          key,
          `Expected an option runSimulation takes (${ENGINE_OPTION_KEYS.join(', ')}), got ${gotText(key)}${didYouMean(key, ENGINE_OPTION_KEYS)}`,
        );
      }
    }
  }
  if (options.host !== 'inline' && options.host !== 'threaded') {
    throw new ConfigError('host', `Expected \`inline\` or \`threaded\`, got ${shown(options.host)}`);
  }
  const given = (key: string) => (options as unknown as Record<string, unknown>)[key] !== undefined;
  if (options.host === 'inline') {
    for (const [key, why] of Object.entries(THREADED_ONLY)) {
      if (given(key)) {
        // As `--workers` or `--free` with `--inline`: an option an inline run would silently not use.
        throw new ConfigError(
          key,
          `Expected no ${key} with host \`inline\` (${why}), got one: pass host 'threaded'`,
        );
      }
    }
  } else {
    // Threaded workers stop each at its own event: no count of events is a place to stop at; and
    // a threaded run's handler times would include a worker's share of the cores: not a cost.
    if (given('stopAfterEvents'))
      throw new ConfigError(
        'stopAfterEvents',
        "Expected stopAfterEvents only with host 'inline', got host 'threaded'",
      );
    if (options.timeEvents === true)
      throw new ConfigError('timeEvents', "Expected timeEvents only with host 'inline', got host 'threaded'");
  }
  for (const key of ['onProgress', 'shouldStop'] as const) {
    if (given(key) && typeof options[key] !== 'function')
      throw new ConfigError(key, `Expected a function, got ${shown(options[key])}`);
  }
  for (const key of ['timeEvents', 'recordChoices'] as const) {
    if (given(key) && typeof options[key] !== 'boolean')
      throw new ConfigError(key, `Expected true or false, got ${shown(options[key])}`);
  }
  for (const { key, min, unit } of COUNTS) {
    if (given(key) && !safeCount(options[key], min, Number.MAX_SAFE_INTEGER))
      throw new ConfigError(
        key,
        `Expected a whole number of ${unit} from ${min}, got ${shown(options[key])}`,
      );
  }
  const ring = options.ringCapacityRecords;
  if (ring !== undefined && !(safeCount(ring, 2, MAX_RING_RECORDS) && (ring & (ring - 1)) === 0)) {
    throw new ConfigError(
      'ringCapacityRecords',
      `Expected a power of two from 2 to 2^24 (records per ring), got ${shown(ring)}`,
    );
  }
  if (options.workerSet !== undefined && !(options.workerSet instanceof WorkerSet)) {
    throw new ConfigError(
      'workerSet',
      `Expected a WorkerSet (\`new WorkerSet()\`), got ${shown(options.workerSet)}`,
    );
  }
  checkTrace(options.trace);
  if (options.free !== undefined && (typeof options.free !== 'object' || options.free === null)) {
    throw new ConfigError('free', `Expected { windowTicks }, got ${shown(options.free)}`);
  }
  // A misspelt key is named, with the one it is a slip of, as a top-level option's is (QA: `{
  // windowTick: 5 }` was refused as `free.windowTicks: ... got undefined`).
  const freeExtra =
    options.free === undefined ? undefined : Object.keys(options.free).find((k) => k !== 'windowTicks');
  if (freeExtra !== undefined) {
    throw new ConfigError(
      'free',
      `Expected a free field (one of: windowTicks), got unknown key \`${freeExtra}\`${didYouMean(freeExtra, ['windowTicks'])}`,
    );
  }
  if (options.free !== undefined && !safeCount(options.free.windowTicks, 1, Number.MAX_SAFE_INTEGER)) {
    throw new ConfigError(
      'free.windowTicks',
      `Expected a whole number of ticks from 1, got ${shown(options.free.windowTicks)}`,
    );
  }
  checkPlacement(options);
}

/**
 * `placement`: one of its three shapes, with no key another shape has or none has (`{ kind:
 * 'auto', count: 3 }` ran as auto without a word: QA), and one worker per actor with `free`
 * (refused by the threaded runtime in the command line's words, `--workers`, otherwise).
 */
function checkPlacement(options: Partial<EngineOptions>): void {
  const p = options.placement as unknown;
  if (p === undefined) return;
  const expected = `Expected { kind: 'per-actor' }, { kind: 'auto' } or { kind: 'workers', count } with a whole count from 1 to ${MAX_WORKERS}`;
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw new ConfigError('placement', `${expected}, got ${shown(p)}`);
  const { kind, count } = p as { kind?: unknown; count?: unknown };
  const ok =
    kind === 'per-actor' || kind === 'auto' || (kind === 'workers' && safeCount(count, 1, MAX_WORKERS));
  if (!ok) {
    throw new ConfigError(
      'placement',
      `${expected}, got ${kind === 'workers' ? `a count of ${shown(count)}` : `kind ${shown(kind)}`}`,
    );
  }
  const keys = kind === 'workers' ? ['kind', 'count'] : ['kind'];
  const extra = Object.keys(p).find((k) => !keys.includes(k));
  if (extra !== undefined) {
    throw new ConfigError(
      `placement.${extra}`,
      `Expected only ${keys.map((k) => `\`${k}\``).join(' and ')} in a placement of kind \`${String(kind)}\`, got ${gotText(extra)}`,
    );
  }
  if (options.free !== undefined && kind !== 'per-actor') {
    throw new ConfigError(
      'placement',
      `Expected { kind: 'per-actor' } or no placement with \`free\` (a free run is one worker per actor), got kind \`${String(kind)}\``,
    );
  }
}

/** The trace recorder's options (runtime/trace-recorder.ts TraceOptions), which it asserts. */
function checkTrace(trace: EngineOptions['trace']): void {
  if (trace === undefined) return;
  if (typeof trace !== 'object' || trace === null || Array.isArray(trace)) {
    throw new ConfigError(
      'trace',
      `Expected { capacityRecords, sampleCount, endTick, anchorTick? }, got ${shown(trace)}`,
    );
  }
  const fields = ['capacityRecords', 'sampleCount', 'endTick', 'anchorTick'];
  const extra = Object.keys(trace).find((k) => !fields.includes(k));
  if (extra !== undefined) {
    throw new ConfigError(
      `trace.${extra}`,
      `Expected a trace field (one of: ${fields.join(', ')}), got unknown key \`${extra}\`${didYouMean(extra, fields)}`,
    );
  }
  const t = trace as unknown as Record<string, unknown>;
  const counts: [string, number, string][] = [
    ['capacityRecords', 2, 'records each actor keeps'],
    ['sampleCount', 0, 'sample rows'],
    ['endTick', 1, 'ticks'],
  ];
  for (const [key, min, unit] of counts) {
    if (!safeCount(t[key], min, Number.MAX_SAFE_INTEGER))
      throw new ConfigError(
        `trace.${key}`,
        `Expected a whole number of ${unit} from ${min}, got ${shown(t[key])}`,
      );
  }
  if (t.anchorTick !== undefined && !safeCount(t.anchorTick, 0, Number.MAX_SAFE_INTEGER))
    throw new ConfigError('trace.anchorTick', `Expected a whole tick from 0, got ${shown(t.anchorTick)}`);
}
