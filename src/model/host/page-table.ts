/**
 * Process page tables and the physical pages behind them
 * (docs/theory/ats-atsd-oracle.md#1-page-tables-and-page-epochs-hostpage-tablets; the rules that
 * read the epochs: docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks).
 *
 * Two owners:
 * - `PhysPages` owns physical memory pages: allocation, free, pinning and the page EPOCH. Every free
 *   bumps the page's epoch, so a translation that carries the epoch it was made at can be told apart
 *   from a translation to the same frame after it was freed and reused (the oracle's
 *   'translation.stale-ats' rule, check/rules/translation-rules.ts).
 * - `PageTables` owns one sparse radix "tree" per (LPID, PID): a Map keyed by the virtual page base.
 *   The radix levels themselves are not modelled (the walk cost is a single assumed latency in the
 *   nest MMU); only the leaf PTEs matter for translation, shootdown and the oracle.
 *
 * Sparse by construction: nothing is sized by memory. A 6 x 32 GB GPU + 512 GB host machine costs one
 * Map entry per mapped or allocated page (a 64K page map of 1 GB is 16384 entries).
 *
 * Page sizes are the radix sizes the POWER9 MMU and the ATSD AP field support: 64K (the default radix
 * base page on POWER), 2M and 1G. 4K is not modelled: Linux 4.20+ ATSD code does not support it either.
 */

import { AssertionFailure, assert, ConfigError, ModelRefusal } from '../../core/errors.js';
import {
  GiB,
  hex,
  KiB,
  type Lpid,
  MiB,
  type PhysAddr,
  type Pid,
  type Tick,
  type VirtAddr,
} from '../types.js';
import { pageFloor } from './page-floor.js';

export const PAGE_64K = 64 * KiB;
export const PAGE_2M = 2 * MiB;
export const PAGE_1G = GiB;
export type PageSize = typeof PAGE_64K | typeof PAGE_2M | typeof PAGE_1G;
export const PAGE_SIZES: readonly PageSize[] = [PAGE_64K, PAGE_2M, PAGE_1G];

export function isPageSize(n: number): n is PageSize {
  return n === PAGE_64K || n === PAGE_2M || n === PAGE_1G;
}

/** Human name of a page size for messages and reports. */
export function pageSizeName(size: number): string {
  if (size === PAGE_64K) return '64K';
  if (size === PAGE_2M) return '2M';
  if (size === PAGE_1G) return '1G';
  return `${size}B`;
}

/** One physical page as `PhysPages` knows it. */
export interface PhysPageState {
  readonly base: PhysAddr;
  readonly sizeBytes: PageSize;
  /** Bumped by every free; a translation made at an older epoch points at a freed/reused frame. */
  epoch: number;
  allocated: boolean;
  /** get_user_pages / VFIO pin count; a pinned page cannot be freed. */
  pins: number;
  /** Tenant or process label given at allocation, for the oracle and reports. */
  owner: string;
}

export interface PhysRegionOptions {
  /** First byte of the region (e.g. 0 for host RAM, a GPU aperture base for GPU RAM). */
  baseAddr: number;
  /** Usable bytes (real RAM, not the 128 GiB aperture). */
  sizeBytes: number;
}

/**
 * Pages of one size promised by `PhysPages.reserve`, to be taken later with `take`: the memory
 * migrate_pages has secured on the target node before it unmaps anything (its `get_new_page`
 * comes first), held while the old frames are shot down. Only the count is promised, not which
 * frames: `take` hands out the frames a plain allocation would hand out at that moment.
 */
export class PageReservation {
  /** Pages promised and not yet taken (0 once taken or cancelled). */
  pages: number;
  open = true;
  constructor(
    readonly region: PhysPages,
    readonly sizeBytes: PageSize,
    pages: number,
  ) {
    this.pages = pages;
  }
}

/**
 * Physical page allocator with epochs.
 *
 * Allocation is a bump pointer per region plus a LIFO free list per page size: a freed frame is
 * the first one handed out again, which is deliberately the worst case for use-after-free (the
 * kernel's per-CPU page lists behave much the same: hot pages are reused first).
 *
 * Reservations (`reserve`, `take`, `cancel`) promise pages now and hand them out later, so a
 * caller can know before it starts (a migration: before any unmap) that the pages will be there.
 * Every allocation keeps every reservation outstanding satisfiable, whatever order they are taken
 * in: `allocate` refuses (ENOMEM) a page that some reservation counts on, and `reserve` promises
 * only what is sure to fit (`fits`). With no reservation outstanding `allocate` is exactly the
 * bump-and-free-list allocator above, so a run that never reserves hands out the same frames.
 */
export class PhysPages {
  private readonly pages = new Map<number, PhysPageState>();
  private readonly freeLists = new Map<PageSize, number[]>();
  private bump: number;
  private readonly end: number;
  /** Per page size (PAGE_SIZES order): pages promised by open reservations, and those reservations. */
  private readonly reservedPages = [0, 0, 0];
  private readonly reservations = [0, 0, 0];
  private openReservations = 0;
  readonly region: Readonly<PhysRegionOptions>;
  /** Counters for reports. */
  readonly stats = { allocations: 0, frees: 0, pinRefusals: 0 };

  constructor(region: PhysRegionOptions) {
    if (!Number.isSafeInteger(region.baseAddr) || region.baseAddr < 0 || region.baseAddr % PAGE_1G !== 0) {
      throw new ConfigError(
        'region.baseAddr',
        `Expected a 1G-aligned non-negative address, got \`${region.baseAddr}\``,
      );
    }
    if (!Number.isSafeInteger(region.sizeBytes) || region.sizeBytes < PAGE_64K) {
      throw new ConfigError('region.sizeBytes', `Expected at least 64K bytes, got \`${region.sizeBytes}\``);
    }
    this.region = { ...region };
    this.bump = region.baseAddr;
    this.end = region.baseAddr + region.sizeBytes;
    for (const s of PAGE_SIZES) this.freeLists.set(s, []);
  }

  /** Allocate one page of `sizeBytes`; throws ModelRefusal('ENOMEM') when the region has none to give. */
  allocate(sizeBytes: PageSize, owner: string): PhysPageState {
    const page = this.tryAllocate(sizeBytes, owner);
    if (page === undefined) {
      throw new ModelRefusal(
        'ENOMEM',
        `Expected a free ${pageSizeName(sizeBytes)} page in region ${hex(this.region.baseAddr)}+${hex(this.region.sizeBytes)}, got none (bump at ${hex(this.bump)}${this.openReservations > 0 ? `, ${this.openReservations} reservations open` : ''})`,
      );
    }
    return page;
  }

  /**
   * Allocate one page of `sizeBytes`, or undefined when the region has none to give: none left, or
   * the one left is promised to a reservation (the page allocator's watermark, in effect).
   */
  tryAllocate(sizeBytes: PageSize, owner: string): PhysPageState | undefined {
    if (this.openReservations > 0) {
      // Whether every reservation still fits once this page is gone: from the free list (one page
      // fewer there for them), or from the bump region (the bump moves past this page).
      const free = this.freeListOf(sizeBytes).length;
      if (free > 0 ? !this.fits(sizeBytes, 1, 0, this.bump) : !this.fitsAfterBump(sizeBytes))
        return undefined;
    }
    return this.take1(sizeBytes, owner);
  }

  /**
   * Promise `pages` pages of `sizeBytes` (0 is allowed), or undefined when they are not sure to
   * be there whatever else is allocated meanwhile (ENOMEM, as migrate_pages' get_new_page).
   */
  reserve(sizeBytes: PageSize, pages: number): PageReservation | undefined {
    assert(Number.isInteger(pages) && pages >= 0, `reserve of ${pages} pages`);
    if (!this.fits(sizeBytes, pages, 1, this.bump)) return undefined;
    const i = PAGE_SIZES.indexOf(sizeBytes);
    this.reservedPages[i]! += pages;
    this.reservations[i]! += 1;
    this.openReservations++;
    return new PageReservation(this, sizeBytes, pages);
  }

  /** The most pages of `sizeBytes` that `reserve` would promise now (0 when not even one). */
  reservable(sizeBytes: PageSize): number {
    if (!this.fits(sizeBytes, 1, 1, this.bump)) return 0;
    // fits() only gets harder as pages grow: the largest that fits, by bisection.
    let lo = 1;
    let hi = this.freeListOf(sizeBytes).length + Math.floor((this.end - this.bump) / sizeBytes) + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.fits(sizeBytes, mid, 1, this.bump)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Take every page still promised by `r`, one after another (no other allocation between them,
   * which `fits` counts on), and close it. The frames are those plain allocations would give now.
   */
  take(r: PageReservation, owner: string): PhysPageState[] {
    this.close(r);
    const out: PhysPageState[] = [];
    for (let k = 0; k < r.pages; k++) {
      const page = this.take1(r.sizeBytes, owner);
      if (page === undefined) {
        throw new AssertionFailure(
          `reserved ${pageSizeName(r.sizeBytes)} page ${k + 1} of ${r.pages} missing in region ${hex(this.region.baseAddr)} (bump at ${hex(this.bump)})`,
        );
      }
      out.push(page);
    }
    r.pages = 0;
    return out;
  }

  /** Give back what `r` still promises. */
  cancel(r: PageReservation): void {
    this.close(r);
    r.pages = 0;
  }

  private close(r: PageReservation): void {
    if (r.region !== this || !r.open) throw new AssertionFailure('a reservation taken twice or elsewhere');
    const i = PAGE_SIZES.indexOf(r.sizeBytes);
    this.reservedPages[i]! -= r.pages;
    this.reservations[i]! -= 1;
    this.openReservations--;
    r.open = false;
  }

  /**
   * Whether every open reservation, with `extraPages` more pages and `extraReservations` more
   * reservations of `size`, is sure to be met with the bump pointer at `bump`, whatever order they
   * are taken in and whatever is freed meanwhile (frees only help).
   *
   * Per size, the pages the free list cannot cover must come from the bump region. With one such
   * size the answer is exact: its first page at the next boundary of its size, the rest after it.
   * With several, pages of different sizes may interleave, and each reservation's first page from
   * the bump region may have to skip to its size's boundary: at most (size - 64K) bytes lost per
   * reservation that takes from it (a reservation's pages are taken together, `take`).
   */
  private fits(size: PageSize, extraPages: number, extraReservations: number, bump: number): boolean {
    let sizes = 0;
    let bytes = 0;
    let only = 0;
    let onlyPages = 0;
    for (let i = 0; i < PAGE_SIZES.length; i++) {
      const s = PAGE_SIZES[i]!;
      const mine = s === size;
      const fromBump = this.reservedPages[i]! + (mine ? extraPages : 0) - this.freeListOf(s).length;
      if (fromBump <= 0) continue;
      const takers = Math.min(this.reservations[i]! + (mine ? extraReservations : 0), fromBump);
      sizes++;
      only = s;
      onlyPages = fromBump;
      bytes += fromBump * s + takers * (s - PAGE_64K);
    }
    if (sizes === 0) return true;
    if (sizes === 1) return Math.ceil(bump / only) * only + onlyPages * only <= this.end;
    return bump + bytes <= this.end;
  }

  /** Whether one page of `size` fits past the bump, and every reservation after it. */
  private fitsAfterBump(size: PageSize): boolean {
    const next = Math.ceil(this.bump / size) * size + size;
    return next <= this.end && this.fits(size, 0, 0, next);
  }

  private freeListOf(size: PageSize): number[] {
    const list = this.freeLists.get(size);
    // An `if` rather than assert(): assert's message (a template) would be built on every call.
    if (list === undefined) throw new AssertionFailure(`no free list for page size ${size}`);
    return list;
  }

  /** The allocation itself: the last page freed of this size, else the next one at the bump. */
  private take1(sizeBytes: PageSize, owner: string): PhysPageState | undefined {
    const list = this.freeListOf(sizeBytes);
    let base = list.pop();
    if (base === undefined) {
      const aligned = Math.ceil(this.bump / sizeBytes) * sizeBytes;
      if (aligned + sizeBytes > this.end) return undefined;
      base = aligned;
      this.bump = aligned + sizeBytes;
    }
    let page = this.pages.get(base);
    if (page === undefined) {
      page = { base: base as PhysAddr, sizeBytes, epoch: 0, allocated: true, pins: 0, owner };
      this.pages.set(base, page);
    } else {
      if (page.allocated) throw new AssertionFailure(`page ${hex(base)} on the free list is still allocated`);
      if (page.sizeBytes !== sizeBytes)
        throw new AssertionFailure(`page ${hex(base)} changed size on the free list`);
      page.allocated = true;
      page.owner = owner;
    }
    this.stats.allocations++;
    return page;
  }

  /** Free a page: bumps its epoch. A pinned page is refused (EBUSY), as put_page would keep it. */
  free(base: PhysAddr): PhysPageState {
    const page = this.require(base, 'free');
    if (!page.allocated) {
      throw new ModelRefusal('EINVAL', `Expected page ${hex(base)} to be allocated at free, got a free page`);
    }
    if (page.pins > 0) {
      this.stats.pinRefusals++;
      throw new ModelRefusal(
        'EBUSY',
        `Expected page ${hex(base)} to be unpinned at free, got ${page.pins} pins`,
      );
    }
    page.allocated = false;
    page.epoch++;
    this.freeLists.get(page.sizeBytes)!.push(base);
    this.stats.frees++;
    return page;
  }

  pin(base: PhysAddr): void {
    const page = this.require(base, 'pin');
    if (!page.allocated) throw new ModelRefusal('EFAULT', `Expected page ${hex(base)} allocated to pin it`);
    page.pins++;
  }

  unpin(base: PhysAddr): void {
    const page = this.require(base, 'unpin');
    // An `if` rather than assert(): assert's message (a template) would be built on every call.
    if (page.pins <= 0) throw new AssertionFailure(`unpin of page ${hex(base)} that has no pins`);
    page.pins--;
  }

  /** The page containing `addr`, if it was ever allocated (tries each page size's alignment). */
  pageOf(addr: PhysAddr): PhysPageState | undefined {
    for (const s of PAGE_SIZES) {
      const p = this.pages.get(pageFloor(addr, s));
      if (p !== undefined && addr < p.base + p.sizeBytes) return p;
    }
    return undefined;
  }

  /** Current epoch of the page containing `addr` (0 for a never-allocated frame). */
  epochOf(addr: PhysAddr): number {
    return this.pageOf(addr)?.epoch ?? 0;
  }

  get trackedPages(): number {
    return this.pages.size;
  }

  private require(base: PhysAddr, where: string): PhysPageState {
    const page = this.pages.get(base);
    if (page === undefined) {
      throw new ModelRefusal('EINVAL', `Expected a known page base at ${where}, got ${hex(base)}`);
    }
    return page;
  }
}

/** A leaf PTE: one virtual page mapped to one physical page. */
export interface Pte {
  readonly va: VirtAddr;
  readonly pa: PhysAddr;
  readonly sizeBytes: PageSize;
  /** The physical page's epoch when it was mapped; a walk reports the page's current epoch. */
  readonly epoch: number;
  readonly writable: boolean;
  readonly mappedAt: Tick;
}

/** Result of a successful page-table lookup. */
export interface PageLookup {
  readonly pte: Pte;
  /** Physical address of `va` itself (page base + offset). */
  readonly pa: PhysAddr;
}

/**
 * One address space's leaf PTEs, keyed by virtual page base. Mixed page sizes are allowed but may not
 * overlap (the radix tree cannot hold a 64K leaf under a 2M leaf); lookups try 64K, 2M, 1G alignment.
 */
export class PageTable {
  private readonly ptes = new Map<number, Pte>();
  constructor(
    readonly lpid: Lpid,
    readonly pid: Pid,
  ) {}

  get size(): number {
    return this.ptes.size;
  }

  lookup(va: VirtAddr): PageLookup | undefined {
    for (const s of PAGE_SIZES) {
      const pte = this.ptes.get(pageFloor(va, s));
      if (pte !== undefined && pte.sizeBytes === s) return { pte, pa: (pte.pa + (va - pte.va)) as PhysAddr };
    }
    return undefined;
  }

  map(pte: Pte): void {
    if (pte.va % pte.sizeBytes !== 0 || pte.pa % pte.sizeBytes !== 0) {
      throw new ModelRefusal(
        'EINVAL',
        `Expected va and pa aligned to ${pageSizeName(pte.sizeBytes)}, got va ${hex(pte.va)} pa ${hex(pte.pa)}`,
      );
    }
    // An indexed loop: every initial page of a process is mapped in code still cold.
    for (let i = 0; i < PAGE_SIZES.length; i++) {
      // An overlapping leaf of any size: the same base, a larger leaf covering us, or smaller ones inside.
      const covering = this.ptes.get(pageFloor(pte.va, PAGE_SIZES[i]!));
      if (covering !== undefined && covering.va + covering.sizeBytes > pte.va) {
        throw new ModelRefusal(
          'EEXIST',
          `Expected ${hex(pte.va)} unmapped in lpid ${this.lpid} pid ${this.pid}, got a ${pageSizeName(covering.sizeBytes)} leaf at ${hex(covering.va)}`,
        );
      }
    }
    if (pte.sizeBytes > PAGE_64K) {
      // Smaller leaves inside the new range: bounded by the number of PTEs held, never by memory size.
      for (const other of this.ptes.values()) {
        if (other.va >= pte.va && other.va < pte.va + pte.sizeBytes) {
          throw new ModelRefusal(
            'EEXIST',
            `Expected ${hex(pte.va)}+${pageSizeName(pte.sizeBytes)} free of smaller leaves, got one at ${hex(other.va)}`,
          );
        }
      }
    }
    this.ptes.set(pte.va, pte);
  }

  /** Remove the leaf at exactly `va`; returns it (the caller must shoot it down before freeing pa). */
  unmap(va: VirtAddr): Pte {
    const pte = this.ptes.get(va);
    if (pte === undefined) {
      throw new ModelRefusal(
        'EINVAL',
        `Expected a leaf PTE at ${hex(va)} in lpid ${this.lpid} pid ${this.pid}, got none`,
      );
    }
    this.ptes.delete(va);
    return pte;
  }

  /** Leaves overlapping [start, start+size): bounded by the number of PTEs held. */
  leavesIn(start: number, sizeBytes: number): Pte[] {
    const out: Pte[] = [];
    for (const pte of this.ptes.values()) {
      if (pte.va < start + sizeBytes && pte.va + pte.sizeBytes > start) out.push(pte);
    }
    return out;
  }
}

/** All address spaces of the machine, keyed by (LPID, PID); what the nest MMU walks. */
export class PageTables {
  private readonly tables = new Map<string, PageTable>();
  readonly stats = { maps: 0, unmaps: 0, migrations: 0 };

  constructor(readonly phys: PhysPages) {}

  table(lpid: Lpid, pid: Pid): PageTable {
    const key = `${lpid}:${pid}`;
    let t = this.tables.get(key);
    if (t === undefined) {
      t = new PageTable(lpid, pid);
      this.tables.set(key, t);
    }
    return t;
  }

  find(lpid: Lpid, pid: Pid): PageTable | undefined {
    return this.tables.get(`${lpid}:${pid}`);
  }

  lookup(lpid: Lpid, pid: Pid, va: VirtAddr): PageLookup | undefined {
    return this.find(lpid, pid)?.lookup(va);
  }

  /** Map an allocated physical page at `va`. */
  map(
    lpid: Lpid,
    pid: Pid,
    va: VirtAddr,
    pa: PhysAddr,
    sizeBytes: PageSize,
    now: Tick,
    writable = true,
  ): Pte {
    const page = this.phys.pageOf(pa);
    if (page === undefined || !page.allocated || page.base !== pa || page.sizeBytes !== sizeBytes) {
      throw new ModelRefusal(
        'EFAULT',
        `Expected an allocated ${pageSizeName(sizeBytes)} page at ${hex(pa)} to map, got ${page === undefined ? 'none' : `${page.allocated ? 'allocated' : 'free'} ${pageSizeName(page.sizeBytes)} at ${hex(page.base)}`}`,
      );
    }
    const pte: Pte = { va, pa, sizeBytes, epoch: page.epoch, writable, mappedAt: now };
    this.table(lpid, pid).map(pte);
    this.stats.maps++;
    return pte;
  }

  /** Clear the PTE; the physical page stays allocated until the caller frees it after the shootdown. */
  unmap(lpid: Lpid, pid: Pid, va: VirtAddr): Pte {
    const t = this.find(lpid, pid);
    if (t === undefined) {
      throw new ModelRefusal('EINVAL', `Expected an address space for lpid ${lpid} pid ${pid}, got none`);
    }
    const pte = t.unmap(va);
    this.stats.unmaps++;
    return pte;
  }

  /**
   * Migration (e.g. NUMA balancing to GPU RAM): allocate a new frame of the same size, clear the old
   * PTE and install the new one. Returns the old PTE: its frame must be shot down before it is freed.
   * The new frame comes first, as in migrate_pages (`get_new_page` before `try_to_unmap`): when
   * `target` has none (ModelRefusal ENOMEM) the page stays mapped where it was.
   */
  migrate(lpid: Lpid, pid: Pid, va: VirtAddr, owner: string, now: Tick, target: PhysPages = this.phys): Pte {
    const current = this.find(lpid, pid)?.lookup(va)?.pte;
    if (current === undefined || current.va !== va) {
      throw new ModelRefusal(
        'EINVAL',
        `Expected a leaf PTE at ${hex(va)} in lpid ${lpid} pid ${pid}, got ${current === undefined ? 'none' : `one at ${hex(current.va)}`}`,
      );
    }
    const fresh = target.allocate(current.sizeBytes, owner);
    const old = this.unmap(lpid, pid, va);
    const pte: Pte = {
      va,
      pa: fresh.base,
      sizeBytes: old.sizeBytes,
      epoch: fresh.epoch,
      writable: old.writable,
      mappedAt: now,
    };
    this.table(lpid, pid).map(pte);
    this.stats.migrations++;
    return old;
  }
}
