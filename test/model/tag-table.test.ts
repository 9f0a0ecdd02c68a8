import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AssertionFailure } from '../../src/core/errors.js';
import { TagTable } from '../../src/model/tag-table.js';

type Op =
  | { op: 'set'; tag: number; value: number }
  | { op: 'delete'; tag: number }
  | { op: 'get'; tag: number };

describe('TagTable', () => {
  test('tag-table: agrees with a Map under any sequence of sets, deletes and lookups', () => {
    // Tags from a small range collide in their home slots and form long probe runs (deletes then
    // move entries back); tags a multiple of 16 apart share a home slot in the smallest table;
    // sequential tags are what the GPU issues.
    const tag = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 20 }).map((k) => k * 16 + 3),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    );
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), tag, value: fc.double({ noNaN: true }) }),
      fc.record({ op: fc.constant('delete' as const), tag }),
      fc.record({ op: fc.constant('get' as const), tag }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(op, { minLength: 20, maxLength: 600, size: 'max' }),
        (expected, ops) => {
          const table = new TagTable(expected);
          const model = new Map<number, number>();
          for (const o of ops) {
            if (o.op === 'set') {
              table.set(o.tag, o.value);
              model.set(o.tag, o.value);
            } else if (o.op === 'delete') {
              expect(table.delete(o.tag)).toBe(model.delete(o.tag));
            } else {
              expect(table.get(o.tag)).toBe(model.get(o.tag));
              expect(table.has(o.tag)).toBe(model.has(o.tag));
            }
            expect(table.size).toBe(model.size);
          }
          // Every entry still reachable after all the moves (the sizes agree: exactly the model's).
          for (const [k, v] of model) expect(table.get(k)).toBe(v);
          // forEach visits exactly those entries, each once.
          const seen = new Map<number, number>();
          table.forEach((k, v) => {
            expect(seen.has(k)).toBe(false);
            seen.set(k, v);
          });
          expect(seen).toEqual(model);
        },
      ),
      { seed: 20180601, numRuns: 200 },
    );
  });

  test('tag-table: a sliding window of sequential tags, as DMAs issue and complete', () => {
    const table = new TagTable(64);
    const live: number[] = [];
    for (let tag = 0; tag < 10_000; tag++) {
      table.set(tag, tag * 2);
      live.push(tag);
      // Complete out of order: every third completion is the oldest, the rest the newest but one.
      if (live.length > 60) {
        const at = tag % 3 === 0 ? 0 : live.length - 2;
        const [done] = live.splice(at, 1);
        expect(table.get(done!)).toBe(done! * 2);
        expect(table.delete(done!)).toBe(true);
        expect(table.has(done!)).toBe(false);
      }
    }
    expect(table.size).toBe(live.length);
    for (const t of live) expect(table.get(t)).toBe(t * 2);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.has(live[0]!)).toBe(false);
  });

  test.each([-1, 0.5, 2 ** 31, Number.NaN])('tag-table: refuses the tag %s, naming it', (bad) => {
    const table = new TagTable();
    expect(() => table.set(bad, 1)).toThrow(AssertionFailure);
    expect(() => table.set(bad, 1)).toThrow(`got ${bad}`);
  });
});
