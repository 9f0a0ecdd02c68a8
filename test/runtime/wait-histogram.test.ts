/**
 * The waits histogram (src/runtime/wait-histogram.ts): each wait goes to one of five buckets by its
 * wall duration, a bound itself to the bucket above it; WorkerTime puts every wait it measures
 * there, so the buckets' milliseconds sum to parkedMs. A real threaded run and a free run keep
 * that invariant, and the summary prints a waits line per worker. Nothing here depends on how
 * long the real waits were: only on the invariants.
 */
import { describe, expect, test } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult } from '../../src/report/assemble-result.js';
import { formatSummary } from '../../src/report/summary.js';
import { waitsText } from '../../src/report/summary-engine.js';
import { runRaw } from '../../src/runtime/engine.js';
import type { RawRun } from '../../src/runtime/raw-run.js';
import { STATUS_FIELDS } from '../../src/runtime/thread-status.js';
import {
  WAIT_BOUNDS_MS,
  WAIT_BUCKET_LABELS,
  WaitHistogram,
  waitBucket,
} from '../../src/runtime/wait-histogram.js';
import { WorkerStatus, WorkerTime } from '../../src/runtime/worker-status.js';
import { workloads } from '../../workloads/index.js';

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('waits histogram: the buckets', () => {
  test('bounds are 10 us, 100 us, 1 ms and 10 ms, with a label per bucket', () => {
    expect(WAIT_BOUNDS_MS).toEqual([0.01, 0.1, 1, 10]);
    expect(WAIT_BUCKET_LABELS).toEqual(['<10us', '<100us', '<1ms', '<10ms', '>=10ms']);
  });

  test.each([
    [0, 0],
    [0.001, 0],
    [0.0099, 0],
    [0.01, 1],
    [0.037, 1],
    [0.0999, 1],
    [0.1, 2],
    [0.5, 2],
    [0.999, 2],
    [1, 3],
    [9.999, 3],
    [10, 4],
    [20, 4],
    [60_000, 4],
  ])('a wait of %f ms goes to bucket %i (a bound itself to the bucket above)', (ms, bucket) => {
    expect(waitBucket(ms)).toBe(bucket);
  });

  test('counts and totals per bucket; figures are a copy', () => {
    const h = new WaitHistogram();
    for (const ms of [0.002, 0.004, 0.05, 0.2, 0.3, 0.4, 5, 10, 20]) h.add(ms);
    const f = h.figures();
    expect(f.counts).toEqual([2, 1, 3, 1, 2]);
    const expected = [0.006, 0.05, 0.9, 5, 30];
    f.ms.forEach((ms, b) => {
      expect(ms).toBeCloseTo(expected[b]!, 12);
    });
    f.counts[0] = 99;
    expect(h.figures().counts[0]).toBe(2);
  });
});

describe('waits histogram: WorkerTime measures every wait', () => {
  function clocked(): { time: WorkerTime; advance: (ms: number) => void } {
    let now = 0;
    const board = new SharedArrayBuffer(STATUS_FIELDS * 8);
    const time = new WorkerTime(() => now, new WorkerStatus(board, 0), []);
    return { time, advance: (ms) => (now += ms) };
  }

  test('a wait: the slice before it is busy, the wait parked and in its bucket', () => {
    const { time, advance } = clocked();
    advance(3);
    time.wait(() => advance(0.05));
    advance(1);
    time.wait(() => advance(12));
    expect(time.busyMs).toBeCloseTo(4, 12);
    expect(time.parkedMs).toBeCloseTo(12.05, 12);
    const f = time.waits.figures();
    expect(f.counts).toEqual([0, 1, 0, 0, 1]);
    expect(sum(f.ms)).toBeCloseTo(time.parkedMs, 12);
  });

  test('after stop, a wait (the shutdown drain) is parked time and no busy time', () => {
    const { time, advance } = clocked();
    advance(2);
    time.stop();
    advance(5); // between stop and the drain's park: neither busy nor parked
    time.wait(() => advance(0.5));
    time.stop();
    expect(time.busyMs).toBeCloseTo(2, 12);
    expect(time.parkedMs).toBeCloseTo(0.5, 12);
    expect(time.waits.figures().counts).toEqual([0, 0, 1, 0, 0]);
  });

  test('the summary line names every bucket; one decimal below 10 ms, none for an empty bucket', () => {
    const text = waitsText({ counts: [21286, 5418, 382, 417, 0], ms: [0.4, 120.2, 208, 857, 0] });
    expect(text).toBe(
      'waits: <10us 21286 (0.4 ms)  <100us 5418 (120 ms)  <1ms 382 (208 ms)  <10ms 417 (857 ms)  >=10ms 0',
    );
  });
});

describe('waits histogram: real runs keep the invariants', () => {
  function config(durationTicks: number): RunConfig {
    const w = workloads.find((x) => x.name === 'stress')!;
    return {
      workload: 'stress',
      seed: 1,
      bugs: [],
      params: parseParams({ ...w.params, durationTicks }, 'stress'),
    };
  }

  /** Every wait holds at most one park, and the buckets' milliseconds are the parked time. */
  function expectInvariants(raw: RawRun): void {
    expect(raw.workers.length).toBeGreaterThan(0);
    for (const w of raw.workers) {
      expect(w.waits).toBeDefined();
      const { counts, ms } = w.waits!;
      expect(counts).toHaveLength(5);
      expect(ms).toHaveLength(5);
      expect(sum(counts)).toBeGreaterThanOrEqual(w.parks);
      expect(Math.abs(sum(ms) - w.parkedMs)).toBeLessThanOrEqual(1e-6 * Math.max(1, w.parkedMs));
    }
  }

  test('2 workers: counts cover the parks, milliseconds sum to parkedMs; summary and --json carry them', async () => {
    const c = config(30_000_000);
    const raw = await runRaw(c, { host: 'threaded', placement: { kind: 'workers', count: 2 } });
    expect(raw.workers).toHaveLength(2);
    expectInvariants(raw);
    const result = assembleResult(c, planMachine(c), raw);
    const text = formatSummary(result, { color: false });
    // Each worker's waits line, its last bucket on it or on the line under it (under its first bucket).
    expect(text.match(/^ {6}waits: <10us \d+.*(\n {13})?.*>=10ms \d+/gm)).toHaveLength(2);
    const json = JSON.parse(JSON.stringify(result)) as typeof result;
    expect(json.engine.workers.map((w) => w.waits)).toEqual(raw.workers.map((w) => w.waits));
  });

  test('free mode (the same WorkerTime): the same invariants', async () => {
    const c = config(10_000_000);
    const raw = await runRaw(c, { host: 'threaded', free: { windowTicks: 1_000_000 }, watchdogMs: 60_000 });
    expect(raw.placement).toBe('free');
    expectInvariants(raw);
  });

  test('inline: no waits, and no waits line', async () => {
    const c = config(1_000_000);
    const raw = await runRaw(c, { host: 'inline' });
    expect(raw.workers.every((w) => w.waits === undefined)).toBe(true);
    expect(formatSummary(assembleResult(c, planMachine(c), raw), { color: false })).not.toContain('waits:');
  });
});
