/**
 * The GPU's ATS translation cache (one per GPU), with the flush semantics that make two flush ATSDs
 * necessary (docs/theory/ats-atsd-oracle.md#4-the-gpu-ats-cache-and-why-two-flushes-gpuats-cachets;
 * Linux npu-dma.c: "The GPU requires two flush ATSDs to ensure all entries have been flushed"; bit
 * 39 = 0 makes the GPU flush (membar); NVIDIA UVM uses num_hshub_tlb_invalidate_membars flushes).
 *
 * NVIDIA's reason is one line of its open UVM driver: "Pascal and Volta require post-invalidate
 * membars to flush out HSHUB. See bug 1975028" (num_hshub_tlb_invalidate_membars: 2 on GV100 and
 * GP100, 0 on GP10x, which has no HSHUB). Where the stale state lives, and how each membar moves it,
 * is not public: the model chooses a mechanism that is plausible for a GPU and that makes the count
 * matter; it is an ASSUMPTION, stated here and in docs/theory/ats-atsd-oracle.md:
 *
 *   L2 (HSHUB ATS TLB) <- fills from the NPU arrive here, on the same ordered link as the ATSDs,
 *        |                  so a fill sent before an invalidate is always seen by that invalidate.
 *        | refill pipeline: stage 0 (read out of the L2) -> stage 1 (crossing to the GPCs);
 *        | in flight, not cancellable, invisible to invalidates
 *        v
 *   L1 (the engines' uTLBs) <- what DMA engines use.
 *
 * 1. An ATSD invalidate (range or PID) reaches the L2 only.
 * 2. An ATSD with bit 39 ("No flush") = 0 then flushes (membar): SWEEP (drop every L1 entry), then
 *    ADVANCE every refill in flight by exactly ONE stage (a refill in the last stage lands in the L1).
 *    Linux v4.20+ leaves bit 39 at 0 on every ATSD, so the range/PID ATSD itself flushes once (F0),
 *    and the two PID-0 flush ATSDs are F1 and F2. Refills also advance on their own at any time
 *    (the engine or a Chooser calls advanceRefill).
 * 3. A refill read out of the L2 BEFORE the invalidate carries a stale translation. Still in stage 0
 *    at F0, F0 moves it to stage 1 after sweeping; F1 sweeps and then lands it in the L1: after one
 *    flush ATSD the L1 holds a stale entry. F2 sweeps it. Every refill issued after the invalidate
 *    copies from a clean L2, and after F1 no pre-invalidate refill is left in flight, so after two
 *    flushes nothing stale remains. One flush is insufficient in exactly the interleaving where a
 *    refill is in stage 0 when the invalidate lands (`REFILL_STAGES` = 2 plays the part of
 *    num_hshub_tlb_invalidate_membars).
 *
 * Keys are (LPID, PID, virtual page). LPID is in the key because the ATSD LPARID filter selects
 * entries by partition (a guest's ATSD must not touch other partitions' entries).
 *
 * Replacement: bounded LRU in both levels (an LruMap's order, refreshed on hit), deterministic.
 * ASSUMED sizes: L2 2048 entries, L1 64 entries, at most 32 refills in flight, 2 refill stages; lookup latencies
 * L1 hit 10 ns, L2 hit 60 ns (engine-side figures, assumed).
 */

import { AssertionFailure, assert, ConfigError } from '../../core/errors.js';
import type { OracleEventOf } from '../check/oracle-events.js';
import { PAGE_1G, PAGE_2M, PAGE_64K, type PageSize } from '../host/page-table.js';
import { LruMap } from '../lru-map.js';
import { alignDown, type Lpid, ns, type PhysAddr, type Pid, type Tick, type VirtAddr } from '../types.js';

export interface AtsEntry {
  readonly lpid: Lpid;
  readonly pid: Pid;
  /** Virtual page base. */
  readonly va: VirtAddr;
  readonly pa: PhysAddr;
  readonly pageSizeBytes: PageSize;
  /** The physical page's epoch at translation time (oracle: freed/reused page). */
  readonly epoch: number;
  readonly writable: boolean;
  /** When the nest MMU made it (kept for the state dump; the oracle judges by `epoch`). */
  readonly madeAt: Tick;
}

/** What an ATSD delivers to a GPU, after the NPU applied the register's LPARID filter. */
export type AtsInvalidate =
  | {
      readonly kind: 'range';
      readonly lpid: Lpid;
      readonly pid: Pid;
      readonly start: number;
      readonly sizeBytes: PageSize;
    }
  | { readonly kind: 'pid'; readonly lpid: Lpid; readonly pid: Pid }
  | { readonly kind: 'flush' };

export type AtsLookup =
  | { readonly hit: true; readonly level: 'l1' | 'l2'; readonly entry: AtsEntry; readonly latencyTicks: Tick }
  // A miss carries no latency: the engine sends its ATS request at once (DmaEngines.issueUt0;
  // docs/theory-of-operation.md section 8, "ATS miss").
  | { readonly hit: false };

export interface AtsCacheOptions {
  gpu: number;
  /** L2 entries; default 2048 (assumed). */
  l2CapacityEntries?: number;
  /** L1 entries; default 64 (assumed). */
  l1CapacityEntries?: number;
  /** Refills in flight; default 32 (assumed). Past the bound, the oldest refill lands to make room. */
  refillCapacity?: number;
  l1HitLatencyTicks?: Tick;
  l2HitLatencyTicks?: Tick;
}

/** Refill pipeline depth (stages between the L2 and the L1); assumed, see header. */
export const REFILL_STAGES = 2;

export interface Refill {
  readonly entry: AtsEntry;
  readonly seq: number;
  /** 0 .. REFILL_STAGES-1. */
  stage: number;
  /** When it was read out of the L2 (`AtsCache.now` then), and after what. */
  readonly begunAt: Tick;
  readonly from: 'fill' | 'l2-hit';
  /** Read out before an invalidate of its page reached the L2: it carries a stale translation. */
  stale: boolean;
}

/**
 * What the cache tells its GPU's oracle (check/oracle-events.ts, `ats.*`): how a translation
 * outlived a shootdown. Only a refill in flight when an invalidate of its page arrives is followed
 * (its begin, that invalidate, each flush while it or its L1 entry lives, its landing), so the
 * refills of every other lookup, the hot path, cost one tick and two fields per refill and no event.
 */
export type AtsWitnessEvent = OracleEventOf<
  'ats.refill.begin' | 'ats.invalidate' | 'ats.flush' | 'ats.refill.land'
>;

const SIZES: readonly PageSize[] = [PAGE_64K, PAGE_2M, PAGE_1G];
/** 64 KiB pages below 2^53: 37 bits; the address-space id takes the bits above. */
const PAGE_SPAN = 2 ** 37;
/**
 * A range invalidate of at most this many 64K pages, while every entry is 64K, probes each page's
 * key instead of scanning the L2 (a 2M range is 32 probes; a 1G range scans).
 */
const PROBE_PAGES_MAX = 64;

/**
 * The entry of one cache level that translates `va`, trying each page size (an entry keyed by the
 * VA aligned to a size counts only if it is a translation of that size); marks it used.
 */
function probe(cache: LruMap<AtsEntry>, space: number, va: VirtAddr): AtsEntry | undefined {
  for (const size of SIZES) {
    const k = space + alignDown(va, size) / PAGE_64K;
    const e = cache.get(k);
    if (e !== undefined && e.pageSizeBytes === size) {
      cache.use(k);
      return e;
    }
  }
  return undefined;
}

export class AtsCache {
  readonly gpu: number;
  // Keys are numbers (address-space id * 2^37 + 64 KiB page number): the lookup is the GPU's hot
  // path, and a string key would allocate on every probe. Each level is an LruMap sized one above
  // its capacity: a fill sets the new entry, then evicts the oldest (lru-map.ts says why not a Map).
  private readonly l2: LruMap<AtsEntry>;
  private readonly l1: LruMap<AtsEntry>;
  private readonly spaceIds = new Map<number, number>();
  /** The last (lpid, pid) asked for and its space: a GPU's DMA mostly repeats its processes. */
  private lastSpaceKey = -1;
  private lastSpace = 0;
  /** Set once any 2M or 1G entry is filled; never cleared (a conservative shortcut for lookup). */
  private largeSeen = false;
  private readonly refills: Refill[] = [];
  private refillSeq = 0;
  /**
   * The tick of the event the GPU is handling: the GPU sets it before it looks up, fills, moves
   * refills or applies an ATSD, so a refill knows when it began and the witness when things happened.
   */
  now = 0 as Tick;
  /** Where the evidence of a stale refill goes (the GPU's oracle); none: nothing is followed. */
  witness: ((ev: AtsWitnessEvent) => void) | undefined;
  /** Stale refills in flight, and the stale entries they landed in the L1 (until a flush sweeps them). */
  private staleInFlight = 0;
  private readonly staleL1: AtsEntry[] = [];
  /** During a flush that moves stale refills: those it lands, per page (told as one line each). */
  private landedInFlush: Map<number, { entry: AtsEntry; n: number }> | undefined;
  private readonly l2Capacity: number;
  private readonly l1Capacity: number;
  private readonly refillCapacity: number;
  private readonly l1HitLatencyTicks: Tick;
  private readonly l2HitLatencyTicks: Tick;
  readonly stats = {
    hits: 0,
    l1Hits: 0,
    l2Hits: 0,
    misses: 0,
    evictions: 0,
    invalidations: 0,
    flushes: 0,
    fills: 0,
    resets: 0,
  };

  constructor(options: AtsCacheOptions) {
    this.gpu = options.gpu;
    this.l2Capacity = positive('l2CapacityEntries', options.l2CapacityEntries ?? 2048);
    this.l1Capacity = positive('l1CapacityEntries', options.l1CapacityEntries ?? 64);
    this.refillCapacity = positive('refillCapacity', options.refillCapacity ?? 32);
    this.l1HitLatencyTicks = options.l1HitLatencyTicks ?? ns(10);
    this.l2HitLatencyTicks = options.l2HitLatencyTicks ?? ns(60);
    this.l2 = new LruMap(this.l2Capacity + 1);
    this.l1 = new LruMap(this.l1Capacity + 1);
  }

  /**
   * An engine looks up `va`. L1 hit: use it. L2 hit: use it and start an L1 refill (in flight).
   * Miss: the engine must ask the NPU and call fill() with the answer.
   */
  lookup(lpid: Lpid, pid: Pid, va: VirtAddr): AtsLookup {
    const space = this.spaceOf(lpid, pid);
    // Until a 2M or 1G translation was ever cached, only the 64K probe can hit. (A VA is a whole
    // number >= 0, so the floor is alignDown(va, 64K) / 64K without a floating-point remainder.)
    if (!this.largeSeen) return this.lookup64K(space + Math.floor(va / PAGE_64K));
    const e1 = probe(this.l1, space, va);
    if (e1 !== undefined) return this.l1Hit(e1);
    const e2 = probe(this.l2, space, va);
    if (e2 !== undefined) return this.l2Hit(e2);
    return this.miss();
  }

  /**
   * `lookup` until a 2M or 1G translation was ever cached (the common case): every entry is a 64K
   * page at its own key, so the one probe per level that can hit is `key`, and the size check is
   * always true; `use` finds and refreshes in one probe where `get` then `use` took two.
   */
  private lookup64K(key: number): AtsLookup {
    const e1 = this.l1.use(key);
    if (e1 !== undefined) return this.l1Hit(e1);
    const e2 = this.l2.use(key);
    if (e2 !== undefined) return this.l2Hit(e2);
    return this.miss();
  }

  /** An L1 hit on `e` (already refreshed): counted, at the L1's latency. */
  private l1Hit(e: AtsEntry): AtsLookup {
    this.stats.hits++;
    this.stats.l1Hits++;
    return { hit: true, level: 'l1', entry: e, latencyTicks: this.l1HitLatencyTicks };
  }

  /** An L2 hit on `e` (already refreshed): counted, and its L1 refill starts. */
  private l2Hit(e: AtsEntry): AtsLookup {
    this.stats.hits++;
    this.stats.l2Hits++;
    this.startRefill(e, 'l2-hit');
    return { hit: true, level: 'l2', entry: e, latencyTicks: this.l2HitLatencyTicks };
  }

  /**
   * A miss: counted; the engine asks the NPU at once. The L2 lookup that finds the miss is not
   * charged (SIMPLIFICATION, docs/theory-of-operation.md section 8): before, a miss carried the
   * L2's latency that nothing read, which read as if the request waited for it.
   */
  private miss(): AtsLookup {
    this.stats.misses++;
    return { hit: false };
  }

  /** A translation response from the NPU: installed in the L2, and an L1 refill starts. */
  fill(entry: AtsEntry): void {
    if (entry.va % entry.pageSizeBytes !== 0)
      throw new AssertionFailure(`ATS fill of unaligned va ${entry.va} on gpu ${this.gpu}`);
    const k = this.keyOf(entry);
    if (entry.pageSizeBytes !== PAGE_64K) this.largeSeen = true;
    this.l2.set(k, entry);
    this.stats.fills++;
    this.evict(this.l2, this.l2Capacity);
    this.startRefill(entry, 'fill');
  }

  /** Number of L1 refills in flight. */
  get refillsInFlight(): number {
    return this.refills.length;
  }

  /** The refills in flight, oldest first (read-only view for engines and tests). */
  refillQueue(): readonly Readonly<Refill>[] {
    return this.refills;
  }

  /**
   * Move the `index`-th oldest refill one stage on; from the last stage it lands in the L1. Returns
   * the entry when it landed. The engine (or a Chooser) decides when refills move.
   */
  advanceRefill(index = 0): AtsEntry | null {
    // An `if` rather than assert(): assert's message (a template) would be built on every call.
    if (!(index >= 0 && index < this.refills.length))
      throw new AssertionFailure(`advanceRefill(${index}) with ${this.refills.length} in flight`);
    const r = this.refills[index]!;
    if (r.stage + 1 < REFILL_STAGES) {
      r.stage++;
      return null;
    }
    this.refills.splice(index, 1);
    this.installL1(r.entry);
    if (r.stale) this.staleLanded(r);
    return r.entry;
  }

  /** Land every refill now, oldest first (an idle GPU: nothing left in flight). */
  drainRefills(): void {
    const bound = REFILL_STAGES * (this.refillCapacity + 1);
    for (let guard = 0; this.refills.length > 0 && guard < bound; guard++) this.advanceRefill(0);
    assert(this.refills.length === 0, `gpu ${this.gpu}: refills did not drain`);
  }

  /**
   * Apply an ATSD delivered by the NPU; `flush` is bit 39 == 0 (Linux v4.20+ always). Returns how many
   * L2 entries the invalidate dropped.
   */
  apply(inv: AtsInvalidate, flush = true): number {
    if (inv.kind === 'flush') {
      this.flush();
      return 0;
    }
    const dropped = this.invalidate(inv);
    if (flush) this.flush();
    return dropped;
  }

  /**
   * The invalidate half of an ATSD: the L2 only (header, step 1). The refills of the range in
   * flight it cannot reach are marked stale and followed (`witness`).
   */
  invalidate(inv: Exclude<AtsInvalidate, { kind: 'flush' }>): number {
    this.stats.invalidations++;
    if (this.witness !== undefined && this.refills.length > 0) this.followMissed(inv, this.witness);
    return this.dropFromL2(inv);
  }

  /**
   * Mark the refills of `inv`'s range in flight stale; per page, tell when the first of them began
   * and how many the invalidate missed (one line each, however many refills: a history is short).
   */
  private followMissed(
    inv: Exclude<AtsInvalidate, { kind: 'flush' }>,
    witness: (ev: AtsWitnessEvent) => void,
  ): void {
    const caught = new Map<number, { first: Refill; n: number }>();
    for (const r of this.refills) {
      const e = r.entry;
      if (r.stale || e.lpid !== inv.lpid || e.pid !== inv.pid) continue;
      if (inv.kind === 'range' && !(e.va < inv.start + inv.sizeBytes && e.va + e.pageSizeBytes > inv.start))
        continue;
      r.stale = true;
      this.staleInFlight++;
      const c = caught.get(e.pa);
      // The queue is oldest first, so the first refill seen of a page began first.
      if (c === undefined) caught.set(e.pa, { first: r, n: 1 });
      else c.n++;
    }
    for (const [pa, { first, n }] of caught) {
      const e = first.entry;
      witness({
        kind: 'ats.refill.begin',
        tick: first.begunAt,
        gpu: this.gpu,
        pa: e.pa,
        sizeBytes: e.pageSizeBytes,
        epoch: e.epoch,
        from: first.from,
      });
      witness({
        kind: 'ats.invalidate',
        tick: this.now,
        gpu: this.gpu,
        pa: pa as PhysAddr,
        refillsInFlight: n,
      });
    }
  }

  /** Drop the L2 entries `inv` covers; how many. */
  private dropFromL2(inv: Exclude<AtsInvalidate, { kind: 'flush' }>): number {
    // Invalidates reach the L2 only (see header, step 1). Every entry of (lpid, pid) is keyed by
    // its space, so an address space never seen has nothing to drop.
    const id = this.spaceIds.get(inv.lpid * 0x10_0000 + inv.pid);
    if (id === undefined) return 0;
    if (inv.kind === 'range') {
      const end = inv.start + inv.sizeBytes;
      const first = Math.floor(inv.start / PAGE_64K);
      const last = Math.floor((end - 1) / PAGE_64K);
      if (!this.largeSeen && last - first < PROBE_PAGES_MAX) {
        // Every entry is one 64K page at its own key: the overlapping ones are exactly these keys.
        // Deleting them in page order rather than LRU order leaves the same entries in the same
        // order.
        let dropped = 0;
        for (let page = first; page <= last; page++) if (this.l2.delete(id * PAGE_SPAN + page)) dropped++;
        return dropped;
      }
      return this.l2.deleteWhere(
        (e) => e.lpid === inv.lpid && e.pid === inv.pid && e.va < end && e.va + e.pageSizeBytes > inv.start,
      );
    }
    // Bounded by the L2 capacity.
    return this.l2.deleteWhere((e) => e.lpid === inv.lpid && e.pid === inv.pid);
  }

  /** The flush (membar): sweep the L1, then every refill moves one stage (header, step 2). */
  flush(): void {
    this.stats.flushes++;
    if (this.witness !== undefined && (this.staleInFlight > 0 || this.staleL1.length > 0)) {
      this.witnessFlush(this.witness);
    }
    this.l1.clear();
    // Back to front so a landing refill's splice leaves the indices still to visit untouched.
    this.landedInFlush = this.staleInFlight > 0 ? new Map() : undefined;
    for (let i = this.refills.length - 1; i >= 0; i--) this.advanceRefill(i);
    const landed = this.landedInFlush;
    this.landedInFlush = undefined;
    // The refills one flush lands: one line per page.
    if (landed !== undefined) for (const [, l] of landed) this.witnessLand(l.entry, l.n);
  }

  /**
   * Before a flush's sweep: per page followed, the stale entries it sweeps from the L1 and the
   * stale refills it moves (those in the last stage land: `staleLanded` tells that after this).
   */
  private witnessFlush(witness: (ev: AtsWitnessEvent) => void): void {
    const pages = new Map<number, { swept: number; moved: number }>();
    const page = (pa: number) => {
      let p = pages.get(pa);
      if (p === undefined) {
        p = { swept: 0, moved: 0 };
        pages.set(pa, p);
      }
      return p;
    };
    // An entry the L1's LRU already evicted is no longer there to sweep.
    for (const e of this.staleL1) if (this.l1.get(this.keyOf(e)) === e) page(e.pa).swept++;
    for (const r of this.refills) if (r.stale) page(r.entry.pa).moved++;
    this.staleL1.length = 0;
    for (const [pa, p] of pages) {
      witness({
        kind: 'ats.flush',
        tick: this.now,
        gpu: this.gpu,
        pa: pa as PhysAddr,
        swept: p.swept,
        refillsMoved: p.moved,
      });
    }
  }

  /** A stale refill landed in the L1: followed until a flush sweeps it. */
  private staleLanded(r: Refill): void {
    this.staleInFlight--;
    this.staleL1.push(r.entry);
    const inFlush = this.landedInFlush;
    if (inFlush === undefined) {
      this.witnessLand(r.entry, 1);
      return;
    }
    const l = inFlush.get(r.entry.pa);
    if (l === undefined) inFlush.set(r.entry.pa, { entry: r.entry, n: 1 });
    else l.n++;
  }

  private witnessLand(e: AtsEntry, refills: number): void {
    this.witness?.({
      kind: 'ats.refill.land',
      tick: this.now,
      gpu: this.gpu,
      pa: e.pa,
      sizeBytes: e.pageSizeBytes,
      epoch: e.epoch,
      refills,
    });
  }

  /** A GPU reset: every level and every refill in flight is gone (stats are kept). */
  reset(): void {
    this.l1.clear();
    this.l2.clear();
    this.refills.length = 0;
    this.staleInFlight = 0;
    this.staleL1.length = 0;
    this.stats.resets++;
  }

  /** Every entry any level or refill holds for (lpid, pid), for tests and the oracle's reports. */
  entriesFor(lpid: Lpid, pid: Pid): { l1: AtsEntry[]; l2: AtsEntry[]; inFlight: AtsEntry[] } {
    const match = (e: AtsEntry) => e.lpid === lpid && e.pid === pid;
    return {
      l1: this.l1.valueList().filter(match),
      l2: this.l2.valueList().filter(match),
      inFlight: this.refills.map((r) => r.entry).filter(match),
    };
  }

  get sizeEntries(): { l1: number; l2: number } {
    return { l1: this.l1.size, l2: this.l2.size };
  }

  private startRefill(entry: AtsEntry, from: Refill['from']): void {
    if (this.refills.length >= this.refillCapacity) {
      // Bounded: the oldest refill lands now to make room (hardware would stall the requester).
      for (let i = 0; i < REFILL_STAGES && this.advanceRefill(0) === null; i++) {
        // Each call moves the oldest refill one stage; at most REFILL_STAGES calls land it.
      }
    }
    this.refills.push({ entry, seq: this.refillSeq++, stage: 0, begunAt: this.now, from, stale: false });
  }

  private installL1(entry: AtsEntry): void {
    this.l1.set(this.keyOf(entry), entry);
    this.evict(this.l1, this.l1Capacity);
  }

  /** Address-space id * 2^37: ids are handed out in first-use order, so they are deterministic. */
  private spaceOf(lpid: number, pid: number): number {
    const k = lpid * 0x10_0000 + pid;
    if (k === this.lastSpaceKey) return this.lastSpace;
    let id = this.spaceIds.get(k);
    if (id === undefined) {
      id = this.spaceIds.size;
      assert(id < 2 ** 15, `gpu ${this.gpu}: more than 2^15 address spaces in its ATS cache`);
      this.spaceIds.set(k, id);
    }
    this.lastSpaceKey = k;
    this.lastSpace = id * PAGE_SPAN;
    return this.lastSpace;
  }

  private keyOf(e: AtsEntry): number {
    return this.spaceOf(e.lpid, e.pid) + e.va / PAGE_64K;
  }

  private evict(level: LruMap<AtsEntry>, capacity: number): void {
    while (level.size > capacity) {
      const oldest = level.oldestKey();
      assert(oldest !== undefined, 'evicting from an empty ATS level');
      level.delete(oldest);
      this.stats.evictions++;
    }
  }
}

function positive(field: string, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new ConfigError(field, `Expected \`${field}\` to be an integer from 1 to 1000000, got \`${n}\``);
  }
  return n;
}
