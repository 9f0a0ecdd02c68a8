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
 * Used by the raw rows of every ring (ring-traffic.ts through ring-producer.ts / ring-consumer.ts,
 * ringbuf-traffic.ts, and the bare reference ring, bare-ring.ts), so they do the same work per
 * record. Each side hands one batch per call to a function of this module, into or out of our
 * ring in place (*Ring), ringbuf.js's staging array (*Array) or the bare ring's slots (*Slots),
 * so the per-record code sits beside its helper. With the helper called per
 * record from the traffic loop in another module, the raw rows ran about 65 M/s against 85-95 M/s
 * with a helper local to the loop (throw-away A/B on this machine, two threads, batch 16); the
 * inner loop's optimised machine code was the same in both, so the cause lies in how V8 compiled
 * the long-running loop around it, which we did not pin down. Both rings get the same shape.
 *
 * Shared memory: writeRawToRing stores into reserved slots (the producer owns them from tryReserve
 * or reserve until publish) and readRawFromRing loads from available slots (the consumer owns them
 * from available() until release); the ring's Atomics store and load of tail and head order these
 * plain accesses (ring.ts, layout.ts). This module adds no ordering of its own.
 */
import type { RingConsumer, RingProducer } from '../../src/transport/ring.js';

/** 32-bit words per record (32 bytes). */
export const RAW_RECORD_WORDS = 8;

/** Store raw record `i` at word index `w` of `words`. */
function writeRawRecord(words: Uint32Array, w: number, i: number): void {
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

/** Write records first .. first+n-1 into the first n reserved records of our ring. */
export function writeRawToRing(producer: RingProducer, n: number, first: number): void {
  const words = producer.words;
  for (let k = 0; k < n; k++) writeRawRecord(words, producer.offsetOf(k) >> 2, first + k);
}

/** Fold the first n available records of our ring into `d`. */
export function readRawFromRing(consumer: RingConsumer, n: number, d: RawDigest): void {
  const words = consumer.words;
  let sum = d.sum;
  let xor = d.xor;
  for (let k = 0; k < n; k++) {
    const w = consumer.offsetOf(k) >> 2;
    sum = (sum + words[w]!) | 0;
    xor = xor ^ words[w + 1]! ^ words[w + 2]! ^ words[w + 3]! ^ words[w + 4]!;
    xor = xor ^ words[w + 5]! ^ words[w + 6]! ^ words[w + 7]!;
  }
  d.sum = sum;
  d.xor = xor;
}

/**
 * Write records first .. first+n-1 into slots slot .. slot+n-1 of a ring whose slot s starts at
 * word base + (s & mask) * 8 (the bare reference ring, bare-ring.ts).
 */
export function writeRawToSlots(
  words: Uint32Array,
  base: number,
  mask: number,
  slot: number,
  n: number,
  first: number,
): void {
  for (let k = 0; k < n; k++) writeRawRecord(words, base + ((slot + k) & mask) * RAW_RECORD_WORDS, first + k);
}

/** Fold records in slots slot .. slot+n-1 (laid out as for writeRawToSlots) into `d`. */
export function readRawFromSlots(
  words: Uint32Array,
  base: number,
  mask: number,
  slot: number,
  n: number,
  d: RawDigest,
): void {
  let sum = d.sum;
  let xor = d.xor;
  for (let k = 0; k < n; k++) {
    const w = base + ((slot + k) & mask) * RAW_RECORD_WORDS;
    sum = (sum + words[w]!) | 0;
    xor = xor ^ words[w + 1]! ^ words[w + 2]! ^ words[w + 3]! ^ words[w + 4]!;
    xor = xor ^ words[w + 5]! ^ words[w + 6]! ^ words[w + 7]!;
  }
  d.sum = sum;
  d.xor = xor;
}

/** Write records first .. first+n-1 into `words` from word 0 (ringbuf.js's staging array). */
export function writeRawToArray(words: Uint32Array, n: number, first: number): void {
  for (let k = 0; k < n; k++) writeRawRecord(words, k * RAW_RECORD_WORDS, first + k);
}

/** Fold n records of `words` from word 0 (ringbuf.js's staging array) into `d`. */
export function readRawFromArray(words: Uint32Array, n: number, d: RawDigest): void {
  let sum = d.sum;
  let xor = d.xor;
  for (let k = 0; k < n; k++) {
    const w = k * RAW_RECORD_WORDS;
    sum = (sum + words[w]!) | 0;
    xor = xor ^ words[w + 1]! ^ words[w + 2]! ^ words[w + 3]! ^ words[w + 4]!;
    xor = xor ^ words[w + 5]! ^ words[w + 6]! ^ words[w + 7]!;
  }
  d.sum = sum;
  d.xor = xor;
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
