import { describe, expect, test } from 'vitest';
import {
  type DmaCounts,
  judgeDmaConservation,
  judgeMessageConservation,
} from '../../../src/model/check/rules/conservation-rules.js';

const gpu = (over: Partial<DmaCounts> = {}): DmaCounts => ({
  gpu: 'gpu0',
  issued: 10,
  completed: 6,
  faulted: 2,
  faultsWithReason: 2,
  inFlight: 2,
  peerIssued: 4,
  peerCompleted: 2,
  peerRefused: 1,
  peerInFlight: 1,
  ...over,
});

describe('conservation rules', () => {
  test('conservation.message: judged per edge, so a loss on one edge and an extra on another do not cancel', () => {
    const v = judgeMessageConservation(
      [
        { label: 'a->b', actors: ['a', 'b'], sent: 10, received: 7, inFlight: 2 },
        { label: 'b->a', actors: ['b', 'a'], sent: 20, received: 21, inFlight: 0 },
        { label: 'a->c', actors: ['a', 'c'], sent: 5, received: 5, inFlight: 0 },
      ],
      99,
    );
    expect(v.map((x) => x.rule)).toEqual(['conservation.message', 'conservation.message']);
    expect(v[0]!.message).toContain('1 lost');
    expect(v[1]!.message).toContain('1 extra');
    expect(v[0]!.actors).toEqual(['a', 'b']);
  });

  test('conservation.dma: a GPU whose DMAs all completed, faulted or are in flight passes', () => {
    expect(judgeDmaConservation([gpu()], 5)).toEqual([]);
  });

  test('conservation.dma: a DMA that vanished, a fault without a reason, or a lost peer write is reported', () => {
    expect(judgeDmaConservation([gpu({ completed: 5 })], 5).map((v) => v.message)).toEqual([
      expect.stringContaining('issued 10, completed 5'),
    ]);
    expect(judgeDmaConservation([gpu({ faultsWithReason: 1 })], 5)[0]!.message).toContain(
      '2 faults and 1 reasons',
    );
    expect(judgeDmaConservation([gpu({ peerCompleted: 1 })], 5)[0]!.rule).toBe('conservation.dma');
  });
  test('conservation.message: messages still in flight are not lost; the finding carries the tick it was judged at', () => {
    expect(
      judgeMessageConservation(
        [{ label: 'a->b', actors: ['a', 'b'], sent: 10, received: 8, inFlight: 2 }],
        7,
      ),
    ).toEqual([]);
    const v = judgeMessageConservation(
      [{ label: 'a->b', actors: ['a', 'b'], sent: 10, received: 8, inFlight: 1 }],
      7,
    );
    expect(v.map((x) => [x.rule, x.tick])).toEqual([['conservation.message', 7]]);
  });

  test('conservation.dma: more completions, reasons or peer completions than issued are reported too, at the tick judged', () => {
    const found = (over: Partial<DmaCounts>) =>
      judgeDmaConservation([gpu(over)], 5).map((v) => [v.rule, v.tick]);
    expect(found({ completed: 7 })).toEqual([['conservation.dma', 5]]);
    expect(found({ faultsWithReason: 3 })).toEqual([['conservation.dma', 5]]);
    expect(found({ peerCompleted: 3 })).toEqual([['conservation.dma', 5]]);
  });
});
