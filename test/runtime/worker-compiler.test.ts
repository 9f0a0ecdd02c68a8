import { describe, expect, test } from 'vitest';
import { compilesOnOwnThread } from '../../src/runtime/worker-compiler.js';

describe('where the workers compile', () => {
  test('on their own threads only when spinning workers take every core', () => {
    expect(compilesOnOwnThread(2, 2, true)).toBe(true);
    expect(compilesOnOwnThread(16, 16, true)).toBe(true);
  });

  test('a spare core takes the compiles', () => {
    expect(compilesOnOwnThread(1, 2, true)).toBe(false);
    expect(compilesOnOwnThread(8, 16, true)).toBe(false);
  });

  test('parked workers (more than the cores) keep the background compiler', () => {
    expect(compilesOnOwnThread(9, 2, false)).toBe(false);
    // Spinning forced with more workers than cores (the runtime's spinRounds option): none spare.
    expect(compilesOnOwnThread(9, 2, true)).toBe(true);
  });
});
