/**
 * A 4-ary min-heap of messages under `compareMessages` (time, class, source, seq), plus the
 * destination as a last key so the global order is total. The runtimes' event queue
 * (event-queue.ts) keeps here the events too far ahead for its wheel; until that queue, every
 * runtime's events lived in this heap alone.
 *
 * Four children per node, not two: a run's heap holds hundreds to thousands of events, so a pop
 * walks half as many levels, each comparing up to four neighbouring keys that share a cache line.
 * `node scripts/ab-inline.mjs` (a build with the binary heap against one with this, 6 rounds)
 * printed 1.038 x CPU and 1.043 x wall per event.
 *
 * The keys live beside the messages in two Float64Arrays, `times` and `ranks` (rank = the
 * message's `order` * 256 + destination: below 2^44 * 2^8 = 2^52, so exact), and a sift compares
 * those instead of following a pointer to each message. Keys are read at push, so a message must
 * not change its time or order while in the heap (no runtime does). Every sift step loads and
 * compares both keys, though the ranks decide only on a tie of times: V8 optimises the heap (and the
 * loops that inline it) early, and a comparison first reached on a rare tie, long after, had no
 * type feedback and threw the optimised code away mid-run (`node --trace-deopt`: "Insufficient
 * type feedback for compare operation" in `pop`, and in the loops that inlined it).
 *
 * No allocation per push beyond the arrays' doubling. Bounded by the run's own traffic; the
 * runtimes assert a ceiling (`maxEvents`) so a runaway workload fails loudly instead of eating the
 * machine's memory.
 */

import { AssertionFailure } from '../core/errors.js';
import type { SimMessage } from '../model/protocol/sim-message.js';

/** Destinations fit the 8-bit destination field (core/record-fields.ts). */
const DESTINATIONS = 256;
const INITIAL_CAPACITY = 1024;

export class EventHeap {
  private items: (SimMessage | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  private times = new Float64Array(INITIAL_CAPACITY);
  private ranks = new Float64Array(INITIAL_CAPACITY);
  private count = 0;

  constructor(private readonly maxEvents = 1 << 24) {}

  get size(): number {
    return this.count;
  }

  peek(): SimMessage | undefined {
    return this.count === 0 ? undefined : this.items[0];
  }

  push(msg: SimMessage): void {
    if (this.count >= this.maxEvents) {
      throw new AssertionFailure(
        `event heap over ${this.maxEvents} pending events: the workload generates work faster than it completes`,
      );
    }
    if (this.count === this.times.length) this.grow();
    const items = this.items;
    const times = this.times;
    const ranks = this.ranks;
    const t = msg.timeTicks;
    const r = msg.order * DESTINATIONS + msg.destination;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      const pr = ranks[parent]!;
      const rankAfter = r >= pr;
      if (t > pt || (t === pt && rankAfter)) break;
      items[i] = items[parent];
      times[i] = pt;
      ranks[i] = pr;
      i = parent;
    }
    items[i] = msg;
    times[i] = t;
    ranks[i] = r;
  }

  pop(): SimMessage | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const times = this.times;
    const ranks = this.ranks;
    const top = items[0];
    const n = --this.count;
    const last = items[n];
    items[n] = undefined;
    if (n === 0) return top;
    const lt = times[n]!;
    const lr = ranks[n]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ct = times[first]!;
      let cr = ranks[first]!;
      const stop = first + 4 < n ? first + 4 : n;
      for (let k = first + 1; k < stop; k++) {
        const kt = times[k]!;
        const kr = ranks[k]!;
        const rankBefore = kr < cr;
        if (kt < ct || (kt === ct && rankBefore)) {
          c = k;
          ct = kt;
          cr = kr;
        }
      }
      const rankAfter = cr >= lr;
      if (ct > lt || (ct === lt && rankAfter)) break;
      items[i] = items[c];
      times[i] = ct;
      ranks[i] = cr;
      i = c;
    }
    items[i] = last;
    times[i] = lt;
    ranks[i] = lr;
    return top;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    const ranks = new Float64Array(capacity);
    ranks.set(this.ranks);
    const items = new Array<SimMessage | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) items[i] = this.items[i];
    this.times = times;
    this.ranks = ranks;
    this.items = items;
  }
}
