/**
 * The scenario passes of `npusim shrink` (src/repro/scenario-passes.ts), candidate by candidate:
 * the passes that drop a whole kind of traffic, and the per-tenant halvings. Whether a shrink keeps
 * them is shrink.test.ts's part; here, what each pass offers and that every offer still validates.
 */
import { describe, expect, test } from 'vitest';
import { paramsIssues, type WorkloadParams } from '../../src/model/scenario/workload-params.js';
import { scenarioPasses } from '../../src/repro/scenario-passes.js';
import { workloads } from '../../workloads/index.js';

const registry = new Map(workloads.map((w) => [w.name, w]));
const params = (name: string): WorkloadParams => registry.get(name)!.params;
const pass = (name: string) => {
  const found = scenarioPasses().find(([n]) => n === name);
  if (found === undefined) throw new Error(`no scenario pass named ${name}`);
  return found[1];
};

describe('scenario passes that drop a kind of traffic', () => {
  test('fewer kinds of DMA: each kind in turn, peer first, its share to the largest kind left', () => {
    const p = params('stress');
    const mix = (q: WorkloadParams) => [q.gpu.ut0Percent, q.gpu.ut1Percent, q.gpu.peerPercent];
    const withMix = (ut0: number, ut1: number, peer: number): WorkloadParams => ({
      ...p,
      gpu: { ...p.gpu, ut0Percent: ut0, ut1Percent: ut1, peerPercent: peer },
    });
    expect(pass('fewer kinds of DMA')(withMix(60, 30, 10)).map(mix)).toEqual([
      [70, 30, 0],
      [90, 0, 10],
      [0, 90, 10],
    ]);
    // A tie goes to the first kind (UT=0 before UT=1).
    expect(pass('fewer kinds of DMA')(withMix(0, 50, 50)).map(mix)).toEqual([
      [0, 100, 0],
      [0, 0, 100],
    ]);
    expect(pass('fewer kinds of DMA')(withMix(0, 100, 0))).toEqual([]);
    // No engines: the shares say nothing.
    expect(pass('fewer kinds of DMA')({ ...withMix(60, 30, 10), gpu: { ...p.gpu, engines: 0 } })).toEqual([]);
  });

  test('one kind of unmap, of TCE unmap, one direction of DMA: 0 then 100, none when already one', () => {
    const p = params('stress');
    expect(
      pass('one kind of unmap')({ ...p, host: { ...p.host, migratePercent: 50 } }).map(
        (q) => q.host.migratePercent,
      ),
    ).toEqual([0, 100]);
    expect(pass('one kind of unmap')({ ...p, host: { ...p.host, migratePercent: 100 } })).toEqual([]);
    const tce = { ...p, host: { ...p.host, tceRemapIntervalTicks: 4_000_000, tceWindowResetPercent: 25 } };
    expect(pass('one kind of TCE unmap')(tce).map((q) => q.host.tceWindowResetPercent)).toEqual([0, 100]);
    // Without TCE unmaps their kinds are no part of the failure: nothing offered.
    expect(
      pass('one kind of TCE unmap')({ ...tce, host: { ...tce.host, tceRemapIntervalTicks: 0 } }),
    ).toEqual([]);
    expect(
      pass('one direction of DMA')({ ...p, gpu: { ...p.gpu, writePercent: 30 } }).map(
        (q) => q.gpu.writePercent,
      ),
    ).toEqual([0, 100]);
    expect(pass('one direction of DMA')({ ...p, gpu: { ...p.gpu, writePercent: 30, engines: 0 } })).toEqual(
      [],
    );
  });

  test('no GPU resets, no context churn, no BAR0 accesses, no TCE unmaps, no collective: the fields gone or off', () => {
    const resets = params('gpu-reset');
    expect(resets.resets).toBeDefined();
    const [noResets] = pass('no GPU resets')(resets);
    expect(noResets).toBeDefined();
    expect('resets' in noResets!).toBe(false);
    expect(pass('no GPU resets')(noResets!)).toEqual([]);

    const churn = params('context-churn');
    expect(churn.host.contextChurnIntervalTicks).toBeDefined();
    const [noChurn] = pass('no context churn')({
      ...churn,
      host: { ...churn.host, contextStepTicks: 500_000 },
    });
    expect(Object.keys(noChurn!.host)).not.toContain('contextChurnIntervalTicks');
    expect(Object.keys(noChurn!.host)).not.toContain('contextStepTicks');

    const mmio = params('firmware-update');
    expect(mmio.mmio.accessIntervalTicks).toBeGreaterThan(0);
    expect(pass('no BAR0 accesses')(mmio).map((q) => q.mmio.accessIntervalTicks)).toEqual([0]);
    const p = params('stress');
    expect(
      pass('no TCE unmaps')({ ...p, host: { ...p.host, tceRemapIntervalTicks: 4_000_000 } }).map(
        (q) => q.host.tceRemapIntervalTicks,
      ),
    ).toEqual([0]);
    expect(pass('no TCE unmaps')({ ...p, host: { ...p.host, tceRemapIntervalTicks: 0 } })).toEqual([]);
    const allreduce = { ...p, gpu: { ...p.gpu, collective: 'ring-allreduce' as const } };
    expect(pass('no collective')(allreduce).map((q) => q.gpu.collective)).toEqual(['none']);
    expect(pass('no collective')(p)).toEqual([]);
  });
});

describe('per-tenant halving', () => {
  test("fewer processes: every tenant's halved, then each tenant's alone; one candidate when only one tenant moves", () => {
    const p = params('guest-atsd');
    expect(p.tenants).toHaveLength(3);
    const withProcesses = (counts: number[]): WorkloadParams => ({
      ...p,
      tenants: p.tenants.map((t, i) => ({ ...t, processesPerGpu: counts[i] ?? 1 })),
    });
    const counts = (q: WorkloadParams) => q.tenants.map((t) => t.processesPerGpu);
    expect(pass('fewer processes')(withProcesses([4, 1, 2])).map(counts)).toEqual([
      [2, 1, 1],
      [2, 1, 2],
      [4, 1, 1],
    ]);
    expect(pass('fewer processes')(withProcesses([4, 1, 1])).map(counts)).toEqual([[2, 1, 1]]);
    expect(pass('fewer processes')(withProcesses([1, 1, 1]))).toEqual([]);
  });
});

test('every candidate of every pass, from every built-in workload, is a valid workload', () => {
  for (const w of workloads) {
    for (const [name, make] of scenarioPasses(true)) {
      for (const next of make(w.params)) {
        expect(paramsIssues(next).issues, `${w.name}: ${name}`).toEqual([]);
      }
    }
  }
});
