/**
 * The HTML report's text against the run it reports (no browser: html-report-browser.test.ts
 * draws it): the note over the time charts counts the samples actually drawn (a run stopped early
 * draws fewer and says where they end), the host is named as the summary names it (a free run is
 * `free`), and the workload's answer (question, headline figures, each variant's verdict) is the
 * summary's.
 */
import { describe, expect, it } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import { H } from '../../src/model/actors/metric-names.js';
import { BUGS, type BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { describedResult } from '../../src/report/described-result.js';
import { histogramTitle } from '../../src/report/html-charts.js';
import { buildHtmlReport } from '../../src/report/html-report.js';
import type { RunResult } from '../../src/report/run-result.js';
import { formatSummary } from '../../src/report/summary.js';
import { busiestLinks, SOCKET_TABLES } from '../../src/report/summary-contention.js';
import { unfinishedText } from '../../src/report/unfinished-text.js';
import { runRaw } from '../../src/runtime/engine.js';
import { sampleTick } from '../../src/runtime/trace-recorder.js';
import { workloads } from '../../workloads/index.js';
import { headerLine, unwrapped } from '../fixtures/unwrapped.js';

const SAMPLES = 400;

async function report(
  name: string,
  durationTicks: number,
  bugs: BugName[] = [],
  stopOnFirst = false,
  edit: (r: RunResult) => RunResult = (r) => r,
): Promise<{ html: string; result: RunResult }> {
  const w = workloads.find((x) => x.name === name)!;
  const config: RunConfig = {
    workload: name,
    seed: 1,
    bugs,
    params: parseParams({ ...w.params, durationTicks }, name),
    ...(stopOnFirst ? { stopOnFirst: true } : {}),
  };
  const plan = planMachine(config);
  const raw = await runRaw(config, {
    host: 'inline',
    trace: { capacityRecords: 2, sampleCount: SAMPLES, endTick: durationTicks },
  });
  const result = edit(describedResult(config, plan, raw, w));
  return { html: buildHtmlReport({ plan, config, result, raw }), result };
}

function chartRows(html: string): number[] {
  const data = JSON.parse(
    /<script type="application\/json" id="npusim-data">(.*?)<\/script>/s.exec(html)![1]!,
  ) as {
    charts: { kind: string; x: number[] }[];
  };
  return data.charts.filter((c) => c.kind === 'line').map((c) => c.x.length);
}

function htmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

interface ChartData {
  id: string;
  kind: string;
  title: string;
  x: number[];
  series: { label: string; values: number[]; dashed?: boolean }[];
}

function charts(html: string): ChartData[] {
  return (
    JSON.parse(/<script type="application\/json" id="npusim-data">(.*?)<\/script>/s.exec(html)![1]!) as {
      charts: ChartData[];
    }
  ).charts;
}

describe('the HTML report says what the run did', () => {
  it('each histogram starts at the lower edge of its lowest bin, so that bin has a width and every sample is drawn', async () => {
    const { html } = await report('stress', 5_000_000);
    const histograms = charts(html).filter((c) => c.kind === 'histogram');
    expect(histograms.length).toBeGreaterThan(2);
    for (const c of histograms) {
      const values = c.series[0]!.values;
      expect(c.x).toHaveLength(values.length);
      // Drawn from the edge before each count (align -1): the first value spans nothing.
      expect(values[0]).toBe(0);
      expect(c.x[0]).toBeLessThan(c.x[1]!);
      const samples = Number(/\((\d+) samples?/.exec(c.title)![1]);
      expect(values.reduce((a, b) => a + b, 0)).toBe(samples);
    }
  });

  it('a latency whose every sample is 0 says so where its chart would be (it had a table row and no word)', async () => {
    const { html, result } = await report('stress', 5_000_000);
    const waits = result.contention.latencies[H.atsdRegisterWaitTicks]!;
    expect(waits.count).toBeGreaterThan(1);
    expect(waits.max).toBe(0);
    expect(charts(html).filter((c) => c.title.startsWith('ATSD register wait'))).toEqual([]);
    expect(html).toContain(
      `<figure class="chart" data-nothing-drawn="latency-${H.atsdRegisterWaitTicks}"><figcaption>ATSD register wait (${waits.count} samples, all 0 ps: nothing to draw)</figcaption></figure>`,
    );
    // The title's 0 is the tables' 0 (QA: the title said `0 ns` beside rows of `0 ps`).
    expect(html).toContain(`<tr><td>ATSD register wait</td><td>${waits.count}</td><td>0 ps</td>`);
  });

  it('a latency with no samples but operations still going on says so where its chart would be (a deadlock left it out)', async () => {
    const { html, result } = await report('atsd-deadlock', 200_000_000, ['release-between-flushes']);
    expect(result.contention.latencies[H.shootdownLatencyTicks]?.count ?? 0).toBe(0);
    const going = unfinishedText(result, H.shootdownLatencyTicks);
    expect(going).toMatch(/^\+\d+ still in flight at the end/);
    expect(html).toContain(
      `<figure class="chart" data-nothing-drawn="latency-${H.shootdownLatencyTicks}"><figcaption>shootdown latency (no samples; ${going})</figcaption></figure>`,
    );
  });

  it('a histogram title counts one sample in the singular (it read "(1 samples)")', () => {
    expect(histogramTitle('DMA latency', 1, 0)).toBe('DMA latency (1 sample)');
    expect(histogramTitle('ATSD register wait', 1, 2)).toBe(
      'ATSD register wait (1 sample; 2 more of 0 not drawn)',
    );
    expect(histogramTitle('ATSD register wait', 0, 1)).toBe(
      'ATSD register wait (1 sample, 0 ps: nothing to draw)',
    );
    expect(histogramTitle('DMA latency', 2, 1)).toBe('DMA latency (2 samples; 1 more of 0 not drawn)');
  });

  it('the header names the npusim that made it; every table scrolls inside the page', async () => {
    const { html, result } = await report('stress', 1_000_000);
    expect(result.npusim).toMatch(/^\d+\.\d+\.\d+/);
    expect(html).toContain(`<tr><td>npusim</td><td>${result.npusim}</td></tr>`);
    expect(html.match(/<table/g)!.length).toBe(html.match(/<div class="table"><table/g)!.length);
    // Its wall time as the summary's header spells it (`81 ms`; the page said `0.08 s`).
    const wall = / in (\S+ m?s) wall /.exec(formatSummary(result, { color: false }))![1];
    expect(html).toContain(`<tr><td>wall time</td><td>${wall}</td></tr>`);
  });

  it('a run that reached its end: the note counts the 401 rows its charts draw', async () => {
    const { html } = await report('stress', 5_000_000);
    expect(new Set(chartRows(html))).toEqual(new Set([SAMPLES + 1]));
    expect(html).toContain(`<p class="note">${SAMPLES + 1} samples over the run (0 to 5 us), each`);
  });

  it('a run 400 does not divide is sampled at whole ticks (a 401 ps run had rows at 1.0025 ps); one it divides, where it was', async () => {
    const lines = charts((await report('stress', 401)).html).filter((c) => c.kind === 'line');
    expect(lines.length).toBeGreaterThan(0);
    for (const c of lines) {
      expect(c.x.filter((t) => !Number.isInteger(t))).toEqual([]);
      expect([c.x[0], c.x.at(-1), new Set(c.x).size]).toEqual([0, 401, SAMPLES + 1]);
    }
    const rows = Array.from({ length: SAMPLES + 1 }, (_, k) => k);
    expect(rows.map((k) => sampleTick(k, 5_000_000, SAMPLES))).toEqual(
      rows.map((k) => (k * 5_000_000) / SAMPLES),
    );
  });

  it('a run stopped at its first finding: the note counts the rows drawn and says where they end', async () => {
    const { html, result } = await report('flush-race', 50_000_000, ['single-flush'], true);
    expect(result.simulatedTicks).toBeLessThan(50_000_000);
    const rows = chartRows(html);
    const drawn = rows[0]!;
    expect(drawn).toBeLessThan(SAMPLES + 1);
    expect(new Set(rows)).toEqual(new Set([drawn]));
    // Before: "400 samples over the run", whatever was drawn.
    expect(html).not.toContain(`${SAMPLES} samples over the run`);
    expect(html).toMatch(
      new RegExp(
        `<p class="note">${drawn} of ${SAMPLES + 1} samples, 0 to [^:]+: the run stopped at [^ ]+ us of 50 us \\(violation\\)`,
      ),
    );
  });

  it('a free run is hosted `free`, as the summary says, not `threaded`', async () => {
    const { html, result } = await report('stress', 2_000_000, [], false, (r) => ({
      ...r,
      host: 'threaded',
      engine: { ...r.engine, placement: 'free' },
    }));
    expect(formatSummary(result, { color: false }).split('\n')[0]).toMatch(/ seed 1 {2}free {2}/);
    expect(html).toContain('<tr><td>host</td><td>free</td></tr>');
  });

  it('a threaded run stopped by Ctrl-C says under conservation, as the summary does, what its figures count past the stop', async () => {
    const { html, result } = await report('stress', 2_000_000, [], false, (r) => ({
      ...r,
      host: 'threaded',
      status: 'interrupted',
    }));
    const note = 'interrupted on threads: the run is reported to the tick every worker had reached';
    expect(formatSummary(result, { color: false })).toContain(`note: ${note}`);
    expect(html).toContain(`<p class="note">note: ${note}`);
    expect((await report('stress', 2_000_000)).html).not.toContain('interrupted on threads');
  });

  it("the chart of a GPU's DMAs in flight says it counts its peer writes too: at the end they add up to both", async () => {
    const { html, result } = await report('mixed', 2_000_000);
    const chart = charts(html).find((c) => c.title.includes('in flight per GPU'))!;
    const atEnd = chart.series.reduce((sum, s) => sum + s.values.at(-1)!, 0);
    const peers = result.counts['peer.inFlightAtEnd'] ?? 0;
    expect(peers).toBeGreaterThan(0);
    expect(atEnd).toBe((result.counts['dma.inFlightAtEnd'] ?? 0) + peers);
    expect(chart.title).toBe('DMAs and peer writes in flight per GPU');
  });

  it("the link chart draws the summary's busiest links: the machine's, not the coordinator's control edges", async () => {
    const { html, result } = await report('mixed', 2_000_000);
    const data = JSON.parse(
      /<script type="application\/json" id="npusim-data">(.*?)<\/script>/s.exec(html)![1]!,
    ) as { charts: { id: string; series: { label: string }[] }[] };
    const drawn = data.charts.find((c) => c.id === 'links')!.series.map((x) => x.label);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn).toEqual(busiestLinks(result, drawn.length).map((l) => l.label));
    const control = new Set(
      result.contention.links.filter((l) => l.between === 'control').map((l) => l.label),
    );
    expect(control.size).toBeGreaterThan(0);
    expect(drawn.filter((l) => control.has(l))).toEqual([]);
  });

  it("a free run's contention is labelled free-mode, and its lateness and take log are in the engine section, as the summary has them", async () => {
    const free = {
      windowTicks: 1_000_000,
      lateRecords: 12,
      lateTicksMax: 40_000,
      lateTicksMean: 9_000,
      driftWaits: 3,
      logBytes: 2048,
      logBytesPerSimulatedMs: 1_024_000,
    };
    const { html, result } = await report('stress', 2_000_000, [], false, (r) => ({
      ...r,
      host: 'threaded',
      engine: { ...r.engine, placement: 'free' },
      free: free as NonNullable<RunResult['free']>,
    }));
    const summary = formatSummary(result, { color: false });
    expect(summary).toContain(
      'contention (free mode: timing set by real thread races; their lateness in the free mode figures):',
    );
    expect(html).toContain(
      'contention (free mode: timing set by real thread races; their lateness in the free mode figures)',
    );
    const lateness = 'free mode: window 1 us; 12 late records (mean 9 ns, max 40 ns); 3 drift waits';
    expect(summary).toContain(lateness);
    expect(html).toContain(lateness);
    // An inline run's report says nothing of free mode.
    expect((await report('stress', 2_000_000)).html).not.toContain('free mode');
  });

  it("each finding's history, whole, folded under its rule (the summary shows four lines of it)", async () => {
    const { html, result } = await report('flush-race', 30_000_000, ['single-flush']);
    const first = result.violations[0]!;
    expect(first.history.length).toBeGreaterThan(4);
    const blocks = [
      ...html.matchAll(/<details><summary>(.*?)<\/summary><pre class="answer">(.*?)<\/pre><\/details>/gs),
    ];
    expect(blocks.length).toBe(Math.min(10, result.violations.length + result.liveness.length));
    const [, summary, body] = blocks[0]!;
    expect(htmlText(summary!)).toContain(`history of the violation ${first.rule}`);
    expect(htmlText(summary!)).toContain(`(${first.history.length} events)`);
    expect(htmlText(body!).split('\n')).toEqual(first.history);
    // A clean run shows none.
    expect((await report('stress', 2_000_000)).html).not.toContain('<details>');
  });

  it("every rule the run broke, counted in full, in a table as the summary's `by rule` line (the findings table shows only the first 50)", async () => {
    const { html, result } = await report('flush-race', 30_000_000, ['single-flush']);
    const rules = Object.entries(result.rules!).sort(
      (a, b) => a[1].tick - b[1].tick || a[0].localeCompare(b[0]),
    );
    expect(rules.length).toBeGreaterThanOrEqual(2);
    const head = '<thead><tr><th>rule</th><th>count</th><th>first at</th></tr></thead><tbody>';
    expect(html).toContain(head);
    const body = html.split(head)[1]!.split('</tbody>')[0]!;
    const rows = [...body.matchAll(/<tr><td>(.*?)<\/td><td>(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(rules.map(([rule, r]) => [rule, r.count]));
    // The summary's line joined again where it wrapped at 100 columns, under its first rule.
    const line = unwrapped(formatSummary(result, { color: false }), '  by rule: '.length)
      .split('\n')
      .find((l) => l.startsWith('  by rule: '))!;
    const named = line
      .slice('  by rule: '.length)
      .split(', ')
      .map((x) => [x.split(' ')[0], Number(x.split(' ')[1])]);
    expect(named).toEqual(rows);
    // One rule or none: no table (the checks line says it all).
    expect((await report('stress', 2_000_000)).html).not.toContain(head);
  });

  it("the workload's answer, with each variant's verdict, is the summary's", async () => {
    const { html, result } = await report('multi-tenant', 5_000_000);
    expect(result.variants).toBeUndefined(); // runRaw runs no variants: give the result two
    const withVariants: RunResult = {
      ...result,
      variants: [
        {
          name: 'per-gpu',
          description: 'one group per GPU',
          set: { policy: 'per-gpu' },
          status: 'violation',
          exitCode: 1,
          digest: 'feedface',
          violationTotal: 3,
          expectation: { expect: ['isolation.peer'], found: { 'isolation.peer': 3 }, met: true },
          headline: [],
          reproduce: 'npusim run multi-tenant --variant per-gpu',
        },
      ],
    };
    const { html: withHtml } = await report('multi-tenant', 5_000_000, [], false, () => withVariants);
    const answer = (h: string) => htmlText(/<pre class="answer">(.*?)<\/pre>/s.exec(h)?.[1] ?? '');
    expect(result.question).toBeDefined();
    expect(answer(html)).toContain(`question: ${result.question}`);
    const summary = formatSummary(withVariants, { color: false });
    const lines = answer(withHtml).split('\n');
    expect(lines.length).toBeGreaterThan(4);
    // The page's lines are the summary's, in its 100 columns (QA: whole lines ran past the box,
    // and wrapped by the browser the variants table lost its columns).
    for (const line of lines) expect(summary.split('\n')).toContain(line);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(answer(withHtml)).toContain('per-gpu');
    expect(answer(withHtml)).toContain('feedface');
  });

  it("the contention per socket is the summary's, cell for cell (the report had no such table)", async () => {
    const { html, result } = await report('shootdown-storm', 20_000_000);
    const section = /<h2>Contention per socket<\/h2>\n<div class="table"><table>(.*?)<\/table>/s.exec(
      html,
    )?.[1];
    expect(section).toBeDefined();
    const rows = [...section!.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
      [...m[1]!.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((c) => htmlText(c[1]!)),
    );
    const summary = formatSummary(result, { color: false }).split('\n');
    // The summary shows the columns in two tables (SOCKET_TABLES), each socket's row in both: the
    // HTML's one table holds every column of both, each cell the summary's in its column.
    expect(rows).toHaveLength(1 + result.contention.sockets.length);
    expect(rows[0]!.slice(1).sort()).toEqual(SOCKET_TABLES.flatMap(([, columns]) => columns).sort());
    for (const [title, columns] of SOCKET_TABLES) {
      const at = summary.indexOf(`contention per socket, ${title}:`);
      expect(at, title).toBeGreaterThan(-1);
      expect(summary[at + 1]!.trim().split(/\s{2,}/)).toEqual(columns);
      for (const [i, row] of rows.slice(1).entries()) {
        const cells = summary[at + 2 + i]!.trim().split(/\s{2,}/);
        expect(cells[0]).toBe(row[0]);
        expect(cells.slice(1)).toEqual(columns.map((c) => row[rows[0]!.indexOf(c)]));
      }
    }
    // ATSD launches or register waits (columns 5 and 6), and the walkers' busy share (column 3).
    expect(rows.slice(1).some((r) => Number(r[6]) > 0 || Number(r[5]) > 0)).toBe(true);
    expect(rows.slice(1).every((r) => /^\d+\.\d%$/.test(r[3]!))).toBe(true);
  });

  it("the strategy and the profile are named in the header, as the summary's header names them (the report had neither)", async () => {
    const w = workloads.find((x) => x.name === 'tce-storm')!;
    const base: RunConfig = {
      workload: w.name,
      seed: 1,
      bugs: [],
      params: parseParams({ ...w.params, durationTicks: 5_000_000 }, w.name),
      profile: 'as-shipped',
    };
    const plan = planMachine(base);
    const config: RunConfig = {
      ...base,
      strategy: { kind: 'pct', depth: 2, steps: plan.actors.map(() => 50), agents: 9 },
    };
    const raw = await runRaw(config, { host: 'inline' });
    const result = describedResult(config, plan, raw, w);
    const html = htmlText(buildHtmlReport({ plan, config, result, raw }));
    // One change point, drawn over the 50 steps given to each actor; whether this run reached it is its own.
    const fired = result.pct!.changePoints.fired;
    expect(result.pct!.changePoints.planned).toBe(1);
    const strategy = `pct (depth 2, ${fired} of 1 change point fired)`;
    expect(html).toContain(`<td>strategy</td><td>${strategy}</td>`);
    expect(html).toContain(
      '<td>profile</td><td>as-shipped (its bug switches: unpin-before-kill, tce-entire-kill-ignored, host-atsd-ignores-lparid; no BAR0 filter)</td>',
    );
    expect(headerLine(formatSummary(result, { color: false }))).toContain(
      `strategy ${strategy}  profile as-shipped (its bug switches: unpin-before-kill, tce-entire-kill-ignored, host-atsd-ignores-lparid; no BAR0 filter)`,
    );
  });

  it('liveness failures that end with one state dump show it once, under the table, not in every row', async () => {
    const { html, result } = await report('atsd-deadlock', 1_000_000_000, ['release-between-flushes']);
    expect(result.liveness.length).toBeGreaterThan(1);
    const text = htmlText(html);
    const first = result.liveness[0]!.message;
    const cut = first.indexOf('; ');
    const state = first.slice(cut + 2);
    // Every row keeps what is its own (which shootdown, how late); the dump is printed once.
    for (const l of result.liveness) expect(text).toContain(l.message.slice(0, l.message.indexOf('; ')));
    expect(text.split(state).length - 1).toBe(1);
    expect(text).toContain(
      `state 1, the same for ${result.liveness.length} liveness failures above: ${state}`,
    );
    expect(text.split('; then state 1 (below)').length - 1).toBe(result.liveness.length);
  });

  it("a hang's ATSD registers at the end, the summary's diagnosis, are on the page: the HUNG register, on which GPU (the page had none)", async () => {
    const { html, result } = await report('atsd-hang', 300_000_000, ['atsd-no-valid-bdf']);
    expect(result.status).toBe('liveness');
    const summary = formatSummary(result, { color: false });
    const heading =
      "ATSD registers at the end (each one's shootdown, by id, and the GPUs whose STAT acks it awaits):";
    expect(summary).toContain(`\n  ${heading}\n`);
    // Each chip's line, as the summary has it once joined again (continuations under its text).
    const chips = [...unwrapped(summary, '    chip0: '.length).matchAll(/^ {4}(chip\d+): (.*)$/gm)];
    expect(chips.map((m) => m[1])).toEqual(['chip0', 'chip1']);
    expect(chips[0]![2]).toContain(
      'reg0 locked by shootdown 1 HUNG (its ATSD went to gpu 2, whose NVLinks never trained: no ack comes); reg1 free;',
    );
    const text = htmlText(html);
    const checks = text.slice(text.indexOf('<h2>Checks</h2>'), text.indexOf('<h2>Latencies</h2>'));
    expect(checks).toContain(`<p>${heading}</p>`);
    for (const [, chip, line] of chips) expect(checks).toContain(`<tr><td>${chip}</td><td>${line}</td></tr>`);
    // Under the findings, over conservation, as in the summary.
    expect(checks.indexOf(heading)).toBeGreaterThan(checks.indexOf('liveness.shootdown'));
    expect(checks.indexOf(heading)).toBeLessThan(checks.indexOf('conservation:'));
    // A clean run has none, as its summary.
    expect((await report('stress', 1_000_000)).html).not.toContain('ATSD registers at the end');
  });

  it("a hang's ATSD chart: of the two NPUs' register lines, flat together at 1, one is dashed, so the HUNG register's shows (npu1's was drawn over it)", async () => {
    const { html } = await report('atsd-hang', 300_000_000, ['atsd-no-valid-bdf']);
    const atsd = charts(html).find((c) => c.id === 'atsd')!;
    const [npu0, npu1] = atsd.series;
    // The lines coincide for most of the run: npu1's was drawn solid over npu0's HUNG register.
    const same = npu0!.values.filter((v, i) => v === 1 && npu1!.values[i] === 1).length;
    expect(same).toBeGreaterThan(npu0!.values.length / 2);
    expect(atsd.series.map((x) => x.dashed === true)).toEqual(atsd.series.map((_, i) => i % 2 === 1));
    // Every time series alternates so; no latency histogram is dashed.
    for (const c of charts(html))
      expect(
        c.series.map((x) => x.dashed === true),
        c.id,
      ).toEqual(c.series.map((_, i) => c.kind === 'line' && i % 2 === 1));
  });

  it('a stall of several shootdowns with no deadlock cycle says so under the state they share, as the summary says under the stall', async () => {
    // Two shootdowns overdue at one moment, one hung on a STAT that never comes: no cycle.
    const { html, result } = await report('atsd-hang', 300_000_000, ['atsd-no-valid-bdf'], false, (r) => {
      const hung = r.liveness[0]!;
      const other = hung.message.replace(/^Expected shootdown \d+ /, 'Expected shootdown 99 ');
      return { ...r, liveness: [hung, { ...hung, message: other }] };
    });
    const none = 'no cycle among the registers held: a shootdown waits for something that never answers';
    expect(formatSummary(result, { color: false })).toContain(`\n    ${none}\n`);
    const first = result.liveness[0]!.message;
    const state = first.slice(first.indexOf('; ') + 2);
    expect(htmlText(html)).toContain(
      `<p>state 1, the same for 2 liveness failures above: ${state}; ${none}</p>`,
    );
  });

  it("--check-hosts that agreed is a line under conservation, the summary's `hosts:` line (the page said only `all checks passed`)", async () => {
    const checked =
      (agree: boolean, placement: string, workers: number) =>
      (r: RunResult): RunResult => ({
        ...r,
        engine: {
          ...r.engine,
          hostsChecked: {
            inline: 'b44ef3f3451d09c7',
            threaded: agree ? 'b44ef3f3451d09c7' : '0123456789abcdef',
            placement,
            workers,
            events: r.engine.events,
            agree,
          },
        },
      });
    for (const [placement, workers, words] of [
      ['per-actor', 9, 'one worker per actor'],
      ['3', 3, '3 workers'],
    ] as const) {
      const { html, result } = await report(
        'stress',
        1_000_000,
        [],
        false,
        checked(true, placement, workers),
      );
      const line = `hosts: inline and threaded (${words}) agree, ${result.engine.events} events each, event digest b44ef3f3451d09c7`;
      expect(unwrapped(formatSummary(result, { color: false }), '  hosts: '.length)).toContain(
        `\n  ${line}\n`,
      );
      expect(html).toMatch(new RegExp(`<p>conservation: [^<]*</p><p>${line.replace(/[()]/g, '\\$&')}</p>`));
    }
    // Hosts that disagreed (a crash, said there) or were not checked: no line, in either.
    for (const edit of [checked(false, 'per-actor', 9), (r: RunResult) => r]) {
      const { html, result } = await report('stress', 1_000_000, [], false, edit);
      expect(formatSummary(result, { color: false })).not.toContain('hosts:');
      expect(html).not.toContain('hosts:');
    }
  });

  it("the summary's other lines of the checks are on the page too: host memory that ran short, and findings counted past those kept", async () => {
    const { html, result } = await report('flush-race', 30_000_000, ['single-flush'], false, (r) => ({
      ...r,
      counts: {
        ...r.counts,
        'pages.migrateFailedNoMemory': 3,
        'pages.mappedOffHome': 2,
        'violations.notKept': 7,
      },
    }));
    const summary = unwrapped(formatSummary(result, { color: false }), '  memory: '.length);
    const memory =
      'memory: 3 pages not migrated (the target socket had no free page of their size); 2 pages mapped off their home socket (it had no free page)';
    expect(summary).toContain(`\n  ${memory}`);
    expect(htmlText(html)).toContain(`<p class="note">${memory}</p>`);
    const n = result.violations.length;
    const kept = `${n + 7} violations (${n} kept in the result, 7 more counted)`;
    expect(summary).toContain(`checks: ${kept}`);
    expect(htmlText(html)).toContain(`<p class="bad">${kept}, `);
    // A run with neither says neither.
    const plain = (await report('flush-race', 30_000_000, ['single-flush'])).html;
    expect(plain).not.toContain('memory:');
    expect(plain).not.toContain('more counted');
  });

  it("each variant's engine figures are a row of their own under the engine, as the summary's rows (the page had the own run's only)", async () => {
    const variant = (
      r: RunResult,
      name: string,
      events: number,
    ): NonNullable<RunResult['variants']>[number] => ({
      name,
      set: { policy: name },
      status: events === 0 ? 'crash' : r.status,
      exitCode: events === 0 ? 4 : r.exitCode,
      digest: r.digest,
      violationTotal: 0,
      expectation: { expect: 'clean', found: {}, met: events !== 0 },
      headline: [],
      reproduce: `npusim run multi-tenant --variant ${name}`,
      simulatedTicks: r.simulatedTicks,
      wallMs: 12,
      engine: { ...r.engine, events },
    });
    const { html, result } = await report('multi-tenant', 5_000_000, [], false, (r) => ({
      ...r,
      variants: [variant(r, 'per-gpu', r.engine.events), variant(r, 'per-socket', 0)],
    }));
    const text = htmlText(html);
    const at = text.indexOf('<p>variants (same seed and options):</p>');
    expect(at).toBeGreaterThan(text.indexOf('<h2>Engine</h2>'));
    const rows = /<table class="variants">.*?<\/table>/s.exec(text.slice(at))![0];
    expect(rows).toContain(
      `<tr><td>per-gpu</td><td>${result.status}</td><td>simulated 5 us in 12 ms wall</td><td>${result.engine.events}</td>`,
    );
    // A variant that handled no event says its status, with no rates.
    expect(rows).toContain(
      '<tr><td>per-socket</td><td>crash</td><td>simulated 5 us in 12 ms wall</td><td>none</td><td></td>',
    );
    // The summary's rows say the same figures.
    const summary = formatSummary(result, { color: false });
    expect(summary).toMatch(
      new RegExp(`per-gpu\\s+simulated 5 us in 12 ms wall\\s+${result.engine.events} events`),
    );
    expect(summary).toMatch(/per-socket\s+simulated 5 us in 12 ms wall\s+no events \(crash\)/);
    // A variant on another profile than the run's is named in the header, as in the summary's
    // (QA: `same seed and options` over a variant that ran on as-shipped beside a run on fixed).
    const shipped = await report('multi-tenant', 5_000_000, [], false, (r) => ({
      ...r,
      variants: [
        { ...variant(r, 'per-gpu', r.engine.events), profile: 'as-shipped' },
        variant(r, 'per-socket', 0),
      ],
    }));
    const header = 'variants (same seed and options, but per-gpu on profile as-shipped):';
    expect(htmlText(shipped.html)).toContain(`<p>${header}</p>`);
    expect(formatSummary(shipped.result, { color: false })).toContain(`\n  ${header}\n`);
  });
  it("each bug switch's story, with its fix, is in the header, as the summary's under its header (QA: the page named the switch only)", async () => {
    const { html } = await report('flush-race', 2_000_000, ['single-flush']);
    const text = htmlText(html);
    expect(text).toContain(`<td>bug single-flush</td><td>${BUGS['single-flush']}</td>`);
  });

  it("a worker's busy and waited times under 10 ms keep a tenth, in the table and the summary alike (a short run's read 0)", async () => {
    const times = (r: RunResult): RunResult => ({
      ...r,
      engine: {
        ...r.engine,
        workers: [
          { ...r.engine.workers[0]!, actor: 'worker0', busyMs: 0.42, parkedMs: 3.96 },
          { ...r.engine.workers[0]!, actor: 'worker1', busyMs: 12.4, parkedMs: 0 },
        ],
      },
    });
    const { html, result } = await report('stress', 1_000_000, [], false, times);
    const text = htmlText(html);
    const engine = text.slice(text.indexOf('<h2>Engine</h2>'));
    expect(engine).toContain('<tr><td>worker0</td><td>0.4</td><td>4.0</td>');
    expect(engine).toContain('<tr><td>worker1</td><td>12</td><td>0</td>');
    const summary = formatSummary(result, { color: false });
    expect(summary).toMatch(/worker0 +busy 0\.4 ms +waited 4\.0 ms/);
    expect(summary).toMatch(/worker1 +busy 12 ms +waited 0 ms/);
  });

  it("each worker's times spinning was turned off are a column of the worker table, as the summary's `spinning off N times`, only where a worker turned it off", async () => {
    // Two workers as a threaded run's result has them: a count only where there was one (threaded-raw-run.ts).
    const spinning =
      (offs: readonly number[]) =>
      (r: RunResult): RunResult => ({
        ...r,
        engine: {
          ...r.engine,
          workers: offs.map((n, i) => ({
            ...r.engine.workers[0]!,
            actor: `worker${i}`,
            ...(n > 0 ? { spinTurnedOff: n } : {}),
          })),
        },
      });
    const workerRows = (html: string): string[][] => {
      const text = htmlText(html);
      const engine = text.slice(text.indexOf('<h2>Engine</h2>'));
      const t = /<p>placement: [^<]*<\/p><div class="table"><table>(.*?)<\/table>/s.exec(engine)![1]!;
      return [...t.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
        [...m[1]!.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((c) => c[1]!),
      );
    };
    const busy = await report('stress', 1_000_000, [], false, spinning([2, 0]));
    const [head, ...rows] = workerRows(busy.html);
    const col = head!.indexOf('spinning off');
    expect(col).toBe(head!.indexOf('timed out') + 1);
    expect(rows.map((r) => [r[0], r[col]])).toEqual([
      ['worker0', '2'],
      ['worker1', '0'],
    ]);
    // The summary says the same count of the same worker, and nothing of the other.
    const summary = formatSummary(busy.result, { color: false });
    expect(summary).toMatch(/worker0 .*\(\d+ parks.*, spinning off 2 times\)/);
    expect(summary).not.toMatch(/worker1 .*spinning off/);
    // One time, in the summary's singular; the column's cell is the count.
    const once = await report('stress', 1_000_000, [], false, spinning([0, 1]));
    expect(workerRows(once.html).map((r) => r[col])).toEqual(['spinning off', '0', '1']);
    expect(formatSummary(once.result, { color: false })).toMatch(/worker1 .*, spinning off 1 time\)/);
    // No worker turned it off (a quiet machine, or an inline run): no column, as the summary says nothing.
    const quiet = await report('stress', 1_000_000, [], false, spinning([0, 0]));
    expect(workerRows(quiet.html)[0]).not.toContain('spinning off');
    expect(workerRows(quiet.html)[0]).toContain('timed out');
    expect(formatSummary(quiet.result, { color: false })).not.toContain('spinning off');
  });
});
