/**
 * A binary min-heap of messages under `compareMessages` (time, class, source, seq), plus, for the
 * inline runtime, the destination as a last key so the global order is total.
 *
 * Array-backed, no allocation per push beyond the array's amortised growth. Bounded by the run's
 * own traffic; the runtimes assert a ceiling (`maxEvents`) so a runaway workload fails loudly
 * instead of eating the machine's memory.
 */

import { AssertionFailure } from '../core/errors.js';
import { compareMessages, type SimMessage } from '../model/protocol/sim-message.js';

export class EventHeap {
  private readonly items: SimMessage[] = [];

  constructor(private readonly maxEvents = 1 << 24) {}

  get size(): number {
    return this.items.length;
  }

  peek(): SimMessage | undefined {
    return this.items[0];
  }

  push(msg: SimMessage): void {
    const items = this.items;
    if (items.length >= this.maxEvents) {
      throw new AssertionFailure(
        `event heap over ${this.maxEvents} pending events: the workload generates work faster than it completes`,
      );
    }
    let i = items.length;
    items.push(msg);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (order(msg, p) >= 0) break;
      items[i] = p;
      i = parent;
    }
    items[i] = msg;
  }

  pop(): SimMessage | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && order(items[r]!, items[l]!) < 0) c = r;
      if (order(items[c]!, last) >= 0) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = last;
    return top;
  }
}

/** compareMessages, then destination (the inline runtime's global order); kept small to inline. */
function order(a: SimMessage, b: SimMessage): number {
  if (a.timeTicks !== b.timeTicks) return a.timeTicks - b.timeTicks;
  if (a.order !== b.order) return a.order - b.order;
  return a.destination - b.destination;
}

export { compareMessages };
