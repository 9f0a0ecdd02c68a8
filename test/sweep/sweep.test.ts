/**
 * Sweeps on a piscina pool: the union of the shards of a range is the unsharded summary, shard
 * summaries of different sweeps are refused (the identity names the PCT depth and each --set), a
 * merge knows which shards it lacks, a file that is not a shard summary is named for what it is,
 * and seed ranges and shards are parsed strictly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { npusimVersion } from '../../src/io/version.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { formatTime } from '../../src/report/duration.js';
import { replayFailure } from '../../src/repro/replay.js';
import {
  parseSeedRange,
  parseShard,
  type SeedRange,
  seedsInShard,
  seedsOf,
  seedsText,
} from '../../src/sweep/seeds.js';
import type { SweepSummary } from '../../src/sweep/summary.js';
import { gapsText, mergeGaps, mergeSummaries } from '../../src/sweep/summary-merge.js';
import { readSummary } from '../../src/sweep/summary-read.js';
import { runSweep, sweepIdentity } from '../../src/sweep/sweep.js';
import { workloads } from '../../workloads/index.js';
import { shardSummary } from '../support/sweep-shard.js';
import { testTempDir } from '../support/temp-dir.js';
import { thrownBy } from '../support/thrown.js';

const w = workloads.find((x) => x.name === 'flush-race')!;
const registry = new Map(workloads.map((x) => [x.name, x]));
const config = {
  workload: w.name,
  seed: 0,
  bugs: ['single-flush' as const],
  params: parseParams({ ...w.params, durationTicks: 24_000_000 }, w.name),
};

/** What two summaries of the same seeds must agree on (wall time and shard bookkeeping aside). */
const comparable = (s: SweepSummary) => ({ ...s, wallMs: 0, shards: null });

/** `comparable`, and the failure files left out (each shard writes its own). */
const withoutFiles = (s: SweepSummary) => ({
  ...comparable(s),
  failures: s.failures.map((f) => ({ ...f, file: null })),
});

/** Every shard of `count` of `seeds` swept, each into its own failures directory under `dir`. */
async function runShards(seeds: SeedRange, count: number, dir: string) {
  const parts: { summary: SweepSummary; where: string }[] = [];
  for (let k = 1; k <= count; k++) {
    const shard = { index: k, count };
    const summary = await runSweep({
      config,
      workload: w,
      seeds,
      shard,
      jobs: 2,
      failuresDir: join(dir, `s${k}`),
    });
    parts.push({ summary, where: `shard ${k}` });
  }
  return parts;
}

describe('sweep', () => {
  test('sweep: the union of --shard 1/3, 2/3 and 3/3 equals the unsharded summary', async () => {
    const dir = testTempDir('npusim-sweep-');
    // Six seeds, two per shard: 36 and 38 fail here and the others run clean, so the merge joins
    // both (`npusim sweep flush-race --bug single-flush --duration 24000000 --seeds 0..40`: failed
    // 0, 2, 4, 6, 11, 13, 15, 25, 36, 38). A model change that moves them fails the mix below:
    // pick another range.
    const seeds = parseSeedRange('34..39');
    const whole = await runSweep({ config, workload: w, seeds, jobs: 2, failuresDir: join(dir, 'all') });
    expect(whole.ran).toBe(6);
    expect(whole.failed).toBeGreaterThan(0);
    expect(whole.clean).toBeGreaterThan(0);
    expect(whole.clean + whole.failed).toBe(6);
    expect(readdirSync(join(dir, 'all')).filter((f) => f.endsWith('.json'))).toHaveLength(whole.failed);
    const parts = await runShards(seeds, 3, dir);
    expect(parts.map((p) => p.summary.ran)).toEqual([2, 2, 2]);
    expect(withoutFiles(mergeSummaries(parts))).toEqual(withoutFiles(whole));
  });

  test('sweep of a list: exactly its seeds run, and its shards merge into the whole list', async () => {
    const dir = testTempDir('npusim-sweep-list-');
    const seeds = parseSeedRange('9,4,6..7');
    const whole = await runSweep({ config, workload: w, seeds, jobs: 2, failuresDir: join(dir, 'all') });
    expect(whole.seeds).toEqual({ first: 4, last: 9, list: [4, 6, 7, 9] });
    expect(whole.ran).toBe(4);
    expect(whole.failed).toBeGreaterThan(0);
    for (const f of whole.failures) expect([4, 6, 7, 9]).toContain(f.seed);
    const parts = await runShards(seeds, 2, dir);
    expect(parts.map((p) => p.summary.ran)).toEqual([2, 2]);
    // A shard's summary reads back as it was written (the list is checked, not dropped).
    for (const p of parts) expect(readSummary(JSON.stringify(p.summary), p.where).seeds).toEqual(seeds);
    expect(withoutFiles(mergeSummaries(parts))).toEqual(withoutFiles(whole));
    // Shards of another npusim version may have run another model: another sweep's.
    const older = { ...parts[1]!.summary, sweep: { ...parts[1]!.summary.sweep, npusim: '0.1.9' } };
    expect(() => mergeSummaries([parts[0]!, { summary: older, where: 'shard v' }])).toThrow(
      `shard v: Expected a shard of the same sweep as shard 1, got another sweep: its sweep.npusim is "0.1.9", not "${npusimVersion()}"`,
    );
    // Shards of another list are another sweep's.
    const other = { ...parts[1]!.summary, seeds: parseSeedRange('4,6,7,8') };
    expect(() => mergeSummaries([parts[0]!, { summary: other, where: 'shard x' }])).toThrow(
      'shard x: Expected seeds 4,6,7,9 (as shard 1 says), got 4,6..8',
    );
  });

  test('sweep: --stop-on-first hands out no more seeds once one fails', async () => {
    const s = await runSweep({
      config: { ...config, stopOnFirst: true },
      workload: w,
      seeds: parseSeedRange('1..50'),
      jobs: 1,
    });
    expect(s.failed).toBe(1);
    expect(s.ran).toBeLessThan(50);
    expect(s.stoppedEarly).toBe(true);
    // Why, and the seeds left, every one after the failing seed (the one waiting is one of them).
    expect(s.stop).toEqual({ reasons: ['stop-on-first'], notRun: [{ first: s.ran + 1, last: 50 }] });
    expect(readSummary(JSON.stringify(s), 's').stop).toEqual(s.stop);
    // One setting, named in the identity: a merge knows the shard stopped on purpose.
    expect(s.sweep.stopOnFirst).toBe(true);
    expect(mergeGaps([{ summary: s, where: 's' }]).stopped).toEqual([]);
  });

  test('sweep: a seed waiting for a thread when Ctrl-C comes does not start, and the sweep says it stopped early', async () => {
    let stop = false;
    const s = await runSweep({
      config,
      workload: w,
      seeds: parseSeedRange('1..4'),
      jobs: 1,
      // Ctrl-C as the first seed ends: the second is already waiting in the queue.
      onOutcome: () => {
        stop = true;
      },
      shouldStop: () => stop,
    });
    expect(s.ran).toBe(1);
    expect(s.stoppedEarly).toBe(true);
    // The seed that waited counts as not run, as do those never handed out.
    expect(s.stop).toEqual({ reasons: ['signal'], notRun: [{ first: 2, last: 4 }] });
  });

  test('sweep: with the stop word set (Ctrl-C), the seeds handed to the pool stop at their first check, none is counted, and no more are handed out', async () => {
    // QA: the running seeds ran to their end first (15 s here), past a batch system's grace
    // period. The word is set as the sweep starts, before any seed can end (each is 100 ms of
    // simulated time, tens of seconds of work): each run sees it at its first check of the word,
    // as a run that was already going sees it at its next (inline-runtime.ts polls it between
    // events), and comes back interrupted; the PCT measuring runs of a PCT sweep too.
    for (const pctDepth of [undefined, 2]) {
      const stopWord = new SharedArrayBuffer(4);
      const sweep = runSweep({
        config: { ...config, params: parseParams({ ...w.params, durationTicks: 100_000_000_000 }, w.name) },
        workload: w,
        seeds: parseSeedRange('1..4'),
        jobs: 2,
        stopWord,
        ...(pctDepth === undefined ? {} : { pctDepth }),
      });
      Atomics.store(new Int32Array(stopWord), 0, 1);
      const s = await sweep;
      expect({ pctDepth, ran: s.ran, failures: s.failures }).toEqual({ pctDepth, ran: 0, failures: [] });
      expect(s.stoppedEarly).toBe(true);
      // The seeds stopped mid-run are not run, as are those never handed out.
      expect(s.stop).toEqual({ reasons: ['signal'], notRun: [{ first: 1, last: 4 }] });
    }
  });

  test('sweep --free: a seed Ctrl-C stops after a finding keeps its race as a failure file of the interrupted run, said in a note; the seed stays not run', async () => {
    // A bug found in any order of the threads (a peer write over a link left open), in a run far
    // longer than the test: the stop comes when the watchdog first counts a finding.
    const ti = workloads.find((x) => x.name === 'tenant-isolation')!;
    const dir = testTempDir('npusim-free-stop-');
    const notes: string[] = [];
    let found = false;
    const s = await runSweep({
      config: {
        workload: ti.name,
        seed: 0,
        bugs: ['links-enabled-per-gpu' as const],
        params: parseParams({ ...ti.params, durationTicks: 100_000_000_000 }, ti.name),
      },
      workload: ti,
      seeds: parseSeedRange('1..3'),
      jobs: 1,
      free: { windowTicks: 1_000_000 },
      failuresDir: dir,
      onNote: (line) => notes.push(line),
      onFreeProgress: (_tick, _events, findings) => {
        if (findings > 0) found = true;
      },
      shouldStop: () => found,
    });
    expect(s.ran).toBe(0);
    expect(s.stop).toEqual({ reasons: ['signal'], notRun: [{ first: 1, last: 3 }] });
    const files = readdirSync(dir).filter((f) => f !== 'sweep-summary.json');
    expect(files).toHaveLength(1);
    expect(notes).toEqual([
      expect.stringMatching(
        /^seed 1 was stopped mid-run after a finding \(isolation\.[a-z.-]+\): failure file of the interrupted run written \(not counted in the summary; replay it with: npusim replay .+\)$/,
      ),
    ]);
    const file = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
    expect(file.exit.class).toBe('interrupted');
    expect(file.free).not.toBeNull();
    const replay = await replayFailure(
      readFileSync(join(dir, files[0]!), 'utf8'),
      'f.json',
      registry,
      'inline',
    );
    expect(replay.mismatches).toEqual([]);

    // A clean free seed stopped mid-run: nothing to keep, and the note says its race is lost.
    const stress = workloads.find((x) => x.name === 'stress')!;
    const lost: string[] = [];
    let moved = false;
    const clean = await runSweep({
      config: {
        workload: stress.name,
        seed: 0,
        bugs: [],
        params: parseParams({ ...stress.params, durationTicks: 100_000_000_000 }, stress.name),
      },
      workload: stress,
      seeds: parseSeedRange('1..2'),
      jobs: 1,
      free: { windowTicks: 1_000_000 },
      failuresDir: testTempDir('npusim-free-stop-'),
      onNote: (line) => lost.push(line),
      onFreeProgress: (_tick, events) => {
        if (events > 1000) moved = true;
      },
      shouldStop: () => moved,
    });
    expect(clean.ran).toBe(0);
    expect(lost).toEqual([
      'seed 1 was stopped mid-run before any finding; its race is not kept (a free seed races anew when run again)',
    ]);
  });

  test('sweep pct: the summary carries n, k and the bound of its lowest seed, and the change points fired over its seeds; shards merge to the whole', async () => {
    const seeds = parseSeedRange('1..4');
    const whole = await runSweep({ config, workload: w, seeds, jobs: 1, pctDepth: 2 });
    expect(whole.pct).toMatchObject({ example: { seed: 1 }, changePoints: { seeds: 4 } });
    expect(whole.pct!.example.agents).toBeGreaterThan(0);
    expect(whole.pct!.example.steps).toBeGreaterThan(0);
    expect(whole.pct!.changePoints.fired).toBeLessThanOrEqual(whole.pct!.changePoints.planned);
    expect(readSummary(JSON.stringify(whole), 's').pct).toEqual(whole.pct);
    const parts = await Promise.all(
      [1, 2].map((k) =>
        runSweep({ config, workload: w, seeds, shard: { index: k, count: 2 }, jobs: 1, pctDepth: 2 }),
      ),
    );
    const merged = mergeSummaries(parts.map((summary, i) => ({ summary, where: `shard ${i + 1}` })));
    expect(merged.pct).toEqual(whole.pct);
    // A sweep of another strategy has none; a hand-edited one is refused naming the field.
    expect(
      (await runSweep({ config, workload: w, seeds: parseSeedRange('1'), jobs: 1 })).pct,
    ).toBeUndefined();
    const bad = { ...whole, pct: { ...whole.pct!, example: { ...whole.pct!.example, agents: -1 } } };
    expect(() => readSummary(JSON.stringify(bad), 's')).toThrow(/s: pct/);
  });

  test('sweep identity: names the PCT depth and each --set (a merge refuses shards that differ in them), and only when given', () => {
    const plain = sweepIdentity(config);
    expect(plain.strategy).toBe('random');
    expect(Object.keys(plain)).not.toContain('pctDepth');
    expect(Object.keys(plain)).not.toContain('set');
    const set = [{ path: 'gpu.dmaBytes', value: 512 }];
    expect(sweepIdentity({ ...config, set }, 2)).toMatchObject({ strategy: 'pct', pctDepth: 2, set });
    expect(sweepIdentity(config, 2)).not.toEqual(sweepIdentity(config, 3));
  });

  test('sweep pct: a configuration whose PCT steps were measured already is refused (each seed measures its own)', async () => {
    const measured = { ...config, strategy: { kind: 'pct' as const, depth: 2, steps: [10], agents: 3 } };
    await expect(
      runSweep({ config: measured, workload: w, seeds: parseSeedRange('1'), jobs: 1, pctDepth: 2 }),
    ).rejects.toThrow(/expected no config.strategy with pctDepth/);
  });

  test('sweep --merge: refuses no summary, a shard given twice, or a shard of another sweep, naming it', () => {
    const base: SweepSummary = {
      format: 'npusim-sweep-summary',
      version: 2,
      sweep: { workload: 'x' },
      seeds: { first: 1, last: 9 },
      shards: { count: 3, covered: [1] },
      ran: 3,
      clean: 3,
      failed: 0,
      byClass: { clean: 3 },
      byRule: {},
      failures: [],
      worstExitCode: 0,
      stoppedEarly: false,
      wallMs: 1,
    };
    expect(() => mergeSummaries([])).toThrow(ConfigError);
    expect(() =>
      mergeSummaries([
        { summary: base, where: 'a' },
        { summary: base, where: 'b' },
      ]),
    ).toThrow(/b: .*shard 1\/3 again/);
    const other = { ...base, sweep: { workload: 'y' }, shards: { count: 3, covered: [2] } };
    expect(() =>
      mergeSummaries([
        { summary: base, where: 'a' },
        { summary: other, where: 'c' },
      ]),
    ).toThrow(/c: .*another sweep/);
  });
});

/** Shard `k` of `count` of seeds 1..9, clean unless told otherwise. */
const shard = (k: number, count: number, over: Partial<SweepSummary> = {}): SweepSummary =>
  shardSummary(
    k,
    count,
    { first: 1, last: 9 },
    { sweep: { workload: 'x', stopOnFirst: false }, wallMs: 1, ...over },
  );

describe('sweep --merge: which shards it lacks', () => {
  test('merge gaps: none for every shard run to its end; the missing shards by number', () => {
    const all = [1, 2, 3].map((k) => ({ summary: shard(k, 3), where: `s${k}` }));
    expect(mergeGaps(all)).toEqual({ count: 3, missing: [], stopped: [] });
    const some = [all[1]!];
    expect(mergeGaps(some).missing).toEqual([1, 3]);
    expect(gapsText(mergeGaps(some))).toBe('shards 1, 3 of 3 missing');
    expect(mergeSummaries(some).shards).toEqual({ count: 3, covered: [2] });
  });

  test('merge gaps: a shard stopped early by Ctrl-C is a gap; one stopped at its first failure under --stop-on-first is not', () => {
    const interrupted = shard(2, 3, { ran: 1, clean: 1, byClass: { clean: 1 }, stoppedEarly: true });
    const g = mergeGaps([
      { summary: shard(1, 3), where: 's1' },
      { summary: interrupted, where: 's2/sweep-summary-2-of-3.json' },
      { summary: shard(3, 3), where: 's3' },
    ]);
    expect(g.missing).toEqual([]);
    expect(gapsText(g)).toBe('shard 2 of 3 (s2/sweep-summary-2-of-3.json) stopped early, after 1 of 3 seeds');
    const onPurpose = shard(2, 3, {
      sweep: { workload: 'x', stopOnFirst: true },
      ran: 1,
      failed: 1,
      clean: 0,
      worstExitCode: 1,
      stoppedEarly: true,
    });
    expect(mergeGaps([{ summary: onPurpose, where: 's2' }]).stopped).toEqual([]);
  });

  test('merge gaps: seedsInShard counts the seeds seedsOf lists, for every shard of small ranges', () => {
    for (const [first, last] of [
      [1, 1],
      [1, 9],
      [5, 14],
      [3, 4],
    ] as const) {
      for (let count = 1; count <= 5; count++) {
        for (let k = 1; k <= count; k++) {
          const seeds = seedsOf({ first, last }, { index: k, count });
          // The list a range gives is counted, not held: its length is the seeds it hands out.
          const listed = [...seeds];
          expect(seeds.length).toBe(listed.length);
          expect(seedsInShard({ first, last }, k, count)).toBe(listed.length);
          expect(listed.every((s, i) => s === first + k - 1 + i * count && s <= last)).toBe(true);
        }
      }
    }
  });
});

describe('sweep --merge: reading a shard summary', () => {
  test.each([
    ['{"a":1,"b":2}', 'a JSON object without "format" and "version" (keys "a", "b")'],
    ['[1,2]', 'a JSON array (2 items)'],
    ['"x"', 'a JSON string ("x")'],
    ['null', 'null'],
    [
      '{"format":"npusim-failure","formatVersion":1}',
      'an npusim failure file or --record file (format `npusim-failure`',
    ],
    ['{"schemaVersion":3,"status":"clean","digest":"ab"}', 'an npusim run result'],
    ['{"format":"npusim-sweep-summary","version":1}', 'version 1 of it (written by another npusim version)'],
    ['{"format":"other","version":1}', 'format `other` version 1'],
  ])('read summary: %s is refused, naming the file and saying what it is', (text, got) => {
    const where = 'results/shard-1/sweep-summary-1-of-2.json';
    expect(() => readSummary(text, where)).toThrow(
      `${where}: Expected an npusim-sweep-summary (version 2), got ${got}`,
    );
    expect(() => readSummary(text, where)).not.toThrow(/undefined/);
  });

  test('read summary: a summary with a field of the wrong kind is refused naming the field', () => {
    const good = shardSummary(1, 2, { first: 1, last: 9 });
    expect(readSummary(JSON.stringify(good), 'f')).toEqual(good);
    expect(() => readSummary(JSON.stringify({ ...good, ran: '3' }), 'f')).toThrow(
      'f: ran: Expected a finite number from 0, got a JSON string ("3")',
    );
    // Found by QA: 1e400 (Infinity) was merged and printed "in Infinity s"; -5 was taken too.
    // QA67 D: 1e400 was then said as `got a JSON number (null)`.
    const text = JSON.stringify(good);
    expect(() => readSummary(text.replace(/"wallMs":[^,}]+/, '"wallMs":1e400'), 'f')).toThrow(
      'f: wallMs: Expected a finite number from 0, got a number too large (above 1.8e308)',
    );
    expect(() => readSummary(JSON.stringify({ ...good, wallMs: -5 }), 'f')).toThrow(
      'f: wallMs: Expected a finite number from 0, got a JSON number (-5)',
    );
    // A field no sweep writes: refused by name, as in a workload or topology file.
    expect(() => readSummary(JSON.stringify({ ...good, zzz: 1 }), 'f')).toThrow(
      'f: zzz: Expected only the fields a sweep writes (format, version,',
    );
    // What `sweep --json` prints (the summary and its exit code) reads as a summary.
    expect(readSummary(JSON.stringify({ ...good, exitCode: 0 }), 'f').ran).toBe(good.ran);
    expect(() => readSummary(JSON.stringify({ ...good, shards: { count: 2, covered: [3] } }), 'f')).toThrow(
      /f: shards: Expected null or \{ count, covered/,
    );
    expect(() => readSummary(JSON.stringify({ ...good, byRule: undefined }), 'f')).toThrow(
      'f: byRule: Expected an object, got none',
    );
    // The failures are a list (QA: null was refused as `Expected an object`).
    expect(() => readSummary(JSON.stringify({ ...good, failures: null }), 'f')).toThrow(
      'f: failures: Expected a list, got null',
    );
    // Reversed ends are refused at the seeds, not as a shard count above -4 seeds (QA).
    expect(() => readSummary(JSON.stringify({ ...good, seeds: { first: 6, last: 1 } }), 'f')).toThrow(
      'f: seeds: Expected first at most last, got first 6 after last 1',
    );
  });

  test('read summary: byRule names the rules a sweep tallies, or crash; any other name is refused naming it (QA)', () => {
    const good = shardSummary(1, 2, { first: 1, last: 9 });
    const failing = (rule: string) => ({
      ...good,
      clean: good.ran - 1,
      failed: 1,
      byClass: { clean: good.ran - 1, violation: 1 },
      worstExitCode: 1,
      failures: [{ seed: 3, status: 'violation', rule, tick: 5, file: null }],
      byRule: { [rule]: { seeds: 1, firstSeed: 3, earliestTick: 5, earliestSeed: 3 } },
    });
    expect(readSummary(JSON.stringify(failing('isolation.dma')), 'f').failed).toBe(1);
    expect(() => readSummary(JSON.stringify(failing('no.such.rule')), 'f')).toThrow(
      'f: byRule.no.such.rule: Expected a rule name (npusim list) or `crash`, got "no.such.rule"',
    );
  });

  test('read summary: a list of seeds must be what a sweep writes: ascending, each once, with its ends', () => {
    const good = shardSummary(1, 2, { first: 4, last: 9, list: [4, 6, 9] });
    expect(readSummary(JSON.stringify(good), 'f')).toEqual(good);
    const withSeeds = (seeds: unknown) => JSON.stringify({ ...good, seeds });
    expect(() => readSummary(withSeeds({ first: 4, last: 9, list: [4, 9, 6] }), 'f')).toThrow(
      'f: seeds.list[2]: Expected seeds in ascending order, each once, got 6 after 9',
    );
    expect(() => readSummary(withSeeds({ first: 4, last: 9, list: [4, 4, 9] }), 'f')).toThrow(
      'f: seeds.list[1]: Expected seeds in ascending order, each once, got 4 after 4',
    );
    expect(() => readSummary(withSeeds({ first: 4, last: 9, list: [4, '6', 9] }), 'f')).toThrow(
      'f: seeds.list[1]: Expected a seed, got a JSON string ("6")',
    );
    expect(() => readSummary(withSeeds({ first: 4, last: 9, list: [] }), 'f')).toThrow(
      'f: seeds.list: Expected a list of seeds, got a JSON array (0 items)',
    );
    expect(() => readSummary(withSeeds({ first: 4, last: 9, lsit: [4, 6, 9] }), 'f')).toThrow(
      'f: seeds: Expected first, last and a list, got unknown key `lsit`',
    );
    expect(() => readSummary(withSeeds({ first: 1, last: 9, list: [4, 6, 9] }), 'f')).toThrow(
      "f: seeds: Expected first and last to be the list's ends (4 and 9), got 1 and 9",
    );
  });

  test('read summary: every failing seed it names is one its shards ran, and its rules name failing seeds', () => {
    const failure = (seed: number) => ({
      seed,
      status: 'violation',
      rule: 'isolation.dma',
      tick: 5,
      file: null,
    });
    const withFailure = (seeds: SeedRange, k: number, seed: number) => {
      const s = shardSummary(k, 2, seeds);
      return {
        ...s,
        clean: s.ran - 1,
        failed: 1,
        byClass: { clean: s.ran - 1, violation: 1 },
        worstExitCode: 1,
        failures: [failure(seed)],
        byRule: { 'isolation.dma': { seeds: 1, firstSeed: seed, earliestTick: 5, earliestSeed: seed } },
      };
    };
    const list = { first: 4, last: 9, list: [4, 6, 9] };
    // Shard 1 of 2 of the list runs 4 and 9, of the range 1..9 runs 1, 3, 5, 7, 9.
    expect(readSummary(JSON.stringify(withFailure(list, 1, 9)), 'f').failed).toBe(1);
    expect(readSummary(JSON.stringify(withFailure({ first: 1, last: 9 }, 1, 7)), 'f').failed).toBe(1);
    expect(() => readSummary(JSON.stringify(withFailure(list, 1, 6)), 'f')).toThrow(
      'f: failures[0].seed: Expected a seed of seeds 4,6,9 in shard 1 of 2, got 6',
    );
    expect(() => readSummary(JSON.stringify(withFailure(list, 1, 10)), 'f')).toThrow('got 10');
    expect(() => readSummary(JSON.stringify(withFailure({ first: 1, last: 9 }, 1, 8)), 'f')).toThrow(
      'f: failures[0].seed: Expected a seed of seeds 1..9 in shard 1 of 2, got 8',
    );
    const s = withFailure(list, 1, 9);
    // A failing seed listed twice: one entry per failing seed.
    const twice = {
      ...s,
      failed: 2,
      clean: s.ran - 2,
      byClass: { clean: s.ran - 2, violation: 2 },
      failures: [failure(9), failure(9)],
    };
    expect(() => readSummary(JSON.stringify(twice), 'f')).toThrow(
      'f: failures[1].seed: Expected one entry per failing seed, got seed 9 again (failures[0] has it)',
    );
    expect(() => readSummary(JSON.stringify({ ...s, byRule: { 'isolation.dma': null } }), 'f')).toThrow(
      'f: byRule.isolation.dma: Expected an object, got null',
    );
    expect(() =>
      readSummary(
        JSON.stringify({ ...s, byRule: { 'isolation.dma': { ...s.byRule['isolation.dma'], seeds: 0 } } }),
        'f',
      ),
    ).toThrow('f: byRule.isolation.dma.seeds: Expected an integer of at least 1, got 0');
    const rule = {
      ...s,
      byRule: { 'isolation.dma': { seeds: 1, firstSeed: 4, earliestTick: 5, earliestSeed: 9 } },
    };
    expect(() => readSummary(JSON.stringify(rule), 'f')).toThrow(
      'f: byRule.isolation.dma.firstSeed: Expected one of the failing seeds (failures), got 4',
    );
    // The tallies agree with the failures they tally (a hand edit of one but not the other).
    const tallied = (over: Record<string, unknown>) =>
      JSON.stringify({ ...s, byRule: { 'isolation.dma': { ...s.byRule['isolation.dma'], ...over } } });
    expect(() => readSummary(tallied({ seeds: 2 }), 'f')).toThrow(
      'f: byRule.isolation.dma.seeds: Expected at most the failing seeds (failed: 1), got 2',
    );
    const two = {
      ...s,
      failed: 2,
      clean: s.ran - 2,
      byClass: { clean: s.ran - 2, violation: 2 },
      failures: [failure(4), failure(9)],
      byRule: { 'isolation.dma': { seeds: 1, firstSeed: 4, earliestTick: 5, earliestSeed: 4 } },
    };
    expect(() => readSummary(JSON.stringify(two), 'f')).toThrow(
      'f: byRule.isolation.dma.seeds: Expected at least 2 (the failing seeds whose first finding is isolation.dma), got 1',
    );
    expect(
      readSummary(
        JSON.stringify({ ...two, byRule: { 'isolation.dma': { ...two.byRule['isolation.dma'], seeds: 2 } } }),
        'f',
      ).failed,
    ).toBe(2);
    expect(() => readSummary(tallied({ earliestTick: 6 }), 'f')).toThrow(
      'f: byRule.isolation.dma.earliestTick: Expected at most 5 (failures[0], seed 9, broke isolation.dma at tick 5), got 6',
    );
    expect(() => readSummary(JSON.stringify({ ...s, byRule: {} }), 'f')).toThrow(
      'f: failures[0].rule: Expected a rule with its own byRule entry, got "isolation.dma" (byRule has none)',
    );
    // A failure without a finding stands for its rule by its status: no tally needed.
    const bare = { ...s, byRule: {}, failures: [{ ...failure(9), rule: 'violation' }] };
    expect(readSummary(JSON.stringify(bare), 'f').failed).toBe(1);
    // No rule fired in a seed before its first finding (QA: an earliest tick edited to 1 ps was
    // printed, beside a `replay the earliest` line naming another seed).
    expect(() => readSummary(tallied({ earliestTick: 1 }), 'f')).toThrow(
      "f: byRule.isolation.dma.earliestTick: Expected at least 5 (seed 9's first finding, failures[0], came at tick 5), got 1",
    );
    // The classes are the failures' statuses counted, and the worst exit code is theirs (QA: each
    // of these edits was merged, printing `liveness 1` or exiting 3 with every failure a violation).
    const edited = (over: Record<string, unknown>) => JSON.stringify({ ...s, ...over });
    expect(() =>
      readSummary(edited({ byClass: { clean: s.ran - 2, violation: 1, liveness: 1 } }), 'f'),
    ).toThrow('f: byClass.liveness: Expected 0 (the failures whose status is liveness), got 1');
    expect(() => readSummary(edited({ worstExitCode: 3 }), 'f')).toThrow(
      'f: worstExitCode: Expected 1 (the worst class among the failures), got 3',
    );
    expect(() => readSummary(edited({ failures: [{ ...failure(9), status: 'liveness' }] }), 'f')).toThrow(
      'f: byClass.violation: Expected 0 (the failures whose status is violation), got 1',
    );
    expect(() => readSummary(edited({ failures: [{ ...failure(9), status: 'oops' }] }), 'f')).toThrow(
      'f: failures[0].status: Expected one of violation, liveness, crash, got "oops"',
    );
    expect(() => readSummary(edited({ byClass: { clean: s.ran } }), 'f')).toThrow(
      'f: byClass.violation: Expected 1 (the failures whose status is violation), got none',
    );
    expect(() => readSummary(edited({ byClass: { ...s.byClass, bogus: 0 } }), 'f')).toThrow(
      'f: byClass.bogus: Expected a class a seed ends in (clean, violation, liveness, crash), got `bogus`',
    );
    expect(() => readSummary(edited({ byClass: { ...s.byClass, crash: 0 } }), 'f')).toThrow(
      'f: byClass.crash: Expected no entry for a class no seed ended in (a sweep writes none), got 0',
    );
    expect(() => readSummary(tallied({ earliestTick: 5.5 }), 'f')).toThrow(
      'f: byRule.isolation.dma.earliestTick: ',
    );
    // Nothing after the run's end (its duration is in the summary's identity: 1 us here).
    expect(() =>
      readSummary(
        edited({
          failures: [{ ...failure(9), tick: 2_000_000 }],
          byRule: { 'isolation.dma': { ...s.byRule['isolation.dma'], earliestTick: 2_000_000 } },
        }),
        'f',
      ),
    ).toThrow(
      "f: failures[0].tick: Expected at most 1000000 (sweep.params.durationTicks: no finding comes after the run's end), got 2000000",
    );
    // The same edits agreeing with each other read as they are.
    const liveness = edited({
      byClass: { clean: s.ran - 1, liveness: 1 },
      worstExitCode: 3,
      failures: [{ ...failure(9), status: 'liveness' }],
    });
    expect(readSummary(liveness, 'f').worstExitCode).toBe(3);
  });

  test('a long list is shown cut, its first and last runs and its size; the summary keeps it whole', () => {
    const long = `${Array.from({ length: 20_000 }, (_, i) => String(2 * i + 1)).join(',')},x`;
    const e = thrownBy(ConfigError, () => parseSeedRange(long));
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).toContain(
      'got `x` (in `1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39,41,43... (20001 items)`)',
    );
    // Two lists shown alike (cut) say where they differ.
    const a = parseSeedRange('1,3,5,7,9,11,13,15,17,19,21');
    const b = parseSeedRange('1,3,5,7,9,11,14,15,17,19,21');
    const shardOf = (seeds: SeedRange) => ({
      summary: shardSummary(1, 1, seeds, { shards: null }),
      where: 'x',
    });
    expect(() => mergeSummaries([shardOf(a), shardOf(b)])).toThrow(
      "x: Expected seeds 1,3,5,7,9,11,...,21 (11 seeds listed), got 1,3,5,7,9,11,...,21 (11 seeds listed): the list's seed 7 is 14, not 13",
    );
    const evens = parseSeedRange(Array.from({ length: 15_000 }, (_, i) => String(2 * i)).join(','));
    expect(evens.list).toHaveLength(15_000);
    expect(seedsText(evens)).toBe('0,2,4,6,8,10,...,29998 (15000 seeds listed)');
    expect(seedsText(parseSeedRange('1,3,5,7,9,11,13,15'))).toBe('1,3,5,7,9,11,13,15');
    expect(seedsText(parseSeedRange('1,3,5,7,9,11,13,15,17'))).toBe('1,3,5,7,9,11,...,17 (9 seeds listed)');
  });

  test("read summary: an identity the merge's header reads is checked field by field, never crashing the merge", () => {
    const good = shardSummary(1, 2, { first: 1, last: 9 });
    const withSweep = (over: Record<string, unknown>) =>
      JSON.stringify({ ...good, sweep: { ...good.sweep, ...over } });
    expect(() => readSummary(withSweep({ pctDepth: 0 }), 'f')).toThrow(
      'f: sweep.pctDepth: Expected an integer from 1 to 16, got 0',
    );
    expect(() => readSummary(withSweep({ pctDepth: 'x' }), 'f')).toThrow(
      'f: sweep.pctDepth: Expected an integer from 1 to 16, got the string "x"',
    );
    expect(() => readSummary(withSweep({ set: 5 }), 'f')).toThrow('f: sweep.set: Expected a list, got 5');
    expect(() => readSummary(withSweep({ set: [{ path: 3 }] }), 'f')).toThrow('f: sweep.set[0].path');
    expect(() => readSummary(withSweep({ bugs: 'none' }), 'f')).toThrow('f: sweep.bugs');
    expect(() => readSummary(withSweep({ npusim: undefined }), 'f')).toThrow(
      'f: sweep.npusim: Expected the version of npusim that ran the shard, got none',
    );
    expect(() => readSummary(withSweep({ npusim: '' }), 'f')).toThrow(
      'f: sweep.npusim: Expected a version such as 0.2.0, got ""',
    );
    // A control character of a hand edit is shown escaped, never raw (QA: a failure file's were).
    expect(() => readSummary(withSweep({ npusim: '0.2.0\u001b[2J\u009b' }), 'f')).toThrow(
      'f: sweep.npusim: Expected a version such as 0.2.0, got "0.2.0\\u001b[2J\\u009b"',
    );
    expect(() => readSummary(JSON.stringify({ ...good, 'z\u001b[2J': 1 }), 'f')).toThrow(
      /^f: z\\u001b\[2J: Expected only the fields a sweep writes \(.*\), got "z\\u001b\[2J"$/,
    );
    expect(
      readSummary(
        withSweep({ strategy: 'pct', pctDepth: 2, set: [{ path: 'gpu.dmaBytes', value: 512 }] }),
        'f',
      ).sweep,
    ).toMatchObject({
      pctDepth: 2,
    });
  });

  test("read summary: a PCT sweep's change points cannot contradict each other or the seeds it ran", () => {
    const good = shardSummary(1, 2, { first: 1, last: 9 });
    const example = { seed: 1, agents: 49, steps: 16589, bound: 1.2e-6 };
    const withPct = (changePoints: Record<string, number>) =>
      JSON.stringify({ ...good, pct: { example, changePoints } });
    expect(readSummary(withPct({ seeds: 1, planned: 2, fired: 2 }), 'f').pct?.changePoints.fired).toBe(2);
    expect(() => readSummary(withPct({ seeds: 1, planned: 2, fired: 5 }), 'f')).toThrow(
      'f: pct.changePoints.fired: Expected at most the change points planned (2), got 5',
    );
    expect(() => readSummary(withPct({ seeds: good.ran + 1, planned: 2, fired: 2 }), 'f')).toThrow(
      `f: pct.changePoints.seeds: Expected at most the seeds the summary ran (${good.ran}), got ${good.ran + 1}`,
    );
    expect(() => readSummary(withPct({ seeds: -1, planned: 2, fired: 2 }), 'f')).toThrow(
      'f: pct.changePoints.seeds: Expected an integer of at least 0, got -1',
    );
  });
});

describe('seeds', () => {
  test('seeds: a range and its shards, which cover it exactly once between them', () => {
    const r = parseSeedRange('5..14');
    expect(seedsOf(r)).toHaveLength(10);
    const union = [1, 2, 3].flatMap((k) => [...seedsOf(r, parseShard(`${k}/3`))]);
    expect(union.sort((a, b) => a - b)).toEqual([...seedsOf(r)]);
  });

  test.each(['0', '3', '42', ' 7 '])('seeds: one seed `%s` is the range of that seed alone', (text) => {
    const n = Number(text.trim());
    expect(parseSeedRange(text)).toEqual({ first: n, last: n });
  });

  test.each([
    '1-5',
    '5..1',
    'a..b',
    '1..',
    `1..${2 ** 60}`,
    '3..',
    'a',
    '-1',
    '3..1',
    '1e3',
    '..3',
    `${2 ** 60}`,
    '',
  ])('seeds: `%s` is refused naming --seeds', (text) => {
    expect(() => parseSeedRange(text)).toThrow(/--seeds/);
  });

  test('seeds: a list of seeds and ranges, in any order, runs ascending; its shards cover it exactly once', () => {
    const r = parseSeedRange('42,17,100..103, 5');
    expect(r).toEqual({ first: 5, last: 103, list: [5, 17, 42, 100, 101, 102, 103] });
    expect(seedsText(r)).toBe('5,17,42,100..103');
    expect(seedsText(parseSeedRange('3..9'))).toBe('3..9');
    expect(seedsOf(r)).toEqual(r.list);
    for (let count = 1; count <= 8; count++) {
      const shards = Array.from({ length: count }, (_, i) => [...seedsOf(r, { index: i + 1, count })]);
      expect(shards.flat().sort((a, b) => a - b)).toEqual(r.list);
      expect(shards.map((_, i) => seedsInShard(r, i + 1, count))).toEqual(
        shards.map((seeds) => seeds.length),
      );
    }
    expect(seedsOf(r, { index: 2, count: 3 })).toEqual([17, 101]);
  });

  test.each([
    ['1,1', 'Expected each seed once, got seed 1 in `1` twice (in `1,1`)'],
    ['1..5,3', 'Expected each seed once, got seed 3 in both `1..5` and `3` (in `1..5,3`)'],
    ['1..60000,1..60000', 'Expected each seed once, got seed 1 in `1..60000` twice (in `1..60000,1..60000`)'],
    [
      '1,,2',
      'Expected a range of seeds such as `1..1000`, one seed such as `7`, or a list of them such as `7,12,20..29`, got an empty item (two commas together, or one at an end) (in `1,,2`)',
    ],
    ['1,', 'got an empty item (two commas together, or one at an end) (in `1,`)'],
    ['1,-2', 'got `-2` (in `1,-2`): negative seeds are not allowed'],
    ['1,5..2', 'Expected the first seed at most the last, got `5..2` (in `1,5..2`)'],
    [
      `1,${2 ** 60}`,
      `Expected seeds from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got \`${2 ** 60}\` (in \`1,${2 ** 60}\`)`,
    ],
    [
      '0..10000000,20000000',
      'Expected at most 100000 seeds in a list, got 10000001 in `0..10000000` (in `0..10000000,20000000`)',
    ],
    [
      '1..100000,100001',
      'Expected at most 100000 seeds in a list (a single range `A..B` takes up to 10000000), got 100001',
    ],
  ])('seeds: the list `%s` is refused, saying why', (text, message) => {
    expect(() => parseSeedRange(text)).toThrow(message);
    expect(() => parseSeedRange(text)).toThrow(/^--seeds: /);
  });

  test.each(['0/3', '4/3', '1/0', '1-3', 'x'])('shard: `%s` is refused naming --shard', (text) => {
    expect(() => parseShard(text)).toThrow(/--shard/);
  });
});

test('a seed on which an actor crashed is said as it comes back, naming the actor, the tick, the message and its failure file (QA: only the file named the actor)', async () => {
  const dir = testTempDir('npusim-sweep-crash-');
  const notes: string[] = [];
  const summary = await runSweep({
    config: { ...config, bugs: [], crashAt: { actor: 'gpu2', event: 50 } },
    workload: w,
    seeds: { first: 1, last: 2 },
    jobs: 1,
    failuresDir: dir,
    onNote: (line) => notes.push(line),
  });
  expect(summary.byClass.crash).toBe(2);
  const crashes = notes.filter((n) => n.includes(' crashed at '));
  expect(crashes).toHaveLength(2);
  for (const f of summary.failures) {
    expect(crashes).toContain(
      `seed ${f.seed}: gpu2 crashed at ${formatTime(f.tick)}: injected crash (--crash-at gpu2:50) (failure file ${f.file})`,
    );
  }
});
