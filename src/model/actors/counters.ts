/** An actor's counters by name (metric-names.ts C, plus per-reason counters such as `dma.fault.tce`). */
export class Counters {
  readonly values: Record<string, number> = {};

  constructor(names: readonly string[] = []) {
    for (const n of names) this.values[n] = 0;
  }

  add(name: string, n = 1): void {
    this.values[name] = (this.values[name] ?? 0) + n;
  }

  get(name: string): number {
    return this.values[name] ?? 0;
  }
}
