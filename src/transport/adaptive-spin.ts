/**
 * How long a blocking ring call spins before it parks, learned per endpoint.
 *
 * A park costs its own thread a wake-up latency and, worse, costs the OTHER thread a futex wake
 * (Atomics.notify) on its hot path: profiled here at tens of microseconds per notify on the
 * producer when a faster consumer parked between batches. Spinning avoids both when the partner
 * is running, and wastes a core when it is not (more threads than cores: it was descheduled).
 * So, like adaptive mutexes: after a park that the partner ended quickly, spin twice as long next
 * time (the partner was running; a longer spin would have caught it without a syscall); after a
 * long park or a time-out, spin half as long (the partner was away; spinning only burned the
 * core it needed). Bounded both ways: MIN_SPIN_ROUNDS..MAX_SPIN_ROUNDS.
 */

/** Floor: about a microsecond of spinning (a round is a ~100 ns pause and a check, doorbell.ts). */
export const MIN_SPIN_ROUNDS = 8;
/** Ceiling: about 100 microseconds, a few wake-ups' worth. */
export const MAX_SPIN_ROUNDS = 1024;
/** A park the partner ended sooner than this means it was running. */
const SHORT_PARK_MS = 0.5;
/** A park longer than this means the partner was away (descheduled, blocked, or idle). */
const LONG_PARK_MS = 2;

export class AdaptiveSpin {
  rounds: number;

  /** `minRounds`..`maxRounds`: the ring endpoints' bounds unless a caller waits on more than one ring. */
  constructor(
    initialRounds: number,
    private readonly minRounds = MIN_SPIN_ROUNDS,
    private readonly maxRounds = MAX_SPIN_ROUNDS,
  ) {
    this.rounds = Math.min(maxRounds, Math.max(minRounds, initialRounds));
  }

  /** Account for one blocking call that parked: `waitedMs` from its start until it returned. */
  afterPark(waitedMs: number, woken: boolean): void {
    if (woken && waitedMs < SHORT_PARK_MS) {
      this.rounds = Math.min(this.maxRounds, this.rounds * 2);
    } else if (!woken || waitedMs >= LONG_PARK_MS) {
      this.rounds = Math.max(this.minRounds, this.rounds >> 1);
    }
  }
}
