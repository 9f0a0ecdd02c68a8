/**
 * One workload, run from a library: the same layering of parameters as `npusim run` (the
 * workload's own, its variant's `set`, then `set`, then the duration) and the same answer on the
 * result (its question and headline figures), without a command line. Variants are not run
 * (run each by name with `variant`, as `npusim run --variant` does); options that make the run one
 * of them (`set: { policy: 'per-gpu' }`) make it that variant, judged by what it expects
 * (`sameAsVariant`), as `npusim run` judges it.
 */
import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { issuesMessage } from '../core/issues-message.js';
import { gotText } from '../core/shown-text.js';
import type { TopologySpec } from '../model/platform/topology-spec.js';
import { validateTopologySpec } from '../model/platform/validate-topology.js';
import type { BugName } from '../model/scenario/bugs.js';
import { carriedBugMessage, carriedBugs } from '../model/scenario/carried-bugs.js';
import { matchedVariant, overridesText } from '../model/scenario/matched-variant.js';
import { isProfileName, type ProfileName } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { subField } from '../model/scenario/schema-issues.js';
import { variantRunBugs } from '../model/scenario/variant-bugs.js';
import { variantNamed } from '../model/scenario/variant-named.js';
import {
  type ParamOverride,
  profileOverride,
  variantOverrides,
} from '../model/scenario/variant-overrides.js';
import { type Variant, validateWorkload, type Workload } from '../model/scenario/workload.js';
import { applySets, parseParams } from '../model/scenario/workload-params.js';
import { asMatchedVariant, withAnswer } from '../report/described-result.js';
import { MAX_DURATION_TICKS } from '../report/duration.js';
import type { RunResult } from '../report/run-result.js';
import { checkTopologyFileSpec } from '../report/topology-file-check.js';
import { checkPctDepth, preparePct } from '../repro/pct-setup.js';
import type { EngineOptions } from '../runtime/engine.js';
import { loadedFrom } from '../runtime/workload-file.js';
import {
  checkEngineOptions,
  checkOptionsObject,
  checkRunConfig,
  ENGINE_OPTION_KEYS,
  shown,
} from './check-run-input.js';
import { runSimulation } from './run-simulation.js';

/**
 * The engine's options runWorkload takes (ENGINE_OPTION_KEYS, checked at run time): the engine's
 * own, less the two that drive a threaded first finding's second pass and its history pages from
 * inside the library (QA: the types took them, the run refused them).
 */
export type RunEngineOptions = Partial<Omit<EngineOptions, 'onSecondPass' | 'tailPages'>>;

export interface RunWorkloadOptions extends RunEngineOptions {
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

/**
 * The options that choose the run (all but the seed and the engine's), which sweepWorkload takes
 * too, for every seed.
 */
export const SCENARIO_OPTION_KEYS = [
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
] as const;

/** Every option runWorkload takes: another key is a misspelling, refused rather than dropped. */
const OPTION_KEYS: readonly string[] = ['seed', ...SCENARIO_OPTION_KEYS, ...ENGINE_OPTION_KEYS];

function checkOptionKeys(options: object): void {
  checkOptionsObject(options, "{ seed: 7 } and the like, or none for the workload's defaults");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new ConfigError(
        key,
        `Expected an option runWorkload takes (${OPTION_KEYS.join(', ')}), got ${gotText(key)}${didYouMean(key, OPTION_KEYS)}`,
      );
    }
  }
}

/**
 * The options workloadConfig takes: the seed and those that choose the run, less `strategy: 'pct'`,
 * as it refuses the rest at run time. Typed as the full RunWorkloadOptions,
 * `workloadConfig(w, { host: 'threaded' })` and `{ strategy: 'pct' }` type-checked and then threw
 * (QA); narrowed, tsc refuses them where they are written.
 */
export interface WorkloadConfigOptions
  extends Pick<RunWorkloadOptions, 'seed' | Exclude<(typeof SCENARIO_OPTION_KEYS)[number], 'strategy'>> {
  /** Only `random` (the default): PCT needs the measuring run runWorkload makes. */
  strategy?: 'random';
}

/**
 * The RunConfig `runWorkload` runs (throws a ConfigError naming the field for a bad override).
 * Only the options a RunConfig holds: an engine option (`host`, `onProgress`, ...) is the run's
 * (runSimulation's or recordRun's), and `strategy: 'pct'` needs the measuring run runWorkload makes
 * first; each was dropped without a word, so `recordRun(workloadConfig(w, { strategy: 'pct' }))`
 * ran the random strategy (QA). The type says so too; the checks stay for JavaScript callers.
 */
export function workloadConfig(workload: Workload, options: WorkloadConfigOptions = {}): RunConfig {
  if (typeof options === 'object' && options !== null) {
    const engine = Object.keys(options).find((k) => ENGINE_OPTION_KEYS.includes(k));
    if (engine !== undefined) {
      throw new ConfigError(
        engine,
        `Expected only the options a RunConfig holds (seed, ${SCENARIO_OPTION_KEYS.join(', ')}), got the engine option \`${engine}\`: give it to runSimulation or recordRun with the config`,
      );
    }
  }
  const { config } = preparedRun(workload, options);
  // Read as untyped: the type rules `pct` out, a JavaScript caller's value does not.
  const strategy: unknown = options.strategy;
  if (strategy === 'pct') {
    throw new ConfigError(
      'strategy',
      "Expected `random` or no strategy, got `pct`: PCT runs over the steps of a measuring run, which runWorkload makes (or pass a measured `{ kind: 'pct', ... }` strategy in the RunConfig)",
    );
  }
  checkRunConfig(config);
  return config;
}

/**
 * The workload checked as a workload file's is (`validateWorkload`, its errors under `workload`):
 * a plain object that was never validated (JavaScript, JSON) met a TypeError deep in the run, or
 * a refusal naming a field the caller never gave. A validated one validates to itself, cheaply.
 */
function checkedWorkload(workload: Workload): Workload {
  if (typeof workload !== 'object' || workload === null || Array.isArray(workload)) {
    throw new ConfigError(
      'workload',
      `Expected a workload (what defineWorkload returns, or one of \`workloads\`), got ${typeof workload === 'string' ? `the string ${JSON.stringify(workload)}` : String(workload)}`,
    );
  }
  return validateWorkload(workload, 'workload');
}

/**
 * The options whose type nothing else checks: `set: null` met a TypeError, `set: 'policy=x'` was
 * refused as paths `0`, `1`, ..., `topologyFile: 5` went into the reproduce line, and a variant
 * that is no string was said as `[object Object]` (QA).
 */
function checkOptionTypes(options: RunWorkloadOptions): void {
  const set: unknown = options.set;
  if (set !== undefined && (typeof set !== 'object' || set === null || Array.isArray(set))) {
    throw new ConfigError(
      'set',
      `Expected an object of parameter paths and values, such as { 'gpu.dmaBytes': 4096 }, got ${shown(set)}`,
    );
  }
  // A path set to undefined ran as if unset, while the reproduce line printed `--set P=undefined`,
  // which the command refuses (QA).
  const unset = set === undefined ? undefined : Object.entries(set).find(([, v]) => v === undefined);
  if (unset !== undefined)
    throw new ConfigError(
      `set.${unset[0]}`,
      'Expected a value for the parameter, got undefined (leave the path out to keep its value)',
    );
  for (const key of ['variant', 'topologyFile'] as const) {
    const v: unknown = options[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new ConfigError(key, `Expected a non-empty string, got ${shown(v)}`);
    }
  }
}

/**
 * A parameter given both by `set` and by its own option: refused as `npusim run` refuses it
 * (cli/scenario-config.ts withSets), since the run would take one value and its reproduce line,
 * which prints every `set`, the other.
 */
function checkSetTwins(options: RunWorkloadOptions): void {
  for (const param of ['durationTicks', 'topology'] as const) {
    if (options[param] !== undefined && options.set !== undefined && Object.hasOwn(options.set, param)) {
      throw new ConfigError(
        `set.${param}`,
        `Expected ${param} either by set or by the ${param} option, got both`,
      );
    }
  }
}

/** `durationTicks` as `--duration` checks it: a negative one is said to be negative. */
function checkDuration(d: unknown): void {
  if (typeof d === 'number' && d < 0) {
    throw new ConfigError(
      'durationTicks',
      `Expected a whole number of ticks from 1 to ${MAX_DURATION_TICKS}, got ${d}: negative durations are not allowed`,
    );
  }
}

/**
 * The run's config and its workload, validated, and the variant its options make it (`sameAs`);
 * every option checked before anything runs. sweepWorkload asks it too, to judge its seeds alike.
 */
export function preparedRun(
  given: Workload,
  options: RunWorkloadOptions,
): { workload: Workload; config: RunConfig; sameAs: { variant: Variant; by: string } | undefined } {
  const workload = checkedWorkload(given);
  checkOptionKeys(options);
  checkOptionTypes(options);
  checkSetTwins(options);
  if (options.durationTicks !== undefined) checkDuration(options.durationTicks);
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
    const v = variantNamed(workload, options.variant, 'variant');
    params = applySets(params, v.set, (p) => `variants.${v.name}.set.${p}`, true);
    // Before the overrides are applied: a conflict is named as such, not by what follows from it.
    checkVariantKept(workload, options, custom?.spec.name);
  }
  const set = { ...options.set };
  // A field inside a set's value by one path (`set.resets.intervalTicks`), as `--set` names it.
  if (Object.keys(set).length > 0) params = applySets(params, set, (p) => `set.${p}`, true);
  // Named as the caller gave it (`durationTicks`, not `set.durationTicks`).
  if (options.durationTicks !== undefined)
    params = applySets(params, { durationTicks: options.durationTicks }, () => 'durationTicks');
  // As the command line: the file's machine, under its name (scenario-config.ts).
  if (custom !== undefined) params = parseParams({ ...params, topology: custom.spec.name }, '');
  // A workload loadWorkloadFile read: the reproduce line names its file, as `npusim run FILE`'s does.
  const file = loadedFrom(given);
  const profile =
    options.profile ??
    (options.variant === undefined
      ? undefined
      : workload.variants.find((v) => v.name === options.variant)?.profile);
  // An unknown profile is refused with the run (resolveProfile), naming the choices.
  if (profile !== undefined && isProfileName(profile) && Array.isArray(options.bugs))
    checkCarriedBugs(options, profile);
  const config: RunConfig = {
    workload: workload.name,
    ...(file === undefined ? {} : { workloadFile: file }),
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    ...(options.set === undefined || Object.keys(options.set).length === 0
      ? {}
      : { set: Object.entries(options.set).map(([path, value]) => ({ path, value })) }),
    // `=== undefined`, not `??`: a null seed is refused as the wrong type it is (QA: it ran seed 1).
    seed: options.seed === undefined ? 1 : options.seed,
    // The variant's own switches after the caller's (model/scenario/variant-bugs.ts).
    // A `bugs` that is no list is left as given, for checkRunInput to refuse as such.
    bugs:
      !Array.isArray(options.bugs) && options.bugs !== undefined
        ? options.bugs
        : variantRunBugs(
            options.bugs ?? [],
            options.variant === undefined
              ? undefined
              : workload.variants.find((v) => v.name === options.variant),
            profile !== undefined && isProfileName(profile) ? profile : undefined,
          ),
    params,
    // A variant's profile (workload.ts), unless the options give one (another was refused).
    ...(profile === undefined ? {} : { profile }),
    ...(options.stopOnFirst === true ? { stopOnFirst: true } : {}),
    ...(custom === undefined ? {} : { customTopology: custom }),
  };
  // Options that make the own run one of the variants make it that variant, as `npusim run`'s do
  // (the same function decides: model/scenario/matched-variant.ts).
  const match =
    options.variant === undefined
      ? matchedVariant(
          workload,
          overridesOf(options, custom?.spec.name),
          options.profile === undefined ? undefined : { name: options.profile, by: 'profile' },
          { names: Array.isArray(options.bugs) ? options.bugs : [], by: 'bugs' },
        )
      : undefined;
  const sameAs = match === undefined ? undefined : { variant: match.variant, by: overridesText(match.by) };
  return { workload, config, sameAs };
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
  // Every option that overrides the variant, each on its own line, not only the first.
  const profile = profileOverride(
    v,
    options.profile === undefined ? undefined : { name: options.profile, by: 'profile' },
  );
  const over = [
    ...(profile === undefined ? [] : [profile]),
    ...variantOverrides(workload.params, v, overridesOf(options, topologyName)),
  ];
  if (over.length > 0) {
    const issues = over.map((o) => ({
      field: o.by,
      message:
        o.path === 'profile'
          ? `Expected no other profile with variant ${v.name}, which runs profile ${v.profile} (the run would not be the variant it names, nor be judged by what it expects), got ${gotText(String(options.profile))}`
          : `Expected no override of \`${o.path}\` with variant ${v.name}, which sets it to another value (the run would not be the variant it names, nor be judged by what it expects), got one`,
    }));
    throw new ConfigError(
      issues[0]!.field,
      issuesMessage(issues, (field) => field),
    );
  }
}

/**
 * A bug switch the run's profile (`profile`, or the `variant`'s) already carries is refused, as
 * `npusim run` refuses it (model/scenario/carried-bugs.ts): the run had a digest of its own, and
 * a reproduce line the command line refuses.
 */
function checkCarriedBugs(options: RunWorkloadOptions, profile: ProfileName): void {
  const profileText =
    options.profile !== undefined ? `profile ${profile}` : `profile ${profile} of variant ${options.variant}`;
  const issues = carriedBugs(options.bugs ?? [], profile).map((bug) => ({
    field: 'bugs',
    message: carriedBugMessage(bug, profileText),
  }));
  if (issues.length > 0)
    throw new ConfigError(
      'bugs',
      issuesMessage(issues, (field) => field),
    );
}

/**
 * The parameters the options give, in the order the run applies them (`set`, then `durationTicks`,
 * then `topology`: its spec's name), each named as the caller gave it.
 */
function overridesOf(options: RunWorkloadOptions, topologyName: string | undefined): ParamOverride[] {
  const overrides: ParamOverride[] = Object.entries(options.set ?? {}).map(([path, value]) => ({
    path,
    value,
    by: `set.${path}`,
  }));
  if (options.durationTicks !== undefined)
    overrides.push({ path: 'durationTicks', value: options.durationTicks, by: 'durationTicks' });
  if (topologyName !== undefined) overrides.push({ path: 'topology', value: topologyName, by: 'topology' });
  return overrides;
}

/** The spec checked as a topology file's is (validateTopologySpec, then the cross-field checks). */
function customTopology(spec: TopologySpec, file: string | undefined): { file: string; spec: TopologySpec } {
  const checked = validateTopologySpec(spec, (field) => subField('topology', field));
  checkTopologyFileSpec(checked, (field) => subField('topology', field));
  return { file: file ?? `${checked.name}.json`, spec: checked };
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
export async function runWorkload(given: Workload, options: RunWorkloadOptions = {}): Promise<RunResult> {
  const prepared = preparedRun(given, options);
  const { workload, sameAs } = prepared;
  let { config } = prepared;
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
    ...rest
  } = options;
  const engine = { ...rest, host: options.host === undefined ? 'inline' : options.host };
  // Before PCT's measuring run: nothing runs on input the run would refuse.
  checkRunConfig(config);
  checkEngineOptions(engine, 'runWorkload');
  if (options.strategy === 'pct') {
    config = { ...config, strategy: (await preparePct(config, options.pctDepth ?? 3)).strategy };
  }
  // The answer `npusim run` gives: question, headline, and a variant's verdict on what it expects.
  const result = withAnswer(await runSimulation(config, engine), config, workload);
  return sameAs === undefined
    ? result
    : asMatchedVariant(result, sameAs.variant, sameAs.by, workload.exposes);
}
