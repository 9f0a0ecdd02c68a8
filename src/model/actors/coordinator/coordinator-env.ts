/** What every part of the coordinator shares: the world, its edges, its counters and its oracle. */
import type { Oracle } from '../../check/oracle.js';
import type { SendFields } from '../../protocol/sim-message.js';
import type { ActorContext } from '../actor.js';
import type { Counters } from '../counters.js';
import { edgeOf, type World } from '../world.js';

export class CoordinatorEnv {
  readonly toChip: number[];
  readonly toGpu: number[];
  readonly params: World['config']['params'];

  constructor(
    readonly index: number,
    readonly world: World,
    readonly counters: Counters,
    readonly oracle: Oracle,
  ) {
    this.params = world.config.params;
    this.toChip = world.chipActor.map((c) => edgeOf(world, index, c, 'control'));
    this.toGpu = world.gpuActor.map((g) => edgeOf(world, index, g, 'control'));
  }

  /**
   * Start a periodic generator (TCE unmaps, MMIO accesses, resets): its first timer at a tick
   * drawn in [1, mean], so generators with the same interval do not fire in step.
   */
  startTimer(ctx: ActorContext, mean: number, site: string, timer: SendFields): void {
    ctx.schedule(1 + ctx.chooser.choose(site, mean), timer);
  }

  /** Re-arm a periodic generator: its next timer after a jittered pause (`jittered`). */
  rearm(ctx: ActorContext, mean: number, site: string, timer: SendFields): void {
    ctx.schedule(this.jittered(ctx, mean, site), timer);
  }

  /** A pause of `mean` ticks on average: uniform in [mean/2, 3 mean/2), at least 1. */
  jittered(ctx: ActorContext, mean: number, site: string): number {
    return Math.max(1, Math.floor(mean / 2) + ctx.chooser.choose(site, mean));
  }
}
