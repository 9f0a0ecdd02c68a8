/**
 * A TCE table (one DMA window of UT=1 translation) and its bus-address allocator
 * (docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts).
 *
 * One table object is shared by a GPU's PE on its PHB4 and by the GPU's NPU PE ("The NPU devices
 * all point to the same iommu table as the parent PCI device", npu-dma.c); `groupList` is the
 * kernel's `tbl->it_group_list`: every PE that uses the table and so must be sent a kill.
 *
 * Every write or clear of an entry takes the next value of the table's generation counter, so a
 * translation served from a TCE cache can be compared with the table's current generation for
 * that index: a mismatch is a stale use, visible to the engine and oracle.
 *
 * The allocator is next-fit over a byte map, like the kernel's iommu_area_alloc with its hint;
 * the kernel frees an IOVA (bitmap_clear in __iommu_free) only after the TCEs are cleared and
 * killed, which tce-system.ts (releaseBusPages) enforces.
 *
 * Levels (Linux pci-ioda-tce.c, v4.19+ a68bd1267b72 "Allocate indirect TCE levels on demand"): a
 * table with `levelEntries` is two-level: a root of level pointers and levels of `levelEntries`
 * TCEs each, a level allocated by the first write that needs it (pnv_tce with alloc) and never
 * freed while the table lives ("once TCE is non-zero, it cannot become zero again"). A clear of an
 * index whose level was never allocated does nothing (pnv_tce without alloc returns NULL). Without
 * `levelEntries` the table is one pre-allocated level, as every table the kernel makes for a 2 GiB
 * window. Lookups go through the root pointer; a writer goes through the level pointer it
 * resolved, which is what tce-level-write.ts makes explicit for the level allocation race.
 */
import { ConfigError, ModelRefusal } from '../../core/errors.js';
import { type BusAddr, hex, type PhysAddr } from '../types.js';

/** NPU2 "ibm,supported-tce-sizes": 4K/64K/16M/256M. */
export const NPU2_TCE_PAGE_SHIFTS: readonly number[] = [12, 16, 24, 28];
/** PHB4: 4K/64K/2M/1G. */
export const PHB4_TCE_PAGE_SHIFTS: readonly number[] = [12, 16, 21, 30];
/** Bound on a window's pages, so the allocator's map stays small (16 Mi pages). */
export const MAX_WINDOW_PAGES = 2 ** 24;

export type TcePermission = 'r' | 'w' | 'rw';

export interface TceEntry {
  index: number;
  /** null: cleared (invalid) entry. */
  physAddr: PhysAddr | null;
  read: boolean;
  write: boolean;
  /** Table generation at which this entry was written or cleared. */
  generation: number;
}

/** A PE that uses a table: a PHB by name and a PE number on it. */
export interface PeRef {
  phb: string;
  pe: number;
}

export interface TceTableOptions {
  pageShift: number;
  windowBase: BusAddr;
  windowPages: number;
  /** TCEs per indirect level: a two-level table with levels allocated on demand (header). */
  levelEntries?: number;
}

/** One level of TCEs: a page the kernel allocated (`serial` tells two allocations apart). */
export interface TceLevel {
  readonly serial: number;
  readonly entries: Map<number, TceEntry>;
}

/** Page sizes both PHB kinds support: what a compound group's shared table may use. */
export function sharedPageShifts(...supported: readonly (readonly number[])[]): number[] {
  const [first = [], ...rest] = supported;
  return first.filter((s) => rest.every((r) => r.includes(s)));
}

export class TceTable {
  readonly pageShift: number;
  readonly pageBytes: number;
  readonly windowBase: BusAddr;
  readonly windowPages: number;
  /** it_group_list: every PE using this table. */
  readonly groupList: PeRef[] = [];
  /** TCEs per level; the whole window for a one-level table. */
  readonly levelEntries: number;
  readonly indirect: boolean;
  /** The root: level number -> the level its pointer names (a one-level table: level 0 only). */
  private readonly root = new Map<number, TceLevel>();
  private nextLevelSerial = 1;
  private generation = 0;
  readonly levelStats = {
    /** Levels allocated (pnv_alloc_tce_level). */
    allocated: 0,
    /** Levels a cmpxchg found taken and freed again (the fixed kernel's lost race). */
    freedOnRace: 0,
    /** Published levels a plain store replaced, with every TCE written in them (the bug). */
    replaced: 0,
    /** Valid TCEs that went with a replaced level. */
    entriesLost: 0,
  };
  /** Allocator map: 1 = bus page in use. */
  private readonly used: Uint8Array;
  private hint = 0;
  private usedPages = 0;

  constructor(
    readonly id: number,
    options: TceTableOptions,
  ) {
    const { pageShift, windowBase, windowPages } = options;
    if (!Number.isInteger(pageShift) || pageShift < 12 || pageShift > 30) {
      throw new ConfigError('tce.pageShift', `Expected a page shift from 12 to 30, got ${pageShift}`);
    }
    if (!Number.isInteger(windowPages) || windowPages < 1 || windowPages > MAX_WINDOW_PAGES) {
      throw new ConfigError('tce.windowPages', `Expected 1 to ${MAX_WINDOW_PAGES} pages, got ${windowPages}`);
    }
    this.pageShift = pageShift;
    this.pageBytes = 2 ** pageShift;
    if (windowBase % this.pageBytes !== 0) {
      throw new ConfigError(
        'tce.windowBase',
        `Expected a ${this.pageBytes}-byte aligned base, got ${hex(windowBase)}`,
      );
    }
    this.windowBase = windowBase;
    this.windowPages = windowPages;
    this.used = new Uint8Array(windowPages);
    const levelEntries = options.levelEntries;
    if (levelEntries !== undefined && (!Number.isInteger(levelEntries) || levelEntries < 1)) {
      throw new ConfigError(
        'tce.levelEntries',
        `Expected a positive number of TCEs per level, got ${levelEntries}`,
      );
    }
    this.indirect = levelEntries !== undefined;
    this.levelEntries = levelEntries ?? windowPages;
    if (!this.indirect) this.root.set(0, this.newLevel());
  }

  /**
   * Table levels a TCE cache miss reads from memory: the root and the level for a two-level table,
   * the one level otherwise (actors/chip/dma-landing.ts charges a memory access for each).
   */
  get levels(): number {
    return this.indirect ? 2 : 1;
  }

  /** The level number (root slot) of window index `index`. */
  levelOf(index: number): number {
    return Math.floor(index / this.levelEntries);
  }

  /** READ_ONCE of the root slot of `index`: the level published there, if any. */
  readLevel(index: number): TceLevel | undefined {
    return this.root.get(this.levelOf(index));
  }

  /** pnv_alloc_tce_level: a fresh, empty level, not published yet. */
  newLevel(): TceLevel {
    this.levelStats.allocated++;
    return { serial: this.nextLevelSerial++, entries: new Map() };
  }

  /**
   * Publish `level` in the root slot of `index`; returns the level the slot names afterwards.
   * `cmpxchg` (Linux 56090a3902c8): store only into an empty slot, else free `level` and use the
   * one already there. Without it (before the fix) a plain store replaces whatever another thread
   * published meanwhile, and the TCEs written into that level are gone from the table.
   */
  publishLevel(index: number, level: TceLevel, cmpxchg: boolean): TceLevel {
    const n = this.levelOf(index);
    const there = this.root.get(n);
    if (there !== undefined && cmpxchg) {
      this.levelStats.freedOnRace++;
      return there;
    }
    if (there !== undefined) {
      this.levelStats.replaced++;
      for (const e of there.entries.values()) if (e.physAddr !== null) this.levelStats.entriesLost++;
    }
    this.root.set(n, level);
    return level;
  }

  /** The TCE store through a level pointer the writer resolved (it may no longer be published). */
  writeIn(
    level: TceLevel,
    index: number,
    physAddr: PhysAddr | null,
    permission: TcePermission = 'rw',
  ): TceEntry | undefined {
    this.checkEntry(index, physAddr, 'write');
    const old = level.entries.get(index);
    this.generation++;
    level.entries.set(index, {
      index,
      physAddr,
      read: physAddr !== null && permission !== 'w',
      write: physAddr !== null && permission !== 'r',
      generation: this.generation,
    });
    return old?.physAddr === null ? undefined : old;
  }

  /** Window index of a bus address, or undefined outside the window. */
  indexOf(addr: BusAddr): number | undefined {
    const off = addr - this.windowBase;
    if (off < 0) return undefined;
    const index = Math.floor(off / this.pageBytes);
    return index < this.windowPages ? index : undefined;
  }

  busAddrOf(index: number): BusAddr {
    return (this.windowBase + index * this.pageBytes) as BusAddr;
  }

  private checkIndex(index: number, where: string): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.windowPages) {
      throw new ModelRefusal(
        'EINVAL',
        `TCE table ${this.id} ${where}: expected an index below ${this.windowPages}, got ${index}`,
      );
    }
  }

  /** The valid entry at `index`, if any (through the root, as the PHB reads it). */
  get(index: number): TceEntry | undefined {
    const e = this.readLevel(index)?.entries.get(index);
    return e?.physAddr === null ? undefined : e;
  }

  /** Generation of the last write or clear at `index` (0: never touched). */
  generationOf(index: number): number {
    return this.readLevel(index)?.entries.get(index)?.generation ?? 0;
  }

  private checkEntry(index: number, physAddr: PhysAddr | null, where: string): void {
    this.checkIndex(index, where);
    if (physAddr !== null && physAddr % this.pageBytes !== 0) {
      throw new ModelRefusal(
        'EINVAL',
        `TCE table ${this.id}: expected a ${this.pageBytes}-byte aligned page, got ${hex(physAddr)}`,
      );
    }
  }

  /**
   * Exchange the entry at `index` (iommu_tce_xchg_no_kill) in one step, as one thread does it;
   * returns the old valid entry. A write allocates a missing level; a clear of one does nothing.
   */
  xchg(index: number, physAddr: PhysAddr | null, permission: TcePermission = 'rw'): TceEntry | undefined {
    this.checkEntry(index, physAddr, 'xchg');
    let level = this.readLevel(index);
    if (level === undefined) {
      if (physAddr === null) return undefined;
      level = this.publishLevel(index, this.newLevel(), true);
    }
    return this.writeIn(level, index, physAddr, permission);
  }

  /** Valid entries (index ascending), for reports and ownership changes. */
  validIndices(): number[] {
    const out: number[] = [];
    for (const level of this.root.values())
      for (const [i, e] of level.entries) if (e.physAddr !== null) out.push(i);
    return out.sort((a, b) => a - b);
  }

  /** Levels published in the root (1 for a one-level table). */
  get levelCount(): number {
    return this.root.size;
  }

  /** Allocate `npages` contiguous bus pages (next fit); undefined when the window is full. */
  allocPages(npages: number): number | undefined {
    if (!Number.isInteger(npages) || npages < 1 || npages > this.windowPages) {
      throw new ModelRefusal(
        'EINVAL',
        `TCE table ${this.id}: expected 1 to ${this.windowPages} pages, got ${npages}`,
      );
    }
    // Two passes at most: from the hint to the end, then from 0.
    for (const start of [this.hint, 0]) {
      let run = 0;
      for (let i = start; i < this.windowPages; i++) {
        run = this.used[i] === 0 ? run + 1 : 0;
        if (run === npages) {
          const first = i - npages + 1;
          this.used.fill(1, first, i + 1);
          this.usedPages += npages;
          this.hint = (i + 1) % this.windowPages;
          return first;
        }
      }
    }
    return undefined;
  }

  /** Give bus pages back to the allocator (bitmap_clear). */
  freePages(index: number, npages: number): void {
    this.checkIndex(index, 'free');
    this.checkIndex(index + npages - 1, 'free');
    for (let i = index; i < index + npages; i++) {
      if (this.used[i] !== 1) {
        throw new ModelRefusal(
          'EINVAL',
          `TCE table ${this.id}: freeing bus page ${i}, which is not allocated`,
        );
      }
    }
    this.used.fill(0, index, index + npages);
    this.usedPages -= npages;
  }

  isAllocated(index: number): boolean {
    return this.used[index] === 1;
  }

  get allocatedPages(): number {
    return this.usedPages;
  }
}
