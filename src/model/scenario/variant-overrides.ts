/**
 * Which parameters a variant sets that later overrides give another value. A variant's `set` is
 * applied first, then the caller's overrides in order (`--set`, then `--policy`, `--topology` and
 * `--duration` on the command line; `set`, `durationTicks` and `topology` in the library), so an
 * override of a path the variant sets, or of a path above it, silently makes the run something
 * else than the variant it names, judged by what that variant expects. An override below the path
 * (`tenants[0].pagesPerProcess` under a variant's `tenants`) refines the variant's value, and one
 * that restates it changes nothing: neither counts. An object the variant sets merges into its
 * group (param-path.ts), so the variant's own parameters are that object's leaves, each judged so.
 * Both callers refuse what this finds (the
 * command line also skips such a variant when it runs a workload's variants after its own run).
 */
import { ConfigError } from '../../core/errors.js';
import { leavesOf, parseParamPath, valueAtPath } from './param-path.js';
import type { ProfileName } from './profiles.js';
import type { Variant } from './workload.js';
import { applySets, type WorkloadParams } from './workload-params.js';

/** One override applied after the variant: a parameter path, its value, and what gave it. */
export interface ParamOverride {
  path: string;
  value: unknown;
  /** How the caller names it in an error: `--set tenants`, `--policy`, `set.policy`. */
  by: string;
}

/**
 * The paths of `v.set` that `overrides` give another value, each with the last override that
 * reached it. Parameters that do not parse are left to the caller's own parse to refuse ([]).
 */
export function variantOverrides(
  params: WorkloadParams,
  v: Pick<Variant, 'name' | 'set'>,
  overrides: readonly ParamOverride[],
): { path: string; by: string }[] {
  let asVariant: WorkloadParams;
  let asRun: WorkloadParams;
  try {
    asVariant = applySets(params, v.set, (path) => path);
    // All at once, in order (a later override of one path wins), as the run applies them.
    asRun = applySets(asVariant, Object.fromEntries(overrides.map((o) => [o.path, o.value])), (path) => path);
  } catch (e) {
    if (e instanceof ConfigError) return [];
    throw e;
  }
  const reach = overrides.map((o) => ({ by: o.by, keys: parseParamPath(o.path, o.by) }));
  const out: { path: string; by: string }[] = [];
  for (const path of Object.keys(v.set)) {
    const base = parseParamPath(path, `variants.${v.name}.set.${path}`);
    // What the variant sets: an object value merges (param-path.ts), so only its leaves are the
    // variant's; `--set gpu={"dmaBytes":1024}` beside a variant's `gpu: {engines: 1}` leaves it whole
    // (QA: refused, while `--set gpu.dmaBytes=1024`, the same parameters, ran).
    for (const keys of leavesOf(base, v.set[path])) {
      const by = [...reach]
        .reverse()
        .find((o) => o.keys.length <= keys.length && o.keys.every((k, i) => k === keys[i]))?.by;
      if (by === undefined) continue;
      if (JSON.stringify(valueAtPath(asRun, keys)) === JSON.stringify(valueAtPath(asVariant, keys))) continue;
      // The leaf given another value, not the group the variant's object merges into (QA: `sets
      // \`host\`` where the variant sets host.migratePercent alone, and the run kept host's others).
      out.push({ path: keys.length === base.length ? path : pathText(keys), by });
      break;
    }
  }
  return out;
}

/**
 * The profile the caller gives (`--profile`, runWorkload's `profile`) where the variant names
 * another: that run would be the variant's parameters on another release pairing, judged by what
 * the variant expects of its own (as a parameter given another value is, above). A variant that
 * names no profile runs on the caller's; a caller that gives none runs the variant's.
 */
export function profileOverride(
  v: Variant,
  profile: { name: ProfileName | string; by: string } | undefined,
): { path: string; by: string } | undefined {
  if (profile === undefined || v.profile === undefined || profile.name === v.profile) return undefined;
  return { path: 'profile', by: profile.by };
}

/** Keys as a parameter path is written: `host.migratePercent`, `tenants[0].groups`. */
function pathText(keys: readonly (string | number)[]): string {
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
