/**
 * The benches' printed text: counts with their nouns (`1 run`, not `1 runs`, src/core/count-text.ts),
 * the inline-pair line without a workers-2 clause when workers-2 did not run, and a single-dash
 * word refused as an unknown option, as the `--` form is.
 */
import { describe, expect, test } from 'vitest';
import { cliHeading } from '../../bench/cli-start.js';
import { inlinePairLine } from '../../bench/engine.js';
import { shrinkHeading } from '../../bench/explore.js';
import { startupHeading } from '../../bench/startup.js';
import { sweepHeading } from '../../bench/sweep.js';
import { expectBenchRefusal } from '../support/bench-refusal.js';

describe('bench text', () => {
  test('a count of 1 takes the singular noun', () => {
    expect(cliHeading(1)).toContain('median wall ms of 1 run per build');
    expect(cliHeading(9)).toContain('median wall ms of 9 runs per build');
    expect(startupHeading(1, 1, 'd')).toContain('1 worker (one per actor), median of 1 run per build');
    expect(startupHeading(9, 11, 'd')).toContain('9 workers (one per actor), median of 11 runs per build');
    expect(sweepHeading('pool', { first: 1, last: 1 }, 1, 1)).toContain('median of 1 sweep per row');
    expect(sweepHeading('pool', { first: 1, last: 96 }, 96, 5)).toContain('median of 5 sweeps per row');
    expect(shrinkHeading(1, 7)).toContain('budget 1 run)');
    expect(shrinkHeading(150, 7)).toContain('budget 150 runs)');
  });

  test('inline-pair line: the workers-2 clause only when workers-2 ran', () => {
    const without = inlinePairLine(1.6, 1.5, null);
    expect(without).not.toContain('workers-2');
    expect(without).not.toContain('not run');
    expect(without).toBe(
      'inline-pair/inline: 1.60, paired 1.50 (two inline runs at once, a world each: what two threads give here now)',
    );
    expect(inlinePairLine(1.6, 1.5, 1.2)).toContain('now; workers-2 reached 75% of it)');
  });

  test.each([
    [['-x'], 'Unknown option `-x` for benchmark bound; it takes --workload, --duration-us'],
    [['-runs', '1'], 'Unknown option `-runs` for benchmark bound'],
  ])('bench bound %j: refused as an unknown option, exit 2', (args, message) => {
    expectBenchRefusal('bound', args, message);
  });
});
