import type { CounterName } from './metric-names.js';

/**
 * An actor's counters by name (metric-names.ts C, plus per-reason counters such as `dma.fault.tce`).
 * Names are `CounterName`s, so every counter is in metric-names.ts, the list a workload's headline
 * is checked against (`Name` is wider only for the tests of this class).
 *
 * Hot paths (a DMA's issue and completion) take a counter's slot once, at construction, and
 * `bump` it by index: `add` by name hashes the name on every call. A slot is only a number; the
 * counter appears in `values` when first added to (or named to the constructor), as it did when
 * `values` was the store itself, so a report lists the same counters in the same order.
 */
export class Counters<Name extends string = CounterName> {
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly counts: number[] = [];
  /** Whether each slot appears in `values` yet, and the slots that do, in order of appearance. */
  private readonly shown: boolean[] = [];
  private readonly order: number[] = [];

  constructor(names: readonly NoInfer<Name>[] = []) {
    for (const n of names) this.bump(this.slot(n), 0);
  }

  /** The slot of counter `name`, to `bump` (the counter is not shown until it is). */
  slot(name: Name): number {
    let s = this.slots.get(name);
    if (s === undefined) {
      s = this.names.length;
      this.slots.set(name, s);
      this.names.push(name);
      this.counts.push(0);
      this.shown.push(false);
    }
    return s;
  }

  bump(slot: number, n = 1): void {
    if (!this.shown[slot]) {
      this.shown[slot] = true;
      this.order.push(slot);
    }
    this.counts[slot] = this.counts[slot]! + n;
  }

  add(name: Name, n = 1): void {
    this.bump(this.slot(name), n);
  }

  get(name: Name): number {
    const s = this.slots.get(name);
    return s === undefined ? 0 : this.counts[s]!;
  }

  /** Name -> value of every counter added to, in order of first appearance. */
  get values(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.order) out[this.names[s]!] = this.counts[s]!;
    return out;
  }
}
