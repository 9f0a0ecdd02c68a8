/**
 * A typed message: its kind, its name, and the one place that packs its fields into a record's
 * (encode) and reads them back (decode). Actors send `X.encode({...})` and read `X.decode(m)`, so
 * no field is ever given a meaning by hand outside messages/*.ts; `describeMessage` (catalogue.ts)
 * uses the same decoders to show any recorded event with its fields by name.
 */
import type { SendFields, SimMessage } from './sim-message.js';

export interface MessageType<T extends object> {
  readonly kind: number;
  /** The kind's name as kinds.ts spells it, e.g. 'DMA'. */
  readonly name: string;
  encode(value: T): SendFields;
  decode(m: SimMessage): T;
}

export function messageType<T extends object>(def: MessageType<T>): MessageType<T> {
  return def;
}
