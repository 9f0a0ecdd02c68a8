/**
 * The tick a run's progress line shows, from its actors' clocks (a threaded run's status board, a
 * free replay's actors). A lockstep run's clocks move together, so their least is where the whole
 * run is. A free run's do not: an actor that has handled all it will (its log followed to its end,
 * or nothing left to handle before the run's end) keeps its clock where it stopped, and the least
 * of all clocks stalled there while the others ran on (QA: a free replay's line stood at 12% for
 * the rest of the run). So the least is taken over the actors still advancing only; with none
 * advancing, the furthest clock. An actor can start advancing again (a free actor that takes new
 * records), which could pull the least back: what is shown never goes back (`ProgressTick`).
 */

/** One actor's (or worker's) clock, and whether it may still move on its own. */
export interface ActorClock {
  tick: number;
  /** False for an actor that has finished, crashed or has nothing left to handle for now. */
  advancing: boolean;
}

/** The least clock of the actors still advancing; the furthest clock when none is; 0 for none. */
export function progressTickOf(clocks: Iterable<ActorClock>): number {
  let least = Number.POSITIVE_INFINITY;
  let furthest = 0;
  for (const c of clocks) {
    if (c.advancing) least = Math.min(least, c.tick);
    furthest = Math.max(furthest, c.tick);
  }
  return least === Number.POSITIVE_INFINITY ? furthest : least;
}

/** progressTickOf, never below what it showed before: a progress line does not go back. */
export class ProgressTick {
  private shownTick = 0;

  next(clocks: Iterable<ActorClock>): number {
    this.shownTick = Math.max(this.shownTick, progressTickOf(clocks));
    return this.shownTick;
  }
}
