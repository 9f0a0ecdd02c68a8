/**
 * Doorbell: the one word a consuming thread parks on, shared by all of its inbound rings (and by
 * its outbound rings, for space), so a thread with many rings waits for "anything happened" once.
 *
 * Theory of operation
 * -------------------
 * The state word (layout.ts: BELL_STATE) is RUNNING, PARKED or NOTIFIED.
 * - Owner, park(ready): store PARKED (an exchange: an old value other than RUNNING is a second
 *   thread parking on one bell, refused); evaluate ready(); if true, store RUNNING and return
 *   without sleeping; else Atomics.wait(state, PARKED, timeout); then exchange RUNNING and report 'woken'
 *   if the previous value was NOTIFIED, 'timed-out' otherwise. A wait that a notify ended while
 *   the state is still PARKED waits again for the time left: that notify is a stale one, a
 *   ringer's that won its CAS for an earlier park of this owner and was descheduled before its
 *   Atomics.notify, which then lands on this later wait (the earlier park had already ended, on
 *   'not-equal', when it found NOTIFIED). Reported as 'timed-out' at once, it had a park end early
 *   with nothing rung (a time-out counted in the run's summary, in the stress test a "lost"
 *   wake-up that was none).
 * - Ringer (any thread, AFTER its own publishing store: tail, head, safe time, closed): load the
 *   state; only if PARKED, compareExchange PARKED->NOTIFIED, and only the winner calls
 *   Atomics.notify. So a running owner costs a ringer one load of a read-mostly line, and a parked
 *   owner gets one notify however many producers ring.
 *
 * Why no wake-up is lost. All accesses are Atomics (sequentially consistent), so they fall into one
 * total order. Let P be the ringer's publishing store and L its load of the state; S the owner's
 * store of PARKED and R the loads inside ready(). Program order gives P < L and S < R.
 *  1. If L < S, then P < L < S < R: ready() sees what P published and the owner does not sleep.
 *  2. If S < L, the ringer sees PARKED (or NOTIFIED, if another ringer already won) and its CAS sets
 *     NOTIFIED. Atomics.wait compares the word with PARKED and sleeps atomically with respect to
 *     Atomics.notify, so either the CAS came first and wait returns 'not-equal' at once, or the
 *     owner was already asleep and the notify wakes it.
 * A bare notify without the CAS would lose case 2 when it lands between S and the wait call.
 *
 * The park count (BELL_PARKS) is notified as it is bumped, before the owner sleeps: a watcher (a
 * test handing off to a parked thread) waits on that word with Atomics.waitAsync instead of
 * looking at it in a loop. Nobody waits on it in a run, and a notify with no waiter takes no
 * system call: a fraction of a microsecond on a park that costs tens.
 *
 * Bounds: park waits at most timeoutMs (callers loop with a deadline) and spins at most spinRounds
 * evaluations of ready() before parking; ring() is wait-free.
 */
import { expected } from '../core/expected.js';
import * as layout from './layout.js';

// Module-local, not named imports: V8 does not fold an imported binding into optimised code, and
// ring() runs after every publish (ring.ts says what that cost).
const {
  BELL_MAGIC,
  BELL_MAGIC_INDEX,
  BELL_NOTIFIED,
  BELL_NOTIFIES,
  BELL_PARKED,
  BELL_PARKS,
  BELL_RUNNING,
  BELL_STATE,
  BELL_WAKEUPS,
  DOORBELL_BYTES,
} = layout;

/**
 * Busy work between spin checks, in iterations of a dependent multiply-add (a few cycles each):
 * about 100 ns. A constant pause measured better here than an exponential backoff (doubling to
 * ~1 us): the backoff made a waiting side react late to a partner that was about to deliver, and
 * halved throughput at batch 16 (bench/ring.ts A/B, 1 and 8 pairs).
 */
const SPIN_PAUSE_ITERATIONS = 64;

export type ParkResult = 'ready' | 'woken' | 'timed-out';

export interface DoorbellStats {
  /** Times the owner actually called Atomics.wait. */
  parks: number;
  /** Parks ended by a ringer (the rest timed out). */
  wakeups: number;
  /** Atomics.notify calls made by ringers. */
  notifies: number;
}

export class Doorbell {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  /** Where pause() leaves its result, so the busy work is not optimised away. */
  private pauseSink = 0;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, DOORBELL_BYTES / 4);
  }

  /** A fresh doorbell for the calling thread (send `buffer` to the threads that will ring it). */
  static create(): Doorbell {
    const buffer = new SharedArrayBuffer(DOORBELL_BYTES);
    const bell = new Doorbell(buffer);
    bell.words[BELL_MAGIC_INDEX] = BELL_MAGIC;
    return bell;
  }

  /** The doorbell whose buffer another thread created with Doorbell.create(). */
  static attach(buffer: SharedArrayBuffer): Doorbell {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < DOORBELL_BYTES) {
      throw expected(
        'buffer',
        `a SharedArrayBuffer of ${DOORBELL_BYTES} bytes from Doorbell.create()`,
        buffer,
      );
    }
    const bell = new Doorbell(buffer);
    const magic = Atomics.load(bell.words, BELL_MAGIC_INDEX);
    if (magic !== BELL_MAGIC) {
      throw expected('buffer', 'a doorbell buffer from Doorbell.create() (magic 0x42454c4c)', buffer);
    }
    return bell;
  }

  /**
   * Owner thread only. Spin up to `spinRounds` evaluations of ready(), then mark parked, check
   * ready() once more (the check that closes the race, see the header) and wait up to timeoutMs.
   */
  park(ready: () => boolean, timeoutMs: number, spinRounds = 0): ParkResult {
    for (let round = 0; round < spinRounds; round++) {
      this.pause();
      if (ready()) return 'ready';
    }
    const words = this.words;
    const before = Atomics.exchange(words, BELL_STATE, BELL_PARKED);
    if (before !== BELL_RUNNING) {
      Atomics.store(words, BELL_STATE, BELL_RUNNING);
      throw new RangeError(
        `Expected the doorbell to be parked by its owner thread only, found it already ${before === BELL_PARKED ? 'parked' : 'notified'}: two threads share one doorbell`,
      );
    }
    let isReady: boolean;
    try {
      isReady = ready();
    } catch (error) {
      Atomics.store(words, BELL_STATE, BELL_RUNNING); // never leave a bell marked parked by nobody
      throw error;
    }
    if (isReady) {
      Atomics.store(words, BELL_STATE, BELL_RUNNING);
      return 'ready';
    }
    Atomics.add(words, BELL_PARKS, 1);
    Atomics.notify(words, BELL_PARKS);
    const startMs = performance.now();
    let leftMs = timeoutMs;
    // 'ok' with the state still PARKED: a stale notify (header); wait out the time left.
    while (Atomics.wait(words, BELL_STATE, BELL_PARKED, leftMs) === 'ok') {
      if (Atomics.load(words, BELL_STATE) !== BELL_PARKED) break;
      leftMs = timeoutMs - (performance.now() - startMs);
      if (leftMs <= 0) break;
    }
    const last = Atomics.exchange(words, BELL_STATE, BELL_RUNNING);
    if (last === BELL_NOTIFIED) {
      Atomics.add(words, BELL_WAKEUPS, 1);
      return 'woken';
    }
    return 'timed-out';
  }

  /**
   * Bounded busy work between two spin-round checks (JS has no PAUSE instruction). Polling a word
   * the other core is writing pulls its cache line on every check and slows that writer's next
   * store; a short pause between checks keeps the spinning side off the line most of the time.
   */
  private pause(): void {
    let x = this.pauseSink;
    for (let k = 0; k < SPIN_PAUSE_ITERATIONS; k++) x = (x * 31 + k) | 0;
    this.pauseSink = x;
  }

  /** True while the owner is marked parked (a ringer's cheap pre-check). */
  isParked(): boolean {
    return Atomics.load(this.words, BELL_STATE) === BELL_PARKED;
  }

  /** Any thread, after its publishing store: wake the owner if and only if it is marked parked. */
  ring(): boolean {
    const words = this.words;
    if (Atomics.load(words, BELL_STATE) !== BELL_PARKED) return false;
    if (Atomics.compareExchange(words, BELL_STATE, BELL_PARKED, BELL_NOTIFIED) !== BELL_PARKED) return false;
    Atomics.add(words, BELL_NOTIFIES, 1);
    Atomics.notify(words, BELL_STATE, 1);
    return true;
  }

  stats(): DoorbellStats {
    const words = this.words;
    return {
      parks: Atomics.load(words, BELL_PARKS) >>> 0,
      wakeups: Atomics.load(words, BELL_WAKEUPS) >>> 0,
      notifies: Atomics.load(words, BELL_NOTIFIES) >>> 0,
    };
  }
}
