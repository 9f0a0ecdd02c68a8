import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { newMessage, type SimMessage, stampOrder } from '../../src/model/protocol/sim-message.js';
import { EventHeap } from '../../src/runtime/event-heap.js';
import { EventQueue } from '../../src/runtime/event-queue.js';

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

/** What both queues offer the runtimes. */
interface Queue {
  readonly size: number;
  push(m: SimMessage): void;
  pop(): SimMessage | undefined;
  peek(): SimMessage | undefined;
}

/** Replays `ops` on `queue` against a sorted list; every pop and peek must give the list's first. */
function checkAgainstModel(queue: Queue, ops: readonly (SimMessage | 'pop' | 'peek')[]): void {
  // Kept sorted: each push goes in after every message that sorts before or equal to it.
  const model: SimMessage[] = [];
  for (const o of ops) {
    if (o === 'pop') {
      expect(queue.pop()).toBe(model.shift());
    } else if (o === 'peek') {
      expect(queue.peek()).toBe(model[0]);
    } else {
      queue.push(o);
      let lo = 0;
      let hi = model.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(model[mid]!, o) <= 0) lo = mid + 1;
        else hi = mid;
      }
      model.splice(lo, 0, o);
    }
    expect(queue.size).toBe(model.length);
  }
  for (const m of model) expect(queue.pop()).toBe(m);
  expect(queue.pop()).toBeUndefined();
  expect(queue.peek()).toBeUndefined();
}

const field = {
  kind: fc.integer({ min: 0, max: 255 }),
  source: fc.integer({ min: 0, max: 255 }),
  seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  destination: fc.integer({ min: 0, max: 255 }),
};

/** Messages at any time: small ones (ties), and anywhere up to 2^53. */
const anyTimeMessage = fc
  .record({
    time: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 53 - 1 })),
    ...field,
  })
  .map((r) => message(r.time, r.kind, r.source, r.seq, r.destination));

/**
 * Operations as a run makes them: each push lands a delay after the time of the last message taken
 * (the clock), the delay drawn from 0 (the same tick), within one wheel slot (4096 ticks), within
 * the wheel (16.8 M ticks), and far past it (the overflow heap); now and then one lands below the
 * clock, as no runtime does (the queue's rebase). Pops move the clock.
 */
const runLikeOps = fc
  .array(
    fc.oneof(
      {
        arbitrary: fc.record({
          delay: fc.oneof(
            fc.constant(0),
            fc.integer({ min: 0, max: 4095 }),
            fc.integer({ min: 0, max: 2 ** 24 }),
            fc.integer({ min: 2 ** 24, max: 2 ** 40 }),
            fc.integer({ min: -(2 ** 26), max: -1 }),
          ),
          ...field,
        }),
        weight: 4,
      },
      { arbitrary: fc.constant('pop' as const), weight: 3 },
      { arbitrary: fc.constant('peek' as const), weight: 1 },
    ),
    { maxLength: 3000, size: 'max' },
  )
  .map((raw) => {
    // The clock is the model's: a pop takes the earliest pending message's time.
    const pending: SimMessage[] = [];
    let clock = 2 ** 30;
    return raw.map((o) => {
      if (o === 'peek') return o;
      if (o === 'pop') {
        pending.sort(before);
        const m = pending.shift();
        if (m !== undefined) clock = m.timeTicks;
        return o;
      }
      const m = message(Math.max(0, clock + o.delay), o.kind, o.source, o.seq, o.destination);
      pending.push(m);
      return m;
    });
  });

describe.each([
  ['EventHeap', (): Queue => new EventHeap()],
  ['EventQueue', (): Queue => new EventQueue()],
])('%s', (name, make) => {
  test(`${name}: pops in time, class, source, seq, destination order, pushes and pops interleaved`, () => {
    fc.assert(
      // size 'max': fast-check otherwise keeps arrays near ten elements, and the queue must grow
      // past its first 1024 slots here (more pushes than pops) for the test to reach `grow`.
      fc.property(
        fc.array(
          fc.oneof(
            { arbitrary: anyTimeMessage, weight: 3 },
            { arbitrary: fc.constant('pop' as const), weight: 1 },
            { arbitrary: fc.constant('peek' as const), weight: 1 },
          ),
          { maxLength: 3000, size: 'max' },
        ),
        (ops) => checkAgainstModel(make(), ops),
      ),
      { seed: 20180601, numRuns: 60 },
    );
  });

  test(`${name}: the same order for pushes near the clock, in the wheel, past it and below it`, () => {
    fc.assert(
      fc.property(runLikeOps, (ops) => checkAgainstModel(make(), ops)),
      { seed: 20180602, numRuns: 60 },
    );
  });
});

describe('EventQueue paths', () => {
  test('event-queue: an event past the wheel waits in the overflow and comes in order after the wheel', () => {
    const q = new EventQueue();
    const far = message(2 ** 40, 0, 1, 0, 0);
    const near = message(10, 0, 2, 0, 0);
    const mid = message(2 ** 24 - 1, 0, 3, 0, 0);
    q.push(far);
    q.push(mid);
    q.push(near);
    expect(q.peek()).toBe(near);
    expect(q.pop()).toBe(near);
    expect(q.pop()).toBe(mid);
    expect(q.peek()).toBe(far);
    // Pushed after the wheel moved on to `far`'s slot: one tick later, it files behind it.
    const after = message(2 ** 40 + 1, 0, 4, 0, 0);
    expect(q.pop()).toBe(far);
    q.push(after);
    expect(q.pop()).toBe(after);
    expect(q.size).toBe(0);
  });

  test('event-queue: an event below the last one taken is still taken first (rebase)', () => {
    const q = new EventQueue();
    q.push(message(1_000_000, 0, 1, 0, 0));
    q.push(message(1_000_001, 0, 2, 0, 0));
    q.push(message(30_000_000, 0, 3, 0, 0));
    expect(q.pop()!.timeTicks).toBe(1_000_000);
    const early = message(5, 0, 4, 0, 0);
    q.push(early);
    expect(q.pop()).toBe(early);
    expect(q.pop()!.timeTicks).toBe(1_000_001);
    expect(q.pop()!.timeTicks).toBe(30_000_000);
    expect(q.pop()).toBeUndefined();
  });
});

describe('EventQueue.popBefore', () => {
  test('event-queue: popBefore takes the next event only when it is due before the limit, in the wheel and past it', () => {
    const q = new EventQueue();
    const near = message(10, 0, 1, 0, 0);
    const far = message(2 ** 40, 0, 2, 0, 0);
    q.push(far);
    q.push(near);
    // At the limit is not before it: nothing taken, the queue as it was.
    expect(q.popBefore(10)).toBeUndefined();
    expect(q.size).toBe(2);
    expect(q.popBefore(11)).toBe(near);
    // Only `far` is left, in the overflow (the wheel is empty).
    expect(q.popBefore(2 ** 40)).toBeUndefined();
    expect(q.size).toBe(1);
    expect(q.popBefore(Number.POSITIVE_INFINITY)).toBe(far);
    expect(q.popBefore(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  test('event-queue: popBefore gives the order pop gives', () => {
    const times = [7, 3, 3, 2 ** 30, 90_000, 2 ** 41, 12];
    const a = new EventQueue();
    const b = new EventQueue();
    times.forEach((t, i) => {
      a.push(message(t, 0, i, 0, 0));
      b.push(message(t, 0, i, 0, 0));
    });
    for (;;) {
      const viaPop = a.pop();
      const viaLimit = b.popBefore(Number.POSITIVE_INFINITY);
      expect(viaLimit?.timeTicks).toBe(viaPop?.timeTicks);
      expect(viaLimit?.source).toBe(viaPop?.source);
      if (viaPop === undefined) break;
    }
  });
});

describe('queue bounds', () => {
  test('event-heap: refuses a push past its bound, naming it', () => {
    const heap = new EventHeap(2);
    heap.push(message(1, 0, 0, 0, 0));
    heap.push(message(2, 0, 0, 1, 0));
    expect(() => heap.push(message(3, 0, 0, 2, 0))).toThrow(/event heap over 2 pending events/);
  });

  test('event-queue: refuses a push past its bound, naming it', () => {
    const q = new EventQueue(2);
    q.push(message(1, 0, 0, 0, 0));
    q.push(message(2 ** 40, 0, 0, 1, 0));
    expect(() => q.push(message(3, 0, 0, 2, 0))).toThrow(/event queue over 2 pending events/);
  });
});
