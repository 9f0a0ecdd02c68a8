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
 *
 * Which safe-time stores wake a parked consumer. A consumer waits on its horizon h = min over its
 * inbound rings of their safe times; only a ring whose safe time was at h (one holding the min)
 * can raise it. So a producer rings only if the consumer is parked and its ring's previous safe
 * time was <= the consumer's published horizon: with nine workers on two cores every wake-up is a
 * futex and a context switch, and a chip's worker was woken by each of its eight inbound rings. Why no
 * needed wake-up is lost: the consumer stores its horizon on the board (readHorizon, only when it
 * changed, so the board holds the horizon it waits on), then marks itself parked and loads every
 * ring's safe-time sequence (its park's ready()); the producer stores its safe time, then loads the
 * park state and the board. In the single order of sequentially consistent atomics, either the
 * consumer's ready() loads come after the producer's store (it sees the news and does not sleep),
 * or before it. Then the producer's loads come after all of the consumer's stores: it sees the
 * consumer parked and reads the horizon the consumer waits on; and since ready() saw no news on
 * this ring, the consumer had read every earlier store of it, so the producer's previous safe time
 * is the one the consumer holds. The ring holding the min therefore rings. This rests on the board
 * holding the very horizon the consumer parks on: readHorizon stores every change before
 * waitForNews parks on that horizon (worker-loop.ts). A board below it would skip the ring that
 * holds the min (its previous safe time equals the horizon, above the board) and leave the
 * consumer to sleep out its park; a board above it (+Infinity at the end) only rings more often.
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
      const producer = out.producer;
      const before = producer.publishedSafeTime();
      if (t <= before) continue;
      producer.publishSafeTime(t, false);
      // Wake a parked consumer only if this ring held its horizon back (its safe time before this
      // one was at or below the horizon the consumer waits on): advancing any other ring leaves
      // the min, and so the consumer's work, where it was. The header says why none is lost.
      if (producer.consumerParked() && before <= this.horizonOf(out.toWorker)) producer.ringConsumer();
    }
  }
}
