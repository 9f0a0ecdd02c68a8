/**
 * The variant a name picks: `npusim run --variant`, the library's `variant` option and a failure
 * file's `options.variant` all find it here, so the three refuse a name the workload does not
 * declare in the same words, listing the workload's variants and offering the nearest one where
 * the name is a slip of it (`per-gpuu`: did you mean `per-gpu`?), as the command line does for
 * every other name it takes.
 */
import { didYouMean } from '../../core/edit-distance.js';
import { ConfigError } from '../../core/errors.js';
import { gotText } from '../../core/shown-text.js';
import type { Variant, Workload } from './workload.js';

/** The variant of `workload` named `name`; a ConfigError at `field` when it declares none so named. */
export function variantNamed(workload: Workload, name: string, field: string): Variant {
  const found = workload.variants.find((v) => v.name === name);
  if (found !== undefined) return found;
  const names = workload.variants.map((v) => v.name);
  throw new ConfigError(
    field,
    names.length === 0
      ? `Expected no variant: workload \`${workload.name}\` has none, got ${gotText(name)}`
      : `Expected a variant of \`${workload.name}\` (${names.join(', ')}), got ${gotText(name)}${didYouMean(name, names)}`,
  );
}
