import { describe, expect, it } from 'vitest';
import { fitLine, hangingLines, packedFields, TEXT_COLUMNS } from '../../src/core/wrap-text.js';

const words = (lines: string[]): string => lines.join(' ').replace(/\s+/g, ' ').trim();

describe('wrap-text', () => {
  it('wrap-text: text that fits comes back as one line, its runs of spaces kept', () => {
    expect(hangingLines('  name  ', 'a short  text', 8)).toEqual(['  name  a short  text']);
    expect(fitLine('  edges   x2 50 GB/s')).toEqual(['  edges   x2 50 GB/s']);
  });

  it('wrap-text: a long text wraps between words, each later line at the indent, none past the columns', () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const lines = hangingLines('  term      ', text, 12, 40);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines[0]!.startsWith('  term      word0 ')).toBe(true);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {12}\S/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(words(lines)).toBe(`term ${text}`);
    expect(hangingLines('', 'aaa bbb ccc', '> ', 7)).toEqual(['aaa bbb', '> ccc']);
    expect(TEXT_COLUMNS).toBe(100);
  });

  it('wrap-text: a word longer than the room stands alone, uncut (a URL or path to copy)', () => {
    const url = `https://example.org/${'x'.repeat(50)}`;
    expect(hangingLines('  s  ', `see ${url} now`, 5, 30)).toEqual(['  s  see', `     ${url}`, '     now']);
  });

  it('wrap-text: fitLine breaks between fields when they fill the lines, else between words', () => {
    const socket =
      'socket 0: actor chip0 (P9 chip id 0), NPU PHB 0006, regs 0x6030200000000, ATSD 0x6030200800000..0x6030200870000';
    expect(fitLine(socket)).toEqual([
      'socket 0: actor chip0 (P9 chip id 0), NPU PHB 0006, regs 0x6030200000000,',
      '  ATSD 0x6030200800000..0x6030200870000',
    ]);
    // A comma early in prose would leave a stub line: words instead.
    const actors = `actors (as runs, --crash-at and the summary name them): ${Array.from({ length: 14 }, (_, i) => `gpu${i}`).join(' ')}`;
    const lines = fitLine(actors);
    expect(lines[0]!.startsWith('actors (as runs, --crash-at')).toBe(true);
    expect(lines[1]).toMatch(/^ {2}gpu/);
    expect(words(lines)).toBe(actors);
    // A continuation is two columns past the line's own indent.
    expect(
      fitLine(`  group 0: ${'g '.repeat(60)}end`, 40)
        .slice(1)
        .every((l) => /^ {4}\S/.test(l)),
    ).toBe(true);
  });

  it('packedFields: fields two spaces apart, a new line (indented as asked) before one that would pass the width, never a field split', () => {
    expect(packedFields(['npusim sweep x', 'seeds 1..8', 'profile fixed'], 13, 30)).toEqual([
      'npusim sweep x  seeds 1..8',
      '             profile fixed',
    ]);
    // A line exactly at the width stays; one column more moves the field down.
    expect(packedFields(['a'.repeat(10), 'b'.repeat(8)], 2, 20)).toEqual([
      `${'a'.repeat(10)}  ${'b'.repeat(8)}`,
    ]);
    expect(packedFields(['a'.repeat(10), 'b'.repeat(9)], 2, 20)).toEqual([
      'a'.repeat(10),
      `  ${'b'.repeat(9)}`,
    ]);
    // A field longer than a line stands alone, whole.
    expect(packedFields(['x', 'y'.repeat(40), 'z'], 2, 20)).toEqual(['x', `  ${'y'.repeat(40)}`, '  z']);
    expect(packedFields([], 2)).toEqual([]);
    for (const line of packedFields(
      Array.from({ length: 40 }, (_, i) => `field ${i}`),
      13,
    ))
      expect(line.length).toBeLessThanOrEqual(TEXT_COLUMNS);
  });
});
