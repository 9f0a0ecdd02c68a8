/**
 * The message codec: one simulator message in one 32-byte ring record, encoded and decoded in place.
 *
 * A record is eight 32-bit words in the host's byte order (every thread of a run shares the host,
 * and a record never leaves it). Times and addresses are exact integers to 2^53 - 1, split into a
 * low word and 21 high bits; the 11 bits left above each high part carry the tag (22 bits in all).
 *
 * ```
 *  word  31            24 23            16 15             8 7              0
 *       +----------------+----------------+----------------+----------------+
 *   0   |  destination    |     source     |     flags      |      kind      |
 *       +----------------+----------------+----------------+----------------+
 *   1   |                              seq (u32)                            |
 *       +----------------------------------------------------+----------------+
 *   2   |                 lengthBytes (24 bits)               |      link      |
 *       +----------------------------------------+-----------+----------------+
 *   3   |             pid (20 bits)               |        lpid (12 bits)      |
 *       +----------------------------------------+----------------------------+
 *   4   |                        timeTicks bits 0..31                         |
 *       +-------------------------+-------------------------------------------+
 *   5   |  tag bits 11..21 (11)   |           timeTicks bits 32..52 (21)       |
 *       +-------------------------+-------------------------------------------+
 *   6   |                         address bits 0..31                          |
 *       +-------------------------+-------------------------------------------+
 *   7   |  tag bits 0..10 (11)    |            address bits 32..52 (21)        |
 *       +-------------------------+-------------------------------------------+
 * ```
 *
 * Hot path: writeMessage / readMessage move a whole message between a caller-owned object (reuse
 * one; nothing is allocated) and the ring's `words` at a byte offset from offsetOf(i). writeMessage
 * always checks every field (a handful of integer compares folded into one branch; bench/ring.ts
 * measures it) and throws a RangeError naming the field and the value: it never truncates.
 * writeMessageUnchecked skips the check, for callers that validated their values elsewhere.
 * MessageCursor offers per-field get/set accessors over the same layout, for code that touches
 * one or two fields.
 *
 * Field values are plain numbers here: the transport knows nothing of the model, so the engine
 * brands them (Tick, VirtAddr, Lpid, Pid from src/model/types.ts) when it decodes.
 */
import { expected } from '../core/expected.js';
import { RECORD_FIELD_MAX, type RecordFields, zeroRecord } from '../core/record-fields.js';
import * as layout from './layout.js';

// Module-local, not named imports: V8 does not fold an imported binding into optimised code, and the
// word indices are used eight times per record (ring.ts says what that cost).
const {
  MSG_W_ADDR_HI_TAG: W_ADDR_HI_TAG,
  MSG_W_ADDR_LO: W_ADDR_LO,
  MSG_W_HEAD: W_HEAD,
  MSG_W_LINK_LEN: W_LINK_LEN,
  MSG_W_LPID_PID: W_LPID_PID,
  MSG_W_SEQ: W_SEQ,
  MSG_W_TIME_HI_TAG: W_TIME_HI_TAG,
  MSG_W_TIME_LO: W_TIME_LO,
} = layout;

/** Bytes of one encoded message; a ring's recordBytes must be at least this. */
export const MESSAGE_BYTES = 32;

/** Largest value of each field (all are unsigned integers from 0): src/core/record-fields.ts. */
export const MESSAGE_FIELD_MAX = RECORD_FIELD_MAX;

export type MessageField = keyof typeof MESSAGE_FIELD_MAX;
export const MESSAGE_FIELDS = Object.keys(MESSAGE_FIELD_MAX) as MessageField[];

/** One decoded message. Reuse one object per loop: readMessage fills it in place. */
export type Message = RecordFields;

/** A zeroed message object to reuse with readMessage. */
export const emptyMessage: () => Message = zeroRecord;

const TWO_POW_32 = 4294967296;
const HI21 = 0x1f_ffff;
const TAG_HALF = 0x7ff;

/** The RangeError for the first field of `m` that does not fit its bits. */
export function messageRangeError(m: Message): RangeError | undefined {
  for (const field of MESSAGE_FIELDS) {
    const value = (m as unknown as Record<string, unknown>)[field];
    const max = MESSAGE_FIELD_MAX[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      const bound = max === Number.MAX_SAFE_INTEGER ? '2^53 - 1' : String(max);
      return expected(`message.${field}`, `an integer from 0 to ${bound}`, value);
    }
  }
  return undefined;
}

/** Throw the RangeError of the first out-of-range field of `m`, if any (the debug/validate path). */
export function validateMessage(m: Message): void {
  const error = messageRangeError(m);
  if (error !== undefined) throw error;
}

/**
 * Encode `m` at `byteOffset` (a multiple of 4) of `words`, checking every field: a value that does
 * not fit (negative, fractional, too large, NaN, not a number) throws a RangeError naming it.
 */
export function writeMessage(words: Uint32Array, byteOffset: number, m: Message): void {
  const { kind, flags, source, destination, link, seq, lengthBytes, lpid, pid, tag } = m;
  const time = m.timeTicks;
  const address = m.address;
  // x >>> 0 is x mod 2^32 for any integer below 2^53, so (x - lo) / 2^32 is exact; a value that is
  // negative, fractional, >= 2^53, NaN or infinite leaves a high part outside 0..2^21-1.
  const timeLo = time >>> 0;
  const timeHi = (time - timeLo) / TWO_POW_32;
  const addressLo = address >>> 0;
  const addressHi = (address - addressLo) / TWO_POW_32;
  if (
    kind !== (kind & 0xff) ||
    flags !== (flags & 0xff) ||
    source !== (source & 0xff) ||
    destination !== (destination & 0xff) ||
    link !== (link & 0xff) ||
    seq !== seq >>> 0 ||
    lengthBytes !== (lengthBytes & 0xff_ffff) ||
    lpid !== (lpid & 0xfff) ||
    pid !== (pid & 0xf_ffff) ||
    tag !== (tag & 0x3f_ffff) ||
    timeHi !== (timeHi & HI21) ||
    addressHi !== (addressHi & HI21)
  ) {
    validateMessage(m);
  }
  const w = byteOffset >> 2;
  words[w + W_HEAD] = kind | (flags << 8) | (source << 16) | (destination << 24);
  words[w + W_SEQ] = seq;
  words[w + W_LINK_LEN] = link | (lengthBytes << 8);
  words[w + W_LPID_PID] = lpid | (pid << 12);
  words[w + W_TIME_LO] = timeLo;
  words[w + W_TIME_HI_TAG] = timeHi | ((tag >>> 11) << 21);
  words[w + W_ADDR_LO] = addressLo;
  words[w + W_ADDR_HI_TAG] = addressHi | ((tag & TAG_HALF) << 21);
}

/** writeMessage without the range check: only for values already validated (truncates silently). */
export function writeMessageUnchecked(words: Uint32Array, byteOffset: number, m: Message): void {
  const time = m.timeTicks;
  const address = m.address;
  const tag = m.tag;
  const timeLo = time >>> 0;
  const addressLo = address >>> 0;
  const w = byteOffset >> 2;
  words[w + W_HEAD] = m.kind | (m.flags << 8) | (m.source << 16) | (m.destination << 24);
  words[w + W_SEQ] = m.seq;
  words[w + W_LINK_LEN] = m.link | (m.lengthBytes << 8);
  words[w + W_LPID_PID] = m.lpid | (m.pid << 12);
  words[w + W_TIME_LO] = timeLo;
  words[w + W_TIME_HI_TAG] = ((time - timeLo) / TWO_POW_32) | ((tag >>> 11) << 21);
  words[w + W_ADDR_LO] = addressLo;
  words[w + W_ADDR_HI_TAG] = ((address - addressLo) / TWO_POW_32) | ((tag & TAG_HALF) << 21);
}

/** Decode the message at `byteOffset` of `words` into `out` (no allocation); returns `out`. */
export function readMessage(words: Uint32Array, byteOffset: number, out: Message): Message {
  const w = byteOffset >> 2;
  const head = words[w + W_HEAD]!;
  const linkLen = words[w + W_LINK_LEN]!;
  const lpidPid = words[w + W_LPID_PID]!;
  const timeHiTag = words[w + W_TIME_HI_TAG]!;
  const addressHiTag = words[w + W_ADDR_HI_TAG]!;
  out.kind = head & 0xff;
  out.flags = (head >>> 8) & 0xff;
  out.source = (head >>> 16) & 0xff;
  out.destination = head >>> 24;
  out.seq = words[w + W_SEQ]!;
  out.link = linkLen & 0xff;
  out.lengthBytes = linkLen >>> 8;
  out.lpid = lpidPid & 0xfff;
  out.pid = lpidPid >>> 12;
  out.timeTicks = (timeHiTag & HI21) * TWO_POW_32 + words[w + W_TIME_LO]!;
  out.address = (addressHiTag & HI21) * TWO_POW_32 + words[w + W_ADDR_LO]!;
  out.tag = ((timeHiTag >>> 21) << 11) | (addressHiTag >>> 21);
  return out;
}

// Single-field readers, for a consumer that routes on one field before decoding the rest.
export const readKind = (words: Uint32Array, byteOffset: number): number => words[byteOffset >> 2]! & 0xff;
export const readSeq = (words: Uint32Array, byteOffset: number): number => words[(byteOffset >> 2) + W_SEQ]!;
export const readTimeTicks = (words: Uint32Array, byteOffset: number): number => {
  const w = byteOffset >> 2;
  return (words[w + W_TIME_HI_TAG]! & HI21) * TWO_POW_32 + words[w + W_TIME_LO]!;
};

/** Where each field within one word sits (the drawing above): its word, shift and width in bits. */
const NARROW_FIELDS: readonly (readonly [MessageField, number, number, number])[] = [
  ['kind', W_HEAD, 0, 8],
  ['flags', W_HEAD, 8, 8],
  ['source', W_HEAD, 16, 8],
  ['destination', W_HEAD, 24, 8],
  ['seq', W_SEQ, 0, 32],
  ['link', W_LINK_LEN, 0, 8],
  ['lengthBytes', W_LINK_LEN, 8, 24],
  ['lpid', W_LPID_PID, 0, 12],
  ['pid', W_LPID_PID, 12, 20],
];

/**
 * Per-field accessors over one record, moved with at(offset) without allocating. Each setter
 * checks its field and rewrites only the bits of that field.
 */
export class MessageCursor {
  private readonly words: Uint32Array;
  private w = 0;
  // The fields within one word, installed as accessors from NARROW_FIELDS (below).
  declare kind: number;
  declare flags: number;
  declare source: number;
  declare destination: number;
  declare seq: number;
  declare link: number;
  declare lengthBytes: number;
  declare lpid: number;
  declare pid: number;

  static {
    for (const [field, word, shift, width] of NARROW_FIELDS) {
      Object.defineProperty(MessageCursor.prototype, field, {
        get(this: MessageCursor): number {
          return this.bits(word, shift, width);
        },
        set(this: MessageCursor, v: number) {
          this.setBits(field, v, word, shift, width);
        },
      });
    }
  }

  constructor(words: Uint32Array, byteOffset = 0) {
    this.words = words;
    this.at(byteOffset);
  }

  /** Point at the record at `byteOffset` (a multiple of 4, with 32 bytes inside `words`). */
  at(byteOffset: number): this {
    if ((byteOffset & 3) !== 0 || byteOffset < 0 || byteOffset + MESSAGE_BYTES > this.words.byteLength) {
      throw expected(
        'byteOffset',
        `a multiple of 4 from 0 to ${this.words.byteLength - MESSAGE_BYTES}`,
        byteOffset,
      );
    }
    this.w = byteOffset >> 2;
    return this;
  }

  read(out: Message): Message {
    return readMessage(this.words, this.w << 2, out);
  }

  write(m: Message): void {
    writeMessage(this.words, this.w << 2, m);
  }

  private bits(word: number, shift: number, width: number): number {
    const value = this.words[this.w + word]! >>> shift;
    return width === 32 ? value : value & ((1 << width) - 1);
  }

  private setBits(field: MessageField, value: number, word: number, shift: number, width: number): void {
    const max = MESSAGE_FIELD_MAX[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw expected(`message.${field}`, `an integer from 0 to ${max}`, value);
    }
    const mask = (width === 32 ? 0xffff_ffff : (1 << width) - 1) << shift;
    const i = this.w + word;
    this.words[i] = (this.words[i]! & ~mask) | ((value << shift) & mask);
  }

  private setWide(field: 'timeTicks' | 'address', value: number, loWord: number, hiWord: number): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw expected(`message.${field}`, 'an integer from 0 to 2^53 - 1', value);
    }
    const lo = value >>> 0;
    const i = this.w + hiWord;
    this.words[this.w + loWord] = lo;
    this.words[i] = (this.words[i]! & ~HI21) | ((value - lo) / TWO_POW_32);
  }

  get timeTicks(): number {
    return readTimeTicks(this.words, this.w << 2);
  }
  set timeTicks(v: number) {
    this.setWide('timeTicks', v, W_TIME_LO, W_TIME_HI_TAG);
  }
  get address(): number {
    return (this.words[this.w + W_ADDR_HI_TAG]! & HI21) * TWO_POW_32 + this.words[this.w + W_ADDR_LO]!;
  }
  set address(v: number) {
    this.setWide('address', v, W_ADDR_LO, W_ADDR_HI_TAG);
  }
  get tag(): number {
    return (
      ((this.words[this.w + W_TIME_HI_TAG]! >>> 21) << 11) | (this.words[this.w + W_ADDR_HI_TAG]! >>> 21)
    );
  }
  set tag(v: number) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MESSAGE_FIELD_MAX.tag) {
      throw expected('message.tag', `an integer from 0 to ${MESSAGE_FIELD_MAX.tag}`, v);
    }
    const hi = this.w + W_TIME_HI_TAG;
    const lo = this.w + W_ADDR_HI_TAG;
    this.words[hi] = (this.words[hi]! & HI21) | ((v >>> 11) << 21);
    this.words[lo] = (this.words[lo]! & HI21) | ((v & TAG_HALF) << 21);
  }
}
