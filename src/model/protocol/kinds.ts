/**
 * Message kinds. The number is what a ring record carries; its high nibble is the tie-break class
 * (sim-message.ts `stampOrder`): at equal time, timers go first, then host control, answers,
 * invalidations, translations, and data last. What each kind carries, and how it packs into the
 * record's fields, is written once, beside its type, in messages/*.ts.
 */
export const K = {
  ENGINE_TIMER: 0x01,
  HOST_TIMER: 0x02,
  TCE_TIMER: 0x03,
  MMIO_TIMER: 0x04,
  TCE_KILL_TIMER: 0x05,
  WATCHDOG_TIMER: 0x06,
  TCE_MAP_TIMER: 0x07,
  CONTEXT_TIMER: 0x08,
  RESET_TIMER: 0x09,
  SBR_TIMER: 0x0a,
  TCE_MAPPER_TIMER: 0x0b,
  COLLECTIVE_TIMER: 0x0c,
  WALK_TIMER: 0x0d,
  PTE_CLEAR: 0x10,
  PTE_SET: 0x11,
  PAGE_FREE: 0x12,
  ATSD_OP: 0x13,
  TCE_REMAP: 0x14,
  UNMAP_REQUEST: 0x15,
  RESET_REQUEST: 0x16,
  RESET_STEP: 0x17,
  PTE_CLEARED: 0x20,
  ATSD_ANSWER: 0x21,
  TCE_REMAPPED: 0x22,
  UNMAP_DONE: 0x23,
  RESET_ACK: 0x24,
  RESET_DONE: 0x25,
  ATSD_INVALIDATE: 0x30,
  ATSD_ACK: 0x31,
  ATS_REQUEST: 0x40,
  ATS_RESPONSE: 0x41,
  DMA: 0x50,
  DMA_COMPLETE: 0x51,
  PEER_ACCESS: 0x52,
  PEER_COMPLETE: 0x53,
  MMIO_ACCESS: 0x54,
} as const;

/** A kind's name as K spells it, e.g. 'DMA': the name a typed message is made with. */
export type KindName = keyof typeof K;

/** Bytes a link serialises for a header-only message (control, answers, translations). */
export const HEADER_BYTES = 16;
