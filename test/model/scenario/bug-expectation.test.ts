/**
 * What a run is expected to find under its `--bug` switches (model/scenario/bug-expectation.ts):
 * the rules its workload exposes for each acting switch, beside what it was declared to find.
 */
import { describe, expect, it } from 'vitest';
import { expectationUnderBugs } from '../../../src/model/scenario/bug-expectation.js';
import { applySets, parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';

const tceStorm = workloads.find((w) => w.name === 'tce-storm')!;
const own = parseParams(tceStorm.params, 'tce-storm');

describe('expectation under --bug switches', () => {
  it("multi-tenant's own run (per-gpu-isolated) exposes links-enabled-per-gpu; its per-gpu variant leaves it inert (QA)", () => {
    const mt = workloads.find((w) => w.name === 'multi-tenant')!;
    const params = parseParams(mt.params, 'multi-tenant');
    expect(expectationUnderBugs(mt.expect, mt.exposes, { bugs: ['links-enabled-per-gpu'], params })).toEqual([
      'isolation.peer',
    ]);
    const perGpu = mt.variants.find((v) => v.name === 'per-gpu')!;
    const variantParams = parseParams(
      applySets(mt.params, perGpu.set, (p) => p),
      'multi-tenant',
    );
    expect(
      expectationUnderBugs(perGpu.expect, mt.exposes, {
        bugs: ['links-enabled-per-gpu'],
        params: variantParams,
      }),
    ).toEqual(['isolation.peer']);
  });

  it('a switch the workload exposes: its rules are expected, beside the declared ones', () => {
    expect(
      expectationUnderBugs('clean', tceStorm.exposes, { bugs: ['tce-kill-no-advance'], params: own }),
    ).toEqual(['translation.stale-tce']);
    expect(
      expectationUnderBugs(['isolation.dma'], tceStorm.exposes, {
        bugs: ['tce-kill-no-advance'],
        params: own,
      }),
    ).toEqual(['isolation.dma', 'translation.stale-tce']);
  });

  it('a switch whose rules the run was declared to find already: the declaration itself stands (QA)', () => {
    const declared = ['translation.stale-tce'] as const;
    const got = expectationUnderBugs([...declared], tceStorm.exposes, {
      bugs: ['tce-kill-no-advance'],
      params: own,
    });
    expect(got).toEqual(['translation.stale-tce']);
    // The same array: a judgement tells the switch made nothing by `expect === declared`.
    const same = ['translation.stale-tce' as const];
    expect(expectationUnderBugs(same, tceStorm.exposes, { bugs: ['tce-kill-no-advance'], params: own })).toBe(
      same,
    );
  });

  it('no switch, a switch the workload does not expose, or one with nothing to act on: the declaration stands', () => {
    expect(expectationUnderBugs('clean', tceStorm.exposes, { bugs: [], params: own })).toBe('clean');
    expect(expectationUnderBugs('clean', tceStorm.exposes, { bugs: ['single-flush'], params: own })).toBe(
      'clean',
    );
    // Exposed beside one that is not: nothing says what the other should find there.
    expect(
      expectationUnderBugs('clean', tceStorm.exposes, {
        bugs: ['tce-kill-no-advance', 'single-flush'],
        params: own,
      }),
    ).toBe('clean');
    // page-kills clears no TCE through a v1 container: unpin-before-kill has nothing to act on.
    const pageKills = tceStorm.variants.find((v) => v.name === 'page-kills')!;
    const params = parseParams(
      applySets(tceStorm.params, pageKills.set, (p) => p),
      'tce-storm',
    );
    expect(expectationUnderBugs('clean', tceStorm.exposes, { bugs: ['unpin-before-kill'], params })).toBe(
      'clean',
    );
    expect(
      expectationUnderBugs('clean', tceStorm.exposes, { bugs: ['unpin-before-kill'], params: own }),
    ).toEqual(['translation.stale-tce']);
  });
});
