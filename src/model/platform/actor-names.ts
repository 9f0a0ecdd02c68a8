/**
 * The names of a run's actors, as world.ts numbers them (chips by socket, then GPUs by index, then
 * the coordinator): what `npusim topo`, `--crash-at` and the run summary all say.
 */
import type { Topology } from './topology.js';

/** A test checks that these equal the names of the world's plan. */
export function chipActorName(socket: number): string {
  return `chip${socket}`;
}
export function gpuActorName(index: number): string {
  return `gpu${index}`;
}
export const COORDINATOR_ACTOR_NAME = 'coordinator';

/** Every actor of a run on `t`, in actor-index order. */
export function actorNames(t: Topology): string[] {
  return [
    ...t.sockets.map((s) => chipActorName(s.socket)),
    ...t.gpus.map((g) => gpuActorName(g.index)),
    COORDINATOR_ACTOR_NAME,
  ];
}
