import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { resolveSeeds } from '../../src/cli/seeds-file.js';
import { ConfigError } from '../../src/core/errors.js';
import { parseSeedRange, type SeedRange } from '../../src/sweep/seeds.js';
import { thrownBy } from '../support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-seeds-file-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** `text` (or bytes) in a new file: its path. */
function fileOf(text: string | Uint8Array): string {
  const path = join(dir, `seeds-${files++}.txt`);
  writeFileSync(path, text);
  return path;
}

const seedsIn = (text: string | Uint8Array): SeedRange => resolveSeeds({ file: fileOf(text) });

/** The refusal of a file of `text`, and its path. */
function refusal(text: string | Uint8Array): { message: string; path: string } {
  const path = fileOf(text);
  const e = thrownBy(ConfigError, () => resolveSeeds({ file: path }));
  expect(e.field).toBe(`--seeds @${path}`);
  return { message: e.message.slice(e.field.length + 2), path };
}

describe('sweep --seeds @FILE', () => {
  test('seeds file: `#` starts a comment, on a line of its own or after seeds, and is ignored', () => {
    expect(seedsIn('# failing seeds of the nightly sweep\n1\n3 # stale-ats\n5..6#x\n')).toEqual({
      first: 1,
      last: 6,
      list: [1, 3, 5, 6],
    });
    // One item is a range (up to 10,000,000 seeds), as on the command line, comments or not.
    expect(seedsIn('# all of them\n1..2000000 # big\n')).toEqual({ first: 1, last: 2_000_000 });
    const only = refusal('# nothing yet\n  # still nothing\n');
    expect(only.message).toBe(
      'Expected seeds in the file (numbers or ranges A..B, separated by commas, spaces or lines; `#` starts a comment), got none',
    );
  });

  test('seeds file: a bad item is placed at FILE:LINE:COLUMN, with its line quoted, not the file joined by commas', () => {
    const { message, path } = refusal('# failing\n1\n\n 4 x # note\n');
    expect(message).toBe(
      `${path}:4:4: Expected a range of seeds such as \`1..1000\`, one seed such as \`7\`, or a list of them such as \`7,12,20..29\`, got \`x\` (line 4: \`4 x # note\`)`,
    );
    // The column counts characters, as an editor does, after a CRLF too.
    // (Two no-break spaces, two bytes each in UTF-8, then a space.)
    expect(refusal('1\r\n\u00a0\u00a0 2..1 # ok\r\n').message).toMatch(
      /:2:4: Expected the first seed at most the last, got `2\.\.1` \(line 2: `2\.\.1 # ok`\)$/,
    );
    expect(refusal('1\n7..-3\n').message).toMatch(
      /:2:1: .*got `7\.\.-3` \(line 2: `7\.\.-3`\): negative seeds are not allowed$/,
    );
  });

  test('seeds file: a long line is quoted cut, and a control or format character as its code, never raw', () => {
    const long = `${Array.from({ length: 40 }, (_, i) => i + 1).join(',')},x`;
    const cut = refusal(`${long}\n`).message;
    // Cut around the item, which is at its end: its last 60 characters.
    expect(cut).toContain(`got \`x\` (line 1: \`...${long.slice(-60)}\`)`);
    // DEL, a C1 CSI (an escape sequence on some terminals) and a right-to-left override.
    const { message } = refusal('1 2\u009b31m\u007f\u202e\n');
    expect(message).toContain('got `2\\u009b31m\\u007f\\u202e` (line 1: `1 2\\u009b31m\\u007f\\u202e`)');
    expect(message).not.toMatch(/[\u007f-\u009f\u202e]/);
  });

  test('seeds file: 100,000 seeds on one line are read, and a bad item after them is placed at its column (QA Q11: minutes, placing every item)', () => {
    // Each item was placed (its column counted from the line's start, its line quoted) whether or
    // not it was wrong: 20,000 seeds on one line took 140 s, 200,000 hung the sweep before it began.
    const line = Array.from({ length: 100_000 }, (_, i) => 2 * i).join(',');
    const read = seedsIn(`${line}\n`);
    expect(read.list).toHaveLength(100_000);
    expect(read.last).toBe(199_998);
    const bad = refusal(`${line},x\n`).message;
    expect(bad).toMatch(new RegExp(`:1:${line.length + 2}: Expected a range of seeds .*, got \`x\``));
    expect(refusal(`${line},200000\n`).message).toBe(
      'Expected at most 100000 seeds in a list (a single range `A..B` takes up to 10000000), got 100001',
    );
    // Columns count characters, item after item (two no-break spaces: two bytes each in UTF-8).
    expect(refusal('1,\u00a0\u00a02,\u00a0x\n').message).toMatch(/:1:8: .*got `x`/);
  });

  test('seeds file: a seed given twice names both lines', () => {
    const lines = [...Array.from({ length: 30 }, (_, i) => String(i + 1)), '17', '40..50', '45'];
    const { message, path } = refusal(`${lines.join('\n')}\n`);
    expect(message).toBe(
      `${path}:31:1: Expected each seed once, got seed 17 twice: in \`17\` (line 17, column 1) and in \`17\` (line 31, column 1)`,
    );
    const overlap = refusal('40..50\n1\n45\n');
    expect(overlap.message).toBe(
      `${overlap.path}:3:1: Expected each seed once, got seed 45 twice: in \`40..50\` (line 1, column 1) and in \`45\` (line 3, column 1)`,
    );
  });

  // QA 58 F9: a range error in a file had no place, a duplicate on one line named the line twice,
  // a long line's quote hid the item, and the size limit was in bytes.
  test('seeds file: a range error is placed too, a duplicate on one line names both columns, a long line is quoted around the item', () => {
    const big = refusal('0..20000000\n');
    expect(big.message).toBe(
      `${big.path}:1:1: Expected at most 10000000 seeds, got 20000001 in \`0..20000000\` (line 1: \`0..20000000\`)`,
    );
    const reversed = refusal('# old\n  3..1\n');
    expect(reversed.message).toBe(
      `${reversed.path}:2:3: Expected the first seed at most the last, got \`3..1\` (line 2: \`3..1\`)`,
    );
    const twice = refusal('1,1\n');
    expect(twice.message).toBe(
      `${twice.path}:1:3: Expected each seed once, got seed 1 twice: in \`1\` (line 1, column 1) and in \`1\` (line 1, column 3)`,
    );
    const long = refusal(`${'1,'.repeat(50)}xxx,${'2,'.repeat(50)}\n`);
    expect(long.message).toContain(`${long.path}:1:101: Expected a range of seeds`);
    expect(long.message).toContain(`(line 1: \`...${'1,'.repeat(15)}xxx,${'2,'.repeat(13)}...\`)`);
  });

  test('seeds file: a binary file is refused as one, by the byte and its line, and none of its bytes is printed', () => {
    const bytes = Buffer.from([0x31, 0x0a, 0x32, 0x0a, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x00, 0x0a]);
    const { message, path } = refusal(bytes);
    expect(message).toBe(
      `Expected a text file of seeds, got binary data (byte 0x1b at ${path}:3, a control character no text file holds)`,
    );
    // A NUL after CR-only line ends: each lone CR ends a line.
    expect(refusal(Buffer.from('1\r2\r\r\u0000', 'latin1')).message).toContain('byte 0x00 at ');
    expect(refusal(Buffer.from('1\r2\r\r\u0000', 'latin1')).message).toMatch(/:4, a control character/);
  });

  test('seeds file: bytes that are not UTF-8 (Latin-1) are refused with their line, not quoted back as U+FFFD (QA)', () => {
    const { message, path } = refusal(Buffer.from('1\n2\n3\u00a0 4\n', 'latin1'));
    expect(message).toBe(
      `Expected a text file of seeds in UTF-8, got bytes that are not UTF-8 text at ${path}:3:2 (saved as Latin-1 or Windows-1252?)`,
    );
    // The same text in UTF-8 is read (a no-break space separates seeds, as any white space does).
    expect(() => seedsIn(Buffer.from('1\n2\n3\u00a0 4\n', 'utf8'))).not.toThrow();
  });

  test('seeds file: saved as UTF-16 with its byte order mark (Notepad, PowerShell `>`), it is text, not binary (QA)', () => {
    const text = '# failing seeds\r\n3\r\n7..9, 12\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    const seeds = { first: 3, last: 12, list: [3, 7, 8, 9, 12] };
    expect(seedsIn(le)).toEqual(seeds);
    expect(seedsIn(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual(seeds);
    // A UTF-8 mark is dropped: a bad item on line 1 is placed at column 1, not 2.
    expect(seedsIn(Buffer.from('\ufeff3,7..9,12\n', 'utf8'))).toEqual(seeds);
    const bad8 = refusal(Buffer.from('\ufeffx\n', 'utf8'));
    expect(bad8.message).toContain(`${bad8.path}:1:1: `);
    const bad = refusal(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x\n', 'utf16le')]));
    expect(bad.message).toContain(`${bad.path}:1:1: `);
    // Decoded, a control character is still one: refused as binary, by its line in the text.
    const esc = refusal(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1\n\u001b[2J\n', 'utf16le')]));
    expect(esc.message).toBe(
      `Expected a text file of seeds, got binary data (byte 0x1b at ${esc.path}:2, a control character no text file holds)`,
    );
    // A mark that says UTF-16 before bytes that are none (an odd count): binary, and said so.
    const odd = refusal(Buffer.from([0xff, 0xfe, 0x31, 0x00, 0x00]));
    expect(odd.message).toBe(
      `Expected a text file of seeds, got binary data (${odd.path} starts with a UTF-16 byte order mark, 0xff 0xfe, but does not decode as UTF-16)`,
    );
  });

  test('seeds file: any file of seeds, commas and white space (CRLF, a BOM, tabs) gives the seeds it gave before comments, in the same order', () => {
    // Before, the file's items (split at commas and white space) were parsed as a list on the
    // command line: the same seeds, or a refusal, must come of every such file.
    const before = (text: string): SeedRange | 'refused' => {
      try {
        return parseSeedRange(
          text
            .split(/[\s,]+/)
            .filter((item) => item !== '')
            .join(','),
        );
      } catch (e) {
        if (e instanceof ConfigError) return 'refused';
        throw e;
      }
    };
    const now = (text: string): SeedRange | 'refused' => {
      try {
        return seedsIn(text);
      } catch (e) {
        if (e instanceof ConfigError) return 'refused';
        throw e;
      }
    };
    const piece = fc.oneof(
      fc.nat({ max: 40 }).map(String),
      fc.tuple(fc.nat({ max: 40 }), fc.nat({ max: 40 })).map(([a, b]) => `${a}..${b}`),
      fc.constantFrom(',', ' ', '\t', '\n', '\r\n', '\r', '\uFEFF', '\u00a0', 'x', '-1', '..'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const b = before(text);
        expect(now(text), JSON.stringify(text)).toEqual(b);
      }),
      { numRuns: 300, seed: 57 },
    );
  });
});
