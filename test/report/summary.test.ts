import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { ActorReport } from '../../src/model/actors/actor.js';
import { C, H } from '../../src/model/actors/metric-names.js';
import { parseParams, type RunConfig } from '../../src/model/scenario/workload.js';
import { assembleResult, failedRunResult } from '../../src/report/assemble-result.js';
import { colorEnabled, formatSummary } from '../../src/report/summary.js';
import type { MachinePlan } from '../../src/runtime/machine-module.js';
import type { RawRun } from '../../src/runtime/raw-run.js';

const config: RunConfig = {
  workload: 'stress',
  seed: 1234,
  bugs: ['single-flush'],
  params: parseParams(
    { durationTicks: 2_000_000_000, tenants: [{ name: 'host', lpid: 0, groups: 'all' }] },
    't',
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
      label: 'chip0->gpu0 nvlink x2',
      latencyTicks: 1,
      bytesPerSecond: 1e9,
      jitterTicks: 0,
    },
  ],
};

function report(index: number, over: Partial<ActorReport> = {}): ActorReport {
  const a = plan.actors[index]!;
  return {
    index,
    name: a.name,
    kind: a.kind,
    counters: {},
    histograms: {},
    violations: [],
    liveness: [],
    state: {},
    ...over,
  };
}

function raw(reports: ActorReport[]): RawRun {
  const dma = createHistogram();
  for (let i = 1; i <= 100; i++) dma.record(i * 1000);
  return {
    host: 'threaded',
    endTick: 2_000_000_000,
    reachedTick: 2_000_000_000,
    stopped: 'end',
    wallMs: 1500,
    events: 3_000_000,
    actorDigests: ['00000000000000aa', '00000000000000bb'],
    actorEvents: [1, 2],
    recorded: [],
    reports: [
      {
        ...reports[0]!,
        histograms: { [H.dmaLatencyTicks]: dma },
        counters: { [C.atsHits]: 9, [C.atsMisses]: 1 },
      },
      ...reports.slice(1),
    ],
    sentPerEdge: [5],
    receivedPerEdge: [5],
    inFlightPerEdge: [0],
    links: [
      {
        edge: 0,
        busyTicks: 500_000_000,
        queueDelayTicksTotal: 10_000,
        queueDelayTicksMax: 8_000,
        messages: 5,
        bytes: 640,
      },
    ],
    rings: [
      {
        edge: 0,
        label: 'chip0->gpu0',
        records: 5,
        batches: 2,
        fullStalls: 3,
        parks: 1,
        wakeups: 1,
        highWaterRecords: 4,
        capacityRecords: 1024,
      },
    ],
    workers: [{ actor: 'gpu0', busyMs: 1200, parkedMs: 300, parks: 12, events: 2 }],
  };
}

describe('summary', () => {
  it('summary: a clean run shows header, all checks passed, contention, engine and the reproduce line', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    const text = formatSummary(result, { color: false });
    expect(text).toContain('npusim stress  seed 1234  threaded');
    expect(text).toContain(result.digest);
    expect(text).toContain('all checks passed');
    expect(text).toMatch(/DMA latency\s+100\s+50(\.\d+)? ns/);
    expect(text).toContain('ATS cache hit rate 90.0%');
    expect(text).toMatch(/chip0->gpu0 nvlink x2\s+25\.0% busy/);
    expect(text).toContain('full-stalls 3  parks 1  high-water 4/1024');
    expect(text).toContain('2.00M events/s');
    expect(text).toContain(`reproduce: ${result.reproduce}`);
    expect(text).not.toContain('\u001b[');
  });

  it('summary: a violation shows rule, tick, actors, hex addresses, message and the first history lines', () => {
    const history = ['t=1 map', 't=2 translate', 't=3 free', 't=4 reuse', 't=5 dma'];
    const v = {
      rule: 'translation.stale-ats' as const,
      message: 'DMA through a freed page',
      tick: 1500,
      actors: ['gpu0', 'chip0'],
      addresses: [0xdead0000],
      history,
    };
    const result = assembleResult(config, plan, raw([report(0), report(1, { violations: [v] })]));
    const text = formatSummary(result, { color: false, maxHistoryLines: 3 });
    expect(text).toContain('1 violation(s), 0 liveness failure(s)');
    expect(text).toContain(
      'VIOLATION translation.stale-ats at 1.5 ns (tick 1500)  actors gpu0, chip0  addresses 0xdead0000',
    );
    expect(text).toContain('    DMA through a freed page');
    expect(text).toContain('| t=3 free');
    expect(text).not.toContain('t=4 reuse');
    expect(text).toContain('| ... 2 more');
    expect(text).toContain('status violation (exit 1)');
  });

  it('summary: an interrupted run says so in its status line, with exit 130', () => {
    const stopped = {
      ...raw([report(0), report(1)]),
      stopped: 'interrupted' as const,
      reachedTick: 1_000_000,
    };
    const text = formatSummary(assembleResult(config, plan, stopped), { color: false });
    expect(text).toContain('simulated 1 us of 2 ms');
    expect(text).toContain('status interrupted (exit 130)');
  });

  it('summary: a crashed run names the actor, tick and message, and the reproduce line, with no figures', () => {
    const crash = { actor: 'gpu0', lastEvent: undefined, tick: 2500, message: 'boom', stack: '' };
    const result = failedRunResult(config, plan, 'inline', { kind: 'crash', crash }, 3);
    const text = formatSummary(result, { color: false });
    expect(text).toContain('status crash (exit 4)');
    expect(text).toContain('CRASH actor gpu0 at 2.5 ns (tick 2500): boom');
    expect(text).toContain(`reproduce: ${result.reproduce}`);
    expect(text).not.toContain('contention:');
  });

  it('summary: colours only when asked, and only on a TTY without NO_COLOR', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    expect(formatSummary(result, { color: true })).toContain('\u001b[');
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
  });
});
