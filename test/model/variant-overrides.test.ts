/**
 * Which of a variant's parameters later overrides change (model/scenario/variant-overrides.ts). An
 * object a variant sets merges into its group (param-path.ts), so only its leaves are the
 * variant's: an override of the group's other fields leaves the variant whole (QA: `--set
 * gpu={"dmaBytes":1024}` was refused beside a variant's `gpu: {engines: 1}`, while `--set
 * gpu.dmaBytes=1024`, the same parameters, ran).
 */
import { describe, expect, test } from 'vitest';
import { variantOverrides } from '../../src/model/scenario/variant-overrides.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';

const params = parseParams({ tenants: [{ name: 'h', lpid: 0, groups: 'all' }], gpu: { engines: 3 } }, '');
const variant = { name: 'v1', set: { gpu: { engines: 1 } }, expect: 'clean' as const };
const by = (path: string, value: unknown) => [{ path, value, by: `--set ${path}` }];

describe("overrides of a variant's object value", () => {
  test('a field of the group the variant does not set leaves it whole, by a path or by an object', () => {
    expect(variantOverrides(params, variant, by('gpu.dmaBytes', 1024))).toEqual([]);
    expect(variantOverrides(params, variant, by('gpu', { dmaBytes: 1024 }))).toEqual([]);
  });

  test('the field it sets, given another value by either form, is an override of it, named by the field (QA: by its group, `gpu`, as if the variant set all of it)', () => {
    expect(variantOverrides(params, variant, by('gpu.engines', 2))).toEqual([
      { path: 'gpu.engines', by: '--set gpu.engines' },
    ]);
    expect(variantOverrides(params, variant, by('gpu', { engines: 2 }))).toEqual([
      { path: 'gpu.engines', by: '--set gpu' },
    ]);
    // The same value again changes nothing.
    expect(variantOverrides(params, variant, by('gpu', { engines: 1, dmaBytes: 512 }))).toEqual([]);
  });

  test('a list the variant sets is its value whole; a field below it refines it, as before', () => {
    const lists = {
      name: 'v2',
      set: { tenants: [{ name: 'g', lpid: 1, groups: 'all' }] },
      expect: 'clean' as const,
    };
    expect(variantOverrides(params, lists, by('tenants[0].pagesPerProcess', 8))).toEqual([]);
    expect(variantOverrides(params, lists, by('tenants', [{ name: 'x', lpid: 2, groups: 'all' }]))).toEqual([
      { path: 'tenants', by: '--set tenants' },
    ]);
  });
});
