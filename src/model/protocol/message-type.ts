/**
 * A typed message: its kind, its name, and the one place that packs its fields into a record's
 * (encode) and reads them back (decode). Actors send `X.encode({...})` and read `X.decode(m)`, so
 * no field is ever given a meaning by hand outside messages/*.ts; `describeMessage` (catalogue.ts)
 * uses the same decoders to show any recorded event with its fields by name.
 */
import type { SendFields, SimMessage } from './sim-message.js';
import { fitField } from './wire.js';

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

/** Record fields a plain message may give a meaning to (time, route and sequence are the runtime's). */
type PlainField = 'tag' | 'address' | 'lengthBytes' | 'lpid' | 'pid';

/**
 * A message whose fields are plain numbers stored one to one in record fields, plus at most one
 * boolean in bit 0 of `flags`: most control messages. Named field by field, so the packing is
 * still written once, here, and checked against the record's widths on every encode.
 */
export function plainMessage<T extends object>(
  kind: number,
  name: string,
  fields: Readonly<Partial<Record<PlainField, keyof T & string>>>,
  flag?: keyof T & string,
): MessageType<T> {
  const entries = Object.entries(fields) as [PlainField, keyof T & string][];
  return {
    kind,
    name,
    encode(value: T): SendFields {
      const out: SendFields = { kind };
      const o = out as unknown as Record<string, number>;
      const v = value as unknown as Record<string, number | boolean>;
      for (const [field, key] of entries) {
        o[field] = field === 'address' ? (v[key] as number) : fitField(name, field, v[key] as number);
      }
      if (flag !== undefined) out.flags = v[flag] === true ? 1 : 0;
      return out;
    },
    decode(m: SimMessage): T {
      const out: Record<string, number | boolean> = {};
      for (const [field, key] of entries) out[key] = m[field];
      if (flag !== undefined) out[flag] = (m.flags & 1) !== 0;
      return out as T;
    },
  };
}
