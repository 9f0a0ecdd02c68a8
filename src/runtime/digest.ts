/**
 * The result digest: a hash of each actor's ordered event stream (design.md "Time and
 * determinism"). Two lanes of a murmur3-style 32-bit mix give a 64-bit value with no allocation
 * per event. Equal digests mean (with overwhelming probability) equal event streams; when two runs
 * differ, `firstDivergence` over recorded streams names the first event that differs.
 */
import { newMessage, type SimMessage } from '../model/protocol/sim-message.js';

const TWO32 = 0x1_0000_0000;

export class EventDigest {
  private h1 = 0x9747b28c;
  private h2 = 0x1b873593;
  count = 0;

  add(m: SimMessage): void {
    this.mix(m.timeTicks % TWO32);
    this.mix(Math.floor(m.timeTicks / TWO32));
    this.mix((m.kind << 24) | (m.source << 16) | (m.flags << 8) | m.link);
    this.mix(m.seq);
    this.mix(m.address % TWO32);
    this.mix(Math.floor(m.address / TWO32));
    this.mix(m.lengthBytes);
    this.mix(m.tag);
    this.mix((m.lpid << 20) | m.pid);
    this.count++;
  }

  private mix(v: number): void {
    let k = Math.imul(v | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let h = this.h1 ^ k;
    h = (h << 13) | (h >>> 19);
    this.h1 = (Math.imul(h, 5) + 0xe6546b64) | 0;
    this.h2 = (Math.imul(this.h2 ^ this.h1 ^ v, 0x85ebca6b) + 0x27d4eb2f) | 0;
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

export function recordOf(m: SimMessage): RecordedEvent {
  return [m.timeTicks, m.kind, m.source, m.seq, m.address, m.tag];
}

export interface Divergence {
  actor: number;
  index: number;
  a: RecordedEvent | undefined;
  b: RecordedEvent | undefined;
}

/** The first event (per actor, in actor order) where two recorded runs differ, or undefined. */
export function firstDivergence(
  a: readonly (readonly RecordedEvent[])[],
  b: readonly (readonly RecordedEvent[])[],
): Divergence | undefined {
  const actors = Math.max(a.length, b.length);
  for (let actor = 0; actor < actors; actor++) {
    const sa = a[actor] ?? [];
    const sb = b[actor] ?? [];
    const n = Math.max(sa.length, sb.length);
    for (let i = 0; i < n; i++) {
      const ea = sa[i];
      const eb = sb[i];
      if (ea === undefined || eb === undefined || ea.some((v, k) => v !== eb[k])) {
        return { actor, index: i, a: ea, b: eb };
      }
    }
  }
  return undefined;
}
