/**
 * A built-in workload by name, for a script: `await findWorkload('stress')`. A name that is none
 * is refused as the command line refuses it, the names listed and the nearest one suggested
 * (``workload: Expected one of stress, ..., got `strss` (did you mean `stress`?)``), rather than
 * the `undefined` a `Map.get` gives, which runWorkload then refuses without naming the slip (QA).
 */
import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import type { Workload } from '../model/scenario/workload.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { checkedWorkload } from './failure-file-input.js';

/** `workloads`: where to look (default the built-ins, `loadWorkloads()`). */
export async function findWorkload(
  name: string,
  workloads?: ReadonlyMap<string, Workload>,
): Promise<Workload> {
  // Anything but a Map met a TypeError from `.get` (QA).
  if (workloads !== undefined && !(workloads instanceof Map)) {
    throw new ConfigError(
      'workloads',
      `Expected a Map of workloads by name (what loadWorkloads() gives), got ${Array.isArray(workloads) ? 'a list' : typeof workloads === 'object' && workloads !== null ? 'an object' : String(workloads)}`,
    );
  }
  const byName = workloads ?? (await loadWorkloads());
  const workload = typeof name === 'string' ? byName.get(name) : undefined;
  // One of a map the caller gave is checked as replayFailureFile checks it (QA: `5` came back).
  if (workload !== undefined) return workloads === undefined ? workload : checkedWorkload(name, workload);
  const names = [...byName.keys()];
  const got = typeof name === 'string' ? `\`${name}\`${didYouMean(name, names)}` : String(name);
  // An empty map said `Expected one of , got ...` (QA Q9).
  const expected =
    names.length === 0 ? 'a workload of the map given, which holds none' : `one of ${names.join(', ')}`;
  throw new ConfigError('workload', `Expected ${expected}, got ${got}`);
}
