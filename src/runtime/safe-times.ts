/**
 * The conservative loop's safe times (worker-loop.ts, "Safe time" in its header): the horizon this
 * worker reads from its inbound rings, the horizon it publishes on the `horizons` board, and the
 * safe time it publishes on each outbound ring after a slice.
 *
 * Theory of operation: a ring's safe time is one word of the ring, stored by its producer
 * (src/transport/ring.ts has the protocol: a producer publishes records before the safe time that
 * covers them, and its last safe time before its close). The `horizons` board (one BigInt64 per
 * worker, HORIZON_INFINITE for +Infinity) is written by its worker only, with Atomics.store, and
 * read by its producers with Atomics.load before a publish (flushOutbound rings a consumer for
 * records only once it drains at the end, horizon +Infinity). No wake-up is lost by a read that
 * misses a new +Infinity: the producer stores the ring's tail, then loads the horizon; the consumer
 * stores +Infinity, then its park's ready() loads the tail. With sequentially consistent atomics
 * one of the two loads sees the other store: either the producer rings, or the consumer sees the
 * records before it sleeps.
 */
import { HORIZON_INFINITE } from './thread-status.js';
import type { Inbound, Outbound } from './worker-edges.js';

export class SafeTimes {
  /** The horizon read last (min over inbound rings of their safe times). */
  horizon = 0;
  private publishedHorizon = 0;
  /** Publications of safe times (hand-offs offered to the other workers). */
  publishes = 0;

  constructor(
    private readonly horizons: BigInt64Array,
    private readonly worker: number,
    private readonly inbound: readonly Inbound[],
    private readonly outbound: readonly Outbound[],
  ) {}

  readHorizon(): number {
    let h = Number.POSITIVE_INFINITY;
    for (const inbound of this.inbound) {
      const consumer = inbound.consumer;
      // Closed first, then the safe time: the producer stores its last safe time before its close,
      // so a safe time read after seeing the close is the ring's last (Inbound.settled).
      const closed = !inbound.settled && consumer.closed();
      const s = consumer.safeTime();
      if (closed) inbound.settled = true;
      if (s < h) h = s;
    }
    this.horizon = h;
    if (h !== this.publishedHorizon) this.publishHorizon(h);
    return h;
  }

  publishHorizon(h: number): void {
    this.publishedHorizon = h;
    Atomics.store(this.horizons, this.worker, h === Number.POSITIVE_INFINITY ? HORIZON_INFINITE : BigInt(h));
  }

  /** The horizon a consumer worker last published (+Infinity once it is shutting down). */
  horizonOf(worker: number): number {
    const v = Atomics.load(this.horizons, worker);
    return v === HORIZON_INFINITE ? Number.POSITIVE_INFINITY : Number(v);
  }

  /**
   * Publish on each outbound ring: lower + its latency (+Infinity on a silent ring or at the end),
   * but never past a record still staged for it.
   */
  publishSafeTimes(lower: number): void {
    this.publishes++;
    for (const out of this.outbound) {
      if (out.silent) {
        if (out.producer.publishedSafeTime() !== Number.POSITIVE_INFINITY)
          out.producer.publishSafeTime(Number.POSITIVE_INFINITY);
        continue;
      }
      let t = lower === Number.POSITIVE_INFINITY ? lower : lower + out.latencyTicks;
      // A record still staged (its ring was full) is published later: the safe time must not pass
      // it. Records on one edge arrive in send order (links are FIFO), so the first is the earliest.
      if (out.stagedHead < out.staged.length) t = Math.min(t, out.staged[out.stagedHead]!.timeTicks);
      if (t > out.producer.publishedSafeTime()) out.producer.publishSafeTime(t);
    }
  }
}
