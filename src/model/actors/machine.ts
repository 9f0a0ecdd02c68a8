/**
 * The real machine as a runtime sees it (src/runtime/machine-module.ts): a plan of actors and
 * edges, and a constructor for one actor, both pure functions of the RunConfig.
 *
 * Inline, every actor shares one World (built once per config object). Threaded, the main thread
 * builds it once and every worker adopts a structured clone of it (`sharedWorld`, `adoptWorld`):
 * a World is plain data (arrays, maps, sets, plain objects), and because buildWorld is a pure
 * function of the config the clone is the very World the worker would have built (the startup
 * bench, `npm run bench -- startup`, measures what building it in every worker cost).
 */

import { assert } from '../../core/errors.js';
import type { SimMessage } from '../protocol/sim-message.js';
import type { RunConfig } from '../scenario/workload.js';
import type { Actor } from './actor.js';
import { ChipActor } from './chip/chip-actor.js';
import { CoordinatorActor } from './coordinator/coordinator-actor.js';
import { GpuActor } from './gpu/gpu-actor.js';
import type { Recorder } from './recorder.js';
import { buildWorld, type World } from './world.js';

export interface MachinePlanOut {
  actors: { index: number; name: string; kind: Actor['kind']; socket?: number }[];
  edges: World['edges'];
}

const worlds = new WeakMap<RunConfig, World>();

export function worldOf(config: RunConfig): World {
  let w = worlds.get(config);
  if (w === undefined) {
    w = buildWorld(config);
    worlds.set(config, w);
  }
  return w;
}

/** The World of `config` for a runtime to hand its workers (MachineModule.sharedWorld). */
export function sharedWorld(config: RunConfig): World {
  return worldOf(config);
}

/**
 * Take the World another thread built from `config` (arrived with it in one structured clone, so
 * `world.config` is this very `config` object).
 */
export function adoptWorld(config: RunConfig, world: unknown): void {
  const w = world as World;
  assert(w.config === config, 'adoptWorld: expected the world built from this config, cloned with it');
  worlds.set(config, w);
}

export function planMachine(config: RunConfig): MachinePlanOut {
  const w = worldOf(config);
  return {
    actors: w.actors.map(({ index, name, kind, socket }) => ({
      index,
      name,
      kind,
      ...(kind === 'coordinator' ? {} : { socket }),
    })),
    edges: w.edges,
  };
}

export function createActor(config: RunConfig, _plan: unknown, index: number, recorder: Recorder): Actor {
  const w = worldOf(config);
  const slot = w.actors[index];
  assert(slot !== undefined, `no actor ${index} in a machine of ${w.actors.length}`);
  const actor: Actor =
    slot.kind === 'chip'
      ? new ChipActor(index, w, recorder)
      : slot.kind === 'gpu'
        ? new GpuActor(index, w, recorder)
        : new CoordinatorActor(index, w, recorder);
  const crash = config.crashAt;
  return crash !== undefined && crash.actor === slot.name ? crashing(actor, crash.event) : actor;
}

/** Fault injection for the crash path's tests: the actor throws at its Nth event. */
function crashing(actor: Actor, atEvent: number): Actor {
  let events = 0;
  const handle = actor.handle.bind(actor);
  actor.handle = (m: SimMessage, ctx) => {
    if (++events === atEvent) {
      throw new Error(`injected crash (--crash-at ${actor.name}:${atEvent})`);
    }
    handle(m, ctx);
  };
  return actor;
}
