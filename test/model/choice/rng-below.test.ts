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

describe('Rng.below above 2^32 (intervals longer than 4.3 ms)', () => {
  test('stays in range, reaches both halves and the top 32-bit word, and repeats from its seed', () => {
    for (const n of [0x1_0000_0001, 3 * 2 ** 40 + 7, 2e15, 2 ** 53]) {
      const a = new Rng(11);
      const b = new Rng(11);
      let high = 0;
      let low = 0;
      let aboveU32 = 0;
      for (let i = 0; i < 2000; i++) {
        const v = a.below(n);
        expect(v).toBe(b.below(n));
        expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
        if (v >= n / 2) high++;
        else low++;
        if (v >= 0x1_0000_0000) aboveU32++;
      }
      // Uniform: about half in each half (2000 draws: far from 0 or 2000 either way).
      expect(high).toBeGreaterThan(800);
      expect(low).toBeGreaterThan(800);
      // Above 2^40 nearly every draw needs the high word.
      if (n >= 2 ** 40) expect(aboveU32).toBeGreaterThan(1900);
    }
  });

  test('refuses what is not an integer from 1 to 2^53', () => {
    const r = new Rng(1);
    for (const n of [0, -1, 1.5, 2 ** 53 + 2, Number.NaN]) {
      expect(() => r.below(n)).toThrow(`Expected n to be an integer from 1 to 2^53, got \`${n}\``);
    }
  });
});
