/**
 * What one invalidate ATSD covers, and how Linux picks it
 * (docs/theory/ats-atsd-oracle.md#5-the-atsd-engine-npuatsd-unitts-hostshootdownts): the size rule
 * of v4.20+ ("Use size-based ATSD invalidates") and the older threshold rule (~v4.17-4.19). Also
 * the fields of a LAUNCH as the model carries them (the register's bit layout is the NPU's
 * business).
 */
import { ModelRefusal } from '../../core/errors.js';
import { PAGE_1G, PAGE_2M, PAGE_64K, type PageSize } from '../host/page-table.js';
import { alignDown, type Pid } from '../types.js';

/** What one invalidate ATSD covers. */
export type AtsdTarget =
  | { readonly kind: 'range'; readonly start: number; readonly sizeBytes: PageSize }
  | { readonly kind: 'pid' };

/**
 * Linux 4.20+ "Use size-based ATSD invalidates": size==64K -> that 64K page; start and end in one 2M
 * -> the 2M page; in one 1G -> the 1G page; else the whole PID. `sizeBytes` null means the whole
 * address space (mm release). 4K pages are not supported by this code (no 4K AP is ever used).
 */
export function atsdSizeRule(start: number, sizeBytes: number | null): AtsdTarget {
  if (sizeBytes === null) return { kind: 'pid' };
  if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new ModelRefusal('EINVAL', `Expected a range with size >= 0, got start ${start} size ${sizeBytes}`);
  }
  // Size 0 is a range like any other to mmio_invalidate: end = start - 1, which for start 0 wraps
  // to ~0UL, outside every 2M and 1G window of start (so: whole PID).
  const end = start + sizeBytes - 1;
  if (sizeBytes === PAGE_64K) return { kind: 'range', start, sizeBytes: PAGE_64K };
  if (end < 0) return { kind: 'pid' };
  if (alignDown(start, PAGE_2M) === alignDown(end, PAGE_2M)) {
    return { kind: 'range', start: alignDown(start, PAGE_2M), sizeBytes: PAGE_2M };
  }
  if (alignDown(start, PAGE_1G) === alignDown(end, PAGE_1G)) {
    return { kind: 'range', start: alignDown(start, PAGE_1G), sizeBytes: PAGE_1G };
  }
  return { kind: 'pid' };
}

/** One mmio_invalidate call: what it invalidates, and whether it flushes (always, since v4.20). */
export interface InvalidateCall {
  readonly target: AtsdTarget;
  /** mmio_invalidate's `flush`: LAUNCH with No-flush 0, then the two PID-0 flushes. */
  readonly flush: boolean;
}

/**
 * The older rule (v4.17-4.19 pnv_npu2_mn_invalidate_range, debugfs `atsd_threshold`, default 2M):
 * a range larger than the threshold is one whole-PID mmio_invalidate with its flushes; any other is
 * one mmio_invalidate per 64K page from `start` without a flush (No-flush set, no flush ATSDs),
 * then one more at the first address at or past the end ("Do the flush only on the final addess ==
 * end") that flushes. Each call takes and releases its own registers.
 */
export function atsdLegacyCalls(
  start: number,
  sizeBytes: number | null,
  thresholdBytes: number = PAGE_2M,
): InvalidateCall[] {
  if (sizeBytes === null || sizeBytes > thresholdBytes) return [{ target: { kind: 'pid' }, flush: true }];
  if (sizeBytes < 1) throw new ModelRefusal('EINVAL', `Expected a range with size >= 1, got ${sizeBytes}`);
  const page = (a: number): AtsdTarget => ({
    kind: 'range',
    start: alignDown(a, PAGE_64K),
    sizeBytes: PAGE_64K,
  });
  const out: InvalidateCall[] = [];
  let address = start;
  for (; address < start + sizeBytes; address += PAGE_64K) out.push({ target: page(address), flush: false });
  out.push({ target: page(address), flush: true });
  return out;
}

export interface LaunchParams {
  readonly target: AtsdTarget;
  readonly pid: Pid;
  /** Bit 39 == 0: the GPU flushes after invalidating. Linux v4.20+: always true; v4.17-4.19 not per page. */
  readonly flush: boolean;
  /** A flush ATSD: PID 0, IS; no entry matches, only the flush matters. */
  readonly flushOnly: boolean;
}
