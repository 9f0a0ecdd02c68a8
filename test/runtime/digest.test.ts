import { describe, expect, test } from 'vitest';
import { newMessage } from '../../src/model/protocol/sim-message.js';
import { EventDigest } from '../../src/runtime/digest.js';

const TWO32 = 2 ** 32;

/**
 * The digest's definition written the slow way: nine words per event, a wide field split by
 * `% 2^32` and a division, each word mixed into two murmur3-style lanes. EventDigest.add computes
 * the same words with `| 0` and keeps the lanes in locals; this pins that it is the same hash, so
 * digests in failure files written before that change still replay.
 */
class ReferenceDigest {
  h1 = 0x9747b28c;
  h2 = 0x1b873593;
  count = 0;

  add(m: ReturnType<typeof newMessage>): void {
    for (const v of [
      m.timeTicks % TWO32,
      Math.floor(m.timeTicks / TWO32),
      (m.kind << 24) | (m.source << 16) | (m.flags << 8) | m.link,
      m.seq,
      m.address % TWO32,
      Math.floor(m.address / TWO32),
      m.lengthBytes,
      m.tag,
      (m.lpid << 20) | m.pid,
    ]) {
      let k = Math.imul(v | 0, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      let h = this.h1 ^ k;
      h = (h << 13) | (h >>> 19);
      this.h1 = (Math.imul(h, 5) + 0xe6546b64) | 0;
      this.h2 = (Math.imul(this.h2 ^ this.h1 ^ v, 0x85ebca6b) + 0x27d4eb2f) | 0;
    }
    this.count++;
  }

  state(): number[] {
    return [this.h1, this.h2, this.count];
  }
}

describe('EventDigest', () => {
  test('add gives the reference hash for fields up to 2^53, below and above 2^31 and 2^32', () => {
    const fast = new EventDigest();
    const slow = new ReferenceDigest();
    const m = newMessage();
    // A fixed linear congruential walk: every field gets small, 31-bit, 32-bit and 52-bit values.
    let x = 12345;
    const next = (bits: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const hi = (Math.imul(x, 2654435761) >>> 0) % 2 ** Math.max(0, bits - 32);
      return bits <= 32 ? x % 2 ** bits : hi * TWO32 + x;
    };
    const widths = [8, 31, 32, 33, 52];
    for (let i = 0; i < 2000; i++) {
      const w = widths[i % widths.length]!;
      m.timeTicks = next(w);
      m.address = next(widths[(i + 2) % widths.length]!);
      m.kind = next(8);
      m.source = next(8);
      m.flags = next(8);
      m.link = next(8);
      m.seq = next(32);
      m.lengthBytes = next(24);
      m.tag = next(32);
      m.lpid = next(12);
      m.pid = next(20);
      fast.add(m);
      slow.add(m);
    }
    const saved = new Float64Array(3);
    fast.save(saved, 0);
    expect([...saved]).toEqual(slow.state());
  });

  test('one changed bit of a field above 2^32 changes the digest', () => {
    const m = newMessage();
    m.timeTicks = 2 ** 40 + 7;
    const a = new EventDigest();
    a.add(m);
    m.timeTicks += TWO32; // the high word only
    const b = new EventDigest();
    b.add(m);
    expect(a.hex()).not.toBe(b.hex());
  });
});
