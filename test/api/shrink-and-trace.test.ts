/**
 * The library's shrink and its trace file and HTML report (src/api/shrink-failure-file.ts,
 * record-run.ts): a failure file the command line wrote shrinks through the API to the file `npusim
 * shrink` writes; a run recorded through the API gives the trace and report `npusim run --trace
 * --report` writes for the same run; bad input is a ConfigError naming the field, before anything
 * runs.
 */
import { existsSync, linkSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  findWorkload,
  htmlReport,
  recordRun,
  runWorkload,
  type ShrinkProgress,
  shrinkFailureFile,
  traceFile,
  workloadConfig,
  writeHtmlReport,
  writeTraceFile,
} from 'npusim';
import { describe, expect, test } from 'vitest';
import { cli, FAILING_RUN } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

/** A failure file as `npusim run flush-race --bug single-flush --seed 1 --duration 60us --inline` writes it. */
async function failureFile(): Promise<string> {
  const dir = testTempDir('npusim-api-shrink-');
  const run = await cli([...FAILING_RUN, '--duration', '60us', '--inline', '--failures', dir]);
  expect(run.code).toBe(1);
  const names = readdirSync(dir);
  expect(names).toHaveLength(1);
  return join(dir, names[0]!);
}

/** The ConfigError `p` rejects with (a test fails if it resolves or rejects with anything else). */
async function refusal(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('shrinkFailureFile', () => {
  test('shrink: a failure file shrinks through the API to the file `npusim shrink --budget 12` writes, its rule kept', async () => {
    const path = await failureFile();
    const dir = testTempDir('npusim-api-shrunk-');
    const out = join(dir, 'api.json');
    const progress: ShrinkProgress[] = [];
    const s = await shrinkFailureFile(path, { budget: 12, out, onProgress: (p) => progress.push(p) });
    const recorded = JSON.parse(readFileSync(path, 'utf8')) as { first: { rule: string } };
    expect(s.file).toBe(path);
    expect(s.out).toBe(out);
    expect(s.first.rule).toBe(recorded.first.rule);
    expect(s.runs).toBeLessThanOrEqual(12);
    expect(s.after.events).toBeLessThanOrEqual(s.before.events);
    expect(s.stopped).toBe(false);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.budget).toBe(12);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(s.shrunk);
    // The command's shrink of the same file and budget: the same shrunk file.
    const cmd = join(dir, 'cli.json');
    const r = await cli(['shrink', path, '--budget', '12', '--out', cmd]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(cmd, 'utf8'))).toEqual(s.shrunk);
    // No `out`: no file; stopped at once, the original's run comes back.
    // Any truthy answer, as runWorkload takes it (`=== true` ran the shrink on: QA).
    const stopped = await shrinkFailureFile(readFileSync(path, 'utf8'), { shouldStop: () => 1 as never });
    expect(stopped.stopped).toBe(true);
    expect(stopped.kept).toBe(0);
    expect(stopped.file).toBeUndefined();
    expect(stopped.out).toBeUndefined();
  });

  test('shrink: a missing file, text that is not JSON, a misspelt option, a budget out of range and `out` over the input are ConfigErrors naming the field', async () => {
    const missing = await refusal(shrinkFailureFile('/nonexistent/failure.json'));
    expect(missing.field).toBe('/nonexistent/failure.json');
    expect(missing.message).toContain('Expected a readable failure file, got');
    const notJson = await refusal(shrinkFailureFile('{ nope', { name: 'f.json' }));
    expect(notJson.field).toBe('f.json');
    expect(notJson.message).toMatch(/^f\.json: Expected /);
    const slip = await refusal(shrinkFailureFile('{}', { budgt: 5 } as never));
    expect(slip.field).toBe('budgt');
    expect(slip.message).toBe(
      'budgt: Expected an option shrinkFailureFile takes (budget, out, name, workloads, onProgress, shouldStop), got `budgt` (did you mean `budget`?)',
    );
    const budget = await refusal(shrinkFailureFile('{}', { budget: 0 }));
    expect(budget.field).toBe('budget');
    expect(budget.message).toBe('budget: Expected a whole number of runs from 1 to 1000000, got 0');
    const path = await failureFile();
    const over = await refusal(shrinkFailureFile(path, { out: path }));
    expect(over.field).toBe('out');
    expect(over.message).toContain('Expected a file other than the one being shrunk');
    // A hard link to it too: its own path, the same file (QA: it shrank and wrote over the link).
    const hard = `${path}.hard.json`;
    linkSync(path, hard);
    const overLink = await refusal(shrinkFailureFile(path, { out: hard }));
    expect(overLink.field).toBe('out');
    expect(overLink.message).toContain('Expected a file other than the one being shrunk');
    const noDir = await refusal(shrinkFailureFile(path, { out: '/nonexistent/dir/x.json' }));
    expect(noDir.field).toBe('out');
  });

  // QA: an `out` under /proc (or in a read-only directory) ran the whole shrink, then rejected with
  // a raw Error naming the temporary file beside it; `npusim shrink --out` refuses it before any
  // run. /dev/full passes the check (a device, writable) and fails at the write: named as given.
  test.skipIf(!existsSync('/proc/self') || !existsSync('/dev/full'))(
    'shrink: an `out` no file can be made at is refused before any candidate runs; a write that fails late names `out` and the path given',
    async () => {
      const path = await failureFile();
      let runs = 0;
      const onProgress = (): void => {
        runs++;
      };
      const proc = await refusal(shrinkFailureFile(path, { budget: 4, out: '/proc/small.json', onProgress }));
      expect(proc.field).toBe('out');
      expect(proc.message).toBe(
        'out: Expected a writable file path, got `/proc/small.json`: `/proc` does not let a new file be created in it (ENOENT)',
      );
      expect(runs).toBe(0);
      const full = await refusal(shrinkFailureFile(path, { budget: 4, out: '/dev/full', onProgress }));
      expect(runs).toBeGreaterThan(0);
      expect(full.field).toBe('out');
      expect(full.message).toBe(
        'out: Expected a writable file path, got `/dev/full`: no space left on the device holding `/dev/full` (ENOSPC); the file was not written',
      );
    },
  );
});

describe('recordRun, writeTraceFile, writeHtmlReport', () => {
  test('trace and report: a run recorded through the API gives the trace file `npusim run --trace` writes for it, and its report', async () => {
    const stress = await findWorkload('stress');
    const run = await recordRun(workloadConfig(stress, { seed: 7, durationTicks: 30_000_000 }));
    const plain = await runWorkload(stress, { seed: 7, durationTicks: 30_000_000 });
    expect(run.result.digest).toBe(plain.digest);
    const dir = testTempDir('npusim-api-trace-');
    const note = writeTraceFile(run, join(dir, 'api.pftrace'));
    expect(note).toMatch(/^trace: \d+ of \d+ recorded simulation events \(cap 200000\)/);
    writeHtmlReport(run, join(dir, 'api.html'));
    const html = readFileSync(join(dir, 'api.html'), 'utf8');
    expect(html).toBe(htmlReport(run));
    expect(html).toContain('<title>npusim stress seed 7: clean</title>');
    const r = await cli([
      'run',
      'stress',
      '--seed',
      '7',
      '--duration',
      '30us',
      '--inline',
      '--trace',
      join(dir, 'cli.pftrace'),
      '--report',
      join(dir, 'cli.html'),
    ]);
    expect(r.code).toBe(0);
    // Byte for byte, compared as base64 text: the same bytes exactly, but toEqual walked each
    // buffer's 800 kB an element at a time (about 4 s each).
    const cli64 = readFileSync(join(dir, 'cli.pftrace')).toString('base64');
    expect(readFileSync(join(dir, 'api.pftrace')).toString('base64')).toBe(cli64);
    expect(Buffer.from(traceFile(run).bytes).toString('base64')).toBe(cli64);
    expect(existsSync(join(dir, 'cli.html'))).toBe(true);
  });

  test('trace and report: a cap out of range, a `trace` of its own, a misspelt option and a bare RunResult are ConfigErrors naming the field', async () => {
    const stress = await findWorkload('stress');
    const config = workloadConfig(stress, { seed: 7, durationTicks: 1_000_000 });
    const cap = await refusal(recordRun(config, { traceEvents: 5 }));
    expect(cap.field).toBe('traceEvents');
    expect(cap.message).toBe('traceEvents: Expected a whole number of events from 1000 to 1000000, got 5');
    const own = await refusal(
      recordRun(config, { trace: { capacityRecords: 2, sampleCount: 1, endTick: 1 } } as never),
    );
    expect(own.field).toBe('trace');
    expect(own.message).toContain('Expected no `trace` option (recordRun sets the recorders itself');
    const slip = await refusal(recordRun(config, { tracEvents: 2000 } as never));
    expect(slip.field).toBe('tracEvents');
    expect(slip.message).toContain('got `tracEvents` (did you mean `traceEvents`?)');
    const result = await runWorkload(stress, { seed: 7, durationTicks: 1_000_000 });
    const bare = await refusal(Promise.resolve().then(() => htmlReport(result as never)));
    expect(bare.field).toBe('run');
    expect(bare.message).toContain('got a RunResult, which keeps no records');
    const run = await recordRun(config);
    const path = await refusal(Promise.resolve().then(() => writeTraceFile(run, '')));
    expect(path.field).toBe('path');
    // A missing directory, refused naming the path and the directory, before the file is built
    // (QA Q9: ENOENT naming the temporary file beside it, a plain Error).
    const dir = testTempDir('npusim-api-nodir-');
    for (const write of [
      () => writeTraceFile(run, join(dir, 'no', 's.pftrace')),
      () => writeHtmlReport(run, join(dir, 'no', 's.html')),
    ]) {
      const e = await refusal(Promise.resolve().then(write));
      expect(e.field).toBe('path');
      expect(e.message).toMatch(
        /^path: Expected a writable file path, got `.*\/no\/s\.\w+`: directory `.*\/no` does not exist$/,
      );
    }
    const onDir = await refusal(Promise.resolve().then(() => writeHtmlReport(run, dir)));
    expect(onDir.message).toBe(`path: Expected a writable file path, got \`${dir}\`: it is a directory`);
  });

  // QA: checked only for a directory that exists, /proc took the trace as a raw ENOENT naming the
  // temporary file beside it, and /dev/full (a full device) as a raw ENOSPC; root is refused by
  // both, so this needs no file mode (CI runs as root).
  test.skipIf(!existsSync('/proc/self') || !existsSync('/dev/full'))(
    'trace and report: a path no file can be made at is refused as `npusim run --trace` refuses it; a write that fails late names the path given',
    async () => {
      const run = await recordRun(
        workloadConfig(await findWorkload('stress'), { seed: 7, durationTicks: 1_000_000 }),
      );
      const proc = await refusal(Promise.resolve().then(() => writeTraceFile(run, '/proc/npusim-x.pftrace')));
      expect(proc.field).toBe('path');
      expect(proc.message).toBe(
        'path: Expected a writable file path, got `/proc/npusim-x.pftrace`: `/proc` does not let a new file be created in it (ENOENT)',
      );
      for (const write of [() => writeTraceFile(run, '/dev/full'), () => writeHtmlReport(run, '/dev/full')]) {
        const full = await refusal(Promise.resolve().then(write));
        expect(full.field).toBe('path');
        expect(full.message).toBe(
          'path: Expected a writable file path, got `/dev/full`: no space left on the device holding `/dev/full` (ENOSPC); the file was not written',
        );
      }
    },
  );
});
