/**
 * The TCE cache of one PHB4 or NPU2
 * (docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts): it
 * keeps a translation until a kill removes it, however the table changes underneath. That is the
 * point of the model: a table write without a kill leaves the old translation usable.
 *
 * Keyed by (PE, bus page number). Bounded: `capacityEntries` (ASSUMED default 64; the real sizes
 * are not public). Replacement is deterministic LRU: a hit makes the entry the newest, a fill into a
 * full cache evicts the oldest. The entries live in an LruMap (lru-map.ts), as the ATS cache's do:
 * the keys are above 2^31, and a `Map` boxed each in a heap number and hashed it in the runtime on
 * every UT=1 DMA's lookup, delete and set. Like the ATS cache's, it takes memory in proportion to
 * its capacity from the start (typed arrays), not as entries arrive.
 */
import { ConfigError } from '../../core/errors.js';
import { LruMap } from '../lru-map.js';
import type { PhysAddr } from '../types.js';

export const DEFAULT_TCE_CACHE_ENTRIES = 64;

export interface CachedTce {
  table: number;
  index: number;
  physAddr: PhysAddr;
  read: boolean;
  write: boolean;
  /** Generation of the table entry when it was cached. */
  generation: number;
}

export interface TceCacheStats {
  hits: number;
  misses: number;
  fills: number;
  evictions: number;
  /** Entries removed by kills. */
  killedEntries: number;
  killsSingle: number;
  killsPe: number;
  killsAll: number;
}

/** PE numbers fit in 16 bits, bus page numbers in 37 (bus < 2^53, page >= 4K): one safe integer. */
const keyOf = (pe: number, busPage: number): number => busPage * 65536 + pe;

export class TceCache {
  private readonly entries: LruMap<CachedTce>;
  readonly stats: TceCacheStats = {
    hits: 0,
    misses: 0,
    fills: 0,
    evictions: 0,
    killedEntries: 0,
    killsSingle: 0,
    killsPe: 0,
    killsAll: 0,
  };

  constructor(
    readonly name: string,
    readonly capacityEntries: number = DEFAULT_TCE_CACHE_ENTRIES,
  ) {
    if (!Number.isInteger(capacityEntries) || capacityEntries < 1 || capacityEntries > 1 << 20) {
      throw new ConfigError(
        'tce.cacheCapacityEntries',
        `Expected 1 to 1048576 entries, got ${capacityEntries}`,
      );
    }
    this.entries = new LruMap(capacityEntries);
  }

  /** A DMA lookup: counts a hit (and refreshes LRU order) or a miss. */
  lookup(pe: number, busPage: number): CachedTce | undefined {
    const e = this.entries.use(keyOf(pe, busPage));
    if (e === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return e;
  }

  /** Whether an entry is cached, without counting or reordering (for checks and reports). */
  peek(pe: number, busPage: number): CachedTce | undefined {
    return this.entries.get(keyOf(pe, busPage));
  }

  fill(pe: number, busPage: number, entry: CachedTce): void {
    const key = keyOf(pe, busPage);
    this.entries.delete(key);
    if (this.entries.size >= this.capacityEntries) {
      const oldest = this.entries.oldestKey();
      if (oldest !== undefined) {
        this.entries.delete(oldest);
        this.stats.evictions++;
      }
    }
    this.entries.set(key, entry);
    this.stats.fills++;
  }

  /** Kill one entry (the NPU2 "kill one" register write). */
  killEntry(pe: number, busPage: number): boolean {
    this.stats.killsSingle++;
    const removed = this.entries.delete(keyOf(pe, busPage));
    if (removed) this.stats.killedEntries++;
    return removed;
  }

  /** Kill every entry of one PE (the PHB4 "kill PE" register write). */
  killPe(pe: number): number {
    this.stats.killsPe++;
    const n = this.entries.deleteWhere((_e, key) => key % 65536 === pe);
    this.stats.killedEntries += n;
    return n;
  }

  /** Kill everything. */
  killAll(): number {
    this.stats.killsAll++;
    const n = this.entries.size;
    this.entries.clear();
    this.stats.killedEntries += n;
    return n;
  }

  get size(): number {
    return this.entries.size;
  }
}
