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
  const { field, message } = firstIssue(r.error, input);
  return `${field}: ${message}`;
}

describe('schema issues: what arrived', () => {
  test('a number JSON cannot write, a BigInt, a function: each named, never null and never a throw', () => {
    expect(said({ n: Number.NaN })).toBe('n: Invalid input: expected number, got NaN');
    expect(said({ n: Number.POSITIVE_INFINITY })).toBe('n: Invalid input: expected number, got Infinity');
    expect(said({ n: 10n })).toBe('n: Invalid input: expected number, got 10n (a BigInt)');
    expect(said({ n: () => 1 })).toBe('n: Invalid input: expected number, got a function');
  });

  test('sizes and types say the value; a long string is cut; a missing field says so', () => {
    expect(said({ n: 0 })).toBe('n: Too small: expected number to be >=1, got 0');
    expect(said({ n: 1, s: 5 })).toBe('s: Invalid input: expected string, got 5');
    expect(said({ n: 'x'.repeat(100) })).toBe(`n: Invalid input: expected number, got "${'x'.repeat(76)}...`);
    expect(said({})).toBe('n: Expected a number, got nothing (the field is missing)');
  });

  test('a message the schema wrote itself is kept, with nothing added', () => {
    const own = z.object({ v: z.string({ error: 'Expected the version, got none' }) });
    const r = own.safeParse({});
    if (r.success) throw new Error('expected the input to be refused');
    expect(firstIssue(r.error, {}).message).toBe('Expected the version, got none');
  });
});
