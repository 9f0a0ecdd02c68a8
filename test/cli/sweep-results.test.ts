/**
 * `npusim sweep --results DIR`: each seed's run result, written as `npusim run --seed N --inline
 * --out FILE` writes it, so that two sweeps are two sets of runs for `npusim compare DIR_A DIR_B`.
 * A seed whose result cannot be written is named in the summary and the sweep exits at least 2 (as
 * an unwritten `run --out` does); bad `--results` paths are refused before anything runs.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { scenarioConfig } from '../../src/cli/scenario-config.js';
import { parseRunResult } from '../../src/report/parse-run-result.js';
import type { RunResult } from '../../src/report/run-result.js';
import { runSweep, seedResultText } from '../../src/sweep/sweep.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/** Paths whose write fails with ENOSPC (a full disk), set by a test; written whole elsewhere. */
const failing = { match: undefined as RegExp | undefined };

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof real.writeFileSync = (file, ...rest) => {
    if (failing.match?.test(String(file)) === true) {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    return real.writeFileSync(file, ...rest);
  };
  return { ...real, writeFileSync, default: { ...real, writeFileSync } };
});

/** A result with what depends on the host's speed left out: what two runs of a seed share. */
function runIdentity(r: RunResult): unknown {
  const { wallMs: _w, engine, ...rest } = r;
  return { ...rest, events: engine.events, placement: engine.placement };
}

const STRESS = ['stress', '--duration', '20us'];

describe('sweep --results DIR', () => {
  test("each seed's file is the result `run --seed N --inline --out` writes, and two directories compare as sets", async () => {
    const dir = testTempDir('npusim-sweep-results-');
    const a = join(dir, 'A');
    const r = await cli(['sweep', ...STRESS, '--seeds', '1..3', '--jobs', '2', '--results', a]);
    expect(r.stderr).not.toContain('not written');
    expect(r.code).toBe(0);
    expect(unwrapped(r.stdout, 4)).toContain(
      `run results: 3 in ${a} (a set of 3 runs for \`npusim compare ${a} OTHER_DIR\`)`,
    );
    expect(readdirSync(a).sort()).toEqual(['stress-seed1.json', 'stress-seed2.json', 'stress-seed3.json']);

    const swept = parseRunResult(readFileSync(join(a, 'stress-seed2.json'), 'utf8'), 'stress-seed2.json');
    const ran = await cli(['run', ...STRESS, '--seed', '2', '--inline', '--json']);
    expect(ran.code).toBe(0);
    const alone = JSON.parse(ran.stdout) as RunResult;
    expect(swept.seed).toBe(2);
    expect(runIdentity(swept)).toEqual(runIdentity(alone));

    // Another configuration's sweep is the other set: compare reads both directories whole.
    const b = join(dir, 'B');
    const other = await cli([
      'sweep',
      ...STRESS,
      '--seeds',
      '1..3',
      '--set',
      'gpu.dmaBytes=4096',
      '--results',
      b,
    ]);
    expect(other.code).toBe(0);
    const compared = await cli(['compare', a, b, '--json']);
    expect(compared.stderr).toBe('');
    expect(compared.code).toBe(0);
    const c = JSON.parse(compared.stdout) as { sets: { a: { seed: number }[]; b: { seed: number }[] } };
    expect(c.sets.a.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(c.sets.b.map((r) => r.seed)).toEqual([1, 2, 3]);
  });

  test('a directory is called a set only when it is one: one run is not, nor runs of another configuration already there, said before the sweep and in its summary (QA)', async () => {
    const dir = join(testTempDir('npusim-sweep-results-set-'), 'R');
    const one = await cli(['sweep', ...STRESS, '--seeds', '1', '--results', dir]);
    expect(one.code, one.stderr).toBe(0);
    expect(unwrapped(one.stdout, 4)).toContain(
      `  run results: 1 in ${dir} (one run: a set for \`npusim compare\` needs at least 2)\n`,
    );
    expect(one.stderr).not.toContain('already holds');

    // The same configuration, other seeds: one set with the run already there.
    const same = await cli(['sweep', ...STRESS, '--seeds', '2', '--results', dir]);
    expect(unwrapped(same.stderr, 8)).toContain(
      `npusim: --results ${dir} already holds a run result file (*.json)`,
    );
    // A note, wrapped as every note is (CI QA: 220 columns).
    for (const line of same.stderr.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(unwrapped(same.stdout, 4)).toContain(
      `  run results: 1 in ${dir}, beside 1 older one of the same configuration (a set of 2 runs for \`npusim compare ${dir} OTHER_DIR\`)\n`,
    );

    // Another duration: compare would refuse the directory, and the summary says why, in its words.
    // (One seed a sweep where one will do: a sweep of one seed runs in the command's thread.)
    const other = await cli(['sweep', 'stress', '--duration', '10us', '--seeds', '3', '--results', dir]);
    expect(other.code, other.stderr).toBe(0);
    expect(unwrapped(other.stderr, 8)).toContain(
      `npusim: --results ${dir} already holds 2 run result files (*.json)`,
    );
    expect(unwrapped(other.stdout, 4)).toContain(
      `  run results: 1 in ${dir}, beside 2 older files of another configuration: not one set for \`npusim compare\`, which refuses it (`,
    );
    expect(other.stdout).toContain('differs in params.durationTicks: 20000000 -> 10000000');
    const compared = await cli(['compare', dir, dir]);
    expect(compared.code).toBe(2);
    expect(compared.stderr).toContain('differs in params.durationTicks: 20000000 -> 10000000');

    // A seed's own earlier result is written over: no longer an older file of another configuration.
    const again = await cli(['sweep', 'stress', '--duration', '10us', '--seeds', '1..2', '--results', dir]);
    expect(unwrapped(again.stdout, 4)).toContain(
      `  run results: 2 in ${dir}, beside 1 older one of the same configuration (a set of 3 runs for`,
    );
  });

  // QA: the summary named seed 6 where compare named seed 5: it checked the file it wrote first
  // against the first older one, where compare reads a directory in name order.
  test("another configuration's files: the summary names the file compare names", async () => {
    const dir = testTempDir('npusim-sweep-results-order-');
    const older = await cli(['sweep', 'stress', '--duration', '20us', '--seeds', '5', '--results', dir]);
    expect(older.code, older.stderr).toBe(0);
    // seed 3 sorts before seed 5: compare takes it as the set's first run and refuses seed 5.
    const other = await cli(['sweep', 'stress', '--duration', '10us', '--seeds', '3', '--results', dir]);
    expect(other.code, other.stderr).toBe(0);
    const compared = await cli(['compare', dir, dir]);
    expect(compared.code).toBe(2);
    const refusal = compared.stderr.split('\n')[0]!.replace(/^npusim: /, '');
    expect(refusal).toMatch(
      /stress-seed5\.json: Expected a run of the configuration of .*stress-seed3\.json/,
    );
    expect(unwrapped(other.stdout, 4).replace(/\s+/g, ' ')).toContain(refusal.replace(/\s+/g, ' '));
  });

  test('a variant names its files after the variant, and its result is the variant run', async () => {
    const dir = testTempDir('npusim-sweep-results-variant-');
    const r = await cli([
      'sweep',
      'multi-tenant',
      '--variant',
      'per-gpu',
      '--duration',
      '20us',
      '--seeds',
      '4',
      '--results',
      dir,
    ]);
    expect(r.code).not.toBe(2);
    expect(readdirSync(dir)).toEqual(['multi-tenant.per-gpu-seed4.json']);
    const result = parseRunResult(
      readFileSync(join(dir, 'multi-tenant.per-gpu-seed4.json'), 'utf8'),
      'multi-tenant.per-gpu-seed4.json',
    );
    expect(result.config.variant).toBe('per-gpu');
    expect(result.exitCode).toBe(r.code);
    // What the variant expects is judged in its result, as `run --variant` judges it.
    const alone = await cli([
      'run',
      'multi-tenant',
      '--variant',
      'per-gpu',
      '--duration',
      '20us',
      '--seed',
      '4',
      '--inline',
      '--json',
    ]);
    const ran = JSON.parse(alone.stdout) as RunResult;
    expect(ran.expectation).toBeDefined();
    expect(result.expectation).toEqual(ran.expectation);
  });

  test("a workload with variants: the seed's file is run's result less the four fields run adds over its variants, as the README says", async () => {
    const dir = testTempDir('npusim-sweep-results-own-');
    const args = ['multi-tenant', '--duration', '20us'];
    const r = await cli(['sweep', ...args, '--seeds', '4', '--results', dir]);
    expect(r.code).not.toBe(2);
    const swept = parseRunResult(
      readFileSync(join(dir, 'multi-tenant-seed4.json'), 'utf8'),
      'multi-tenant-seed4.json',
    );
    const ran = await cli(['run', ...args, '--seed', '4', '--inline', '--json']);
    const alone = JSON.parse(ran.stdout) as RunResult;
    const added = Object.keys(alone).filter((k) => !(k in swept));
    expect(added.sort()).toEqual(['commandExitCode', 'expectation', 'label', 'variants']);
    expect(Object.keys(swept).filter((k) => !(k in alone))).toEqual([]);
    const { commandExitCode: _c, expectation: _e, label: _l, variants: _v, ...own } = alone;
    expect(runIdentity(swept)).toEqual(runIdentity(own));
  });

  test("a failing free seed's result names its failure file as its reproduce line, as `run --free --out` does", () => {
    // Whether a free run finds the race is a scheduling outcome: the rule is tested on a result.
    const result = { workload: 'flush-race', seed: 1, reproduce: 'npusim run flush-race --seed 1 --free' };
    const text = `${JSON.stringify(result, null, 2)}\n`;
    const file = 'ff/flush-race-seed1-order.atsd-released-early-6926416a.json';
    expect(JSON.parse(seedResultText(text, file, true))).toEqual({
      ...result,
      reproduce: `npusim replay ${file}`,
      failureFile: file,
    });
    expect(JSON.parse(seedResultText(text, 'a b.json', true)).reproduce).toBe("npusim replay 'a b.json'");
    // Without a file, its own free command (a re-run) and no file named.
    expect(JSON.parse(seedResultText(text, null, true))).toEqual({ ...result, failureFile: null });
    // A deterministic seed keeps its run line; its file is named all the same.
    expect(JSON.parse(seedResultText(text, file, false))).toEqual({ ...result, failureFile: file });
  });

  test("a crashed seed's file says its crash, as `run --out` writes a crashed run's", async () => {
    const dir = testTempDir('npusim-sweep-results-crash-');
    const { workloads } = await import('../../workloads/index.js');
    const w = workloads.find((x) => x.name === 'stress')!;
    const config = {
      ...scenarioConfig(w, { ...scenarioArgs(), durationTicks: 20_000_000 }, 1, undefined),
      crashAt: { actor: 'gpu2', event: 5 },
    };
    const paths: (string | null)[] = [];
    const summary = await runSweep({
      config,
      workload: w,
      seeds: { first: 1, last: 1 },
      jobs: 1,
      resultsDir: dir,
      onResultFile: (_seed, path) => paths.push(path),
    });
    expect(summary.byClass).toMatchObject({ crash: 1 });
    expect(paths).toEqual([join(dir, 'stress-seed1.json')]);
    const result = JSON.parse(readFileSync(paths[0]!, 'utf8')) as RunResult;
    expect(result).toMatchObject({ status: 'crash', exitCode: 4, seed: 1, host: 'inline' });
    // Compare refuses such a set, naming the file: a crashed run has no figures to compare.
    const compared = await cli(['compare', dir, dir]);
    expect(compared.stderr).toContain(
      'stress-seed1.json: status: Expected the result of a run that has figures',
    );
    expect(compared.code).toBe(2);
  });

  test('a result that cannot be written is said, the summary names its seeds, and a clean sweep exits 2', async () => {
    const dir = testTempDir('npusim-sweep-results-unwritten-');
    failing.match = /stress-seed2\.json/;
    try {
      const r = await cli(['sweep', ...STRESS, '--seeds', '1..3', '--jobs', '1', '--results', dir]);
      expect(unwrapped(r.stderr, 8)).toContain(
        // In words, as a failure file's write is said (QA: Node's raw message, its syscall and path).
        `seed 2: the run result ${join(dir, 'stress-seed2.json')} was not written: no space left on the device holding \`${join(dir, 'stress-seed2.json')}\` (ENOSPC)`,
      );
      expect(r.stdout).toContain(`run results: 2 in ${dir}`);
      expect(r.stdout).toContain('none for seed 2 (said above)');
      expect(r.stdout).toContain('exit 2 (no failure found, and some run results were not written)');
      expect(r.code).toBe(2);
      expect(readdirSync(dir).sort()).toEqual(['stress-seed1.json', 'stress-seed3.json']);
      const json = await cli(['sweep', ...STRESS, '--seeds', '2', '--results', dir, '--json']);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({
        exitCode: 2,
        results: { dir, written: 0, missing: [2] },
      });
    } finally {
      failing.match = undefined;
    }
  });

  test("a free run's failure file at a seed's result name is kept: that seed's result is not written, and said (QA: it was replaced)", async () => {
    const dir = testTempDir('npusim-sweep-results-free-');
    const race = join(dir, 'stress-seed2.json');
    const text = `${JSON.stringify({
      format: 'npusim-failure',
      workload: { name: 'stress' },
      seed: 7,
      first: { rule: 'order.atsd-released-early', tick: 1 },
      free: { actors: [] },
    })}\n`;
    writeFileSync(race, text);
    const r = await cli(['sweep', ...STRESS, '--seeds', '1..3', '--jobs', '1', '--results', dir]);
    expect(unwrapped(r.stderr, 8)).toContain(
      `seed 2: the run result ${race} was not written: that file holds a free run's failure file (stress, seed 7: order.atsd-released-early), the only record of its race`,
    );
    expect(readFileSync(race, 'utf8')).toBe(text);
    expect(r.stdout).toContain('none for seed 2 (said above)');
    expect(r.code).toBe(2);
  });

  test('a --results path that cannot be a directory, or that --failures names too, is refused before any seed runs', async () => {
    const dir = testTempDir('npusim-sweep-results-bad-');
    const file = join(dir, 'F');
    writeFileSync(file, 'x');
    const onFile = await cli(['sweep', ...STRESS, '--seeds', '1', '--results', file]);
    expect(onFile.stderr).toContain(
      `npusim: --results: Expected a directory to write files into, got \`${file}\`: it is a file, not a directory`,
    );
    expect(onFile.stdout).toBe('');
    expect(onFile.code).toBe(2);
    const shared = await cli(['sweep', ...STRESS, '--seeds', '1', '--results', dir, '--failures', dir]);
    expect(shared.stderr).toMatch(
      /Expected a path no other option writes, got `.*`, which --(results|failures) also names/,
    );
    expect(shared.code).toBe(2);
    const merge = await cli(['sweep', '--merge', dir, '--results', dir]);
    expect(merge.stderr).toContain('npusim: --results: Expected no --results with --merge');
    expect(merge.code).toBe(2);
    // A seeds file there under a name a seed's result takes would be written over: refused.
    const seeds = join(dir, 'stress-seed1.json');
    writeFileSync(seeds, '1,2');
    const over = await cli(['sweep', ...STRESS, '--seeds', `@${seeds}`, '--results', dir]);
    expect(over.stderr).toContain(
      `npusim: --results: Expected a directory whose files will not replace the command's input, got \`${dir}\`, which holds \`${seeds}\` (--seeds @${seeds} reads it)`,
    );
    expect(over.code).toBe(2);
    expect(readFileSync(seeds, 'utf8')).toBe('1,2');
    expect(readdirSync(dir).sort()).toEqual(['F', 'stress-seed1.json']);
  });
});

/** The scenario options of a sweep given none (cli-args.ts ScenarioArgs). */
function scenarioArgs() {
  return {
    durationTicks: undefined as number | undefined,
    topology: undefined,
    policy: undefined,
    bugs: [],
    profile: undefined,
    stopOnFirst: false,
    strategy: 'random' as const,
    pctDepth: 3,
    free: undefined,
    set: [],
    variant: undefined,
    failuresDir: undefined,
  };
}
