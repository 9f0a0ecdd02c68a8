/** What every part of the coordinator shares: the world, its edges, its counters and its oracle. */
import type { Oracle } from '../../check/oracle.js';
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
}
