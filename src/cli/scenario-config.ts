/**
 * A run's configuration from the command line: the workload by name or file, then every option that
 * changes what the run does (variant, --set, duration, topology, policy, bugs, profile,
 * stop-on-first), each checked against the real lists so the error can list the valid names. `run`
 * and `sweep` build theirs here.
 *
 * Parameters are layered, each layer validated by the workload schema: the workload's own, then
 * the variant's `set` (--variant), then each `--set` in order, then --topology, --policy and
 * --duration. A parameter may not be given both by `--set` and by its own option.
 */
import { ConfigError } from '../core/errors.js';
import { BUG_NAMES, isBugName } from '../model/scenario/bugs.js';
import { PROFILES, type ProfileName } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { applySets, parseParams } from '../model/scenario/workload-params.js';
import { isWorkloadPath, loadWorkloadFile } from '../runtime/workload-file.js';
import type { ScenarioArgs } from './cli-args.js';
import { checkPolicy, loadTopologyOption } from './topology-option.js';

/** A workload by name from the registry, or from the user's file when the argument is a path. */
export async function resolveWorkload(
  arg: string,
  workloads: ReadonlyMap<string, Workload>,
): Promise<{ workload: Workload; file: string | undefined }> {
  if (isWorkloadPath(arg)) return { workload: await loadWorkloadFile(arg), file: arg };
  return { workload: findWorkload(arg, workloads), file: undefined };
}

export function findWorkload(name: string, workloads: ReadonlyMap<string, Workload>): Workload {
  const workload = workloads.get(name);
  if (workload === undefined) {
    throw new ConfigError(
      'workload',
      `Expected one of ${[...workloads.keys()].join(', ')} or a workload file (.ts, .js, .json), got \`${name}\``,
    );
  }
  return workload;
}

/** The options that have a `--set` twin: a parameter given both ways is refused. */
const OPTION_OF_PARAM: Readonly<Record<string, keyof ScenarioArgs>> = {
  topology: 'topology',
  policy: 'policy',
  durationTicks: 'durationTicks',
};

export function scenarioConfig(
  workload: Workload,
  args: ScenarioArgs,
  seed: number,
  workloadFile?: string,
): RunConfig {
  checkBugsAndProfile(args);
  let params = workload.params;
  if (args.variant !== undefined) params = withVariant(workload, args.variant, params);
  if (args.set.length > 0) params = withSets(args, params);
  const custom = args.topology === undefined ? undefined : loadTopologyOption(args.topology, '--topology');
  if (args.policy !== undefined) checkPolicy(args.policy, '--policy');
  params = parseParams(
    {
      ...params,
      ...(args.topology === undefined ? {} : { topology: custom?.spec.name ?? args.topology }),
      ...(args.policy === undefined ? {} : { policy: args.policy }),
      ...(args.durationTicks === undefined ? {} : { durationTicks: args.durationTicks }),
    },
    workload.name,
  );
  return {
    workload: workload.name,
    ...(workloadFile === undefined ? {} : { workloadFile }),
    ...(args.variant === undefined ? {} : { variant: args.variant }),
    ...(args.set.length === 0 ? {} : { set: args.set.map((s) => ({ path: s.path, value: s.value })) }),
    seed,
    bugs: [...new Set(args.bugs)].filter(isBugName),
    params,
    ...(args.profile === undefined ? {} : { profile: args.profile as ProfileName }),
    ...(args.stopOnFirst ? { stopOnFirst: true } : {}),
    ...(custom === undefined ? {} : { customTopology: custom }),
  };
}

/** Every --bug and the --profile must be one of the real names. */
function checkBugsAndProfile(args: ScenarioArgs): void {
  for (const bug of args.bugs) {
    if (!isBugName(bug))
      throw new ConfigError('--bug', `Expected one of ${BUG_NAMES.join(', ')}, got \`${bug}\``);
  }
  if (args.profile !== undefined && !Object.hasOwn(PROFILES, args.profile)) {
    throw new ConfigError(
      '--profile',
      `Expected one of ${Object.keys(PROFILES).join(', ')}, got \`${args.profile}\``,
    );
  }
}

/** The parameters with the workload's variant `name` applied (--variant). */
function withVariant(workload: Workload, name: string, params: Workload['params']): Workload['params'] {
  const v = workload.variants.find((x) => x.name === name);
  if (v === undefined) {
    const names = workload.variants.map((x) => x.name);
    throw new ConfigError(
      '--variant',
      names.length === 0
        ? `Expected no --variant: workload \`${workload.name}\` has no variants, got \`${name}\``
        : `Expected a variant of \`${workload.name}\` (${names.join(', ')}), got \`${name}\``,
    );
  }
  return applySets(params, v.set, (path) => `${workload.name}: variants.${v.name}.set.${path}`);
}

/** The parameters with each --set applied; a parameter set twice, or also by its own option, is refused. */
function withSets(args: ScenarioArgs, params: Workload['params']): Workload['params'] {
  const sets: Record<string, unknown> = {};
  for (const s of args.set) {
    if (Object.hasOwn(sets, s.path))
      throw new ConfigError(`--set ${s.path}`, `Expected each parameter set once, got \`${s.path}\` twice`);
    const option = OPTION_OF_PARAM[s.path];
    if (option !== undefined && args[option] !== undefined) {
      throw new ConfigError(
        `--set ${s.path}`,
        `Expected \`${s.path}\` either by --set or by --${option === 'durationTicks' ? 'duration' : option}, got both`,
      );
    }
    sets[s.path] = s.value;
  }
  return applySets(params, sets, (path) => `--set ${path}`);
}
