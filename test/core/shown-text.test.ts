/**
 * Text a user gave, as a refusal quotes it: the received value in one shape everywhere, an empty
 * one in words (QA: `--policy ""` was refused with "got ``", an empty code span).
 */
import { describe, expect, test } from 'vitest';
import {
  codeText,
  escapeControls,
  escapedText,
  gotText,
  SHOWN_CHARS,
  shownText,
} from '../../src/core/shown-text.js';

describe('shown text', () => {
  test('gotText: a value in backquotes; the empty string as "" (empty)', () => {
    expect(gotText('per-gpu')).toBe('`per-gpu`');
    expect(gotText('')).toBe('"" (empty)');
    // A space is a value, shown as typed.
    expect(gotText(' ')).toBe('` `');
  });

  test('gotText, codeText: text holding a control character (C0, DEL, C1) or a format one, as JSON writes it, that character escaped (QA: a hand-edited failure file retitled the terminal)', () => {
    expect(gotText('fixed\u001b]0;pwned\u0007\u001b[2J')).toBe('"fixed\\u001b]0;pwned\\u0007\\u001b[2J"');
    // JSON.stringify leaves DEL, a C1 control (U+009B is CSI) and a direction override raw.
    expect(gotText('a\u0000b\u007fc\u009bd\u202e')).toBe('"a\\u0000b\\u007fc\\u009bd\\u202e"');
    expect(escapedText('x\ny"\u0085')).toBe('"x\\ny\\"\\u0085"');
    // A backquote, which would end the quote, and the empty text: as JSON writes them too.
    expect(codeText('a`b')).toBe('"a`b"');
    expect(codeText('')).toBe('""');
    expect(codeText('w/mine.ts')).toBe('`w/mine.ts`');
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0080', '\u009b', '\u009f'])
      expect(gotText(`x${c}`)).not.toMatch(/\p{Cc}/u);
  });

  test('escapeControls: each control or format character as its code, the rest as it is', () => {
    expect(escapeControls('a\u001b[2Jb\u009b`')).toBe('a\\u001b[2Jb\\u009b`');
  });

  test('shownText: cut to SHOWN_CHARS, a control character as its code, a backquote as a quote', () => {
    expect(shownText('x'.repeat(SHOWN_CHARS + 5))).toBe(`${'x'.repeat(SHOWN_CHARS)}...`);
    expect(shownText('a\u009bb`c')).toBe("a\\u009bb'c");
  });
});
