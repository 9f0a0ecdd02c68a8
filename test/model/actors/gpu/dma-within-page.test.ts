/**
 * A DMA request lies within one page: the chip translates it once, at its start, and lands it as
 * one block, so a request that ran past its page's end would reach the next page through the first
 * page's translation, unjudged. The engines draw its offset where it fits, and the workload schema
 * keeps it within the smallest page (64K).
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../../src/api/run-simulation.js';
import { ConfigError } from '../../../../src/core/errors.js';
import { offsetSteps } from '../../../../src/model/actors/gpu/dma-engines.js';
import { buildWorld } from '../../../../src/model/actors/world.js';
import { PAGE_64K } from '../../../../src/model/host/page-table.js';
import { DmaRequestMsg } from '../../../../src/model/protocol/messages/dma.js';
import type { RunConfig } from '../../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { recordedEvents } from '../../../../src/runtime/digest.js';
import { runRaw } from '../../../../src/runtime/engine.js';
import { workloads } from '../../../../workloads/index.js';
import { thrownBy } from '../../../support/thrown.js';

/** dma-storm (64K pages, 75 % UT=1) with `dmaBytes`-byte DMAs, all of them writes. */
function dmaStorm(dmaBytes: number): RunConfig {
  const w = workloads.find((x) => x.name === 'dma-storm')!;
  const params = parseParams(
    { ...w.params, durationTicks: 20_000_000, gpu: { ...w.params.gpu, dmaBytes } },
    w.name,
  );
  return { workload: w.name, seed: 5, bugs: [], params };
}

/** Offset in its 64K page of every DMA request the chips received (bus address or physical). */
async function requestOffsets(dmaBytes: number): Promise<number[]> {
  const raw = await runRaw(dmaStorm(dmaBytes), { host: 'inline', recordEvents: 1_000_000 });
  const offsets: number[] = [];
  for (const events of raw.recorded) {
    for (const [, kind, , , address] of recordedEvents(events))
      if (kind === DmaRequestMsg.kind) offsets.push(address % PAGE_64K);
  }
  return offsets;
}

describe('a DMA request lies within its page', () => {
  test('the offsets a DMA may start at: every 256-byte step up to the last where it fits', () => {
    expect(offsetSteps(PAGE_64K, 1)).toBe(256);
    expect(offsetSteps(PAGE_64K, 256)).toBe(256);
    expect(offsetSteps(PAGE_64K, 257)).toBe(255);
    expect(offsetSteps(PAGE_64K, 4096)).toBe(241);
    expect(offsetSteps(PAGE_64K, PAGE_64K)).toBe(1);
    expect(offsetSteps(2 * 1024 * 1024, 4096)).toBe(8177);
  });

  test('4 KiB DMAs (UT=0 and UT=1) start anywhere in their page up to its last 4 KiB, never past it', async () => {
    const offsets = await requestOffsets(4096);
    expect(offsets.length).toBeGreaterThan(1000);
    expect(offsets.filter((o) => o + 4096 > PAGE_64K)).toEqual([]);
    // The draw still reaches the page's end: some DMA ends on it exactly.
    expect(offsets).toContain(PAGE_64K - 4096);
    expect(new Set(offsets).size).toBeGreaterThan(200);
  });

  test('a DMA of a whole 64K page starts on the page', async () => {
    const offsets = await requestOffsets(PAGE_64K);
    expect(offsets.length).toBeGreaterThan(100);
    expect(new Set(offsets)).toEqual(new Set([0]));
  });

  test('a config built around the schema (the library takes a RunConfig as it is) is refused by the world, in the same words', async () => {
    const c = dmaStorm(4096);
    const big = { ...c, params: { ...c.params, gpu: { ...c.params.gpu, dmaBytes: 131072 } } };
    const e = thrownBy(ConfigError, () => buildWorld(big));
    expect(e.field).toBe('gpu.dmaBytes');
    expect(e.message).toBe(
      'gpu.dmaBytes: Expected at most 65536 bytes (a DMA request lies within one page, and 64K is the smallest page a DMA reaches), got 131072',
    );
    await expect(runSimulation(big, { host: 'inline' })).rejects.toThrow(ConfigError);
    for (const [dmaBytes, got] of [
      [0, '0'],
      [-5, '-5'],
      [100.5, '100.5'],
      [Number.NaN, 'NaN'],
      ['4096', '"4096"'],
    ] as const) {
      const bad = { ...c, params: { ...c.params, gpu: { ...c.params.gpu, dmaBytes: dmaBytes as number } } };
      expect(thrownBy(ConfigError, () => buildWorld(bad)).message).toBe(
        `gpu.dmaBytes: Expected a whole number of bytes from 1 to 65536, got ${got}`,
      );
    }
  });

  test('a DMA larger than 64K is refused before the run, saying why', () => {
    const w = workloads.find((x) => x.name === 'dma-storm')!;
    for (const dmaBytes of [PAGE_64K + 1, 1 << 20, 2 ** 31]) {
      expect(() =>
        parseParams({ ...w.params, gpu: { ...w.params.gpu, dmaBytes } }, 'w.json: params'),
      ).toThrow(
        `w.json: params.gpu.dmaBytes: Expected at most 65536 bytes (a DMA request lies within one page, and 64K is the smallest page a DMA reaches), got ${dmaBytes}`,
      );
    }
  });
});
