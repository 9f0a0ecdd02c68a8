/**
 * What a latency was measured at, where the run's parameters change it as much as the machine: a
 * DMA's latency includes its wait behind the DMAs its GPU already has in flight, up to
 * `gpu.maxOutstanding` (shared by the GPU's engines: dma-engines.ts), so two runs' DMA p99s read
 * as the links' only at the same bound (QA: runs of 64 and 512 compared as if of the links).
 * Written once for every place that prints a DMA latency: the headline, the summary's latency
 * table and the HTML report's.
 */
import { H } from '../model/actors/metric-names.js';
import type { RunResult } from './run-result.js';

/**
 * `at most 64 outstanding per GPU` for the DMA latency; undefined for other latencies, and for a
 * result whose parameters lack the bound.
 */
export function measuredAt(latency: string, r: Pick<RunResult, 'config'>): string | undefined {
  if (latency !== H.dmaLatencyTicks) return undefined;
  const bound = (r.config.params as { gpu?: { maxOutstanding?: unknown } } | undefined)?.gpu?.maxOutstanding;
  return typeof bound === 'number' ? `at most ${bound} outstanding per GPU` : undefined;
}
