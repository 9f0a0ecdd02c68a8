/**
 * What the coordinator's traffic generators (TCE unmaps, MMIO accesses, GPU resets) share: each
 * runs on a timer of its own and makes one event every `meanTicks` on average.
 *
 * How it works:
 *   1. `start` arms the first timer at a tick drawn in [1, mean] (chooser site `<site>.start`), so
 *      generators with the same interval do not fire in step; a disabled generator arms nothing.
 *   2. On each timer, `onTimer` first re-arms after a jittered pause (uniform in [mean/2, 3 mean/2),
 *      chooser site `<site>.interval`), then calls `fire`, the generator's own event. Re-arming
 *      first keeps the period independent of what `fire` decides (a refused or busy event still
 *      waits a full interval for the next).
 */
import type { SendFields } from '../../protocol/sim-message.js';
import type { ActorContext } from '../actor.js';
import type { CoordinatorEnv } from './coordinator-env.js';

export abstract class PeriodicGenerator {
  private readonly startSite: string;
  private readonly intervalSite: string;

  /** `timer`: the generator's timer message, copied into each one scheduled. */
  constructor(
    protected readonly env: CoordinatorEnv,
    site: string,
    private readonly timer: SendFields,
  ) {
    this.startSite = `${site}.start`;
    this.intervalSite = `${site}.interval`;
  }

  /** Whether this run has the traffic at all (its interval set, something to act on). */
  abstract get enabled(): boolean;

  /** The mean pause between two events, in ticks. */
  protected abstract get meanTicks(): number;

  /** One event of the traffic. */
  protected abstract fire(ctx: ActorContext): void;

  start(ctx: ActorContext): void {
    if (!this.enabled) return;
    ctx.schedule(1 + ctx.chooser.choose(this.startSite, this.meanTicks), this.timer);
  }

  onTimer(ctx: ActorContext): void {
    const mean = this.meanTicks;
    ctx.schedule(Math.max(1, Math.floor(mean / 2) + ctx.chooser.choose(this.intervalSite, mean)), this.timer);
    this.fire(ctx);
  }
}
