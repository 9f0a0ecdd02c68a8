import { describe, expect, test } from 'vitest';
import { loadNote, median, pairedRatio, targetVerdict } from '../../bench/bench-run.js';
import { hostsOfRound, run } from '../../bench/engine.js';
import { liveWorkerCount } from '../../src/runtime/threaded-runtime.js';

/** bench-run.ts pairedRatio: the median of per-round ratios, beside the ratio of the medians. */
describe('paired ratios', () => {
  test('the median of the per-round ratios, not the ratio of the medians', () => {
    // Per-round ratios 2, 3 and 1: their median is 2; the medians' ratio is 4 / 3.
    expect(pairedRatio([2, 9, 4], [1, 3, 4])).toBe(2);
    expect(median([2, 9, 4]) / median([1, 3, 4])).toBeCloseTo(4 / 3, 12);
    // An even count takes the upper median, as every bench row does.
    expect(pairedRatio([1, 2, 3, 4], [1, 1, 1, 1])).toBe(3);
  });

  test('rows of different lengths, or none, are refused, naming both lengths', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([1, 2], [1])).toThrow('got 2 and 1');
    expect(() => pairedRatio([], [])).toThrow('got 0 and 0');
  });
});

/** bench-run.ts targetVerdict: the verdict on the medians, and the paired one where it differs. */
describe('target verdicts', () => {
  test('the paired verdict is named only where it falls on the other side of the target', () => {
    expect(targetVerdict(1.6, 1.7, 1.5)).toBe('target >= 1.5: met');
    expect(targetVerdict(1.4, 1.3, 1.5)).toBe('target >= 1.5: NOT met');
    expect(targetVerdict(1.42, 1.51, 1.5)).toBe('target >= 1.5: NOT met; paired met');
    expect(targetVerdict(2.01, 1.99, 2)).toBe('target >= 2: met; paired NOT met');
  });
});

/** bench/engine.ts: inline and the baseline back to back, taking turns at going first. */
describe('engine bench, the order of a round', () => {
  test('with a baseline: inline first in even rounds, the baseline first in odd and warm-up rounds', () => {
    const rest = ['workers-2', 'per-actor'];
    expect(hostsOfRound(0, 'inline', 'base', rest)).toEqual(['inline', 'base', 'workers-2', 'per-actor']);
    expect(hostsOfRound(1, 'inline', 'base', rest)).toEqual(['base', 'inline', 'workers-2', 'per-actor']);
    expect(hostsOfRound(4, 'inline', 'base', rest)).toEqual(['inline', 'base', 'workers-2', 'per-actor']);
    expect(hostsOfRound(-1, 'inline', 'base', rest)).toEqual(['base', 'inline', 'workers-2', 'per-actor']);
    expect(hostsOfRound(-2, 'inline', 'base', rest)).toEqual(['inline', 'base', 'workers-2', 'per-actor']);
  });

  test('without a baseline: inline first in every round', () => {
    for (const round of [-1, 0, 1, 2]) {
      expect(hostsOfRound(round, 'inline', undefined, ['per-actor'])).toEqual(['inline', 'per-actor']);
    }
  });
});

/** What the engine bench prints to stdout for these options (its --json when `json`). */
async function engineBenchOutput(values: Record<string, string>, json: boolean): Promise<string[]> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await run({
      json,
      values,
      whole: (name: string, fallback: number) =>
        values[name] === undefined ? fallback : Number(values[name]),
      oneOf: () => undefined,
    });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

/** The engine bench's --json: every target ratio also as the median of its per-round ratios. */
describe('engine bench --json, paired ratios', () => {
  test("each paired ratio is the median of its two rows' per-round ratios", async () => {
    // Two rounds: per-round ratios to take the median of (the upper one of two, as every bench row
    // does), with each host's start-up in every run; a third round showed nothing more.
    const out = await engineBenchOutput({ lengths: '1us', warmup: '0', runs: '2' }, true);
    const [length] = (
      JSON.parse(out.join('')) as {
        lengths: {
          rows: { name: string; runs: number[] }[];
          ratios: Record<string, number | null> & { paired: Record<string, number | null> };
        }[];
      }
    ).lengths;
    const runs = (name: string) => length!.rows.find((r) => r.name === name)!.runs;
    const expected = (a: string, b: string) => median(runs(a).map((x, i) => x / runs(b)[i]!));
    expect(runs('inline')).toHaveLength(2);
    expect(length!.ratios.paired).toEqual({
      workers2OverInline: expected('workers-2', 'inline'),
      perActorOverInline: expected('per-actor', 'inline'),
      inlineOverBaseline: null,
      freeOverInline: expected('free', 'inline'),
      inlinePairOverInline: expected('inline-pair', 'inline'),
    });
    for (const [name, x] of Object.entries(length!.ratios.paired)) {
      if (name !== 'inlineOverBaseline') expect(x, name).toBeGreaterThan(0);
    }
    expect(liveWorkerCount()).toBe(0);
  }, 120_000);
});

/** The engine bench's table: the CLI's spelling of rates, counts in words, no repeated line. */
describe('engine bench table', () => {
  test('1 run reads "1 run", rates read as 13.9k, the workers-2 ratio is printed once, a 1 us run says what the targets are for', async () => {
    const out = await engineBenchOutput({ lengths: '1us', warmup: '0', runs: '1' }, false);
    const text = out.join('');
    expect(text).toContain('median of 1 run per host');
    expect(text).not.toMatch(/e\+\d/);
    expect(text).toMatch(/^inline +\d+(\.\d+)?[kMG]? +\d+(\.\d+)?[kMG]? +\d+ /m);
    expect(text).toContain('workers-2/inline: ');
    expect(text).not.toContain('over inline:');
    expect(text).toContain('(targets defined for 1 ms and 6 ms runs; these are 1 us runs)');
    expect(liveWorkerCount()).toBe(0);
  }, 120_000);
});

/** bench-run.ts loadNote: said only when the load average was above the CPU count. */
describe('load note', () => {
  test('a load average above the CPUs gets a note; at or below, none', () => {
    expect(loadNote({ cpus: 2, loadAverageBefore: 2, loadAverageAfter: 9 })).toBeUndefined();
    expect(loadNote({ cpus: 2, loadAverageBefore: 12.6, loadAverageAfter: 13.1 })).toContain(
      'the load average (12.6) was above the CPU count (2)',
    );
  });
});
