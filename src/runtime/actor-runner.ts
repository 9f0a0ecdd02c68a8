/**
 * Hosts one actor: its clock, its outbound link timing, its sequence counters and its digest.
 * Both runtimes use it, which is half of why they give the same digest: the other half is that
 * both hand `deliver` the actor's messages in `compareMessages` order.
 *
 * The runner is the actor's `ActorContext`. Sends are stamped here (time from the link's timing,
 * source, edge, a sequence number per destination) and handed to `outbox`; self timers go to
 * `selfQueue`. Assertions on both sides of the hand-off: an actor may only send on its own edges,
 * and time never goes backwards at an actor.
 */

import { AssertionFailure } from '../core/errors.js';
import type { Actor, ActorContext } from '../model/actors/actor.js';
import type { Chooser } from '../model/choice/random.js';
import { type LinkStats, LinkTiming } from '../model/platform/link-timing.js';
import {
  newMessage,
  SELF_LINK,
  type SendFields,
  type SimMessage,
  stampOrder,
} from '../model/protocol/sim-message.js';
import { EventDigest, type RecordedEvent, recordOf } from './digest.js';
import type { MachinePlan } from './machine-module.js';

export type Outbox = (edge: number, msg: SimMessage) => void;

export class ActorRunner implements ActorContext {
  now = 0;
  readonly self: number;
  readonly digest = new EventDigest();
  readonly recorded: RecordedEvent[] = [];
  /** Indexed by edge index; undefined for edges this actor does not send on. */
  readonly links: (LinkTiming | undefined)[];
  /** Messages sent per edge index, and received (handled) per edge index. */
  readonly sentPerEdge: number[];
  readonly receivedPerEdge: number[];
  private readonly seqTo: number[];
  private selfSeq = 0;
  readonly pool = new MessagePool();
  /** The message being handled, for crash reports. */
  current: SimMessage | undefined;

  constructor(
    readonly actor: Actor,
    readonly plan: MachinePlan,
    readonly chooser: Chooser,
    private readonly outbox: Outbox,
    private readonly selfQueue: (msg: SimMessage) => void,
    private readonly recordLimit = 0,
  ) {
    this.self = actor.index;
    this.links = plan.edges.map((e) => (e.from === actor.index ? new LinkTiming(e) : undefined));
    this.sentPerEdge = plan.edges.map(() => 0);
    this.receivedPerEdge = plan.edges.map(() => 0);
    this.seqTo = plan.actors.map(() => 0);
  }

  /** Figures of this actor's outbound links. */
  linkStats(): LinkStats[] {
    return this.links.flatMap((l) => (l === undefined ? [] : [l.figures()]));
  }

  start(): void {
    for (const e of this.actor.silentEdges?.() ?? []) {
      if (this.links[e] === undefined) {
        throw new AssertionFailure(
          `${this.actor.name} declared edge ${e} silent, but it is not one of its outbound edges`,
        );
      }
      this.silent[e] = true;
    }
    this.actor.start(this);
  }

  /** Edges the actor promised never to send on. */
  readonly silent: boolean[] = [];

  send(edge: number, fields: SendFields, wireBytes: number, delayTicks = 0): number {
    const link = this.links[edge];
    if (link === undefined) {
      throw new AssertionFailure(
        `${this.actor.name} sent on edge ${edge}, which is not one of its outbound edges`,
      );
    }
    const msg = this.pool.take();
    fill(msg, fields);
    msg.source = this.self;
    msg.destination = link.edge.to;
    msg.link = edge;
    msg.seq = this.seqTo[link.edge.to]!++;
    if (!(delayTicks >= 0)) {
      throw new AssertionFailure(`${this.actor.name} sent with a negative delay (${delayTicks} ticks)`);
    }
    msg.timeTicks = link.arrival(this.now + delayTicks, wireBytes, this.chooser);
    stampOrder(msg);
    this.sentPerEdge[edge]!++;
    this.outbox(edge, msg);
    return msg.timeTicks;
  }

  schedule(delayTicks: number, fields: SendFields): void {
    if (!(Number.isSafeInteger(delayTicks) && delayTicks >= 0)) {
      throw new AssertionFailure(
        `${this.actor.name} scheduled a timer ${delayTicks} ticks ahead; expected a non-negative integer`,
      );
    }
    const msg = this.pool.take();
    fill(msg, fields);
    msg.source = this.self;
    msg.destination = this.self;
    msg.link = SELF_LINK;
    msg.seq = this.selfSeq++;
    msg.timeTicks = this.now + delayTicks;
    stampOrder(msg);
    this.selfQueue(msg);
  }

  handle(msg: SimMessage): void {
    // Assertions on the receiving side of the hand-off; messages built only when they fail.
    if (msg.timeTicks < this.now) {
      throw new AssertionFailure(
        `${this.actor.name}: event at tick ${msg.timeTicks} after tick ${this.now} (time went backwards)`,
      );
    }
    if (msg.destination !== this.self) {
      throw new AssertionFailure(`${this.actor.name} handed a message for actor ${msg.destination}`);
    }
    this.now = msg.timeTicks;
    this.digest.add(msg);
    if (this.recorded.length < this.recordLimit) this.recorded.push(recordOf(msg));
    if (msg.link !== SELF_LINK) this.receivedPerEdge[msg.link]!++;
    this.current = msg;
    this.actor.handle(msg, this);
    this.current = undefined;
    // Actors never keep a message past handle() (they copy what they need), so it can be reused.
    this.pool.give(msg);
  }
}

function fill(msg: SimMessage, f: SendFields): void {
  msg.kind = f.kind;
  msg.flags = f.flags ?? 0;
  msg.address = f.address ?? 0;
  msg.lengthBytes = f.lengthBytes ?? 0;
  msg.lpid = f.lpid ?? 0;
  msg.pid = f.pid ?? 0;
  msg.tag = f.tag ?? 0;
}

/** Derive an actor's chooser seed from the run seed, so each actor's choices are its own. */
export function actorSeed(runSeed: number, actorIndex: number): number {
  let h = (runSeed >>> 0) ^ Math.imul(Math.floor(runSeed / 0x1_0000_0000) | 0, 0x27d4eb2f);
  h = Math.imul(h ^ (actorIndex + 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Recycled message objects: at a million events a second, one allocation per message is most of
 * the garbage collector's work. Bounded, so a burst does not pin memory for the rest of the run.
 */
export class MessagePool {
  private readonly free: SimMessage[] = [];
  constructor(private readonly capacity = 8192) {}

  take(): SimMessage {
    return this.free.pop() ?? newMessage();
  }

  give(m: SimMessage): void {
    if (this.free.length < this.capacity) this.free.push(m);
  }
}
