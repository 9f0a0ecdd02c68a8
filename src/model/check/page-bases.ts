/**
 * Which page an address belongs to, as the oracle judges it. Most pages are 64K, and an address
 * then belongs to its 64K-aligned base; a 2M or 1G page (workload `pageSizes`) is announced to the
 * oracle with its size when it gets an owner (`page.owner`), and every address inside it belongs to
 * its base from then on: a DMA landing anywhere in a 2M page is judged against that page's owner
 * and epoch. Frames never change size (host/page-table.ts keeps a free list per size), so a base
 * once seen stays valid. Only the chip homing a page hears its owner, and only it judges DMA
 * landing there, so each oracle knows the large pages it needs.
 */

import { pageFloor } from '../host/page-floor.js';
import { PAGE_1G, PAGE_2M, PAGE_64K } from '../host/page-table.js';

/**
 * A page's key in the rules' maps: its address / 64K. One to one with the address (a page base
 * not 64K-aligned still gets a key of its own), and below 2^31 for any address below 2^47, so a
 * Map keeps it as a small integer instead of hashing a heap number through a runtime call.
 */
export function pageKey(pa: number): number {
  return pa / PAGE_64K;
}

export class PageBases {
  private readonly large = new Map<number, number>();

  /** A page of `sizeBytes` at `base` (64K pages need no note). */
  note(base: number, sizeBytes: number | undefined): void {
    if (sizeBytes !== undefined && sizeBytes > PAGE_64K) this.large.set(base, sizeBytes);
  }

  /** The base of the page holding `pa`. */
  baseOf(pa: number): number {
    if (this.large.size > 0) {
      const g = pageFloor(pa, PAGE_1G);
      if (this.large.get(g) === PAGE_1G) return g;
      const m = pageFloor(pa, PAGE_2M);
      if (this.large.get(m) === PAGE_2M) return m;
    }
    return pageFloor(pa, PAGE_64K);
  }
}
