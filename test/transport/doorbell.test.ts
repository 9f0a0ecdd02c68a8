import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { Doorbell } from '../../src/transport/doorbell.js';
import { BELL_NOTIFIED, BELL_NOTIFIES, BELL_PARKED, BELL_STATE } from '../../src/transport/layout.js';

describe('doorbell: one wake word per consuming thread', () => {
  test('park returns ready without waiting when the condition already holds', () => {
    const bell = Doorbell.create();
    expect(bell.park(() => true, 10_000)).toBe('ready');
    expect(bell.stats()).toEqual({ parks: 0, wakeups: 0, notifies: 0 });
    expect(bell.isParked()).toBe(false);
  });

  test('spin rounds re-check the condition before marking parked', () => {
    const bell = Doorbell.create();
    let calls = 0;
    expect(bell.park(() => ++calls === 5, 10_000, 10)).toBe('ready');
    expect(calls).toBe(5);
    expect(bell.stats().parks).toBe(0);
  });

  test('ring on a running owner notifies nobody', () => {
    const bell = Doorbell.create();
    expect(bell.ring()).toBe(false);
    expect(bell.stats().notifies).toBe(0);
  });

  test('a ring between marking parked and the wait is not lost (the race the CAS closes)', () => {
    const bell = Doorbell.create();
    const ringer = Doorbell.attach(bell.buffer); // as another thread would hold it
    let rang = false;
    // ready() runs after the owner marked itself parked: ring there, as a producer would whose
    // publishing store came too late for this ready() to see it.
    const result = bell.park(() => {
      if (!rang) rang = ringer.ring();
      return false;
    }, 10_000);
    expect(rang).toBe(true);
    expect(result).toBe('woken');
    expect(bell.stats()).toEqual({ parks: 1, wakeups: 1, notifies: 1 });
    expect(bell.isParked()).toBe(false);
  });

  test('only the first of several ringers notifies', () => {
    const bell = Doorbell.create();
    const results: boolean[] = [];
    bell.park(() => {
      if (results.length === 0) for (let i = 0; i < 4; i++) results.push(Doorbell.attach(bell.buffer).ring());
      return false;
    }, 10_000);
    expect(results).toEqual([true, false, false, false]);
    expect(bell.stats().notifies).toBe(1);
  });

  test('a park nobody rings times out and leaves the bell running', () => {
    const bell = Doorbell.create();
    expect(bell.park(() => false, 1)).toBe('timed-out');
    expect(bell.stats()).toEqual({ parks: 1, wakeups: 0, notifies: 0 });
    expect(bell.ring()).toBe(false);
  });

  test('parking a bell that is already parked (two owners) throws', () => {
    const bell = Doorbell.create();
    expect(() => bell.park(() => bell.park(() => true, 0) === 'ready', 0)).toThrow(
      /two threads share one doorbell/,
    );
    expect(bell.isParked()).toBe(false);
  });

  test('a ready() that throws leaves the bell running, not marked parked by nobody', () => {
    const bell = Doorbell.create();
    expect(() =>
      bell.park(() => {
        throw new Error('boom');
      }, 1_000),
    ).toThrow('boom');
    expect(bell.isParked()).toBe(false);
    expect(bell.park(() => true, 0)).toBe('ready');
  });

  test('attach refuses what is not a doorbell buffer, saying what arrived', () => {
    expect(() => Doorbell.attach(new SharedArrayBuffer(8))).toThrow(
      'Expected `buffer` to be a SharedArrayBuffer of 128 bytes from Doorbell.create(), got `SharedArrayBuffer(8)` (object)',
    );
    expect(() => Doorbell.attach(new SharedArrayBuffer(128))).toThrow(/magic/);
    expect(() => Doorbell.attach(new ArrayBuffer(128) as unknown as SharedArrayBuffer)).toThrow(RangeError);
  });

  // QA (a thread test failed once with a park "timed out" well inside its 5 s): a ringer that won
  // its CAS for one park and was descheduled before its Atomics.notify wakes the owner's next
  // wait, with the state still PARKED. That park must wait on, not end as 'timed-out' at once.
  // The other thread sends exactly such notifies: bare Atomics.notify calls on the state word,
  // each repeated until it wakes a waiter, which only this park can be. The first ends a wait;
  // the second can only wake anyone if the park waited again (a park that ended on the first has
  // no waiter left, and the thread gives up). Then it rings, as ring() does, and the park must end
  // 'woken': the ring is the only thing that can end it before its 20 s, and a park that ended on
  // a stale notify ends 'timed-out'. No outcome depends on when either thread ran: each step
  // waits for the one before it, with a time-out, and no time is measured.
  test('a stale notify landing on a later park does not end it: the park waits on, for a ring', async () => {
    const bell = Doorbell.create();
    const steps = new Int32Array(new SharedArrayBuffer(8)); // [0]: owner in ready(); [1]: worker's steps
    const stale = new Worker(
      `const { workerData: d } = require('node:worker_threads');
       const words = new Int32Array(d.buffer);
       const steps = new Int32Array(d.steps);
       const until = Date.now() + 20000;
       // Hand-off: the owner stores 1 in steps[0] from ready(), after marking itself parked.
       if (Atomics.wait(steps, 0, 0, 20000) === 'timed-out') process.exit(3);
       for (let n = 1; n <= 2; n++) {
         while (Atomics.notify(words, d.state, 1) === 0) if (Date.now() > until) process.exit(3 + n);
         Atomics.store(steps, 1, n);
       }
       // ring(), as another thread's Doorbell does it.
       if (Atomics.compareExchange(words, d.state, d.parked, d.notified) !== d.parked) process.exit(6);
       Atomics.add(words, d.notifies, 1);
       Atomics.notify(words, d.state, 1);
       Atomics.store(steps, 1, 3);`,
      {
        eval: true,
        workerData: {
          buffer: bell.buffer,
          steps: steps.buffer,
          state: BELL_STATE,
          parked: BELL_PARKED,
          notified: BELL_NOTIFIED,
          notifies: BELL_NOTIFIES,
        },
      },
    );
    try {
      await once(stale, 'online');
      let readyCalls = 0;
      const result = bell.park(() => {
        readyCalls++;
        Atomics.store(steps, 0, 1);
        Atomics.notify(steps, 0);
        return false;
      }, 20_000);
      expect(readyCalls).toBe(1);
      expect(result).toBe('woken'); // 'timed-out' here: a stale notify ended the park
      const [code] = (await once(stale, 'exit')) as [number];
      expect(code).toBe(0); // 3: the owner never signalled; 4, 5: no waiter for a notify; 6: not parked
      expect(Atomics.load(steps, 1)).toBe(3);
      expect(bell.stats()).toEqual({ parks: 1, wakeups: 1, notifies: 1 });
      expect(bell.isParked()).toBe(false);
    } finally {
      await stale.terminate();
    }
  });
});
