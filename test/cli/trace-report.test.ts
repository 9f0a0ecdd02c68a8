/**
 * `npusim run --trace FILE --report FILE.html` from the command line: both files written after a
 * run, the trace's window around the first violation (the run made again when the records kept
 * only its end), what was kept said on stderr, and bad paths and caps refused before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeTraceMissText } from '../../src/cli/trace-outputs.js';
import { perfettoRoot } from '../../src/report/trace/perfetto-trace.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { decodedTrace } from '../support/trace-instants.js';
import { cli, FAILING_RUN, STACK_FRAME } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run --trace and --report', () => {
  it('--report of a run shorter than its samples: a sample a tick at most, on an axis in the unit the run lasts', async () => {
    for (const [duration, ticks, unit] of [
      ['50ps', 50, 'simulated ps'],
      ['3ns', 3000, 'simulated ns'],
    ] as const) {
      const report = join(dir, `short-${duration}.html`);
      const r = await cli([
        'run',
        '--inline',
        '--seed',
        '1',
        '--duration',
        duration,
        '--no-failure-file',
        '--report',
        report,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const charts = (
        JSON.parse(
          /<script type="application\/json" id="npusim-data">(.*?)<\/script>/s.exec(
            readFileSync(report, 'utf8'),
          )![1]!,
        ) as { charts: { kind: string; xLabel: string; x: number[] }[] }
      ).charts.filter((c) => c.kind === 'line');
      expect(charts.length).toBeGreaterThan(0);
      for (const c of charts) {
        expect(c.xLabel).toBe(unit);
        expect(c.x.length).toBeLessThanOrEqual(Math.min(ticks, 400) + 1);
        // Before: 401 samples of a 50 ps run, each axis tick reading 0 us.
        expect(c.x[c.x.length - 1]).toBe(unit === 'simulated ps' ? ticks : ticks / 1000);
      }
    }
  });

  it('a failing run: the trace keeps the window around the first violation, the report is one offline page', async () => {
    const trace = join(dir, 'run.pftrace');
    const report = join(dir, 'run.html');
    const r = await cli([
      ...FAILING_RUN,
      '--duration',
      '32us',
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
    expect(unwrapped(r.stderr, 8)).toMatch(
      /trace: the first finding \((\d+(?:\.\d+)? us)\) is outside what the trace could keep \(\d+\.?\d* us to 32 us\); running again/,
    );
    const first = /the first finding \((\d+(?:\.\d+)? us)\)/.exec(unwrapped(r.stderr, 8))![1]!;
    expect(unwrapped(r.stderr, 8)).toContain(`the first finding at ${first} is in it`);
    expect(unwrapped(r.stderr, 8)).toMatch(
      /trace: \d+ of \d+ recorded simulation events \(cap 5000\), .* is in it; \d+ dropped/,
    );
    // Said before the build (which can take a minute at a large cap): the events it starts from.
    const building = /npusim: trace: building the file from (\d+) recorded events\n/.exec(r.stderr);
    expect(building?.[1]).toBe(
      /trace: \d+ of (\d+) recorded simulation events \(cap 5000\)/.exec(r.stderr)?.[1],
    );
    expect(r.stderr).not.toMatch(STACK_FRAME);
    // The page is said once written, as a failure file is (QA: --report said nothing).
    expect(r.stderr).toContain(`npusim: --report: written to \`${report}\`\n`);
    // The trace too (QA: only the page was said; a mistyped --trace path went unseen).
    expect(r.stderr).toContain(`npusim: --trace: written to \`${trace}\`\n`);

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
    // Every rule the summary found is on the page (the run finds two order rules at its first tick).
    const found = [...r.stdout.matchAll(/^ {2}VIOLATION (\S+) at /gm)].map((m) => m[1]!);
    expect(found.length).toBeGreaterThan(0);
    for (const rule of found) expect(html).toContain(rule);
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

  it('a crashed run: --trace shows every actor up to the crash, marked on the actor that threw; --report is not written', async () => {
    const crashRun = (name: string, host: readonly string[]) => {
      const trace = join(dir, `${name}.pftrace`);
      const report = join(dir, `${name}.html`);
      const run = cli([
        'run',
        ...host,
        '--seed',
        '1',
        '--duration',
        '30us',
        '--crash-at',
        'gpu1:50',
        '--no-failure-file',
        '--trace',
        trace,
        '--report',
        report,
      ]);
      return { run, trace, report };
    };
    const inline = crashRun('crash-inline', ['--inline']);
    const r = await inline.run;
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      'npusim: --report: not written: a run that crashed has no figures to show (--trace shows its events up to the crash)',
    );
    expect(existsSync(inline.report)).toBe(false);
    expect(r.stderr).not.toContain('--report: written');
    const note =
      /trace: (\d+) of (\d+) recorded simulation events \(cap 200000\), 0 ps to ([\d.]+ [pnu]?s) of simulated time; the crash of gpu1 at ([\d.]+ [pnu]?s) is in it\n/.exec(
        unwrapped(r.stderr, 8),
      );
    expect(note).not.toBeNull();
    expect(Number(note![1])).toBeGreaterThan(50);
    // The window ends at the crash: nothing after it was recorded.
    expect(note![3]).toBe(note![4]);
    const crashTick = Number(/CRASH actor gpu1 at [\d.]+ [pnu]?s \(tick (\d+)\)/.exec(r.stdout)![1]);
    const t = decodedTrace(readFileSync(inline.trace));
    const crashes = t.instants.filter((e) => e.name === 'crash');
    expect(crashes).toEqual([
      { name: 'crash', process: 'gpu1', track: 'findings', ts: Math.floor(crashTick / 1000) },
    ]);
    expect(Math.max(...t.instants.map((e) => e.ts))).toBeLessThanOrEqual(Math.floor(crashTick / 1000));

    // On threads the records went with the workers: the run is made again inline, to the same crash
    // and the same records.
    const threaded = crashRun('crash-threaded', []);
    const th = await threaded.run;
    expect(th.code).toBe(4);
    expect(th.stderr).toContain('running again inline to record up to it (the same seed gives the same run)');
    expect(/trace: (\d+) of/.exec(th.stderr)?.[1]).toBe(note![1]);
    expect(decodedTrace(readFileSync(threaded.trace)).instants).toEqual(t.instants);

    // A free run races anew: it cannot be made again, so no trace, and the way to one is said.
    const free = crashRun('crash-free', ['--free']);
    const fr = await free.run;
    expect(fr.code).toBe(4);
    expect(fr.stderr).toContain(
      'npusim: --trace: not written: a free run that crashes cannot be made again to record it (it races anew); run the scenario without --free to get a trace of its crash',
    );
    expect(fr.stderr).toContain('npusim: --report: not written: a run that crashed has no figures to show\n');
    expect(existsSync(free.trace)).toBe(false);
  });

  it("a free run's trace that misses its finding names the replay that keeps it, when there is a file to replay", () => {
    const need = { anchorTick: 16_440_000, keptFrom: 250_000_000, keptTo: 300_000_000 };
    // Wrapped at 100 columns under `npusim: `, as every note: read with its lines joined.
    const withFile = unwrapped(
      freeTraceMissText(need, { failuresDir: 'npusim-failures', record: undefined }),
      8,
    );
    expect(
      freeTraceMissText(need, { failuresDir: 'npusim-failures', record: undefined })
        .split('\n')
        .every((l) => l.length <= 100),
    ).toBe(true);
    expect(withFile).toContain(
      "(16.44 us) is outside what the trace could keep (250 us to 300 us), and a free run cannot be run again to keep the window around it (it races anew): `npusim replay` of its failure file (the replay line below) with --trace FILE keeps it (a replay follows the run's take log), or raise --trace-events",
    );
    expect(unwrapped(freeTraceMissText(need, { failuresDir: undefined, record: 'r.json' }), 8)).toContain(
      '`npusim replay` of its --record file r.json with --trace FILE keeps it',
    );
    const neither = unwrapped(freeTraceMissText(need, { failuresDir: undefined, record: undefined }), 8);
    expect(neither).not.toContain('npusim replay');
    expect(neither).toContain('(it races anew): raise --trace-events');
  });

  it('refuses a trace path that cannot be written, and a cap out of range, before the run', async () => {
    const badPath = await cli(['run', '--inline', '--duration', '2us', '--seed', '1', '--trace', dir]);
    expect(badPath.code).toBe(2);
    expect(badPath.stderr).toMatch(/--trace: Expected a writable file path, got `.*`: it is a directory/);
    const notDir = join(dir, 'a-file');
    writeFileSync(notDir, 'x');
    const badReport = await cli([
      'run',
      '--inline',
      '--duration',
      '2us',
      '--seed',
      '1',
      '--report',
      // Under a file: a missing folder would be made, a file in the way never (output-path.test.ts).
      join(notDir, 'no', 'r.html'),
    ]);
    expect(badReport.code).toBe(2);
    expect(badReport.stderr).toMatch(/--report: Expected a writable file path, .*is a file, not a directory/);
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
      /--trace-events: Expected a whole number of events from 1000 to 1000000, got `10`/,
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
