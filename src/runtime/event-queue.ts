/**
 * The runtimes' queue of pending events: a calendar queue (R. Brown, "Calendar queues", CACM 31(10),
 * 1988), in the form of a timing wheel with a heap for the far future. It hands out events in
 * exactly the order `EventHeap` does, (time, rank), with rank = `order` * 256 + destination (a
 * total order: event-heap.ts), so which of the two a runtime uses never changes a digest.
 *
 * Why not the heap alone. Every event of a run goes through the queue once in and once out, and
 * with hundreds of events pending a 4-ary heap's pop walks four or five levels of four
 * comparisons. Events here are mostly due within a few microseconds of simulated time after the
 * one being handled, the case a calendar queue is built for: it files an event by its time into
 * one of a ring of small buckets, and takes the next event from the first bucket that is not
 * empty, so a push and a pop each touch a bucket or two. `node scripts/ab-inline.mjs` (the build
 * before this queue against the build with it, `stress` inline, 6 rounds of 1 ms runs, one digest)
 * printed 1.063 x CPU and 1.032 x wall per event.
 *
 * Layout. Time is cut into slots of SLOT_TICKS ticks; slot s is filed in bucket s & (WHEEL - 1).
 * A bucket is a list kept in (time, rank) order, linked through `next` over parallel arrays (no
 * allocation per event beyond doubling the arrays). The wheel holds the events of slots `base` to
 * `base + WHEEL - 1`, where `base` is the slot of the last event taken, so each bucket holds one
 * slot's events; an event further ahead goes to `overflow` (an EventHeap), and moves into the wheel
 * once `base` has come within WHEEL slots of it. So every wheel event comes before every overflow
 * event, and the next event is the head of the first non-empty bucket from `scan` (a hint, never
 * past the earliest wheel event), or, with the wheel empty, the overflow's first.
 *
 * An event pushed below `base` (earlier than the slot of the last event taken: no runtime does
 * this, but the queue does not depend on it) empties the wheel and files everything again from
 * that slot (`rebase`); the order stays exact.
 *
 * Sizes. With 4096 slots of 4096 ticks (4.1 ns each) the wheel spans 16.8 us of simulated time,
 * past the delays of almost every event; sparser or denser workloads only move the costs (more
 * empty buckets to skip, or longer buckets to walk), never the order.
 */

import { AssertionFailure } from '../core/errors.js';
import type { SimMessage } from '../model/protocol/sim-message.js';
import { EventHeap } from './event-heap.js';

/** Buckets in the wheel (a power of two). */
const WHEEL = 4096;
const WHEEL_MASK = WHEEL - 1;
/** Ticks per slot. */
const SLOT_TICKS = 4096;
/** Destinations fit the 8-bit destination field (as event-heap.ts). */
const DESTINATIONS = 256;
const INITIAL_NODES = 1024;
/** The end of a bucket's list, and of the free list. */
const NONE = -1;

function slotOf(timeTicks: number): number {
  return Math.floor(timeTicks / SLOT_TICKS);
}

export class EventQueue {
  /** First node of each bucket's list, or NONE. */
  private readonly heads = new Int32Array(WHEEL).fill(NONE);
  /** Per node: the next node of its bucket (or of the free list), its keys and its message. */
  private next = new Int32Array(INITIAL_NODES);
  private times = new Float64Array(INITIAL_NODES);
  private ranks = new Float64Array(INITIAL_NODES);
  private items: (SimMessage | undefined)[] = new Array(INITIAL_NODES).fill(undefined);
  private freeNode = NONE;
  /** Slot of the last event taken: the wheel holds slots base .. base + WHEEL - 1. */
  private base = 0;
  /** No wheel event is in a slot below this (base <= scan). */
  private scan = 0;
  private inWheel = 0;
  private count = 0;
  /** Events WHEEL slots or more past `base`, and the slot of its first (Infinity when empty). */
  private readonly overflow: EventHeap;
  private overflowSlot = Number.POSITIVE_INFINITY;

  constructor(private readonly maxEvents = 1 << 24) {
    this.overflow = new EventHeap(maxEvents);
    this.linkFree(0, INITIAL_NODES);
  }

  get size(): number {
    return this.count;
  }

  push(msg: SimMessage): void {
    if (this.count >= this.maxEvents) {
      throw new AssertionFailure(
        `event queue over ${this.maxEvents} pending events: the workload generates work faster than it completes`,
      );
    }
    this.count++;
    const t = msg.timeTicks;
    const slot = slotOf(t);
    if (slot >= this.base + WHEEL) {
      this.overflow.push(msg);
      if (slot < this.overflowSlot) this.overflowSlot = slot;
      return;
    }
    if (slot < this.base) this.rebase(slot);
    this.insert(msg, t, msg.order * DESTINATIONS + msg.destination, slot);
  }

  peek(): SimMessage | undefined {
    if (this.inWheel === 0) return this.overflow.peek();
    return this.items[this.heads[this.firstBucket()]!];
  }

  pop(): SimMessage | undefined {
    if (this.inWheel === 0) {
      const m = this.overflow.pop();
      if (m === undefined) return undefined;
      this.count--;
      this.base = slotOf(m.timeTicks);
      this.scan = this.base;
      this.pullIn();
      return m;
    }
    return this.takeHead(this.firstBucket());
  }

  /**
   * The next event if it is due before `limit`, taken; else undefined, the queue untouched. The
   * runtimes' loops ask this once per event: the wheel's comparison reads the time from `times`,
   * not from the message (a cache miss per event that the handler would pay anyway, later).
   */
  popBefore(limit: number): SimMessage | undefined {
    if (this.inWheel === 0) {
      const top = this.overflow.peek();
      return top === undefined || top.timeTicks >= limit ? undefined : this.pop();
    }
    const b = this.firstBucket();
    if (this.times[this.heads[b]!]! >= limit) return undefined;
    return this.takeHead(b);
  }

  /** Take the first event of wheel bucket `b` (not empty). */
  private takeHead(b: number): SimMessage | undefined {
    const heads = this.heads;
    const node = heads[b]!;
    heads[b] = this.next[node]!;
    const m = this.items[node];
    this.items[node] = undefined;
    this.next[node] = this.freeNode;
    this.freeNode = node;
    this.inWheel--;
    this.count--;
    this.base = this.scan;
    if (this.overflowSlot < this.base + WHEEL) this.pullIn();
    return m;
  }

  /** The bucket of the earliest wheel event (the wheel is not empty); moves `scan` to its slot. */
  private firstBucket(): number {
    const heads = this.heads;
    let s = this.scan;
    while (heads[s & WHEEL_MASK]! < 0) s++;
    this.scan = s;
    return s & WHEEL_MASK;
  }

  /** File `msg` in its slot's bucket, after every event that comes before it. */
  private insert(msg: SimMessage, t: number, r: number, slot: number): void {
    if (this.freeNode === NONE) this.grow();
    const next = this.next;
    const times = this.times;
    const ranks = this.ranks;
    const node = this.freeNode;
    this.freeNode = next[node]!;
    times[node] = t;
    ranks[node] = r;
    this.items[node] = msg;
    const b = slot & WHEEL_MASK;
    let prev = NONE;
    let p = this.heads[b]!;
    // Both keys loaded and compared at every step, as in event-heap.ts (a comparison first reached
    // on a rare tie would have no type feedback and throw the optimised code away).
    while (p >= 0) {
      const pt = times[p]!;
      const rankBefore = r < ranks[p]!;
      if (t < pt || (t === pt && rankBefore)) break;
      prev = p;
      p = next[p]!;
    }
    next[node] = p;
    if (prev === NONE) this.heads[b] = node;
    else next[prev] = node;
    this.inWheel++;
    if (slot < this.scan) this.scan = slot;
  }

  /** Move the overflow's events that now fall within the wheel into it. */
  private pullIn(): void {
    const end = this.base + WHEEL;
    const overflow = this.overflow;
    for (;;) {
      const top = overflow.peek();
      if (top === undefined) {
        this.overflowSlot = Number.POSITIVE_INFINITY;
        return;
      }
      const slot = slotOf(top.timeTicks);
      if (slot >= end) {
        this.overflowSlot = slot;
        return;
      }
      overflow.pop();
      this.insert(top, top.timeTicks, top.order * DESTINATIONS + top.destination, slot);
    }
  }

  /** An event below `base`: take every wheel event out and file them all again from `slot`. */
  private rebase(slot: number): void {
    const held: SimMessage[] = [];
    const heads = this.heads;
    for (let b = 0; b < WHEEL; b++) {
      for (let p = heads[b]!; p >= 0; ) {
        const n = this.next[p]!;
        held.push(this.items[p]!);
        this.items[p] = undefined;
        this.next[p] = this.freeNode;
        this.freeNode = p;
        p = n;
      }
      heads[b] = NONE;
    }
    this.inWheel = 0;
    this.base = slot;
    this.scan = slot;
    const end = slot + WHEEL;
    for (const m of held) {
      const s = slotOf(m.timeTicks);
      if (s >= end) {
        this.overflow.push(m);
        if (s < this.overflowSlot) this.overflowSlot = s;
      } else this.insert(m, m.timeTicks, m.order * DESTINATIONS + m.destination, s);
    }
  }

  private grow(): void {
    const old = this.next.length;
    const capacity = old * 2;
    const next = new Int32Array(capacity);
    next.set(this.next);
    const times = new Float64Array(capacity);
    times.set(this.times);
    const ranks = new Float64Array(capacity);
    ranks.set(this.ranks);
    const items = new Array<SimMessage | undefined>(capacity).fill(undefined);
    for (let i = 0; i < old; i++) items[i] = this.items[i];
    this.next = next;
    this.times = times;
    this.ranks = ranks;
    this.items = items;
    this.linkFree(old, capacity);
  }

  /** Put nodes from .. to-1 on the free list, lowest first. */
  private linkFree(from: number, to: number): void {
    for (let i = to - 1; i >= from; i--) {
      this.next[i] = this.freeNode;
      this.freeNode = i;
    }
  }
}
