/**
 * The 64-bit value written to an ATSD register's LAUNCH doubleword, with the field layout of Linux
 * npu-dma.c `get_atsd_launch_val` (v4.20-v5.2; NVIDIA UVM's uvm_ats_ibm.c uses the same bits).
 * Bits are IBM-numbered (bit 0 is the most significant), as PPC_BIT(n) = 1 << (63 - n):
 *
 *   bit 12      IS        1: invalidate every entry of the PID (no address)
 *   bit 13      PRS       1: process-scoped; Linux sets it on every launch
 *   bits 15-17  AP        page size of a range invalidate (mmu_get_ap: 64K 5, 2M 1, 1G 2, from
 *                         skiboot's "ibm,processor-radix-AP-encodings"); 0 with IS
 *   bits 19-38  PID       the process (20 bits); 0 for the flush ATSDs ("PID 0 ... will never be
 *                         used for a process on the GPU")
 *   bit 39      No flush  0: the GPU flushes (membar) after invalidating; Linux leaves it 0
 *
 * The LPID is not a LAUNCH field: the NPU takes it from the register's LPARID filter
 * (XTS_MMIO_ATSD<n>_LPARID, bits 52-63, with MSR_HV at bit 51 for LPID 0), which skiboot's
 * OPAL_NPU_MAP_LPAR writes (hw/npu2.c npu2_map_lpar): `atsdLparidValue`. The address of a range
 * invalidate is the AVA doubleword, written before LAUNCH.
 *
 * Values exceed 2^53, so they are bigints. Checked against the compiled kernel function by
 * test/model/differential.test.ts (table linux-atsd-v5.2.json).
 */
import { ModelRefusal } from '../../core/errors.js';
import { PAGE_1G, PAGE_2M, PAGE_64K, type PageSize } from '../host/page-table.js';

const ppcBit = (bit: number): bigint => 1n << BigInt(63 - bit);
const lshift = (endBit: number): bigint => BigInt(63 - endBit);

export const ATSD_LAUNCH_IS = ppcBit(12);
export const ATSD_LAUNCH_PRS = ppcBit(13);
export const ATSD_LAUNCH_NO_FLUSH = ppcBit(39);
const AP_SHIFT = lshift(17);
const AP_MASK = 0b111n;
const PID_SHIFT = lshift(38);
export const ATSD_PID_BITS = 20;
const PID_MASK = (1n << BigInt(ATSD_PID_BITS)) - 1n;
export const ATSD_LPARID_BITS = 12;
const LPARID_MSR_HV = ppcBit(51);

/** Radix AP encodings of the page sizes ATS uses (skiboot hdata/cpu-common.c; 4K is unused). */
export const ATSD_AP_OF_PAGE: ReadonlyMap<PageSize, number> = new Map<PageSize, number>([
  [PAGE_64K, 5],
  [PAGE_2M, 1],
  [PAGE_1G, 2],
]);

export interface AtsdLaunchFields {
  /** null: invalidate the whole PID (IS = 1). */
  readonly pageBytes: PageSize | null;
  readonly pid: number;
  /** Bit 39 = 0: the GPU flushes after the invalidate. */
  readonly flush: boolean;
}

export interface DecodedAtsdLaunch {
  readonly is: boolean;
  readonly prs: boolean;
  readonly ap: number;
  /** The page size of AP, or null when IS is set or AP is not one ATS uses. */
  readonly pageBytes: PageSize | null;
  readonly pid: number;
  readonly noFlush: boolean;
}

/** get_atsd_launch_val(pid, psize), with the No-flush bit as a parameter (Linux: always 0). */
export function atsdLaunchValue(fields: AtsdLaunchFields): bigint {
  const { pageBytes, pid, flush } = fields;
  if (!Number.isInteger(pid) || pid < 0 || BigInt(pid) > PID_MASK) {
    throw new ModelRefusal('EINVAL', `Expected a PID of ${ATSD_PID_BITS} bits, got ${pid}`);
  }
  let launch = ATSD_LAUNCH_PRS | (BigInt(pid) << PID_SHIFT);
  if (pageBytes === null) launch |= ATSD_LAUNCH_IS;
  else {
    const ap = ATSD_AP_OF_PAGE.get(pageBytes);
    if (ap === undefined)
      throw new ModelRefusal('EINVAL', `Expected a 64K, 2M or 1G ATSD size, got ${pageBytes}`);
    launch |= BigInt(ap) << AP_SHIFT;
  }
  if (!flush) launch |= ATSD_LAUNCH_NO_FLUSH;
  return launch;
}

/** The fields an NPU reads from a LAUNCH value. */
export function decodeAtsdLaunch(value: bigint): DecodedAtsdLaunch {
  const is = (value & ATSD_LAUNCH_IS) !== 0n;
  const ap = Number((value >> AP_SHIFT) & AP_MASK);
  let pageBytes: PageSize | null = null;
  if (!is) for (const [size, a] of ATSD_AP_OF_PAGE) if (a === ap) pageBytes = size;
  return {
    is,
    prs: (value & ATSD_LAUNCH_PRS) !== 0n,
    ap,
    pageBytes,
    pid: Number((value >> PID_SHIFT) & PID_MASK),
    noFlush: (value & ATSD_LAUNCH_NO_FLUSH) !== 0n,
  };
}

/** XTS_MMIO_ATSD<n>_LPARID as npu2_map_lpar writes it: LPARID, plus MSR_HV when the LPID is 0. */
export function atsdLparidValue(lpid: number): bigint {
  if (!Number.isInteger(lpid) || lpid < 0 || lpid >= 2 ** ATSD_LPARID_BITS) {
    throw new ModelRefusal('EINVAL', `Expected an LPID of ${ATSD_LPARID_BITS} bits, got ${lpid}`);
  }
  return BigInt(lpid) | (lpid === 0 ? LPARID_MSR_HV : 0n);
}
