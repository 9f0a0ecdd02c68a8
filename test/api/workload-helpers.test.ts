/**
 * The helpers the package exports for writing a workload (`parseParams`, `applySets`) check what a
 * library caller hands them: before, `applySets(params, null)` threw `Cannot convert undefined or
 * null to object`, `parseParams(input)` from JavaScript, `where` left out, named its fields
 * `undefined.tenants`, and `validateWorkload({}, {})` named its `[object Object]: name`.
 */
import { applySets, ConfigError, findWorkload, parseParams, validateWorkload } from 'npusim';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../support/thrown.js';

/** The field of the ConfigError `f` throws (any other error, or none, fails the test). */
const refusedField = (f: () => unknown): string => thrownBy(ConfigError, f).field;

describe('workload helpers, as the package exports them', () => {
  it('parseParams names its fields under `params` unless told where, and refuses a `where` that is no name', async () => {
    expect(refusedField(() => parseParams(null))).toBe('params');
    expect(refusedField(() => parseParams({}))).toBe('params.tenants');
    expect(refusedField(() => parseParams({}, 'my.json: params'))).toBe('my.json: params.tenants');
    expect(refusedField(() => parseParams({}, 5 as never))).toBe('where');
    const stress = await findWorkload('stress');
    expect(parseParams(stress.params)).toEqual(stress.params);
  });

  it('validateWorkload names its fields under `workload` unless told where, and refuses a `where` that is no name', async () => {
    expect(refusedField(() => validateWorkload(null))).toBe('workload');
    expect(refusedField(() => validateWorkload({}))).toBe('workload: name');
    expect(refusedField(() => validateWorkload({}, 'my.json'))).toBe('my.json: name');
    const e = thrownBy(ConfigError, () => validateWorkload({}, {} as never));
    expect(e.field).toBe('where');
    expect(e.message).toBe(
      "where: Expected the name its errors give the workload (a string such as 'workload'), got an object",
    );
    expect(refusedField(() => validateWorkload({}, 5 as never))).toBe('where');
    const stress = await findWorkload('stress');
    expect(validateWorkload(stress).name).toBe('stress');
  });

  it('applySets takes parameters, an object of PATH: value and, if given, how to name a PATH', async () => {
    const { params } = await findWorkload('stress');
    expect(refusedField(() => applySets(null as never, {}))).toBe('params');
    expect(refusedField(() => applySets(params, null as never))).toBe('sets');
    expect(refusedField(() => applySets(params, ['gpu.dmaBytes'] as never))).toBe('sets');
    expect(refusedField(() => applySets(params, {}, 5 as never))).toBe('fieldOf');
    // Without `fieldOf` an error names the PATH as written.
    expect(refusedField(() => applySets(params, { 'gpu.nope': 1 }))).toBe('gpu.nope');
    expect(refusedField(() => applySets(params, { 'gpu.nope': 1 }, (p) => `--set ${p}`))).toBe(
      '--set gpu.nope',
    );
    const set = applySets(params, { 'gpu.dmaBytes': 8192 });
    expect(set.gpu.dmaBytes).toBe(8192);
    expect(params.gpu.dmaBytes).not.toBe(8192);
  });
});
