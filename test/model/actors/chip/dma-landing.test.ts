/**
 * A chip's UT=1 DMA landing driven by hand (no runtime), then a whole tce-storm run: every TCE
 * cache lookup counts as a hit or a miss (`tce.hits`, `tce.misses`), the lookups that end in a
 * fault too, and a faulting miss completes after the table fetch it made, as an ok miss pays it
 * before its memory access. An access outside the window makes no lookup and counts neither.
 * Before, a fault returned ahead of the hit/miss count and completed at once: tce-storm's TCE hit
 * rate left out its invalid-entry faults (86.6 % where 69.7 % was right, seed 3, 100 us).
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../../src/api/run-simulation.js';
import type { ActorContext } from '../../../../src/model/actors/actor.js';
import { ChipEnv } from '../../../../src/model/actors/chip/chip-env.js';
import { DmaLanding, TCE_FETCH_TICKS_PER_LEVEL } from '../../../../src/model/actors/chip/dma-landing.js';
import { Counters } from '../../../../src/model/actors/counters.js';
import { C } from '../../../../src/model/actors/metric-names.js';
import { buildWorld } from '../../../../src/model/actors/world.js';
import { DmaCompleteMsg, DmaRequestMsg, DmaStatus } from '../../../../src/model/protocol/messages/dma.js';
import { newMessage, type SendFields } from '../../../../src/model/protocol/sim-message.js';
import type { RunConfig } from '../../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { TceSystem } from '../../../../src/model/tce/tce.js';
import { type BusAddr, bus, phys } from '../../../../src/model/types.js';
import { workloads } from '../../../../workloads/index.js';
import { recordingOracle } from '../../../support/recording-oracle.js';

const PAGE = 0x1_0000;
const MEMORY_ACCESS = 100_000;

function config(seed: number, durationTicks?: number): RunConfig {
  const w = workloads.find((x) => x.name === 'tce-storm')!;
  const params = parseParams(
    { ...w.params, ...(durationTicks === undefined ? {} : { durationTicks }) },
    'tce-storm',
  );
  return { workload: 'tce-storm', seed, bugs: [], params };
}

/**
 * Chip 0's DMA landing with a TCE system of its own (GPU 0's window, 1024 64K pages, one level or
 * two), its counters and oracle events, and what it sends back to GPU 0.
 */
function harness(levelEntries?: number) {
  const world = buildWorld(config(1));
  const { oracle, events } = recordingOracle();
  const counters = new Counters();
  const env = new ChipEnv(world.chipActor[0]!, world, counters, oracle);
  const tce = new TceSystem(world.topology);
  tce.createWindow(0, { pageShift: 16, windowPages: 1024, levelEntries });
  const landing = new DmaLanding(env, tce);
  const sent: { fields: SendFields; delay: number }[] = [];
  const ctx = {
    now: 1_000_000,
    self: world.chipActor[0]!,
    chooser: {
      choose: () => {
        throw new Error('no choice expected');
      },
    },
    send: (_edge: number, fields: SendFields, _wireBytes: number, delay = 0) => {
      sent.push({ fields: { ...fields }, delay });
    },
    schedule: () => {
      throw new Error('no timer expected');
    },
  } satisfies ActorContext & { now: number };
  let tag = 0;
  /** A UT=1 DMA from GPU 0 over PCIe: its completion's status and the delay it left after. */
  const dma = (address: BusAddr, write: boolean) => {
    const m = Object.assign(
      newMessage(),
      DmaRequestMsg.encode({
        dma: ++tag,
        gpu: 0,
        translation: 'ut1',
        path: 'pcie',
        write,
        address,
        lpid: 1,
        epoch: 0,
        lengthBytes: 128,
      }),
      { source: world.gpuActor[0]! },
    );
    landing.onDma(m, ctx);
    const last = sent.at(-1)!;
    const c = DmaCompleteMsg.decode(Object.assign(newMessage(), last.fields));
    expect(c.dma).toBe(tag);
    return { status: c.status, delay: last.delay };
  };
  const counts = () => [counters.get(C.tceHits), counters.get(C.tceMisses)];
  return { tce, dma, counts, counters, events };
}

describe('chip DMA landing: every TCE cache lookup is a hit or a miss, faults included', () => {
  test('a miss that finds an invalid entry counts a miss and completes after the table fetch (one level, or two)', () => {
    for (const [levelEntries, levels] of [
      [undefined, 1],
      [256, 2],
    ] as const) {
      const h = harness(levelEntries);
      const b = h.tce.map(0, [phys(0x1000_0000)]);
      expect(h.dma(bus(b + PAGE), false)).toEqual({
        status: DmaStatus.tceFault,
        delay: levels * TCE_FETCH_TICKS_PER_LEVEL,
      });
      expect(h.counts()).toEqual([0, 1]);
      expect(h.counters.get('tce.fault.invalid-entry')).toBe(1);
      // The oracle still hears the fault, at its arrival.
      expect(h.events.filter((e) => e.kind === 'tce.fault')).toMatchObject([
        { gpu: 0, index: 1, tick: 1_000_000 },
      ]);
      // An ok miss pays the same fetch, then the memory access.
      expect(h.dma(b, false)).toEqual({
        status: DmaStatus.ok,
        delay: levels * TCE_FETCH_TICKS_PER_LEVEL + MEMORY_ACCESS,
      });
      expect(h.counts()).toEqual([0, 2]);
    }
  });

  test('a no-permission fault after a hit counts the hit and completes at once; after a miss, the miss and its fetch', () => {
    const h = harness();
    const ro = h.tce.map(0, [phys(0x2000_0000), phys(0x2001_0000)], 'r');
    expect(h.dma(ro, false)).toEqual({
      status: DmaStatus.ok,
      delay: TCE_FETCH_TICKS_PER_LEVEL + MEMORY_ACCESS,
    });
    expect(h.counts()).toEqual([0, 1]);
    expect(h.dma(ro, true)).toEqual({ status: DmaStatus.tceFault, delay: 0 });
    expect(h.counts()).toEqual([1, 1]);
    expect(h.dma(bus(ro + PAGE), true)).toEqual({
      status: DmaStatus.tceFault,
      delay: TCE_FETCH_TICKS_PER_LEVEL,
    });
    expect(h.counts()).toEqual([1, 2]);
    expect(h.counters.get('tce.fault.no-permission')).toBe(2);
  });

  test('an access outside the window makes no lookup: neither a hit nor a miss, no fetch', () => {
    const h = harness();
    expect(h.dma(bus(1024 * PAGE), false)).toEqual({ status: DmaStatus.tceFault, delay: 0 });
    expect(h.counts()).toEqual([0, 0]);
    expect(h.counters.get('tce.fault.outside-window')).toBe(1);
  });
});

describe('a tce-storm run: the TCE hit rate is over every lookup', () => {
  test('tce.hits + tce.misses lies between the UT=1 DMAs that ended and those issued, and counts the faults', async () => {
    // tce-storm issues only UT=1 DMA, every one to a page of its GPU's window (no UT=0, no peer
    // traffic), so each DMA that reached its chip made one window lookup: those that ended
    // (dma.completed + dma.faulted) did, and at most dma.ut1 did (the rest were still on their
    // way to the chip when the run stopped). Before, the lookups that found an invalid entry
    // were left out, and hits + misses fell short of dma.completed + dma.faulted.
    const r = await runSimulation(config(3, 100_000_000), { host: 'inline' });
    const c = r.counts;
    expect(c['dma.ut0'] ?? 0).toBe(0);
    expect(c['peer.issued'] ?? 0).toBe(0);
    const faults = (c['tce.fault.invalid-entry'] ?? 0) + (c['tce.fault.no-permission'] ?? 0);
    expect(faults).toBeGreaterThan(0);
    expect(c['tce.fault.outside-window'] ?? 0).toBe(0);
    const lookups = c['tce.hits']! + c['tce.misses']!;
    expect(lookups).toBeGreaterThanOrEqual(c['dma.completed']! + c['dma.faulted']!);
    expect(lookups).toBeLessThanOrEqual(c['dma.ut1']!);
    // Every faulting lookup counted: the ok lookups alone are at most the DMAs that did not fault.
    expect(lookups - faults).toBeLessThanOrEqual(c['dma.ut1']! - c['dma.faulted']!);
    expect(r.contention.tceHitRate).toBeCloseTo(c['tce.hits']! / lookups, 12);
  });
});
