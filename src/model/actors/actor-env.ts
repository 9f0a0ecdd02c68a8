/**
 * What every part of a chip or GPU actor shares, whatever the kind: its index and name, the world,
 * its counters, its oracle, and its control edge to the coordinator. ChipEnv and GpuEnv add what
 * their kind needs. (The coordinator's own CoordinatorEnv has no edge to itself.)
 */
import type { Oracle } from '../check/oracle.js';
import type { Counters } from './counters.js';
import { type ActorSlot, edgeOf, type World } from './world.js';

export class ActorEnv {
  readonly name: string;
  /** The actor's slot in the world (its kind, socket, GPU). */
  protected readonly slot: ActorSlot;
  readonly toCoordinator: number;

  constructor(
    readonly index: number,
    readonly world: World,
    readonly counters: Counters,
    readonly oracle: Oracle,
  ) {
    this.slot = world.actors[index]!;
    this.name = this.slot.name;
    this.toCoordinator = edgeOf(world, index, world.coordinator, 'control');
  }
}
