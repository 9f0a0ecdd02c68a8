/**
 * UT=1 DMA translation: PHBs with PEs and TVEs, the firmware TCE kill, and the kernel's map,
 * unmap and VFIO clear paths (domain.md section 2 and the "Simulator model checklist").
 *
 * Pieces and what each models:
 * - `Phb`: a PHB4 (a GPU's PCIe side) or an NPU2 PHB (its NVLink bridges). NPU2: 8 PEs, PE 7
 *   reserved ("ibm,opal-num-pes"); one TVE per PE ("NPU has just one TVE"), so a PE has a TCE
 *   window or bypass, never both. Each PHB has one TceCache (tce-cache.ts).
 * - `Phb.tceKill`: skiboot `npu2_tce_kill` / `phb4_tce_kill`: KILL_PAGES needs tce_size equal to
 *   the TVE page size, else OPAL_PARAMETER and "Unexpected TCE size" (003ccd577); on NPU2 npages
 *   < 128 gives one single-entry kill per page, >= 128 a kill-all (2a0455ba0); KILL_PE is a
 *   kill-all on NPU2; any other kill type is OPAL_PARAMETER (since 8a2b6d51b only the enum is
 *   accepted). PHB4 is modelled with per-page kills for every npages (simplification).
 * - `TceSystem`: the kernel side for a whole topology. One table per GPU, linked to the GPU's
 *   PHB4 PE and its NPU PE ("NPUs linking the same GPU get assigned the same PE"); a kill walks
 *   `it_group_list` and kills on every PE ("Rework TCE Kill handling"). Map = allocate bus pages,
 *   write TCEs, kill. Unmap = clear TCEs, kill, then release the bus pages (`__iommu_free` order).
 *   The single steps are public too, so the engine can interleave DMA between them.
 * - DMA (`dma`) goes through the cache: a hit returns the cached entry even when the table has
 *   changed since (stale: its generation differs from the table's), so the oracle can see a stale
 *   use; an invalid entry, a missing permission, a reserved PE or an address outside the window
 *   fault with a reason. Nothing is silent.
 *
 * Bug switches (all default off = the fixed behaviour):
 * - `killLoopNoAdvance`: skiboot cd5ddbe3b: the per-page kill loop never advanced the address,
 *   so only the first page of a range was killed.
 * - `entireKillIgnored`: Linux `pnv_pci_ioda2_tce_invalidate_entire` passes OPAL_PCI_TCE_KILL
 *   (token 126) as the kill type; skiboot after 8a2b6d51b answers OPAL_PARAMETER and Linux ignores
 *   the return code, so the "invalidate entire" on set/unset window and ownership change does
 *   nothing. Off: the kernel passes OPAL_PCI_TCE_KILL_ALL.
 * - `unpinBeforeKill`: VFIO `tce_iommu_clear` (v5.4+ "Invalidate multiple TCEs at once") unpins
 *   each old page inside its xchg_no_kill loop, before the one final kill: the window in which a
 *   TCE cache can still translate to an unpinned page. Real Linux behaves like `true`; off, the
 *   model kills first and unpins after.
 *
 * Time: kills and table writes are instantaneous state changes here; their latency is the
 * engine's to charge.
 */
import { ConfigError, ModelRefusal } from '../../core/errors.js';
import { NPU_PES, NPU_RESERVED_PE, type Topology } from '../platform/topology.js';
import { type BusAddr, bus, hex, type PhysAddr } from '../types.js';
import { type CachedTce, DEFAULT_TCE_CACHE_ENTRIES, TceCache } from './tce-cache.js';
import {
  NPU2_TCE_PAGE_SHIFTS,
  PHB4_TCE_PAGE_SHIFTS,
  sharedPageShifts,
  type TcePermission,
  TceTable,
} from './tce-table.js';

export const OPAL_SUCCESS = 0;
export const OPAL_PARAMETER = -1;
/** The OPAL call token that Linux passes by mistake as a kill type. */
export const OPAL_PCI_TCE_KILL_TOKEN = 126;
export const OPAL_PCI_TCE_KILL_PAGES = 0;
export const OPAL_PCI_TCE_KILL_PE = 1;
export const OPAL_PCI_TCE_KILL_ALL = 2;
/** npu2_tce_kill: from this many pages on, one kill-all instead of per-page kills. */
export const NPU2_KILL_ALL_THRESHOLD_PAGES = 128;
/** PEs modelled on a PHB4 (ASSUMED; only a few are used). */
export const PHB4_PES = 512;

export interface OpalResult {
  rc: number;
  /** skiboot's log line on failure. */
  message?: string;
}

export type PhbKind = 'phb4' | 'npu2';
export type Tve = { kind: 'none' } | { kind: 'window'; table: TceTable } | { kind: 'bypass' };
export type DmaAccess = 'read' | 'write';

export type DmaFaultReason = 'reserved-pe' | 'no-tve' | 'outside-window' | 'invalid-entry' | 'no-permission';

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
    }
  | { kind: 'fault'; reason: DmaFaultReason; detail: string };

export interface PhbStats {
  killCalls: number;
  killsPages: number;
  /** Kill-all performed (KILL_ALL, KILL_PE, or KILL_PAGES with npages >= 128 on NPU2). */
  killsAll: number;
  killsRejected: number;
  dmaOk: number;
  dmaStale: number;
  dmaFaults: number;
}

export interface PhbOptions {
  name: string;
  kind: PhbKind;
  cacheCapacityEntries?: number;
  killLoopNoAdvance?: boolean;
}

export class Phb {
  readonly name: string;
  readonly kind: PhbKind;
  readonly supportedPageShifts: readonly number[];
  readonly cache: TceCache;
  readonly reservedPe: number | undefined;
  private readonly tves: Tve[];
  private readonly killLoopNoAdvance: boolean;
  readonly stats: PhbStats = {
    killCalls: 0,
    killsPages: 0,
    killsAll: 0,
    killsRejected: 0,
    dmaOk: 0,
    dmaStale: 0,
    dmaFaults: 0,
  };

  constructor(options: PhbOptions) {
    this.name = options.name;
    this.kind = options.kind;
    this.supportedPageShifts = options.kind === 'npu2' ? NPU2_TCE_PAGE_SHIFTS : PHB4_TCE_PAGE_SHIFTS;
    this.cache = new TceCache(options.name, options.cacheCapacityEntries ?? DEFAULT_TCE_CACHE_ENTRIES);
    this.reservedPe = options.kind === 'npu2' ? NPU_RESERVED_PE : undefined;
    this.tves = Array.from(
      { length: options.kind === 'npu2' ? NPU_PES : PHB4_PES },
      () => ({ kind: 'none' }) as Tve,
    );
    this.killLoopNoAdvance = options.killLoopNoAdvance ?? false;
  }

  private checkPe(pe: number, where: string): void {
    if (!Number.isInteger(pe) || pe < 0 || pe >= this.tves.length) {
      throw new ModelRefusal(
        'OPAL_PARAMETER',
        `${this.name} ${where}: expected a PE below ${this.tves.length}, got ${pe}`,
      );
    }
    if (pe === this.reservedPe) {
      throw new ModelRefusal('OPAL_PARAMETER', `${this.name} ${where}: PE ${pe} is reserved by firmware`);
    }
  }

  tve(pe: number): Tve {
    return this.tves[pe] ?? { kind: 'none' };
  }

  /** Point PE's single TVE at a table (opal_pci_map_pe_dma_window). Refused if bypass is on. */
  setWindow(pe: number, table: TceTable): void {
    this.checkPe(pe, 'set window');
    const cur = this.tves[pe]!;
    if (cur.kind === 'bypass') {
      throw new ModelRefusal(
        'OPAL_PARAMETER',
        `${this.name} PE ${pe}: one TVE per PE, bypass is on; a window and bypass never coexist`,
      );
    }
    if (!this.supportedPageShifts.includes(table.pageShift)) {
      throw new ModelRefusal(
        'OPAL_PARAMETER',
        `${this.name} PE ${pe}: TCE page shift ${table.pageShift} unsupported (supported ${this.supportedPageShifts.join('/')})`,
      );
    }
    this.tves[pe] = { kind: 'window', table };
  }

  /** Bypass (NPU2 writes TVE=0: no range check). Refused if a window is set. */
  setBypass(pe: number): void {
    this.checkPe(pe, 'set bypass');
    if (this.tves[pe]!.kind === 'window') {
      throw new ModelRefusal(
        'OPAL_PARAMETER',
        `${this.name} PE ${pe}: one TVE per PE, a window is set; unset it before bypass`,
      );
    }
    this.tves[pe] = { kind: 'bypass' };
  }

  unsetTve(pe: number): void {
    this.checkPe(pe, 'unset');
    this.tves[pe] = { kind: 'none' };
  }

  /** The firmware call opal_pci_tce_kill(phb, killType, pe, tceSize, dmaAddr, npages). */
  tceKill(killType: number, pe: number, tceSizeBytes: number, dmaAddr: number, npages: number): OpalResult {
    this.stats.killCalls++;
    // sync(): the table stores before the kill are visible; the model's writes already are.
    switch (killType) {
      case OPAL_PCI_TCE_KILL_PAGES: {
        const tve = this.tves[pe];
        if (tve === undefined || tve.kind !== 'window') return this.reject(`PE ${pe} has no TCE window`);
        if (tceSizeBytes !== tve.table.pageBytes) {
          return this.reject(
            `Unexpected TCE size (got 0x${tceSizeBytes.toString(16)} expected 0x${tve.table.pageBytes.toString(16)})`,
          );
        }
        if (!Number.isInteger(npages) || npages < 1 || npages > tve.table.windowPages) {
          return this.reject(`npages ${npages} outside 1..${tve.table.windowPages}`);
        }
        if (this.kind === 'npu2' && npages >= NPU2_KILL_ALL_THRESHOLD_PAGES) {
          this.killAll();
          return { rc: OPAL_SUCCESS };
        }
        this.stats.killsPages++;
        let addr = dmaAddr;
        for (let i = 0; i < npages; i++) {
          this.cache.killEntry(pe, Math.floor(addr / tceSizeBytes));
          // skiboot cd5ddbe3b: the loop forgot to advance dma_addr.
          if (!(this.kind === 'npu2' && this.killLoopNoAdvance)) addr += tceSizeBytes;
        }
        return { rc: OPAL_SUCCESS };
      }
      case OPAL_PCI_TCE_KILL_PE:
      case OPAL_PCI_TCE_KILL_ALL:
        this.killAll();
        return { rc: OPAL_SUCCESS };
      default:
        return this.reject(`Unsupported TCE kill type ${killType}`);
    }
  }

  private killAll(): void {
    this.stats.killsAll++;
    this.cache.killAll();
  }

  private reject(message: string): OpalResult {
    this.stats.killsRejected++;
    return { rc: OPAL_PARAMETER, message: `${this.name}: ${message}` };
  }

  /** A UT=1 DMA arriving on PE `pe` for bus address `addr`. */
  translate(pe: number, addr: BusAddr, access: DmaAccess): DmaResult {
    const fault = (reason: DmaFaultReason, detail: string): DmaResult => {
      this.stats.dmaFaults++;
      return { kind: 'fault', reason, detail: `${this.name} PE ${pe} ${access} ${hex(addr)}: ${detail}` };
    };
    if (pe === this.reservedPe) return fault('reserved-pe', 'PE reserved by firmware');
    const tve = this.tves[pe];
    if (tve === undefined || tve.kind === 'none') return fault('no-tve', 'no TVE set');
    if (tve.kind === 'bypass') {
      this.stats.dmaOk++;
      // Bypass modelled as identity (the real 1<<59 bypass base is above 2^53).
      return {
        kind: 'ok',
        physAddr: addr as number as PhysAddr,
        bypass: true,
        cacheHit: false,
        generation: -1,
        currentGeneration: -1,
        stale: false,
        table: -1,
        index: -1,
      };
    }
    const table = tve.table;
    const index = table.indexOf(addr);
    if (index === undefined)
      return fault('outside-window', `outside window ${hex(table.windowBase)}+${table.windowPages} pages`);
    const busPage = Math.floor(addr / table.pageBytes);
    let entry: CachedTce | undefined = this.cache.lookup(pe, busPage);
    const cacheHit = entry !== undefined;
    if (entry === undefined) {
      const t = table.get(index);
      if (t === undefined || t.physAddr === null)
        return fault('invalid-entry', `TCE ${index} of table ${table.id} is invalid`);
      entry = {
        table: table.id,
        index,
        physAddr: t.physAddr,
        read: t.read,
        write: t.write,
        generation: t.generation,
      };
      this.cache.fill(pe, busPage, entry);
    }
    if (access === 'read' ? !entry.read : !entry.write) {
      return fault('no-permission', `TCE ${index} of table ${table.id} does not allow ${access}`);
    }
    const currentGeneration = table.generationOf(index);
    const stale = entry.generation !== currentGeneration;
    this.stats.dmaOk++;
    if (stale) this.stats.dmaStale++;
    return {
      kind: 'ok',
      physAddr: (entry.physAddr + (addr % table.pageBytes)) as PhysAddr,
      bypass: false,
      cacheHit,
      generation: entry.generation,
      currentGeneration,
      stale,
      table: table.id,
      index,
    };
  }
}

export interface TceSystemOptions {
  /** Entries per PHB/NPU TCE cache (ASSUMED default 64). */
  cacheCapacityEntries?: number;
  killLoopNoAdvance?: boolean;
  entireKillIgnored?: boolean;
  unpinBeforeKill?: boolean;
}

export interface WindowOptions {
  /** Default 16 (64 KiB, the POWER host page size). Must be supported by both PHB4 and NPU2. */
  pageShift?: number;
  /** Default 0. */
  windowBase?: number;
  /** Default 32768 (2 GiB at 64 KiB). */
  windowPages?: number;
}

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

export interface TceSystemStats {
  maps: number;
  unmaps: number;
  kernelKills: number;
  /** Kill calls whose OPAL_PARAMETER the kernel ignored (as Linux does). */
  ignoredKillFailures: number;
  unpinsWhileCached: number;
}

/**
 * The kernel side of UT=1 for a whole topology: PHBs, one shared table per GPU, the map/unmap
 * and VFIO clear paths, and DMA from a GPU over PCIe (PHB4) or NVLink (NPU).
 */
export class TceSystem {
  readonly phbs = new Map<string, Phb>();
  private readonly tables = new Map<number, TceTable>();
  /** Per table: indices cleared (or written) but not yet killed by the kernel. */
  private readonly pendingKill = new Map<number, Set<number>>();
  private readonly options: Required<TceSystemOptions>;
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
    this.options = {
      cacheCapacityEntries: options.cacheCapacityEntries ?? DEFAULT_TCE_CACHE_ENTRIES,
      killLoopNoAdvance: options.killLoopNoAdvance ?? false,
      entireKillIgnored: options.entireKillIgnored ?? false,
      unpinBeforeKill: options.unpinBeforeKill ?? false,
    };
    for (const sk of topology.sockets) {
      const gpuPhb = gpuPhbName(sk.gpuPciDomain);
      const npuPhb = npuPhbName(sk.npu.pciDomain);
      this.phbs.set(
        gpuPhb,
        new Phb({ name: gpuPhb, kind: 'phb4', cacheCapacityEntries: this.options.cacheCapacityEntries }),
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
  gpuPe(gpu: number): { phb: Phb; pe: number } {
    const g = this.gpu(gpu);
    return { phb: this.phbs.get(gpuPhbName(g.pci.domain))!, pe: g.indexOnNpu };
  }

  /** The NPU PE shared by all of the GPU's bridges (pnv_ioda_setup_npu_PE). */
  npuPe(gpu: number): { phb: Phb; pe: number } {
    const g = this.gpu(gpu);
    const npu = this.topology.sockets[g.socket]!.npu;
    return { phb: this.phbs.get(npuPhbName(npu.pciDomain))!, pe: g.indexOnNpu };
  }

  table(gpu: number): TceTable {
    const t = this.tables.get(gpu);
    if (t === undefined)
      throw new ModelRefusal('ENODEV', `GPU${gpu}: no DMA window set (call createWindow first)`);
    return t;
  }

  /**
   * Create the GPU's table and set it on the GPU PE and the NPU PE (the v5.0 compound group's
   * set_window passes the same tbl to every PE, unwinding on failure). The page size must be one
   * both PHB4 and NPU2 support (4K or 64K).
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
    // Linux invalidates the whole cache on set window (invalidate_entire).
    this.invalidateEntire(gpu);
    return table;
  }

  /** Write TCEs for `physPages` starting at window index `index` (no kill). */
  writeTces(gpu: number, index: number, physPages: readonly PhysAddr[], permission: TcePermission): void {
    const t = this.table(gpu);
    const pending = this.pendingKill.get(gpu)!;
    physPages.forEach((p, i) => {
      t.xchg(index + i, p, permission);
      pending.add(index + i);
    });
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

  /**
   * pnv_pci_ioda2_tce_invalidate: KILL_PAGES on every PE of it_group_list. Linux ignores the
   * return codes; they are returned here and failures counted.
   */
  kill(gpu: number, index: number, npages: number): OpalResult[] {
    const t = this.table(gpu);
    this.stats.kernelKills++;
    const results = t.groupList.map((ref) =>
      this.phbs
        .get(ref.phb)!
        .tceKill(OPAL_PCI_TCE_KILL_PAGES, ref.pe, t.pageBytes, t.busAddrOf(index), npages),
    );
    this.stats.ignoredKillFailures += results.filter((r) => r.rc !== OPAL_SUCCESS).length;
    const pending = this.pendingKill.get(gpu)!;
    for (let i = index; i < index + npages; i++) pending.delete(i);
    return results;
  }

  /** pnv_pci_ioda2_tce_invalidate_entire on every PHB of the table (set/unset window, ownership). */
  invalidateEntire(gpu: number): OpalResult[] {
    const t = this.table(gpu);
    const killType = this.options.entireKillIgnored ? OPAL_PCI_TCE_KILL_TOKEN : OPAL_PCI_TCE_KILL_ALL;
    const results = t.groupList.map((ref) => this.phbs.get(ref.phb)!.tceKill(killType, 0, 0, 0, 0));
    this.stats.ignoredKillFailures += results.filter((r) => r.rc !== OPAL_SUCCESS).length;
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
   * VFIO ownership change (iommu_take_ownership / release): every TCE cleared, the allocator
   * emptied, then invalidate_entire; with `entireKillIgnored` that kill does nothing.
   */
  changeOwnership(gpu: number): OpalResult[] {
    const t = this.table(gpu);
    for (const i of t.validIndices()) t.xchg(i, null);
    for (let i = 0; i < t.windowPages; i++) if (t.isAllocated(i)) t.freePages(i, 1);
    return this.invalidateEntire(gpu);
  }

  /** A UT=1 DMA from `gpu` over PCIe (its PHB4 PE) or NVLink (its NPU PE). */
  dma(gpu: number, path: 'pcie' | 'nvlink', busAddr: BusAddr, access: DmaAccess): DmaResult {
    const { phb, pe } = path === 'pcie' ? this.gpuPe(gpu) : this.npuPe(gpu);
    return phb.translate(pe, busAddr, access);
  }
}

export function gpuPhbName(domain: number): string {
  return `phb4:${domain.toString(16).padStart(4, '0')}`;
}

export function npuPhbName(domain: number): string {
  return `npu2:${domain.toString(16).padStart(4, '0')}`;
}
