/**
 * A run's configuration from the command line: the workload by name, then every option that changes
 * what the run does (duration, topology, policy, bugs, profile, stop-on-first), each checked against
 * the real lists so the error can list the valid names. `run` and `sweep` build theirs here.
 */
import { ConfigError } from '../core/errors.js';
import { BUG_NAMES, isBugName } from '../model/scenario/bugs.js';
import { PROFILES, type ProfileName } from '../model/scenario/profiles.js';
import { parseParams, type RunConfig, type Workload } from '../model/scenario/workload.js';
import type { ScenarioArgs } from './args.js';
import { checkPolicy, loadTopologyOption } from './topology-option.js';

export function findWorkload(name: string, workloads: ReadonlyMap<string, Workload>): Workload {
  const workload = workloads.get(name);
  if (workload === undefined) {
    throw new ConfigError('workload', `Expected one of ${[...workloads.keys()].join(', ')}, got \`${name}\``);
  }
  return workload;
}

export function scenarioConfig(workload: Workload, args: ScenarioArgs, seed: number): RunConfig {
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
  const custom = args.topology === undefined ? undefined : loadTopologyOption(args.topology, '--topology');
  if (args.policy !== undefined) checkPolicy(args.policy, '--policy');
  const params = parseParams(
    {
      ...workload.params,
      ...(args.topology === undefined ? {} : { topology: custom?.spec.name ?? args.topology }),
      ...(args.policy === undefined ? {} : { policy: args.policy }),
      ...(args.durationTicks === undefined ? {} : { durationTicks: args.durationTicks }),
    },
    workload.name,
  );
  return {
    workload: workload.name,
    seed,
    bugs: [...new Set(args.bugs)].filter(isBugName),
    params,
    ...(args.profile === undefined ? {} : { profile: args.profile as ProfileName }),
    ...(args.stopOnFirst ? { stopOnFirst: true } : {}),
    ...(custom === undefined ? {} : { customTopology: custom }),
  };
}
