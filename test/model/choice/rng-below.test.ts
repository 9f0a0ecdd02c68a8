import { describe, expect, test } from 'vitest';
import { Rng } from '../../../src/model/choice/rng.js';

/** below() as first written (two `%`): the faster form must give the same value for every draw. */
function referenceBelow(r: Rng, n: number): number {
  if (n === 1) return 0;
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
  for (let i = 0; i < 64; i++) {
    const v = r.nextU32();
    if (v < limit) return v % n;
  }
  return r.nextU32() % n;
}

describe('Rng.below', () => {
  test('gives the values of the two-remainder form, small and huge ranges alike', () => {
    const ranges = [1, 2, 3, 6, 7, 100, 1000, 4096, 65_536, 1_000_003, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1];
    ranges.push(3_000_000_000, 0xffff_ffff, 0x1_0000_0000, 0xaaaa_aaab);
    for (const n of ranges) {
      const a = new Rng(n * 7 + 1);
      const b = new Rng(n * 7 + 1);
      for (let i = 0; i < 2000; i++) expect(a.below(n)).toBe(referenceBelow(b, n));
    }
  });
});
