/**
 * JSON read from a file the user named (a run result, a sweep summary, a topology, a failure
 * file): text that does not parse is a ConfigError naming the file (exit 2), in the house shape
 * ``x.json: Expected a JSON sweep summary, got a syntax error: Unexpected end of JSON input``.
 * What the value must look like is each reader's own check, made after this one.
 */
import { ConfigError } from './errors.js';

/**
 * `JSON.parse(text)`, or a ConfigError on `field`: "Expected `expected`, got `got`: the parser's
 * message". `got` says what the text was instead (default: a syntax error).
 */
export function parseJson(text: string, field: string, expected: string, got = 'a syntax error'): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // Text cut short (a run killed while writing, a copy that stopped): V8 says "Unexpected end of
    // JSON input" or names a position at the very end; say what that usually means.
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const truncated =
      text.trim() !== '' &&
      (/end of JSON input/.test(message) || (at !== null && Number(at[1]) >= text.trimEnd().length));
    throw new ConfigError(
      field,
      `Expected ${expected}, got ${got}: ${message}${truncated ? ' (the text ends before its last value does: a truncated file?)' : ''}`,
    );
  }
}
