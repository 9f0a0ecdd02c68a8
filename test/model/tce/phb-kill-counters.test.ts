/**
 * The PHBs' kills by what they did, counted in a run's `counts` (chip-actor.ts finish): a
 * firmware engineer sees the PHB4 page-kill escalation of skiboot v7.0 and the kill queue of
 * HW560152 dropping page kills in the figures, not only in a stale-TCE finding (QA: the PHBs'
 * figures were in no output).
 */
import { describe, expect, test } from 'vitest';
import { runWorkload } from '../../../src/api/run-workload.js';
import { workloads } from '../../../workloads/index.js';

const tceStorm = workloads.find((w) => w.name === 'tce-storm')!;
const kills = (counts: Record<string, number>) => ({
  pages: counts['tce.killsPages'] ?? -1,
  pe: counts['tce.killsPe'] ?? -1,
  all: counts['tce.killsAll'] ?? -1,
  rejected: counts['tce.killsRejected'] ?? -1,
  dropped: counts['tce.killsDropped'] ?? 0,
});

describe("the PHBs' kill counters", () => {
  test('v7.0 (fixed) escalates every PHB4 page kill to a PE kill; v6.8 (as-shipped) kills page by page and drops some', async () => {
    const durationTicks = 100_000_000;
    const fixed = kills(
      (await runWorkload(tceStorm, { variant: 'page-kills', seed: 1, durationTicks })).counts,
    );
    const shipped = kills(
      (await runWorkload(tceStorm, { variant: 'page-kills-as-shipped', seed: 1, durationTicks })).counts,
    );
    // Every counter is there, at 0 or more, in both.
    for (const k of [fixed, shipped]) for (const v of Object.values(k)) expect(v).toBeGreaterThanOrEqual(0);
    expect(fixed.pages).toBeGreaterThan(0);
    // Each page kill on v7.0 became a PE kill: at least as many PE kills as page kills.
    expect(fixed.pe).toBeGreaterThanOrEqual(fixed.pages);
    expect(fixed.dropped).toBe(0);
    // On v6.8 page kills stay page kills, and the kill queue drops some of them.
    expect(shipped.pe).toBeLessThan(shipped.pages);
    expect(shipped.dropped).toBeGreaterThan(0);
  }, 60_000);
});
