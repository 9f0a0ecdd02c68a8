import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { Doorbell } from '../../src/transport/doorbell.js';
import { BELL_STATE } from '../../src/transport/layout.js';

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
  // wait, with the state still PARKED. That park must wait out its time, not end as 'timed-out' at
  // once. The other thread here sends exactly such a notify: a bare Atomics.notify on the state
  // word, repeated until it wakes a waiter (bounded), which it can only do inside this park.
  test('a stale notify landing on a later park does not end it: the park waits out its time', async () => {
    const bell = Doorbell.create();
    const stale = new Worker(
      `const { workerData } = require('node:worker_threads');
       const words = new Int32Array(workerData.buffer);
       const pause = new Int32Array(new SharedArrayBuffer(4));
       const until = Date.now() + 30000;
       while (Atomics.notify(words, workerData.state, 1) === 0) {
         if (Date.now() > until) process.exit(3);
         Atomics.wait(pause, 0, 0, 1);
       }`,
      { eval: true, workerData: { buffer: bell.buffer, state: BELL_STATE } },
    );
    await once(stale, 'online');
    const timeoutMs = 1_000;
    const startMs = performance.now();
    const result = bell.park(() => false, timeoutMs);
    const waitedMs = performance.now() - startMs;
    const [code] = (await once(stale, 'exit')) as [number];
    expect(code).toBe(0); // its notify woke a waiter: this park, the only one
    expect(result).toBe('timed-out');
    expect(waitedMs).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(bell.stats()).toEqual({ parks: 1, wakeups: 0, notifies: 0 });
    expect(bell.isParked()).toBe(false);
  });
});
