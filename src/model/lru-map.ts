/**
 * A bounded map from whole-number keys (0 to 2^53) to values that remembers the order in which
 * keys were last set, oldest first: what the GPU's ATS cache and the TCE caches keep their LRU
 * levels in. It behaves as a `Map` used that way (`delete` then `set` to move a key to the newest
 * end, `keys().next()` for the oldest), with the same iteration order, so swapping one for the
 * other changes no event.
 *
 * Why not a `Map`: these keys are above 2^31 (an address-space id times 2^37 plus a page number),
 * so every probe of a `Map` boxes the key in a fresh heap number and hashes it in the runtime; the
 * ATS cache probes on every UT=0 DMA. Here the keys sit unboxed in a Float64Array and the hash is
 * two multiplications.
 *
 * Layout (all fixed at construction, no allocation per operation):
 *   nodes 0..capacity-1: key, value, hash, and prev/next links of a doubly linked list from the
 *     oldest (`head`) to the newest (`tail`) entry; unused nodes sit on a free stack;
 *   slots: an open-addressing table (linear probing, at most half full) of node index + 1, 0 for
 *     empty; a delete shifts the following run back (no tombstones), so a probe ends at the first
 *     empty slot.
 * Bounded: `set` of a new key into a full map throws (the caller evicts first, or sizes it one
 * above what it keeps, as the ATS cache does for its set-then-evict).
 */
import { AssertionFailure, assert } from '../core/errors.js';

const NONE = -1;

export class LruMap<V> {
  readonly capacityEntries: number;
  private readonly keys: Float64Array;
  private readonly values: (V | undefined)[];
  private readonly hashes: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  /** Node index + 1 per slot; 0 is an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly freeNodes: Int32Array;
  private freeCount: number;
  private head = NONE;
  private tail = NONE;
  size = 0;

  constructor(capacityEntries: number) {
    assert(
      Number.isInteger(capacityEntries) && capacityEntries >= 1 && capacityEntries <= 1 << 24,
      `LruMap capacity ${capacityEntries} outside 1..2^24`,
    );
    this.capacityEntries = capacityEntries;
    this.keys = new Float64Array(capacityEntries);
    this.values = new Array<V | undefined>(capacityEntries).fill(undefined);
    this.hashes = new Int32Array(capacityEntries);
    this.prev = new Int32Array(capacityEntries);
    this.next = new Int32Array(capacityEntries);
    let slotCount = 4;
    while (slotCount < 2 * capacityEntries) slotCount *= 2;
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    this.freeNodes = new Int32Array(capacityEntries);
    for (let i = 0; i < capacityEntries; i++) this.freeNodes[i] = capacityEntries - 1 - i;
    this.freeCount = capacityEntries;
  }

  /** The value of `key`, without changing its place in the order. */
  get(key: number): V | undefined {
    const node = this.find(key);
    return node === NONE ? undefined : this.values[node];
  }

  has(key: number): boolean {
    return this.find(key) !== NONE;
  }

  /** The value of `key`, which becomes the newest (a Map's delete-then-set of a hit). */
  use(key: number): V | undefined {
    const node = this.find(key);
    if (node === NONE) return undefined;
    this.moveToTail(node);
    return this.values[node];
  }

  /** Set `key` as the newest entry (a Map's delete then set). */
  set(key: number, value: V): void {
    const existing = this.find(key);
    if (existing !== NONE) {
      this.values[existing] = value;
      this.moveToTail(existing);
      return;
    }
    // An `if` rather than assert(): assert's message (a template) would be built on every call.
    if (this.freeCount === 0)
      throw new AssertionFailure(`LruMap full (${this.capacityEntries} entries) at a set of key ${key}`);
    const node = this.freeNodes[--this.freeCount]!;
    const h = hashOf(key);
    this.keys[node] = key;
    this.values[node] = value;
    this.hashes[node] = h;
    let s = h & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = node + 1;
    this.linkTail(node);
    this.size++;
  }

  delete(key: number): boolean {
    const h = hashOf(key);
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const n = this.slots[s]!;
      if (n === 0) return false;
      if (this.keys[n - 1] === key) {
        this.removeAt(s, n - 1);
        return true;
      }
    }
  }

  /** The oldest key, or undefined when empty. */
  oldestKey(): number | undefined {
    return this.head === NONE ? undefined : this.keys[this.head];
  }

  clear(): void {
    this.slots.fill(0);
    this.values.fill(undefined);
    for (let i = 0; i < this.capacityEntries; i++) this.freeNodes[i] = this.capacityEntries - 1 - i;
    this.freeCount = this.capacityEntries;
    this.head = NONE;
    this.tail = NONE;
    this.size = 0;
  }

  /**
   * Delete every entry for which `drop(value, key)` is true, visiting oldest first; returns how
   * many went. `drop` must not change the map.
   */
  deleteWhere(drop: (value: V, key: number) => boolean): number {
    let dropped = 0;
    for (let node = this.head; node !== NONE; ) {
      const after = this.next[node]!;
      if (drop(this.values[node]!, this.keys[node]!)) {
        this.delete(this.keys[node]!);
        dropped++;
      }
      node = after;
    }
    return dropped;
  }

  /** The values, oldest first. */
  valueList(): V[] {
    const out: V[] = [];
    for (let node = this.head; node !== NONE; node = this.next[node]!) out.push(this.values[node]!);
    return out;
  }

  /** The keys, oldest first. */
  keyList(): number[] {
    const out: number[] = [];
    for (let node = this.head; node !== NONE; node = this.next[node]!) out.push(this.keys[node]!);
    return out;
  }

  private find(key: number): number {
    const mask = this.mask;
    for (let s = hashOf(key) & mask; ; s = (s + 1) & mask) {
      const n = this.slots[s]!;
      if (n === 0) return NONE;
      if (this.keys[n - 1] === key) return n - 1;
    }
  }

  /** Empty slot `s` (holding `node`), shift the run after it back, and free the node. */
  private removeAt(s: number, node: number): void {
    const mask = this.mask;
    let hole = s;
    for (let j = (s + 1) & mask; ; j = (j + 1) & mask) {
      const n = this.slots[j]!;
      if (n === 0) break;
      const home = this.hashes[n - 1]! & mask;
      // The entry at j may move into the hole only if its home slot is not in (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      this.slots[hole] = n;
      hole = j;
    }
    this.slots[hole] = 0;
    this.unlink(node);
    this.values[node] = undefined;
    this.freeNodes[this.freeCount++] = node;
    this.size--;
  }

  private moveToTail(node: number): void {
    if (node === this.tail) return;
    this.unlink(node);
    this.linkTail(node);
  }

  private linkTail(node: number): void {
    this.prev[node] = this.tail;
    this.next[node] = NONE;
    if (this.tail === NONE) this.head = node;
    else this.next[this.tail] = node;
    this.tail = node;
  }

  private unlink(node: number): void {
    const p = this.prev[node]!;
    const n = this.next[node]!;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
  }
}

/** A 32-bit hash of a whole number below 2^53: both halves, multiplied and folded. */
function hashOf(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2f), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
