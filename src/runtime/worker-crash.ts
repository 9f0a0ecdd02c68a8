/**
 * What a worker reports when one of its actors throws: the actor, its tick, the event it was
 * handling, the message and the stack, attached to the error the loop rethrows (the worker host
 * hands `crash` to the main thread over comlink, which turns it into an ActorCrashError).
 */
import type { SimMessage } from '../model/protocol/sim-message.js';
import type { ActorRunner } from './actor-runner.js';

export interface Crash {
  actor: string;
  lastEvent: SimMessage | undefined;
  tick: number;
  message: string;
  stack: string;
}

export function crashOf(runner: ActorRunner, error: unknown): Error & { crash: Crash } {
  const e = error instanceof Error ? error : new Error(String(error));
  const crash: Crash = {
    actor: runner.actor.name,
    lastEvent: runner.current === undefined ? undefined : { ...runner.current },
    tick: runner.now,
    message: e.message,
    stack: e.stack ?? '',
  };
  return Object.assign(new Error(`${runner.actor.name} crashed at tick ${runner.now}: ${e.message}`), {
    crash,
  });
}
