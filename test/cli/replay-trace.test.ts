/**
 * `npusim replay FILE --trace T --report R --out O`: a failure file's run made again with a run's
 * output files. The trace is anchored at the file's first finding from the start (the replay knows
 * its tick: no second run, as `npusim run --trace` may need); a free run's file, whose race cannot be
 * run again, gets its trace from its take log, the same bytes every time; a crash gets its trace up
 * to the crash (on threads, replayed again inline for the records) and no report; --out holds what
 * --json prints; bad outputs are refused before the replay.
 */
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTime } from '../../src/report/duration.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { decodedTrace } from '../support/trace-instants.js';
import { cli, FAILING_RUN, STACK_FRAME } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-replay-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The failure file one failing `npusim run` wrote into a directory of its own. */
async function failureFile(name: string, argv: readonly string[], code: number): Promise<string> {
  const failures = join(dir, name);
  const r = await cli([...argv, '--failures', failures]);
  expect(r.code, r.stderr).toBe(code);
  const files = readdirSync(failures);
  expect(files).toHaveLength(1);
  return join(failures, files[0]!);
}

describe('replay --trace, --report and --out', () => {
  it('a failure file: the trace anchored at its finding with no second run, the report, and --out as --json prints', async () => {
    const ran = join(dir, 'ran.json');
    const file = await failureFile(
      'fail',
      [...FAILING_RUN, '--duration', '32us', '--inline', '--out', ran],
      1,
    );
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { first: { tick: number; rule: string } };
    const trace = join(dir, 'fail.pftrace');
    const report = join(dir, 'fail.html');
    const out = join(dir, 'fail.json');
    const r = await cli([
      'replay',
      file,
      '--json',
      '--out',
      out,
      '--trace',
      trace,
      '--trace-events',
      '5000',
      '--report',
      report,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('reproduced exactly');
    // `npusim run` with this cap kept only the run's end and ran again (trace-report.test.ts); the
    // replay anchored its recorders at the file's finding before it started.
    expect(r.stderr).not.toContain('running again');
    expect(unwrapped(r.stderr, 8)).toMatch(
      /trace: \d+ of \d+ recorded simulation events \(cap 5000\), .* the first finding at [\d.]+ us is in it/,
    );
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const findings = decodedTrace(readFileSync(trace)).instants.filter((e) => e.name === recorded.first.rule);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.ts).toBe(Math.floor(recorded.first.tick / 1000));

    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    const json = JSON.parse(r.stdout) as { status: string; replay: { reproduced: boolean } };
    expect(json.status).toBe('violation');
    expect(json.replay.reproduced).toBe(true);
    const html = readFileSync(report, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(recorded.first.rule);
    // Said once written, on stderr (stdout is the JSON): QA saw no line for the page.
    expect(r.stderr).toContain(`npusim: --report: written to \`${report}\`\n`);
    expect(r.stderr).toContain(`npusim: --trace: written to \`${trace}\`\n`);
    // The workload's answer, as the run's result and report carry it (QA: the replay's had neither
    // its question nor its headline, and its report no Answer section).
    const run = JSON.parse(readFileSync(ran, 'utf8')) as { question?: string; headline?: unknown[] };
    expect(run.question).toMatch(/\?$/);
    expect(run.headline?.length).toBeGreaterThan(0);
    expect(json).toMatchObject({ question: run.question, headline: run.headline });
    expect(html).toContain('<h2>Answer</h2>');
    expect(html).toContain(run.question);
  });

  it("a free run's file: its race on a timeline from the take log, the same bytes each replay", async () => {
    const record = join(dir, 'free.json');
    const run = await cli([
      'run',
      'stress',
      '--free',
      '--seed',
      '3',
      '--duration',
      '30us',
      '--no-failure-file',
      '--record',
      record,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const replays = [join(dir, 'free-a.pftrace'), join(dir, 'free-b.pftrace')];
    for (const trace of replays) {
      const r = await cli(['replay', record, '--trace', trace, '--report', join(dir, 'free.html')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('(free run, from its take log, in one thread)');
      expect(r.stderr).toMatch(/trace: (\d+) of \1 recorded simulation events/);
    }
    const [a, b] = replays.map((p) => readFileSync(p));
    expect(a!.length).toBeGreaterThan(1000);
    expect(Buffer.compare(a!, b!)).toBe(0);
    // The line that gives this run again is the replay's, in both files, with neither --json nor
    // --out given (QA: both carried the free `run` line, which races anew, unless one was).
    const html = readFileSync(join(dir, 'free.html'), 'utf8');
    expect(html).toContain(`npusim replay ${record}`);
    expect(html).not.toContain('npusim run stress');
    expect(a!.includes(`npusim replay ${record}`)).toBe(true);
    expect(a!.includes('--free-window')).toBe(false);
    // The trace names the host as the summary does (it said `threaded`, a free result's host: QA).
    expect(a!.includes('free run, replayed')).toBe(true);
  });

  it('a replay that does not reproduce its file: replayed again for a trace around its own first finding', async () => {
    const file = await failureFile('edited', [...FAILING_RUN, '--duration', '80us', '--inline'], 1);
    const edited = JSON.parse(readFileSync(file, 'utf8')) as { first: { tick: number } };
    const real = edited.first.tick;
    edited.first.tick = 60_000_000;
    const path = join(dir, 'edited.json');
    writeFileSync(path, JSON.stringify(edited));
    const r = await cli(['replay', path, '--trace', join(dir, 'edited.pftrace'), '--trace-events', '2000']);
    expect(r.code, r.stderr).toBe(5);
    const at = formatTime(real);
    expect(r.stderr).toContain(
      `npusim: trace: the replay's first finding (${at}) is not where its records were kept (around the file's first finding, 60 us); replaying again to keep the window around it`,
    );
    expect(unwrapped(r.stderr, 8)).toMatch(
      new RegExp(
        `trace: \\d+ of \\d+ recorded simulation events \\(cap 2000\\), .* the first finding at ${at} is in it`,
      ),
    );
  });

  it('a crash: the trace up to the crash, on threads replayed again inline for its records; no report', async () => {
    const file = await failureFile(
      'crash',
      ['run', '--seed', '1', '--duration', '30us', '--crash-at', 'gpu1:50'],
      4,
    );
    const crashTick = (JSON.parse(readFileSync(file, 'utf8')) as { first: { tick: number } }).first.tick;
    const threaded = join(dir, 'crash-threaded.pftrace');
    const report = join(dir, 'crash.html');
    const th = await cli(['replay', file, '--trace', threaded, '--report', report]);
    expect(th.code, th.stderr).toBe(4);
    expect(th.stdout).toContain('(threaded)');
    expect(th.stderr).toContain('replaying again inline to record up to it');
    expect(th.stderr).toContain(
      'npusim: --report: not written: a run that crashed has no figures to show (--trace shows its events up to the crash)',
    );
    expect(existsSync(report)).toBe(false);
    const inline = join(dir, 'crash-inline.pftrace');
    const il = await cli(['replay', file, '--inline', '--trace', inline]);
    expect(il.code, il.stderr).toBe(4);
    expect(il.stderr).not.toContain('replaying again');
    const instants = decodedTrace(readFileSync(threaded)).instants;
    expect(instants.filter((e) => e.name === 'crash')).toEqual([
      { name: 'crash', process: 'gpu1', track: 'findings', ts: Math.floor(crashTick / 1000) },
    ]);
    expect(Math.max(...instants.map((e) => e.ts))).toBeLessThanOrEqual(Math.floor(crashTick / 1000));
    expect(decodedTrace(readFileSync(inline)).instants).toEqual(instants);
  });

  it('refuses bad outputs before the replay: a directory, its own input, a cap without --trace', async () => {
    const file = await failureFile('bad', [...FAILING_RUN, '--duration', '30us', '--inline'], 1);
    const before = readFileSync(file, 'utf8');
    const cases: [string[], RegExp][] = [
      [['--trace', dir], /--trace: Expected a writable file path, got `.*`: it is a directory/],
      [['--out', file], /--out: .*replay/],
      // Under a file: a missing folder would be made, a file in the way never (output-path.test.ts).
      [
        ['--report', join(file, 'no', 'r.html')],
        /--report: Expected a writable file path, .*is a file, not a directory/,
      ],
      [['--trace-events', '5000'], /--trace-events: Expected --trace FILE with it/],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(['replay', file, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      // Refused before anything ran: no replay lines on stdout.
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses an output over the workload file a failure file names, before the replay', async () => {
    const workload = join(dir, 'user-workload.json');
    writeFileSync(
      workload,
      JSON.stringify({
        name: 'user-json',
        description: 'a workload file of a user',
        params: {
          topology: 'witherspoon-4',
          durationTicks: 2_000_000,
          tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
        },
      }),
    );
    const record = join(dir, 'user.json');
    const run = await cli([
      'run',
      workload,
      '--inline',
      '--seed',
      '1',
      '--duration',
      '2us',
      '--no-failure-file',
      '--record',
      record,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const source = readFileSync(workload, 'utf8');
    for (const option of ['--out', '--trace', '--report']) {
      const r = await cli(['replay', record, option, workload]);
      expect(r.code, option).toBe(2);
      expect(r.stderr).toContain(
        `npusim: ${option}: Expected a file other than the command's input, got \`${workload}\`, which the failure file's workload (${record}: workload.file) reads`,
      );
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(workload, 'utf8')).toBe(source);

    // The topology file a run was given is named in its file too (QA: --out replaced it).
    const topology = join(dir, 'my-topology.json');
    copyFileSync(new URL('../../examples/my-topology.json', import.meta.url), topology);
    const withTopology = join(dir, 'topo.json');
    const topoRun = await cli([
      ...FAILING_RUN,
      '--inline',
      '--duration',
      '2us',
      '--topology',
      // Typed relative, recorded absolute, as a workload file is (QA: a run in a subdirectory
      // recorded `../../t.json`, which named nothing from where the replay ran).
      relative(process.cwd(), topology),
      '--no-failure-file',
      '--record',
      withTopology,
    ]);
    expect(topoRun.code, topoRun.stderr).toBe(0);
    expect(
      (JSON.parse(readFileSync(withTopology, 'utf8')) as { topology: { file: string } }).topology.file,
    ).toBe(topology);
    const spec = readFileSync(topology, 'utf8');
    const r = await cli(['replay', withTopology, '--out', topology]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`which the failure file's topology (${withTopology}: topology.file) reads`);
    expect(readFileSync(topology, 'utf8')).toBe(spec);
  });
});
