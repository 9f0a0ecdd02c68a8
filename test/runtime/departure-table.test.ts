import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DepartureTable } from '../../src/runtime/departure-table.js';

interface Held {
  edge: number;
  wireBytes: number;
  traceSerial: number;
}

/** Takes departure `n` out of `table` as the runner does; undefined when it is not held. */
function take(table: DepartureTable, n: number): Held | undefined {
  const slot = table.find(n);
  if (slot < 0) return undefined;
  const held = {
    edge: table.edgeAt(slot),
    wireBytes: table.bytesAt(slot),
    traceSerial: table.serialAt(slot),
  };
  table.remove(slot);
  return held;
}

describe('DepartureTable', () => {
  test('gives back what was filed under each number, once', () => {
    const t = new DepartureTable();
    t.put(0, 3, 64, -1);
    t.put(1, 5, 128, 7);
    expect(t.size).toBe(2);
    expect(take(t, 1)).toEqual({ edge: 5, wireBytes: 128, traceSerial: 7 });
    expect(take(t, 1)).toBeUndefined();
    expect(take(t, 0)).toEqual({ edge: 3, wireBytes: 64, traceSerial: -1 });
    expect(t.size).toBe(0);
    expect(t.find(2)).toBe(-1);
  });

  test('numbers that share a home slot (64 apart) are all found, whichever leaves first', () => {
    const t = new DepartureTable();
    for (const n of [0, 64, 128]) t.put(n, n / 64, n, n);
    // The first filed leaves first: the later two must move back over its slot and stay findable.
    expect(take(t, 0)?.edge).toBe(0);
    expect(take(t, 128)?.edge).toBe(2);
    expect(take(t, 64)?.edge).toBe(1);
    expect(t.size).toBe(0);
  });

  test('one departure held while thousands pass it costs room for the held, not for the distance', () => {
    const t = new DepartureTable();
    t.put(0, 1, 1, 1);
    let wrong = 0;
    for (let n = 1; n < 100_000; n++) {
      t.put(n, 2, 2, n);
      if (take(t, n)?.traceSerial !== n) wrong++;
    }
    expect(wrong).toBe(0);
    expect(t.size).toBe(1);
    expect(t.capacity).toBe(64);
    expect(take(t, 0)).toEqual({ edge: 1, wireBytes: 1, traceSerial: 1 });
  });

  test('agrees with a Map under any order of files and departures (growth and probes that wrap past the end included)', () => {
    const op = fc.oneof(
      fc.record({ put: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ leave: fc.nat({ max: 10_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.nat({ max: 2 ** 31 - 100_000 }), (ops, start) => {
        const t = new DepartureTable();
        const model = new Map<number, Held>();
        let next = start;
        for (const o of ops) {
          if ('put' in o) {
            // A burst of consecutive numbers, as a runner numbers its departures.
            for (let k = 0; k < o.put; k++, next++) {
              const held = { edge: next % 7, wireBytes: next % 1000, traceSerial: next };
              t.put(next, held.edge, held.wireBytes, held.traceSerial);
              model.set(next, held);
            }
          } else {
            const keys = [...model.keys()];
            // Mostly one that is held (chosen anywhere among them), sometimes one that is not.
            const n = keys.length > 0 && o.leave % 5 !== 0 ? keys[o.leave % keys.length]! : next + o.leave;
            expect(take(t, n)).toEqual(model.get(n));
            model.delete(n);
          }
          expect(t.size).toBe(model.size);
        }
        for (const [n, held] of model) expect(take(t, n)).toEqual(held);
        expect(t.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
