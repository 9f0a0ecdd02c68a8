/**
 * The GPUs said before a run to send no DMA (actors/dma-reach.ts): no DMA engine and no
 * collective. QA: `npusim run dma-storm --set gpu.engines=0` answered `DMA moved 0 B/s` without a
 * word. The note is checked against the run: where it is said, the run counts no DMA and no peer
 * access; where the collective alone runs, nothing is said and peer writes are counted; no shipped
 * workload or variant says it.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { gpusWithoutDma } from '../../../src/model/actors/dma-reach.js';
import { worldOf } from '../../../src/model/actors/machine.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { workloads } from '../../../workloads/index.js';
import { variantConfig } from '../../support/variant-config.js';

const config = (name: string, sets: Record<string, unknown> = {}, variant?: string): RunConfig =>
  variantConfig(name, 30_000_000, sets, variant);

describe('GPUs said to send no DMA before the run', () => {
  test('dma-storm with no engines: its GPUs named, and the run sends no DMA, but still shoots down', async () => {
    const c = config('dma-storm', { 'gpu.engines': 0 });
    const note = gpusWithoutDma(worldOf(c));
    expect(note?.head).toBe('no DMA or peer access is sent from gpu0 to gpu5');
    expect(note?.detail).toMatch(/`gpu\.engines` 0.*`gpu\.collective` none/);
    const r = await runSimulation(c, { host: 'inline' });
    for (const k of ['dma.ut0', 'dma.ut1', 'peer.issued']) expect(r.counts[k] ?? 0).toBe(0);
    expect(r.counts['shootdown.completed'] ?? 0).toBeGreaterThan(0);
  });

  test('p2p-allreduce with no engines but its collective: nothing said, and peer writes are sent', async () => {
    const c = config('p2p-allreduce', { 'gpu.engines': 0 });
    expect(gpusWithoutDma(worldOf(c))).toBeUndefined();
    const r = await runSimulation(c, { host: 'inline' });
    expect(r.counts['allreduce.writes']).toBeGreaterThan(0);
  });

  test.each(
    workloads.flatMap((w) => [undefined, ...w.variants.map((v) => v.name)].map((v) => ({ w: w.name, v }))),
  )('$w $v: none', ({ w, v }) => {
    expect(gpusWithoutDma(worldOf(config(w, {}, v)))).toBeUndefined();
  });
});
