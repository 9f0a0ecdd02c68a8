/**
 * An actor's handlers by message kind: one table, looked up by the kind's number, so `handle` is
 * one array index and a kind an actor does not expect fails loudly with the actor and the sender.
 */
import type { SimMessage } from '../protocol/sim-message.js';
import type { ActorContext } from './actor.js';

export type Handler = (m: SimMessage, ctx: ActorContext) => void;

const KINDS = 256;

export class Dispatch {
  private readonly table: (Handler | undefined)[] = new Array(KINDS).fill(undefined);

  constructor(
    private readonly actorName: string,
    handlers: Readonly<Record<number, Handler>>,
  ) {
    for (const [kind, h] of Object.entries(handlers)) this.table[Number(kind)] = h;
  }

  handle(m: SimMessage, ctx: ActorContext): void {
    const h = this.table[m.kind];
    if (h === undefined) {
      throw new Error(
        `${this.actorName}: unexpected message kind 0x${m.kind.toString(16)} from actor ${m.source}`,
      );
    }
    h(m, ctx);
  }
}
