import { describe, expect, test } from 'vitest';
import { Counters } from '../../../src/model/actors/counters.js';

describe('Counters', () => {
  test('a slot bumps the named counter; values lists counters in order of first appearance', () => {
    const c = new Counters<string>(['a', 'b']);
    const late = c.slot('late');
    const z = c.slot('z');
    expect(c.values).toEqual({ a: 0, b: 0 });
    c.add('x', 2);
    c.bump(z);
    c.bump(late, 5);
    c.add('a');
    c.bump(z, 3);
    expect(Object.entries(c.values)).toEqual([
      ['a', 1],
      ['b', 0],
      ['x', 2],
      ['z', 4],
      ['late', 5],
    ]);
    expect(c.get('z')).toBe(4);
    expect(c.get('never')).toBe(0);
    expect(c.slot('z')).toBe(z);
  });
});
