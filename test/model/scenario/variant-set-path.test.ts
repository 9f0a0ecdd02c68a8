/**
 * A mistake in a variant's `set` is named by one path, the set's own where the mistake lies above
 * it (QA: `variants[1].set.foo.bar: foo: Expected ...` named `foo` twice, the second time as if a
 * field below `foo.bar`); a `--set`, typed on the command line, is still named as typed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { validateWorkload } from '../../../src/model/scenario/workload.js';
import { applySets, parseParams } from '../../../src/model/scenario/workload-params.js';
import { thrownBy } from '../../support/thrown.js';

const params = { tenants: [{ name: 'vm1', lpid: 1, groups: 'all' }] };
const refusal = (set: Record<string, unknown>) =>
  thrownBy(ConfigError, () =>
    validateWorkload(
      { name: 'w', description: 'd', params, variants: [{ name: 'ok' }, { name: 'v', set }] },
      'w.json',
    ),
  );

describe("a variant's set names its path once", () => {
  it('an unknown key the path goes through', () => {
    const e = refusal({ 'foo.bar': 1 });
    expect(e.field).toBe('w.json: variants[1].set.foo.bar');
    expect(e.message).toMatch(
      /^w\.json: variants\[1\]\.set\.foo\.bar: Expected a workload parameter \(one of: topology, .*\), got unknown key `foo`$/,
    );
    expect(refusal({ 'tenants[0].nope.x': 1 }).message).toMatch(
      /^w\.json: variants\[1\]\.set\.tenants\[0\]\.nope\.x: Expected a tenant field \(one of: name, .*\), got unknown key `nope`$/,
    );
  });

  it('a check of the group the path is in (the GPU percentages of `gpu`)', () => {
    expect(refusal({ 'gpu.ut0Percent': 100 }).message).toBe(
      'w.json: variants[1].set.gpu.ut0Percent: Expected ut0Percent + ut1Percent + peerPercent to be 100, got 140',
    );
  });

  it('a field below the path, as before; a --set as typed', () => {
    expect(refusal({ gpu: { dmaBites: 1 } }).message).toMatch(
      /^w\.json: variants\[1\]\.set\.gpu\.dmaBites: Expected a gpu parameter .*got unknown key `dmaBites` \(did you mean `dmaBytes`\?\)$/,
    );
    const p = parseParams(params, 'w.json: params');
    expect(
      thrownBy(ConfigError, () => applySets(p, { 'foo.bar': 1 }, (path) => `--set ${path}`)).message,
    ).toMatch(/^--set foo\.bar: foo: Expected a workload parameter .*got unknown key `foo`$/);
  });
});
