/**
 * The one wording of an unknown key (core/unknown-keys.ts), for workload and topology files alike:
 * the key is the user's text, so a newline or an escape in it is written out (shown-text.ts), and
 * the refusal stays one line with no control sequence for the terminal (QA: a workload's
 * `params.te\nnants` and a topology's `bo\ngus` split their refusal over two lines).
 */
import { describe, expect, test } from 'vitest';
import { unknownKeysMessage } from '../../src/core/unknown-keys.js';

describe('unknownKeysMessage', () => {
  test('an ordinary key as given, with the nearest allowed one', () => {
    expect(unknownKeysMessage('a tenant field', ['name', 'lpid'], ['lpd'])).toBe(
      'Expected a tenant field (one of: name, lpid), got unknown key `lpd` (did you mean `lpid`?)',
    );
  });

  test('a key with a newline or an ESC is escaped, one key or several, and a long one still cut', () => {
    const one = unknownKeysMessage('a workload parameter', ['tenants', 'gpu'], ['te\nnants']);
    expect(one).toBe(
      'Expected a workload parameter (one of: tenants, gpu), got unknown key `te\\u000anants` (did you mean `tenants`?)',
    );
    const several = unknownKeysMessage(
      'a field',
      ['a'],
      ['x\u001b[31m', `${'k'.repeat(39)}\n${'k'.repeat(20)}`],
    );
    expect(several).toBe(
      `Expected a field (one of: a), got unknown keys \`x\\u001b[31m\`, \`${'k'.repeat(39)}\\u000a...\``,
    );
    for (const m of [one, several]) expect(m).not.toMatch(/\p{Cc}/u);
  });
});
