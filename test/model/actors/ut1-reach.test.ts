/**
 * The GPUs said before a run to send no UT=1 DMA (actors/ut1-reach.ts): a tenant with no TCE pages
 * under a UT=1 share. QA: `--set tenants.0.tcePagesPerGpu=0` with the default 30 % share counted
 * `dma.ut1: 0` and said nothing. The note is checked against the run: where it is said, the run
 * counts no UT=1 DMA; where it is not, it counts some; no shipped workload or variant says it.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { worldOf } from '../../../src/model/actors/machine.js';
import { gpusWithoutTceWindow } from '../../../src/model/actors/ut1-reach.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { workloads } from '../../../workloads/index.js';
import { variantConfig } from '../../support/variant-config.js';

const config = (name: string, sets: Record<string, unknown> = {}, variant?: string): RunConfig =>
  variantConfig(name, 20_000_000, sets, variant);

describe('GPUs said to send no UT=1 DMA before the run', () => {
  test('mixed with tenant 0 given no TCE pages: its GPUs named, and the run sends no UT=1 DMA from them', async () => {
    const c = config('mixed', { 'tenants.0.tcePagesPerGpu': 0, 'tenants.1.tcePagesPerGpu': 0 });
    const note = gpusWithoutTceWindow(worldOf(c));
    expect(note?.head).toMatch(/^gpu\.ut1Percent 30 sends no UT=1 DMA from gpu0 to gpu5$/);
    expect(note?.detail).toMatch(/tenants \S+, \S+ have no TCE pages \(tcePagesPerGpu 0\)/);
    const r = await runSimulation(c, { host: 'inline' });
    expect(r.counts['dma.ut1'] ?? 0).toBe(0);
    expect(r.counts['dma.ut0']).toBeGreaterThan(0);
  });

  test('mixed as it ships: nothing said, and UT=1 DMA is sent', async () => {
    const c = config('mixed');
    expect(gpusWithoutTceWindow(worldOf(c))).toBeUndefined();
    const r = await runSimulation(c, { host: 'inline' });
    expect(r.counts['dma.ut1']).toBeGreaterThan(0);
  });

  test('no UT=1 share: nothing to say, TCE pages or not', () => {
    expect(
      gpusWithoutTceWindow(
        worldOf(
          config('mixed', { 'gpu.ut0Percent': 90, 'gpu.ut1Percent': 0, 'tenants.0.tcePagesPerGpu': 0 }),
        ),
      ),
    ).toBeUndefined();
  });

  test.each(
    workloads.flatMap((w) => [undefined, ...w.variants.map((v) => v.name)].map((v) => ({ w: w.name, v }))),
  )('$w $v: none', ({ w, v }) => {
    expect(gpusWithoutTceWindow(worldOf(config(w, {}, v)))).toBeUndefined();
  });
});
