/**
 * Every rule the oracle judges, by its stable name, with where it is judged and why that place sees
 * enough (the table of
 * docs/theory-of-operation.md#where-each-rule-is-judged-and-why-that-place-sees-enough; what each
 * rule compares: docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks). Results,
 * failure files, a workload's `exposes` and the summary all use these names; `RuleName` keeps a
 * typo from ever naming a rule that does not exist.
 */
export const RULES = {
  'isolation.dma': {
    summary: 'a DMA reaches memory that belongs to another tenant',
    judgedAt:
      'the chip whose RAM the DMA lands in: it hears every change of owner of the pages homed there (allocation, TCE pin, free)',
  },
  'isolation.peer': {
    summary: "a peer access (write or read) over NVLink reaches the RAM of another tenant's GPU",
    judgedAt: 'the GPU the access reaches: nothing checks it on the way, so only the receiver sees it',
  },
  'isolation.mmio': {
    summary:
      "an MMIO access reaches the BAR0 of a GPU of another tenant (an invariant: VFIO maps a BAR only into its owner's guest, so no workload sends such an access and a clean run is no evidence of it)",
    judgedAt: 'the GPU whose BAR0 it reaches, after its MMIO filter, if the profile has one, decided',
  },
  'isolation.firmware': {
    summary:
      "a GPU's firmware updated by a tenant the admin did not allow to (a guest-flashed firmware voids the premises the other isolation answers rest on)",
    judgedAt:
      'the GPU whose firmware changed: it sees the commit reach its BAR0 and who made it, and hears from every GPU which tenants the admin allowed',
  },
  'translation.stale-ats': {
    summary: "UT=0 DMA through a translation older than the page's last free (its shootdown missed it)",
    judgedAt:
      'the chip where the DMA lands: every free of a page is broadcast to every chip, and the DMA carries the epoch its translation was made at',
  },
  'translation.stale-tce': {
    summary:
      'UT=1 DMA through a stale TCE cache entry outside the clear-to-kill window: to a page unpinned since its TCE was cleared, or through an index whose last clear was of another page or that was never cleared',
    judgedAt: 'the chip whose PHB or NPU translated it: it owns the TCE caches and the unpin of the pages',
  },
  'translation.lost-tce': {
    summary:
      "UT=1 DMA found no TCE at a bus page the kernel mapped and has not cleared since (the TCE went with an indirect level another thread's allocation replaced)",
    judgedAt:
      "the chip whose PHB or NPU translated it: its kernel writes and clears every TCE of its GPUs' tables, and every UT=1 DMA is translated there",
  },
  'order.free-before-shootdown': {
    summary:
      "a translated page freed before every shootdown covering it (a munmap's two, a migration's one) completed on every NPU involved",
    judgedAt: 'the coordinator: it runs the page lifecycle and every shootdown step',
  },
  'order.free-before-flushes': {
    summary: 'a page freed after its invalidates but before both flush ATSDs completed',
    judgedAt: 'the coordinator: it runs the page lifecycle and every shootdown step',
  },
  'order.atsd-descending': {
    summary: 'ATSD registers taken in descending NPU order',
    judgedAt: 'the coordinator: every acquire of a shootdown is one of its steps',
  },
  'order.atsd-released-early': {
    summary: 'an ATSD register released before the flushes completed on it',
    judgedAt: 'the coordinator: every release of a shootdown is one of its steps',
  },
  'order.atsd-shared-register': {
    summary:
      'two shootdowns drove one ATSD register at once: a store or clear of a register another shootdown held, or a LAUNCH while its STAT != 0',
    judgedAt:
      'the chip whose NPU has the register: every acquire, store, STAT poll and clear of it arrives there, with the shootdown that made it',
  },
  'order.context-use-after-free': {
    summary:
      'an NPU driver context referenced after its last reference was dropped: a kref_get that brought it back from 0, a free while references are held, or a put or free of a freed one',
    judgedAt:
      'the chip whose NPU driver table holds the context: every init (allocation or kref_get) and every destroy step (kref_put, kfree) runs there, and its oracle counts the references itself',
  },
  'order.npu-use-after-gpu-reset': {
    summary:
      "the NPU used a GPU's NVLinks after the GPU's reset dropped them and before the NPU's bricks were reset: an HMI",
    judgedAt:
      'the chip whose NPU used the links: it runs the reset of its GPUs (the SBR and the NPU brick reset) and every ATSD it forwards, and it takes the HMI',
  },
  'translation.ats-refused': {
    summary:
      "an ATS translation refused by the NPU's XTS tables for a brick whose init_context had succeeded and was not destroyed (the firmware's XTS state is not what it told the kernel)",
    judgedAt:
      'the chip: it makes every OPAL init_context and destroy_context on its bricks and answers every ATS request they forward',
  },
  'conservation.message': {
    summary: 'a message sent on an edge was neither received nor still in flight at the end',
    judgedAt: "the run's result, from every edge's sent, received and in-flight counts of both ends",
  },
  'conservation.dma': {
    summary: 'a DMA or peer write neither completed nor faulted with a reason nor was still in flight',
    judgedAt: "the run's result, from each GPU's issue, completion and fault counts",
  },
  'liveness.engine-stall': {
    summary: 'the engine stopped moving: no actor handled an event for the watchdog period (wall clock)',
    judgedAt: "the threaded runtime's watchdog, from the status board every worker writes",
  },
  'liveness.shootdown': {
    summary:
      'a shootdown did not complete within its deadline, counted from its munmap or migration request (a deadlock or a hang)',
    judgedAt: "the coordinator's watchdog: it knows every shootdown in flight and the registers each holds",
  },
} as const;

export type RuleName = keyof typeof RULES;
export const RULE_NAMES = Object.freeze(Object.keys(RULES)) as readonly RuleName[];

export function isRuleName(s: string): s is RuleName {
  return Object.hasOwn(RULES, s);
}
