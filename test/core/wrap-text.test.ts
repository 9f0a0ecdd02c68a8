import { describe, expect, it } from 'vitest';
import {
  ARROW_BREAK,
  BRACKET_BREAK,
  FIELD_BREAK,
  fitLine,
  hangingLines,
  ITEM_BREAK,
  OUTER_FIELD_BREAK,
  packedFields,
  TEXT_COLUMNS,
  textWidth,
  WORD_BREAK,
} from '../../src/core/wrap-text.js';

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
    // A field with words, longer than a line, stands on lines of its own, broken after its commas
    // (fitLine) and continued two columns past its line's indent; the next field starts anew.
    expect(packedFields(['x', 'list (of: aaaa, bbbb, cccc, dddd)', 'z'], 2, 20)).toEqual([
      'x',
      '  list (of: aaaa,',
      '    bbbb, cccc,',
      '    dddd)',
      '  z',
    ]);
    for (const line of packedFields(
      Array.from({ length: 40 }, (_, i) => `field ${i}`),
      13,
    ))
      expect(line.length).toBeLessThanOrEqual(TEXT_COLUMNS);
  });

  it('wrap-text: a number and its unit of time stay on one line (`1.146 ms` split read as two figures)', () => {
    expect(hangingLines('', 'waited up to 1.146 ms so far', 2, 19)).toEqual([
      'waited up to',
      '  1.146 ms so far',
    ]);
    // After a number that has no unit, the line breaks as anywhere else.
    expect(hangingLines('', 'shootdowns 1 2 3 overdue', 0, 13)).toEqual(['shootdowns 1', '2 3 overdue']);
    expect('a 4 ms'.split(WORD_BREAK)).toEqual(['a', '4 ms']);
    expect('4 msgs 5 s'.split(WORD_BREAK)).toEqual(['4', 'msgs', '5 s']);
    expect('clean, NOT as expected'.split(WORD_BREAK)).toEqual(['clean,', 'NOT as', 'expected']);
  });

  it('wrap-text: several places to break, coarsest first: the text breaks at the first where its parts fit', () => {
    const cycle = 'shootdown 4 holds npu0.reg0 -> shootdown 2 holds npu1.reg0 -> shootdown 4';
    expect(hangingLines('cycle: ', cycle, 7, 40, [ARROW_BREAK, WORD_BREAK])).toEqual([
      'cycle: shootdown 4 holds npu0.reg0',
      '       -> shootdown 2 holds npu1.reg0',
      '       -> shootdown 4',
    ]);
    // A link of the chain too long for a line: between words instead, none past the width.
    const lines = hangingLines('cycle: ', cycle, 7, 30, [ARROW_BREAK, WORD_BREAK]);
    expect(words(lines)).toBe(`cycle: ${cycle}`);
    expect(lines[0]).toBe('cycle: shootdown 4 holds');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    // Items with commas inside break after their semicolons only; fields after either.
    const regs = 'reg0 locked by 4, acks pending; reg1 free; reg2 free';
    expect(hangingLines('chip0: ', regs, 7, 40, ITEM_BREAK)).toEqual([
      'chip0: reg0 locked by 4, acks pending;',
      '       reg1 free; reg2 free',
    ]);
    expect(hangingLines('chip0: ', regs, 7, 30, FIELD_BREAK)[0]).toBe('chip0: reg0 locked by 4,');
  });

  it('wrap-text: only a part too long for a line breaks at the finer place; the other parts stay whole', () => {
    // The message before a deadlock cycle is longer than a line: it breaks between words, while
    // each link after it stays whole (QA Q53: one long part sent the whole chain to word breaks).
    const text =
      'got none after 624.7 us; shootdown 4 holds npu0.reg0, waits for npu1 -> shootdown 2 holds npu1.reg0, waits for npu0 -> shootdown 4';
    const lines = hangingLines('  ', text, 4, 50, [ARROW_BREAK, WORD_BREAK]);
    expect(words(lines)).toBe(text);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(50);
    expect(lines.join('\n')).toContain('-> shootdown 2 holds npu1.reg0, waits for npu0');
    // With one place to break it is what it was: every part at the one place.
    expect(hangingLines('  ', text, 4, 50, WORD_BREAK).join('\n')).not.toContain(
      '-> shootdown 2 holds npu1.reg0, waits for npu0',
    );
  });

  it('wrap-text: fields with brackets break after a field, never inside a bracket, then before a bracket', () => {
    // A replay's `recorded:` line of an interrupted run broke after `(Ctrl-C,` (QA Q54).
    const text =
      'interrupted by a signal (Ctrl-C, SIGTERM or SIGHUP) at 1.085 ms of 20 ms (tick 1084802146, after 1111292 events), clean so far, digest 0123456789abcdef, stress seed 7';
    expect(text.split(OUTER_FIELD_BREAK)).toEqual([
      'interrupted by a signal (Ctrl-C, SIGTERM or SIGHUP) at 1.085 ms of 20 ms (tick 1084802146, after 1111292 events),',
      'clean so far,',
      'digest 0123456789abcdef,',
      'stress seed 7',
    ]);
    const lines = hangingLines('  recorded: ', text, 12, TEXT_COLUMNS, [
      OUTER_FIELD_BREAK,
      BRACKET_BREAK,
      WORD_BREAK,
    ]);
    expect(words(lines)).toBe(`recorded: ${text}`);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(TEXT_COLUMNS);
    expect(lines.join('\n')).toContain('(Ctrl-C, SIGTERM or SIGHUP)');
    expect(lines.join('\n')).toContain('(tick 1084802146, after 1111292 events)');
    // The comma breaks as they were split that bracket.
    expect(
      hangingLines('  recorded: ', text, 12, TEXT_COLUMNS, [FIELD_BREAK, WORD_BREAK]).join('\n'),
    ).not.toContain('(Ctrl-C, SIGTERM or SIGHUP)');
  });

  it('wrap-text: colour codes take no column, so coloured text breaks where the plain text does', () => {
    const red = (t: string) => `\u001b[31m${t}\u001b[39m`;
    expect(textWidth(red('LIVENESS'))).toBe(8);
    const plain = hangingLines('  LIVENESS ', 'a b c d e f g h i j', 11, 20);
    const coloured = hangingLines(`  ${red('LIVENESS')} `, 'a b c d e f g h i j', 11, 20);
    expect(coloured.map((l) => l.replaceAll(red('LIVENESS'), 'LIVENESS'))).toEqual(plain);
    expect(packedFields([red('npusim x'), 'seed 1', 'inline'], 7, 16)).toEqual([
      `${red('npusim x')}  seed 1`,
      '       inline',
    ]);
  });
});
