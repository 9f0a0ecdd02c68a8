/**
 * The choice sites that are scheduling decisions: where the model may legally let one agent go
 * before another (docs/theory-of-operation.md#77-search-strategies-random-and-pct-modelchoice). A
 * search strategy (pct.ts) steers these; every other site (which page, which operation, which
 * firmware version) is the workload's own randomness and stays drawn from the seed, so a search
 * never changes what the workload does, only when and in which order it happens.
 *
 * Every scheduling site reads its value the same way round: 0 is "this agent goes first", n - 1 is
 * "this agent goes last":
 * - link.jitter (agent: the link): delivery jitter within the link's bound; 0 is no delay;
 * - gpu.start, gpu.interval (agent: the DMA engine): when an engine issues next; 0 is soonest;
 * - host.start, host.interval (agent: the CPU thread): when a CPU thread munmaps or migrates next,
 *   i.e. when a host unmap lands against the DMA in flight;
 * - tce.start, tce.interval, mmio.start, mmio.interval: when the next TCE unmap or BAR0 access comes;
 * - ats.refill (agent: the GPU's refill pipeline): whether a refill in flight moves on now (a value
 *   below refillAdvancePercent) or lingers, i.e. when an old translation reaches the L1 against the
 *   ATSD that should have removed it;
 * - atsd.spinner: which spinning CPU wins a freed ATSD register (0: the one that asked first), i.e.
 *   when a shootdown proceeds against the others.
 */
export const SCHEDULING_SITES: ReadonlySet<string> = new Set([
  'link.jitter',
  'gpu.start',
  'gpu.interval',
  'host.start',
  'host.interval',
  'tce.start',
  'tce.interval',
  'mmio.start',
  'mmio.interval',
  'ats.refill',
  'atsd.spinner',
]);

/** A small stable number for a site name (FNV-1a), to key agents without building strings. */
export function siteId(site: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) h = Math.imul(h ^ site.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
