/**
 * A history line as replay and a crash's last event print it: addresses in hex whatever their size
 * (a low address printed in decimal beside a high one in hex read as two kinds of number), other
 * numbers in hex only when large, counts and flags as they are.
 */
import { describe, expect, test } from 'vitest';
import { K } from '../../src/model/protocol/kinds.js';
import { byteAddressKinds, focusHistory, formatHistory } from '../../src/repro/history.js';

describe('history lines', () => {
  test('every address field in hex, a small count in decimal, a large size in hex', () => {
    const text = formatHistory([
      {
        tick: 5_000,
        actor: 'gpu2',
        from: 'chip0',
        kind: 'ATS_RESPONSE',
        fields: {
          address: 44_544,
          pa: 0x17a00,
          va: 0,
          ava: 0xffff,
          request: 14,
          ok: true,
          pageSizeBytes: 0x10000,
        },
      },
    ]);
    expect(text).toContain(
      'gpu2 <- chip0  ATS_RESPONSE address=0xae00 pa=0x17a00 va=0x0 ava=0xffff request=14 ok=true pageSizeBytes=0x10000',
    );
  });

  test("an address inside an object or a list is in hex too, as the PTE lines' va is (QA: `start` in decimal)", () => {
    const text = formatHistory([
      {
        tick: 14_880_000,
        actor: 'gpu2',
        from: 'chip0',
        kind: 'ATSD_INVALIDATE',
        fields: {
          npu: 0,
          inv: { kind: 'range', lpid: 2, pid: 3, start: 123_153_892_311_040, sizeBytes: 65_536 },
          regs: [0, 1],
        },
      },
    ]);
    expect(text).toContain(
      'ATSD_INVALIDATE npu=0 inv={"kind":"range","lpid":2,"pid":3,"start":0x700200010000,"sizeBytes":0x10000} regs=[0,1]',
    );
  });

  test('a field the message does not carry is left out, and a message with none ends at its kind (QA: `registers=undefined`, a trailing space)', () => {
    const text = formatHistory([
      {
        tick: 5_000,
        actor: 'chip0',
        from: 'coordinator',
        kind: 'ATSD_OP',
        fields: { op: 'acquire', shootdown: 1, registers: undefined, guestLpid: undefined },
      },
      { tick: 6_000, actor: 'chip0', from: 'self', kind: 'WATCHDOG_TIMER', fields: {} },
    ]).split('\n');
    expect(text[0]).toMatch(/ {2}ATSD_OP op="acquire" shootdown=1$/);
    expect(text[1]).toMatch(/ {2}WATCHDOG_TIMER$/);
  });
});

describe("a translation finding's history leaves out other GPUs' own traffic (QA: forty lines of other GPUs' DMAs)", () => {
  const PAGE = 0x2000_0036_0000;
  const line = (
    tick: number,
    actor: string,
    from: string,
    kind: string,
    fields: Record<string, unknown>,
  ) => ({
    tick,
    actor,
    from,
    kind,
    fields,
  });
  const lines = [
    line(1, 'gpu2', 'chip0', 'ATS_RESPONSE', { request: 10, pa: PAGE, epoch: 0 }),
    line(2, 'chip1', 'gpu4', 'DMA', { gpu: 4, translation: 'ut0', address: PAGE + 0x1300 }),
    line(3, 'chip0', 'gpu4', 'DMA', { gpu: 4, translation: 'ut0', address: 0x9a1700 }),
    line(4, 'chip0', 'gpu0', 'ATS_REQUEST', { request: 149, va: 0x7003_0000_6800 }),
    line(5, 'chip0', 'coordinator', 'PAGE_FREE', { pa: PAGE, epoch: 1 }),
    line(6, 'chip0', 'gpu2', 'DMA', { gpu: 2, translation: 'ut0', address: 0x8cee00 }),
    line(7, 'chip1', 'gpu5', 'DMA', { gpu: 5, translation: 'ut1', address: 0x36_1300 }),
    line(8, 'chip1', 'chip0', 'DMA', { gpu: 2, translation: 'ut0', address: PAGE + 0x4b00 }),
  ];
  const kept = (rule: string, actors: string[]) =>
    focusHistory(lines, rule, actors, [PAGE + 0x4b00]).map((l) => l.tick);

  test("the named GPU's events, the page's (another GPU's UT=0 DMA to it included) and the chips' own are kept", () => {
    expect(kept('translation.stale-ats', ['gpu2'])).toEqual([1, 2, 5, 6, 8]);
  });

  test('a UT=1 DMA of another GPU is of its own window, whatever page number its bus address has', () => {
    const ut1 = [line(1, 'chip1', 'gpu4', 'DMA', { gpu: 4, translation: 'ut1', address: 0x5_0600 })];
    expect(focusHistory(ut1, 'translation.stale-tce', ['gpu3'], [0x5_3600])).toEqual([]);
    expect(focusHistory(ut1, 'translation.stale-tce', ['gpu4'], [0x5_3600])).toHaveLength(1);
  });

  test('another family, or a finding naming no GPU, keeps every GPU', () => {
    // (an isolation history holds no ATS traffic: not its family's)
    expect(kept('isolation.dma', ['gpu2'])).toEqual([2, 3, 5, 6, 7, 8]);
    expect(kept('translation.stale-ats', ['chip0'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('the kinds whose address is a byte address (RunnerOptions.tailPages)', () => {
  test("a DMA's, an ATS response's, a free's and a PTE's are; a TCE remap's (a TCE index) and a timer's with none are not (QA: every remap read as page 0)", () => {
    const kinds = byteAddressKinds();
    for (const k of [K.DMA, K.ATS_RESPONSE, K.PAGE_FREE, K.PTE_SET, K.PTE_CLEAR, K.PEER_ACCESS])
      expect(kinds).toContain(k);
    for (const k of [K.TCE_REMAP, K.TCE_KILL_TIMER, K.CONTEXT_TIMER, K.ATSD_ACK, K.DMA_COMPLETE])
      expect(kinds).not.toContain(k);
  });
});
