import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  emptyMessage,
  MESSAGE_BYTES,
  MESSAGE_FIELD_MAX,
  MESSAGE_FIELDS,
  type Message,
  MessageCursor,
  readKind,
  readMessage,
  readSeq,
  readTimeTicks,
  validateMessage,
  writeMessage,
  writeMessageUnchecked,
} from '../../src/transport/codec.js';

const maxMessage = (): Message => {
  const m = emptyMessage();
  for (const f of MESSAGE_FIELDS) m[f] = MESSAGE_FIELD_MAX[f];
  return m;
};

const messageArb = fc.record<Message>(
  Object.fromEntries(
    MESSAGE_FIELDS.map((f) => [f, fc.integer({ min: 0, max: MESSAGE_FIELD_MAX[f] })]),
  ) as never,
);
const wideArb = fc.maxSafeNat();

describe('codec: a message in one 32-byte record', () => {
  test('every field at zero and at its maximum round-trips exactly', () => {
    const words = new Uint32Array(16);
    for (const m of [emptyMessage(), maxMessage()]) {
      writeMessage(words, 32, m);
      expect(readMessage(words, 32, emptyMessage())).toEqual(m);
    }
    expect(MESSAGE_FIELD_MAX.timeTicks).toBe(2 ** 53 - 1);
    expect(MESSAGE_FIELD_MAX.tag).toBe(2 ** 22 - 1);
  });

  test('each field at its maximum with all others zero leaves the others zero (no overlap)', () => {
    const words = new Uint32Array(8);
    for (const f of MESSAGE_FIELDS) {
      const m = emptyMessage();
      m[f] = MESSAGE_FIELD_MAX[f];
      writeMessage(words, 0, m);
      expect(readMessage(words, 0, emptyMessage())).toEqual(m);
    }
  });

  test('times and addresses are exact across the 2^32 boundary and up to 2^53 - 1', () => {
    const words = new Uint32Array(8);
    const out = emptyMessage();
    for (const v of [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52 + 1, 2 ** 53 - 2, 2 ** 53 - 1]) {
      const m = { ...emptyMessage(), timeTicks: v, address: 2 ** 53 - 1 - v, tag: 0x2a_aaaa };
      writeMessage(words, 0, m);
      readMessage(words, 0, out);
      expect(out.timeTicks).toBe(v);
      expect(out.address).toBe(2 ** 53 - 1 - v);
      expect(out.tag).toBe(0x2a_aaaa);
      expect(readTimeTicks(words, 0)).toBe(v);
    }
  });

  test('random messages round-trip through writeMessage, the unchecked path and the cursor', () => {
    const words = new Uint32Array(8 * 4);
    fc.assert(
      fc.property(messageArb, wideArb, wideArb, fc.integer({ min: 0, max: 3 }), (m, t, a, slot) => {
        m.timeTicks = t;
        m.address = a;
        const off = slot * MESSAGE_BYTES;
        writeMessage(words, off, m);
        expect(readMessage(words, off, emptyMessage())).toEqual(m);
        expect(readKind(words, off)).toBe(m.kind);
        expect(readSeq(words, off)).toBe(m.seq);
        words.fill(0xffff_ffff);
        writeMessageUnchecked(words, off, m);
        expect(readMessage(words, off, emptyMessage())).toEqual(m);
        const cursor = new MessageCursor(words).at(off);
        const copy = emptyMessage();
        for (const f of MESSAGE_FIELDS) copy[f] = cursor[f];
        expect(copy).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  test('cursor setters change only their own field', () => {
    const words = new Uint32Array(8);
    fc.assert(
      fc.property(messageArb, wideArb, fc.constantFrom(...MESSAGE_FIELDS), fc.nat(), (m, t, field, raw) => {
        m.timeTicks = t;
        writeMessage(words, 0, m);
        const value = raw % (Math.min(MESSAGE_FIELD_MAX[field], 2 ** 31) + 1);
        const cursor = new MessageCursor(words, 0);
        cursor[field] = value;
        expect(readMessage(words, 0, emptyMessage())).toEqual({ ...m, [field]: value });
      }),
      { numRuns: 300 },
    );
  });

  test('an out-of-range field throws a RangeError naming the field and the value, and writes nothing', () => {
    const words = new Uint32Array(8);
    const bad: [keyof Message, unknown][] = [
      ['kind', 256],
      ['flags', -1],
      ['source', 1.5],
      ['destination', Number.NaN],
      ['link', '3'],
      ['seq', 2 ** 32],
      ['timeTicks', 2 ** 53],
      ['timeTicks', -1],
      ['timeTicks', Number.POSITIVE_INFINITY],
      ['address', 2 ** 60],
      ['address', 0.5],
      ['lengthBytes', 2 ** 24],
      ['lpid', 4096],
      ['pid', 2 ** 20],
      ['tag', 2 ** 22],
    ];
    for (const [field, value] of bad) {
      const m = { ...emptyMessage(), [field]: value } as Message;
      words.fill(7);
      expect(() => writeMessage(words, 0, m)).toThrow(RangeError);
      expect(() => writeMessage(words, 0, m)).toThrow(`\`message.${field}\``);
      expect(() => writeMessage(words, 0, m)).toThrow(`got \`${String(value)}\``);
      expect(() => validateMessage(m)).toThrow(RangeError);
      expect([...words]).toEqual(new Array(8).fill(7));
      const cursor = new MessageCursor(words, 0);
      expect(() => {
        (cursor as unknown as Record<string, unknown>)[field] = value;
      }).toThrow(RangeError);
    }
  });

  test('the p-queue style message says what was expected and what arrived', () => {
    const m = { ...emptyMessage(), lpid: 5000 };
    expect(() => writeMessage(new Uint32Array(8), 0, m)).toThrow(
      'Expected `message.lpid` to be an integer from 0 to 4095, got `5000` (number)',
    );
  });

  test('a cursor refuses an offset outside its words', () => {
    const cursor = new MessageCursor(new Uint32Array(16));
    expect(() => cursor.at(33)).toThrow(RangeError);
    expect(() => cursor.at(64)).toThrow(
      'Expected `byteOffset` to be a multiple of 4 from 0 to 32, got `64` (number)',
    );
    expect(cursor.at(32).kind).toBe(0);
  });
});
