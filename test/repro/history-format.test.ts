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
});
