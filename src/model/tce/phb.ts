/**
 * A PHB with PEs, TVEs and a TCE cache: a PHB4 (a GPU's PCIe side) or an NPU2 PHB (its NVLink
 * bridges), and the firmware TCE kill of each as skiboot implements it (hw/npu2.c `npu2_tce_kill`,
 * hw/phb4.c `phb4_tce_kill`;
 * docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts).
 *
 * - NPU2: 8 PEs, PE 7 reserved ("ibm,opal-num-pes"); one TVE per PE ("NPU has just one TVE"), so
 *   a PE has a TCE window or bypass, never both. PHB4: 512 PEs (the 9-bit PE field of its kill
 *   register). Each PHB has one TceCache (tce-cache.ts).
 * - `tceKill` is skiboot's kill, decided exactly as the real functions decide (checked case by case
 *   against them: test/model/differential.test.ts):
 *   - `npu2_tce_kill` (hw/npu2.c): a PE above NPU2_MAX_PE_NUM is OPAL_PARAMETER (PE 8 passes);
 *     KILL_PAGES needs tce_size == the TVE page size, 1 << (11 + PSIZE), else OPAL_PARAMETER
 *     "Unexpected TCE size" (d8c880ecc, the first NPU2 code; so a PE with no window refuses every
 *     usual size: 2 KiB expected). Before 003ccd577 (v6.2) the NPU2 did not advertise its sizes
 *     ("ibm,supported-tce-sizes"), so Linux tried the PHB4's 2M/1G and met that message;
 *     fewer than 128 pages: one single-entry kill per page (0 pages: none), else kill-all
 *     (2a0455ba0); KILL_PE and KILL_ALL kill all ("NPU2 doesn't support killing a PE"); any other
 *     type, the token 126 included, is OPAL_PARAMETER (8a2b6d51b).
 *   - `phb4_tce_kill` (hw/phb4.c): no window or size check against the TVE. Before 2b0b6a1a0
 *     (skiboot < v7.0) KILL_PAGES kills page by page, each page's size one of 4K/64K/2M/1G and the
 *     address aligned to it (else OPAL_PARAMETER, nothing killed); from 2b0b6a1a0 on
 *     (`escalatePageKills`) every KILL_PAGES becomes a KILL_PE. KILL_PE kills that PE, KILL_ALL
 *     everything; the PE number is not checked: the register keeps its low 9 bits.
 *   Simplified: the PHB4 DMA sync after a kill always completes at once; a single-entry kill removes
 *   the cache entry of bus page addr / size (the kernel always kills with the table's page size).
 * - The PHB4's kill queue, hardware (erratum HW560152, skiboot 2b0b6a1a0: "a page-level TCE kill
 *   can be dropped if there are enough TCE kill requests already being processed ... It also
 *   affects P9"): the firmware's answer above is what skiboot writes; whether the hardware carries
 *   each page kill out is decided after it, in `droppedByKillQueue` before `apply`, so the differential checks of the kill
 *   paths are untouched. The queue serves its kills one after another, each for
 *   `killServiceTicks` (ASSUMED 100 ns), so only `busyUntil` is kept: the kills in progress at
 *   tick t are ceil((busyUntil - t) / killServiceTicks). A page kill that arrives while
 *   `killDropThresholdKills` (ASSUMED 2) or more are in progress is dropped when the run's chooser
 *   says so (site `phb4.kill.drop`: 1 of 2 values, 0 = carried out, so a shrunk log drops fewest):
 *   the cache keeps the entry, and the DMA that uses it after the page's unpin is
 *   translation.stale-tce. A dropped kill takes no slot. PE and kill-all requests take a slot and
 *   are never dropped (the erratum names page-level kills); with `escalatePageKills` (v7.0+)
 *   there are no page kills, so nothing is dropped. A kill with no `KillTiming` (the tests' and
 *   the differential checks' direct calls, the window mapped at build) is carried out.
 */
import { assert, ModelRefusal } from '../../core/errors.js';
import type { Chooser } from '../choice/chooser.js';
import { NPU_PES, NPU_RESERVED_PE } from '../platform/topology.js';
import { type BusAddr, hex, ns, type PhysAddr } from '../types.js';
import {
  type DmaAccess,
  type DmaFaultAfterLookup,
  type DmaFaultBeforeLookup,
  type DmaResult,
  NPU2_KILL_ALL_THRESHOLD_PAGES,
  NPU2_MAX_PE_NUM,
  NPU2_UNSET_TVE_PAGE_BYTES,
  OPAL_PARAMETER,
  OPAL_PCI_TCE_KILL_ALL,
  OPAL_PCI_TCE_KILL_PAGES,
  OPAL_PCI_TCE_KILL_PE,
  OPAL_SUCCESS,
  type OpalKillCall,
  type OpalResult,
  PHB4_KILL_PAGE_BYTES,
  PHB4_PES,
  type PhbKind,
  type TceKill,
  type Tve,
} from './opal-tce.js';
import { type CachedTce, DEFAULT_TCE_CACHE_ENTRIES, TceCache } from './tce-cache.js';
import { NPU2_TCE_PAGE_SHIFTS, PHB4_TCE_PAGE_SHIFTS, type TceTable } from './tce-table.js';

export interface PhbStats {
  killCalls: number;
  killsPages: number;
  /** PE kills performed (PHB4 KILL_PE, or an escalated KILL_PAGES). */
  killsPe: number;
  /** Kill-all performed (KILL_ALL; NPU2 KILL_PE and KILL_PAGES with npages >= 128). */
  killsAll: number;
  killsRejected: number;
  /** PHB4 page kills the kill queue dropped (HW560152): the cache kept the entry. */
  killsDropped: number;
  dmaOk: number;
  dmaStale: number;
  dmaFaults: number;
}

export interface PhbOptions {
  name: string;
  kind: PhbKind;
  cacheCapacityEntries?: number;
  /**
   * Bug switch, NPU2 only (skiboot cd5ddbe3b): the per-page loop never advances the address, and
   * (as in that firmware, before 2a0455ba0) no run of 128 pages or more becomes a kill-all.
   */
  killLoopNoAdvance?: boolean;
  /** PHB4 only: skiboot 2b0b6a1a0 (v7.0+) escalates page kills to PE kills. */
  escalatePageKills?: boolean;
  /** PHB4 only: time the kill queue takes per kill (ASSUMED default 100 ns; header). */
  killServiceTicks?: number;
  /** PHB4 only: kills in progress from which a page kill may be dropped (ASSUMED default 2). */
  killDropThresholdKills?: number;
}

/** ASSUMED time the PHB4's kill queue takes per kill: no public figure (theory §8). */
export const PHB4_KILL_SERVICE_TICKS = ns(100);
/**
 * ASSUMED kills in progress from which the PHB4 may drop a page kill: the erratum says only
 * "enough"; 2 lets one 4-page unmap back the queue up, as a kernel unmap of a range does.
 */
export const PHB4_KILL_DROP_THRESHOLD_KILLS = 2;

/** When a kill reaches the hardware, and the chooser that decides a backed-up queue's drops. */
export interface KillTiming {
  now: number;
  chooser: Chooser;
}

/** The arguments of one opal_pci_tce_kill call, as npu2_tce_kill and phb4_tce_kill read them. */
type KillCall = Pick<OpalKillCall, 'killType' | 'pe' | 'tceSize' | 'dmaAddr' | 'npages'>;

export class Phb {
  readonly name: string;
  readonly kind: PhbKind;
  readonly supportedPageShifts: readonly number[];
  readonly cache: TceCache;
  readonly reservedPe: number | undefined;
  private readonly tves: Tve[];
  private readonly killLoopNoAdvance: boolean;
  private readonly escalatePageKills: boolean;
  private readonly killServiceTicks: number;
  private readonly killDropThresholdKills: number;
  /** PHB4: the tick its kill queue is empty from (one writer: `droppedByKillQueue`). */
  private busyUntil = 0;
  readonly stats: PhbStats = {
    killCalls: 0,
    killsPages: 0,
    killsPe: 0,
    killsAll: 0,
    killsRejected: 0,
    killsDropped: 0,
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
    this.killLoopNoAdvance = options.kind === 'npu2' && (options.killLoopNoAdvance ?? false);
    this.escalatePageKills = options.kind === 'phb4' && (options.escalatePageKills ?? false);
    this.killServiceTicks = options.killServiceTicks ?? PHB4_KILL_SERVICE_TICKS;
    this.killDropThresholdKills = options.killDropThresholdKills ?? PHB4_KILL_DROP_THRESHOLD_KILLS;
    assert(
      this.killServiceTicks > 0 && this.killDropThresholdKills >= 1,
      `${this.name}: expected a kill service time above 0 and a drop threshold of 1 or more, got ${this.killServiceTicks} and ${this.killDropThresholdKills}`,
    );
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

  /**
   * Point PE's single TVE at a table (opal_pci_map_pe_dma_window). skiboot's phb4_map_pe_dma_window
   * refuses a page size other than 4K/64K/2M/1G with OPAL_PARAMETER, and so does this. Its
   * npu2_map_pe_dma_window refuses neither case below: it programs an unknown size as 4K and
   * writes over a bypass entry. The modelled kernel never asks either (the compound group offers
   * only the sizes both PHBs take, tce-system.ts; and Linux removes the other table first: "NPU has
   * just one TVE"), so on the NPU2 they are the model's invariants: npusim's own bug if broken.
   */
  setWindow(pe: number, table: TceTable): void {
    this.checkPe(pe, 'set window');
    const cur = this.tves[pe]!;
    assert(
      cur.kind !== 'bypass',
      `${this.name} PE ${pe}: one TVE per PE, bypass is on; a window and bypass never coexist (the kernel unsets the TVE first)`,
    );
    if (!this.supportedPageShifts.includes(table.pageShift)) {
      const what = `${this.name} PE ${pe}: TCE page shift ${table.pageShift} unsupported (supported ${this.supportedPageShifts.join('/')})`;
      assert(this.kind === 'phb4', `${what}: skiboot would program it as 4K; the kernel never asks`);
      throw new ModelRefusal('OPAL_PARAMETER', what);
    }
    this.tves[pe] = { kind: 'window', table };
  }

  /**
   * Bypass (NPU2 writes TVE=0: no range check). A set window is the model's invariant, as in
   * setWindow: skiboot would overwrite it, and the kernel unsets it first.
   */
  setBypass(pe: number): void {
    this.checkPe(pe, 'set bypass');
    assert(
      this.tves[pe]!.kind !== 'window',
      `${this.name} PE ${pe}: one TVE per PE, a window is set; unset it before bypass (the kernel does)`,
    );
    this.tves[pe] = { kind: 'bypass' };
  }

  unsetTve(pe: number): void {
    this.checkPe(pe, 'unset');
    this.tves[pe] = { kind: 'none' };
  }

  /** The TCE page size npu2_tce_kill reads from the PE's TVE (tve_cache): 2 KiB when unset. */
  private npu2TvePageBytes(pe: number): number {
    const tve = this.tves[pe];
    return tve?.kind === 'window' ? tve.table.pageBytes : NPU2_UNSET_TVE_PAGE_BYTES;
  }

  /**
   * The firmware call opal_pci_tce_kill(phb, killType, pe, tceSize, dmaAddr, npages); `at` is when
   * its kills reach the hardware (without it, every kill is carried out: header). The kills the
   * PHB4's queue drops go into `dropped` when given (the firmware's answer does not say them: the
   * hardware lost them after it).
   */
  tceKill(
    killType: number,
    pe: number,
    tceSizeBytes: number,
    dmaAddr: number,
    npages: number,
    at?: KillTiming,
    dropped?: TceKill[],
  ): OpalResult {
    this.stats.killCalls++;
    const call: KillCall = { killType, pe, tceSize: tceSizeBytes, dmaAddr, npages };
    const result = this.kind === 'npu2' ? this.npu2Kill(call) : this.phb4Kill(call);
    if (result.rc !== OPAL_SUCCESS) this.stats.killsRejected++;
    for (const k of result.kills) {
      if (this.kind === 'phb4' && at !== undefined && this.droppedByKillQueue(k, at)) {
        dropped?.push(k);
        continue;
      }
      this.apply(k, tceSizeBytes);
    }
    return result;
  }

  /**
   * HW560152 (header): does the PHB4's kill queue drop kill `k` arriving at `at.now`? A kill it
   * keeps takes the next slot. Never true with `escalatePageKills` (no page kills reach it).
   */
  private droppedByKillQueue(k: TceKill, at: KillTiming): boolean {
    const inProgress = Math.max(0, Math.ceil((this.busyUntil - at.now) / this.killServiceTicks));
    if (
      k.kind === 'one' &&
      !this.escalatePageKills &&
      inProgress >= this.killDropThresholdKills &&
      at.chooser.choose('phb4.kill.drop', 2) === 1
    ) {
      this.stats.killsDropped++;
      return true;
    }
    this.busyUntil = Math.max(this.busyUntil, at.now) + this.killServiceTicks;
    return false;
  }

  private npu2Kill(call: KillCall): OpalResult {
    const { killType, pe, tceSize, dmaAddr, npages } = call;
    if (pe > NPU2_MAX_PE_NUM) return this.reject(`PE ${pe} above NPU2_MAX_PE_NUM ${NPU2_MAX_PE_NUM}`);
    switch (killType) {
      case OPAL_PCI_TCE_KILL_PAGES: {
        const expected = this.npu2TvePageBytes(pe);
        if (tceSize !== expected) {
          return this.reject(
            `npu2_tce_kill: Unexpected TCE size (got 0x${tceSize.toString(16)} expected 0x${expected.toString(16)})`,
          );
        }
        // The kill-all threshold is skiboot 2a0455ba0 (v6.6), seven months after cd5ddbe3b (v6.3)
        // fixed the loop: the firmware with the loop bug had none, and killed one page of any run.
        if (npages >= NPU2_KILL_ALL_THRESHOLD_PAGES && !this.killLoopNoAdvance)
          return { rc: OPAL_SUCCESS, kills: [{ kind: 'all' }] };
        this.stats.killsPages++;
        const kills: TceKill[] = [];
        let addr = dmaAddr;
        for (let i = 0; i < npages; i++) {
          kills.push({ kind: 'one', pe, addr });
          // skiboot cd5ddbe3b: the loop forgot to advance dma_addr.
          if (!this.killLoopNoAdvance) addr += tceSize;
        }
        return { rc: OPAL_SUCCESS, kills };
      }
      case OPAL_PCI_TCE_KILL_PE: // "NPU2 doesn't support killing a PE so fall through"
      case OPAL_PCI_TCE_KILL_ALL:
        return { rc: OPAL_SUCCESS, kills: [{ kind: 'all' }] };
      default:
        return this.reject(`Unsupported TCE kill type ${killType}`);
    }
  }

  private phb4Kill(call: KillCall): OpalResult {
    const { killType, pe, tceSize, dmaAddr, npages } = call;
    // The register's PE field keeps the low 9 bits; skiboot never checks the PE number.
    const penum = pe % PHB4_PES;
    const type =
      this.escalatePageKills && killType === OPAL_PCI_TCE_KILL_PAGES ? OPAL_PCI_TCE_KILL_PE : killType;
    switch (type) {
      case OPAL_PCI_TCE_KILL_PAGES: {
        if (npages === 0) return { rc: OPAL_SUCCESS, kills: [] };
        if (!PHB4_KILL_PAGE_BYTES.includes(tceSize))
          return this.reject(`TCE size 0x${tceSize.toString(16)} unsupported`);
        if (dmaAddr % tceSize !== 0)
          return this.reject(`DMA address ${hex(dmaAddr)} not aligned to 0x${tceSize.toString(16)}`);
        this.stats.killsPages++;
        const kills: TceKill[] = [];
        for (let i = 0; i < npages; i++)
          kills.push({ kind: 'one', pe: penum, addr: dmaAddr + i * tceSize, pageBytes: tceSize });
        return { rc: OPAL_SUCCESS, kills };
      }
      case OPAL_PCI_TCE_KILL_PE:
        return { rc: OPAL_SUCCESS, kills: [{ kind: 'pe', pe: penum }] };
      case OPAL_PCI_TCE_KILL_ALL:
        return { rc: OPAL_SUCCESS, kills: [{ kind: 'all' }] };
      default:
        return this.reject(`Unsupported TCE kill type ${killType}`);
    }
  }

  private apply(k: TceKill, tceSize: number): void {
    switch (k.kind) {
      case 'all':
        this.stats.killsAll++;
        this.cache.killAll();
        return;
      case 'pe':
        this.stats.killsPe++;
        this.cache.killPe(k.pe);
        return;
      case 'one':
        this.cache.killEntry(k.pe, Math.floor(k.addr / (k.pageBytes ?? tceSize)));
        return;
    }
  }

  private reject(message: string): OpalResult {
    return { rc: OPAL_PARAMETER, message: `${this.name}: ${message}`, kills: [] };
  }

  /** A UT=1 DMA arriving on PE `pe` for bus address `addr`. */
  translate(pe: number, addr: BusAddr, access: DmaAccess): DmaResult {
    if (pe === this.reservedPe) return this.fault(pe, addr, access, 'reserved-pe', 'PE reserved by firmware');
    const tve = this.tves[pe];
    if (tve === undefined || tve.kind === 'none') return this.fault(pe, addr, access, 'no-tve', 'no TVE set');
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
        fetchLevels: 0,
      };
    }
    return this.translateInWindow(pe, tve.table, addr, access);
  }

  /**
   * Through the TCE cache, filled from `table` on a miss; a hit is used even when stale. Every
   * lookup reports whether it hit and the table levels it read (`fetchLevels`), whether it ends in
   * a translation or a fault (`invalid-entry`: the miss read the table to find it invalid;
   * `no-permission`: after a hit, or a miss and fill); an `outside-window` address makes none.
   */
  private translateInWindow(pe: number, table: TceTable, addr: BusAddr, access: DmaAccess): DmaResult {
    const index = table.indexOf(addr);
    if (index === undefined) {
      const detail = `outside window ${hex(table.windowBase)}+${table.windowPages} pages`;
      return this.fault(pe, addr, access, 'outside-window', detail);
    }
    const busPage = Math.floor(addr / table.pageBytes);
    let entry: CachedTce | undefined = this.cache.lookup(pe, busPage);
    const cacheHit = entry !== undefined;
    if (entry === undefined) {
      const t = table.get(index);
      if (t === undefined || t.physAddr === null) {
        const detail = `TCE ${index} of table ${table.id} is invalid`;
        return this.lookupFault(pe, addr, access, 'invalid-entry', detail, false, table.levels);
      }
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
    const fetchLevels = cacheHit ? 0 : table.levels;
    if (access === 'read' ? !entry.read : !entry.write) {
      const detail = `TCE ${index} of table ${table.id} does not allow ${access}`;
      return this.lookupFault(pe, addr, access, 'no-permission', detail, cacheHit, fetchLevels);
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
      fetchLevels,
    };
  }

  /** A fault found before any cache lookup: no hit, no miss, no table fetch. */
  private fault(
    pe: number,
    addr: BusAddr,
    access: DmaAccess,
    reason: DmaFaultBeforeLookup,
    detail: string,
  ): DmaResult {
    this.stats.dmaFaults++;
    return { kind: 'fault', reason, detail: this.faultDetail(pe, addr, access, detail) };
  }

  /** A fault found by a cache lookup: it hit or missed, and a miss read `fetchLevels` table levels. */
  private lookupFault(
    pe: number,
    addr: BusAddr,
    access: DmaAccess,
    reason: DmaFaultAfterLookup,
    detail: string,
    cacheHit: boolean,
    fetchLevels: number,
  ): DmaResult {
    this.stats.dmaFaults++;
    return {
      kind: 'fault',
      reason,
      detail: this.faultDetail(pe, addr, access, detail),
      cacheHit,
      fetchLevels,
    };
  }

  private faultDetail(pe: number, addr: BusAddr, access: DmaAccess, detail: string): string {
    return `${this.name} PE ${pe} ${access} ${hex(addr)}: ${detail}`;
  }
}
