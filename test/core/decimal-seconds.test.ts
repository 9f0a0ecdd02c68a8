import { describe, expect, it } from 'vitest';
import { decimalSeconds } from '../../src/core/decimal-seconds.js';

describe('decimalSeconds', () => {
  it('reads whole and fractional decimal seconds, blanks around them allowed', () => {
    expect(decimalSeconds('0')).toBe(0);
    expect(decimalSeconds('60')).toBe(60);
    expect(decimalSeconds(' 0.25 ')).toBe(0.25);
  });

  // Number() reads all but `2s` as numbers (`0x10` as 16, `1e3` as 1000, an empty text as 0): a
  // variable set so is a mistake to refuse, not a bound.
  it('is NaN for what Number() reads but no one writes as seconds', () => {
    for (const text of ['0x10', '1e3', '0b1', '-1', '+2', 'Infinity', '.5', '5.', '2s', '']) {
      expect(decimalSeconds(text), text).toBeNaN();
    }
  });
});
