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
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  leaves(now, [], a);
  leaves(recorded, [], b);
  const skipped = (path: string) =>
    [...OPTION_PARAMS, ...setPaths].some((s) => fieldWithin(path, s) || fieldWithin(s, path));
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (skipped(path)) continue;
    const x = a.get(path);
    const y = b.get(path);
    if (JSON.stringify(x) !== JSON.stringify(y)) return { path, now: x, was: y };
  }
  return undefined;
}
