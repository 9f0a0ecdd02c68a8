/**
 * A GPU's DMA engines issue the kinds of traffic the workload's shares ask for (`gpu.peerPercent`,
 * `ut1Percent`, `ut0Percent`), and a kind a GPU cannot issue (no peer its tenant may reach, no TCE
 * window) becomes UT=0 DMA, never another kind. Found by QA: on per-GPU groups with a guest's only
 * GPU, a peer draw fell into the UT=1 share, so the GPU sent UT=1 DMA with `ut1Percent` 0, over the
 * PCIe edge its chip had declared silent for that, and the run crashed ("chip0 sent on edge 3
 * (chip0->gpu0 pcie), which it declared silent").
 */
import { describe, expect, test } from 'vitest';
import { C } from '../../../src/model/actors/metric-names.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { runRaw } from '../../../src/runtime/engine.js';

/** Two guests of one GPU each on per-GPU groups (no peer either may reach), for 20 us. */
function config(gpu: { ut0Percent: number; ut1Percent: number; peerPercent: number }): RunConfig {
  const tenant = (name: string, lpid: number, group: number) => ({
    name,
    lpid,
    groups: [group],
    processesPerGpu: 2,
    pagesPerProcess: 8,
  });
  return {
    workload: 'dma-mix',
    seed: 1,
    bugs: [],
    params: parseParams(
      {
        topology: 'witherspoon-4',
        policy: 'per-gpu',
        durationTicks: 20_000_000,
        tenants: [tenant('vm1', 1, 0), tenant('vm2', 2, 1)],
        gpu: { issueIntervalTicks: 50_000, ...gpu },
      },
      'dma-mix',
    ),
  };
}

/** Each counter summed over the run's actors. */
async function counts(c: RunConfig): Promise<(name: string) => number> {
  const raw = await runRaw(c, { host: 'inline' });
  return (name) => raw.reports.reduce((s, r) => s + (r.counters[name] ?? 0), 0);
}

describe('the DMA engines issue the kinds the workload asks for', () => {
  test('a GPU with no peer to reach: its peer share becomes UT=0 DMA, no UT=1 DMA with ut1Percent 0', async () => {
    const n = await counts(config({ ut0Percent: 90, ut1Percent: 0, peerPercent: 10 }));
    expect(n(C.dmaUt1)).toBe(0);
    expect(n(C.peerIssued)).toBe(0);
    expect(n(C.dmaUt0)).toBeGreaterThan(0);
    expect(n(C.dmaUt0)).toBe(n(C.dmaIssued));
  });

  test('the same GPUs with a UT=1 share: UT=1 DMA at about that share, not the peer share on top', async () => {
    const n = await counts(config({ ut0Percent: 50, ut1Percent: 20, peerPercent: 30 }));
    const issued = n(C.dmaIssued);
    expect(n(C.peerIssued)).toBe(0);
    // 20 % of some 700 draws: before the fix the peer share joined it, about 50 %.
    const share = n(C.dmaUt1) / issued;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
  });
});
