/**
 * Which of several crashes a run reports: the one the inline runtime meets first. The inline
 * runtime starts every actor in plan order, then takes events in (time, order, destination)
 * order (event-heap.ts) and stops at the first throw; a threaded run may see several crashes
 * (each worker runs up to the first crash's tick: worker-loop.ts "A crash"), in whatever order
 * the threads reach them. Ranking them as the inline runtime would makes the crash a function of
 * the seed alone, so its failure file replays on every host.
 */
import type { CrashInfo } from './run-errors.js';

/** The crash the inline runtime would report among `crashes` (at least one). */
export function firstCrash(crashes: readonly CrashInfo[], actorIndex: (name: string) => number): CrashInfo {
  let best = crashes[0]!;
  for (const c of crashes.slice(1)) if (before(c, best, actorIndex)) best = c;
  return best;
}

/** `a` comes before `b`: an earlier tick; at one tick a start before any event; then the order. */
function before(a: CrashInfo, b: CrashInfo, actorIndex: (name: string) => number): boolean {
  if (a.tick !== b.tick) return a.tick < b.tick;
  const ea = a.lastEvent;
  const eb = b.lastEvent;
  if (ea === undefined || eb === undefined) {
    if (ea !== undefined) return false;
    if (eb !== undefined) return true;
    return actorIndex(a.actor) < actorIndex(b.actor);
  }
  if (ea.order !== eb.order) return ea.order < eb.order;
  return ea.destination < eb.destination;
}
