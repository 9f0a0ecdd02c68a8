/**
 * What a TceSystem (tce-system.ts) is built with and counts: its bug switches, firmware knob and
 * cache size, the shape of one DMA window, and its statistics.
 *
 * Bug switches (all default off = the fixed behaviour; profiles.ts says which releases carry them):
 * - `killLoopNoAdvance`: skiboot cd5ddbe3b (fixed in v6.3): npu2_tce_kill's per-page loop never
 *   advanced the address, so only the first page of a range was killed, however long the range:
 *   the kill-all from 128 pages on came later (2a0455ba0, v6.6).
 * - `entireKillIgnored`: Linux's invalidate_entire passes OPAL_PCI_TCE_KILL (token 126) as kill
 *   type; skiboot since 8a2b6d51b answers OPAL_PARAMETER and Linux ignores it, so the NPU's cache
 *   is not killed on window set or ownership change. Off (the fix): the kernel passes
 *   OPAL_PCI_TCE_KILL_ALL. The PHB4's PE kill is made either way.
 * - `unpinBeforeKill`: VFIO `tce_iommu_clear` (v5.4+ "Invalidate multiple TCEs at once") unpins
 *   each old page inside its xchg_no_kill loop, before the one final kill: the window in which a
 *   TCE cache can still translate to an unpinned page. Real Linux behaves like `true`; off, the
 *   model kills first and unpins after.
 * Firmware knob `phb4EscalatePageKills` (skiboot 2b0b6a1a0, v7.0+): the PHB4 turns page kills into
 * PE kills.
 */
import type { FirmwareKnobs } from '../scenario/profiles.js';
import type { OpalKillCall } from './opal-tce.js';
import { DEFAULT_TCE_CACHE_ENTRIES } from './tce-cache.js';

export interface TceSystemOptions {
  /** Entries per PHB/NPU TCE cache (ASSUMED default 64). */
  cacheCapacityEntries?: number;
  killLoopNoAdvance?: boolean;
  entireKillIgnored?: boolean;
  unpinBeforeKill?: boolean;
  /** Firmware behaviours of the skiboot release (profiles.ts); default: the `fixed` profile's. */
  firmware?: FirmwareKnobs;
  /** Every opal_pci_tce_kill call is appended here when given (tests, differential checks). */
  killLog?: OpalKillCall[];
}

export interface WindowOptions {
  /** Default 16 (64 KiB, the POWER host page size). Must be supported by both PHB4 and NPU2. */
  pageShift?: number;
  /** Default 0. */
  windowBase?: number;
  /** Default 32768 (2 GiB at 64 KiB). */
  windowPages?: number;
  /** TCEs per indirect level: a two-level table, levels allocated on demand (tce-table.ts). */
  levelEntries?: number;
}

/** The options with every default filled in (the kill log stays optional). */
export type ResolvedTceSystemOptions = Required<Omit<TceSystemOptions, 'killLog'>>;

export function resolveTceSystemOptions(options: TceSystemOptions): ResolvedTceSystemOptions {
  return {
    cacheCapacityEntries: options.cacheCapacityEntries ?? DEFAULT_TCE_CACHE_ENTRIES,
    killLoopNoAdvance: options.killLoopNoAdvance ?? false,
    entireKillIgnored: options.entireKillIgnored ?? false,
    unpinBeforeKill: options.unpinBeforeKill ?? false,
    firmware: options.firmware ?? { phb4EscalatePageKills: true },
  };
}

export interface TceSystemStats {
  maps: number;
  unmaps: number;
  kernelKills: number;
  /** Kill calls whose OPAL_PARAMETER the kernel ignored (as Linux does). */
  ignoredKillFailures: number;
  unpinsWhileCached: number;
}
