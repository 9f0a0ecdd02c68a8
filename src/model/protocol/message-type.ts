/**
 * A typed message: its kind, its name, and the one place that packs its fields into a record's
 * (encode) and reads them back (decode). Actors send `X.encode({...})` and read `X.decode(m)`, so
 * no field is ever given a meaning by hand outside messages/*.ts; `describeMessage` (catalogue.ts)
 * uses the same decoders to show any recorded event with its fields by name.
 *
 * Both makers here take the kind by its name in kinds.ts, so a definition names its kind once,
 * and stamp that kind on every record it encodes: `messageType` for a message whose fields need
 * code (bit fields, codes, unions), with `wire(field, value)` checking a value against its
 * field's width and naming the message; `plainMessage` for one whose fields are plain numbers, named field by field.
 *
 * Every encode hands the runtime an object of one shape (`sendFields`: every field, in one order,
 * zero where the message gives it no meaning), and a codec writes into it instead of returning a
 * literal of its own. The runtime copies those fields into the message on every send
 * (actor-runner.ts `fill`): with one shape that copy is a handful of plain loads; with a shape per
 * message type (thirty-odd) every one of its loads was megamorphic.
 */
import type { RecordField } from '../../core/record-fields.js';
import { K, type KindName } from './kinds.js';
import { type SendFields, type SimMessage, sendFields } from './sim-message.js';
import { fitField } from './wire.js';

export interface MessageType<T extends object> {
  readonly kind: number;
  /** The kind's name as kinds.ts spells it, e.g. 'DMA'. */
  readonly name: string;
  encode(value: T): SendFields;
  decode(m: SimMessage): T;
}

/** Assert that `value` fits record field `field` (wire.ts fitField, naming the message); returns it. */
export type WireField = (field: RecordField, value: number) => number;

/**
 * What a message type's definition writes: its fields from a value into `out` (every field zero
 * beforehand, the kind stamped), and back.
 */
export interface MessageCodec<T extends object> {
  encode(value: T, wire: WireField, out: SendFields): void;
  decode(m: SimMessage): T;
}

export function messageType<T extends object>(name: KindName, codec: MessageCodec<T>): MessageType<T> {
  const kind = K[name];
  const wire: WireField = (field, value) => fitField(name, field, value);
  return {
    kind,
    name,
    encode(value: T): SendFields {
      const out = sendFields(kind);
      codec.encode(value, wire, out);
      return out;
    },
    decode: codec.decode,
  };
}

/** Record fields a plain message may give a meaning to (time, route and sequence are the runtime's). */
type PlainField = 'tag' | 'address' | 'lengthBytes' | 'lpid' | 'pid';

/**
 * A message whose fields are plain numbers stored one to one in record fields, plus at most one
 * boolean in bit 0 of `flags`: most control messages. Named field by field, so the packing is
 * still written once, here, and checked against the record's widths on every encode.
 */
export function plainMessage<T extends object>(
  name: KindName,
  fields: Readonly<Partial<Record<PlainField, keyof T & string>>>,
  flag?: keyof T & string,
): MessageType<T> {
  const kind = K[name];
  const entries = Object.entries(fields) as [PlainField, keyof T & string][];
  return {
    kind,
    name,
    encode(value: T): SendFields {
      const out = sendFields(kind);
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
