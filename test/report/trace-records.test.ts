/**
 * mergeTraceRecords: every actor's records in one clock order, ties by actor, then each actor's
 * own order; the same order whether the actors' lists came in clock order (merged) or not (sorted).
 */
import { describe, expect, test } from 'vitest';
import { mergeTraceRecords } from '../../src/report/trace/trace-records.js';
import type { MachinePlan } from '../../src/runtime/machine-module.js';
import { R, RECORD_FIELDS } from '../../src/runtime/trace-recorder.js';

const plan: MachinePlan = {
  actors: [0, 1, 2].map(
    (index) => ({ index, name: `a${index}`, kind: 'gpu' }) as MachinePlan['actors'][number],
  ),
  edges: [],
};

/** One actor's records: [now, tag] each (the tag tells records of one actor apart). */
function list(records: [number, number][]): Float64Array {
  const out = new Float64Array(records.length * RECORD_FIELDS);
  records.forEach(([now, tag], i) => {
    out[i * RECORD_FIELDS + R.now] = now;
    out[i * RECORD_FIELDS + R.tag] = tag;
    out[i * RECORD_FIELDS + R.edge] = -1;
  });
  return out;
}

const order = (lists: Float64Array[]) =>
  mergeTraceRecords(lists, plan).map((r) => `${r.now}:a${r.actor}:${r.m.tag}`);

describe('mergeTraceRecords', () => {
  test('clock order across actors; at one clock the lower actor first, each actor in its own order', () => {
    const lists = [
      list([
        [5, 1],
        [5, 2],
        [9, 3],
      ]),
      list([
        [1, 1],
        [5, 2],
        [5, 3],
      ]),
      list([
        [0, 1],
        [9, 2],
      ]),
    ];
    expect(order(lists)).toEqual([
      '0:a2:1',
      '1:a1:1',
      '5:a0:1',
      '5:a0:2',
      '5:a1:2',
      '5:a1:3',
      '9:a0:3',
      '9:a2:2',
    ]);
  });

  test('a list out of clock order gets the order a stable sort by clock, then actor, gives', () => {
    const lists = [
      list([
        [7, 1],
        [2, 2],
        [7, 3],
      ]),
      list([
        [2, 1],
        [7, 2],
      ]),
      list([]),
    ];
    expect(order(lists)).toEqual(['2:a0:2', '2:a1:1', '7:a0:1', '7:a0:3', '7:a1:2']);
  });

  test('no records, or none from some actors', () => {
    expect(order([list([]), list([]), list([])])).toEqual([]);
    expect(order([list([]), list([[3, 1]]), list([])])).toEqual(['3:a1:1']);
  });
});
