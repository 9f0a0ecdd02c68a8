/**
 * A map from tags (whole numbers below 2^31) to numbers, for the few dozen to few hundred DMAs a
 * GPU has in flight: each issue sets a tag, each completion deletes one, millions of times a run.
 *
 * Why not a `Map`. V8's Map keeps deleted entries as holes until the table fills, then copies the
 * live ones into a newly allocated table. With a steady few dozen entries and one insert and one
 * delete per DMA, that is a fresh table every few dozen DMAs: `perf record` of an inline stress run
 * put `NewFixedArrayWithFiller`, called from the engines' issue paths, among the top native
 * frames. This table allocates only when it doubles.
 *
 * Open addressing with linear probing in two typed arrays (keys, -1 for empty; values). A tag's
 * home slot is its low bits: tags are issued in sequence, so the ones in flight mostly sit in
 * distinct slots and a probe is one load. A delete moves later entries of the same probe run back
 * (Knuth's algorithm R), so there are no tombstones and a lookup stops at the first empty slot.
 * The table doubles when more than half full.
 */
import { AssertionFailure } from '../core/errors.js';

const EMPTY = -1;

export class TagTable {
  private keys: Int32Array;
  private values: Float64Array;
  private mask: number;
  private count = 0;

  /** `expected`: how many entries are usually present (the table starts at 2 to 4 times that). */
  constructor(expected = 64) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  has(tag: number): boolean {
    return this.find(tag) >= 0;
  }

  get(tag: number): number | undefined {
    const i = this.find(tag);
    return i < 0 ? undefined : this.values[i];
  }

  set(tag: number, value: number): void {
    if (!(tag >= 0 && tag <= 0x7fff_ffff && Number.isInteger(tag)))
      throw new AssertionFailure(`TagTable: expected a tag from 0 to 2^31 - 1, got ${tag}`);
    const keys = this.keys;
    let i = tag & this.mask;
    for (;;) {
      const k = keys[i]!;
      if (k === tag) {
        this.values[i] = value;
        return;
      }
      if (k === EMPTY) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = tag;
    this.values[i] = value;
    if (++this.count * 2 > keys.length) this.grow();
  }

  delete(tag: number): boolean {
    let i = this.find(tag);
    if (i < 0) return false;
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    // Algorithm R: walk the rest of the probe run; an entry whose home is not cyclically in
    // (hole, j] would be cut off from its home by the hole, so it moves into the hole.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === EMPTY) break;
      const home = k & mask;
      const reachable = i <= j ? home > i && home <= j : home > i || home <= j;
      if (reachable) continue;
      keys[i] = k;
      values[i] = values[j]!;
      i = j;
    }
    keys[i] = EMPTY;
    this.count--;
    return true;
  }

  /** Each entry, in no particular order (the end of a run reads what is left in flight). */
  forEach(fn: (tag: number, value: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) fn(keys[i]!, this.values[i]!);
  }

  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
  }

  private find(tag: number): number {
    const keys = this.keys;
    let i = tag & this.mask;
    for (;;) {
      const k = keys[i]!;
      if (k === tag) return i;
      if (k === EMPTY) return -1;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== EMPTY) this.set(k, oldValues[i]!);
    }
  }
}
