/**
 * What the machine's three actors (chip, GPU, coordinator) share: the oracle their parts report
 * to, whose violation count is the actor's findings, and a dispatch table from a message kind to
 * the part that handles it (dispatch.ts). Each actor builds its parts, then its table.
 */
import type { Oracle } from '../check/oracle.js';
import type { SimMessage } from '../protocol/sim-message.js';
import type { ActorContext } from './actor.js';
import type { Dispatch } from './dispatch.js';

export abstract class MachineActor {
  protected abstract readonly oracle: Oracle;
  protected abstract readonly dispatch: Dispatch;

  constructor(readonly index: number) {}

  /** Violations found so far (the status board shows them while the run goes on). */
  findings(): number {
    return this.oracle.violationCount;
  }

  handle(m: SimMessage, ctx: ActorContext): void {
    this.dispatch.handle(m, ctx);
  }
}
