/**
 * What a shrunk failure file says of the options its run was made with. A shrink changes the
 * parameters (scenario-passes.ts), and the file holds them whole: they are the run. A variant
 * or a `--set` whose values the shrunk parameters no longer have would be false:
 * - replay refuses a file whose variant's `set` does not give its parameters
 *   (failure-file-read.ts checkVariantUnchanged). QA: `multi-tenant --variant per-socket` shrunk
 *   to one tenant was refused as "a changed variant" of the workload, and the "replay it with"
 *   line shrink printed failed;
 * - a stale `--set` (`tenants[0].pagesPerProcess=2` beside parameters of 1) was shown by
 *   `replay --json` as the run's.
 * So each is kept while the shrunk parameters still hold it (applying it changes nothing), and
 * left out when they do not.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { setsHold } from '../model/scenario/workload-params.js';

export function shrunkOptions(config: RunConfig, workload: Workload): RunConfig {
  const { variant, set, ...rest } = config;
  const sets = variant === undefined ? undefined : workload.variants.find((v) => v.name === variant)?.set;
  const kept = set?.filter((s) => setsHold(config.params, { [s.path]: s.value }));
  return {
    ...rest,
    ...(variant !== undefined && sets !== undefined && setsHold(config.params, sets) ? { variant } : {}),
    ...(kept !== undefined && kept.length > 0 ? { set: kept } : {}),
  };
}
