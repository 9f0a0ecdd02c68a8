import { describe, expect, it } from 'vitest';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import type { ActorReport } from '../../src/model/actors/actor.js';
import { C, H } from '../../src/model/actors/metric-names.js';
import { findDeadlockCycle } from '../../src/model/check/rules/liveness-rules.js';
import type { Violation } from '../../src/model/check/violation.js';
import { BUGS } from '../../src/model/scenario/bugs.js';
import { DEFAULT_PROFILE, PROFILES } from '../../src/model/scenario/profiles.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { assembleResult, failedRunResult } from '../../src/report/assemble-result.js';
import { evaluateHeadline, judgeExpectation } from '../../src/report/headline.js';
import { checksSection as htmlChecks } from '../../src/report/html-checks.js';
import { buildHtmlReport } from '../../src/report/html-report.js';
import { rateText } from '../../src/report/number-text.js';
import { exitText } from '../../src/report/run-result.js';
import { colorEnabled, formatSummary } from '../../src/report/summary.js';
import { checksSection, historyExcerpt, NOT_JUDGED } from '../../src/report/summary-checks.js';
import { freeModeLines, placementText } from '../../src/report/summary-engine.js';
import type { MachinePlan } from '../../src/runtime/machine-module.js';
import type { RawRun } from '../../src/runtime/raw-run.js';
import { reportedHistogram } from '../fixtures/reported-histogram.js';
import { headerLine, unwrapped } from '../fixtures/unwrapped.js';

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
  // An oracle tallies every violation it keeps (check/violation-log.ts), so a fixture's do too.
  const ruleTallies: ActorReport['ruleTallies'] = {};
  for (const v of over.violations ?? []) {
    const t = ruleTallies[v.rule];
    ruleTallies[v.rule] = { count: (t?.count ?? 0) + 1, tick: Math.min(t?.tick ?? v.tick, v.tick) };
  }
  return {
    index,
    name: a.name,
    kind: a.kind,
    counters: {},
    histograms: {},
    violations: [],
    ruleTallies,
    liveness: [],
    state: {},
    ...over,
  };
}

function raw(reports: ActorReport[]): RawRun {
  const dma = reportedHistogram(Array.from({ length: 100 }, (_, i) => (i + 1) * 1000));
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
        backlogBytes: 128,
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
    expect(text).toMatch(
      /contention per link \(busiest 1 of 1; --json has all\):\n\s+busy\s+msgs\s+bytes\s+backlog bytes\s+queue mean\s+queue max\n {2}chip0->gpu0 nvlink x2\s+25\.0%\s+5\s+640\s+128\s+2 ns\s+8 ns\n/,
    );
    expect(text).toMatch(
      /contention per socket, nest MMU and TCE cache:\n.*nMMU xlated\s+faulted\s+nMMU busy.*\n {2}socket 0 \(chip0\)\s+0\s+0\s+0\.0%\s+-/,
    );
    // The control edges the table leaves out are counted, since --json lists them (QA: 38 vs 54).
    const links = result.contention.links;
    const control = { ...links[0]!, label: 'coordinator->chip0', between: 'control' as const };
    const withControl = {
      ...result,
      contention: { ...result.contention, links: [...links, control, control] },
    };
    expect(formatSummary(withControl, { color: false })).toContain(
      "contention per link (busiest 1 of 1; --json has all, and the coordinator's 2 control links):",
    );
    expect(text).toContain('full-stalls 3  parks 1  high-water 4/1024');
    expect(text).toContain('2.00M events/s');
    expect(text).toContain(`reproduce: ${result.reproduce}`);
    expect(text).not.toContain('\u001b[');
  });

  it('summary: a socket whose ATSD registers were all won at once has a wait p99 of 0 ps; one with none taken, `-`', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    const socket = result.contention.sockets[0]!;
    const row = (s: typeof socket) =>
      formatSummary({ ...result, contention: { ...result.contention, sockets: [s] } }, { color: false })
        .split('\n')
        .filter((l) => l.startsWith('  socket 0 (chip0)'))[1]!
        .trim()
        .split(/\s{2,}/);
    // The ATSD table's columns: socket, ATSD launches, reg waits, wait p99, failed tries, waiting at end.
    const won = { ...socket, atsdLaunches: 5, atsdWaits: 0, atsdWonAtOnce: 5, atsdWaitP99Ticks: 0 };
    expect(row(won)[3]).toBe('0 ps');
    expect(row({ ...won, atsdWonAtOnce: 0, atsdLaunches: 0 })[3]).toBe('-');
  });

  it("summary and --json: a socket's nest MMU busy share, from its chip's report; `-` in a result from before it existed", () => {
    const result = assembleResult(
      config,
      plan,
      raw([report(0, { state: { nmmuWalkerUtilisation: 0.994 } }), report(1)]),
    );
    const socket = result.contention.sockets[0]!;
    expect(socket.nmmuWalkerUtilisation).toBe(0.994);
    expect(JSON.parse(JSON.stringify(result)).contention.sockets[0].nmmuWalkerUtilisation).toBe(0.994);
    const row = (s: typeof socket) =>
      formatSummary({ ...result, contention: { ...result.contention, sockets: [s] } }, { color: false })
        .split('\n')
        .find((l) => l.startsWith('  socket 0 (chip0)'))!
        .trim()
        .split(/\s{2,}/);
    expect(row(socket)[3]).toBe('99.4%');
    const { nmmuWalkerUtilisation: _, ...old } = socket;
    expect(row(old)[3]).toBe('-');
  });

  it('summary and HTML: a latency with no samples shows `-` for its figures, not a measured 0 ps', () => {
    const result = assembleResult(
      config,
      plan,
      raw([report(0), report(1, { histograms: { [H.peerLatencyTicks]: reportedHistogram([]) } })]),
    );
    const text = formatSummary(result, { color: false });
    expect(text).toMatch(/\n {2}peer access latency\s+0\s+-\s+-\s+-\s+-\n/);
    expect(text).toMatch(/\n {2}DMA latency\s+100\s+50(\.\d+)? ns/);
    const html = buildHtmlReport({
      result,
      raw: raw([report(0), report(1, { histograms: { [H.peerLatencyTicks]: reportedHistogram([]) } })]),
      plan,
      config,
    });
    const peerRow = /<tr><td>peer access latency<\/td>(.*?)<\/tr>/.exec(html);
    expect(peerRow?.[1]).toBe('<td>0</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td>');
    expect(
      /<tr><td>DMA latency \(at most 64 outstanding per GPU\)<\/td><td>100<\/td>(.*?)<\/tr>/.exec(html)?.[1],
    ).not.toContain('>-<');
  });

  it('HTML and --json: a latency of one constant value reads that value for min and max, not HDR bucket edges', () => {
    // Every TCE unmap takes exactly 1 us; HDR's own min and max read 999936 and 1000447 ps, and the
    // row read `999.9 ns` for min (QA).
    const unmaps = {
      [H.tceUnmapLatencyTicks]: reportedHistogram(Array.from({ length: 49 }, () => 1_000_000)),
    };
    const run = raw([report(0), report(1, { histograms: unmaps })]);
    const result = assembleResult(config, plan, run);
    const s = result.contention.latencies[H.tceUnmapLatencyTicks]!;
    expect([s.count, s.min, s.max]).toEqual([49, 1_000_000, 1_000_000]);
    // HDR's mean and percentiles lie within the samples' bounds: no p50 above the row's max.
    expect([s.mean, s.p50, s.p99, s.p999]).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000]);
    const html = buildHtmlReport({ result, raw: run, plan, config });
    expect(/<tr><td>TCE unmap latency<\/td>(.*?)<\/tr>/.exec(html)?.[1]).toBe(
      `<td>49</td>${'<td>1 us</td>'.repeat(6)}`,
    );
  });

  it('summary, HTML and headline: a cache with no lookups has no hit rate (`-`), not a measured 0.0 %', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    // The fixture's GPU looked up its ATS cache (90 % hits) and no TCE at all.
    expect(result.counts['tce.hits'] ?? 0).toBe(0);
    expect(result.counts['tce.misses'] ?? 0).toBe(0);
    const text = formatSummary(result, { color: false });
    expect(text).toContain('ATS cache hit rate 90.0%   TCE cache hit rate -   ');
    const html = buildHtmlReport({ result, raw: raw([report(0), report(1)]), plan, config });
    expect(html).toContain('ATS cache hit rate 90.0%, TCE cache hit rate -,');
    const headline = evaluateHeadline(
      [
        { label: 'TCE hits', rate: 'tce-hit' },
        { label: 'ATS hits', rate: 'ats-hit' },
      ],
      result,
    );
    expect(headline.map((h) => [h.value, h.text])).toEqual([
      [null, 'no lookups'],
      [0.9, '90.0%'],
    ]);
  });

  it('summary: host memory that ran short is named under the checks, and only then', () => {
    const clean = formatSummary(assembleResult(config, plan, raw([report(0), report(1)])), { color: false });
    expect(clean).not.toContain('memory:');
    const short = assembleResult(
      config,
      plan,
      raw([
        report(0),
        report(1, { counters: { 'pages.migrateFailedNoMemory': 3, 'pages.mappedOffHome': 2 } }),
      ]),
    );
    const text = unwrapped(formatSummary(short, { color: false }), '  memory: '.length);
    expect(text).toMatch(
      /conservation: .*\n {2}memory: 3 pages not migrated \(the target socket had no free page of their size\); 2 pages mapped off their home socket/,
    );
    const onlyOffHome = assembleResult(
      config,
      plan,
      raw([report(0), report(1, { counters: { 'pages.mappedOffHome': 1 } })]),
    );
    const one = formatSummary(onlyOffHome, { color: false });
    expect(one).toContain('memory: 1 page mapped off their home socket');
    expect(one).not.toContain('not migrated');
  });

  it('summary: a worker with waits gets a waits line under its own, the worker line unchanged', () => {
    const base = raw([report(0), report(1)]);
    const waits = { counts: [10, 5, 2, 1, 0], ms: [0.05, 0.2, 1.5, 298.25, 0] };
    const withWaits = { ...base, workers: [{ ...base.workers[0]!, waits }] };
    const text = formatSummary(assembleResult(config, plan, withWaits), { color: false });
    expect(text).toMatch(
      /\n {4}gpu0 {2}busy 1\.20 s {2}waited 300 ms \(12 parks, 6 checks\) {2}2 events.*\n {6}waits: <10us 10 \(0\.1 ms\) {2}<100us 5 \(0\.2 ms\) {2}<1ms 2 \(1\.5 ms\) {2}<10ms 1 \(298 ms\) {2}>=10ms 0\n/,
    );
    expect(formatSummary(assembleResult(config, plan, base), { color: false })).not.toContain('waits:');
  });

  it('summary: waits that found work at once are counted as checks beside the parks, so waited time beside 0 parks is explained', () => {
    const base = raw([report(0), report(1)]);
    // As QA saw during a free run's start-up: 110945 short waits, none of them a park.
    const waits = { counts: [110945, 85, 10, 2, 5], ms: [10, 1.3, 2.5, 6.9, 282] };
    const text = formatSummary(
      assembleResult(config, plan, {
        ...base,
        workers: [{ ...base.workers[0]!, parks: 0, parkedMs: 303, waits }],
      }),
      { color: false },
    );
    expect(text).toMatch(
      /\n {4}gpu0 {2}busy 1\.20 s {2}waited 303 ms \(0 parks, 111047 checks\) {2}2 events/,
    );
    expect(text).not.toContain('parked');
  });

  it('summary: a free run over no simulated time gives its take log no rate', () => {
    const free = {
      windowTicks: 1_000_000,
      lateRecords: 0,
      lateTicksMean: 0,
      lateTicksMax: 0,
      driftWaits: 8,
      logBytes: 8,
      logBytesPerSimulatedMs: 0,
    };
    const at = (simulatedTicks: number) =>
      freeModeLines({ simulatedTicks, free } as unknown as Parameters<typeof freeModeLines>[0])![1];
    expect(at(0)).toBe('take log 8B (- per simulated ms)');
    expect(at(1_000_000_000)).toBe('take log 8B (0B per simulated ms)');
  });

  it('summary: the rings heading says whether any stalled, and a ring that carried nothing is left out', () => {
    const base = raw([report(0), report(1)]);
    const ring = base.rings[0]!;
    const calm = { ...ring, fullStalls: 0, parks: 0 };
    const rings = (list: RawRun['rings']) =>
      formatSummary(assembleResult(config, plan, { ...base, rings: list }), { color: false });
    const none = rings([calm, { ...calm, edge: 1, label: 'gpu0->chip0', records: 0, highWaterRecords: 0 }]);
    expect(none).toContain('  rings: none stalled; fullest 1 of 1, 1 that carried nothing left out:\n');
    expect(none).toMatch(
      /\n {4}chip0->gpu0 {2}\s+5 records {2}full-stalls 0 {2}parks 0 {2}high-water 4\/1024\n/,
    );
    expect(none).not.toContain('gpu0->chip0');
    expect(none).not.toContain('most stalled');
    const some = rings([calm, { ...ring, edge: 1, label: 'gpu0->chip0' }]);
    expect(some).toContain('  rings: 1 of 2 stalled; most stalled first, 2 shown:\n');
    const ringRows = some.slice(some.indexOf('  rings:'));
    expect(ringRows.indexOf('gpu0->chip0')).toBeLessThan(ringRows.indexOf('chip0->gpu0'));
    // The HTML report carries the same heading and every ring that carried records, as a table.
    const withRings = { ...base, rings: [calm, { ...ring, edge: 1, label: 'gpu0->chip0' }] };
    const html = buildHtmlReport({
      plan,
      config,
      raw: withRings,
      result: assembleResult(config, plan, withRings),
    });
    expect(html).toContain(
      '<p>rings: 1 of 2 stalled; most stalled first, 2 shown:</p><div class="table"><table><thead><tr><th>ring</th><th>records</th><th>full-stalls</th><th>parks</th><th>high-water</th></tr></thead>',
    );
    expect(html).toContain('<tr><td>gpu0-&gt;chip0</td><td>5</td><td>3</td><td>1</td><td>4/1024</td></tr>');
    // Nothing carried at all: no rings heading.
    expect(rings([{ ...calm, records: 0 }])).not.toContain('rings:');
  });

  it('summary: --check-hosts that agreed is a line under the checks, naming the placement and the event digest', () => {
    const base = raw([report(0), report(1)]);
    const checked = (hostsChecked: RawRun['hostsChecked']) =>
      formatSummary(assembleResult(config, plan, { ...base, hostsChecked }), { color: false });
    const h = { inline: 'ab'.repeat(8), threaded: 'ab'.repeat(8), agree: true };
    expect(checked({ ...h, placement: '3', workers: 3, events: 5696 })).toMatch(
      /\n {2}conservation: [^\n]*\n {2}hosts: inline and threaded \(3 workers\) agree, 5696 events each, event digest abababababababab\n/,
    );
    expect(checked({ ...h, placement: 'per-actor', workers: 9, events: 5 })).toContain(
      '  hosts: inline and threaded (one worker per actor) agree, 5 events each',
    );
    expect(checked({ ...h, placement: 'auto', workers: 2, events: 5 })).toContain('(2 workers, auto) agree');
    // Unchecked: no line.
    expect(checked(undefined)).not.toContain('hosts:');
  });

  it('summary: parks that timed out are named beside the parks, and only when there were any', () => {
    const base = raw([report(0), report(1)]);
    const summaryWith = (parksTimedOut: number) =>
      formatSummary(
        assembleResult(config, plan, { ...base, workers: [{ ...base.workers[0]!, parksTimedOut }] }),
        { color: false },
      );
    expect(summaryWith(3)).toMatch(
      /\n {4}gpu0 {2}busy 1\.20 s {2}waited 300 ms \(12 parks, 3 timed out\) {2}2 events/,
    );
    expect(summaryWith(0)).toMatch(/\n {4}gpu0 {2}busy 1\.20 s {2}waited 300 ms \(12 parks\) {2}2 events/);
    expect(summaryWith(0)).not.toContain('timed out');
    // How many came before the first window (the partners still starting), where the run counted them.
    const withAtStart = {
      ...base,
      workers: [{ ...base.workers[0]!, parksTimedOut: 13, parksTimedOutAtStart: 12 }],
    };
    const atStart = assembleResult(config, plan, withAtStart);
    expect(formatSummary(atStart, { color: false })).toContain(
      '(12 parks, 13 timed out, 12 at start)  2 events',
    );
    expect(buildHtmlReport({ plan, config, raw: withAtStart, result: atStart })).toContain(
      '<td>12</td><td>13 (12 at start)</td><td>2</td>',
    );
    // The HTML report's engine table has them in a column of their own.
    const withTimedOut = { ...base, workers: [{ ...base.workers[0]!, parksTimedOut: 3 }] };
    const html = buildHtmlReport({
      plan,
      config,
      raw: withTimedOut,
      result: assembleResult(config, plan, withTimedOut),
    });
    expect(html).toContain('<th>parks</th><th>timed out</th><th>events</th>');
    expect(html).toContain('<td>12</td><td>3</td><td>2</td>');
  });

  it("HTML report: the engine section names the placement and each worker's synchronisation figures", () => {
    const plain = raw([report(0), report(1)]);
    const base = {
      ...plain,
      placement: '100',
      cores: 2,
      workers: [
        {
          ...plain.workers[0]!,
          lookaheadTicks: 150_000,
          waits: { counts: [10, 5, 2, 1, 0], ms: [0.05, 0.2, 1.5, 298.25, 0] },
        },
      ],
    };
    const result = assembleResult(config, plan, base);
    const w = result.engine.workers[0]!;
    expect(w.lambda).toBeGreaterThan(0);
    const html = buildHtmlReport({ plan, config, raw: base, result });
    expect(html).toContain('<p>placement: 1 worker (100 asked for; one per actor at most)</p>');
    expect(html).toContain(
      '<th>events</th><th>lookahead</th><th>events/window</th><th>parks/s</th><th>lambda</th>',
    );
    expect(html).toContain(`<td>2</td><td>150 ns</td><td>${rateText(w.eventsPerWindow!)}</td>`);
    // Below 10 a rate keeps two significant digits: rounded whole, 0.48 events a window read `0`
    // beside a lambda that was not 0 (QA).
    expect(w.eventsPerWindow).toBeLessThan(1);
    expect(rateText(w.eventsPerWindow!)).toBe(String(Number(w.eventsPerWindow!.toPrecision(2))));
    expect([rateText(0.48), rateText(3.44), rateText(0), rateText(91.4), rateText(12_345)]).toEqual([
      '0.48',
      '3.4',
      '0',
      '91',
      '12.3k',
    ]);
    // Parks per wall second, under both names in --json (handoffsPerSecond kept for scripts).
    expect(w.parksPerSecond).toBe(w.handoffsPerSecond);
    expect(w.parksPerSecond).toBeCloseTo(12 / (base.wallMs / 1000));
    // The run's own tau: 300 ms parked over 12 parks, 25 ms each, so lambda at it is 37/25000 of the assumed one.
    expect(w.parkedUsPerPark).toBe(25_000);
    expect(w.lambdaAtParkedPerPark).toBeCloseTo((w.lambda! * 37) / 25_000);
    const lambdaCell = `${w.lambda!.toFixed(2)} (${w.lambdaAtParkedPerPark!.toFixed(2)} at 25 ms per park)`;
    // The summary's worker line is followed by its synchronisation line: the lookahead its figures
    // are per window of, and both lambdas.
    const summary = formatSummary(result, { color: false });
    expect(summary).toContain(
      `2 events\n      lookahead 150 ns, ${rateText(w.eventsPerWindow!)} events/window, ${rateText(w.parksPerSecond!)} parks/s, lambda ${lambdaCell}\n`,
    );
    expect(summary).not.toContain('hand-offs/s');
    expect(summary).toContain('(12 parks, 6 checks)');
    // --json has the count the summary says (QA: only the summary had it).
    expect(w.checks).toBe(6);
    // One wait that found work at once is one check (QA: `1 checks`).
    const oneCheck = {
      ...base,
      workers: [{ ...base.workers[0]!, waits: { counts: [7, 3, 2, 1, 0], ms: [0.05, 0.2, 1.5, 298.25, 0] } }],
    };
    expect(formatSummary(assembleResult(config, plan, oneCheck), { color: false })).toContain(
      '(12 parks, 1 check)',
    );
    // What lambda is, once under the workers, in the summary and the report.
    expect(summary.split('lambda = L*E/(tau*P)').length).toBe(2);
    expect(summary).toContain('tau is assumed, 37 us');
    expect(summary.replace(/\n {4}/g, ' ')).toContain('bench/README.md "Where a threaded run\'s CPU goes"');
    expect(summary.replace(/\n {4}/g, ' ')).toContain('above, a speed-up is possible, not promised');
    expect(html).toContain('<p>lambda = L*E/(tau*P): events per lookahead window');
    // The waits by length, in the summary's words for each bucket, in a table of their own (QA:
    // beside the rest they ran past the page's width); the checks beside the parks, as the summary's.
    expect(html).toContain('<th>worker</th><th>waits &lt;10us</th><th>waits &lt;100us</th>');
    expect(html).toContain(
      `<td>10 (0.1 ms)</td><td>5 (0.2 ms)</td><td>2 (1.5 ms)</td><td>1 (298 ms)</td><td>0</td></tr>`,
    );
    expect(html).toContain(`<td>${lambdaCell}</td></tr>`);
    expect(html).toContain('<th>parks</th><th>checks</th><th>timed out</th>');
    expect(html).toMatch(/<td>12<\/td><td>6<\/td>/);
    // A run on threads kept from the run before (worker-set.ts) says so, in the HTML and the summary.
    expect(result.engine.threadsKept).toBeUndefined();
    expect(formatSummary(result, { color: false })).not.toContain('on threads kept');
    const kept = { ...base, threadsKept: true };
    const keptResult = assembleResult(config, plan, kept);
    expect(keptResult.engine.threadsKept).toBe(true);
    expect(buildHtmlReport({ plan, config, raw: kept, result: keptResult })).toContain(
      '<p>placement: 1 worker (100 asked for; one per actor at most), on threads kept from the run before</p>',
    );
    // Past 100 columns, so it breaks after its semicolon, the rest under its text.
    expect(formatSummary(keptResult, { color: false })).toContain(
      '  placement: 1 worker (100 asked for; one per actor at most), on threads kept from the run before;\n    workers (busiest',
    );
    // An inline run has no workers: no placement line, no worker table.
    const inline = { ...base, host: 'inline' as const, placement: 'inline', workers: [] };
    const inlineHtml = buildHtmlReport({
      plan,
      config,
      raw: inline,
      result: assembleResult(config, plan, inline),
    });
    expect(inlineHtml).not.toContain('placement:');
    expect(inlineHtml).not.toContain('<th>lambda</th>');
    expect(inlineHtml).not.toContain('lambda = L*E');
  });

  it('summary: workers outnumbering the cores get a hint with the faster choice; "the product\'s shape" only for per-actor', () => {
    const plain = raw([report(0), report(1)]);
    const three = { ...plain, cores: 2, workers: [0, 1, 2].map(() => plain.workers[0]!) };
    const summary = (placement: string, cores: number) =>
      unwrapped(
        formatSummary(assembleResult(config, plan, { ...three, placement, cores }), { color: false }),
        '  hint: '.length,
      );
    // A 2 ms run: --inline first (cold threads cost a short run more than they give back).
    expect(summary('per-actor', 2)).toContain(
      "  hint: 3 workers on 2 cores; `--inline` is faster here for a run this short (`--workers 2` for runs of several ms), one worker per actor is the product's shape",
    );
    expect(summary('3', 2)).toMatch(
      / {2}hint: 3 workers on 2 cores; `--inline` is faster here for a run this short \(`--workers 2` for runs of several ms\)\n/,
    );
    // --json carries the hint as the summary prints it (QA: the text and the report only).
    expect(assembleResult(config, plan, { ...three, placement: '3', cores: 2 }).engine.hint).toBe(
      '3 workers on 2 cores; `--inline` is faster here for a run this short (`--workers 2` for runs of several ms)',
    );
    expect(assembleResult(config, plan, { ...three, placement: '3', cores: 3 }).engine.hint).toBeUndefined();
    // From 6 ms, --workers N first.
    const long = { ...config, params: { ...config.params, durationTicks: 6_000_000_000 } };
    expect(
      unwrapped(
        formatSummary(assembleResult(long, plan, { ...three, placement: '3', cores: 2 }), { color: false }),
        '  hint: '.length,
      ),
    ).toContain(
      '  hint: 3 workers on 2 cores; `--workers 2` (or --inline) is faster here for a run this long\n',
    );
    // On one core, --inline alone: `--workers 1` is the inline engine plus a thread hop.
    expect(summary('3', 1)).toContain('  hint: 3 workers on 1 core; `--inline` is faster here\n');
    expect(summary('3', 3)).not.toContain('hint:');
    // A run stopped before it simulated anything measured only its threads' start: no hint (QA).
    const none = {
      ...three,
      placement: 'per-actor',
      cores: 2,
      reachedTick: 0,
      stopped: 'interrupted' as const,
    };
    expect(assembleResult(config, plan, none).engine.hint).toBeUndefined();
    // The HTML report's engine section carries the same hint.
    const html = (placement: string, cores: number) => {
      const r = { ...three, placement, cores };
      return buildHtmlReport({ plan, config, raw: r, result: assembleResult(config, plan, r) });
    };
    expect(html('3', 2)).toContain(
      '<p>hint: 3 workers on 2 cores; `--inline` is faster here for a run this short (`--workers 2` for runs of several ms)</p>',
    );
    expect(html('3', 3)).not.toContain('hint:');
  });

  it('summary and --json: a --check-hosts run stopped before both hosts ran says the hosts were not compared', () => {
    const stopped = {
      ...raw([report(0), report(1)]),
      hostsNotCompared: 'interrupted during the threaded run',
    };
    const result = assembleResult(config, plan, stopped);
    expect(result.engine.hostsNotCompared).toBe('interrupted during the threaded run');
    expect(formatSummary(result, { color: false })).toContain(
      '  hosts: not compared: interrupted during the threaded run\n',
    );
  });

  it('summary: workers with a core each that waited long (a quarter of the run in waits of 1 ms or more) get the busy-machine hint', () => {
    const plain = raw([report(0), report(1)]);
    const waited = (longMs: number) => ({
      ...plain,
      placement: '2',
      cores: 2,
      wallMs: 1000,
      workers: [0, longMs].map((ms) => ({
        ...plain.workers[0]!,
        waits: { counts: [1, 1, 1, 1, 0], ms: [0, 0, 1, ms, 0] },
      })),
    });
    const summary = (longMs: number) =>
      unwrapped(
        formatSummary(assembleResult(config, plan, waited(longMs)), { color: false }),
        '  hint: '.length,
      );
    expect(summary(250)).toContain(
      "  hint: a worker with a core of its own waited 250 ms of the run's 1.00 s in waits of 1 ms or more, its partner not running (other processes held the cores, or it was compiling); `--inline` is faster here\n",
    );
    expect(summary(249)).not.toContain('hint:');
  });

  it('summary: workers that turned their spinning off (other processes held the cores) say so, and the hint says --inline', () => {
    const plain = raw([report(0), report(1)]);
    const two = (offs: readonly number[]) => ({
      ...plain,
      placement: '2',
      cores: 2,
      workers: offs.map((spinTurnedOff) => ({
        ...plain.workers[0]!,
        spinTurnedOff,
      })),
    });
    const summary = (offs: readonly number[]) =>
      unwrapped(formatSummary(assembleResult(config, plan, two(offs)), { color: false }), '  hint: '.length);
    const busy = summary([1, 2]);
    expect(busy).toMatch(/\(12 parks, spinning off 1 time\) {2}2 events/);
    expect(busy).toMatch(/\(12 parks, spinning off 2 times\) {2}2 events/);
    expect(busy).toContain(
      '  hint: other processes held the cores (the workers turned their spinning off 3 times: their partners were descheduled); on a busy machine `--inline` is faster\n',
    );
    // Never turned off: no words, no hint (two workers on two cores).
    expect(summary([0, 0])).not.toContain('spinning off');
    expect(summary([0, 0])).not.toContain('hint:');
    // The JSON result carries the count of every worker, 0 where it never turned spinning off.
    const json = assembleResult(config, plan, two([0, 1])).engine.workers.map((w) => w.spinTurnedOff);
    expect(json).toEqual([0, 1]);
    // The HTML report's engine section carries the hint.
    const r = two([1, 0]);
    expect(buildHtmlReport({ plan, config, raw: r, result: assembleResult(config, plan, r) })).toContain(
      'other processes held the cores (the workers turned their spinning off 1 time',
    );
  });

  it('summary: `--workers 1` gets a hint that --inline runs the same placement without the thread; other placements do not', () => {
    const one = { ...raw([report(0), report(1)]), cores: 4 };
    const hinted =
      '  hint: `--workers 1` hosts every actor on one worker thread, the inline engine plus a thread hop: `--inline` runs the same placement without the thread';
    const summary = (placement: string, workers: number) =>
      unwrapped(
        formatSummary(
          assembleResult(config, plan, { ...one, placement, workers: one.workers.slice(0, workers) }),
          { color: false },
        ),
        '  hint: '.length,
      );
    expect(summary('1', 1)).toContain(hinted);
    // `auto` that found one core made the same placement: the same hint, in its own words (QA).
    expect(summary('auto', 1)).toContain(
      '  hint: `--workers auto` found one core, so it hosted every actor on one worker thread, the inline engine plus a thread hop: `--inline` runs the same placement without the thread',
    );
    // `auto` that made two workers on its cores is the faster choice here: no hint.
    const two = {
      ...one,
      placement: 'auto',
      workers: [one.workers[0]!, { ...one.workers[0]!, actor: 'chip0' }],
    };
    expect(formatSummary(assembleResult(config, plan, two), { color: false })).not.toContain('hint:');
    expect(summary('2', 2)).not.toContain('hint:');
    expect(summary('per-actor', 2)).not.toContain('hint:');
    const r = { ...one, placement: '1', workers: one.workers.slice(0, 1) };
    expect(buildHtmlReport({ plan, config, raw: r, result: assembleResult(config, plan, r) })).toContain(
      '`--inline` runs the same placement without the thread</p>',
    );
  });

  it('summary: a violation shows rule, tick, actors, hex addresses, message, the first history line and the last ones', () => {
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
    expect(text).toContain('1 violation, 0 liveness failures');
    expect(text).toContain(
      'VIOLATION translation.stale-ats at 1.5 ns (tick 1500)  actors gpu0, chip0  addresses 0xdead0000',
    );
    expect(text).toContain('    DMA through a freed page');
    // The first line, the elided middle, then the lines that lead up to the violation.
    expect(text).toContain('    | t=1 map\n    | ... 2 more\n    | t=4 reuse\n    | t=5 dma');
    expect(text).not.toContain('t=2 translate');
    expect(text).not.toContain('t=3 free');
    expect(text).toContain('status violation (exit 1)');
  });

  it('summary: several rules get a by-rule line, and the first finding of each rule is shown before the rest', () => {
    const v = (rule: 'translation.stale-ats' | 'order.atsd-released-early', tick: number) => ({
      rule,
      message: rule,
      tick,
      actors: ['gpu0'],
      addresses: [],
      history: [],
    });
    // QA: flush-race --bug single-flush showed only order.* findings, its stale-ats ones hidden.
    const many = [1, 2, 3].map((i) => v('order.atsd-released-early', 1000 * i));
    const late = v('translation.stale-ats', 9000);
    const result = assembleResult(config, plan, raw([report(0), report(1, { violations: [...many, late] })]));
    const text = formatSummary(result, { color: false, maxViolations: 2 });
    // The first of each rule is shown before the earliest of the rest: the stale translation, the
    // fourth finding, takes the second place over the second order finding.
    expect(text.match(/ {2}VIOLATION \S+ at \d+ ns/g)).toEqual([
      '  VIOLATION order.atsd-released-early at 1 ns',
      '  VIOLATION translation.stale-ats at 9 ns',
    ]);
    expect(text).toContain('  ... and 2 more (see the JSON result: --json or --out)');
    // With room for three, the earliest of the rest fills it, and they print in time order.
    expect(
      formatSummary(result, { color: false, maxViolations: 3 }).match(/ {2}VIOLATION \S+ at \d+ ns/g),
    ).toEqual([
      '  VIOLATION order.atsd-released-early at 1 ns',
      '  VIOLATION order.atsd-released-early at 2 ns',
      '  VIOLATION translation.stale-ats at 9 ns',
    ]);
    expect(text).toContain(
      '  by rule: order.atsd-released-early 3 (first at 1 ns), translation.stale-ats 1 (first at 9 ns)',
    );
    // The HTML report's histories (ten) the same way: the late rule's among them.
    const eleven = [...Array(11).keys()].map((i) => ({
      ...v('order.atsd-released-early', 1000 * (i + 1)),
      history: ['h'],
    }));
    const lateRun = raw([
      report(0),
      report(1, { violations: [...eleven, { ...late, tick: 50_000, history: ['h'] }] }),
    ]);
    const page = buildHtmlReport({
      plan,
      config,
      raw: lateRun,
      result: assembleResult(config, plan, lateRun),
    });
    expect(page).toContain('history of the violation translation.stale-ats at 50 ns');
    expect(page.match(/history of the violation/g)).toHaveLength(10);
    // One rule: the checks line says it all.
    const one = assembleResult(config, plan, raw([report(0), report(1, { violations: many })]));
    expect(formatSummary(one, { color: false })).not.toContain('by rule:');
  });

  it('summary: a history excerpt keeps every line it can, the first and the last, and counts the rest', () => {
    const h = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(historyExcerpt(h, 6)).toEqual(h);
    expect(historyExcerpt(h, 10)).toEqual(h);
    expect(historyExcerpt(h, 4)).toEqual(['a', '... 2 more', 'd', 'e', 'f']);
    expect(historyExcerpt(h, 2)).toEqual(['a', '... 4 more', 'f']);
    expect(historyExcerpt(h, 1)).toEqual(['a', '... 5 more']);
    expect(historyExcerpt(h, 0)).toEqual(['... 6 more']);
    expect(historyExcerpt([], 4)).toEqual([]);
  });

  it("summary: each --bug switch's story under the status line, wrapped (QA: its fix was in `npusim list` alone)", () => {
    const text = formatSummary(assembleResult(config, plan, raw([report(0), report(1)])), { color: false });
    const lines = text.split('\n');
    expect(lines[2]).toBe(
      '  bug single-flush: One flush ATSD after the invalidate instead of two: a refill in flight survives',
    );
    expect(unwrapped(text, 4)).toContain(`  bug single-flush: ${BUGS['single-flush']}\n`);
    // No switch, no line.
    const clean = assembleResult({ ...config, bugs: [] }, plan, raw([report(0), report(1)]));
    expect(formatSummary(clean, { color: false })).not.toContain('  bug ');
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
    expect(text).not.toContain('contention per');
    expect(text).not.toContain('latencies:');
  });

  it('summary: a run that crashed or stalled says it has no digest instead of leaving it blank', () => {
    const crash = { actor: 'gpu0', lastEvent: undefined, tick: 2500, message: 'boom', stack: '' };
    const crashed = formatSummary(failedRunResult(config, plan, 'inline', { kind: 'crash', crash }, 3), {
      color: false,
    });
    expect(crashed).toContain('wall  digest (none: the run crashed)  status crash (exit 4)');
    const stall = { kind: 'stall' as const, message: 'no progress', dump: {} };
    const stalled = formatSummary(failedRunResult(config, plan, 'threaded', stall, 3), { color: false });
    expect(stalled).toContain('wall  digest (none: the engine stalled)  status liveness (exit 3)');
    // Such a result's conservation is not judged (no counts); where its checks are shown, they
    // say so rather than `0 sent = 0 received + 0 in flight` as if conserved (QA).
    const failed = failedRunResult(config, plan, 'threaded', stall, 3);
    const lines = checksSection(failed, (_c, t) => t, 5, 5);
    expect(lines).toContain(`  conservation: ${NOT_JUDGED}`);
    expect(lines.join('\n')).not.toContain('0 sent');
    expect(htmlChecks(failed)).toContain(`conservation: ${NOT_JUDGED}`);
  });

  it('summary: a free run that crashed is labelled free, as one that ran to its end is', () => {
    const crash = { actor: 'gpu0', lastEvent: undefined, tick: 2500, message: 'boom', stack: '' };
    const result = failedRunResult(config, plan, 'free', { kind: 'crash', crash }, 3);
    expect(result.host).toBe('threaded');
    expect(result.engine.placement).toBe('free');
    expect(formatSummary(result, { color: false })).toMatch(/^npusim stress {2}seed 1234 {2}free {2}/);
  });

  it("summary: a free run's own command is labelled a re-run of free mode; a replay line is a reproduce line", () => {
    const crash = { actor: 'gpu0', lastEvent: undefined, tick: 2500, message: 'boom', stack: '' };
    const result = failedRunResult(config, plan, 'free', { kind: 'crash', crash }, 3, 2_000_000);
    expect(result.reproduce).toMatch(/^npusim run stress .* --free --free-window 2us$/);
    const lines = formatSummary(result, { color: false }).split('\n');
    expect(lines).toContain(`re-run in free mode (races anew, so not this very run): ${result.reproduce}`);
    expect(lines.some((l) => l.startsWith('reproduce:'))).toBe(false);
    const replayed = formatSummary({ ...result, reproduce: 'npusim replay f.json' }, { color: false });
    expect(replayed.split('\n')).toContain('reproduce: npusim replay f.json');
  });

  it('HTML report: the links table says its backlog is in bytes, as the summary does', () => {
    const base = raw([report(0), report(1)]);
    const html = buildHtmlReport({ plan, config, raw: base, result: assembleResult(config, plan, base) });
    expect(html).toContain('<th>bytes</th><th>backlog bytes</th><th>busy</th>');
  });

  it('summary: a link nothing crossed has no queueing figure (`-`), not a measured 0 ps', () => {
    const idle = raw([report(0), report(1)]);
    idle.links = [
      {
        ...idle.links[0]!,
        busyTicks: 0,
        queueDelayTicksTotal: 0,
        queueDelayTicksMax: 0,
        messages: 0,
        bytes: 0,
        backlogBytes: 0,
      },
    ];
    const text = formatSummary(assembleResult(config, plan, idle), { color: false });
    expect(text).toMatch(/\n {2}chip0->gpu0 nvlink x2\s+0\.0%\s+0\s+0\s+-\s+-\s+-\n/);
  });

  it('summary: the header names the strategy when it is not the default random one', () => {
    const header = (c: RunConfig) =>
      headerLine(formatSummary(assembleResult(c, plan, raw([report(0), report(1)])), { color: false }));
    expect(header(config)).not.toContain('strategy');
    expect(header({ ...config, strategy: { kind: 'random' } })).not.toContain('strategy');
    expect(header({ ...config, strategy: { kind: 'pct', depth: 2, steps: [3, 4], agents: 5 } })).toContain(
      'per-socket  strategy pct (depth 2)  bugs: single-flush',
    );
  });

  it('summary: a PCT run whose actors counted their change points says how many fired', () => {
    const pct: RunConfig = { ...config, strategy: { kind: 'pct', depth: 4, steps: [30, 40], agents: 5 } };
    const counted = raw([report(0), report(1)]);
    counted.chooserCounts = [
      { steps: 25, agents: 2, changePoints: { planned: 1, fired: 1 } },
      { steps: 33, agents: 3, changePoints: { planned: 2, fired: 1 } },
    ];
    const result = assembleResult(pct, plan, counted);
    expect(result.pct).toEqual({
      steps: 58,
      agents: 5,
      changePoints: { needed: 3, planned: 3, fired: 2 },
      // The bound printed before the run: the measuring run's n and k (70), for depth 4.
      bound: { agents: 5, steps: 70, depth: 4, probability: 1 / (5 * 70 ** 3) },
    });
    expect(headerLine(formatSummary(result, { color: false }))).toContain(
      'per-socket  strategy pct (depth 4, 2 of 3 change points fired)  bugs: single-flush',
    );
    // A random run's counts (a measuring run) make no PCT figures.
    expect(assembleResult(config, plan, counted).pct).toBeUndefined();
    // Depth 1: no change point is drawn, and none is said to have failed to fire.
    const depth1: RunConfig = { ...config, strategy: { kind: 'pct', depth: 1, steps: [30, 40], agents: 5 } };
    counted.chooserCounts = [
      { steps: 25, agents: 2, changePoints: { planned: 0, fired: 0 } },
      { steps: 33, agents: 3, changePoints: { planned: 0, fired: 0 } },
    ];
    expect(headerLine(formatSummary(assembleResult(depth1, plan, counted), { color: false }))).toContain(
      'strategy pct (depth 1, no change points)',
    );
  });

  it('summary: a PCT run measured with fewer steps than its depth needs change points says so, in the header and the result', () => {
    // QA: depth 16 over 13 steps said `13 of 13 change points fired` and printed 1/(n*k^15).
    const cut: RunConfig = { ...config, strategy: { kind: 'pct', depth: 16, steps: [6, 7], agents: 13 } };
    const counted = raw([report(0), report(1)]);
    counted.chooserCounts = [
      { steps: 6, agents: 6, changePoints: { planned: 6, fired: 6 } },
      { steps: 7, agents: 7, changePoints: { planned: 7, fired: 7 } },
    ];
    const result = assembleResult(cut, plan, counted);
    expect(result.pct!.changePoints).toEqual({ needed: 15, planned: 13, fired: 13 });
    expect(result.pct!.bound).toEqual({ agents: 13, steps: 13, depth: 14, probability: 1 / 13 ** 14 });
    expect(headerLine(formatSummary(result, { color: false }))).toContain(
      'strategy pct (depth 16, 13 of 13 change points fired; 15 needed, only 13 steps)  bugs: single-flush',
    );
    // A measuring run of no steps: none placed, and why.
    const none: RunConfig = { ...config, strategy: { kind: 'pct', depth: 3, steps: [0, 0], agents: 0 } };
    counted.chooserCounts = [
      { steps: 0, agents: 0, changePoints: { planned: 0, fired: 0 } },
      { steps: 0, agents: 0, changePoints: { planned: 0, fired: 0 } },
    ];
    expect(headerLine(formatSummary(assembleResult(none, plan, counted), { color: false }))).toContain(
      'strategy pct (depth 3, no change points; 2 needed, no steps)',
    );
  });

  it('summary: the header names the profile, its bug switches and a missing BAR0 filter when it is not the default', () => {
    const header = (c: RunConfig) =>
      headerLine(formatSummary(assembleResult(c, plan, raw([report(0), report(1)])), { color: false }));
    expect(header(config)).not.toContain('profile');
    expect(header({ ...config, profile: DEFAULT_PROFILE })).not.toContain('profile');
    expect(header({ ...config, profile: 'as-shipped' })).toContain(
      `  profile as-shipped (its bug switches: ${PROFILES['as-shipped'].bugs.join(', ')}; no BAR0 filter)`,
    );
    // Longer than a line alone (130 columns, QA): broken after a comma, each line within 100.
    const text = formatSummary(
      assembleResult({ ...config, profile: 'as-shipped' }, plan, raw([report(0), report(1)])),
      { color: false },
    );
    const head = text.split('\n').slice(
      0,
      text.split('\n').findIndex((l) => l.startsWith('  simulated')),
    );
    expect(head.some((l) => /^ {9}\S/.test(l))).toBe(true);
    for (const line of head) expect(line.length).toBeLessThanOrEqual(TEXT_COLUMNS);
  });

  it("summary: a policy the profile's releases could not form is a warning under the header and `policyNotInProfile` in the result", () => {
    // The header's and the warning's lines joined again where they wrapped at 100 columns.
    const lines = (c: RunConfig) =>
      unwrapped(
        unwrapped(
          // A field broken over lines of its own (the profile's) continues at 9 columns.
          unwrapped(formatSummary(assembleResult(c, plan, raw([report(0), report(1)])), { color: false }), 9),
          7,
          '  ',
        ),
        '  warning: '.length,
      ).split('\n');
    const perGpu = { ...config, params: { ...config.params, policy: 'per-gpu' as const } };
    // The default profile (fixed) is one of proposals: any policy, no warning.
    expect(lines(perGpu)[1]).toMatch(/^ {2}simulated /);
    expect(assembleResult(perGpu, plan, raw([report(0), report(1)])).policyNotInProfile).toBeUndefined();
    const shipped = { ...perGpu, profile: 'as-shipped' as const };
    expect(lines(shipped)[1]).toBe(
      '  warning: policy per-gpu is not in profile as-shipped (Linux v5.12 formed per-socket only): a what-if on that release, not the machine as it shipped',
    );
    // Wrapped under its text, not under the label.
    expect(
      formatSummary(assembleResult(shipped, plan, raw([report(0), report(1)])), { color: false }),
    ).toContain(
      '  warning: policy per-gpu is not in profile as-shipped (Linux v5.12 formed per-socket only): a\n           what-if on that release, not the machine as it shipped\n',
    );
    expect(assembleResult(shipped, plan, raw([report(0), report(1)])).policyNotInProfile).toMatch(
      /^policy per-gpu /,
    );
    // as-shipped with the policy it had and none but its own switches: no warning.
    const socket = { ...shipped, bugs: [], params: { ...config.params, policy: 'per-socket' as const } };
    expect(lines(socket)[1]).toMatch(/^ {2}simulated /);
    // A switch its releases did not carry (this config's single-flush, fixed in Feb 2018): a
    // what-if as well, said the same way (QA: nothing said it).
    const withBug = { ...socket, bugs: ['single-flush' as const] };
    expect(lines(withBug)[1]).toBe(
      '  warning: --bug single-flush is not in profile as-shipped (Linux v5.12 and skiboot v6.8 had it fixed, or never had it): a what-if on that release, not the machine as it shipped',
    );
    expect(assembleResult(withBug, plan, raw([report(0), report(1)])).bugsNotInProfile).toMatch(
      /^--bug single-flush is not in profile as-shipped/,
    );
  });

  it('summary: colours only when asked, and only on a TTY without NO_COLOR', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    expect(formatSummary(result, { color: true })).toContain('\u001b[');
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(colorEnabled({}, {})).toBe(false);
  });

  it('summary: FORCE_COLOR colours a stream that is no TTY (a CI log); NO_COLOR still wins', () => {
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: 'true' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '3', TERM: 'dumb' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });

  it('summary: the answer comes first: the question, then the headline figures, aligned', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    result.question = 'Does it hit?';
    result.headline = evaluateHeadline(
      [
        { label: 'ATS hits', counter: 'ats.hits', per: 'run', unit: 'count' },
        { label: 'ATS hits and misses', counter: 'ats.hits+ats.misses', per: 'run', unit: 'count' },
        { label: 'DMA p99', latency: 'dma.latencyTicks', stat: 'p99' },
        { label: 'busiest chip->GPU link', links: 'chip-gpu', stat: 'busiest' },
        { label: 'ATS hit rate', rate: 'ats-hit' },
        { label: 'peer p99', latency: 'peer.latencyTicks', stat: 'p99' },
      ],
      result,
    );
    const text = formatSummary(result, { color: false });
    const answer = text.indexOf('question: Does it hit?\nanswer:\n');
    expect(answer).toBeGreaterThan(0);
    expect(answer).toBeLessThan(text.indexOf('checks:'));
    expect(text).toMatch(/ {2}ATS hits\s+9\n/);
    expect(text).toMatch(/ {2}ATS hits and misses\s+10\n/);
    // A DMA latency says the bound it queued behind (the default 64 here); a peer access, nothing.
    expect(text).toMatch(/ {2}DMA p99\s+99\.01 ns \(at most 64 outstanding per GPU\)\n/);
    expect(text).toMatch(/ {2}busiest chip->GPU link\s+25\.0% \(chip0->gpu0 nvlink x2\)\n/);
    expect(text).toMatch(/ {2}ATS hit rate\s+90\.0%\n/);
    expect(text).toMatch(/ {2}peer p99\s+no samples\n/);
  });

  it('headline: the busiest nest MMU names its chip, the mean its sockets; an older result has no figure', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    const sockets = (...u: (number | undefined)[]) => {
      result.contention.sockets = u.map((x, i) => ({
        ...result.contention.sockets[0]!,
        socket: i,
        chip: `chip${i}`,
        nmmuWalkerUtilisation: x,
      }));
    };
    const items = [
      { label: 'busiest nest MMU', nmmu: 'busiest' },
      { label: 'nest MMUs, mean', nmmu: 'mean' },
    ] as const;
    sockets(0.25, 0.994);
    expect(evaluateHeadline(items, result).map((f) => [f.text, f.value])).toEqual([
      ['99.4% (chip1)', 0.994],
      ['62.2% over 2 sockets', (0.25 + 0.994) / 2],
    ]);
    sockets(undefined);
    expect(evaluateHeadline(items, result).map((f) => f.text)).toEqual([
      'no nest MMU figures',
      'no nest MMU figures',
    ]);
  });

  it('headline: a DMA latency says the outstanding bound of the run it was measured in, and no other latency does', () => {
    const items = [
      { label: 'DMA p99', latency: 'dma.latencyTicks', stat: 'p99' },
      { label: 'DMA count', latency: 'dma.latencyTicks', stat: 'count' },
      { label: 'peer p99', latency: 'peer.latencyTicks', stat: 'p99' },
      { label: 'wait p99', latency: 'atsd.registerWaitTicks', stat: 'p99' },
    ] as const;
    const at = (maxOutstanding: number) => {
      const params = { ...config.params, gpu: { ...config.params.gpu, maxOutstanding } };
      return assembleResult({ ...config, params }, plan, raw([report(0), report(1)]));
    };
    // Two runs of one DMA p99 at different bounds read apart, each with its own.
    expect(evaluateHeadline(items, at(512)).map((f) => f.text)).toEqual([
      '99.01 ns (at most 512 outstanding per GPU)',
      '100 (at most 512 outstanding per GPU)',
      'no samples',
      'no samples',
    ]);
    expect(evaluateHeadline(items.slice(0, 1), at(8))[0]).toEqual({
      label: 'DMA p99',
      value: 99_007,
      text: '99.01 ns (at most 8 outstanding per GPU)',
      unit: 'ticks',
    });
    // No DMA samples: still said, it is the run's condition, not the figure's.
    const none = at(16);
    delete none.contention.latencies['dma.latencyTicks'];
    expect(evaluateHeadline(items.slice(0, 1), none)[0]!.text).toBe(
      'no samples (at most 16 outstanding per GPU)',
    );
    // A result whose parameters lack the bound (edited, or of another shape): the figure alone.
    const bare = at(64);
    (bare.config as { params: unknown }).params = { gpu: {} };
    expect(evaluateHeadline(items.slice(0, 1), bare)[0]!.text).toBe('99.01 ns');
  });

  it("summary and HTML: the latency tables' DMA latency row says the outstanding bound, as the headline does; no other row does", () => {
    const at = (maxOutstanding: number) => {
      const params = { ...config.params, gpu: { ...config.params.gpu, maxOutstanding } };
      const c = { ...config, params };
      const r = raw([
        report(0),
        report(1, { histograms: { [H.peerLatencyTicks]: reportedHistogram([5000]) } }),
      ]);
      return {
        result: assembleResult(c, plan, r),
        html: (result: ReturnType<typeof assembleResult>) =>
          buildHtmlReport({ result, raw: r, plan, config: c }),
      };
    };
    for (const bound of [512, 8]) {
      const { result, html } = at(bound);
      const said = `at most ${bound} outstanding per GPU`;
      // The headline's words, from the one rule (measured-at.ts).
      const headline = evaluateHeadline(
        [{ label: 'DMA p99', latency: 'dma.latencyTicks', stat: 'p99' }],
        result,
      );
      expect(headline[0]!.text).toBe(`99.01 ns (${said})`);
      // The summary: under the DMA row, and nowhere else in the table.
      const text = formatSummary(result, { color: false });
      expect(text).toMatch(
        new RegExp(
          `\\n {2}DMA latency\\s+100\\s+50(\\.\\d+)? ns[^\\n]*\\n {24}measured with ${said}\\n {2}peer access latency `,
        ),
      );
      expect(text.split(said).length - 1).toBe(1);
      // The HTML report: in the DMA row's label, and no other row's.
      const page = html(result);
      expect(page).toContain(`<tr><td>DMA latency (${said})</td><td>100</td>`);
      expect(page).toContain('<tr><td>peer access latency</td><td>1</td>');
      expect(page.split(`(${said})`).length - 1).toBe(1);
      // Its histogram's title says it too; the peer access histogram's says nothing of it.
      expect(page).toContain(`DMA latency, ${said} (100 samples)`);
      expect(page).toContain('peer access latency (1 sample)');
    }
    // A result whose parameters lack the bound (edited, or of another shape): the rows alone, as the headline.
    const { result, html } = at(64);
    (result.config as { params: unknown }).params = { gpu: {} };
    expect(formatSummary(result, { color: false })).not.toContain('outstanding per GPU');
    expect(html(result)).toContain('<tr><td>DMA latency</td><td>100</td>');
  });

  it('headline: a wait whose zeros a counter holds says how many of its samples they are', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    const items = [
      { label: 'wait p99', latency: 'atsd.registerWaitTicks', stat: 'p99' },
      { label: 'wait count', latency: 'atsd.registerWaitTicks', stat: 'count' },
      { label: 'peer p99', latency: 'peer.latencyTicks', stat: 'p99' },
    ] as const;
    const texts = () => evaluateHeadline(items, result).map((f) => [f.text, f.value]);
    const wait = (count: number, p99: number) => {
      result.contention.latencies['atsd.registerWaitTicks'] = {
        count,
        min: 0,
        mean: p99 / 2,
        p50: 0,
        p99,
        p999: p99,
        max: p99,
        unit: 'ticks',
      };
    };
    // Every acquisition at once: the p99 is 0, over all twelve.
    result.counts['atsd.acquiredAtOnce'] = 12;
    wait(12, 0);
    expect(texts()).toEqual([
      ['0 ps (12 of 12 won at once)', 0],
      ['12 (12 of 12 won at once)', 12],
      ['no samples', null],
    ]);
    // Six waited: the p99 is over all eighteen, and says so.
    wait(18, 39_030_000);
    expect(texts()[0]).toEqual(['39.03 us (12 of 18 won at once)', 39_030_000]);
    // No acquisition at once: the figure alone.
    result.counts['atsd.acquiredAtOnce'] = 0;
    expect(texts()[0]).toEqual(['39.03 us', 39_030_000]);
  });

  it('summary: variants stand side by side with their verdicts against what each expected', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    const leak: Violation = {
      rule: 'isolation.peer',
      message: 'leak',
      tick: 5,
      actors: ['gpu0'],
      addresses: [1],
      history: [],
    };
    const leaky = assembleResult(config, plan, raw([report(0), report(1, { violations: [leak] })]));
    result.label = 'isolated';
    result.expectation = judgeExpectation('clean', result);
    result.headline = [{ label: 'leaks', value: 0, text: '0' }];
    result.variants = [
      {
        name: 'links-up',
        description: 'links left up',
        set: { policy: 'per-gpu' },
        status: leaky.status,
        exitCode: leaky.exitCode,
        digest: leaky.digest,
        violationTotal: 1,
        expectation: judgeExpectation(['isolation.peer'], leaky),
        headline: [{ label: 'leaks', value: 1, text: '1' }],
        reproduce: leaky.reproduce,
      },
      {
        name: 'also-isolated',
        set: { policy: 'per-gpu-isolated' },
        status: leaky.status,
        exitCode: leaky.exitCode,
        digest: leaky.digest,
        violationTotal: 1,
        expectation: judgeExpectation('clean', leaky),
        headline: [
          { label: 'leaks', value: 1, text: '1' },
          { label: 'only here', value: 7, text: '7' },
        ],
        reproduce: leaky.reproduce,
      },
    ];
    const lines = formatSummary(result, { color: false }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('answer (this run and its 2 variants'));
    expect(at).toBeGreaterThan(0);
    const [names, verdict, expected, leaks] = lines.slice(at + 1, at + 5);
    expect(names).toMatch(/^\s+isolated \(this run\)\s+links-up\s+also-isolated$/);
    expect(verdict).toMatch(
      /^ {2}verdict\s+clean\s+violation: 1 \(isolation\.peer\)\s+violation: 1 \(isolation\.peer\)$/,
    );
    expect(expected).toMatch(
      /^ {2}expected\s+clean: as expected\s+isolation\.peer: as expected\s+clean: NOT as expected$/,
    );
    expect(leaks).toMatch(/^ {2}leaks\s+0\s+1\s+1$/);
    // Columns line up: each run's column starts at the same offset on every row.
    expect(verdict!.indexOf('violation')).toBe(names!.indexOf('links-up'));
    expect(lines).toContain('  links-up: links left up (policy=per-gpu)');
  });

  it("summary: the answer's header names the variants run on another profile than the run's (QA: `same seed and options` over one on as-shipped)", () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    result.expectation = judgeExpectation('clean', result);
    const variant = (name: string, profile?: 'as-shipped' | 'fixed') => ({
      name,
      set: {},
      ...(profile === undefined ? {} : { profile }),
      status: result.status,
      exitCode: result.exitCode,
      digest: result.digest,
      violationTotal: 0,
      expectation: judgeExpectation('clean', result),
      headline: [],
      reproduce: result.reproduce,
    });
    const header = () =>
      formatSummary(result, { color: false })
        .split('\n')
        .find((l) => l.startsWith('answer ('));
    // On the run's own profile (fixed, the default, named or not), the options are the same.
    result.variants = [variant('a'), variant('b', 'fixed')];
    expect(header()).toBe('answer (this run and its 2 variants, same seed and options):');
    result.variants = [variant('a', 'as-shipped'), variant('b'), variant('c', 'as-shipped')];
    expect(header()).toBe(
      'answer (this run and its 3 variants, same seed and options, but a and c on profile as-shipped):',
    );
    // A run on as-shipped: its variants that name it run on the run's profile.
    result.config = { ...result.config, profile: 'as-shipped' };
    expect(header()).toBe('answer (this run and its 3 variants, same seed and options):');
  });

  it('summary: a variant Ctrl-C stopped is not judged against what it expected, even if it found it', () => {
    const result = assembleResult(config, plan, raw([report(0), report(1)]));
    result.expectation = judgeExpectation('clean', result);
    result.variants = [
      {
        name: 'links-up',
        set: { policy: 'per-gpu' },
        status: 'interrupted',
        exitCode: 130,
        digest: result.digest,
        violationTotal: 3,
        // What it found before the stop is what it expects; an interrupted run meets nothing.
        expectation: { expect: ['isolation.peer'], found: { 'isolation.peer': 3 }, met: false },
        headline: [],
        reproduce: result.reproduce,
      },
    ];
    const lines = formatSummary(result, { color: false }).split('\n');
    const expected = lines.find((l) => l.startsWith('  expected'));
    expect(expected).toMatch(
      /^ {2}expected\s+clean: as expected\s+isolation\.peer: not judged \(interrupted\)$/,
    );
    expect(lines.join('\n')).not.toContain('NOT as expected');
  });

  it('summary: shootdowns held up by one deadlock are one liveness block, its cycle printed once', () => {
    const history = [
      'shootdown 1: holds [], waits to acquire on npu1',
      'shootdown 2: holds [npu1.reg0], waits to acquire on npu0',
      'shootdown 4: holds [npu0.reg0], waits to acquire on npu1',
    ];
    const stuck = (id: number): Violation => ({
      rule: 'liveness.shootdown',
      message: `Expected shootdown ${id} (lpid 0 pid 1) to complete within 100 ticks, got none`,
      tick: 700,
      actors: ['coordinator', `npu${id % 2}`],
      addresses: [id],
      history,
    });
    const r = raw([report(0), report(1, { liveness: [stuck(1), stuck(2), stuck(4)] })]);
    const text = unwrapped(formatSummary(assembleResult(config, plan, r), { color: false }), 20);
    expect(text).toContain('3 liveness failures');
    expect(text).toContain('3 shootdowns overdue: 1, 2, 4');
    const cycle =
      'deadlock cycle: shootdown 2 holds npu1.reg0, waits for npu0 -> shootdown 4 holds npu0.reg0, waits for npu1 -> shootdown 2';
    expect(text.split(cycle)).toHaveLength(2);
    expect(text.split('| shootdown 2: holds [npu1.reg0], waits to acquire on npu0')).toHaveLength(2);
  });

  it('liveness: a deadlock cycle is found in the wait-for graph; a hang (no cycle) is not one', () => {
    expect(
      findDeadlockCycle([
        // Waiting for a STAT on an NPU no one of the cycle waits for: no part of it. (Holding
        // npu0.reg1 instead, it could free a register for 5: no deadlock; liveness-rules.test.ts.)
        'shootdown 7: holds [npu1.reg1], waits for STAT on npu1.reg1',
        'shootdown 3: holds [npu0.reg0, npu1.reg2], waits to acquire on npu2',
        'shootdown 5: holds [npu2.reg0], waits to acquire on npu0',
      ]),
    ).toBe(
      'shootdown 3 holds npu0.reg0 and npu1.reg2, waits for npu2 -> shootdown 5 holds npu2.reg0, waits for npu0 -> shootdown 3',
    );
    expect(
      findDeadlockCycle([
        'shootdown 1: holds [npu0.reg0], waits for STAT on npu0.reg0',
        'shootdown 2: holds [], waits to acquire on npu0',
      ]),
    ).toBeUndefined();
  });
});

describe('summary: the placement line names what ran', () => {
  it.each([
    ['per-actor', 9, 2, 'one worker per actor'],
    ['2', 2, 2, '2 workers'],
    ['1', 1, 2, '1 worker'],
    ['100', 9, 2, '9 workers (100 asked for; one per actor at most)'],
    ['auto', 2, 2, 'auto, 2 workers (2 cores)'],
    ['auto', 1, 1, 'auto, 1 worker (1 core)'],
    ['inline', 1, 2, 'inline'],
  ])('placement %s on %i workers, %i cores: "%s"', (placement, workers, cores, text) => {
    expect(placementText(placement, workers, cores)).toBe(text);
  });
});

describe('summary: the command exit beside the run exit', () => {
  it('a variant that found what it did not expect, or that Ctrl-C stopped, is named by its reason', () => {
    expect(exitText({ exitCode: 0 })).toBe('exit 0');
    expect(exitText({ exitCode: 1, commandExitCode: 1 })).toBe('exit 1');
    expect(exitText({ exitCode: 0, commandExitCode: 1 })).toBe(
      'exit 0; the command exits 1: a variant found what it did not expect',
    );
    expect(exitText({ exitCode: 1, commandExitCode: 130 })).toBe(
      'exit 1; the command exits 130: a variant was interrupted',
    );
  });
});
