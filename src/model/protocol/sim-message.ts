/**
 * The one message shape every actor sends and receives, in one thread or across threads.
 *
 * In the threaded runtime a message is a 32-byte ring record (src/transport/codec.ts); inline it is
 * this object. Both hosts hand an actor the same fields in the same order, which is what makes the
 * result digest independent of the host. What each field means depends on `kind`: the typed messages of messages/*.ts
 * write and read them (actors never pack fields by hand).
 *
 * Event order at one actor (design.md "Time and determinism"): by `time`, then `kindClass(kind)`,
 * then `source`, then `seq` (a counter per source->destination pair, so the key is a total order).
 * Nothing about the host (thread timing, ring batching) enters the key.
 */
import { type RecordFields, zeroRecord } from '../../core/record-fields.js';
import type { Tick } from '../types.js';

export interface SimMessage extends RecordFields {
  /**
   * In memory only (never on a ring): kindClass * 2^40 + source * 2^32 + seq, the tie-break of
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
  return { kind, flags: 0, address: 0, lengthBytes: 0, lpid: 0, pid: 0, tag: 0 };
}

export { SELF_LINK } from './wire.js';

/** A zeroed message, as a pool makes one (same field order as every record object). */
export function newMessage(): SimMessage {
  const m = zeroRecord() as SimMessage;
  m.order = 0;
  return m;
}

const TWO40 = 2 ** 40;
const TWO32 = 2 ** 32;

/** Compute `order` from kind, source and seq (class < 16, source < 256, seq < 2^32: below 2^53). */
export function stampOrder(m: SimMessage): void {
  m.order = (m.kind >>> 4) * TWO40 + m.source * TWO32 + m.seq;
}

/** Total order of events at one actor; negative when `a` goes first. */
export function compareMessages(a: SimMessage, b: SimMessage): number {
  if (a.timeTicks !== b.timeTicks) return a.timeTicks - b.timeTicks;
  return a.order - b.order;
}

/**
 * Class of a kind for tie-breaking at equal time: control and invalidation traffic (low kinds)
 * before data. The kinds are numbered so that the class is simply the kind's high nibble.
 */
export function kindClass(kind: number): number {
  return kind >>> 4;
}

export type { Tick };
