/**
 * The shared-memory layout of one SPSC ring and of one doorbell: every offset in one place.
 *
 * Theory of operation
 * -------------------
 * A ring is one SharedArrayBuffer shared by exactly one producing thread and one consuming thread.
 * It carries fixed-size records (`recordBytes`, a multiple of 8, 32 by default) in a power-of-two
 * array of `capacityRecords` slots. Positions are free-running 32-bit counters (`tail`, `head`)
 * that wrap modulo 2^32; a position maps to slot `position & (capacityRecords - 1)`. Because the
 * capacity is at most 2^24, `(tail - head) | 0` is always the exact occupancy, from 0 to capacity.
 *
 * ```
 *   header lines (64 B each)                          records (capacityRecords x recordBytes)
 *  +--------+--------+--------+--------+--------+--------+------+------+------+------+-----+------+
 *  | CONFIG |  PROD  |  CONS  | WAITER | PSTATS | CSTATS |  r0  |  r1  |  r2  |  r3  | ... | rN-1 |
 *  +--------+--------+--------+--------+--------+--------+------+------+------+------+-----+------+
 *                                                               ^head & mask     ^tail & mask
 *                                                               |<-- published -->|<--- free --->
 *   consumer reads [head, tail); producer writes [tail, head + capacity); both wrap at rN-1 -> r0
 * ```
 *
 * Fields, their single writer, the store that publishes and the load that observes them:
 *
 * | line   | field            | writer          | published by                   | observed by                   |
 * | ------ | ---------------- | --------------- | ------------------------------ | ----------------------------- |
 * | CONFIG | magic, capacity, | createRingBuffer| (before the buffer is shared)  | constructors (plain loads)    |
 * |        | recordBytes      |                 |                                |                               |
 * | PROD   | tail             | producer        | Atomics.store in publish()     | Atomics.load in available()   |
 * | PROD   | closed           | producer        | Atomics.store in close()       | Atomics.load in ended()       |
 * | PROD   | safeTime (i64)   | producer        | Atomics.store, then safeSeq    | Atomics.load when safeSeq moved|
 * | PROD   | safeSeq          | producer        | Atomics.add after safeTime     | Atomics.load in safeTime()    |
 * | CONS   | head             | consumer        | Atomics.store in release()     | Atomics.load when space is short|
 * | CONS   | abandoned        | consumer        | Atomics.store in abandon()     | Atomics.load when space is short|
 * | WAITER | spaceWakeHead    | producer        | Atomics.store before the flag  | Atomics.load in release()     |
 * | WAITER | spaceWaiter      | producer sets,  | Atomics.store(1) before parking| Atomics.exchange(0) in release|
 * |        |                  | both clear      | Atomics.store(0) as reserve    | once head reached wakeHead    |
 * |        |                  |                 | stops waiting                  |                               |
 * | PSTATS | counters (f64)   | producer        | plain stores                   | plain loads in stats()        |
 * | CSTATS | counters (f64)   | consumer        | plain stores                   | plain loads in stats()        |
 *
 * Record bytes in [head, tail) are written by the producer before the Atomics.store of `tail` that
 * covers them and read by the consumer after the Atomics.load of `tail` that showed them; record
 * bytes in [tail, head + capacity) are read by the consumer before the Atomics.store of `head` that
 * frees them and written by the producer only after an Atomics.load of `head` showed them free.
 * Those sequentially consistent pairs order the plain record accesses (the JS memory model's
 * synchronizes-with), so records themselves need no atomics.
 *
 * tail and head live on different 64-byte cache lines so the two threads never write the same line
 * on the hot path; each side also caches the other's counter and reloads it only when its cached
 * copy says the ring is full (producer) or empty (consumer).
 *
 * Statistics are Float64 counters (exact integers to 2^53) written by one side with plain stores:
 * they order nothing, and a reader on another thread sees a recent value (aligned 8-byte accesses
 * are single-copy atomic on x86-64 and arm64 in V8, so a value is never torn in practice).
 *
 * Bounds: 2 <= capacityRecords <= 2^24, a power of two; 8 <= recordBytes <= 4096, a multiple of 8;
 * safe time is an integer tick from 0 to 2^53, or +Infinity (encoded as SAFE_TIME_NEVER).
 */

/** Bytes per cache line on POWER9 is 128, on x86-64 64; 64 keeps hot fields apart on the host. */
export const CACHE_LINE_BYTES = 64;

/** Written in CONFIG so a buffer that is not a ring (or of another layout version) is refused. */
export const RING_MAGIC = 0x52_49_4e_47; // 'RING'
export const RING_LAYOUT_VERSION = 1;

export const MIN_CAPACITY_RECORDS = 2;
export const MAX_CAPACITY_RECORDS = 2 ** 24;
export const MIN_RECORD_BYTES = 8;
export const MAX_RECORD_BYTES = 4096;
export const DEFAULT_RECORD_BYTES = 32;

// Byte offsets of the header lines.
export const CONFIG_LINE = 0 * CACHE_LINE_BYTES;
export const PRODUCER_LINE = 1 * CACHE_LINE_BYTES;
export const CONSUMER_LINE = 2 * CACHE_LINE_BYTES;
export const WAITER_LINE = 3 * CACHE_LINE_BYTES;
export const PRODUCER_STATS_LINE = 4 * CACHE_LINE_BYTES;
export const CONSUMER_STATS_LINE = 5 * CACHE_LINE_BYTES;
/** Records start here: after six header lines, itself cache-line aligned. */
export const RECORDS_OFFSET_BYTES = 6 * CACHE_LINE_BYTES;

// Int32 indices (byte offset / 4) of the 32-bit fields.
export const I32_MAGIC = CONFIG_LINE / 4;
export const I32_VERSION = CONFIG_LINE / 4 + 1;
export const I32_CAPACITY = CONFIG_LINE / 4 + 2;
export const I32_RECORD_BYTES = CONFIG_LINE / 4 + 3;
export const I32_TAIL = PRODUCER_LINE / 4;
export const I32_CLOSED = PRODUCER_LINE / 4 + 1;
export const I32_SAFE_SEQ = PRODUCER_LINE / 4 + 2;
export const I32_HEAD = CONSUMER_LINE / 4;
export const I32_ABANDONED = CONSUMER_LINE / 4 + 1;
export const I32_SPACE_WAITER = WAITER_LINE / 4;
export const I32_SPACE_WAKE_HEAD = WAITER_LINE / 4 + 1;

// BigInt64 index (byte offset / 8) of the 64-bit safe-time word, on the producer's line.
export const I64_SAFE_TIME = PRODUCER_LINE / 8 + 2;
/** The encoding of safe time +Infinity ("this producer will never send again"). */
export const SAFE_TIME_NEVER = -1n;
/** Largest finite safe time, in ticks. */
export const MAX_SAFE_TIME_TICKS = 2 ** 53;

// Float64 indices (byte offset / 8) of the producer's counters.
export const F64_P_RECORDS = PRODUCER_STATS_LINE / 8;
export const F64_P_BATCHES = PRODUCER_STATS_LINE / 8 + 1;
export const F64_P_FULL_STALLS = PRODUCER_STATS_LINE / 8 + 2;
export const F64_P_PARKS = PRODUCER_STATS_LINE / 8 + 3;
export const F64_P_WAKEUPS = PRODUCER_STATS_LINE / 8 + 4;
export const F64_P_NOTIFIES = PRODUCER_STATS_LINE / 8 + 5;
// Float64 indices of the consumer's counters.
export const F64_C_RECORDS = CONSUMER_STATS_LINE / 8;
export const F64_C_BATCHES = CONSUMER_STATS_LINE / 8 + 1;
export const F64_C_PARKS = CONSUMER_STATS_LINE / 8 + 2;
export const F64_C_WAKEUPS = CONSUMER_STATS_LINE / 8 + 3;
export const F64_C_HIGH_WATER = CONSUMER_STATS_LINE / 8 + 4;
export const F64_C_NOTIFIES = CONSUMER_STATS_LINE / 8 + 5;

/** Total bytes of a ring buffer with this geometry. */
export function ringBufferBytes(capacityRecords: number, recordBytes: number): number {
  return RECORDS_OFFSET_BYTES + capacityRecords * recordBytes;
}

/**
 * Doorbell layout: one Int32Array over 128 bytes. The state word sits alone on the first line
 * (every producer of the owning thread loads it after each publish); the counters on the second.
 *
 * | field    | writer                                    | access                               |
 * | -------- | ----------------------------------------- | ------------------------------------ |
 * | state    | owner: RUNNING->PARKED, any->RUNNING      | Atomics.store / exchange / wait      |
 * |          | ringer: PARKED->NOTIFIED (one CAS wins)   | Atomics.load, compareExchange, notify|
 * | parks    | owner                                     | Atomics.add / load                   |
 * | wakeups  | owner                                     | Atomics.add / load                   |
 * | notifies | any ringer whose CAS won                  | Atomics.add / load                   |
 */
export const DOORBELL_BYTES = 2 * CACHE_LINE_BYTES;
export const BELL_STATE = 0;
export const BELL_PARKS = CACHE_LINE_BYTES / 4;
export const BELL_WAKEUPS = CACHE_LINE_BYTES / 4 + 1;
export const BELL_NOTIFIES = CACHE_LINE_BYTES / 4 + 2;
export const BELL_MAGIC_INDEX = CACHE_LINE_BYTES / 4 + 3;
export const BELL_MAGIC = 0x42_45_4c_4c; // 'BELL'
/** Owner is running (or spinning): ringers do nothing. */
export const BELL_RUNNING = 0;
/** Owner marked itself parked and may be in Atomics.wait: the first ringer must notify. */
export const BELL_PARKED = 1;
/** A ringer claimed the wake-up; the owner's wait returns (or never sleeps). */
export const BELL_NOTIFIED = 2;

/**
 * Word indices (32-bit words from the record's start) of one codec message; codec.ts draws the
 * bit layout. A message fills the first 32 bytes of a record.
 */
export const MSG_W_HEAD = 0; // kind | flags | source | destination
export const MSG_W_SEQ = 1;
export const MSG_W_LINK_LEN = 2; // link | lengthBytes
export const MSG_W_LPID_PID = 3;
export const MSG_W_TIME_LO = 4;
export const MSG_W_TIME_HI_TAG = 5; // time bits 32..52 | tag bits 11..21
export const MSG_W_ADDR_LO = 6;
export const MSG_W_ADDR_HI_TAG = 7; // address bits 32..52 | tag bits 0..10
