/**
 * One workload, run from a library: the same layering of parameters as `npusim run` (the
 * workload's own, its variant's `set`, then `set`, then the duration) and the same answer on the
 * result (its question and headline figures), without a command line. Variants are not run
 * (run each by name with `variant`, as `npusim run --variant` does).
 */
import { ConfigError } from '../core/errors.js';
import { buildTopology } from '../model/platform/topology.js';
import type { TopologySpec } from '../model/platform/topology-spec.js';
import { validateTopologySpec } from '../model/platform/validate-topology.js';
import type { BugName } from '../model/scenario/bugs.js';
import type { ProfileName } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { subField } from '../model/scenario/schema-issues.js';
import { type ParamOverride, variantOverrides } from '../model/scenario/variant-overrides.js';
import type { Workload } from '../model/scenario/workload.js';
import { applySets, parseParams } from '../model/scenario/workload-params.js';
import { withAnswer } from '../report/described-result.js';
import { checkPresetName } from '../report/full-topology.js';
import type { RunResult } from '../report/run-result.js';
import { checkPctDepth, preparePct } from '../repro/pct-setup.js';
import type { EngineOptions } from '../runtime/engine.js';
import { runSimulation } from './run-simulation.js';

export interface RunWorkloadOptions extends Partial<EngineOptions> {
  /** Default 1. */
  seed?: number;
  bugs?: BugName[];
  profile?: ProfileName;
  /** One of the workload's variants (`Workload.variants`), applied before `set`. */
  variant?: string;
  /** Parameter overrides by path, as `--set` takes them: `{ 'gpu.dmaBytes': 4096 }`. */
  set?: Record<string, unknown>;
  /** Simulated time in ticks (picoseconds); default the workload's. */
  durationTicks?: number;
  /**
   * A machine of your own, as `--topology FILE` gives one: a TopologySpec (checked as a topology
   * file is, every error naming its field; a preset's name only on that preset unchanged). The
   * run is the CLI's run of a file with this spec,
   * the same digest; its reproduce line names `topologyFile` (default `SPEC_NAME.json`), the file
   * to write the spec into (`JSON.stringify(spec)`) to run it again from the command line.
   */
  topology?: TopologySpec;
  topologyFile?: string;
  /** End the run at the end of the tick of its first finding (`--stop-on-first`). */
  stopOnFirst?: boolean;
  /**
   * `pct` as `--strategy pct`: a measuring run (inline, in this thread) counts the steps, then
   * PCT runs over them at `pctDepth` (default 3). Default `random`.
   */
  strategy?: 'random' | 'pct';
  pctDepth?: number;
}

/** Every option runWorkload takes: another key is a misspelling, refused rather than dropped. */
const OPTION_KEYS: ReadonlySet<string> = new Set([
  'seed',
  'bugs',
  'profile',
  'variant',
  'set',
  'durationTicks',
  'topology',
  'topologyFile',
  'stopOnFirst',
  'strategy',
  'pctDepth',
  // EngineOptions (runtime/engine.ts) and the recording options it takes (raw-run.ts RunRecording).
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
]);

function checkOptionKeys(options: object): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', `Expected an object of options, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new ConfigError(
        key,
        `Expected an option runWorkload takes (${[...OPTION_KEYS].join(', ')}), got \`${key}\``,
      );
    }
  }
}

/** The RunConfig `runWorkload` runs (throws a ConfigError naming the field for a bad override). */
export function workloadConfig(workload: Workload, options: RunWorkloadOptions = {}): RunConfig {
  if (typeof workload !== 'object' || workload === null || typeof workload.params !== 'object') {
    throw new ConfigError(
      'workload',
      `Expected a workload (what defineWorkload returns, or one of \`workloads\`), got ${typeof workload === 'string' ? `the string ${JSON.stringify(workload)}` : String(workload)}`,
    );
  }
  checkOptionKeys(options);
  if (options.stopOnFirst !== undefined && typeof options.stopOnFirst !== 'boolean') {
    throw new ConfigError(
      'stopOnFirst',
      `Expected true or false, got ${JSON.stringify(options.stopOnFirst)}`,
    );
  }
  if (options.strategy !== undefined && options.strategy !== 'random' && options.strategy !== 'pct') {
    throw new ConfigError(
      'strategy',
      `Expected \`random\` or \`pct\`, got ${JSON.stringify(options.strategy)}${typeof options.strategy === 'object' ? ' (a measured PCT strategy goes in a RunConfig, for runSimulation)' : ''}`,
    );
  }
  if (options.pctDepth !== undefined) {
    if (options.strategy !== 'pct') {
      throw new ConfigError('pctDepth', "Expected it only with strategy 'pct', got it without");
    }
    checkPctDepth(options.pctDepth, 'pctDepth');
  }
  if (options.topologyFile !== undefined && options.topology === undefined) {
    throw new ConfigError(
      'topologyFile',
      'Expected it only with `topology` (the spec it names), got it alone',
    );
  }
  const custom =
    options.topology === undefined ? undefined : customTopology(options.topology, options.topologyFile);
  let params = workload.params;
  if (options.variant !== undefined) {
    const v = workload.variants.find((x) => x.name === options.variant);
    if (v === undefined) {
      const names = workload.variants.map((x) => x.name);
      throw new ConfigError(
        'variant',
        `Expected ${names.length === 0 ? `no variant (workload ${workload.name} has none)` : `a variant of ${workload.name} (${names.join(', ')})`}, got \`${options.variant}\``,
      );
    }
    params = applySets(params, v.set, (p) => `variants.${v.name}.set.${p}`, true);
    // Before the overrides are applied: a conflict is named as such, not by what follows from it.
    checkVariantKept(workload, options, custom?.spec.name);
  }
  const set = { ...options.set };
  if (options.durationTicks !== undefined) set.durationTicks = options.durationTicks;
  if (Object.keys(set).length > 0) params = applySets(params, set, (p) => `set.${p}`);
  // As the command line: the file's machine, under its name (scenario-config.ts).
  if (custom !== undefined) params = parseParams({ ...params, topology: custom.spec.name }, '');
  return {
    workload: workload.name,
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    ...(options.set === undefined || Object.keys(options.set).length === 0
      ? {}
      : { set: Object.entries(options.set).map(([path, value]) => ({ path, value })) }),
    seed: options.seed ?? 1,
    bugs: options.bugs ?? [],
    params,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.stopOnFirst === true ? { stopOnFirst: true } : {}),
    ...(custom === undefined ? {} : { customTopology: custom }),
  };
}

/**
 * An option that gives a parameter the variant sets another value is refused, as `npusim run
 * --variant` refuses it: the run would not be the variant it names, nor be judged by what it
 * expects (it ran, judged as the variant).
 */
function checkVariantKept(
  workload: Workload,
  options: RunWorkloadOptions,
  topologyName: string | undefined,
): void {
  const v = workload.variants.find((x) => x.name === options.variant)!;
  const overrides: ParamOverride[] = Object.entries(options.set ?? {}).map(([path, value]) => ({
    path,
    value,
    by: `set.${path}`,
  }));
  if (options.durationTicks !== undefined)
    overrides.push({ path: 'durationTicks', value: options.durationTicks, by: 'durationTicks' });
  if (topologyName !== undefined) overrides.push({ path: 'topology', value: topologyName, by: 'topology' });
  const over = variantOverrides(workload.params, v, overrides)[0];
  if (over !== undefined) {
    throw new ConfigError(
      over.by,
      `Expected no override of \`${over.path}\` with variant ${v.name}, which sets it to another value (the run would not be the variant it names, nor be judged by what it expects), got one`,
    );
  }
}

/** The spec checked as a topology file's is (validateTopologySpec, then the cross-field checks). */
function customTopology(spec: TopologySpec, file: string | undefined): { file: string; spec: TopologySpec } {
  const checked = validateTopologySpec(spec, (field) => subField('topology', field));
  inField('topology', () => buildTopology(checked));
  inField('topology', () => checkPresetName(checked));
  return { file: file ?? `${checked.name}.json`, spec: checked };
}

/** `f()`, its ConfigError named under `field` (`topology.gpus[2].socket`). */
function inField<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(
      e.field === '' ? field : `${field}.${e.field}`,
      e.message.replace(`${e.field}: `, ''),
    );
  }
}

/**
 * Runs `workload` with the options layered as `npusim run` layers them, and resolves with its
 * result: clean, or what it found (status `violation` or `liveness`). The seed defaults to 1 (the
 * command line's to a random seed) and the host to `inline`, in this thread.
 * A run that could not finish rejects rather than resolving with status `crash`: ActorCrashError
 * when an actor threw (`crash` names the actor, its tick and its last event), EngineStallError when
 * a threaded engine stopped moving for `watchdogMs`, WorkerLostError when a worker thread died
 * outside any actor, AssertionFailure for a bug in npusim; bad input is a ConfigError naming the
 * field, before anything runs. `shouldStop` is polled (inline every 4096 events, in this thread:
 * it must read what the run itself changes, such as a deadline or a count kept by `onProgress`;
 * threaded with each progress report): true ends the run with status `interrupted` (exit 130).
 * `onProgress(tick, events, findings)` is called as it goes (inline every 65,536 events).
 */
export async function runWorkload(workload: Workload, options: RunWorkloadOptions = {}): Promise<RunResult> {
  let config = workloadConfig(workload, options);
  if (options.strategy === 'pct') {
    config = { ...config, strategy: (await preparePct(config, options.pctDepth ?? 3)).strategy };
  }
  const {
    seed: _seed,
    bugs: _bugs,
    profile: _profile,
    variant: _variant,
    set: _set,
    durationTicks: _durationTicks,
    topology: _topology,
    topologyFile: _topologyFile,
    stopOnFirst: _stopOnFirst,
    strategy: _strategy,
    pctDepth: _pctDepth,
    ...engine
  } = options;
  // The answer `npusim run` gives: question, headline, and a variant's verdict on what it expects.
  return withAnswer(
    await runSimulation(config, { ...engine, host: options.host ?? 'inline' }),
    config,
    workload,
  );
}
