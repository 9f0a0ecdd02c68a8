/**
 * A configuration error as stderr says it: every message quotes what it got through shown-text.ts,
 * and a control character one still carries as it arrived (a layer's own quoting) is escaped as the
 * line is printed, so no text of a user's file or command line acts on the terminal (QA: a failure
 * file's `\u001b]0;...\u0007` retitled it).
 */
import { describe, expect, test } from 'vitest';
import { configErrorText } from '../../src/cli/config-error-text.js';
import { ConfigError } from '../../src/core/errors.js';

describe('config error text', () => {
  test('a raw control character (C0, DEL, C1) in a message is printed as its code; its lines stay lines', () => {
    const e = new ConfigError(
      'f.json: x',
      'Expected a name, got `a\u001b]0;pwned\u0007b\u009b2J\u007f`\n  and more',
    );
    expect(configErrorText(e, 'replay')).toBe(
      'npusim: f.json: x: Expected a name, got `a\\u001b]0;pwned\\u0007b\\u009b2J\\u007f`\n  and more\n',
    );
  });

  test("a refusal of `help`'s own words points to the help, as one of `--help`'s does", () => {
    for (const field of ['help', '--help'])
      expect(configErrorText(new ConfigError(field, 'Expected at most one command'))).toBe(
        `npusim: ${field}: Expected at most one command\nRun \`npusim --help\` for usage.\n`,
      );
  });
});
