/**
 * The deferred departures an actor is holding (ActorRunner.deferDeparture): for each, by its
 * departure number, the edge it leaves on, its bytes and its trace record, until it leaves.
 *
 * Why a table of its own and not a Map of objects. Since 0.10.0 a delayed send waits as its
 * sender's event (with the nest MMU's walk timers, 0.10.0's `stress` has 1.48 times the events
 * per simulated time of 0.9.0), and each of those files a departure here and takes it back: a `Map<number, {edge, wireBytes, traceSerial}>` allocated an object per departure and
 * churned the map's hash table, and `deferDeparture` with `departNow` were 11 % of an inline run's
 * self time (`node --cpu-prof`, `stress` 6 ms inline). This table bought 1.075 x CPU and 1.112 x
 * wall per event (`node scripts/ab-inline.mjs`, the build before against this one, one digest). This is an open-addressed hash over parallel
 * typed arrays, probed linearly from the number's low bits: departure numbers are consecutive and
 * mostly leave in the order they were sent, so a number's home slot is almost always free, and
 * nothing is allocated per departure. The table doubles when half full, so a departure held back
 * long (one with a long delay while thousands pass it) costs space in proportion to the number
 * held, never to the distance between the oldest and the newest.
 *
 * Removal shifts the probe run back over the freed slot (Knuth's algorithm R for linear probing),
 * so there are no tombstones and a lookup ends at the first empty slot.
 */

/** Slots at first (a power of two); a run of `stress` holds a few dozen departures at a time. */
const INITIAL_SLOTS = 64;

export class DepartureTable {
  /** Per slot: the departure number + 1 filed there, 0 when empty. */
  private keys = new Float64Array(INITIAL_SLOTS);
  private edges = new Int32Array(INITIAL_SLOTS);
  private bytes = new Float64Array(INITIAL_SLOTS);
  private serials = new Float64Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private held = 0;

  /** How many departures are held. */
  get size(): number {
    return this.held;
  }

  /** Slots the table has now (twice the most it has held, or its first 64). */
  get capacity(): number {
    return this.keys.length;
  }

  /** File departure `n` (a whole number below 2^31, not held already). */
  put(n: number, edge: number, wireBytes: number, traceSerial: number): void {
    if ((this.held + 1) * 2 > this.keys.length) this.grow();
    this.file(n, edge, wireBytes, traceSerial);
    this.held++;
  }

  /**
   * The slot of departure `n`, or -1 when it is not held. Read its fields with `edgeAt`,
   * `bytesAt` and `serialAt`, then `remove` it.
   */
  find(n: number): number {
    const keys = this.keys;
    const mask = this.mask;
    const key = n + 1;
    for (let i = n & mask; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return i;
      if (k === 0) return -1;
    }
  }

  edgeAt(slot: number): number {
    return this.edges[slot]!;
  }

  bytesAt(slot: number): number {
    return this.bytes[slot]!;
  }

  serialAt(slot: number): number {
    return this.serials[slot]!;
  }

  /** Empty `slot` (from `find`), moving back any later entry of its probe run that may fill it. */
  remove(slot: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let hole = slot;
    for (let j = (slot + 1) & mask; keys[j] !== 0; j = (j + 1) & mask) {
      const home = (keys[j]! - 1) & mask;
      // The entry at j may move into the hole only if its home is not cyclically within (hole, j]:
      // else a lookup from its home would stop at the hole before reaching it.
      const homeAfterHole = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (homeAfterHole) continue;
      keys[hole] = keys[j]!;
      this.edges[hole] = this.edges[j]!;
      this.bytes[hole] = this.bytes[j]!;
      this.serials[hole] = this.serials[j]!;
      hole = j;
    }
    keys[hole] = 0;
    this.held--;
  }

  private file(n: number, edge: number, wireBytes: number, traceSerial: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = n & mask;
    while (keys[i] !== 0) i = (i + 1) & mask;
    keys[i] = n + 1;
    this.edges[i] = edge;
    this.bytes[i] = wireBytes;
    this.serials[i] = traceSerial;
  }

  private grow(): void {
    const { keys, edges, bytes, serials } = this;
    const slots = keys.length * 2;
    this.keys = new Float64Array(slots);
    this.edges = new Int32Array(slots);
    this.bytes = new Float64Array(slots);
    this.serials = new Float64Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== 0) this.file(keys[i]! - 1, edges[i]!, bytes[i]!, serials[i]!);
    }
  }
}
