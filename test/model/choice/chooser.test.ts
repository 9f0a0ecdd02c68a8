import { describe, expect, test } from 'vitest';
import { RecordingChooser, ReplayChooser, SeededChooser } from '../../../src/model/choice/chooser.js';
import { Rng } from '../../../src/model/choice/rng.js';

describe('random: the seeded choice seam', () => {
  test('the same seed gives the same stream, different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 16 }, () => a.nextU32());
    const sb = Array.from({ length: 16 }, () => b.nextU32());
    const sc = Array.from({ length: 16 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  test('seeds above 2^32 are distinct from their low half', () => {
    expect(new Rng(2 ** 33 + 5).nextU32()).not.toBe(new Rng(5).nextU32());
  });

  test('below(n) stays in range and covers it', () => {
    const r = new Rng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.below(6);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(6);
      seen.add(v);
    }
    expect(seen.size).toBe(6);
  });

  test('bad arguments throw a RangeError naming what arrived', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer, got `1.5`/);
    expect(() => new Rng(1).below(0)).toThrow(RangeError);
  });

  test('a recorded choice sequence replays exactly, with no misses', () => {
    const rec = new RecordingChooser(new SeededChooser(9));
    const first = [rec.choose('jitter', 10), rec.choose('order', 3), rec.choose('jitter', 10)];
    const replay = new ReplayChooser(rec.values);
    expect([replay.choose('jitter', 10), replay.choose('order', 3), replay.choose('jitter', 10)]).toEqual(
      first,
    );
    expect(replay.misses).toBe(0);
  });

  test('a replay that leaves the recorded path reduces out-of-range values and pads with zeros, counting both', () => {
    const replay = new ReplayChooser([5, 7]);
    expect(replay.choose('a', 3)).toBe(2);
    expect(replay.choose('b', 10)).toBe(7);
    expect(replay.choose('c', 4)).toBe(0);
    expect(replay.misses).toBe(2);
    expect(replay.used).toBe(2);
  });
});
