import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestNames, shortenedNames } from '../../src/core/edit-distance.js';

describe('edit-distance', () => {
  it('edit-distance: an insertion, a deletion or a substitution is one edit each', () => {
    expect(editDistance('name', 'name')).toBe(0);
    expect(editDistance('nam', 'name')).toBe(1);
    expect(editDistance('names', 'name')).toBe(1);
    expect(editDistance('nane', 'name')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('edit-distance: a swap of two adjacent letters is one edit, not two', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('tenatns', 'tenants')).toBe(1);
    expect(editDistance('sede', 'seed')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    // Optimal string alignment: a swapped pair is not edited again (`ca` -> `ac` -> `abc` is 2 in
    // full Damerau-Levenshtein, 3 here), which is enough for slips and keeps the distance a table.
    expect(editDistance('ca', 'abc')).toBe(3);
    // Two swaps are two edits; the distance is symmetric.
    expect(editDistance('nmaes', 'names')).toBe(1);
    expect(editDistance('anmse', 'names')).toBe(2);
    expect(editDistance('tenants', 'tenatns')).toBe(1);
  });

  it('edit-distance: a swapped short name gets its hint (one edit allowed up to 4 letters)', () => {
    expect(nearestNames('nmae', ['name', 'lpid', 'groups'])).toEqual(['name']);
    expect(didYouMean('sede', ['seed', 'duration'])).toBe(' (did you mean `seed`?)');
    expect(didYouMean('tenatns', ['tenants', 'params'])).toBe(' (did you mean `tenants`?)');
    // Still nothing for a name that is no slip.
    expect(didYouMean('xyzw', ['name', 'seed'])).toBe('');
  });

  it('edit-distance: a name written short is hinted only where asked, and only when it picks out few names', () => {
    const bugs = [
      'local-npu-only',
      'single-flush',
      'tce-kill-no-advance',
      'tce-entire-kill-ignored',
      'tce-level-alloc-race',
    ];
    expect(shortenedNames('local-npu', bugs)).toEqual(['local-npu-only']);
    expect(
      shortenedNames('shootdown.latency', ['shootdown.latencyTicks', 'shootdown.unfinishedTicks']),
    ).toEqual(['shootdown.latencyTicks']);
    expect(shortenedNames('ut0-only', ['ut0-ats-only', 'bar0-filter'])).toEqual(['ut0-ats-only']);
    // Words out of the name's order, or three names and more, hint nothing.
    expect(shortenedNames('only-npu', bugs)).toEqual([]);
    expect(shortenedNames('tce', bugs)).toEqual([]);
    expect(didYouMean('local-npu', bugs)).toBe('');
    expect(didYouMean('local-npu', bugs, { shortened: true })).toBe(' (did you mean `local-npu-only`?)');
    // A slip is still the hint first.
    expect(didYouMean('single-flsuh', bugs, { shortened: true })).toBe(' (did you mean `single-flush`?)');
  });
});
