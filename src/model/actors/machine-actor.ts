/**
 * What the machine's three actors (chip, GPU, coordinator) share: an environment that every part
 * of the actor is handed (its world, counters and the oracle the parts report to: ActorEnv,
 * CoordinatorEnv), a dispatch table from a message kind to the part that handles it
 * (dispatch.ts), and the end-of-run report built from the environment's counters and oracle.
 * Each actor builds its environment, hands it here, then builds its parts and its table.
 */
import type { Oracle } from '../check/oracle.js';
import type { SimMessage } from '../protocol/sim-message.js';
import type { ActorContext, ActorReport } from './actor.js';
import { actorReport, type ReportParts } from './actor-report.js';
import type { Counters } from './counters.js';
import type { Dispatch } from './dispatch.js';
import type { World } from './world.js';

/** What an actor's environment holds at the least. */
export interface MachineEnv {
  readonly index: number;
  readonly world: World;
  readonly counters: Counters;
  readonly oracle: Oracle;
}

export abstract class MachineActor<E extends MachineEnv> {
  abstract readonly kind: 'chip' | 'gpu' | 'coordinator';
  readonly index: number;
  readonly name: string;
  protected abstract readonly dispatch: Dispatch;

  constructor(protected readonly env: E) {
    this.index = env.index;
    this.name = env.world.actors[env.index]!.name;
  }

  /** Violations found so far (the status board shows them while the run goes on). */
  findings(): number {
    return this.env.oracle.violationCount;
  }

  handle(m: SimMessage, ctx: ActorContext): void {
    this.dispatch.handle(m, ctx);
  }

  /** The end-of-run report: the environment's counters and oracle, and what the actor adds. */
  protected report(parts: Omit<ReportParts, 'counters' | 'oracle'>): ActorReport {
    return actorReport(this, { counters: this.env.counters, oracle: this.env.oracle, ...parts });
  }
}
