/**
 * Liveness failures over a long run: every shootdown that misses its deadline is one, so a run's
 * count grows with its length; the watchdog keeps the first LIVENESS_KEPT whole and counts the
 * rest, as the oracle does violations, and every count said adds them back.
 */
import { describe, expect, test } from 'vitest';
import { runWorkload } from '../../../src/api/run-workload.js';
import { statusLine } from '../../../src/cli/status-line.js';
import { LIVENESS_KEPT } from '../../../src/model/actors/coordinator/watchdog.js';
import { livenessTotal } from '../../../src/report/run-result.js';
import { formatSummary } from '../../../src/report/summary.js';
import { workloads } from '../../../workloads/index.js';

describe('liveness failures past the kept ones', () => {
  test('a run with more than the watchdog keeps keeps 50 and counts the rest', async () => {
    const w = workloads.find((x) => x.name === 'flush-race')!;
    // A deadline of 1 ns: every shootdown misses it (about 50 a simulated ms): 1.5 ms makes about
    // 75, half as many again as the watchdog keeps (seed 42: 76, so 26 counted past the kept).
    const durationTicks = 1_500_000_000;
    const r = await runWorkload(w, {
      seed: 42,
      durationTicks,
      set: { 'host.shootdownDeadlineTicks': 1000 },
    });
    const more = r.counts['liveness.notKept'] ?? 0;
    expect(r.status).toBe('liveness');
    expect(r.liveness).toHaveLength(LIVENESS_KEPT);
    expect(more).toBeGreaterThan(0);
    expect(livenessTotal(r)).toBe(LIVENESS_KEPT + more);
    expect(formatSummary(r)).toContain(
      `${LIVENESS_KEPT + more} liveness failures (${LIVENESS_KEPT} kept in the result, ${more} more counted)`,
    );
    expect(statusLine(r, durationTicks)).toContain(`${LIVENESS_KEPT + more} liveness failures`);
  });
});
