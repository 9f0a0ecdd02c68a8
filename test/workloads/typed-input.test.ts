/**
 * A typed .ts workload that builds its parts apart (a list of variants, a helper that makes a
 * tenant, the headline) and types them with the package's exported types, as README "writing a
 * workload" lists them. `tsc -p tsconfig.json` checks this file: the types a user annotates parts
 * of a workload with must take what `defineWorkload` takes, defaults left out (QA Q23: `Variant`,
 * `TenantSpec` and `HeadlineItem` are the validated forms, every default required, so a variant
 * without `expect` that runs was refused by tsc).
 */

import {
  defineWorkload,
  type HeadlineItemInput,
  type TenantInput,
  type VariantInput,
  type WorkloadInput,
} from 'npusim';
import { describe, expect, test } from 'vitest';

const guest = (name: string, lpid: number, socket: number): TenantInput => ({ name, lpid, groups: [socket] });

const headline: HeadlineItemInput[] = [
  { label: 'shootdowns', counter: 'shootdown.completed' },
  { label: 'shootdown p99', latency: 'shootdown.latencyTicks' },
];

const variants: VariantInput[] = [{ name: 'legacy-sizes', set: { 'host.sizeRule': 'legacy' } }];

const params: WorkloadInput = { tenants: [guest('vm1', 1, 0), guest('vm2', 2, 1)] };

describe('typed parts of a workload', () => {
  test('parts typed with the exported input types, defaults left out, make a workload with the defaults filled in', () => {
    const w = defineWorkload({ name: 'typed', description: 'typed parts', headline, variants, params });
    expect(w.variants[0]!.expect).toBe('clean');
    expect(w.params.tenants[1]!.processesPerGpu).toBe(2);
    expect(w.headline[1]).toEqual({ label: 'shootdown p99', latency: 'shootdown.latencyTicks', stat: 'p99' });
  });
});
