/**
 * Raw records: the ring benchmark's "no codec, no checksum" traffic, to measure what moving 32-byte
 * records costs without the per-record work of ring-traffic.ts (drawing a message, the codec's
 * range-checked encode, the decode, the checksum chain).
 *
 * Record i is eight 32-bit words: word 0 is i, word k (1..7) is i ^ (k << 24). The producer stores
 * the eight words (no arithmetic beyond that); the consumer loads all eight, adds word 0 to a sum
 * and xors words 1..7 into a second word, so no load can be optimised away and a lost or duplicated
 * record shows in the sum. The expected pair is computed outside the measured span
 * (expectedRawDigest), so neither side does checksum work per record. Order is not checked here:
 * the codec rows (ring-traffic.ts) check it on every run, over the same ring code.
 *
 * Used by the raw rows of both rings (ring-producer.ts / ring-consumer.ts with mode 'raw', and
 * ringbuf-traffic.ts), so the two rings do the same work per record.
 */

/** 32-bit words per record (32 bytes). */
export const RAW_RECORD_WORDS = 8;

/** Store raw record `i` at word index `w` of `words`. */
export function writeRawRecord(words: Uint32Array, w: number, i: number): void {
  words[w] = i;
  words[w + 1] = i ^ 0x0100_0000;
  words[w + 2] = i ^ 0x0200_0000;
  words[w + 3] = i ^ 0x0300_0000;
  words[w + 4] = i ^ 0x0400_0000;
  words[w + 5] = i ^ 0x0500_0000;
  words[w + 6] = i ^ 0x0600_0000;
  words[w + 7] = i ^ 0x0700_0000;
}

/** The consumer's running digest: the sum of word 0 and the xor of words 1..7, over all records. */
export interface RawDigest {
  sum: number;
  xor: number;
}

/**
 * What the consumer's digest must be for records first .. first+count-1 (outside the measured span).
 * Words 1..7 xor to i ^ (1^2^...^7) << 24 = i, so the xor is that of the indices.
 */
export function expectedRawDigest(first: number, count: number): RawDigest {
  let sum = 0;
  let xor = 0;
  for (let i = first; i < first + count; i++) {
    sum = (sum + i) | 0;
    xor ^= i;
  }
  return { sum, xor };
}
