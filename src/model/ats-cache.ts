/**
 * The GPU's ATS translation cache (one per GPU), with the flush semantics that make two flush ATSDs
 * necessary (domain.md §3: "The GPU requires two flush ATSDs to ensure all entries have been flushed";
 * bit 39 = 0 makes the GPU flush (membar); NVIDIA UVM uses num_hshub_tlb_invalidate_membars flushes).
 *
 * NVIDIA does not document why two flushes are needed. The model chooses a mechanism that is
 * plausible for a GPU and that makes the count matter; it is an ASSUMPTION, stated here and in
 * docs/theory/ats-atsd-oracle.md:
 *
 *   L2 (HSHUB ATS TLB) <- fills from the NPU arrive here, on the same ordered link as the ATSDs,
 *        |                  so a fill sent before an invalidate is always seen by that invalidate.
 *        | refill (in flight, not cancellable, invisible to invalidates)
 *        v
 *   L1 (the engines' uTLBs) <- what DMA engines use.
 *
 * 1. An invalidate ATSD (range or PID, "no flush" bit 39 = 1) reaches the L2 only.
 * 2. A flush ATSD (bit 39 = 0: membar) does two things in order: SWEEP (drop every L1 entry), then
 *    DRAIN (wait for every L1 refill in flight when the flush began to land in the L1).
 * 3. A refill copied from the L2 BEFORE the invalidate and still in flight at flush 1 is not seen by
 *    flush 1's sweep and lands during flush 1's drain: the L1 holds a stale entry after one flush.
 *    Flush 2's sweep drops it; refills issued after the invalidate copy from a clean L2, so after
 *    two flushes no stale entry remains anywhere. One flush is insufficient in exactly that
 *    interleaving (a refill outstanding across the invalidate), which the tests search for.
 *
 * Keys are (LPID, PID, virtual page). LPID is in the key because the ATSD LPARID filter selects
 * entries by partition (a guest's ATSD must not touch other partitions' entries).
 *
 * Replacement: bounded LRU in both levels (Map insertion order, refreshed on hit), deterministic.
 * ASSUMED sizes: L2 2048 entries, L1 64 entries, at most 32 refills in flight; lookup latencies
 * L1 hit 10 ns, L2 hit 60 ns (engine-side figures, assumed).
 */

import { assert, ConfigError } from './errors.js';
import { PAGE_1G, PAGE_2M, PAGE_64K, type PageSize } from './page-table.js';
import { alignDown, type Lpid, ns, type PhysAddr, type Pid, type Tick, type VirtAddr } from './types.js';

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
  /** When the nest MMU made it (oracle: translation older than the last shootdown). */
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
  | { readonly hit: false; readonly latencyTicks: Tick };

export interface AtsCacheOptions {
  gpu: number;
  /** L2 entries; default 2048 (assumed). */
  l2CapacityEntries?: number;
  /** L1 entries; default 64 (assumed). */
  l1CapacityEntries?: number;
  /** Refills in flight; default 32 (assumed). A refill beyond the bound lands at once. */
  refillCapacity?: number;
  l1HitLatencyTicks?: Tick;
  l2HitLatencyTicks?: Tick;
}

interface Refill {
  readonly entry: AtsEntry;
  readonly seq: number;
}

function keyOf(lpid: number, pid: number, vaPage: number): string {
  return `${lpid}:${pid}:${vaPage}`;
}

export class AtsCache {
  readonly gpu: number;
  private readonly l2 = new Map<string, AtsEntry>();
  private readonly l1 = new Map<string, AtsEntry>();
  private readonly refills: Refill[] = [];
  private refillSeq = 0;
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
  };

  constructor(options: AtsCacheOptions) {
    this.gpu = options.gpu;
    this.l2Capacity = positive('l2CapacityEntries', options.l2CapacityEntries ?? 2048);
    this.l1Capacity = positive('l1CapacityEntries', options.l1CapacityEntries ?? 64);
    this.refillCapacity = positive('refillCapacity', options.refillCapacity ?? 32);
    this.l1HitLatencyTicks = options.l1HitLatencyTicks ?? ns(10);
    this.l2HitLatencyTicks = options.l2HitLatencyTicks ?? ns(60);
  }

  /**
   * An engine looks up `va`. L1 hit: use it. L2 hit: use it and start an L1 refill (in flight).
   * Miss: the engine must ask the NPU and call fill() with the answer.
   */
  lookup(lpid: Lpid, pid: Pid, va: VirtAddr): AtsLookup {
    for (const size of [PAGE_64K, PAGE_2M, PAGE_1G] as const) {
      const k = keyOf(lpid, pid, alignDown(va, size));
      const e1 = this.l1.get(k);
      if (e1 !== undefined && e1.pageSizeBytes === size) {
        this.l1.delete(k);
        this.l1.set(k, e1);
        this.stats.hits++;
        this.stats.l1Hits++;
        return { hit: true, level: 'l1', entry: e1, latencyTicks: this.l1HitLatencyTicks };
      }
    }
    for (const size of [PAGE_64K, PAGE_2M, PAGE_1G] as const) {
      const k = keyOf(lpid, pid, alignDown(va, size));
      const e2 = this.l2.get(k);
      if (e2 !== undefined && e2.pageSizeBytes === size) {
        this.l2.delete(k);
        this.l2.set(k, e2);
        this.stats.hits++;
        this.stats.l2Hits++;
        this.startRefill(e2);
        return { hit: true, level: 'l2', entry: e2, latencyTicks: this.l2HitLatencyTicks };
      }
    }
    this.stats.misses++;
    return { hit: false, latencyTicks: this.l2HitLatencyTicks };
  }

  /** A translation response from the NPU: installed in the L2, and an L1 refill starts. */
  fill(entry: AtsEntry): void {
    assert(entry.va % entry.pageSizeBytes === 0, `ATS fill of unaligned va ${entry.va} on gpu ${this.gpu}`);
    const k = keyOf(entry.lpid, entry.pid, entry.va);
    this.l2.delete(k);
    this.l2.set(k, entry);
    this.stats.fills++;
    this.evict(this.l2, this.l2Capacity);
    this.startRefill(entry);
  }

  /** Number of L1 refills in flight. */
  get refillsInFlight(): number {
    return this.refills.length;
  }

  /** Land the `index`-th oldest refill in flight into the L1 (the engine or a Chooser decides when). */
  landRefill(index = 0): AtsEntry {
    assert(
      index >= 0 && index < this.refills.length,
      `landRefill(${index}) with ${this.refills.length} in flight`,
    );
    const [r] = this.refills.splice(index, 1);
    this.installL1(r!.entry);
    return r!.entry;
  }

  /** Apply an ATSD delivered by the NPU. Returns how many entries it dropped. */
  apply(inv: AtsInvalidate): number {
    if (inv.kind === 'flush') {
      this.flush();
      return 0;
    }
    this.stats.invalidations++;
    let dropped = 0;
    // Invalidates reach the L2 only (see header, step 1); bounded by the L2 capacity.
    for (const [k, e] of this.l2) {
      if (e.lpid !== inv.lpid || e.pid !== inv.pid) continue;
      if (inv.kind === 'range') {
        const end = inv.start + inv.sizeBytes;
        if (!(e.va < end && e.va + e.pageSizeBytes > inv.start)) continue;
      }
      this.l2.delete(k);
      dropped++;
    }
    return dropped;
  }

  /** A flush ATSD (membar): sweep the L1, then drain the refills that were in flight (header step 2). */
  flush(): void {
    this.stats.flushes++;
    this.l1.clear();
    const inFlight = this.refills.splice(0, this.refills.length);
    for (const r of inFlight) this.installL1(r.entry);
  }

  /** Every entry any level or refill holds for (lpid, pid), for tests and the oracle's reports. */
  entriesFor(lpid: Lpid, pid: Pid): { l1: AtsEntry[]; l2: AtsEntry[]; inFlight: AtsEntry[] } {
    const match = (e: AtsEntry) => e.lpid === lpid && e.pid === pid;
    return {
      l1: [...this.l1.values()].filter(match),
      l2: [...this.l2.values()].filter(match),
      inFlight: this.refills.map((r) => r.entry).filter(match),
    };
  }

  get sizeEntries(): { l1: number; l2: number } {
    return { l1: this.l1.size, l2: this.l2.size };
  }

  private startRefill(entry: AtsEntry): void {
    if (this.refills.length >= this.refillCapacity) {
      // Bounded: the oldest refill lands now to make room (hardware would stall the requester).
      this.landRefill(0);
    }
    this.refills.push({ entry, seq: this.refillSeq++ });
  }

  private installL1(entry: AtsEntry): void {
    const k = keyOf(entry.lpid, entry.pid, entry.va);
    this.l1.delete(k);
    this.l1.set(k, entry);
    this.evict(this.l1, this.l1Capacity);
  }

  private evict(level: Map<string, AtsEntry>, capacity: number): void {
    while (level.size > capacity) {
      const oldest = level.keys().next();
      assert(oldest.done !== true, 'evicting from an empty ATS level');
      level.delete(oldest.value);
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
