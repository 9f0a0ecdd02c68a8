/**
 * A map from page numbers (pageKey, page-bases.ts) to numbers, for the rules' per-page state that
 * every DMA landing reads (a page's owner, its epoch): the same answers as a `Map<number, number>`
 * used with get, set and delete (nothing iterates it), found by indexing instead of hashing.
 *
 * Why not a Map: the lookup is on every DMA, and profiles of stress runs put a Map's get of a page
 * number among the heaviest lines of the oracle. Page numbers of host RAM come in a few dense runs
 * (one per chip), so whole-number keys below 2^31 index chunks of 4096 pages (a Float64Array each,
 * NaN for "absent", made on first set; the last chunk used is remembered); any other key (a
 * fraction, out of range) goes to an ordinary Map. Values are whole numbers (LPIDs, wire epochs);
 * a NaN value would read back as absent.
 */
const CHUNK_BITS = 12;
const CHUNK_PAGES = 1 << CHUNK_BITS;
const DENSE_LIMIT = 2 ** 31;

export class PageNumberMap {
  private readonly chunks = new Map<number, Float64Array>();
  private readonly other = new Map<number, number>();
  private lastChunk = -1;
  private lastValues: Float64Array | undefined;

  get(page: number): number | undefined {
    if (!isDense(page)) return this.other.get(page);
    const values = this.chunkOf(page >>> CHUNK_BITS, false);
    if (values === undefined) return undefined;
    const v = values[page & (CHUNK_PAGES - 1)]!;
    return Number.isNaN(v) ? undefined : v;
  }

  set(page: number, value: number): void {
    if (!isDense(page)) {
      this.other.set(page, value);
      return;
    }
    this.chunkOf(page >>> CHUNK_BITS, true)![page & (CHUNK_PAGES - 1)] = value;
  }

  delete(page: number): void {
    if (!isDense(page)) {
      this.other.delete(page);
      return;
    }
    const values = this.chunkOf(page >>> CHUNK_BITS, false);
    if (values !== undefined) values[page & (CHUNK_PAGES - 1)] = Number.NaN;
  }

  private chunkOf(chunk: number, make: boolean): Float64Array | undefined {
    if (chunk === this.lastChunk) return this.lastValues;
    let values = this.chunks.get(chunk);
    if (values === undefined) {
      if (!make) return undefined;
      values = new Float64Array(CHUNK_PAGES).fill(Number.NaN);
      this.chunks.set(chunk, values);
    }
    this.lastChunk = chunk;
    this.lastValues = values;
    return values;
  }
}

function isDense(page: number): boolean {
  return page >= 0 && page < DENSE_LIMIT && Number.isInteger(page);
}
