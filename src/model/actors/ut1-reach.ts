/**
 * Which GPUs of a run send no UT=1 DMA though `gpu.ut1Percent` asks for some, said before the run
 * as peer-reach.ts says peer draws that go nowhere. A GPU's engines (gpu/dma-engines.ts) draw a
 * UT=1 DMA only through its TCE window; a GPU whose tenant has no TCE pages
 * (`tenants[].tcePagesPerGpu` 0) has none, and each UT=1 draw becomes a UT=0 DMA instead. QA: a
 * run with `--set tenants.0.tcePagesPerGpu=0` and the default 30 % UT=1 share counted `dma.ut1: 0`
 * and said nothing, though its TCE figures are what such a run is read for.
 */
import { gpuListText } from './gpu-list-text.js';
import type { World } from './world.js';

/** A note's parts, as tenant-reach.ts `TenantNote`: what is left out, what follows, and why. */
export interface Ut1Note {
  head: string;
  why: string;
  detail: string;
}

/** The GPUs of a tenant with no TCE window where UT=1 DMA is asked for, or undefined. */
export function gpusWithoutTceWindow(w: World): Ut1Note | undefined {
  const g = w.config.params.gpu;
  if (g.ut1Percent === 0 || g.engines === 0) return undefined;
  const idle = w.topology.gpus
    .map((x) => x.index)
    .filter((x) => w.gpuOwner[x]! >= 0 && w.tcePages[x]!.length === 0);
  if (idle.length === 0) return undefined;
  const tenants = [...new Set(idle.map((x) => w.gpuOwner[x]!))].map((o) => w.tenants[o]!.id);
  return {
    head: `gpu.ut1Percent ${g.ut1Percent} sends no UT=1 DMA from ${gpuListText(w.topology, idle)}`,
    why: 'each UT=1 draw there is a UT=0 DMA instead',
    detail: `${tenants.length === 1 ? 'tenant' : 'tenants'} ${tenants.join(', ')} ${tenants.length === 1 ? 'has' : 'have'} no TCE pages (tcePagesPerGpu 0)`,
  };
}
