/**
 * Wall-clock milliseconds as the summary's engine section and the HTML worker table print them
 * (summary-text.ts msText, formatWall): a tenth below 10 ms, whole above, seconds from 1000 ms.
 */
import { describe, expect, it } from 'vitest';
import { formatWall, msText } from '../../src/report/summary-text.js';

describe('wall-clock milliseconds', () => {
  it('a tenth below 10 ms, whole from there, seconds from a second; none as 0', () => {
    expect([0, 0.42, 3.96, 9.94, 9.96, 12.4, 999].map(msText)).toEqual([
      '0',
      '0.4',
      '4.0',
      '9.9',
      '10',
      '12',
      '999',
    ]);
    expect(formatWall(1234)).toBe('1.23 s');
  });

  it('less than a tenth that is not none reads <0.1, never 0.0 (QA: two waits of 20 us read `2 (0.0 ms)`)', () => {
    expect(msText(0.02)).toBe('<0.1');
    expect(formatWall(0.049)).toBe('<0.1 ms');
    expect(msText(0.05)).toBe('0.1');
  });
});
