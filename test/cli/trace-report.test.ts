/**
 * `npusim run --trace FILE --report FILE.html` from the command line: both files written after a
 * run, the trace's window around the first violation (the run made again when the records kept
 * only its end), what was kept said on stderr, and bad paths and caps refused before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { perfettoRoot } from '../../src/report/trace/perfetto-trace.js';
import { cli, FAILING_RUN, STACK_FRAME } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run --trace and --report', () => {
  it('a failing run: the trace keeps the window around the first violation, the report is one offline page', async () => {
    const trace = join(dir, 'run.pftrace');
    const report = join(dir, 'run.html');
    const r = await cli([
      ...FAILING_RUN,
      '--duration',
      '24us',
      '--inline',
      '--no-failure-file',
      '--trace',
      trace,
      '--trace-events',
      '5000',
      '--report',
      report,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /trace: the first finding \((\d+(?:\.\d+)? us)\) is outside what the trace could keep \(\d+\.?\d* us to 24 us\); running again/,
    );
    const first = /the first finding \((\d+(?:\.\d+)? us)\)/.exec(r.stderr)![1]!;
    expect(r.stderr).toContain(`the first finding at ${first} is in it`);
    expect(r.stderr).toMatch(/trace: \d+ of \d+ events \(cap 5000\), .* is in it; \d+ dropped/);
    expect(r.stderr).not.toMatch(STACK_FRAME);

    const Trace = perfettoRoot().lookupType('perfetto.protos.Trace');
    const t = Trace.toObject(Trace.decode(readFileSync(trace)), { longs: Number }) as {
      packet: { track_descriptor?: { process?: { process_name: string } } }[];
    };
    const processes = t.packet.flatMap((p) =>
      p.track_descriptor?.process ? [p.track_descriptor.process.process_name] : [],
    );
    expect(processes).toEqual([
      'chip0',
      'chip1',
      'gpu0',
      'gpu1',
      'gpu2',
      'gpu3',
      'gpu4',
      'gpu5',
      'coordinator',
      'npusim',
    ]);

    const html = readFileSync(report, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('translation.stale-ats');
    expect(html).toContain('var uPlot=');
    // Self-contained: nothing fetched at view time.
    expect(html).not.toMatch(/<(script|link|img|iframe)\b[^>]*\b(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    const data = JSON.parse(
      /<script type="application\/json" id="npusim-data">(.*?)<\/script>/s.exec(html)![1]!,
    ) as {
      charts: { id: string; x: number[]; series: { values: number[] }[] }[];
    };
    expect(data.charts.map((c) => c.id)).toEqual(
      expect.arrayContaining(['links', 'atsd', 'dma', 'rings', 'latency-dma.latencyTicks']),
    );
    for (const c of data.charts) for (const s of c.series) expect(s.values).toHaveLength(c.x.length);
  });

  it('a crashed run writes neither file, and says so', async () => {
    const trace = join(dir, 'crash.pftrace');
    const r = await cli([
      'run',
      '--inline',
      '--seed',
      '1',
      '--duration',
      '20us',
      '--crash-at',
      'gpu1:50',
      '--no-failure-file',
      '--trace',
      trace,
      '--report',
      join(dir, 'crash.html'),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      'npusim: --trace and --report: not written: the run ended without figures to show',
    );
    expect(existsSync(trace)).toBe(false);
  });

  it('refuses a trace path that cannot be written, and a cap out of range, before the run', async () => {
    const badPath = await cli(['run', '--inline', '--duration', '2us', '--seed', '1', '--trace', dir]);
    expect(badPath.code).toBe(2);
    expect(badPath.stderr).toMatch(/--trace: Expected a writable file path, got `.*`: it is a directory/);
    const badReport = await cli([
      'run',
      '--inline',
      '--duration',
      '2us',
      '--seed',
      '1',
      '--report',
      join(dir, 'no', 'r.html'),
    ]);
    expect(badReport.code).toBe(2);
    expect(badReport.stderr).toMatch(/--report: Expected a writable file path, .* does not exist/);
    const small = await cli([
      'run',
      '--inline',
      '--duration',
      '2us',
      '--trace',
      join(dir, 't'),
      '--trace-events',
      '10',
    ]);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(
      /--trace-events: Expected a whole number of events from 1000 to 20000000, got `10`/,
    );
    expect(existsSync(join(dir, 't'))).toBe(false);
    // A cap with nothing to cap: refused, not ignored (with --report too: the report keeps no events).
    for (const extra of [[], ['--report', join(dir, 'r.html')]]) {
      const alone = await cli(['run', '--inline', '--duration', '2us', '--trace-events', '5000', ...extra]);
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/--trace-events: Expected --trace FILE with it/);
    }
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });
});
