/**
 * A `--set` said to have nothing to act on (scenario/param-reach.ts) leaves the run's events and
 * findings exactly as without it, seed for seed; with the parameter that turns its step on, it
 * changes them. QA found `--set gpu.collectiveBytes=4096` on a run with no collective (and three
 * more such) giving a new run digest over the same events, without a word.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { PARAMS_WITH_REACH, setsWithNothingToActOn } from '../../../src/model/scenario/param-reach.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { applySets, parseParams, type WorkloadParams } from '../../../src/model/scenario/workload-params.js';
import { violationTotal } from '../../../src/report/run-result.js';
import { workloads } from '../../../workloads/index.js';

const DURATION = 60_000_000;

/**
 * Each parameter: a workload where it acts, a value other than the workload's, and the change that
 * leaves it nothing; `said`, where the set names several parameters (an object given to a group).
 */
const CASES: {
  path: string;
  workload: string;
  value: unknown;
  inert: (p: WorkloadParams) => object;
  said?: string[];
  /** The change to the workload's parameters where it must still act, if any. */
  acts?: (p: WorkloadParams) => object;
}[] = [
  {
    path: 'gpu.collectiveBytes',
    workload: 'p2p-allreduce',
    value: 65536,
    inert: (p) => ({ gpu: { ...p.gpu, collective: 'none' } }),
  },
  {
    path: 'gpu.collectiveGapTicks',
    workload: 'p2p-allreduce',
    value: 3_000_000,
    inert: (p) => ({ gpu: { ...p.gpu, collective: 'none' } }),
  },
  {
    path: 'mmio.firmwarePercent',
    workload: 'firmware-update',
    value: 5,
    inert: (p) => ({ mmio: { ...p.mmio, accessIntervalTicks: 0 } }),
  },
  {
    path: 'host.contextStepTicks',
    workload: 'context-churn',
    value: 500_000,
    inert: (p) => ({ host: { ...p.host, contextChurnIntervalTicks: undefined } }),
  },
  {
    path: 'host.tceWindowResetPercent',
    workload: 'tce-storm',
    value: 90,
    inert: (p) => ({ host: { ...p.host, tceRemapIntervalTicks: 0 } }),
  },
  {
    path: 'host.atsdRegisters',
    workload: 'shootdown-storm',
    // A guest needs ATSD[link index] of its bridges: at least 5 on witherspoon-6.
    value: 5,
    inert: (p) => ({ tenants: p.tenants.map((t, i) => ({ ...t, lpid: i + 1 })) }),
  },
  // The engines' own draws, inert with no engine (a collective draws none of them).
  ...(['issueIntervalTicks', 'writePercent', 'refillAdvancePercent'] as const).map((k) => ({
    path: `gpu.${k}`,
    workload: 'stress',
    value: k === 'issueIntervalTicks' ? 25_000 : 20,
    inert: (p: WorkloadParams) => ({ gpu: { ...p.gpu, engines: 0 } }),
  })),
  {
    // The three shares sum to 100, so one set names them together.
    path: 'gpu',
    workload: 'stress',
    value: { ut0Percent: 40, ut1Percent: 40, peerPercent: 20 },
    inert: (p) => ({ gpu: { ...p.gpu, engines: 0 } }),
    said: ['gpu.ut0Percent', 'gpu.ut1Percent', 'gpu.peerPercent'],
  },
  // Sizes and slots a collective's peer writes use too: inert only with neither engines nor one,
  // so they must act on the collective alone.
  ...(['dmaBytes', 'maxOutstanding'] as const).map((k) => ({
    path: `gpu.${k}`,
    workload: 'p2p-allreduce',
    value: k === 'dmaBytes' ? 1024 : 8,
    acts: (p: WorkloadParams) => ({ gpu: { ...p.gpu, engines: 0 } }),
    inert: (p: WorkloadParams) => ({ gpu: { ...p.gpu, engines: 0, collective: 'none' } }),
  })),
];

/** What a run did and found: its events, and every finding's rule and tick. */
async function behaviour(workload: string, params: WorkloadParams, seed: number): Promise<string> {
  const c: RunConfig = {
    workload,
    seed,
    bugs: [],
    params: parseParams({ ...params, durationTicks: DURATION }, workload),
  };
  const r = await runSimulation(c, { host: 'inline' });
  const findings = [...r.violations, ...r.liveness].map((v) => `${v.rule}@${v.tick}`);
  return `${r.eventDigest} ${violationTotal(r)} ${findings.join(',')}`;
}

describe('--set with nothing to act on', () => {
  test('every parameter judged has a case here', () => {
    expect(CASES.flatMap((c) => c.said ?? [c.path]).sort()).toEqual([...PARAMS_WITH_REACH].sort());
  });

  test.each(CASES)(
    '$path: acts on $workload, inert once its step is left out',
    async ({ path, workload, value, inert, said: names, acts }) => {
      const declared = parseParams(workloads.find((x) => x.name === workload)!.params, workload);
      const own = parseParams({ ...declared, ...acts?.(declared) }, workload);
      const sets = [{ path, value }];
      const set = (p: WorkloadParams) => applySets(p, { [path]: value });
      expect(setsWithNothingToActOn(set(own), sets)).toEqual([]);
      expect(await behaviour(workload, set(own), 1)).not.toBe(await behaviour(workload, own, 1));
      const off = parseParams({ ...own, ...inert(own) }, workload);
      const said = setsWithNothingToActOn(set(off), sets);
      expect(said.map((s) => s.path)).toEqual(names ?? [path]);
      for (const seed of [1, 2]) {
        expect(await behaviour(workload, set(off), seed)).toBe(await behaviour(workload, off, seed));
      }
    },
  );

  test('an object given to a group is judged by its leaves, each said once', () => {
    const p = parseParams(workloads.find((x) => x.name === 'stress')!.params, 'stress');
    expect(
      setsWithNothingToActOn(p, [
        { path: 'gpu', value: { collectiveBytes: 4096, engines: 2 } },
        { path: 'gpu.collectiveBytes', value: 8192 },
      ]),
    ).toEqual([{ path: 'gpu.collectiveBytes', why: 'no ring all-reduce runs (`gpu.collective` none)' }]);
  });
});
