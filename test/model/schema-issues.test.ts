/**
 * What arrived, as every schema error says it (model/scenario/schema-issues.ts `firstIssue`):
 * values JSON has no words for (NaN, Infinity, a BigInt, a function) are named, not misread as
 * `null` or thrown on; a message the schema wrote itself is kept as it is.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { firstIssue } from '../../src/model/scenario/schema-issues.js';

const schema = z.object({ n: z.number().int().min(1), s: z.string().optional() });

function said(input: unknown): string {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected the input to be refused');
  const { field, message } = firstIssue(r.error, input, schema);
  return `${field}: ${message}`;
}

describe('schema issues: what arrived', () => {
  test('a number JSON cannot write, a BigInt, a function: each named, never null and never a throw', () => {
    expect(said({ n: Number.NaN })).toBe('n: Expected an integer of at least 1, got NaN');
    // Mostly a literal past a double's range (`--set n=1e400`, `1e400` in JSON), said as such; zod's
    // `received -Infinity` is not left beside it.
    expect(said({ n: Number.POSITIVE_INFINITY })).toBe(
      'n: Expected an integer of at least 1, got Infinity (a number too large: above 1.8e308)',
    );
    expect(said({ n: Number.NEGATIVE_INFINITY })).toBe(
      'n: Expected an integer of at least 1, got -Infinity (a number too large: below -1.8e308)',
    );
    expect(said({ n: 10n })).toBe('n: Expected an integer of at least 1, got 10n (a BigInt)');
    expect(said({ n: () => 1 })).toBe('n: Expected an integer of at least 1, got a function');
  });

  test('sizes and types say the value; a long string is cut; a missing field says so', () => {
    expect(said({ n: 0 })).toBe('n: Expected an integer of at least 1, got 0');
    expect(said({ n: 1, s: 5 })).toBe('s: Expected a string, got 5');
    expect(said({ n: 'x'.repeat(100) })).toBe(
      `n: Expected an integer of at least 1, got the string "${'x'.repeat(76)}...`,
    );
    expect(said({})).toBe('n: Expected an integer of at least 1, got nothing (the field is missing)');
  });

  test("zod's size bounds are said in the house form: what was expected, then what arrived", () => {
    const bounds = z.object({
      list: z.array(z.number()).min(1).max(2).optional(),
      name: z.string().min(2).optional(),
      frac: z.number().gt(0).lt(1).optional(),
    });
    const say = (input: unknown) => {
      const r = bounds.safeParse(input);
      if (r.success) throw new Error('expected the input to be refused');
      const { field, message } = firstIssue(r.error, input, bounds);
      return `${field}: ${message}`;
    };
    expect(say({ list: [] })).toBe('list: Expected a list of at least 1 item, got an empty list');
    expect(say({ list: [1, 2, 3] })).toBe('list: Expected a list of at most 2 items, got a list');
    expect(say({ name: 'x' })).toBe('name: Expected a string of at least 2 characters, got "x"');
    expect(say({ frac: 0 })).toBe('frac: Expected a number greater than 0 and less than 1, got 0');
    expect(say({ frac: 1 })).toBe('frac: Expected a number greater than 0 and less than 1, got 1');
  });

  test("zod's own words for a type, an integer or a choice are said in the house form, with the schema's range (QA)", () => {
    const shape = z.object({
      threads: z.number().int().min(1).max(64).default(4).optional(),
      id: z.number().int().positive().optional(),
      on: z.boolean().optional(),
      rate: z.enum(['ats-hit', 'tce-hit']).optional(),
      groups: z.union([z.array(z.number().int().min(0)).min(1), z.literal('all')]).optional(),
      waitTicks: z.number().int().min(0).optional(),
    });
    const say = (input: unknown) => {
      const r = shape.safeParse(input);
      if (r.success) throw new Error('expected the input to be refused');
      const { field, message } = firstIssue(r.error, input, shape);
      return `${field}: ${message}`;
    };
    expect(say({ threads: '2' })).toBe('threads: Expected an integer from 1 to 64, got the string "2"');
    expect(say({ threads: 2.5 })).toBe('threads: Expected an integer from 1 to 64, got 2.5');
    expect(say({ threads: 0 })).toBe('threads: Expected an integer from 1 to 64, got 0');
    expect(say({ threads: 65 })).toBe('threads: Expected an integer from 1 to 64, got 65');
    // positive(): the integers from 1, not `greater than 0`.
    expect(say({ id: 0.5 })).toBe('id: Expected an integer of at least 1, got 0.5');
    expect(say({ on: 'yes' })).toBe('on: Expected true or false, got the string "yes"');
    expect(say({ rate: 'tce' })).toBe(
      'rate: Expected one of ats-hit, tce-hit, got `tce` (did you mean `tce-hit`?)',
    );
    expect(say({ rate: 'tce-hits' })).toBe(
      'rate: Expected one of ats-hit, tce-hit, got `tce-hits` (did you mean `tce-hit`?)',
    );
    expect(say({ rate: 3 })).toBe('rate: Expected one of ats-hit, tce-hit, got 3');
    // Inside a union's list: the range of the list's items.
    expect(say({ groups: [0.5] })).toBe('groups[0]: Expected an integer of at least 0, got 0.5');
    // A span with a unit where a `...Ticks` field counts ticks: the ticks it means, exactly.
    expect(say({ waitTicks: '1.5us' })).toBe(
      'waitTicks: Expected an integer of at least 0, got the string "1.5us" (waitTicks is in ps: 1500000 for 1.5us)',
    );
    // Finer than a tick, or no unit: no hint.
    expect(say({ waitTicks: '0.5ps' })).toBe(
      'waitTicks: Expected an integer of at least 0, got the string "0.5ps"',
    );
    expect(say({ waitTicks: 'soon' })).toBe(
      'waitTicks: Expected an integer of at least 0, got the string "soon"',
    );
  });

  test('a message the schema wrote itself is kept, with nothing added', () => {
    const own = z.object({ v: z.string({ error: 'Expected the version, got none' }) });
    const r = own.safeParse({});
    if (r.success) throw new Error('expected the input to be refused');
    expect(firstIssue(r.error, {}, own).message).toBe('Expected the version, got none');
  });
});
