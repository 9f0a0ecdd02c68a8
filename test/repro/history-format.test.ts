/**
 * A history line as replay and a crash's last event print it: addresses in hex whatever their size
 * (a low address printed in decimal beside a high one in hex read as two kinds of number), other
 * numbers in hex only when large, counts and flags as they are.
 */
import { describe, expect, test } from 'vitest';
import { formatHistory } from '../../src/repro/history.js';

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
