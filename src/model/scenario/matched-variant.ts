/**
 * The variant a run's overrides make it. A workload's own run given options (`--policy per-gpu`
 * on the command line, `set: { policy: 'per-gpu' }` in the library) whose parameters are exactly
 * one variant's run with the same options is that variant: it is presented and judged as it (QA:
 * the same run twice side by side, the own one judged `NOT as expected` by the workload's
 * declaration), and the command line does not run the variant again. `npusim run` and the
 * library's runWorkload both ask this one function, so that the two match alike.
 *
 * A variant matches when (1) no override gives a parameter it sets another value
 * (variant-overrides.ts: that run is not the variant), (2) its `set` changes something of the
 * workload's parameters (a control that sets nothing is the own run with no option at all), and
 * (3) the workload's parameters with the overrides equal the variant's with the same overrides.
 * A variant that names a profile (workload.ts) matches only a run on that profile, and then
 * needs no parameter of its own: `--profile as-shipped` alone is firmware-update's `as-shipped`
 * variant. The match is the variant the most overrides reach, then the first in the workload's
 * order; one whose profile the run names comes before one that names none, so `--profile
 * as-shipped --set P=V` is the variant declared for the shipped machine with P, not its fixed
 * twin nor the shipped variant that sets nothing.
 *
 * A variant that switches bugs on (`bugs`) matches only a run that has each of them (the run's
 * other switches run in the variant too, as its other parameters do), and then needs no parameter
 * of its own either: `--bug single-flush` alone is flush-race's `single-flush` variant. A run
 * without one of them is not that variant, whatever its parameters (QA: the two-flush run was
 * judged as the one-flush variant). A variant that switches none matches whatever the run's
 * switches, as before variants had any (its run side by side gets the command's `--bug`s too).
 */
import { ConfigError } from '../../core/errors.js';
import { parseParamPath } from './param-path.js';
import { DEFAULT_PROFILE, type ProfileName } from './profiles.js';
import { sameJson } from './same-json.js';
import { variantRunBugs } from './variant-bugs.js';
import { type ParamOverride, variantOverrides } from './variant-overrides.js';
import type { Variant, Workload } from './workload.js';
import { applySets, type WorkloadParams } from './workload-params.js';

/** The variant matched, and the overrides that reach a parameter it sets (what made the run it). */
export interface MatchedVariant {
  variant: Variant;
  by: ParamOverride[];
}

/**
 * The variant `overrides`, applied in order after the workload's parameters, make the run on
 * `profile` (the run's profile and what gave it, `--profile` or `profile`; absent: the default);
 * or undefined. The `by` of a match by its profile names that profile first (`--profile
 * as-shipped`), so the line that says what made the run the variant names it.
 */
export function matchedVariant(
  workload: Workload,
  overrides: readonly ParamOverride[],
  profile?: { name: ProfileName; by: string },
  bugs?: { names: readonly string[]; by: string },
): MatchedVariant | undefined {
  const sets = Object.fromEntries(overrides.map((o) => [o.path, o.value]));
  const own = paramsOrUndefined(() => applySets(workload.params, sets, (path) => path));
  // Overrides that do not apply are the caller's own parse to refuse: no match here.
  if (own === undefined) return undefined;
  const runProfile = profile?.name ?? DEFAULT_PROFILE;
  const withProfile = workload.variants.filter((v) => v.profile !== undefined && v.profile === runProfile);
  const without = workload.variants.filter((v) => v.profile === undefined);
  // The match the most options reach wins (the first of those): a profile variant that sets
  // nothing matches any run on its profile (as multi-tenant's per-gpu matches `--policy per-gpu`
  // with a `--set` of a tenant's pages too), but `--profile as-shipped --set P=V` is the variant
  // that sets P on that profile, where there is one.
  let best: MatchedVariant | undefined;
  for (const v of [...withProfile, ...without]) {
    if (variantOverrides(workload.params, v, overrides).length > 0) continue;
    // The variant's switches the run's profile does not already carry (variant-bugs.ts), each
    // one the run must have.
    const ownBugs = variantRunBugs([], v, runProfile);
    if (!ownBugs.every((b) => bugs?.names.includes(b) === true)) continue;
    const asVariant = paramsOrUndefined(() => applySets(workload.params, v.set, (path) => path));
    if (asVariant === undefined) continue;
    // A variant on the default profile that sets nothing is the own run with no option at all.
    const byProfile = v.profile !== undefined && v.profile !== DEFAULT_PROFILE;
    if (!byProfile && ownBugs.length === 0 && sameJson(asVariant, workload.params)) continue;
    const asVariantRun = paramsOrUndefined(() => applySets(asVariant, sets, (path) => path));
    if (asVariantRun !== undefined && sameJson(asVariantRun, own)) {
      const by = [
        ...ownBugs.map((b) => ({ path: 'bugs', value: b, by: bugs?.by ?? '--bug' })),
        ...reaching(v, overrides),
      ];
      const match = {
        variant: v,
        by: byProfile ? [{ path: 'profile', value: v.profile, by: profile?.by ?? '--profile' }, ...by] : by,
      };
      if (best === undefined || match.by.length > best.by.length) best = match;
    }
  }
  return best;
}

/**
 * The overrides as typed, for the line that says what made the run the variant: `--policy
 * per-gpu`, `--set host.guestAtsd=first-link`, `set.policy=per-gpu`, `--bug single-flush`;
 * `the options` when none reaches a parameter the variant sets (a match by the overrides as a
 * whole). The library's `bugs` is one option, a list: its switches are said as one, as a list
 * (`bugs=["single-flush"]`), where the command line repeats `--bug` (QA: `bugs=single-flush`
 * read as an option the library does not take).
 */
export function overridesText(overrides: readonly ParamOverride[]): string {
  if (overrides.length === 0) return 'the options';
  const listed = (o: ParamOverride) => o.path === 'bugs' && !o.by.startsWith('--');
  const switches = overrides.filter(listed).map((o) => o.value);
  return overrides
    .flatMap((o, i) => {
      // The list at its first switch's place; the others are in it.
      if (listed(o)) return overrides.findIndex(listed) === i ? [`${o.by}=${JSON.stringify(switches)}`] : [];
      const text = typeof o.value === 'string' ? o.value : JSON.stringify(o.value);
      // An option of its own takes its value after a space; a path (`--set P`, `set.P`) after `=`.
      return [o.by.startsWith('--') && !o.by.startsWith('--set ') ? `${o.by} ${text}` : `${o.by}=${text}`];
    })
    .join(' ');
}

/** The parameters `f` builds, or undefined where a set does not apply (a ConfigError). */
function paramsOrUndefined(f: () => WorkloadParams): WorkloadParams | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

/** The overrides that reach a parameter the variant sets: its path, one above it, or one below it. */
function reaching(v: Variant, overrides: readonly ParamOverride[]): ParamOverride[] {
  const setKeys = Object.keys(v.set).map((path) => parseParamPath(path, `variants.${v.name}.set.${path}`));
  return overrides.filter((o) => {
    const keys = parseParamPath(o.path, o.by);
    return setKeys.some(
      (k) =>
        k.slice(0, keys.length).every((x, i) => x === keys[i]) ||
        keys.slice(0, k.length).every((x, i) => x === k[i]),
    );
  });
}
