/**
 * The one message shape every actor sends and receives, in one thread or across threads.
 *
 * In the threaded runtime a message is a 32-byte ring record (src/transport/codec.ts); inline it is
 * this object. Both hosts hand an actor the same fields in the same order, which is what makes the
 * result digest independent of the host. What each field means depends on `kind`: the typed messages of messages/*.ts
 * write and read them (actors never pack fields by hand).
 *
 * Event order at one actor (docs/theory-of-operation.md#71-event-order): by `time`, then
 * the kind's class (its high nibble), then `source`, then `seq` (a counter per source->destination pair, so the key
 * is a total order). Nothing about the host (thread timing, ring batching) enters the key.
 */
import type { RecordFields } from '../../core/record-fields.js';
import type { Tick } from '../types.js';

export interface SimMessage extends RecordFields {
  /**
   * In memory only (never on a ring): (kind >>> 4) * 2^40 + source * 2^32 + seq, the tie-break of
   * `compareMessages` folded into one number so the heap compares two numbers, not four fields.
   * Set by the runtime (`stampOrder`) when the message is created or decoded.
   */
  order: number;
}

/** Field values an actor fills in when it sends; the runtime fills time, source, link and seq. */
export interface SendFields {
  kind: number;
  flags?: number;
  address?: number;
  lengthBytes?: number;
  lpid?: number;
  pid?: number;
  tag?: number;
}

/**
 * A message's fields as an actor sends them, every field present and in this order, zero where the
 * message gives it no meaning: every typed message encodes into one of these (message-type.ts says
 * why one shape).
 */
export function sendFields(kind: number): SendFields {
  // Born `undefined`, then 0: V8 then gives each field the representation "any value", so an
  // encoder may store a small integer, a double, or an integer that code not yet optimised holds
  // as a heap number, and the object keeps one hidden class for the whole run (newMessage says
  // what a change of class costs). Started at 0, the tag and the pid turned into doubles mid-run.
  const f: Required<SendFields> = {
    kind,
    flags: ANY_NUMBER,
    address: ANY_NUMBER,
    lengthBytes: ANY_NUMBER,
    lpid: ANY_NUMBER,
    pid: ANY_NUMBER,
    tag: ANY_NUMBER,
  };
  f.flags = 0;
  f.address = 0;
  f.lengthBytes = 0;
  f.lpid = 0;
  f.pid = 0;
  f.tag = 0;
  return f;
}

/** A first value that is no number, for a field that is to take any number (sendFields). */
const ANY_NUMBER = undefined as unknown as number;

export { SELF_LINK } from './wire.js';

/**
 * A zeroed message, as a pool makes one: every field, `order` included, in one literal and one
 * order, so every message has one hidden class with all its fields inside the object.
 *
 * Why the literal starts every field at -0. V8 gives each field of a hidden class a representation
 * (small integer, double, or any value) from the values stored in it, and a store that does not fit
 * replaces the class: every optimised function that assumed the old one is thrown away and compiled
 * again. The time, the order and the address outgrow a small integer (2^31) partway through a run,
 * and any field may be handed a heap number by code not yet optimised: with fields started as small
 * integers the message class was replaced mid-run, more than once, and each time most of the hot
 * functions deoptimised together ("wrong map" at their first load of a message). -0 is a double,
 * so every field is a double from birth and no store can change the class again; the zeros after
 * it are plain zeros. `node --trace-deopt dist/src/cli/main.js run stress --seed 20180601
 * --duration 3ms --workers 1` counted 49 to 53 deoptimisations before, 36 after (three runs each).
 */
export function newMessage(): SimMessage {
  const m: SimMessage = {
    timeTicks: -0,
    kind: -0,
    flags: -0,
    source: -0,
    destination: -0,
    link: -0,
    seq: -0,
    address: -0,
    lengthBytes: -0,
    lpid: -0,
    pid: -0,
    tag: -0,
    order: -0,
  };
  m.timeTicks = 0;
  m.kind = 0;
  m.flags = 0;
  m.source = 0;
  m.destination = 0;
  m.link = 0;
  m.seq = 0;
  m.address = 0;
  m.lengthBytes = 0;
  m.lpid = 0;
  m.pid = 0;
  m.tag = 0;
  m.order = 0;
  return m;
}

const TWO40 = 2 ** 40;
const TWO32 = 2 ** 32;

/**
 * Compute `order` from kind, source and seq (class < 16, source < 256, seq < 2^32: below 2^53).
 * A kind's class, its high nibble, breaks ties at equal time: control and invalidation traffic
 * (low kinds) before data.
 */
export function stampOrder(m: SimMessage): void {
  m.order = (m.kind >>> 4) * TWO40 + m.source * TWO32 + m.seq;
}

/** Total order of events at one actor; negative when `a` goes first. */
export function compareMessages(a: SimMessage, b: SimMessage): number {
  if (a.timeTicks !== b.timeTicks) return a.timeTicks - b.timeTicks;
  return a.order - b.order;
}

export type { Tick };
