import { describe, expect, test } from 'vitest';
import { bareRingBytes, consumeBare, produceBare } from '../../bench/peers/bare-ring.js';
import {
  expectedRawDigest,
  RAW_RECORD_WORDS,
  type RawDigest,
  readRawFromSlots,
  writeRawToSlots,
} from '../../bench/peers/raw-records.js';

describe('bench: the bare reference ring', () => {
  test('a run that fits the ring hands every record over, in one thread, for several batches', () => {
    for (const batch of [1, 16, 7]) {
      const capacityRecords = 64;
      const count = 61; // not a multiple of any batch above but 1
      const d = {
        ring: new SharedArrayBuffer(bareRingBytes(capacityRecords)),
        capacityRecords,
        batch,
        count,
      };
      expect(produceBare(d)).toMatchObject({ records: count, fullStalls: 0 });
      const got = consumeBare(d);
      expect(got.records).toBe(count);
      expect(got.raw).toEqual(expectedRawDigest(0, count));
    }
  });

  test('slots wrap at the mask: records written across the end read back whole', () => {
    const words = new Uint32Array(4 + 8 * RAW_RECORD_WORDS);
    writeRawToSlots(words, 4, 7, 6, 5, 100); // slots 6, 7, 0, 1, 2
    const d: RawDigest = { sum: 0, xor: 0 };
    readRawFromSlots(words, 4, 7, 6, 5, d);
    expect(d).toEqual(expectedRawDigest(100, 5));
    expect(words.subarray(0, 4)).toEqual(new Uint32Array(4)); // nothing before the base
    expect(words[4 + 3 * RAW_RECORD_WORDS]).toBe(0); // slot 3 untouched
    expect(words[4 + 0 * RAW_RECORD_WORDS]).toBe(102); // record 102 in slot 0
  });
});
