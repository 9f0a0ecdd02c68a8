/**
 * The kernel side of UT=1 for a whole topology
 * (docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts): one
 * shared TCE table per GPU, linked to the GPU's PHB4 PE and its NPU PE ("NPUs linking the same GPU
 * get assigned the same PE"), the map/unmap and VFIO clear paths, the kills Linux makes, and DMA
 * from a GPU over PCIe (PHB4) or NVLink (NPU). PHBs and their firmware kills are in phb.ts.
 *
 * Kills, as Linux v5.12 makes them (pci-ioda.c, npu-dma.c; checked against the real functions by
 * test/model/differential.test.ts):
 * - Page kills (`kill`): pnv_pci_ioda2_tce_invalidate walks `it_group_list` and calls
 *   opal_pci_tce_kill(KILL_PAGES, pe, 1 << shift, index << shift, npages) on every PE of the table
 *   ("Rework TCE Kill handling"). Map = allocate bus pages, write TCEs, kill. Unmap = clear TCEs,
 *   kill, then release the bus pages (`__iommu_free` order). The single steps are public too, so
 *   the engine can interleave DMA between them.
 * - Window set and ownership change (`windowKills`): the GPU's PE through
 *   pnv_pci_ioda2_tce_invalidate_pe (a KILL_PE on its PHB4), the NPU PE through
 *   pnv_pci_ioda2_tce_invalidate_entire (pnv_npu_set_window, pnv_npu_unset_window,
 *   pnv_npu_take_ownership), which passes the OPAL token 126 as the kill type.
 * - Linux ignores every kill's return code; the model returns them and counts the failures.
 * - DMA (`dma`) goes through the cache: a hit returns the cached entry even when the table has
 *   changed since (stale: its generation differs from the table's), so the oracle can see a stale
 *   use; an invalid entry, a missing permission, a reserved PE or an address outside the window
 *   fault with a reason. Nothing is silent.
 *
 * Bug switches and the firmware knob: tce-system-options.ts.
 *
 * Time: kills and table writes are instantaneous state changes here; their latency is the
 * engine's to charge.
 */
import { assert, ConfigError, ModelRefusal } from '../../core/errors.js';
import type { Topology } from '../platform/topology.js';
import { NPU_GPU_PES } from '../platform/topology-spec.js';
import { type BusAddr, bus, hex, type PhysAddr } from '../types.js';
import {
  type DmaAccess,
  type DmaResult,
  OPAL_PCI_TCE_KILL_ALL,
  OPAL_PCI_TCE_KILL_PAGES,
  OPAL_PCI_TCE_KILL_PE,
  OPAL_PCI_TCE_KILL_TOKEN,
  OPAL_SUCCESS,
  type OpalKillCall,
  type OpalResult,
  type TceKill,
} from './opal-tce.js';
import { type KillTiming, Phb } from './phb.js';
import {
  type ResolvedTceSystemOptions,
  resolveTceSystemOptions,
  type TceSystemOptions,
  type TceSystemStats,
  type WindowOptions,
} from './tce-system-options.js';
import { sharedPageShifts, type TcePermission, TceTable } from './tce-table.js';

export type VfioClearEvent =
  | { kind: 'xchg'; index: number; oldPhysAddr: PhysAddr }
  | {
      kind: 'unpin';
      index: number;
      physAddr: PhysAddr;
      /** Some TCE cache of a PE using the table still translates this page: the unpin window. */
      stillCached: boolean;
    }
  | { kind: 'kill'; results: OpalResult[] };

/**
 * The kernel side of UT=1 for a whole topology: PHBs, one shared table per GPU, the map/unmap
 * and VFIO clear paths, and DMA from a GPU over PCIe (PHB4) or NVLink (NPU).
 */
export class TceSystem {
  readonly phbs = new Map<string, Phb>();
  private readonly tables = new Map<number, TceTable>();
  /**
   * Each GPU's two PEs, found once: `gpuPe`/`npuPe` build the PHB's name and look it up by that
   * string, which every UT=1 DMA would otherwise pay for (the PHBs never change after the
   * constructor).
   */
  private readonly dmaPes: ({ pcie: GpuPe; nvlink: GpuPe } | undefined)[] = [];
  /** Per table: indices cleared (or written) but not yet killed by the kernel. */
  private readonly pendingKill = new Map<number, Set<number>>();
  private readonly options: ResolvedTceSystemOptions;
  private readonly killLog: OpalKillCall[] | undefined;
  readonly stats: TceSystemStats = {
    maps: 0,
    unmaps: 0,
    kernelKills: 0,
    ignoredKillFailures: 0,
    unpinsWhileCached: 0,
  };

  constructor(
    readonly topology: Topology,
    options: TceSystemOptions = {},
  ) {
    this.options = resolveTceSystemOptions(options);
    this.killLog = options.killLog;
    for (const sk of topology.sockets) {
      const gpuPhb = gpuPhbName(sk.gpuPciDomain);
      const npuPhb = npuPhbName(sk.npu.pciDomain);
      this.phbs.set(
        gpuPhb,
        new Phb({
          name: gpuPhb,
          kind: 'phb4',
          cacheCapacityEntries: this.options.cacheCapacityEntries,
          escalatePageKills: this.options.firmware.phb4EscalatePageKills,
        }),
      );
      this.phbs.set(
        npuPhb,
        new Phb({
          name: npuPhb,
          kind: 'npu2',
          cacheCapacityEntries: this.options.cacheCapacityEntries,
          killLoopNoAdvance: this.options.killLoopNoAdvance,
        }),
      );
    }
  }

  private gpu(gpu: number) {
    const g = this.topology.gpus[gpu];
    if (g === undefined)
      throw new ConfigError('gpu', `Expected a GPU index below ${this.topology.gpus.length}, got ${gpu}`);
    return g;
  }

  /** The GPU's PE on its PHB4 (PE number = index on the socket, ASSUMED numbering). */
  gpuPe(gpu: number): GpuPe {
    const g = this.gpu(gpu);
    return { phb: this.phbs.get(gpuPhbName(g.pci.domain))!, pe: g.indexOnNpu };
  }

  /**
   * The NPU PE shared by all of the GPU's bridges (pnv_ioda_setup_npu_PE): Linux's, from the top
   * down (topology-spec.ts NPU_GPU_PES: 5 for a socket's first GPU, 4, 3).
   */
  npuPe(gpu: number): GpuPe {
    const g = this.gpu(gpu);
    const npu = this.topology.sockets[g.socket]!.npu;
    const pe = NPU_GPU_PES[g.indexOnNpu];
    assert(pe !== undefined, `GPU${gpu}: index ${g.indexOnNpu} on its NPU has no PE (validated: at most 5)`);
    return { phb: this.phbs.get(npuPhbName(npu.pciDomain))!, pe };
  }

  table(gpu: number): TceTable {
    const t = this.tables.get(gpu);
    if (t === undefined)
      throw new ModelRefusal('ENODEV', `GPU${gpu}: no DMA window set (call createWindow first)`);
    return t;
  }

  /**
   * Create the GPU's table and set it on the GPU PE and the NPU PE, unwinding on failure as the
   * v5.0 compound group's set_window does. A SIMPLIFICATION: that set_window
   * (pnv_npu_peers_set_window) passes one table to every PE of the compound group, so under VFIO
   * with per-socket groups the socket's GPU PEs and NPU PEs all share one table and every kill
   * walks them all; here each GPU keeps a table of its own, linked to its two PEs
   * (docs/theory/topology-groups-tce.md section 5). The page size must be one both PHB4 and NPU2
   * support (4K or 64K).
   */
  createWindow(gpu: number, options: WindowOptions = {}): TceTable {
    const pageShift = options.pageShift ?? 16;
    const gpuPe = this.gpuPe(gpu);
    const npuPe = this.npuPe(gpu);
    const shared = sharedPageShifts(gpuPe.phb.supportedPageShifts, npuPe.phb.supportedPageShifts);
    if (!shared.includes(pageShift)) {
      throw new ModelRefusal(
        'EINVAL',
        `GPU${gpu}: TCE page shift ${pageShift} is not supported by both PHB4 and NPU2 (shared: ${shared.join('/')})`,
      );
    }
    if (this.tables.has(gpu)) throw new ModelRefusal('EBUSY', `GPU${gpu}: a DMA window is already set`);
    const table = new TceTable(gpu, {
      pageShift,
      windowBase: bus(options.windowBase ?? 0),
      windowPages: options.windowPages ?? 32768,
      levelEntries: options.levelEntries,
    });
    gpuPe.phb.setWindow(gpuPe.pe, table);
    try {
      npuPe.phb.setWindow(npuPe.pe, table);
    } catch (e) {
      gpuPe.phb.unsetTve(gpuPe.pe); // unwind, as the compound set_window does
      throw e;
    }
    table.groupList.push({ phb: gpuPe.phb.name, pe: gpuPe.pe }, { phb: npuPe.phb.name, pe: npuPe.pe });
    this.tables.set(gpu, table);
    this.pendingKill.set(gpu, new Set());
    // pnv_pci_ioda2_set_window and pnv_npu_set_window kill after mapping the window.
    this.windowKills(gpu);
    return table;
  }

  /** Write TCEs for `physPages` starting at window index `index` (no kill). */
  writeTces(gpu: number, index: number, physPages: readonly PhysAddr[], permission: TcePermission): void {
    const t = this.table(gpu);
    const pending = this.pendingKill.get(gpu)!;
    // An indexed loop: a chip maps each GPU's whole window this way when it is built, in code
    // still cold (ChipActor.tellOracleTheOwners).
    for (let i = 0; i < physPages.length; i++) {
      t.xchg(index + i, physPages[i]!, permission);
      pending.add(index + i);
    }
  }

  /** Clear TCEs (no kill); returns the old valid entries' pages, in index order. */
  clearTces(gpu: number, index: number, npages: number): (PhysAddr | null)[] {
    const t = this.table(gpu);
    const pending = this.pendingKill.get(gpu)!;
    const old: (PhysAddr | null)[] = [];
    for (let i = index; i < index + npages; i++) {
      old.push(t.xchg(i, null)?.physAddr ?? null);
      pending.add(i);
    }
    return old;
  }

  /** One opal_pci_tce_kill as the kernel makes it: the answer is recorded, never acted on. */
  private opalKill(
    ref: { phb: string; pe: number },
    killType: number,
    tceSize: number,
    dmaAddr: number,
    npages: number,
    at: KillTiming | undefined,
  ): OpalResult {
    const phb = this.phbs.get(ref.phb)!;
    const dropped: TceKill[] = [];
    const result = phb.tceKill(killType, ref.pe, tceSize, dmaAddr, npages, at, dropped);
    if (result.rc !== OPAL_SUCCESS) this.stats.ignoredKillFailures++;
    this.killLog?.push({
      phb: phb.name,
      phbKind: phb.kind,
      killType,
      pe: ref.pe,
      tceSize,
      dmaAddr,
      npages,
      result,
      ...(dropped.length > 0 ? { dropped } : {}),
    });
    return result;
  }

  /**
   * pnv_pci_ioda2_tce_invalidate: KILL_PAGES on every PE of it_group_list, with the table's page
   * size and the absolute bus address. Linux ignores the return codes; they are returned here and
   * failures counted. `at`: when the kills reach the hardware (the PHB4's kill queue, phb.ts).
   */
  kill(gpu: number, index: number, npages: number, at?: KillTiming): OpalResult[] {
    const t = this.table(gpu);
    this.stats.kernelKills++;
    const results = t.groupList.map((ref) =>
      this.opalKill(ref, OPAL_PCI_TCE_KILL_PAGES, t.pageBytes, t.busAddrOf(index), npages, at),
    );
    const pending = this.pendingKill.get(gpu)!;
    for (let i = index; i < index + npages; i++) pending.delete(i);
    return results;
  }

  /**
   * The kills of a window set, unset or ownership change, in it_group_list order: the GPU's PHB4 PE
   * through pnv_pci_ioda2_tce_invalidate_pe (KILL_PE), the NPU PE through
   * pnv_pci_ioda2_tce_invalidate_entire (token 126 with `entireKillIgnored`, else KILL_ALL; its PE
   * argument is 0).
   */
  windowKills(gpu: number, at?: KillTiming): OpalResult[] {
    const t = this.table(gpu);
    const results = t.groupList.map((ref) => {
      if (this.phbs.get(ref.phb)!.kind === 'phb4')
        return this.opalKill(ref, OPAL_PCI_TCE_KILL_PE, 0, 0, 0, at);
      const killType = this.options.entireKillIgnored ? OPAL_PCI_TCE_KILL_TOKEN : OPAL_PCI_TCE_KILL_ALL;
      return this.opalKill({ phb: ref.phb, pe: 0 }, killType, 0, 0, 0, at);
    });
    this.pendingKill.get(gpu)!.clear();
    return results;
  }

  /** Give bus pages back; refused while any of them was changed and not yet killed. */
  releaseBusPages(gpu: number, index: number, npages: number): void {
    const pending = this.pendingKill.get(gpu);
    for (let i = index; i < index + npages; i++) {
      if (pending?.has(i)) {
        throw new ModelRefusal(
          'TCE_ORDER',
          `GPU${gpu}: bus page ${i} released before its TCE kill (__iommu_free clears, kills, then frees the IOVA)`,
        );
      }
    }
    this.table(gpu).freePages(index, npages);
  }

  /** Kernel DMA map: allocate bus pages, write the TCEs, kill. Returns the bus address. */
  map(gpu: number, physPages: readonly PhysAddr[], permission: TcePermission = 'rw'): BusAddr {
    const t = this.table(gpu);
    const index = t.allocPages(physPages.length);
    if (index === undefined) {
      throw new ModelRefusal(
        'ENOMEM',
        `GPU${gpu}: no ${physPages.length} free bus pages in window of ${t.windowPages}`,
      );
    }
    this.writeTces(gpu, index, physPages, permission);
    this.kill(gpu, index, physPages.length);
    this.stats.maps++;
    return t.busAddrOf(index);
  }

  /** Kernel DMA unmap (`__iommu_free`): clear, kill, then release the bus pages. */
  unmap(gpu: number, busAddr: BusAddr, npages: number): void {
    const t = this.table(gpu);
    const index = t.indexOf(busAddr);
    if (index === undefined)
      throw new ModelRefusal('EINVAL', `GPU${gpu}: ${hex(busAddr)} is outside the DMA window`);
    this.clearTces(gpu, index, npages);
    this.kill(gpu, index, npages);
    this.releaseBusPages(gpu, index, npages);
    this.stats.unmaps++;
  }

  /** PHB4 page kills dropped by a backed-up kill queue so far (HW560152, phb.ts), over every PHB. */
  killsDropped(): number {
    let n = 0;
    for (const phb of this.phbs.values()) n += phb.stats.killsDropped;
    return n;
  }

  /** Whether any cache of a PE using the GPU's table still holds window index `index`. */
  cachedAnywhere(gpu: number, index: number): boolean {
    const t = this.table(gpu);
    const busPage = Math.floor(t.busAddrOf(index) / t.pageBytes);
    return t.groupList.some((ref) => this.phbs.get(ref.phb)!.cache.peek(ref.pe, busPage) !== undefined);
  }

  /**
   * VFIO `tce_iommu_clear`: xchg_no_kill each TCE, unpin the old page, one kill for the range.
   * With `unpinBeforeKill` the unpins come inside the loop, before the kill (real Linux); else
   * after it. Returns the events in order; each unpin says whether a cache still held the page.
   */
  vfioClear(gpu: number, busAddr: BusAddr, npages: number): VfioClearEvent[] {
    const t = this.table(gpu);
    const first = t.indexOf(busAddr);
    if (first === undefined)
      throw new ModelRefusal('EINVAL', `GPU${gpu}: ${hex(busAddr)} is outside the DMA window`);
    const events: VfioClearEvent[] = [];
    const toUnpin: { index: number; physAddr: PhysAddr }[] = [];
    const unpin = (index: number, physAddr: PhysAddr) => {
      const stillCached = this.cachedAnywhere(gpu, index);
      if (stillCached) this.stats.unpinsWhileCached++;
      events.push({ kind: 'unpin', index, physAddr, stillCached });
    };
    for (let i = first; i < first + npages; i++) {
      const [old] = this.clearTces(gpu, i, 1);
      if (old === null || old === undefined) continue;
      events.push({ kind: 'xchg', index: i, oldPhysAddr: old });
      if (this.options.unpinBeforeKill) unpin(i, old);
      else toUnpin.push({ index: i, physAddr: old });
    }
    events.push({ kind: 'kill', results: this.kill(gpu, first, npages) });
    for (const u of toUnpin) unpin(u.index, u.physAddr);
    return events;
  }

  /**
   * VFIO ownership change (pnv_npu_peers_take_ownership): every TCE cleared, the allocator emptied,
   * then the window kills (the GPU PE's unset_window: KILL_PE; pnv_npu_take_ownership: the NPU's
   * invalidate_entire, which does nothing with `entireKillIgnored`). The windows stay set here:
   * the engine maps the range again afterwards (a simplification of unset then set).
   */
  changeOwnership(gpu: number): OpalResult[] {
    const t = this.table(gpu);
    for (const i of t.validIndices()) t.xchg(i, null);
    for (let i = 0; i < t.windowPages; i++) if (t.isAllocated(i)) t.freePages(i, 1);
    return this.windowKills(gpu);
  }

  /** A UT=1 DMA from `gpu` over PCIe (its PHB4 PE) or NVLink (its NPU PE). */
  dma(gpu: number, path: 'pcie' | 'nvlink', busAddr: BusAddr, access: DmaAccess): DmaResult {
    let pes = this.dmaPes[gpu];
    if (pes === undefined) {
      pes = { pcie: this.gpuPe(gpu), nvlink: this.npuPe(gpu) };
      this.dmaPes[gpu] = pes;
    }
    const { phb, pe } = path === 'pcie' ? pes.pcie : pes.nvlink;
    return phb.translate(pe, busAddr, access);
  }
}

/** A GPU's PE: its PHB (the PHB4 for PCIe, the NPU for NVLink) and its number there. */
export interface GpuPe {
  phb: Phb;
  pe: number;
}

export function gpuPhbName(domain: number): string {
  return `phb4:${domain.toString(16).padStart(4, '0')}`;
}

export function npuPhbName(domain: number): string {
  return `npu2:${domain.toString(16).padStart(4, '0')}`;
}
