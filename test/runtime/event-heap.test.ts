import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { newMessage, type SimMessage, stampOrder } from '../../src/model/protocol/sim-message.js';
import { EventHeap } from '../../src/runtime/event-heap.js';

function message(time: number, kind: number, source: number, seq: number, destination: number): SimMessage {
  const m = newMessage();
  m.timeTicks = time;
  m.kind = kind;
  m.source = source;
  m.seq = seq;
  m.destination = destination;
  stampOrder(m);
  return m;
}

/** The inline runtime's total order: time, class, source, seq, then destination. */
function before(a: SimMessage, b: SimMessage): number {
  return a.timeTicks - b.timeTicks || a.order - b.order || a.destination - b.destination;
}

describe('EventHeap', () => {
  test('event-heap: pops in time, class, source, seq, destination order, pushes and pops interleaved', () => {
    const msg = fc
      .record({
        time: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 53 - 1 })),
        kind: fc.integer({ min: 0, max: 255 }),
        source: fc.integer({ min: 0, max: 255 }),
        seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        destination: fc.integer({ min: 0, max: 255 }),
      })
      .map((r) => message(r.time, r.kind, r.source, r.seq, r.destination));
    fc.assert(
      // size 'max': fast-check otherwise keeps arrays near ten elements, and the heap must grow
      // past its first 1024 slots here (more pushes than pops) for the test to reach `grow`.
      fc.property(
        fc.array(
          fc.oneof({ arbitrary: msg, weight: 3 }, { arbitrary: fc.constant('pop' as const), weight: 1 }),
          {
            maxLength: 3000,
            size: 'max',
          },
        ),
        (ops) => {
          const heap = new EventHeap();
          // Kept sorted: each push goes in after every message that sorts before or equal to it.
          const model: SimMessage[] = [];
          for (const o of ops) {
            if (o === 'pop') {
              expect(heap.pop()).toBe(model.shift());
            } else {
              heap.push(o);
              let lo = 0;
              let hi = model.length;
              while (lo < hi) {
                const mid = (lo + hi) >> 1;
                if (before(model[mid]!, o) <= 0) lo = mid + 1;
                else hi = mid;
              }
              model.splice(lo, 0, o);
            }
            expect(heap.size).toBe(model.length);
          }
          for (const m of model) expect(heap.pop()).toBe(m);
          expect(heap.pop()).toBeUndefined();
          expect(heap.peek()).toBeUndefined();
        },
      ),
      { seed: 20180601, numRuns: 60 },
    );
  });

  test('event-heap: refuses a push past its bound, naming it', () => {
    const heap = new EventHeap(2);
    heap.push(message(1, 0, 0, 0, 0));
    heap.push(message(2, 0, 0, 1, 0));
    expect(() => heap.push(message(3, 0, 0, 2, 0))).toThrow(/event heap over 2 pending events/);
  });
});
