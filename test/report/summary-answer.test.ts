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
