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

/** Every leaf of `v` by its path (a list's items by index; an empty object or list is a leaf). */
function leaves(v: unknown, at: PropertyKey[], out: Map<string, unknown>): void {
  const children: [PropertyKey, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : isRecord(v)
      ? Object.entries(v)
      : [];
  if (children.length === 0) {
    out.set(pathText(at), v);
    return;
  }
  for (const [k, x] of children) leaves(x, [...at, k], out);
}

/** Every leaf `now` gives otherwise than `recorded`, in the parameters' own order. */
function differing(now: WorkloadParams, recorded: WorkloadParams): ChangedParam[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  leaves(now, [], a);
  leaves(recorded, [], b);
  return [...new Set([...a.keys(), ...b.keys()])].flatMap((path) => {
    const x = a.get(path);
    const y = b.get(path);
    return JSON.stringify(x) === JSON.stringify(y) ? [] : [{ path, now: x, was: y }];
  });
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
