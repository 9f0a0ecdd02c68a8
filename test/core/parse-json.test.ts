import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseJson, parseJsonFile } from '../../src/core/parse-json.js';

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('the text was accepted');
}

describe('parseJson', () => {
  it('a syntax error is named at FILE:LINE:COLUMN; text cut short is said to look truncated, an empty file not', () => {
    const result = (text: string) => refusal(() => parseJson(text, 'x.json', 'a run result'));
    expect(result('{"status": "clean",\n "counts": {"a": 1')).toBe(
      'x.json: Expected a run result, got a syntax error: x.json:2:19: Expected `,` or `}`, got the end of the file (a truncated file?)',
    );
    for (const cut of ['{"status": "cl', '[1, 2,', '{"a": 1}\n'.slice(0, 7)]) {
      expect(result(cut)).toMatch(
        /^x\.json: Expected a run result, got a syntax error: x\.json:1:\d+: .* \(a truncated file\?\)$/,
      );
    }
    expect(result('{"status": clean}')).toBe(
      'x.json: Expected a run result, got a syntax error: x.json:1:12: Expected a value (an object, a list, a string, a number, true, false or null), got `c`',
    );
    expect(result('')).not.toContain('truncated');
    expect(parseJson('{"a": [1, 2]}', 'x.json', 'anything')).toEqual({ a: [1, 2] });
  });

  it("a user's JSON file: a byte order mark is skipped, and the option that named the file is the field", () => {
    expect(parseJsonFile('\uFEFF{"a": 1}', 'w.json', 'JSON')).toEqual({ a: 1 });
    expect(refusal(() => parseJsonFile('{\n  "a": 1,\n}', 't.json', 'JSON in `t.json`', '--topology'))).toBe(
      '--topology: Expected JSON in `t.json`, got a syntax error: t.json:3:1: Expected a property name in double quotes, got `}`',
    );
  });

  it('a place is counted in lines as an editor counts them: LF, CRLF or a lone CR (an old Mac file) ends a line', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['{', '  "a": 1,', '  "b": tru', '}'].join(eol);
      expect(refusal(() => parseJsonFile(text, 'm.json', 'JSON'))).toBe(
        'm.json: Expected JSON, got a syntax error: m.json:3:8: Expected a value (an object, a list, a string, a number, true, false or null), got `t`',
      );
    }
  });

  it("a user's JSON file with a key given twice in one object is refused at the second (JSON.parse keeps it)", () => {
    const text = '{\n  "gpu": {"dmaBytes": 256},\n  "seed": 1,\n  "gpu": {"dmaBytes": 4096}\n}';
    expect(JSON.parse(text)).toEqual({ gpu: { dmaBytes: 4096 }, seed: 1 });
    expect(refusal(() => parseJsonFile(text, 'w.json', 'JSON'))).toBe(
      'w.json: Expected JSON, got a key given twice: w.json:4:3: Expected each key once in an object, got `gpu` a second time (JSON.parse would keep this one)',
    );
    // Nested, and written with an escape: the key is compared as JSON reads it.
    expect(refusal(() => parseJsonFile('[{"a": {"b": 1, "\\u0062": 2}}]', 'w.json', 'JSON'))).toContain(
      'w.json:1:17: Expected each key once in an object, got `b` a second time',
    );
    // A key that is not plain text is quoted as JSON writes it: nothing of it reaches a terminal.
    expect(
      refusal(() => parseJsonFile('{"a\\u001b[31m": 1, "a\\u001b[31m": 2}', 'w.json', 'JSON')),
    ).toContain('got "a\\u001b[31m" a second time');
    // A C1 control (U+009B, CSI) and DEL, which JSON.stringify leaves raw, escaped too.
    expect(
      refusal(() => parseJsonFile('{"a\\u009b2J\\u007f": 1, "a\\u009b2J\\u007f": 2}', 'w.json', 'JSON')),
    ).toContain('got "a\\u009b2J\\u007f" a second time');
    expect(refusal(() => parseJsonFile('{"": 1, "": 2}', 'w.json', 'JSON'))).toContain(
      'got "" a second time',
    );
    // The same key in sibling objects, or in an object and the one inside it, is no repeat.
    expect(parseJsonFile('[{"a": 1}, {"a": 2, "b": {"a": 3}}]', 'w.json', 'JSON')).toEqual([
      { a: 1 },
      { a: 2, b: { a: 3 } },
    ]);
  });
});
