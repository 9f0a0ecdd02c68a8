import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseJson } from '../../src/core/parse-json.js';

function refusal(text: string): string {
  try {
    parseJson(text, 'x.json', 'a run result');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`parseJson accepted ${JSON.stringify(text)}`);
}

describe('parseJson', () => {
  it('text cut short is said to look truncated; other syntax errors and an empty file are not', () => {
    const note = ' (the text ends before its last value does: a truncated file?)';
    for (const cut of [
      '{"status": "clean", "counts": {"a": 1',
      '{"status": "cl',
      '[1, 2,',
      '{"a": 1}\n'.slice(0, 7),
    ]) {
      const message = refusal(cut);
      expect(message.startsWith('x.json: Expected a run result, got a syntax error: '), message).toBe(true);
      expect(message.endsWith(note), message).toBe(true);
    }
    expect(refusal('{"status": clean}')).not.toContain('truncated');
    expect(refusal('')).not.toContain('truncated');
    expect(parseJson('{"a": [1, 2]}', 'x.json', 'anything')).toEqual({ a: [1, 2] });
  });
});
