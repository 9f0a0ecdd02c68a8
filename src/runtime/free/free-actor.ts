/**
 * One actor as free mode runs it: its runner, its own event heap (its timers and the records it
 * has taken), and the rule for a record that arrives "in the past". The free worker loop and the
 * one-thread replay both drive an actor through this class and nothing else, so the two can only
 * differ in the order of takes, which the take log fixes.
 *
 * Simulated time in free mode. An actor's clock only moves forward: it is the time of the last
 * event it handled. Records from other actors carry the time their link timing gave them; a
 * record taken with a time below the actor's clock (its sender ran behind, or it sat in a ring
 * while the actor ran ahead) is handled at the actor's current time instead, and the difference
 * is counted as lateness. A record on time keeps its time. So each actor sees a consistent,
 * non-decreasing timeline, and the lateness figures say how far real thread timing bent it.
 */
import type { Actor } from '../../model/actors/actor.js';
import type { Chooser } from '../../model/choice/chooser.js';
import { type SimMessage, stampOrder } from '../../model/protocol/sim-message.js';
import { ActorRunner, type Outbox, type RunnerOptions } from '../actor-runner.js';
import { EventQueue } from '../event-queue.js';
import type { MachinePlan } from '../machine-module.js';
import type { TakeLogWriter } from './take-log.js';

/** How far real timing bent one actor's timeline. */
export interface Lateness {
  /** Records taken with a time below the actor's clock. */
  late: number;
  /** Sum and largest of (clock - record time) over the late records, in ticks. */
  totalTicks: number;
  maxTicks: number;
}

export class FreeActor {
  readonly heap = new EventQueue();
  readonly runner: ActorRunner;
  /** Events handled so far: the log's position. */
  handled = 0;
  readonly lateness: Lateness = { late: 0, totalTicks: 0, maxTicks: 0 };
  /** Records taken from each inbound edge (by edge index). */
  readonly taken: number[];

  constructor(
    actor: Actor,
    plan: MachinePlan,
    chooser: Chooser,
    outbox: Outbox,
    options: RunnerOptions,
    /** Present in a recorded run; absent in a replay (which reads the log instead). */
    readonly log: TakeLogWriter | undefined,
  ) {
    this.runner = new ActorRunner(actor, plan, chooser, outbox, (m) => this.heap.push(m), options);
    this.taken = plan.edges.map(() => 0);
  }

  /** Say that `count` records from `edge` are about to be taken (then take() each). */
  beginTake(edge: number, count: number): void {
    this.log?.take(this.handled, edge, count);
    this.taken[edge]! += count;
  }

  /** Take one record: late ones are moved to the actor's clock (see the header). */
  take(m: SimMessage): void {
    const now = this.runner.now;
    if (m.timeTicks < now) {
      const by = now - m.timeTicks;
      const l = this.lateness;
      l.late++;
      l.totalTicks += by;
      if (by > l.maxTicks) l.maxTicks = by;
      m.timeTicks = now;
    }
    stampOrder(m);
    this.heap.push(m);
  }

  /** Time of the next event it would handle (+Infinity when it has none). */
  nextTime(): number {
    const top = this.heap.peek();
    return top === undefined ? Number.POSITIVE_INFINITY : top.timeTicks;
  }

  /** Handle the earliest event of its heap. */
  handleNext(): void {
    const m = this.heap.pop()!;
    this.handled++;
    this.runner.handle(m);
  }
}
