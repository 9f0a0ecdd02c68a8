import { describe, expect, test } from 'vitest';
import { PageNumberMap } from '../../../src/model/check/page-number-map.js';
import { Rng } from '../../../src/model/choice/rng.js';

describe('PageNumberMap', () => {
  test('answers get as a Map does after the same sets and deletes, dense keys or not', () => {
    const rng = new Rng(11);
    const keys = [0, 1, 4095, 4096, 2 ** 29, 2 ** 29 + 7, 2 ** 31 - 1, 2 ** 31, 2 ** 40, 0.5, -1, 12.25];
    for (let i = 0; i < 200; i++) keys.push(rng.below(20_000), 2 ** 29 + rng.below(20_000));
    const map = new Map<number, number>();
    const pages = new PageNumberMap();
    for (let i = 0; i < 20_000; i++) {
      const k = keys[rng.below(keys.length)]!;
      const op = rng.below(3);
      if (op === 0) {
        const v = rng.below(5000);
        map.set(k, v);
        pages.set(k, v);
      } else if (op === 1) {
        map.delete(k);
        pages.delete(k);
      }
      expect(pages.get(k)).toBe(map.get(k));
    }
    for (const k of keys) expect(pages.get(k)).toBe(map.get(k));
  });
});
