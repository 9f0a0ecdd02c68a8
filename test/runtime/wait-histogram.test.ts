/**
 * The waits histogram (src/runtime/wait-histogram.ts): each wait goes to one of five buckets by its
 * wall duration, a bound itself to the bucket above it, with a count and a total per bucket.
 */
import { describe, expect, test } from 'vitest';
import {
  WAIT_BOUNDS_MS,
  WAIT_BUCKET_LABELS,
  WaitHistogram,
  waitBucket,
} from '../../src/runtime/wait-histogram.js';

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
