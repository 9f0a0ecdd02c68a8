/**
 * Which parameter of a workload changed since a failure was recorded, for replay's refusal: the
 * definition digest only says that one did (QA: `got a changed file (its parameters differ)` sent
 * the user to diff the file by hand, while the failure file holds every parameter the run used).
 *
 * The recorded parameters are the run's: the workload's own, then its variant's `set`, the
 * `--set`s, and the options that are parameters (`--duration`, `--topology`, `--policy`, not
 * recorded apart). A leaf any of those may have given is left out; the first other leaf whose
 * value differs, in the parameters' own order, is the change.
 */

import { isRecord } from '../model/platform/spec-fields.js';
import { fieldWithin, pathText } from '../model/scenario/schema-issues.js';
import type { WorkloadParams } from '../model/scenario/workload-params.js';

/** Parameters an option of `run` may have given: never judged here. */
const OPTION_PARAMS = ['durationTicks', 'topology', 'policy'];

export interface ChangedParam {
  /** The leaf's path (`host.unmapIntervalTicks`, `tenants[0].lpid`). */
  path: string;
  /** Its value in the workload now, and in the run (undefined: absent there). */
  now: unknown;
  was: unknown;
}

/** A list's or object's entries by key (a list's by index); none for any other value. */
function entries(v: unknown): [PropertyKey, unknown][] {
  return Array.isArray(v) ? v.map((x, i) => [i, x]) : isRecord(v) ? Object.entries(v) : [];
}

/**
 * Every leaf of `now` and `recorded` that differs, by its path, walked side by side: lists or
 * objects on both sides, each non-empty, entry by entry (a list's by index); anything else (a
 * scalar, an empty list or object, or a value that is a scalar on one side and a list or object on
 * the other) is one leaf at its path, with both values. QA: `groups` "all" now against `[0]` in the
 * run was read as two leaves, `tenants[0].groups` ("all" now, nothing in the run) and
 * `tenants[0].groups[0]`, and the refusal said the run used nothing.
 */
function leaves(now: unknown, recorded: unknown, at: PropertyKey[], out: ChangedParam[]): void {
  if (JSON.stringify(now) === JSON.stringify(recorded)) return;
  const a = entries(now);
  const b = entries(recorded);
  if (a.length > 0 && b.length > 0 && Array.isArray(now) === Array.isArray(recorded)) {
    const x = new Map(a);
    const y = new Map(b);
    for (const k of new Set([...x.keys(), ...y.keys()])) leaves(x.get(k), y.get(k), [...at, k], out);
    return;
  }
  out.push({ path: pathText(at), now, was: recorded });
}

/** Every leaf `now` gives otherwise than `recorded`, in the parameters' own order. */
function differing(now: WorkloadParams, recorded: WorkloadParams): ChangedParam[] {
  const out: ChangedParam[] = [];
  leaves(now, recorded, [], out);
  return out;
}

/** Is `path` within one of `paths` (or one of them within it)? */
function within(path: string, paths: readonly string[]): boolean {
  return paths.some((s) => fieldWithin(path, s) || fieldWithin(s, path));
}

/**
 * The first parameter `now` (the workload's own, as it is now) gives otherwise than `recorded` (the
 * run's), leaving out every leaf within one of `setPaths` (the variant's and `--set` paths, as
 * `pathText` writes them) or given by an option; undefined when none is found.
 */
export function changedParam(
  now: WorkloadParams,
  recorded: WorkloadParams,
  setPaths: readonly string[],
): ChangedParam | undefined {
  return differing(now, recorded).find((c) => !within(c.path, [...OPTION_PARAMS, ...setPaths]));
}

/**
 * The parameters an option of their own sets (`durationTicks`, `--duration`) that differ all the
 * same, those a set gave left out: a failure file does not record whether the option was given,
 * so where no other parameter differs a changed digest is a change there, the option, or a digest
 * edited by hand, and the refusal names the values (QA: it said the parameters differed where
 * only the digest had been edited).
 */
export function optionParamsDiffering(
  now: WorkloadParams,
  recorded: WorkloadParams,
  setPaths: readonly string[],
): ChangedParam[] {
  return differing(now, recorded).filter((c) => within(c.path, OPTION_PARAMS) && !within(c.path, setPaths));
}
