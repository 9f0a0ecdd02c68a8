/**
 * What a runtime needs from a machine: a plan (actors and directed edges) and a way to build one
 * actor from the same configuration. The real machine is src/model/actors/machine.ts; tests plug in small
 * fixture machines through the same interface.
 *
 * The threaded runtime loads the module by URL inside every worker and calls `createActor` for that
 * worker's actor only, so construction must be a pure function of (config, plan, index): that is
 * what lets a worker rebuild exactly the actor the inline runtime would have built.
 */
import type { Actor } from '../model/actors/actor.js';
import type { Recorder } from '../model/actors/recorder.js';
import type { EdgeSpec } from '../model/platform/link-timing.js';

export interface ActorInfo {
  index: number;
  name: string;
  kind: Actor['kind'];
  /** The socket it belongs to, when it has one (placement keeps a socket's actors together). */
  socket?: number;
}

export interface MachinePlan {
  actors: ActorInfo[];
  edges: EdgeSpec[];
}

export interface MachineModule<Config = unknown> {
  planMachine(config: Config): MachinePlan;
  /** `recorder` makes the actor's latency histograms (the runtime's own kind, src/metrics). */
  createActor(config: Config, plan: MachinePlan, index: number, recorder: Recorder): Actor;
  /**
   * Optional: the machine's initial state for `config` as plain data (structured-cloneable), so
   * that a threaded runtime builds it once and hands it to every worker instead of each worker
   * building it again (start-up). A machine without it has each worker derive its own.
   */
  sharedWorld?(config: Config): unknown;
  /** With `sharedWorld`: take a state the main thread built from this very config. */
  adoptWorld?(config: Config, world: unknown): void;
}
