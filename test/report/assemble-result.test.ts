import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { BoundedHistogram } from '../../src/metrics/node-recorder.js';
import type { ActorReport } from '../../src/model/actors/actor.js';
import { C, H } from '../../src/model/actors/metric-names.js';
import type { RuleName } from '../../src/model/check/rule-names.js';
import type { Violation } from '../../src/model/check/violation.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult, ENGINE_STALL_RULE, failedRunResult } from '../../src/report/assemble-result.js';
import { RESULT_SCHEMA_VERSION } from '../../src/report/run-result.js';
import { combineDigests } from '../../src/runtime/digest.js';
import type { MachinePlan } from '../../src/runtime/machine-module.js';
import type { RawRun } from '../../src/runtime/raw-run.js';
import { reportedHistogram } from '../fixtures/reported-histogram.js';

const config: RunConfig = {
  workload: 'stress',
  seed: 42,
  bugs: [],
  params: parseParams(
    { durationTicks: 1_000_000, tenants: [{ name: 'host', lpid: 0, groups: 'all' }] },
    'test',
  ),
};

const plan: MachinePlan = {
  actors: [
    { index: 0, name: 'chip0', kind: 'chip' },
    { index: 1, name: 'gpu0', kind: 'gpu' },
  ],
  edges: [
    {
      index: 0,
      from: 0,
      to: 1,
      kind: 'nvlink',
      label: 'chip0->gpu0',
      latencyTicks: 500_000,
      bytesPerSecond: 25e9,
      jitterTicks: 0,
    },
    {
      index: 1,
      from: 1,
      to: 0,
      kind: 'pcie',
      label: 'gpu0->chip0',
      latencyTicks: 900_000,
      bytesPerSecond: 31.5e9,
      jitterTicks: 0,
    },
  ],
};

function histogramOf(values: number[]) {
  return reportedHistogram(values);
}

function report(index: number, over: Partial<ActorReport> = {}): ActorReport {
  return {
    index,
    name: plan.actors[index]!.name,
    kind: plan.actors[index]!.kind,
    counters: {},
    histograms: {},
    violations: [],
    ruleTallies: {},
    liveness: [],
    state: {},
    ...over,
  };
}

function violation(rule: RuleName, tick = 10): Violation {
  return { rule, message: `broken ${rule}`, tick, actors: ['gpu0'], addresses: [0x1000], history: [] };
}

function rawRun(over: Partial<RawRun> = {}): RawRun {
  return {
    host: 'inline',
    endTick: 1_000_000,
    reachedTick: 1_000_000,
    stopped: 'end',
    wallMs: 500,
    events: 2000,
    actorDigests: ['0123456789abcdef', 'fedcba9876543210'],
    actorEvents: [1200, 800],
    recorded: [new Float64Array(0), new Float64Array(0)],
    reports: [report(0), report(1)],
    sentPerEdge: [10, 20],
    receivedPerEdge: [8, 20],
    inFlightPerEdge: [2, 0],
    links: [],
    rings: [],
    workers: [],
    ...over,
  };
}

describe('assembleResult', () => {
  it('assemble: counters are summed over actors by name', () => {
    const raw = rawRun({
      reports: [
        report(0, { counters: { [C.dmaIssued]: 3, [C.atsHits]: 1 } }),
        report(1, { counters: { [C.dmaIssued]: 4, [C.tceKills]: 2 } }),
      ],
    });
    const r = assembleResult(config, plan, raw);
    expect(r.counts[C.dmaIssued]).toBe(7);
    expect(r.counts[C.atsHits]).toBe(1);
    expect(r.counts[C.tceKills]).toBe(2);
  });

  it('assemble: histograms of the same name merge across actors before the percentiles are taken', () => {
    const a = Array.from({ length: 99 }, () => 1000);
    const raw = rawRun({
      reports: [
        report(0, { histograms: { [H.dmaLatencyTicks]: histogramOf(a) } }),
        report(1, {
          histograms: { [H.dmaLatencyTicks]: histogramOf([1_000_000]), [H.atsdHoldTicks]: histogramOf([5]) },
        }),
      ],
    });
    const s = assembleResult(config, plan, raw).contention.latencies[H.dmaLatencyTicks]!;
    expect(s.count).toBe(100);
    expect(s.unit).toBe('ticks');
    expect(s.p50).toBeGreaterThanOrEqual(999);
    expect(s.p50).toBeLessThanOrEqual(1001);
    // Min and max are the samples themselves, not the edges of HDR's buckets (999936 and 1000447
    // for 1 us, QA), whichever actor held them.
    expect(s.max).toBe(1_000_000);
    expect(s.min).toBe(1000);
    expect(assembleResult(config, plan, raw).contention.latencies[H.atsdHoldTicks]!.count).toBe(1);
  });

  it('assemble: merging leaves the actors own histograms untouched', () => {
    const h = histogramOf([7, 8]);
    assembleResult(
      config,
      plan,
      rawRun({ reports: [report(0, { histograms: { x: h } }), report(1, { histograms: { x: h } })] }),
    );
    expect((h as unknown as BoundedHistogram).hdr.count).toBe(2);
  });

  it('assemble: hit rates are hits over lookups, and null (no rate) when there were no lookups', () => {
    const raw = rawRun({
      reports: [report(0, { counters: { [C.atsHits]: 3, [C.atsMisses]: 1 } }), report(1)],
    });
    const r = assembleResult(config, plan, raw);
    expect(r.contention.atsHitRate).toBeCloseTo(0.75, 10);
    expect(r.contention.tceHitRate).toBeNull();
  });

  it('assemble: links join their edge label and kind, their backlog and utilisation', () => {
    const raw = rawRun({
      reachedTick: 1000,
      links: [
        {
          edge: 0,
          busyTicks: 250,
          queueDelayTicksTotal: 90,
          queueDelayTicksMax: 60,
          messages: 3,
          bytes: 300,
          backlogBytes: 0,
        },
        {
          edge: 1,
          busyTicks: 1000,
          queueDelayTicksTotal: 0,
          queueDelayTicksMax: 0,
          messages: 9,
          bytes: 1000,
          backlogBytes: 4000,
        },
      ],
    });
    const [a, b] = assembleResult(config, plan, raw).contention.links;
    expect(a).toMatchObject({
      label: 'chip0->gpu0',
      kind: 'nvlink',
      messages: 3,
      bytes: 300,
      maxQueueDelayTicks: 60,
    });
    expect(a!.utilisation).toBeCloseTo(0.25, 10);
    expect(a!.meanQueueDelayTicks).toBeCloseTo(30, 10);
    expect(b!.utilisation).toBe(1);
    expect(b!.backlogBytes).toBe(4000);
    expect(b!.meanQueueDelayTicks).toBe(0);
  });

  it("assemble: a link's busy share is over the tick its figures were taken at, where that is past the run's", () => {
    // A threaded run Ctrl-C stopped: reported to tick 1000 (the least worker), while the sender of
    // edge 1 had run to 1250 and kept its link busy throughout: 1250 busy ticks are 100 %, not 125 %.
    const link = { queueDelayTicksTotal: 0, queueDelayTicksMax: 0, messages: 9, bytes: 900, backlogBytes: 0 };
    const raw = rawRun({
      host: 'threaded',
      reachedTick: 1000,
      stopped: 'interrupted',
      links: [
        { ...link, edge: 0, busyTicks: 500, tick: 1000 },
        { ...link, edge: 1, busyTicks: 1250, tick: 1250 },
      ],
    });
    const [a, b] = assembleResult(config, plan, raw).contention.links;
    expect(a!.utilisation).toBe(0.5);
    expect(b!.utilisation).toBe(1);
  });

  it('assemble: per-actor state keeps only its numeric entries', () => {
    const raw = rawRun({
      reports: [report(0, { state: { atsdBusy: 3, queue: [1, 2], name: 'x' } }), report(1)],
    });
    expect(assembleResult(config, plan, raw).contention.perActor).toEqual({
      chip0: { atsdBusy: 3 },
      gpu0: {},
    });
  });

  it('assemble: engine rates are events and simulated ns over wall seconds', () => {
    const r = assembleResult(config, plan, rawRun({ wallMs: 500, events: 2000, reachedTick: 1_000_000 }));
    expect(r.engine.events).toBe(2000);
    expect(r.engine.eventsPerSecond).toBeCloseTo(4000, 6);
    expect(r.engine.simulatedNsPerWallSecond).toBeCloseTo(2000, 6);
  });

  it("assemble: an inline run's cores are this machine's (QA: 0, read as a real count), a threaded run's its own", () => {
    expect(assembleResult(config, plan, rawRun()).engine.cores).toBe(availableParallelism());
    expect(assembleResult(config, plan, rawRun({ host: 'threaded', cores: 16 })).engine.cores).toBe(16);
  });

  it('conservation: sent = received + in flight on every edge is ok, and sums are reported', () => {
    const r = assembleResult(config, plan, rawRun());
    expect(r.conservation).toEqual({ sent: 30, received: 28, inFlight: 2, ok: true });
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('clean');
    expect(r.exitCode).toBe(0);
  });

  it('conservation: a lost message is a violation naming the edge, even when totals would balance', () => {
    // Edge 0 lost one, edge 1 has one extra: the totals balance, the per-edge check does not.
    const r = assembleResult(
      config,
      plan,
      rawRun({ sentPerEdge: [10, 20], receivedPerEdge: [7, 21], inFlightPerEdge: [2, 0] }),
    );
    expect(r.conservation.ok).toBe(false);
    const rules = r.violations.filter((v) => v.rule === 'conservation.message');
    expect(rules).toHaveLength(2);
    expect(rules[0]!.message).toContain('chip0->gpu0');
    expect(rules[0]!.actors).toEqual(['chip0', 'gpu0']);
    expect(r.status).toBe('violation');
    expect(r.exitCode).toBe(1);
  });

  it('status: liveness wins over violations (exit 3)', () => {
    const raw = rawRun({
      reports: [
        report(0, { violations: [violation('order.free-before-flushes')] }),
        report(1, { liveness: [violation('liveness.shootdown')] }),
      ],
    });
    const r = assembleResult(config, plan, raw);
    expect(r.status).toBe('liveness');
    expect(r.exitCode).toBe(3);
    expect(r.violations.map((v) => v.rule)).toEqual(['order.free-before-flushes']);
    expect(r.liveness.map((v) => v.rule)).toEqual(['liveness.shootdown']);
  });

  it('status: violations alone exit 1', () => {
    const r = assembleResult(
      config,
      plan,
      rawRun({ reports: [report(0), report(1, { violations: [violation('isolation.dma')] })] }),
    );
    expect(r.status).toBe('violation');
    expect(r.exitCode).toBe(1);
  });

  it('findings: listed by tick across actors (an actor reported first hides no earlier finding), one tick in report order; the digest as before', () => {
    const reports = [
      report(0, { violations: [violation('isolation.dma', 90), violation('isolation.peer', 30)] }),
      report(1, { violations: [violation('order.free-before-flushes', 30), violation('isolation.dma', 5)] }),
    ];
    const r = assembleResult(config, plan, rawRun({ reports }));
    expect(r.violations.map((v) => [v.rule, v.tick])).toEqual([
      ['isolation.dma', 5],
      ['isolation.peer', 30],
      ['order.free-before-flushes', 30],
      ['isolation.dma', 90],
    ]);
    // The digest reads the findings in the order the actors reported them (digests stay as they were).
    const inReportOrder = assembleResult(config, plan, rawRun({ reports: [reports[0]!, reports[1]!] }));
    const swapped = assembleResult(config, plan, rawRun({ reports: [reports[1]!, reports[0]!] }));
    expect(inReportOrder.digest).toBe(r.digest);
    expect(swapped.violations.map((v) => v.rule)).toEqual([
      'isolation.dma',
      'order.free-before-flushes',
      'isolation.peer',
      'isolation.dma',
    ]);
    expect(swapped.digest).not.toBe(r.digest);
  });

  it('status: an interrupted run exits 130 and reports what it found so far, without liveness', () => {
    const withViolation = rawRun({
      stopped: 'interrupted',
      reachedTick: 400,
      reports: [
        report(0, { violations: [violation('isolation.dma')] }),
        report(1, { liveness: [violation('liveness.shootdown')] }),
      ],
    });
    const r = assembleResult(config, plan, withViolation);
    expect(r.status).toBe('interrupted');
    expect(r.exitCode).toBe(130);
    expect(r.violations.map((v) => v.rule)).toEqual(['isolation.dma']);
    expect(r.simulatedTicks).toBe(400);
    const quiet = assembleResult(
      config,
      plan,
      rawRun({
        stopped: 'interrupted',
        reports: [report(0), report(1, { liveness: [violation('liveness.shootdown')] })],
      }),
    );
    expect(quiet.status).toBe('interrupted');
    expect(quiet.exitCode).toBe(130);
  });

  it('status: a crashed run still has a result, status crash, exit 4, naming the actor and no figures', () => {
    const crash = { actor: 'gpu0', lastEvent: undefined, tick: 77, message: 'boom', stack: 'Error: boom' };
    const r = failedRunResult(config, plan, 'threaded', { kind: 'crash', crash }, 12);
    expect(r.status).toBe('crash');
    expect(r.exitCode).toBe(4);
    expect(r.crash).toEqual(crash);
    expect(r.simulatedTicks).toBe(77);
    expect(r.actors.map((a) => a.name)).toEqual(['chip0', 'gpu0']);
    expect(r.engine.events).toBe(0);
    // No counts, so conservation is not judged rather than `ok` over zeros (QA), and the default
    // placement is named as a run that ended names it.
    expect(r.conservation.ok).toBeNull();
    expect(r.engine.placement).toBe('per-actor');
    expect(
      failedRunResult(config, plan, 'threaded', { kind: 'crash', crash }, 12, undefined, '2').engine
        .placement,
    ).toBe('2');
    expect(failedRunResult(config, plan, 'inline', { kind: 'crash', crash }, 12).engine.placement).toBe(
      'inline',
    );
    expect(r.reproduce).toContain('--seed 42');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const stalled = failedRunResult(
      config,
      plan,
      'threaded',
      { kind: 'stall', message: 'stuck', dump: { a: 1 } },
      5,
    );
    expect(stalled.status).toBe('liveness');
    expect(stalled.exitCode).toBe(3);
    expect(stalled.liveness.map((v) => [v.rule, v.message])).toEqual([[ENGINE_STALL_RULE, 'stuck']]);
    expect(stalled.stall).toEqual({ a: 1 });
    // With the watchdog's workers in its dump, the stall is where every worker had got to: the
    // least tick (QA: said at tick 0 of a run whose workers had reached 2.6 us and more).
    const dump = {
      workers: [
        { actors: 'chip0', tick: 3_250_000, events: 900, state: 1, progress: 1 },
        { actors: 'gpu0', tick: 2_600_000, events: 400, state: 1, progress: 1 },
      ],
      rings: [],
    };
    const at = failedRunResult(config, plan, 'threaded', { kind: 'stall', message: 'stuck', dump }, 5);
    expect(at.simulatedTicks).toBe(2_600_000);
    expect(at.liveness.map((v) => v.tick)).toEqual([2_600_000]);
  });

  it('assemble: digest combines actor digests, and the actor list follows the plan', () => {
    const raw = rawRun();
    const r = assembleResult(config, plan, raw);
    expect(r.schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    expect(r.eventDigest).toBe(combineDigests(raw.actorDigests));
    expect(r.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(r.digest).not.toBe(r.eventDigest);
    expect(r.actors).toEqual([
      { name: 'chip0', kind: 'chip', digest: raw.actorDigests[0], events: 1200 },
      { name: 'gpu0', kind: 'gpu', digest: raw.actorDigests[1], events: 800 },
    ]);
    expect(() => JSON.parse(JSON.stringify(r))).not.toThrow();
  });

  it('reproduce: the line names workload, seed, duration, topology, policy, bugs, crash and host', () => {
    const c: RunConfig = {
      ...config,
      seed: 7,
      bugs: ['single-flush', 'local-npu-only'],
      crashAt: { actor: 'gpu2', event: 100 },
      params: {
        ...config.params,
        durationTicks: 2_000_000_000,
        topology: 'witherspoon-4',
        policy: 'per-gpu',
      },
    };
    expect(assembleResult(c, plan, rawRun({ host: 'inline' })).reproduce).toBe(
      'npusim run stress --seed 7 --duration 2ms --topology witherspoon-4 --policy per-gpu ' +
        '--bug single-flush --bug local-npu-only --crash-at gpu2:100 --inline',
    );
    expect(assembleResult(config, plan, rawRun({ host: 'threaded' })).reproduce).toBe(
      `npusim run stress --seed 42 --duration 1us --topology ${config.params.topology} --policy ${config.params.policy}`,
    );
  });

  it('reproduce: a PCT run names its strategy and depth; a free run its drift window', () => {
    const pct: RunConfig = { ...config, strategy: { kind: 'pct', depth: 2, steps: [5, 9], agents: 4 } };
    expect(assembleResult(pct, plan, rawRun()).reproduce).toMatch(/ --strategy pct --pct-depth 2 --inline$/);
    const free = rawRun({
      host: 'threaded',
      free: {
        windowTicks: 2_500_000,
        lateRecords: 0,
        lateTicksMax: 0,
        lateTicksMean: 0,
        driftWaits: 0,
        logBytes: 0,
        log: { windowTicks: 2_500_000, stopped: 'end', actors: [] },
      },
    });
    expect(assembleResult(config, plan, free).reproduce).toMatch(/ --free --free-window 2500ns$/);
  });

  it('reproduce: a parameter given by --set is not given again by its own option, which run would refuse', () => {
    const set: RunConfig = {
      ...config,
      set: [
        { path: 'policy', value: 'per-gpu' },
        { path: 'topology', value: 'witherspoon-4' },
        { path: 'durationTicks', value: 1_000_000 },
      ],
      params: { ...config.params, policy: 'per-gpu', topology: 'witherspoon-4' },
    };
    expect(assembleResult(set, plan, rawRun()).reproduce).toBe(
      'npusim run stress --set policy=per-gpu --set topology=witherspoon-4 --set durationTicks=1000000 --seed 42 --inline',
    );
  });
});

describe('assembleResult on a real inline run', () => {
  it('assemble: a mesh-machine run conserves messages, joins every link and rates the engine', async () => {
    const { runInline } = await import('../../src/runtime/inline-runtime.js');
    const mesh = await import('../fixtures/mesh-machine.js');
    const meshConfig = { actors: 3, tokens: 4, latencyTicks: 2_000, jitterTicks: 100 };
    const raw = runInline(mesh, meshConfig, { seed: 11, endTick: 200_000 });
    const meshPlan = mesh.planMachine(meshConfig);
    const r = assembleResult(
      { ...config, params: { ...config.params, durationTicks: 200_000 } },
      meshPlan,
      raw,
    );
    expect(r.conservation.ok).toBe(true);
    expect(r.conservation.sent).toBe(raw.sentPerEdge.reduce((s, x) => s + x, 0));
    expect(r.contention.links.map((l) => l.label).sort()).toEqual(meshPlan.edges.map((e) => e.label).sort());
    for (const l of r.contention.links) {
      expect(l.utilisation).toBeGreaterThanOrEqual(0);
      expect(l.utilisation).toBeLessThanOrEqual(1);
    }
    expect(r.engine.events).toBe(raw.events);
    expect(r.status).toBe('clean');
    expect(r.eventDigest).toBe(combineDigests(raw.actorDigests));
    expect(r.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(r.digest).not.toBe(r.eventDigest);
  });
});
