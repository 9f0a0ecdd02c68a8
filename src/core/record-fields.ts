/**
 * The widths of the fields of one simulator message as a ring record carries it (32 bytes, laid out
 * in src/transport/codec.ts). They live here, below every layer, because two layers must agree on
 * them without importing each other: the transport encodes records of these widths, and the model's
 * protocol (src/model/protocol) packs its typed messages into them and tells the topology validator
 * what a machine may hold (actors and edges are numbered in 8-bit fields).
 */
export const RECORD_FIELD_MAX = {
  kind: 0xff,
  flags: 0xff,
  source: 0xff,
  destination: 0xff,
  link: 0xff,
  seq: 0xffff_ffff,
  timeTicks: Number.MAX_SAFE_INTEGER,
  address: Number.MAX_SAFE_INTEGER,
  lengthBytes: 0xff_ffff,
  lpid: 0xfff,
  pid: 0xf_ffff,
  tag: 0x3f_ffff,
} as const;

export type RecordField = keyof typeof RECORD_FIELD_MAX;

/** One message as a ring record carries it: every field an unsigned integer of the width above. */
export interface RecordFields {
  kind: number;
  flags: number;
  source: number;
  destination: number;
  /** Index of the directed edge it travelled on (0xff: a self timer). */
  link: number;
  /** Per (source, destination) sequence number; self timers use the actor's own counter. */
  seq: number;
  /** Arrival time at the destination, in ticks (picoseconds). */
  timeTicks: number;
  address: number;
  lengthBytes: number;
  lpid: number;
  pid: number;
  tag: number;
}

/**
 * A zeroed record, for an object reused by readMessage or a pool's new message. Fields in one
 * order (time first, as the runtime's messages have always been built), so every record object
 * has the same shape.
 */
export function zeroRecord(): RecordFields {
  return {
    timeTicks: 0,
    kind: 0,
    flags: 0,
    source: 0,
    destination: 0,
    link: 0,
    seq: 0,
    address: 0,
    lengthBytes: 0,
    lpid: 0,
    pid: 0,
    tag: 0,
  };
}
