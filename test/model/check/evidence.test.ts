import { describe, expect, test } from 'vitest';
import type { ActorReport } from '../../../src/model/actors/actor.js';
import { violationsWithEvidence } from '../../../src/model/check/evidence.js';
import { Oracle } from '../../../src/model/check/oracle.js';
import type { OracleEvent } from '../../../src/model/check/oracle-events.js';
import type { PhysAddr, Tick } from '../../../src/model/types.js';

const PA = 0x80000 as PhysAddr;
const T = (n: number) => n as Tick;

function report(name: string, oracle: Oracle): ActorReport {
  return {
    index: 0,
    name,
    kind: 'chip',
    counters: {},
    histograms: {},
    violations: [...oracle.violations],
    ruleTallies: {},
    evidence: oracle.evidence(),
    liveness: [],
    state: {},
  };
}

describe('evidence: a violation with what the other actors saw of its page', () => {
  test("stale-ats at a chip: the coordinator's free and the GPU's refill begun before the invalidate, landed after the flush", () => {
    const coordinator = new Oracle();
    coordinator.observe({ kind: 'page.free', tick: T(300), pa: PA, sizeBytes: 0x10000, epoch: 1 });
    const gpu = new Oracle();
    const ats: OracleEvent[] = [
      { kind: 'ats.refill.begin', tick: T(50), gpu: 2, pa: PA, sizeBytes: 0x10000, epoch: 0, from: 'fill' },
      { kind: 'ats.invalidate', tick: T(100), gpu: 2, pa: PA, refillsInFlight: 1 },
      { kind: 'ats.flush', tick: T(100), gpu: 2, pa: PA, swept: 0, refillsMoved: 1 },
      { kind: 'ats.flush', tick: T(200), gpu: 2, pa: PA, swept: 0, refillsMoved: 1 },
      { kind: 'ats.refill.land', tick: T(200), gpu: 2, pa: PA, sizeBytes: 0x10000, epoch: 0, refills: 1 },
    ];
    for (const e of ats) gpu.observe(e);
    // An event after the violation is no evidence for it.
    gpu.observe({ kind: 'ats.flush', tick: T(900), gpu: 2, pa: PA, swept: 1, refillsMoved: 0 });
    const chip = new Oracle();
    chip.observe({ kind: 'page.owner', tick: T(0), pa: PA, lpid: 0 });
    chip.observe({ kind: 'page.free.seen', tick: T(350), pa: PA, epoch: 1 });
    chip.observe({
      kind: 'dma.land',
      tick: T(400),
      gpu: 2,
      lpid: 0,
      pa: PA,
      lengthBytes: 256,
      write: false,
      epoch: 0,
    });
    const [v] = violationsWithEvidence([
      report('coordinator', coordinator),
      report('gpu2', gpu),
      report('chip0', chip),
    ]);
    expect(v!.rule).toBe('translation.stale-ats');
    expect(v!.history.map((h) => h.replace(/ \{.*\}/, ''))).toEqual([
      '0 page.owner',
      '50 ats.refill.begin (gpu2)',
      '100 ats.invalidate (gpu2)',
      '100 ats.flush (gpu2)',
      '200 ats.flush (gpu2)',
      '200 ats.refill.land (gpu2)',
      '300 page.free (coordinator)',
      '350 page.free.seen',
      '400 dma.land',
    ]);
    expect(v!.history[1]).toContain('"epoch":0');
  });

  test('a violation on another page, or with no address, is left as it was', () => {
    const coordinator = new Oracle();
    coordinator.observe({
      kind: 'page.free',
      tick: T(1),
      pa: (PA + 0x10000) as PhysAddr,
      sizeBytes: 0x10000,
      epoch: 1,
    });
    const chip = new Oracle();
    chip.observe({ kind: 'page.free.seen', tick: T(2), pa: PA, epoch: 1 });
    chip.observe({
      kind: 'dma.land',
      tick: T(3),
      gpu: 0,
      lpid: 0,
      pa: PA,
      lengthBytes: 256,
      write: false,
      epoch: 0,
    });
    const [v] = violationsWithEvidence([report('coordinator', coordinator), report('chip0', chip)]);
    expect(v).toEqual(chip.violations[0]);
  });
});
