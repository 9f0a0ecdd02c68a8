/**
 * The threaded runtime's watchdog (threaded-watchdog.ts) counts a stall in wall-clock time the
 * process ran: a pause of the whole process (SIGSTOP, a suspended laptop or VM) longer than the
 * stall limit is not a stall, while the same time with workers that do not move still is.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { MachinePlan } from '../../src/runtime/machine-module.js';
import { EngineStallError } from '../../src/runtime/run-errors.js';
import {
  ST_STATE,
  ST_TICK,
  STATE_IDLE,
  STATE_RUNNING,
  STATUS_FIELDS,
} from '../../src/runtime/thread-status.js';
import { watchdog } from '../../src/runtime/threaded-watchdog.js';

const plan: MachinePlan = { actors: [], edges: [] };
const INTERVAL = 100;
const LIMIT = 1_000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A watchdog over one worker that never moves, on fake timers and a clock the test moves. */
function stillWorker(): { verdict: () => string; look: (afterMs: number) => void } {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  let clock = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  const rows = new SharedArrayBuffer(STATUS_FIELDS * Float64Array.BYTES_PER_ELEMENT);
  // Started (a worker still starting has the start-up's longer limit).
  new Float64Array(rows)[ST_STATE] = STATE_RUNNING;
  const w = watchdog(
    plan,
    1,
    () => 'w0',
    rows,
    [],
    { seed: 1, endTick: 1, watchdogMs: LIMIT, progressIntervalMs: INTERVAL },
    () => undefined,
  );
  let state = 'waiting';
  w.failed.catch((e: unknown) => {
    state = e instanceof EngineStallError ? `stall: ${e.message}` : 'other';
  });
  return {
    verdict: () => state,
    // The clock moves `afterMs`, then the next look comes (at once, as after a pause).
    look: (afterMs) => {
      clock += afterMs;
      vi.advanceTimersByTime(INTERVAL);
    },
  };
}

describe('threaded watchdog', () => {
  test('workers that do not move for the limit are a stall', async () => {
    const w = stillWorker();
    for (let i = 0; i < 12; i++) w.look(INTERVAL);
    await Promise.resolve();
    expect(w.verdict()).toMatch(/^stall: no worker moved for 1[01]\d\d ms/);
  });

  test('a pause of the whole process longer than the limit is not counted: that look counts one interval', async () => {
    const w = stillWorker();
    w.look(INTERVAL);
    w.look(20_000);
    await Promise.resolve();
    expect(w.verdict()).toBe('waiting');
    for (let i = 0; i < 9; i++) w.look(INTERVAL);
    await Promise.resolve();
    expect(w.verdict()).toBe('waiting');
    for (let i = 0; i < 3; i++) w.look(INTERVAL);
    await Promise.resolve();
    expect(w.verdict()).toMatch(/^stall: no worker moved for/);
  });

  test('on a machine where every look comes late, workers that do not move are still a stall', async () => {
    const w = stillWorker();
    for (let i = 0; i < 12; i++) w.look(2_000);
    await Promise.resolve();
    expect(w.verdict()).toMatch(/^stall: no worker moved for/);
  });

  test('progress: a free worker idle since early on is passed over; the tick follows the worker still running', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const rows = new SharedArrayBuffer(2 * STATUS_FIELDS * Float64Array.BYTES_PER_ELEMENT);
    const board = new Float64Array(rows);
    board[ST_STATE] = STATE_IDLE;
    board[ST_TICK] = 100;
    board[STATUS_FIELDS + ST_STATE] = STATE_RUNNING;
    const ticks: number[] = [];
    const w = watchdog(
      plan,
      2,
      (i) => `w${i}`,
      rows,
      [],
      {
        seed: 1,
        endTick: 10_000,
        watchdogMs: LIMIT,
        progressIntervalMs: INTERVAL,
        onProgress: (tick) => ticks.push(tick),
      },
      () => undefined,
    );
    for (const t of [1_000, 2_000, 3_000]) {
      board[STATUS_FIELDS + ST_TICK] = t;
      vi.advanceTimersByTime(INTERVAL);
    }
    w.stop();
    expect(ticks).toEqual([1_000, 2_000, 3_000]);
  });

  test("a caller's onProgress or shouldStop that throws fails the run with its error and stops the workers (QA: thrown from the timer, it ended the process)", async () => {
    for (const which of ['onProgress', 'shouldStop'] as const) {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const rows = new SharedArrayBuffer(STATUS_FIELDS * Float64Array.BYTES_PER_ELEMENT);
      new Float64Array(rows)[ST_STATE] = STATE_RUNNING;
      let stops = 0;
      const boom = new Error(`${which} threw`);
      const w = watchdog(
        plan,
        1,
        () => 'w0',
        rows,
        [],
        {
          seed: 1,
          endTick: 1,
          watchdogMs: LIMIT,
          progressIntervalMs: INTERVAL,
          [which]: () => {
            throw boom;
          },
        },
        () => {
          stops += 1;
        },
      );
      vi.advanceTimersByTime(INTERVAL);
      await expect(w.failed).rejects.toBe(boom);
      expect(stops).toBe(1);
      // The look ended with it: no second call, no second stop.
      vi.advanceTimersByTime(5 * INTERVAL);
      expect(stops).toBe(1);
      w.stop();
      vi.useRealTimers();
    }
  });
});
