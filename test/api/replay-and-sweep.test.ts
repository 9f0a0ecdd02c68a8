/**
 * The library's replay and sweep (src/api/replay-failure-file.ts, sweep-workload.ts): a failure
 * file the command line wrote replays through the API with the verdict `npusim replay --json`
 * gives; a file the command refuses is a ConfigError with its message; a sweep gives the summary
 * `npusim sweep --json` prints for the same seeds (a variant's verdicts too), writes no file
 * unasked, and lets the process exit (its pool's threads ended).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  findWorkload,
  formatHistory,
  replayFailureFile,
  type SweepSummary,
  shrinkFailureFile,
  sweepWorkload,
} from 'npusim';
import { describe, expect, test } from 'vitest';
import { cli, FAILING_RUN } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A failure file as `npusim run flush-race --bug single-flush --seed 1 --duration 60us --inline` writes it. */
async function failureFile(): Promise<string> {
  const dir = testTempDir('npusim-api-replay-');
  const run = await cli([...FAILING_RUN, '--duration', '60us', '--inline', '--failures', dir]);
  expect(run.code).toBe(1);
  const names = readdirSync(dir);
  expect(names).toHaveLength(1);
  return join(dir, names[0]!);
}

/** What two summaries of the same seeds must agree on (wall time aside). */
const counts = (s: SweepSummary) => ({
  ran: s.ran,
  clean: s.clean,
  failed: s.failed,
  byClass: s.byClass,
  byRule: s.byRule,
  failures: s.failures.map(({ seed, status, rule, tick }) => ({ seed, status, rule, tick })),
  worstExitCode: s.worstExitCode,
  stoppedEarly: s.stoppedEarly,
  sweep: s.sweep,
});

describe('replayFailureFile', () => {
  test('replay: a failure file the CLI wrote replays through the API with its finding and digest matched, the verdict `npusim replay --json` gives', async () => {
    const path = await failureFile();
    const r = await replayFailureFile(path);
    expect(r.reproduced).toBe(true);
    expect(r.findingMatched).toBe(true);
    expect(r.digestMatched).toBe(true);
    expect(r.mismatches).toEqual([]);
    expect(r.result.status).toBe('violation');
    expect(r.found).toEqual(r.recorded.first);
    expect(r.result.digest).toBe(r.recorded.digest);
    expect(r.result.reproduce).toBe(`npusim replay ${path} --inline`);
    expect(r.history.length).toBeGreaterThan(0);
    expect(formatHistory(r.history)).toContain(r.history[0]!.actor);
    // The finding as the history's run recorded it, as the command prints it (QA: the library
    // gave only the result's, read at the end of the run).
    expect(r.findingRecord).toMatchObject({
      rule: r.found!.rule,
      tick: r.found!.tick,
      message: r.found!.message,
    });
    // The command's own verdict on the same file, the same replay.
    const json = await cli(['replay', path, '--inline', '--json']);
    expect(json.code).toBe(r.exitCode);
    const { replay, digest } = JSON.parse(json.stdout) as { replay: Record<string, unknown>; digest: string };
    expect(digest).toBe(r.result.digest);
    const {
      file,
      result: _result,
      found: _found,
      findingMatched: _f,
      digestMatched: _d,
      history: _h,
      findingRecord: _r,
      ...verdict
    } = r;
    expect(replay).toEqual({ file, ...verdict });
    // Its text, named: the same run; no history asked, none made.
    const text = readFileSync(path, 'utf8');
    const named = await replayFailureFile(text, { name: 'f.json', historyEvents: 0 });
    expect(named.file).toBeUndefined();
    expect(named.result.digest).toBe(r.result.digest);
    expect(named.result.reproduce).toBe('npusim replay f.json --inline');
    expect(named.history).toEqual([]);
    // A digest edited: not reproduced, exit 5, as the command says it.
    const edited = JSON.parse(text) as { digest: string };
    edited.digest = '0123456789abcdef';
    const diverged = await replayFailureFile(JSON.stringify(edited), { historyEvents: 0 });
    expect(diverged).toMatchObject({
      reproduced: false,
      findingMatched: true,
      digestMatched: false,
      exitCode: 5,
    });
    expect(diverged.mismatches).toEqual([expect.stringContaining('expected digest 0123456789abcdef')]);
  });

  test('replay: a bad file is a ConfigError with the message `npusim replay` prints; a bad option is one naming it', async () => {
    const dir = testTempDir('npusim-api-replay-bad-');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'npusim-run-result' }));
    const e = await replayFailureFile(bad).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    const said = await cli(['replay', bad]);
    expect(said.code).toBe(2);
    expect(said.stderr).toContain((e as ConfigError).message);
    const missing = await replayFailureFile(join(dir, 'none.json')).catch((x: unknown) => x);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((await cli(['replay', join(dir, 'none.json')])).stderr).toContain(
      (missing as ConfigError).message,
    );
    const notJson = await replayFailureFile('{ nope', { name: 'n.json' }).catch((x: unknown) => x);
    expect(notJson).toBeInstanceOf(ConfigError);
    expect((notJson as ConfigError).message).toMatch(/^n\.json/);
    const option = await replayFailureFile(bad, { hots: 'inline' } as never).catch((x: unknown) => x);
    expect(option).toMatchObject({ field: 'hots' });
    expect((option as ConfigError).message).toContain('(did you mean `host`?)');
    expect(await replayFailureFile(bad, { historyEvents: -1 }).catch((x: unknown) => x)).toMatchObject({
      field: 'historyEvents',
    });
  });

  // QA: a workload never given to defineWorkload met a TypeError deep in the replay, and
  // findWorkload returned `5` as a workload.
  test('replay, shrink and findWorkload: each workload of a `workloads` Map is checked as runWorkload checks one', async () => {
    const path = await failureFile();
    const flushRace = await findWorkload('flush-race');
    // A plain object, as JSON gives it: validated, and the file replays as with the built-in.
    const plain = JSON.parse(JSON.stringify({ ...flushRace, variants: [] })) as typeof flushRace;
    const asJson = new Map([
      ['flush-race', { name: plain.name, description: plain.description, params: plain.params }],
    ]);
    const refusal = async (workloads: unknown) => {
      const e = await replayFailureFile(path, { workloads: workloads as never }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConfigError);
      const s = await shrinkFailureFile(path, { budget: 1, workloads: workloads as never }).catch(
        (x: unknown) => x,
      );
      expect(s).toBeInstanceOf(ConfigError);
      expect((s as ConfigError).message).toBe((e as ConfigError).message);
      return e as ConfigError;
    };
    expect(await refusal(new Map([['flush-race', 5]]))).toMatchObject({
      field: 'workloads.get("flush-race")',
      message: 'workloads.get("flush-race"): Expected a workload (what defineWorkload returns), got 5',
    });
    expect((await refusal(new Map([['flush-race', {}]]))).message).toMatch(
      /^workloads\.get\("flush-race"\): name: Expected/,
    );
    const broken = { ...asJson.get('flush-race')!, params: { ...plain.params, gpu: { dmaBytes: 0 } } };
    expect((await refusal(new Map([['flush-race', broken]]))).message).toMatch(
      /^workloads\.get\("flush-race"\): params\.gpu\.dmaBytes: Expected an integer from 1 to 65536, got 0$/,
    );
    expect((await refusal(new Map([['other', flushRace]]))).message).toBe(
      'workloads.get("other"): Expected the workload named `other` under that key (a failure file names its workload by name), got `flush-race`',
    );
    // Valid, but not the definition the file was recorded with: the file's own check says so.
    const r = await replayFailureFile(path, { workloads: new Map([['flush-race', flushRace]]) });
    expect(r.reproduced).toBe(true);
    expect(await findWorkload('x', new Map([['x', 5]]) as never).catch((x: unknown) => x)).toMatchObject({
      field: 'workloads.get("x")',
    });
  });
});

describe('sweepWorkload', () => {
  test('sweep: three seeds of a short clean run give ran 3, clean 3, and write no file', async () => {
    const stress = await findWorkload('stress');
    const before = existsSync(join(ROOT, 'npusim-failures'));
    const done: number[] = [];
    const s = await sweepWorkload(stress, {
      seeds: { first: 1, last: 3 },
      jobs: 2,
      durationTicks: 30_000_000,
      onProgress: (n) => done.push(n),
    });
    expect(s).toMatchObject({ ran: 3, clean: 3, failed: 0, worstExitCode: 0, stoppedEarly: false });
    expect(s.seeds).toEqual({ first: 1, last: 3 });
    expect(done.sort()).toEqual([1, 2, 3]);
    expect(existsSync(join(ROOT, 'npusim-failures'))).toBe(before);
  });

  test('sweep: an onProgress that throws fails the sweep with its error, once, the seeds running ended (QA: an unhandled rejection per seed)', async () => {
    const stress = await findWorkload('stress');
    const boom = new Error('progress threw');
    let calls = 0;
    const unhandled: unknown[] = [];
    const hear = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', hear);
    try {
      await expect(
        sweepWorkload(stress, {
          seeds: { first: 1, last: 8 },
          jobs: 2,
          durationTicks: 5_000_000,
          onProgress: () => {
            calls += 1;
            throw boom;
          },
        }),
      ).rejects.toBe(boom);
    } finally {
      process.off('unhandledRejection', hear);
    }
    expect(unhandled).toEqual([]);
    // No seed is handed out after the first throw (those already handed out, at most the two
    // running and the two waiting, may still end and report), so the sweep stops short of 8.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThan(8);
  });

  test('sweep: with a bug it finds the failures `npusim sweep` prints for the same seeds; failure files only where asked', async () => {
    const flushRace = await findWorkload('flush-race');
    const options = { bugs: ['single-flush' as const], durationTicks: 60_000_000, jobs: 2 };
    const s = await sweepWorkload(flushRace, { ...options, seeds: [1, 2, 3, 4] });
    const c = await cli([
      'sweep',
      'flush-race',
      '--bug',
      'single-flush',
      '--seeds',
      '1..4',
      '--duration',
      '60us',
      '--jobs',
      '2',
      '--json',
    ]);
    const printed = JSON.parse(c.stdout) as SweepSummary;
    expect(s.failed).toBeGreaterThan(0);
    expect(counts(s)).toEqual(counts(printed));
    expect(s.failures.every((f) => f.file === null)).toBe(true);
    const dir = testTempDir('npusim-api-sweep-');
    const kept = await sweepWorkload(flushRace, {
      ...options,
      seeds: { first: 1, last: 4 },
      failuresDir: dir,
    });
    expect(counts(kept).failures).toEqual(counts(s).failures);
    expect(readdirSync(dir).sort()).toEqual(kept.failures.map((f) => f.file!.split('/').pop()).sort());
  });

  test('sweep: options that make it a variant judge each seed by what that variant expects, as `npusim sweep --set policy=per-gpu` does', async () => {
    const multiTenant = await findWorkload('multi-tenant');
    const options = { seeds: [1, 2], jobs: 1, durationTicks: 10_000_000 };
    const matched = await sweepWorkload(multiTenant, { ...options, set: { policy: 'per-gpu' } });
    // Both seeds leak across tenants, which variant per-gpu expects (the workload's own run, clean).
    expect(matched.expectation).toEqual({
      variant: 'per-gpu',
      by: 'set.policy=per-gpu',
      expect: ['isolation.peer'],
      met: 2,
    });
    expect(matched.failed).toBe(2);
    const c = await cli([
      'sweep',
      'multi-tenant',
      '--set',
      'policy=per-gpu',
      '--seeds',
      '1..2',
      '--duration',
      '10us',
      '--jobs',
      '1',
      '--failures',
      testTempDir('npusim-api-sweep-variant-'),
      '--json',
    ]);
    const printed = JSON.parse(c.stdout) as SweepSummary;
    expect(counts(matched)).toEqual(counts(printed));
    expect(printed.expectation).toEqual({ ...matched.expectation, by: '--set policy=per-gpu' });
    // Named (`variant`), the sweep is that variant with no options said; the workload's own, none.
    const named = await sweepWorkload(multiTenant, { ...options, variant: 'per-socket' });
    expect(named.expectation).toEqual({ variant: 'per-socket', expect: 'clean', met: 2 });
    expect((await sweepWorkload(multiTenant, options)).expectation).toBeUndefined();
  });

  test('sweep: options are checked before any thread starts, each refusal a ConfigError naming the field', async () => {
    const stress = await findWorkload('stress');
    const refused = (o: unknown) => sweepWorkload(stress, o as never).catch((e: unknown) => e);
    expect(await refused({ seeds: { first: 3, last: 1 } })).toMatchObject({ field: 'seeds' });
    expect(await refused({ seeds: [1, -2] })).toMatchObject({ field: 'seeds[1]' });
    expect(await refused({ seeds: [1, 2, 1] })).toMatchObject({ field: 'seeds' });
    expect(await refused({ seeds: { first: 1, last: 4, step: 2 } })).toMatchObject({ field: 'seeds.step' });
    expect(await refused({ seeds: [1], jobs: 0 })).toMatchObject({ field: 'jobs' });
    expect(await refused({ seeds: [1], seed: 4 })).toMatchObject({ field: 'seed' });
    expect(await refused({ seeds: [1], bugs: ['nope'] })).toMatchObject({ field: 'bugs' });
    expect(await refused({ seeds: [1], set: { 'gpu.dmaBytes': 0 } })).toBeInstanceOf(ConfigError);
    expect(await refused({})).toMatchObject({ field: 'seeds' });
    // A failures directory that is a file, or under one (QA: EEXIST from mkdir, mid-sweep).
    const file = join(testTempDir('npusim-sweep-failures-'), 'afile');
    writeFileSync(file, '');
    for (const failuresDir of [file, join(file, 'sub')])
      expect(await refused({ seeds: [1], failuresDir })).toMatchObject({
        field: 'failuresDir',
        message: expect.stringMatching(
          /^failuresDir: Expected a directory to write files into, got .*is a file, not a directory$/,
        ),
      });
    // Under a symbolic link to nothing: no directory can be made through it.
    const link = join(testTempDir('npusim-sweep-dangling-'), 'link');
    symlinkSync(join(link, '..', 'missing'), link);
    expect(await refused({ seeds: [1], failuresDir: join(link, 'sub') })).toMatchObject({
      field: 'failuresDir',
      message: expect.stringContaining('is a symbolic link to'),
    });
  });

  // QA: Node's recursive mkdir spun for ever there (procfs answers ENOENT for a new directory),
  // holding a core with no word; the directory is made before the pool starts, and refused.
  test.skipIf(!existsSync('/proc/self'))(
    'sweep: a failures directory under /proc is refused, not waited on',
    async () => {
      const stress = await findWorkload('stress');
      const e = await sweepWorkload(stress, { seeds: [1], failuresDir: '/proc/npusim-sweep-failures' }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(ConfigError);
      expect(e).toMatchObject({
        field: 'failuresDir',
        message:
          'failuresDir: Expected a directory to write files into, got `/proc/npusim-sweep-failures`: `/proc` is on a file system with no storage (such as /proc or /sys)',
      });
    },
  );

  // QA: a failures directory that took no file lost both failure files with no word (`file: null`
  // each, the directory empty): the note saying why went to an onNote the library never passed.
  // The directory is replaced by a file after the first seed, so the second seed's file cannot be
  // written whatever the user (CI runs as root, whom no file mode refuses).
  test('sweep: a failure file that cannot be written rejects the sweep, naming failuresDir, with the summary on the error', async () => {
    const flushRace = await findWorkload('flush-race');
    const dir = join(testTempDir('npusim-api-sweep-gone-'), 'failures');
    const e = await sweepWorkload(flushRace, {
      seeds: [1, 2],
      jobs: 1,
      bugs: ['single-flush'],
      durationTicks: 50_000_000,
      failuresDir: dir,
      onProgress: (done) => {
        if (done === 1) {
          rmSync(dir, { recursive: true });
          writeFileSync(dir, 'not a directory');
        }
      },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    const error = e as ConfigError & { summary: SweepSummary };
    expect(error.field).toBe('failuresDir');
    expect(error.message).toMatch(
      /^failuresDir: Expected a directory that takes the sweep's failure files, got `.*\/failures`: 1 failure file of 2 failing seeds not written \(the failure file .*\/failures\/\S+ was not written: /,
    );
    expect(error.summary.failed).toBe(2);
    expect(error.summary.failures.map((f) => f.file === null)).toEqual([false, true]);
  });

  test('sweep: a script that sweeps exits by itself once the sweep resolves (the pool threads are ended)', () => {
    const code = `
      import { findWorkload, sweepWorkload } from 'npusim';
      const s = await sweepWorkload(await findWorkload('stress'), { seeds: [1, 2], jobs: 2, durationTicks: 30_000_000 });
      console.log(JSON.stringify({ ran: s.ran, clean: s.clean }));
    `;
    // Bounded, not waited on: a pool left open would keep the child running until this limit.
    const child = spawnSync(
      process.execPath,
      ['--conditions=npusim-source', '--import', 'tsx', '--input-type=module', '-e', code],
      { cwd: ROOT, encoding: 'utf8', timeout: 50_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ ran: 2, clean: 2 });
  });
});
