import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LruMap } from '../../src/model/lru-map.js';

type Op =
  | { op: 'set'; key: number; value: number }
  | { op: 'use'; key: number }
  | { op: 'delete'; key: number }
  | { op: 'evict' }
  | { op: 'deleteOdd' }
  | { op: 'clear' };

/** The Map the caches used before: delete then set to refresh, `keys().next()` for the oldest. */
function apply(map: Map<number, number>, lru: LruMap<number>, o: Op, capacity: number): void {
  switch (o.op) {
    case 'set':
      if (!map.has(o.key) && map.size >= capacity) return;
      map.delete(o.key);
      map.set(o.key, o.value);
      lru.set(o.key, o.value);
      return;
    case 'use': {
      const v = map.get(o.key);
      if (v !== undefined) {
        map.delete(o.key);
        map.set(o.key, v);
      }
      expect(lru.use(o.key)).toBe(v);
      return;
    }
    case 'delete':
      expect(lru.delete(o.key)).toBe(map.delete(o.key));
      return;
    case 'evict': {
      const oldest = map.keys().next();
      expect(lru.oldestKey()).toBe(oldest.done === true ? undefined : oldest.value);
      if (oldest.done !== true) {
        map.delete(oldest.value);
        lru.delete(oldest.value);
      }
      return;
    }
    case 'deleteOdd': {
      let n = 0;
      for (const [k, v] of map) {
        if (v % 2 === 1) {
          map.delete(k);
          n++;
        }
      }
      expect(lru.deleteWhere((v) => v % 2 === 1)).toBe(n);
      return;
    }
    case 'clear':
      map.clear();
      lru.clear();
      return;
  }
}

describe('LruMap', () => {
  test('lru-map: behaves as a Map refreshed by delete-then-set, order and all', () => {
    // Keys from a few clustered ranges above 2^31 (as the ATS cache's are), so probes collide.
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }).map((k) => 2 ** 37 * 3 + 1_880_000_000 + k),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.nat(1000) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('use' as const), key }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
      { weight: 2, arbitrary: fc.constant({ op: 'evict' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'deleteOdd' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        // size 'max': fast-check's default size keeps arrays near ten operations, too few to fill
        // a map of 24 and evict from it.
        fc.array(op, { maxLength: 300, size: 'max' }),
        (capacity, ops) => {
          const map = new Map<number, number>();
          const lru = new LruMap<number>(capacity);
          for (const o of ops) {
            apply(map, lru, o, capacity);
            expect(lru.size).toBe(map.size);
          }
          expect(lru.keyList()).toEqual([...map.keys()]);
          expect(lru.valueList()).toEqual([...map.values()]);
          for (const [k, v] of map) expect(lru.get(k)).toBe(v);
        },
      ),
      { seed: 20180601, numRuns: 300 },
    );
  });

  test('lru-map: a set of a new key into a full map throws instead of growing', () => {
    const lru = new LruMap<string>(2);
    lru.set(1, 'a');
    lru.set(2, 'b');
    lru.set(1, 'c');
    expect(() => lru.set(3, 'd')).toThrow(/LruMap full \(2 entries\) at a set of key 3/);
    expect(lru.keyList()).toEqual([2, 1]);
  });
});
