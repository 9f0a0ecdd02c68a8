/**
 * Whether any GPU of a run sends DMA at all, said before the run beside ut1-reach.ts and
 * ring-reach.ts. A GPU's traffic comes from its DMA engines (`gpu.engines`, gpu/dma-engines.ts)
 * and its collective (`gpu.collective`, gpu/ring-allreduce.ts); with neither, the host's unmaps
 * and their shootdowns still run, but every DMA, ATS, TCE and peer figure counts nothing. QA:
 * `npusim run dma-storm --set gpu.engines=0` answered `DMA moved 0 B/s` and `status clean` without
 * a word, though DMA is what the workload is read for.
 */
import { gpuListText } from './gpu-list-text.js';
import { gpusWithTenant } from './tenant-reach.js';
import type { World } from './world.js';

/** A note's parts, as tenant-reach.ts `TenantNote`: what is left out, what follows, and why. */
export interface DmaNote {
  head: string;
  why: string;
  detail: string;
}

/** The tenants' GPUs, where none of them sends DMA, with why; else undefined. */
export function gpusWithoutDma(w: World): DmaNote | undefined {
  const g = w.config.params.gpu;
  if (g.engines > 0 || g.collective !== 'none') return undefined;
  const idle = gpusWithTenant(w);
  if (idle.length === 0) return undefined;
  return {
    head: `no DMA or peer access is sent from ${gpuListText(w.topology, idle)}`,
    why: "so the run's DMA, ATS, TCE and peer figures count nothing (its unmaps and shootdowns still run)",
    detail: 'no DMA engine runs (`gpu.engines` 0) and no collective (`gpu.collective` none)',
  };
}
