/**
 * A value as a refusal says it got (core/shown-value.ts), the one form for workload, failure and
 * topology files: a topology file's said `` `7` (number) `` where a workload file's said `7` (QA).
 */
import { describe, expect, it } from 'vitest';
import { shown } from '../../src/core/shown-value.js';
import { describe as topologyValue } from '../../src/model/platform/spec-fields.js';

describe('shown', () => {
  it('a number bare, a string as JSON (so "7" reads apart from 7), the rest by its kind', () => {
    expect([shown(7), shown('7'), shown(null), shown([]), shown([1]), shown({})]).toEqual([
      '7',
      '"7"',
      'null',
      'an empty list',
      'a list',
      'an object',
    ]);
    expect(shown(undefined)).toBe('nothing');
    expect(shown(undefined, 'nothing (the field is missing)')).toBe('nothing (the field is missing)');
  });

  it("a string's DEL, C1 and format characters are escaped as JSON escapes its C0 controls: none reaches the terminal", () => {
    expect(shown('a\u009b2Jb\u007f\u202e\n')).toBe('"a\\u009b2Jb\\u007f\\u202e\\n"');
  });

  it("a topology file's refusal says what arrived as a workload file's does", () => {
    for (const v of [7, null, [1, 2], { a: 1 }, undefined, Number.POSITIVE_INFINITY])
      expect(topologyValue(v)).toBe(shown(v, 'nothing (the field is missing)'));
    // A string where another type was expected, as a workload file's schema says it (QA: `got "7"`
    // beside a workload file's `got the string "7"`).
    expect(topologyValue('7')).toBe('the string "7"');
  });
});
