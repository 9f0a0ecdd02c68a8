import { describe, expect, test } from 'vitest';
import {
  AdaptiveSpin,
  FIRST_PROBE_AFTER,
  MAX_SPIN_ROUNDS,
  MIN_SPIN_ROUNDS,
} from '../../src/transport/adaptive-spin.js';

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

  describe('off, when other processes hold the cores (offAfter > 0)', () => {
    const LONG = 5;
    const SHORT = 0.1;
    const MIDDLING = 1;

    test('without offAfter it never turns off, however long the parks', () => {
      const spin = new AdaptiveSpin(500, 64, 16_384);
      for (let i = 0; i < 1000; i++) spin.afterPark(LONG, false);
      expect(spin.active).toBe(true);
      expect(spin.spinRounds).toBe(64);
      expect(spin.turnedOff).toBe(0);
    });

    test('long parks turn it off once offAfter were judged: no spin at all then', () => {
      const spin = new AdaptiveSpin(500, 64, 16_384, 8);
      for (let i = 0; i < 7; i++) spin.afterPark(LONG, true);
      expect(spin.active).toBe(true);
      spin.afterPark(LONG, true);
      expect(spin.active).toBe(false);
      expect(spin.spinRounds).toBe(0);
      expect(spin.turnedOff).toBe(1);
    });

    test('three long parks in four turn it off, where a strict run of long ones never comes', () => {
      const spin = new AdaptiveSpin(500, 64, 16_384, 8);
      for (let i = 0; i < 64 && spin.active; i++) spin.afterPark(i % 4 === 3 ? SHORT : LONG, true);
      expect(spin.active).toBe(false);
    });

    test('a machine whose partners answer at once, or after a middling wait, keeps it on', () => {
      const spin = new AdaptiveSpin(500, 64, 16_384, 8);
      for (let i = 0; i < 10_000; i++) spin.afterPark(i % 3 === 0 ? MIDDLING : SHORT, true);
      // One long park in three (a partner's long window) is not most of them.
      for (let i = 0; i < 10_000; i++) spin.afterPark(i % 3 === 0 ? LONG : SHORT, true);
      expect(spin.active).toBe(true);
      expect(spin.turnedOff).toBe(0);
    });

    test('short parks while off do not turn it on; it is tried again after FIRST_PROBE_AFTER parks', () => {
      const spin = new AdaptiveSpin(500, 64, 16_384, 8);
      for (let i = 0; i < 8; i++) spin.afterPark(LONG, false);
      expect(spin.active).toBe(false);
      for (let i = 0; i < FIRST_PROBE_AFTER - 1; i++) spin.afterPark(SHORT, true);
      expect(spin.active).toBe(false);
      spin.afterPark(SHORT, true);
      expect(spin.active).toBe(true);
      expect(spin.spinRounds).toBe(64);
      // Still busy: off again within offAfter parks, and the next try waits twice as long.
      for (let i = 0; i < 8; i++) spin.afterPark(LONG, false);
      expect(spin.active).toBe(false);
      expect(spin.turnedOff).toBe(2);
      for (let i = 0; i < 2 * FIRST_PROBE_AFTER - 1; i++) spin.afterPark(LONG, false);
      expect(spin.active).toBe(false);
      spin.afterPark(LONG, false);
      expect(spin.active).toBe(true);
    });
  });
});
