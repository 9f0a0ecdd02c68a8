/**
 * The single-producer single-consumer ring over a SharedArrayBuffer: the hot path that carries
 * every message between the engine's worker threads (one SPSC ring per directed edge:
 * docs/theory-of-operation.md#73-the-ring-and-the-doorbell-srctransport). layout.ts draws the
 * buffer and names every field, its writer and its publishing store.
 *
 * Theory of operation
 * -------------------
 * Producer: tryReserve(max) / reserve(min, max, t) claims up to max free slots from `tail`; the
 * caller writes records at offsetOf(0..n-1); publish(n) makes the first n visible with ONE
 * Atomics.store of `tail`, then rings the consumer's doorbell (a single load unless it is parked).
 * Consumer: available() loads `tail` (only when every record it saw last time is released); the
 * caller reads records at offsetOf(0..n-1); release(n) frees them with ONE Atomics.store of `head`,
 * then rings the producer's doorbell only if the producer armed the ring's space-waiter word for a
 * target that this release reached.
 * No allocation per record or per batch: offsets are computed, records are read in place and
 * written in place or copied in one burst from a private batch (writeRecords, which says why the
 * engine encodes that way), and the closures handed to Doorbell.park are made once per endpoint. (A safe-time
 * publish makes one BigInt for its 64-bit store; the consumer converts only when the sequence word
 * says it changed.)
 *
 * Backpressure: a full ring never drops or overwrites. tryReserve returns 0; reserve spins a bounded
 * number of rounds, then arms the space-waiter word and parks on the producer's own doorbell.
 *
 * Why the producer's space wake-up is never lost (P = producer, C = consumer; all SC atomics):
 *  1. P stores the head it waits for, wakeHead (T), then spaceWaiter = 1 (W), then parks: stores
 *     its bell PARKED (S), then loads head (R).
 *  2. C stores head (H), loads spaceWaiter (F) and, if 1, wakeHead; only if head reached it does C
 *     exchange spaceWaiter to 0 and ring P's bell. Take H* the first release that reaches T.
 *  3. If F* saw 0, then F* < W (nobody cleared it: an exchange needs head >= T, first reached at
 *     H*, and P's own clear, Atomics.store(0) as reserve returns, comes only after this wait has
 *     ended), so H* < F* < W < S < R: P's ready() sees the space and never sleeps.
 *  4. If F* saw 1, it also sees T (T < W < F*) and rings the bell after H*; doorbell.ts shows that
 *     ring() after a publishing store either is seen by ready() or wakes the parked owner.
 *  5. A release that clears a flag armed for a later wait (it read an older target) still rings
 *     after clearing, so P re-checks and re-arms: a clear is never silent.
 * The consumer's wake-up for records, safe time and close follows doorbell.ts directly: the
 * producer's publishing store (tail, safe time, closed) precedes its ring().
 *
 * Close: the producer's close() stores `closed` after its last tail store and rings the consumer;
 * ended() loads `closed` first, then `tail`, so once it sees closed it sees every record published
 * before the close. The consumer's abandon() is the reverse direction: the producer's next reserve
 * that finds too little space by its cached head (and a producer parked on a full ring) throws
 * instead of waiting forever. A reserve that fits its cached space does not load `abandoned` (one
 * load of the consumer's line per batch saved), so a producer may still publish up to a ring's
 * worth into an abandoned ring, which nobody reads, before it throws.
 *
 * The parts: ring-buffer.ts (making, checking and reading a ring's buffer), ring-endpoint.ts (what
 * both ends share), ring-producer.ts and ring-consumer.ts (the two ends). This module is the
 * ring's public face and its argument.
 *
 * The layout's constants are module-local bindings in every part, not named imports. V8 (Node 20) does not fold an
 * imported binding into optimised code: every use of one reloads it from the exporting module and
 * checks that it is initialised, and as an index into a typed array or an Atomics call that cost the
 * hot path about a third of its throughput (publish, release and offsetOf use them once per batch
 * or per record; measured with a minimal ring beside this one, and in bench/ring.ts's raw rows).
 * A module-local const initialised from the import is as fast as a literal.
 */

export { createRingBuffer, type RingOptions, type RingStats, readRingStats } from './ring-buffer.js';
export { RingConsumer } from './ring-consumer.js';
export { DEFAULT_SPIN_ROUNDS, RingClosedError } from './ring-endpoint.js';
export { RingPool, type RingPoolFigures } from './ring-pool.js';
export { RingProducer } from './ring-producer.js';
