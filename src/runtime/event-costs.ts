/**
 * What each kind of event cost an actor's handler, in wall time: for `npm run bench -- bound`,
 * which weighs the lookahead bound's events by what they cost instead of counting each as one
 * (bench/lookahead-bound.ts). Off unless asked for (RunnerOptions.timeEvents): timing every
 * handler costs two clock reads an event.
 */

/** One message kind's handlers in one actor: how many ran and their total wall time. */
export interface EventCost {
  kind: number;
  events: number;
  ms: number;
}

export class EventCosts {
  private readonly byKind = new Map<number, EventCost>();

  add(kind: number, ms: number): void {
    const c = this.byKind.get(kind);
    if (c === undefined) this.byKind.set(kind, { kind, events: 1, ms });
    else {
      c.events++;
      c.ms += ms;
    }
  }

  /** Every kind handled, in kind order. */
  list(): EventCost[] {
    return [...this.byKind.values()].sort((a, b) => a.kind - b.kind).map((c) => ({ ...c }));
  }
}
