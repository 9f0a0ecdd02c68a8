/**
 * The closing stderr line of a run that was not clean (src/cli/status-line.ts): its class, exit
 * code and counts, wrapped at 100 columns as every stderr note is (an interrupted run's ran to 104).
 */
import { describe, expect, it } from 'vitest';
import { statusLine } from '../../src/cli/status-line.js';
import { countsResult } from '../support/counts-result.js';

describe('status line', () => {
  it("an interrupted run's line says where it stopped and what it found so far, within 100 columns", () => {
    const result = {
      ...countsResult({}),
      status: 'interrupted' as const,
      exitCode: 130,
      simulatedTicks: 143_300_000,
    };
    const text = statusLine(result as never, 200_000_000);
    const lines = text.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(lines.length).toBe(2);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(
      'npusim: interrupted at 143.3 us of 200 us simulated (exit 130): 0 violations, 0 liveness failures so far',
    );
    expect(text.endsWith('\n')).toBe(false);
  });
});
