/**
 * A name from a user's file or call that holds a control character is quoted as JSON writes it in
 * the model's refusals, so a library caller that prints the message prints no escape sequence
 * (the command line escapes what is left besides: cli/config-error-text.ts).
 */
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { parseParamPath } from '../../../src/model/scenario/param-path.js';
import { resolveProfile } from '../../../src/model/scenario/profiles.js';

const CLEAR = 'x\u001b[2J';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('escaped names', () => {
  test('a profile and a parameter path with an escape sequence are quoted escaped (QA: printed raw)', () => {
    for (const said of [
      messageOf(() => resolveProfile(CLEAR)),
      messageOf(() => parseParamPath(CLEAR, 'f')),
    ]) {
      expect(said).toContain('got "x\\u001b[2J"');
      expect(said).not.toContain('\u001b');
    }
  });
});
