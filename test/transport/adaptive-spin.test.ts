import { describe, expect, test } from 'vitest';
import { AdaptiveSpin, MAX_SPIN_ROUNDS, MIN_SPIN_ROUNDS } from '../../src/transport/adaptive-spin.js';

describe('adaptive spin: how long a blocking ring call spins before parking', () => {
  test('a park the partner ended quickly doubles the budget, up to the ceiling', () => {
    const spin = new AdaptiveSpin(64);
    spin.afterPark(0.1, true);
    expect(spin.rounds).toBe(128);
    for (let i = 0; i < 20; i++) spin.afterPark(0.1, true);
    expect(spin.rounds).toBe(MAX_SPIN_ROUNDS);
  });

  test('a long park or a time-out halves the budget, down to the floor', () => {
    const spin = new AdaptiveSpin(64);
    spin.afterPark(5, true);
    expect(spin.rounds).toBe(32);
    spin.afterPark(0.1, false);
    expect(spin.rounds).toBe(16);
    for (let i = 0; i < 20; i++) spin.afterPark(50, false);
    expect(spin.rounds).toBe(MIN_SPIN_ROUNDS);
  });

  test('a park of middling length leaves the budget alone, and the start is clamped', () => {
    const spin = new AdaptiveSpin(64);
    spin.afterPark(1, true);
    expect(spin.rounds).toBe(64);
    expect(new AdaptiveSpin(1).rounds).toBe(MIN_SPIN_ROUNDS);
    expect(new AdaptiveSpin(1e9).rounds).toBe(MAX_SPIN_ROUNDS);
  });

  test('bounds of its own (the worker loop waits on many rings): clamped start, ceiling and floor', () => {
    const spin = new AdaptiveSpin(500, 64, 16_384);
    expect(spin.rounds).toBe(500);
    for (let i = 0; i < 20; i++) spin.afterPark(0.1, true);
    expect(spin.rounds).toBe(16_384);
    for (let i = 0; i < 20; i++) spin.afterPark(50, false);
    expect(spin.rounds).toBe(64);
    expect(new AdaptiveSpin(1, 64, 16_384).rounds).toBe(64);
    expect(new AdaptiveSpin(1e9, 64, 16_384).rounds).toBe(16_384);
  });
});
