/**
 * The names of the counters and histograms actors report, shared by the actors (src/model) and the
 * result assembler (src/report), so a figure is never silently dropped by a typo. Units last.
 */
export const H = {
  atsdRegisterWaitTicks: 'atsd.registerWaitTicks',
  atsdHoldTicks: 'atsd.holdTicks',
  shootdownLatencyTicks: 'shootdown.latencyTicks',
  nmmuTranslateTicks: 'nmmu.translateTicks',
  dmaLatencyTicks: 'dma.latencyTicks',
  peerLatencyTicks: 'peer.latencyTicks',
  tceUnmapLatencyTicks: 'tce.unmapLatencyTicks',
  /** One ring all-reduce, first write to last arrival, per GPU (actors/gpu/ring-allreduce.ts). */
  allreduceTicks: 'allreduce.latencyTicks',
} as const;

export const C = {
  dmaIssued: 'dma.issued',
  dmaCompleted: 'dma.completed',
  dmaFaulted: 'dma.faulted',
  dmaUt0: 'dma.ut0',
  dmaUt1: 'dma.ut1',
  peerIssued: 'peer.issued',
  peerCompleted: 'peer.completed',
  peerRefused: 'peer.refused',
  atsHits: 'ats.hits',
  atsMisses: 'ats.misses',
  atsInvalidations: 'ats.invalidations',
  atsFlushes: 'ats.flushes',
  tceHits: 'tce.hits',
  tceMisses: 'tce.misses',
  tceKills: 'tce.kills',
  tceMaps: 'tce.maps',
  tceUnmaps: 'tce.unmaps',
  nmmuTranslations: 'nmmu.translations',
  nmmuFaults: 'nmmu.faults',
  shootdownsStarted: 'shootdown.started',
  shootdownsCompleted: 'shootdown.completed',
  pagesFreed: 'pages.freed',
  pagesMapped: 'pages.mapped',
  migrations: 'pages.migrated',
  mmioAllowed: 'mmio.allowed',
  mmioBlocked: 'mmio.blocked',
  firmwareUpdates: 'firmware.updates',
  firmwareBlocked: 'firmware.blocked',
  hmis: 'hmi.count',
  gpuResets: 'gpu.resets',
  gpuResetRefused: 'gpu.resetRefused',
} as const;
