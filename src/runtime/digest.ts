/**
 * The result digest: a hash of each actor's ordered event stream
 * (docs/theory-of-operation.md#75-determinism). Two lanes of a murmur3-style 32-bit mix give a
 * 64-bit value with no allocation per event. Equal digests mean (with overwhelming probability)
 * equal event streams; when two runs differ, `firstDivergence` over recorded streams names the
 * first event that differs.
 */
import { newMessage, type SimMessage } from '../model/protocol/sim-message.js';

const TWO32 = 0x1_0000_0000;

export class EventDigest {
  private h1 = 0x9747b28c;
  private h2 = 0x1b873593;
  count = 0;

  /**
   * Nine 32-bit words per event. A word of a field wider than 32 bits is taken by ToInt32 (`| 0`),
   * which keeps the low 32 bits of an integer up to 2^53 exactly; `x % 2^32` would give the same
   * word through a C call to fmod per field (a float modulo is not inlined), on every event of
   * every actor. The state stays in locals until the end: the fields hold int32 values a Smi cannot
   * (pointer compression), so each store to them writes a boxed double.
   */
  add(m: SimMessage): void {
    const t = m.timeTicks;
    const a = m.address;
    let h1 = this.h1;
    let h2 = this.h2;
    let v = t | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = Math.floor(t / TWO32) | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = (m.kind << 24) | (m.source << 16) | (m.flags << 8) | m.link;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = m.seq | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = a | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = Math.floor(a / TWO32) | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = m.lengthBytes | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = m.tag | 0;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    v = (m.lpid << 20) | m.pid;
    h1 = step(h1, v);
    h2 = lane(h2, h1, v);
    this.h1 = h1;
    this.h2 = h2;
    this.count++;
  }

  private mix(v: number): void {
    const h1 = step(this.h1, v | 0);
    this.h1 = h1;
    this.h2 = lane(this.h2, h1, v | 0);
  }

  hex(): string {
    return hex32(fmix(this.h1 ^ this.count)) + hex32(fmix(this.h2 ^ this.h1));
  }

  /** The whole state, to roll back to (actor-runner.ts checkpoints). */
  save(into: Float64Array, at: number): void {
    into[at] = this.h1;
    into[at + 1] = this.h2;
    into[at + 2] = this.count;
  }

  restore(from: Float64Array, at: number): void {
    this.h1 = from[at]!;
    this.h2 = from[at + 1]!;
    this.count = from[at + 2]!;
  }

  /** Mix in a whole string (a configuration, a violation): 64-bit hex of everything added. */
  addText(text: string): void {
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
    this.count++;
  }
}

/** The digest of a piece of text on its own. */
export function digestText(text: string): string {
  const d = new EventDigest();
  d.addText(text);
  return d.hex();
}

/** The first lane: murmur3's per-word step. */
function step(h1: number, v: number): number {
  let k = Math.imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = h1 ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The second lane, from the first lane's new value and the word. */
function lane(h2: number, h1: number, v: number): number {
  return (Math.imul(h2 ^ h1 ^ v, 0x85ebca6b) + 0x27d4eb2f) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Combine per-actor digests (in actor index order) into the run's digest. */
export function combineDigests(perActor: readonly string[]): string {
  const d = new EventDigest();
  const m = newMessage();
  perActor.forEach((h, i) => {
    m.seq = i;
    m.address = Number.parseInt(h.slice(0, 8), 16);
    m.tag = Number.parseInt(h.slice(8, 16), 16);
    d.add(m);
  });
  return d.hex();
}

/** A recorded event, for naming the first divergence between two runs. */
export type RecordedEvent = [
  time: number,
  kind: number,
  source: number,
  seq: number,
  address: number,
  tag: number,
];

/** Numbers per recorded event, packed in an actor's record (EventRecord). */
const EVENT_WORDS = 6;

/**
 * An actor's first `limit` events, each as a RecordedEvent's six numbers, packed in one growing
 * Float64Array (every field is an integer below 2^53, exact in a double). A tuple per event cost
 * an allocation each and, worse, a structured clone of millions of small arrays when the worker
 * posted its result: QA's Ctrl-C of a 20 ms `--check-hosts` run waited 8 s for its inline run to
 * post 2 million tuples an actor; a packed array posts as one copy.
 */
export class EventRecord {
  private data: Float64Array;
  private n = 0;

  constructor(private readonly limit: number) {
    this.data = new Float64Array(Math.min(limit, 1024) * EVENT_WORDS);
  }

  get length(): number {
    return this.n;
  }

  /** Record `m`, unless the record is full. */
  push(m: SimMessage): void {
    if (this.n >= this.limit) return;
    let o = this.n * EVENT_WORDS;
    if (o === this.data.length) {
      const grown = new Float64Array(Math.min(this.limit, this.n * 2) * EVENT_WORDS);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    d[o++] = m.timeTicks;
    d[o++] = m.kind;
    d[o++] = m.source;
    d[o++] = m.seq;
    d[o++] = m.address;
    d[o] = m.tag;
    this.n++;
  }

  /** The events recorded, packed, in an array of their own size (for a run's result). */
  packed(): Float64Array {
    return this.data.slice(0, this.n * EVENT_WORDS);
  }
}

/** Event `i` of a packed record (EventRecord.packed), or undefined past its end. */
export function eventAt(packed: Float64Array, i: number): RecordedEvent | undefined {
  if (i < 0 || (i + 1) * EVENT_WORDS > packed.length) return undefined;
  const o = i * EVENT_WORDS;
  return [packed[o]!, packed[o + 1]!, packed[o + 2]!, packed[o + 3]!, packed[o + 4]!, packed[o + 5]!];
}

/** Every event of a packed record, in order. */
export function recordedEvents(packed: Float64Array): RecordedEvent[] {
  return Array.from({ length: packed.length / EVENT_WORDS }, (_, i) => eventAt(packed, i)!);
}

export interface Divergence {
  actor: number;
  index: number;
  a: RecordedEvent | undefined;
  b: RecordedEvent | undefined;
}

/**
 * The first event (per actor, in actor order) where two recorded runs differ, or undefined. Each
 * run gives an actor's events packed (EventRecord.packed).
 */
export function firstDivergence(
  a: readonly Float64Array[],
  b: readonly Float64Array[],
): Divergence | undefined {
  const none = new Float64Array(0);
  const actors = Math.max(a.length, b.length);
  for (let actor = 0; actor < actors; actor++) {
    const sa = a[actor] ?? none;
    const sb = b[actor] ?? none;
    const n = Math.max(sa.length, sb.length);
    for (let w = 0; w < n; w++) {
      if (w < sa.length && w < sb.length && sa[w] === sb[w]) continue;
      const index = Math.floor(w / EVENT_WORDS);
      return { actor, index, a: eventAt(sa, index), b: eventAt(sb, index) };
    }
  }
  return undefined;
}
