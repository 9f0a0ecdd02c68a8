/**
 * The kinds of message actors exchange, and how each packs its meaning into the record's fields
 * (sim-message.ts; 32 bytes on a ring). The high nibble is the tie-break class (kindClass): at equal
 * time, timers go first, then host control, answers, invalidations, translations, and data last.
 *
 * | kind            | from -> to       | fields                                                        |
 * |-----------------|------------------|---------------------------------------------------------------|
 * | ENGINE_TIMER    | gpu self         | tag = engine                                                  |
 * | HOST_TIMER      | chip self        | tag = CPU thread (a process's munmap/migrate)                 |
 * | TCE_TIMER       | coordinator self |                                                               |
 * | MMIO_TIMER      | coordinator self |                                                               |
 * | PTE_CLEAR       | coord -> chip    | lpid, pid, address = va, lengthBytes = pages, tag = op        |
 * | PTE_SET         | coord -> chip    | lpid, pid, address = va, tag|lengthBytes<<22 = pfn (64 KiB)   |
 * | PAGE_FREE       | coord -> chip    | address = pa, tag = new epoch                                 |
 * | ATSD_OP         | coord -> chip    | tag = shootdown, flags = op, see AtsdOpCode; address, pid...  |
 * | TCE_REMAP       | coord -> chip    | tag = gpu, address = first TCE page, lengthBytes = pages, flags = window reset |
 * | UNMAP_REQUEST   | chip -> coord    | tag = CPU thread, lpid, pid, address = va, lengthBytes = pages, flags = migrate |
 * | UNMAP_DONE      | coord -> chip    | tag = CPU thread, flags = 1 if refused (range busy)           |
 * | PTE_CLEARED     | chip -> coord    | tag = op                                                      |
 * | ATSD_ANSWER     | chip -> coord    | tag = shootdown, flags = op, address = reg or STAT            |
 * | TCE_REMAPPED    | chip -> coord    | tag = gpu, address = first TCE page index                     |
 * | ATSD_INVALIDATE | chip -> gpu      | tag = npu*8+reg, flags = inv kind | flush<<2, lpid, pid, address = start, lengthBytes = log2 size |
 * | ATSD_ACK        | gpu -> chip      | tag = npu*8+reg                                               |
 * | ATS_REQUEST     | gpu -> chip      | tag = request, lpid, pid, address = va                        |
 * | ATS_RESPONSE    | chip -> gpu      | tag = request, address = pa, flags = ok | writable<<1 | log2 size - 16 << 2, lengthBytes = epoch |
 * | DMA             | gpu -> chip(s)   | tag = dma, flags = DmaFlags, address = pa or bus, lpid = tenant, pid = epoch, lengthBytes |
 * | DMA_COMPLETE    | chip -> gpu      | tag = dma, flags = DmaStatus                                  |
 * | PEER_WRITE      | gpu -> gpu       | tag = dma, address = peer RAM, lpid = tenant, lengthBytes     |
 * | PEER_COMPLETE   | gpu -> gpu       | tag = dma, flags = DmaStatus                                  |
 * | MMIO_ACCESS     | coord -> gpu     | address = BAR0 offset, tag = value, lpid = tenant, flags = write |
 */
export const K = {
  ENGINE_TIMER: 0x01,
  HOST_TIMER: 0x02,
  TCE_TIMER: 0x03,
  MMIO_TIMER: 0x04,
  TCE_KILL_TIMER: 0x05,
  WATCHDOG_TIMER: 0x06,
  TCE_MAP_TIMER: 0x07,
  PTE_CLEAR: 0x10,
  PTE_SET: 0x11,
  PAGE_FREE: 0x12,
  ATSD_OP: 0x13,
  TCE_REMAP: 0x14,
  UNMAP_REQUEST: 0x15,
  PTE_CLEARED: 0x20,
  ATSD_ANSWER: 0x21,
  TCE_REMAPPED: 0x22,
  UNMAP_DONE: 0x23,
  ATSD_INVALIDATE: 0x30,
  ATSD_ACK: 0x31,
  ATS_REQUEST: 0x40,
  ATS_RESPONSE: 0x41,
  DMA: 0x50,
  DMA_COMPLETE: 0x51,
  PEER_WRITE: 0x52,
  PEER_COMPLETE: 0x53,
  MMIO_ACCESS: 0x54,
} as const;

export const AtsdOpCode = {
  acquire: 1,
  writeAva: 2,
  launch: 3,
  wait: 4,
  release: 5,
} as const;

/** DMA flags: how it was translated, read or write, and the GPU it came from (for routing back). */
export const DmaFlags = {
  UT0: 1,
  UT1: 2,
  /** UT=1 over PCIe (else NVLink). */
  PCIE: 4,
  WRITE: 8,
  gpuShift: 4,
} as const;

/** Why a DMA completed the way it did (DMA_COMPLETE flags). */
export const DmaStatus = {
  ok: 0,
  translationFault: 1,
  tceFault: 2,
  linkDisabled: 3,
  notOwned: 4,
} as const;

export const DMA_STATUS_NAMES = ['ok', 'translation fault', 'TCE fault', 'link disabled', 'not owned'];

/** Bytes a link serialises for a header-only message (control, answers, translations). */
export const HEADER_BYTES = 16;

export const PFN_SHIFT = 16;
const TAG_BITS = 22;
const TAG_SPAN = 2 ** TAG_BITS;

/** Split a 64 KiB frame number over tag (22 bits) and lengthBytes (24 bits). */
export function packPfn(pa: number): { tag: number; lengthBytes: number } {
  const pfn = Math.floor(pa / 2 ** PFN_SHIFT);
  return { tag: pfn % TAG_SPAN, lengthBytes: Math.floor(pfn / TAG_SPAN) };
}

export function unpackPfn(tag: number, lengthBytes: number): number {
  return (lengthBytes * TAG_SPAN + tag) * 2 ** PFN_SHIFT;
}

export function log2(n: number): number {
  return Math.round(Math.log2(n));
}
