/**
 * Free-running threads (issue 11): a free run's take log replays it exactly in one thread, over
 * several seeds and under CPU load from another thread; each of two runs of one seed replays to
 * its own digest; a Ctrl-C'd run's partial log replays; conservation holds; with every fix free
 * runs of the storm workloads stay clean; with a bug whose violation every interleaving makes they
 * find it, and with a racy bug whatever they find is that bug's and replays; a truncated or
 * corrupted log is refused naming where. No assertion depends on how the threads were scheduled:
 * whatever order they took records in, the log must replay to it. (Whether a free run catches a
 * race is the threads' doing, so no test asks it to: README "Free-running threads" shows it.)
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { planMachine } from '../../src/model/actors/machine.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult } from '../../src/report/assemble-result.js';
import { combineDigests } from '../../src/runtime/digest.js';
import { replayFreeRun, startThreadedRun } from '../../src/runtime/engine.js';
import type { FreeLog } from '../../src/runtime/free/free-log.js';
import { decodeTakeLog, logCheck, type TakeCursor, TakeLogWriter } from '../../src/runtime/free/take-log.js';
import type { RawRun } from '../../src/runtime/raw-run.js';
import { WorkerSet } from '../../src/runtime/worker-set.js';
import { workloads } from '../../workloads/index.js';

const WINDOW = { windowTicks: 1_000_000 };

/**
 * The free runs' threads, kept from one run to the next (src/runtime/worker-set.ts), as a free
 * sweep keeps them from seed to seed: each run still races its nine actors' own threads, without
 * starting them cold. The stopped run (Ctrl-C) starts its own.
 */
const threads = new WorkerSet();
afterAll(() => threads.close());

function config(name: string, seed: number, durationTicks: number, bugs: BugName[] = []): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks }, name) };
}

async function freeRun(c: RunConfig): Promise<RawRun> {
  return startThreadedRun(c, { host: 'threaded', free: WINDOW, watchdogMs: 60_000, workerSet: threads })
    .result;
}

function digestOf(raw: RawRun): string {
  return combineDigests(raw.actorDigests);
}

function expectReplays(c: RunConfig, raw: RawRun): RawRun {
  expect(raw.free).toBeDefined();
  const replay = replayFreeRun(c, raw.free!.log, 'test log');
  expect(digestOf(replay)).toBe(digestOf(raw));
  expect(replay.actorEvents).toEqual(raw.actorEvents);
  const a = assembleResult(c, planMachine(c), raw);
  const b = assembleResult(c, planMachine(c), replay);
  expect(b.digest).toBe(a.digest);
  expect(b.violations.map((v) => [v.rule, v.tick])).toEqual(a.violations.map((v) => [v.rule, v.tick]));
  return replay;
}

describe('free mode: record and replay', () => {
  test.each([1, 2])('free: seed %i replays from its take log to the same digest', async (seed) => {
    const c = config('stress', seed, 40_000_000);
    const raw = await freeRun(c);
    expect(raw.placement).toBe('free');
    expect(raw.events).toBeGreaterThan(1000);
    expectReplays(c, raw);
  });

  describe('under CPU load from another thread', () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    let hog: Worker | undefined;
    beforeAll(() => {
      // Busy work until told to stop, and never past 120 s: it takes a core from the run's threads.
      hog = new Worker(
        `const { workerData } = require('node:worker_threads');
         const flag = new Int32Array(workerData);
         const until = Date.now() + 120000;
         let x = 0;
         while (Atomics.load(flag, 0) === 0 && Date.now() < until) { for (let i = 0; i < 1e5; i++) x = (x * 31 + i) | 0; }`,
        { eval: true, workerData: stop.buffer },
      );
    });
    afterAll(async () => {
      Atomics.store(stop, 0, 1);
      await hog?.terminate();
    });

    test('free: a run under load replays to its digest', async () => {
      const c = config('shootdown-storm', 4, 40_000_000);
      expectReplays(c, await freeRun(c));
    });
  });

  test('free: two runs of one seed each replay to their own digest', async () => {
    const c = config('stress', 9, 40_000_000);
    const a = await freeRun(c);
    const b = await freeRun(c);
    expectReplays(c, a);
    expectReplays(c, b);
    // Equal logs must give equal digests (the log is all that can differ between them). Two free
    // runs almost never record equal logs, so make one: a's log as a file carries it (a copy, no
    // object shared with the run), replayed again, gives a's digest and a's events.
    const copy = JSON.parse(JSON.stringify(a.free!.log)) as FreeLog;
    const again = replayFreeRun(c, copy, 'copied log');
    expect(digestOf(again)).toBe(digestOf(a));
    expect(again.actorEvents).toEqual(a.actorEvents);
  });

  test('free: a run stopped mid-way (Ctrl-C) leaves a partial log that replays', async () => {
    const c = config('stress', 5, 2_000_000_000);
    let resolveMoved: () => void = () => undefined;
    const moved = new Promise<void>((r) => {
      resolveMoved = r;
    });
    const run = startThreadedRun(c, {
      host: 'threaded',
      free: WINDOW,
      onProgress: (_tick, events) => {
        if (events > 5000) resolveMoved();
      },
    });
    await moved;
    await run.stop();
    const raw = await run.result;
    expect(raw.stopped).toBe('interrupted');
    expect(raw.free!.log.stopped).toBe('interrupted');
    const replay = expectReplays(c, raw);
    expect(replay.stopped).toBe('interrupted');
  });

  test('free replay: shouldStop stops it between two steps, short of the log, at the tick its actors reached; never asked, it replays whole', async () => {
    const c = config('stress', 3, 40_000_000);
    const raw = await freeRun(c);
    const total = raw.free!.log.actors.reduce((sum, a) => sum + a.events, 0);
    // Polled once per pass over the actors (each step at most 4096 events): stop on the third.
    let polls = 0;
    const stopped = replayFreeRun(c, raw.free!.log, 'test log', { shouldStop: () => ++polls >= 3 });
    expect(polls).toBe(3);
    expect(stopped.stopped).toBe('interrupted');
    expect(stopped.events).toBeGreaterThan(0);
    expect(stopped.events).toBeLessThan(total);
    expect(stopped.reachedTick).toBeLessThan(c.params.durationTicks);
    // Asked to stop before it began: nothing handled.
    const before = replayFreeRun(c, raw.free!.log, 'test log', { shouldStop: () => true });
    expect(before.stopped).toBe('interrupted');
    expect(before.events).toBe(0);
    // A poll that never says stop changes nothing: the same digest and events as the run.
    const whole = replayFreeRun(c, raw.free!.log, 'test log', { shouldStop: () => false });
    expect(whole.stopped).toBe('end');
    expect(whole.events).toBe(total);
    expect(digestOf(whole)).toBe(digestOf(raw));
  });
});

describe('free mode: the ordering rules under real races', () => {
  test.each([
    ['stress', 11],
    ['shootdown-storm', 12],
    ['tce-storm', 13],
  ])('free: %s seed %i stays clean with every fix applied, and conserves messages', async (name, seed) => {
    const c = config(name, seed, 60_000_000);
    const raw = await freeRun(c);
    const r = assembleResult(c, planMachine(c), raw);
    expect(r.violations).toEqual([]);
    expect(r.conservation.ok).toBe(true);
    expect(r.conservation.sent).toBeGreaterThan(0);
    expect(r.conservation.sent).toBe(r.conservation.received + r.conservation.inFlight);
    expect(r.free?.logBytesPerSimulatedMs).toBeGreaterThan(0);
  });

  test('free: a bug whose violation needs no particular interleaving is found, and the failure replays', async () => {
    // A peer write over a link the bug left open lands in another tenant's GPU in any order of the
    // threads (inline, thousands of them in 50 us, the first within 1 us).
    const c = config('tenant-isolation', 3, 20_000_000, ['links-enabled-per-gpu']);
    const raw = await freeRun(c);
    const r = assembleResult(c, planMachine(c), raw);
    expect(r.violations.length).toBeGreaterThan(0);
    expect(new Set(r.violations.map((v) => v.rule))).toEqual(new Set(['isolation.peer']));
    expectReplays(c, raw);
  });

  test.each([
    ['flush-race', 'single-flush' as BugName, /^order\.|^translation\.stale-ats/],
    ['tce-storm', 'unpin-before-kill' as BugName, /^translation\.stale-tce/],
  ])(
    "free: %s with the race %s: whatever the run finds is that bug's, and it replays",
    async (name, bug, rule) => {
      // Whether this run catches the race is the threads' doing (nearly every run finds dozens in
      // 100 us; one CI run of hundreds found none), so it is not asserted; what every run must do,
      // however it was scheduled, is replay from its log, conserve messages and break no rule the
      // bug does not explain.
      const c = config(name, 3, 100_000_000, [bug]);
      const raw = await freeRun(c);
      const r = assembleResult(c, planMachine(c), raw);
      expectReplays(c, raw);
      expect(r.conservation.ok).toBe(true);
      expect(r.conservation.sent).toBeGreaterThan(0);
      expect(r.violations.map((v) => v.rule).filter((x) => !rule.test(x))).toEqual([]);
    },
  );
});

describe('free mode: bad logs are refused naming where', () => {
  const inbound = new Set([3, 5]);
  const log = (): ReturnType<TakeLogWriter['encode']> => {
    const w = new TakeLogWriter();
    w.take(0, 3, 2);
    w.take(4, 5, 1);
    w.take(8, 5, 1);
    w.take(12, 5, 1);
    return w.encode(20);
  };

  /** Every take of a decoded log, in order (the logs here are small). */
  const takesOf = (cursor: TakeCursor) => {
    const out: { at: number; edge: number; count: number }[] = [];
    for (; cursor.current !== undefined; cursor.advance()) out.push(cursor.current);
    return out;
  };

  test('free log: a log round-trips, repeats run-length encoded', () => {
    const w = new TakeLogWriter();
    w.take(0, 3, 2);
    w.take(4, 5, 1);
    w.take(8, 5, 1);
    w.take(12, 5, 1);
    expect(w.entries).toBe(2);
    expect(takesOf(decodeTakeLog(w.encode(20), 'x', inbound))).toEqual([
      { at: 0, edge: 3, count: 2 },
      { at: 4, edge: 5, count: 1 },
      { at: 8, edge: 5, count: 1 },
      { at: 12, edge: 5, count: 1 },
    ]);
  });

  test('free log: a changed byte is refused by its digest, naming the field', () => {
    const l = log();
    const bad = { ...l, takes: `${l.takes.slice(0, -2)}A=` };
    expect(() => decodeTakeLog(bad, 'f.json: free.actors[2] (gpu0)', inbound)).toThrow(
      /f\.json: free\.actors\[2\] \(gpu0\)\.takes: Expected a take log whose digest/,
    );
  });

  test('free log: an edited event count is refused by the digest too, before any run', () => {
    const l = log();
    for (const events of [l.events + 1, l.events - 1, 0]) {
      expect(() => decodeTakeLog({ ...l, events }, 'f.json: free.actors[2] (gpu0)', inbound)).toThrow(
        /f\.json: free\.actors\[2\] \(gpu0\)\.takes: Expected a take log whose digest is [0-9a-f]{16}, got one whose digest is [0-9a-f]{16} \(the log or its event count was changed, or the log truncated\)/,
      );
    }
    expect(takesOf(decodeTakeLog(l, 'where', inbound)).length).toBeGreaterThan(0);
  });

  test('free log: a truncated log (digest recomputed) is refused naming the entry', () => {
    const l = log();
    const bytes = Buffer.from(l.takes, 'base64');
    const cut = bytes.subarray(0, bytes.length - 1).toString('base64');
    expect(() =>
      decodeTakeLog({ ...l, takes: cut, check: logCheck(l.events, cut) }, 'where', inbound),
    ).toThrow(/where\.takes: Expected whole \(gap, edge, count, repeat\) entries/);
  });

  /** A one-entry log of (gap, edge 5, count 1, repeat) as LEB128 varints in base64, checked. */
  const oneEntryLog = (gap: number, repeat: number) => {
    const bytes: number[] = [];
    for (const v of [gap, 5, 1, repeat]) {
      let x = v;
      for (; x >= 0x80; x = Math.floor(x / 0x80)) bytes.push((x % 0x80) | 0x80);
      bytes.push(x);
    }
    const takes = Buffer.from(bytes).toString('base64');
    return { events: 20, takes, check: logCheck(20, takes) };
  };

  test('free log: a repeat as large as a varint holds (check recomputed) is not expanded: decoding is instant, the takes are counted, and too many events for the log is refused', () => {
    // 2^40 takes at event 0, which a replay cannot follow (it says so when the records run out).
    const cursor = decodeTakeLog(oneEntryLog(0, 2 ** 40), 'where', inbound);
    expect(cursor.left).toBe(2 ** 40);
    expect(cursor.current).toEqual({ at: 0, edge: 5, count: 1 });
    cursor.advance();
    expect(cursor.current).toEqual({ at: 0, edge: 5, count: 1 });
    expect(cursor.left).toBe(2 ** 40 - 1);
    // A gap of 1 puts the last take after 2^40 events: more than the log's 20.
    expect(() => decodeTakeLog(oneEntryLog(1, 2 ** 40), 'where', inbound)).toThrow(
      `where.events: Expected at least ${2 ** 40} events (the last take comes after ${2 ** 40}), got 20`,
    );
  });

  test('free log: an edge that does not enter the actor is refused', () => {
    expect(() => decodeTakeLog(log(), 'where', new Set([3]))).toThrow(
      /where\.takes entry 1: Expected an inbound edge of this actor \(3\), got edge 5/,
    );
  });

  const shared = config('stress', 21, 20_000_000);
  let sharedRun: RawRun;
  beforeAll(async () => {
    sharedRun = await freeRun(shared);
  });

  test('free log: a log with an actor missing is refused naming the field', () => {
    const c = shared;
    const log: FreeLog = sharedRun.free!.log;
    const short: FreeLog = { ...log, actors: log.actors.slice(1) };
    expect(() => replayFreeRun(c, short, 'f.json: free')).toThrow(ConfigError);
    expect(() => replayFreeRun(c, short, 'f.json: free')).toThrow(
      'f.json: free.actors: Expected 9 take logs (one per actor of this machine), got 8',
    );
  });

  test('free log: a log that asks for records nobody sent is refused naming the actor and edge', () => {
    const c = shared;
    const log = sharedRun.free!.log;
    const plan = planMachine(c);
    // Rewrite the coordinator's log to take a million records at its first event.
    const coordinator = plan.actors.find((a) => a.name === 'coordinator')!.index;
    const edge = plan.edges.find((e) => e.to === coordinator)!;
    const w = new TakeLogWriter();
    w.take(0, edge.index, 1_000_000);
    const forged = {
      ...w.encode(log.actors[coordinator]!.events),
      finishTick: log.actors[coordinator]!.finishTick,
    };
    const bad: FreeLog = { ...log, actors: log.actors.map((a, i) => (i === coordinator ? forged : a)) };
    expect(() => replayFreeRun(c, bad, 'f.json: free')).toThrow(
      new RegExp(
        `f\\.json: free: Expected a log this run can follow.*(?:: |; )actors\\[${coordinator}\\] \\(coordinator\\) waits at event 0 for 1000000 records on ${edge.label}`,
      ),
    );
  });
});
