/**
 * Text a user gave, as a refusal quotes it: the received value in one shape everywhere, an empty
 * one in words (QA: `--policy ""` was refused with "got ``", an empty code span).
 */
import { describe, expect, test } from 'vitest';
import { gotText, SHOWN_CHARS, shownText } from '../../src/core/shown-text.js';

describe('shown text', () => {
  test('gotText: a value in backquotes; the empty string as "" (empty)', () => {
    expect(gotText('per-gpu')).toBe('`per-gpu`');
    expect(gotText('')).toBe('"" (empty)');
    // A space is a value, shown as typed.
    expect(gotText(' ')).toBe('` `');
  });

  test('shownText: cut to SHOWN_CHARS, a control character as its code, a backquote as a quote', () => {
    expect(shownText('x'.repeat(SHOWN_CHARS + 5))).toBe(`${'x'.repeat(SHOWN_CHARS)}...`);
    expect(shownText('a\u009bb`c')).toBe("a\\u009bb'c");
  });
});
