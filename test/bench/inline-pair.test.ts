import { describe, expect, test } from 'vitest';
import { workloadConfig } from '../../bench/bench-run.js';
import { runInlinePair } from '../../bench/engine.js';
import { combineDigests } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';

/** The engine bench's `inline-pair` row: two inline runs at once, one per worker thread. */
describe('engine bench, inline-pair (bench/peers/inline-pair-peer.ts)', () => {
  test.each(['warm', 'cold'] as const)(
    'a %s pair gives the digest of the same run here, twice the events and both runs reaching its end',
    async (start) => {
      const config = await workloadConfig('stress', 7, 20_000_000);
      const here = await runRaw(config, { host: 'inline' });
      // A short warm-up (the bench's is 2 ms simulated, seconds here): what is tested is that the
      // warm-up run leaves the timed run's result alone.
      const pair = await runInlinePair(config, start, 5_000_000);
      expect(pair.digest).toBe(combineDigests(here.actorDigests));
      expect(pair.events).toBe(2 * here.events);
      expect(pair.reachedTick).toBe(2 * here.reachedTick);
      expect(pair.wallMs).toBeGreaterThan(0);
    },
    120_000,
  );

  test('a peer handed a warm-up that is no tick count refuses it, naming the field', async () => {
    const config = await workloadConfig('stress', 7, 20_000_000);
    await expect(runInlinePair(config, 'warm', 0.5)).rejects.toThrow(
      /worker \d \(inline-pair-peer\).*Expected workerData `warmTicks` to be a non-negative integer, got `0\.5`/s,
    );
  }, 120_000);

  test('a peer handed a config it cannot run fails the pair, naming the worker', async () => {
    const config = await workloadConfig('stress', 7, 20_000_000);
    const broken = { ...config, params: { ...config.params, gpu: undefined } } as unknown as typeof config;
    await expect(runInlinePair(broken, 'cold', 0)).rejects.toThrow(/worker \d \(inline-pair-peer\)/);
  }, 120_000);
});
