/**
 * scripts/ab-args.mjs, what the A/B scripts share: the per-round ratios they print beside the
 * ratio of the builds' medians, so one A/B says how far a single round strays.
 */
import { describe, expect, test } from 'vitest';
import { pairedRatios, pairedText } from '../../scripts/ab-args.mjs';

/** Runs of one build: two per round, as ab-inline's children give them. */
function runs(perRound: number[][]): { cpu: number; round: number }[] {
  return perRound.flatMap((xs, round) => xs.map((cpu) => ({ cpu, round })));
}

describe('A/B per-round ratios', () => {
  test("each round's ratio is A's median over B's in that round; the median and range are over the rounds", () => {
    const res = {
      // Rounds 0..2: A 10 (10, 10), 20 (19, 21), 12 (12, 12); B 10, 10, 10.
      A: runs([
        [10, 10],
        [19, 21],
        [12, 12],
      ]),
      B: runs([
        [10, 10],
        [9, 11],
        [10, 10],
      ]),
    };
    const p = pairedRatios(res, 'cpu');
    expect(p).toEqual({ median: 1.2, low: 1, high: 2 });
    expect(pairedText(p)).toBe('1.200 (1.000 to 2.000)');
  });

  test('a round is compared with the same round of the other build, not with its median', () => {
    // B is half as costly in every round while the machine slows from round to round: every
    // round's ratio is 2. Paired with the wrong round (B's rounds reversed) they would spread.
    const res = { A: runs([[10], [40], [80]]), B: runs([[5], [20], [40]]) };
    expect(pairedRatios(res, 'cpu')).toEqual({ median: 2, low: 2, high: 2 });
    const reversed = { A: res.A, B: res.B.map((x) => ({ ...x, round: 2 - x.round })) };
    expect(pairedRatios(reversed, 'cpu')).toEqual({ median: 2, low: 0.25, high: 16 });
  });
});
