/**
 * The answer of a run with variants (src/report/summary-answer.ts): a variant Ctrl-C stopped on
 * threads is said to count figures past its stop, as the run's own stop is (QA: a variant
 * reported at 6.76 us counted twice the DMAs a run to that tick completes, without a word).
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { answerSection } from '../../src/report/summary-answer.js';
import { countsResult } from '../support/counts-result.js';

const plain = (_format: unknown, text: string) => text;

function withVariants(host: RunResult['host'], statuses: RunResult['status'][]): RunResult {
  const r = countsResult({});
  return {
    ...r,
    host,
    variants: statuses.map((status, i) => ({
      name: `v${i}`,
      set: { policy: 'per-gpu' },
      status,
      exitCode: status === 'interrupted' ? 130 : 0,
      digest: '',
      violationTotal: 0,
      expectation: { expect: 'clean', found: {}, met: status === 'clean' },
      headline: [],
      reproduce: `npusim run w --variant v${i}`,
      simulatedTicks: 6_762_000,
    })),
  };
}

describe('answer: variants stopped on threads', () => {
  it('a variant interrupted on threads gets the note the own run gets; one that ran to its end, or inline, none', () => {
    const notes = (r: RunResult) => answerSection(r, plain, 100).filter((l) => l.startsWith('  note: '));
    const threaded = answerSection(withVariants('threaded', ['clean', 'interrupted']), plain, 100);
    expect(threaded.join('\n')).toContain(
      '  note: variant v1 was interrupted on threads: its figures also count what workers further on had\n' +
        '        handled past the tick it is reported to (6.762 us)',
    );
    for (const line of threaded) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(notes(withVariants('threaded', ['clean', 'interrupted']))).toHaveLength(1);
    expect(notes(withVariants('threaded', ['clean', 'clean']))).toEqual([]);
    expect(notes(withVariants('inline', ['clean', 'interrupted']))).toEqual([]);
  });
});

describe('answer: rates', () => {
  const figure = (label: string, unit: 'count' | 'per-second' | 'bytes-per-second') => ({
    label,
    value: 1,
    text: unit === 'count' ? '1' : unit === 'per-second' ? '1/s' : '1 B/s',
    unit,
  });
  it("a rate's /s is said to be per second of simulated time, once, alone or with variants (QA: the engine's events/s is per wall second)", () => {
    const alone = (units: ('count' | 'per-second' | 'bytes-per-second')[]) =>
      answerSection({ ...countsResult({}), headline: units.map((u, i) => figure(`f${i}`, u)) }, plain, 100);
    const legend = '  (/s: per second of simulated time)';
    expect(alone(['count', 'per-second', 'bytes-per-second']).filter((l) => l === legend)).toHaveLength(1);
    expect(alone(['bytes-per-second'])).toContain(legend);
    expect(alone(['count'])).not.toContain(legend);
    const table = withVariants('inline', ['clean']);
    table.headline = [figure('moved', 'bytes-per-second')];
    table.variants![0]!.headline = [figure('moved', 'bytes-per-second')];
    expect(answerSection(table, plain, 100).filter((l) => l === legend)).toHaveLength(1);
  });
});
