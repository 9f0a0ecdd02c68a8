/**
 * A workload's headline as its load checks it (model/scenario/workload.ts): each label once, as
 * the table of variants and `npusim compare` key figures by label, and a `param` index a run the
 * workload declares (its own or a variant's) has.
 */
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { validateWorkload } from '../../../src/model/scenario/workload.js';
import { thrownBy } from '../../support/thrown.js';

const tenant = { name: 'vm1', lpid: 1, groups: 'all' };
const params = { topology: 'witherspoon-4', tenants: [tenant] };
const base = { name: 'w', description: 'd', params };

const refusal = (def: Record<string, unknown>) =>
  thrownBy(ConfigError, () => validateWorkload({ ...base, ...def }, 'w.json'));

describe('headline labels', () => {
  test('two items with one label are refused at the later one, naming the first (one figure was dropped)', () => {
    const e = refusal({
      headline: [
        { label: 'DMA', counter: 'dma.completed' },
        { label: 'policy', param: 'policy' },
        { label: 'DMA', latency: 'dma.latencyTicks' },
      ],
    });
    expect(e.field).toBe('w.json: headline[2].label');
    expect(e.message).toBe(
      'w.json: headline[2].label: Expected a label no other headline item has, got `DMA`: headline[0] has it too',
    );
  });

  test('labels that differ, in case included, load', () => {
    const headline = [
      { label: 'DMA', counter: 'dma.completed' },
      { label: 'dma', counter: 'dma.completed' },
    ];
    expect(validateWorkload({ ...base, headline }, 'w.json').headline).toHaveLength(2);
  });
});

describe('headline param indices', () => {
  test("an index past the end of the workload's list is refused, with the list's range", () => {
    const e = refusal({ headline: [{ label: 'a', param: 'tenants.3.name' }] });
    expect(e.message).toBe(
      "w.json: headline[0].param: Expected an index of `tenants` from 0 to 0, got `3` in `tenants.3.name`: the list has 1 entry in the workload's own run (a variant whose `set` gives a longer list makes the index one)",
    );
  });

  test("an index only a variant's set gives the list loads; past every run's, it is refused", () => {
    const two = [tenant, { name: 'vm2', lpid: 2, groups: 'rest' }];
    const variants = [{ name: 'two', set: { tenants: two } }];
    const ok = validateWorkload(
      { ...base, headline: [{ label: 'b', param: 'tenants.1.name' }], variants },
      'w.json',
    );
    expect(ok.headline).toHaveLength(1);
    expect(refusal({ headline: [{ label: 'c', param: 'tenants.2.name' }], variants }).message).toBe(
      "w.json: headline[0].param: Expected an index of `tenants` from 0 to 1, got `2` in `tenants.2.name`: the list has at most 2 entries in the workload's own run and in each variant's (a variant whose `set` gives a longer list makes the index one)",
    );
  });

  test('a list inside a list, and an empty list, are judged in the run that reaches them', () => {
    expect(refusal({ headline: [{ label: 'p', param: 'tenants.0.pageSizes.1' }] }).message).toMatch(
      /headline\[0\]\.param: Expected an index of `tenants\.0\.pageSizes` from 0 to 0, got `1`/,
    );
    expect(refusal({ headline: [{ label: 'u', param: 'gpu.untrained.0' }] }).message).toMatch(
      /headline\[0\]\.param: Expected an index of `gpu\.untrained`, got `0` in `gpu\.untrained\.0`: the list is empty in the workload's own run/,
    );
  });
});
