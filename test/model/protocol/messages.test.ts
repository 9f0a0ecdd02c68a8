/**
 * Every typed message survives the trip through a real ring record: encode -> the 32-byte codec
 * (src/transport/codec.ts) -> decode gives back exactly what was sent, for values drawn across each
 * field's whole width. And a value that does not fit is refused by the encoder, never truncated.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AssertionFailure } from '../../../src/core/errors.js';
import { RECORD_FIELD_MAX, type RecordField } from '../../../src/core/record-fields.js';
import { PAGE_1G, PAGE_2M, PAGE_64K } from '../../../src/model/host/page-table.js';
import { describeMessage, MESSAGE_TYPES } from '../../../src/model/protocol/catalogue.js';
import type { MessageType } from '../../../src/model/protocol/message-type.js';
import { AtsRequestMsg, AtsResponseMsg, WalkTimerMsg } from '../../../src/model/protocol/messages/ats.js';
import {
  AtsdAckMsg,
  AtsdAnswerMsg,
  AtsdInvalidateMsg,
  AtsdOpMsg,
} from '../../../src/model/protocol/messages/atsd.js';
import {
  DmaCompleteMsg,
  DmaRequestMsg,
  PeerAccessMsg,
  PeerCompleteMsg,
} from '../../../src/model/protocol/messages/dma.js';
import { MmioAccessMsg } from '../../../src/model/protocol/messages/mmio.js';
import {
  PageFreeMsg,
  PteClearedMsg,
  PteClearMsg,
  PteSetMsg,
  UnmapDoneMsg,
  UnmapRequestMsg,
} from '../../../src/model/protocol/messages/page-lifecycle.js';
import {
  ResetAckMsg,
  ResetDoneMsg,
  ResetRequestMsg,
  ResetStepMsg,
  SbrTimerMsg,
} from '../../../src/model/protocol/messages/reset.js';
import {
  TceKillTimerMsg,
  TceMapperTimerMsg,
  TceMapTimerMsg,
  TceRemapMsg,
  TceRemappedMsg,
} from '../../../src/model/protocol/messages/tce.js';
import {
  CollectiveTimerMsg,
  ContextTimerMsg,
  EngineTimerMsg,
  HostTimerMsg,
  MmioTimerMsg,
  ResetTimerMsg,
  TceTimerMsg,
  WatchdogTimerMsg,
} from '../../../src/model/protocol/messages/timers.js';
import { newMessage, type SendFields, sendFields } from '../../../src/model/protocol/sim-message.js';
import { EPOCH_WIRE_SPAN, fitField, MAX_GPUS, TAG_SPAN } from '../../../src/model/protocol/wire.js';
import { emptyMessage, readMessage, writeMessage } from '../../../src/transport/codec.js';

const tag = fc.integer({ min: 0, max: TAG_SPAN - 1 });
const lpid = fc.integer({ min: 0, max: 0xfff });
const pid = fc.integer({ min: 0, max: 0xf_ffff });
const addr = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const len24 = fc.integer({ min: 0, max: 0xff_ffff });
const epoch = fc.integer({ min: 0, max: EPOCH_WIRE_SPAN - 1 });
const gpu = fc.integer({ min: 0, max: MAX_GPUS - 1 });
const pageSize = fc.constantFrom(PAGE_64K, PAGE_2M, PAGE_1G);
const reg = fc.integer({ min: 0, max: 7 });

/** Through a real ring record and back, with routing fields the runtime would set. */
function roundTrip<T extends object>(type: MessageType<T>, value: T): T {
  const fields: SendFields = type.encode(value);
  // Every message type encodes into one shape, every field in one order (message-type.ts: the
  // runtime's copy of these fields stays monomorphic only so).
  expect(Object.keys(fields)).toEqual(Object.keys(sendFields(type.kind)));
  const m = newMessage();
  Object.assign(m, { flags: 0, address: 0, lengthBytes: 0, lpid: 0, pid: 0, tag: 0 }, fields);
  Object.assign(m, { source: 3, destination: 7, link: 11, seq: 12345, timeTicks: 987_654_321 });
  const words = new Uint32Array(8);
  writeMessage(words, 0, m);
  const back = Object.assign(newMessage(), readMessage(words, 0, emptyMessage()));
  expect(back.kind).toBe(type.kind);
  return type.decode(back);
}

/** Every type a law below covers, recorded when the law is declared (at collection, before any test runs). */
const lawed = new Set<string>();

function law<T extends object>(type: MessageType<T>, arb: fc.Arbitrary<T>): void {
  lawed.add(type.name);
  test(`protocol: ${type.name} round-trips through a ring record`, () => {
    fc.assert(
      fc.property(arb, (v) => {
        expect(roundTrip(type, v)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
}

describe('protocol: typed messages round-trip through the codec', () => {
  law(
    DmaRequestMsg,
    fc.record({
      dma: tag,
      gpu,
      translation: fc.constantFrom('ut0' as const, 'ut1' as const, 'none' as const),
      path: fc.constantFrom('nvlink' as const, 'pcie' as const),
      write: fc.boolean(),
      address: addr,
      lpid,
      epoch,
      lengthBytes: len24,
    }),
  );
  law(
    DmaCompleteMsg,
    fc.record({
      dma: tag,
      status: fc.constantFrom(0, 1, 2, 3, 4 as const),
      gpu,
      dataBytes: len24,
      pcie: fc.boolean(),
    }) as never,
  );
  law(
    PeerAccessMsg,
    fc.record({
      dma: tag,
      write: fc.boolean(),
      address: addr,
      lpid,
      link: fc.integer({ min: 0, max: 5 }),
      lengthBytes: len24,
    }),
  );
  law(
    PeerAccessMsg,
    fc.record({
      dma: tag,
      write: fc.boolean(),
      address: addr,
      lpid,
      link: fc.integer({ min: 0, max: 5 }),
      lengthBytes: len24,
      collective: fc.constant(true),
    }),
  );
  law(
    PeerCompleteMsg,
    fc.record({ dma: tag, status: fc.constantFrom(0, 1, 2, 3, 4 as const), dataBytes: len24 }) as never,
  );
  law(AtsRequestMsg, fc.record({ request: tag, lpid, pid, va: addr }));
  law(WalkTimerMsg, fc.record({ request: tag, gpu, lpid, pid, va: addr }));
  law(
    AtsResponseMsg,
    fc.oneof(
      fc.record({ request: tag, ok: fc.constant(false as const) }),
      fc.record({
        request: tag,
        ok: fc.constant(true as const),
        writable: fc.boolean(),
        pageSizeBytes: pageSize,
        pa: addr,
        epoch,
      }),
    ) as never,
  );
  law(
    AtsdOpMsg,
    fc.oneof(
      fc.record({
        op: fc.constant('acquire' as const),
        shootdown: tag,
        registers: fc.constant(undefined),
        guestLpid: fc.constant(undefined),
      }),
      fc.record({
        op: fc.constant('acquire' as const),
        shootdown: tag,
        registers: fc
          .uniqueArray(reg, { minLength: 1, maxLength: 8 })
          .map((rs) => [...rs].sort((a, b) => a - b)),
        guestLpid: lpid,
      }),
      fc.record({ op: fc.constant('write-ava' as const), shootdown: tag, reg, ava: addr }),
      fc.record({ op: fc.constantFrom('wait' as const, 'release' as const), shootdown: tag, reg }),
      fc.record({
        op: fc.constant('launch' as const),
        shootdown: tag,
        reg,
        params: fc.oneof(
          fc.record({
            target: fc.record({ kind: fc.constant('range' as const), start: addr, sizeBytes: pageSize }),
            pid,
            flushOnly: fc.constant(false),
            flush: fc.boolean(),
          }),
          fc.record({
            target: fc.constant({ kind: 'pid' as const }),
            pid,
            flushOnly: fc.boolean(),
            flush: fc.boolean(),
          }),
        ),
      }),
    ) as never,
  );
  law(
    AtsdAnswerMsg,
    fc.record({ shootdown: tag, op: fc.constantFrom('acquire' as const, 'wait' as const), reg }),
  );
  law(
    AtsdInvalidateMsg,
    fc.record({
      npu: fc.integer({ min: 0, max: 127 }),
      reg,
      flush: fc.boolean(),
      inv: fc.oneof(
        fc.constant({ kind: 'flush' as const }),
        fc.record({ kind: fc.constant('pid' as const), lpid, pid }),
        fc.record({ kind: fc.constant('range' as const), lpid, pid, start: addr, sizeBytes: pageSize }),
      ),
    }) as never,
  );
  law(AtsdAckMsg, fc.record({ npu: fc.integer({ min: 0, max: 127 }), reg }));
  law(UnmapRequestMsg, fc.record({ thread: tag, lpid, pid, va: addr, pages: len24, migrate: fc.boolean() }));
  law(UnmapDoneMsg, fc.record({ thread: tag, refused: fc.boolean() }));
  law(PteClearMsg, fc.record({ op: tag, lpid, pid, va: addr, pages: len24 }));
  law(PteClearedMsg, fc.record({ op: tag }));
  law(
    PteSetMsg,
    fc.record({ lpid, pid, va: addr, pa: fc.integer({ min: 0, max: 2 ** 36 - 1 }).map((f) => f * PAGE_64K) }),
  );
  law(PageFreeMsg, fc.record({ pa: addr, epoch }));
  law(TceRemapMsg, fc.record({ gpu: tag, firstIndex: addr, pages: len24, windowReset: fc.boolean() }));
  law(TceKillTimerMsg, fc.record({ gpu: tag, firstIndex: addr, pages: len24, windowReset: fc.boolean() }));
  law(TceMapTimerMsg, fc.record({ gpu: tag, firstIndex: addr, pages: len24 }));
  law(TceRemappedMsg, fc.record({ gpu: tag, firstIndex: addr }));
  law(MmioAccessMsg, fc.record({ offset: addr, write: fc.boolean(), value: tag, lpid }));
  law(EngineTimerMsg, fc.record({ engine: tag }));
  law(HostTimerMsg, fc.record({ thread: tag }));
  law(TceTimerMsg, fc.constant({}) as never);
  law(MmioTimerMsg, fc.constant({}) as never);
  law(WatchdogTimerMsg, fc.constant({}) as never);
  law(ContextTimerMsg, fc.record({ thread: tag }));
  law(ResetTimerMsg, fc.constant({}) as never);
  law(ResetRequestMsg, fc.record({ gpu: tag, lpid }));
  const step = fc.constantFrom(
    'quiesce' as const,
    'sbr-assert' as const,
    'sbr-deassert' as const,
    'link-reset' as const,
  );
  law(ResetStepMsg, fc.record({ gpu: tag, step }));
  law(SbrTimerMsg, fc.record({ gpu: tag, step }));
  law(ResetAckMsg, fc.record({ gpu: tag, state: fc.constantFrom('quiesced' as const, 'links-up' as const) }));
  law(ResetDoneMsg, fc.record({ gpu: tag }));
  law(TceMapperTimerMsg, fc.record({ gpu: tag, thread: len24 }));
  law(CollectiveTimerMsg, fc.constant({}) as never);

  test('protocol: every kind in the catalogue has a distinct number and a round-trip law above', () => {
    const kinds = MESSAGE_TYPES.map((t) => t.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const names = MESSAGE_TYPES.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    // A type added to the catalogue without a law above (or a law for a type left out of it) fails here.
    expect([...lawed].sort()).toEqual([...names].sort());
  });

  test('protocol: describeMessage names a recorded event and its fields', () => {
    const m = Object.assign(
      newMessage(),
      DmaRequestMsg.encode({
        dma: 7,
        gpu: 2,
        translation: 'ut0',
        path: 'nvlink',
        write: true,
        address: 0x1000,
        lpid: 3,
        epoch: 1,
        lengthBytes: 256,
      }),
    );
    expect(describeMessage(m)).toEqual({
      name: 'DMA',
      fields: {
        dma: 7,
        gpu: 2,
        translation: 'ut0',
        path: 'nvlink',
        write: true,
        address: 0x1000,
        lpid: 3,
        epoch: 1,
        lengthBytes: 256,
      },
    });
  });
});

describe('protocol: values that do not fit are refused, never truncated', () => {
  test.each([
    [
      'a GPU index past the 4 flag bits',
      () =>
        DmaRequestMsg.encode({
          dma: 1,
          gpu: MAX_GPUS,
          translation: 'ut0',
          path: 'nvlink',
          write: false,
          address: 0,
          lpid: 0,
          epoch: 0,
          lengthBytes: 1,
        }),
    ],
    ['a tag past 22 bits', () => UnmapDoneMsg.encode({ thread: TAG_SPAN, refused: false })],
    ['an LPID past 12 bits', () => PteClearMsg.encode({ op: 1, lpid: 4096, pid: 1, va: 0, pages: 1 })],
    [
      'a page count past 24 bits',
      () => TceRemapMsg.encode({ gpu: 0, firstIndex: 0, pages: 2 ** 24, windowReset: false }),
    ],
    ['a negative value', () => HostTimerMsg.encode({ thread: -1 })],
    ['an engine past the tag', () => EngineTimerMsg.encode({ engine: TAG_SPAN })],
  ])('protocol: %s is an assertion failure naming the message and field', (_what, encode) => {
    expect(encode).toThrow(AssertionFailure);
  });
});

describe('protocol: fitField checks each record field against its own width', () => {
  // fitField looks the width up by a switch, not RECORD_FIELD_MAX[field] (wire.ts says why): every
  // field must map to its own maximum.
  test.each(Object.keys(RECORD_FIELD_MAX) as RecordField[])(
    '%s: its maximum fits, one more does not',
    (field) => {
      const max = RECORD_FIELD_MAX[field];
      expect(fitField('TEST', field, max)).toBe(max);
      expect(fitField('TEST', field, 0)).toBe(0);
      expect(() => fitField('TEST', field, -1)).toThrow(AssertionFailure);
      expect(() => fitField('TEST', field, 0.5)).toThrow(AssertionFailure);
      if (max < Number.MAX_SAFE_INTEGER) {
        expect(() => fitField('TEST', field, max + 1)).toThrow(
          `TEST: Expected \`${field}\` to be an integer from 0 to ${max}, got \`${max + 1}\``,
        );
      } else {
        expect(() => fitField('TEST', field, Number.MAX_SAFE_INTEGER + 2)).toThrow(AssertionFailure);
      }
    },
  );
});
