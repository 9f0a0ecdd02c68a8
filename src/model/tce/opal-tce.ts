/**
 * The OPAL TCE kill interface as skiboot defines it (include/opal-api.h, hw/npu2.c, hw/phb4.c),
 * shared by the PHBs (phb.ts) and the kernel side (tce-system.ts).
 *
 * A kill returns its OPAL code and the kills the firmware actually wrote to the PHB's TCE kill
 * register, in order: everything, one PE, or single entries. That list is what the differential
 * tables (test/fixtures/differential/skiboot-tce-kill-*.json) record from the real functions.
 */
import type { PhysAddr } from '../types.js';
import type { TceTable } from './tce-table.js';

export const OPAL_SUCCESS = 0;
export const OPAL_PARAMETER = -1;
/** The OPAL call token (OPAL_PCI_TCE_KILL) that Linux passes by mistake as a kill type. */
export const OPAL_PCI_TCE_KILL_TOKEN = 126;
/** opal-api.h "Argument to OPAL_PCI_TCE_KILL". */
export const OPAL_PCI_TCE_KILL_PAGES = 0;
export const OPAL_PCI_TCE_KILL_PE = 1;
export const OPAL_PCI_TCE_KILL_ALL = 2;
/** npu2_tce_kill: from this many pages on, one kill-all instead of per-page kills (2a0455ba0). */
export const NPU2_KILL_ALL_THRESHOLD_PAGES = 128;
/**
 * include/npu2.h NPU2_MAX_PE_NUM. npu2_tce_kill refuses `pe_number > NPU2_MAX_PE_NUM`, so PE 8,
 * which has no TVE, still passes (its tve_cache slot is never written: page size 0 -> 2 KiB).
 */
export const NPU2_MAX_PE_NUM = 8;
/** TVE page size NPU2 reads for a PE without a window: 1 << (11 + PSIZE 0). */
export const NPU2_UNSET_TVE_PAGE_BYTES = 2 ** 11;
/** PHB4 PHB_TCE_KILL_PENUM is 9 bits (PPC_BITMASK(55,63)): 512 PEs; skiboot does not check the PE. */
export const PHB4_PE_BITS = 9;
export const PHB4_PES = 2 ** PHB4_PE_BITS;
/** phb4_tce_kill KILL_PAGES accepts these TCE sizes (4K, 64K, 2M, 1G); others are OPAL_PARAMETER. */
export const PHB4_KILL_PAGE_BYTES: readonly number[] = [2 ** 12, 2 ** 16, 2 ** 21, 2 ** 30];

/** One write of a TCE kill register, decoded. `pageBytes`: the PHB4 page-size select. */
export type TceKill =
  | { readonly kind: 'all' }
  | { readonly kind: 'pe'; readonly pe: number }
  | { readonly kind: 'one'; readonly pe: number; readonly addr: number; readonly pageBytes?: number };

export interface OpalResult {
  rc: number;
  /** skiboot's log line on failure. */
  message?: string;
  /** The kill register writes, in order (empty when rejected). */
  kills: TceKill[];
}

/** One opal_pci_tce_kill call as the kernel made it, with the firmware's answer. */
export interface OpalKillCall {
  readonly phb: string;
  readonly phbKind: PhbKind;
  readonly killType: number;
  readonly pe: number;
  readonly tceSize: number;
  readonly dmaAddr: number;
  readonly npages: number;
  readonly result: OpalResult;
  /** The kills of `result` the PHB4's backed-up kill queue dropped (HW560152, phb.ts); absent when none. */
  readonly dropped?: readonly TceKill[];
}

export type PhbKind = 'phb4' | 'npu2';
export type Tve = { kind: 'none' } | { kind: 'window'; table: TceTable } | { kind: 'bypass' };
export type DmaAccess = 'read' | 'write';

/** Faults found before the TCE cache is looked up: no lookup, no hit or miss, no table fetch. */
export type DmaFaultBeforeLookup = 'reserved-pe' | 'no-tve' | 'outside-window';
/**
 * Faults found by a window lookup: `invalid-entry` after a miss whose table fetch found no valid
 * TCE (invalid entries are never cached), `no-permission` after a hit or a miss and fill.
 */
export type DmaFaultAfterLookup = 'invalid-entry' | 'no-permission';
export type DmaFaultReason = DmaFaultBeforeLookup | DmaFaultAfterLookup;

export type DmaResult =
  | {
      kind: 'ok';
      physAddr: PhysAddr;
      bypass: boolean;
      cacheHit: boolean;
      /** Generation of the entry used (-1 in bypass). */
      generation: number;
      /** The table's current generation for that index (-1 in bypass). */
      currentGeneration: number;
      /** True when the entry used is older than the table's: a stale TCE cache use. */
      stale: boolean;
      table: number;
      index: number;
      /** Table levels read from memory to fill the cache: 0 on a hit or in bypass, else the table's levels. */
      fetchLevels: number;
    }
  | { kind: 'fault'; reason: DmaFaultBeforeLookup; detail: string }
  | {
      kind: 'fault';
      reason: DmaFaultAfterLookup;
      detail: string;
      /** The lookup that found the fault hit the TCE cache (never for `invalid-entry`). */
      cacheHit: boolean;
      /** Table levels the lookup read from memory: 0 on a hit, else the table's levels, as `ok`'s. */
      fetchLevels: number;
    };
