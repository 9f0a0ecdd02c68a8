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
 *
 * Off, on a machine busier than the runtime knew. The runtime lets a worker spin when the workers
 * do not outnumber the cores, but other processes may hold those cores: then every partner is
 * descheduled as often as not, every spin is wasted, and so is every notify a spinning runtime
 * sends mid-slice (worker-loop.ts), which wakes a thread only to compete for a core. On this
 * project's 2-CPU machine, with two other simulations running beside it, `--workers 2` of `stress`
 * took 6.2 s per 1 ms run with spinning on throughout and 4.4 s with this switch (`node
 * scripts/ab-busy.mjs`, 6 rounds, B speed-up 1.387), and the same with the machine quiet (0.948,
 * within its noise: the runs of both builds alternate between 0.7 and 1.5 s); bench/README.md
 * "On a busy machine" has the figures and `npm run bench -- engine --background 2`'s. So a
 * caller that asks for it (`offAfter` > 0) gets a switch: once most of its recent parks were long
 * (`judgeCores`) and the caller finds the cores held elsewhere (`othersHoldCores`), it turns
 * spinning off (`active` false: park at once, and the caller stops its mid-slice notifies), and
 * tries it again, at the floor, after FIRST_PROBE_AFTER parks, then after twice as many at each
 * later turn off.
 */

/** Floor: about a microsecond of spinning (a round is a ~100 ns pause and a check, doorbell.ts). */
export const MIN_SPIN_ROUNDS = 8;
/** Ceiling: about 100 microseconds, a few wake-ups' worth. */
export const MAX_SPIN_ROUNDS = 1024;
/** A park the partner ended sooner than this means it was running. */
const SHORT_PARK_MS = 0.5;
/** A park longer than this means the partner was away (descheduled, blocked, or idle). */
const LONG_PARK_MS = 2;

/** The most parks spinning stays off before it is tried again. */
const MAX_PROBE_AFTER = 65_536;
/** Parks off before the first try again (doubled at each later turn off). */
export const FIRST_PROBE_AFTER = 8192;

export class AdaptiveSpin {
  rounds: number;
  /** Whether to spin at all (always, unless `offAfter` > 0 turned it off: the header). */
  active = true;
  /** Times spinning was turned off, for the run's figures. */
  turnedOff = 0;
  /** Parks judged since spinning was last turned on (up to `offAfter`). */
  private parks = 0;
  /** The share of recent parks that were long, weighted to the latest. */
  private longShare = 0;
  /** While off: parks until spinning is tried again, and how many the next turn off waits. */
  private untilProbe = 0;
  private probeAfter = FIRST_PROBE_AFTER;

  /**
   * `minRounds`..`maxRounds`: the ring endpoints' bounds unless a caller waits on more than one ring.
   * `offAfter`: the parks that must have been judged before spinning may turn off (0: never off).
   */
  constructor(
    initialRounds: number,
    private readonly minRounds = MIN_SPIN_ROUNDS,
    private readonly maxRounds = MAX_SPIN_ROUNDS,
    private readonly offAfter = 0,
    /**
     * Asked before spinning turns off: whether other processes hold the cores (the caller measures
     * it: thread-loop.ts). Long parks alone do not say so: partners still compiling their code at
     * a run's start park this thread as long, and spinning would pay there.
     */
    private readonly othersHoldCores: () => boolean = () => true,
  ) {
    this.rounds = Math.min(maxRounds, Math.max(minRounds, initialRounds));
  }

  /** The rounds to spin before the next park: none while off. */
  get spinRounds(): number {
    return this.active ? this.rounds : 0;
  }

  /** Account for one blocking call that parked: `waitedMs` from its start until it returned. */
  afterPark(waitedMs: number, woken: boolean): void {
    const short = woken && waitedMs < SHORT_PARK_MS;
    const long = !woken || waitedMs >= LONG_PARK_MS;
    // While off (and at the park that turns it on again) the rounds are not in use: left at the floor.
    if (this.offAfter > 0 && !this.judgeCores(long)) return;
    if (short) {
      this.rounds = Math.min(this.maxRounds, this.rounds * 2);
    } else if (long) {
      this.rounds = Math.max(this.minRounds, this.rounds >> 1);
    }
  }

  /**
   * Off once at least `offAfter` parks were judged and most of the recent ones were long (the
   * share weighted 1/8 to each new park: where other processes held the cores about three parks in
   * four lasted a millisecond or more, but a strict run of long ones was rare, since a partner that
   * got a core answers the next park at once). Tried again after `probeAfter` parks off: a machine
   * that has gone quiet keeps it on; a busy one turns it off again within `offAfter` parks, and the
   * next try waits twice as long. Short parks while off say nothing: with spinning off, a busy
   * machine's partner answers many parks at once too. False while off: the rounds are not in use.
   */
  private judgeCores(long: boolean): boolean {
    if (!this.active) {
      if (--this.untilProbe > 0) return false;
      this.active = true;
      this.parks = 0;
      this.longShare = 0;
      this.rounds = this.minRounds;
      return false;
    }
    if (this.parks < this.offAfter) this.parks++;
    this.longShare += ((long ? 1 : 0) - this.longShare) / 8;
    if (this.parks >= this.offAfter && this.longShare > 0.5 && this.othersHoldCores()) {
      this.active = false;
      this.turnedOff++;
      this.untilProbe = this.probeAfter;
      this.probeAfter = Math.min(MAX_PROBE_AFTER, this.probeAfter * 2);
    }
    return true;
  }
}
