/**
 * Shrinking (issue 10): a shrunk failure still fails with the same rule, replays exactly, is no
 * larger than the original on every measure, and the same file always shrinks to the same result.
 * PCT failures replay exactly too.
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  choiceChanges,
  shrinkHeadline,
  shrinkOpening,
  shrinkReproduced,
  switchesText,
} from '../../src/cli/shrink-command.js';
import { shellWord } from '../../src/core/shell-word.js';
import * as machine from '../../src/model/actors/machine.js';
import { decodeChoices, encodeChoices } from '../../src/model/choice/choice-log.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { assembleResult } from '../../src/report/assemble-result.js';
import { formatTime } from '../../src/report/duration.js';
import type { FailureFile, FirstFinding } from '../../src/repro/failure-file.js';
import { readFailureFile } from '../../src/repro/failure-file-read.js';
import { replayFailure } from '../../src/repro/replay.js';
import { hostChange, scenarioChanges } from '../../src/repro/scenario-changes.js';
import { scenarioPasses } from '../../src/repro/scenario-passes.js';
import { type LivenessFinding, type ShrinkProgress, shrinkFailure } from '../../src/repro/shrink.js';
import { DEFAULT_SHRINK_BUDGET } from '../../src/repro/shrink-budget.js';
import { stuckAtLiveness } from '../../src/repro/stuck-shootdown.js';
import { runRaw } from '../../src/runtime/engine.js';
import { runSeed } from '../../src/sweep/run-seed.js';
import { workloads } from '../../workloads/index.js';
import { cli } from '../cli/cli-harness.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';

const registry = new Map(workloads.map((w) => [w.name, w]));

/**
 * Seed-1 failure files, each found once for every test that asks for it (the run is the same
 * every time); every caller gets a copy of its own.
 */
const found = new Map<string, Promise<FailureFile>>();
async function once(key: string, find: () => Promise<FailureFile>): Promise<FailureFile> {
  let file = found.get(key);
  if (file === undefined) {
    file = find();
    found.set(key, file);
  }
  return structuredClone(await file);
}

async function failure(
  name: string,
  bug: Parameters<typeof runSeed>[0]['config']['bugs'][number],
  stopOnFirst = true,
) {
  const w = registry.get(name)!;
  const file = await once(`${name} ${bug} ${stopOnFirst}`, async () => {
    const o = await runSeed({
      config: { workload: name, seed: 1, bugs: [bug], params: w.params, stopOnFirst },
      workload: w,
      seed: 1,
    });
    return o.failure!;
  });
  return { w, file };
}

describe('shrink', () => {
  test('shrink: the result fails with the same rule, replays exactly, is no larger on any measure and a tenth of the events, and is the same every time', async () => {
    const { w, file } = await failure('flush-race', 'single-flush');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const a = await shrinkFailure(file, config, w, { budget: 150 });
    expect(a.file.first?.rule).toBe(file.first?.rule);
    for (const k of ['events', 'simulatedTicks', 'actors', 'deviations'] as const) {
      expect(a.after[k]).toBeLessThanOrEqual(a.before[k]);
    }
    expect(a.after.events * 10).toBeLessThanOrEqual(a.before.events);
    const replay = await replayFailure(JSON.stringify(a.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
    expect(replay.history.length).toBeGreaterThan(0);
    expect(replay.history.length).toBeLessThanOrEqual(40);
    const b = await shrinkFailure(file, config, w, { budget: 150 });
    expect(b.file).toEqual({ ...a.file, npusim: b.file.npusim });
    expect(b.after).toEqual(a.after);
  });

  test("shrink: the result is marked with the run it came from, its runs and how it ended, also where it kept the seed's strategy; a file shrunk again keeps the first run; nothing kept, no mark", async () => {
    const { w, file } = await failure('flush-race', 'single-flush');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const from = {
      digest: file.digest,
      events: file.figures.events,
      simulatedTicks: file.figures.simulatedTicks,
    };
    // A budget that runs out in the scenario passes: the seed's strategy, and the mark.
    const short = await shrinkFailure(file, config, w, { budget: 4 });
    expect(short.kept).toBeGreaterThan(0);
    expect(short.file.strategy).toEqual({ kind: 'random' });
    expect(short.file.shrink).toEqual({ from, runs: short.runs, ended: 'budget' });
    // Shrunk again, to the end: the first run kept, the runs of both shrinks.
    const again = readFailureFile(JSON.stringify(short.file), 's.json', registry);
    const whole = await shrinkFailure(short.file, again.config, w, { budget: 400 });
    expect(whole.file.shrink).toEqual({ from, runs: short.runs + whole.runs, ended: 'done' });
    // The original's run alone: nothing reduced, so nothing marked.
    const none = await shrinkFailure(file, config, w, { budget: 1 });
    expect(none.kept).toBe(0);
    expect(none.file.shrink).toBeUndefined();
  });

  test('shrink: each progress report gives the best after that run, so the last agrees with the result', async () => {
    const { w, file } = await failure('flush-race', 'single-flush');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const reports: { runs: number; best: unknown }[] = [];
    const outcome = await shrinkFailure(file, config, w, {
      budget: 20,
      onProgress: (p) => reports.push({ runs: p.runs, best: { ...p.best } }),
    });
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)).toEqual({ runs: outcome.runs, best: outcome.after });
    // The shrink did improve within those runs, so a report made before its run was judged would differ.
    expect(outcome.after.events).toBeLessThan(outcome.before.events);
  });

  test('shrink: a failure found under PCT replays exactly on both hosts', async () => {
    const dir = testTempDir('npusim-pct-');
    const r = await cli([
      'run',
      'flush-race',
      '--bug',
      'single-flush',
      '--seed',
      '2',
      '--inline',
      '--stop-on-first',
      '--strategy',
      'pct',
      '--pct-depth',
      '2',
      '--failures',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/strategy pct depth 2: n = \d+ agents, k = \d+ scheduling steps/);
    const text = readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8');
    expect(JSON.parse(text).strategy.kind).toBe('pct');
    for (const host of ['inline', 'threaded'] as const) {
      expect((await replayFailure(text, 'pct.json', registry, host, 4)).mismatches).toEqual([]);
    }
  });

  test.each([
    [['run', '--strategy', 'pct', '--pct-depth', '0'], /--pct-depth: Expected a depth from 1 to 16/],
    [['run', '--strategy', 'dfs'], /--strategy: Expected random or pct, got `dfs`/],
    [['run', '--pct-depth', '3'], /--pct-depth: Expected --strategy pct/],
    [['shrink', 'x.json', '--budget', '0'], /--budget/],
  ])('bad option %j exits 2 naming it', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('shrink from the command line: --out the file itself is refused; the last progress word agrees with the result', async () => {
    const dir = testTempDir('npusim-shrink-');
    const { writeFileSync } = await import('node:fs');
    const { file } = await failure('flush-race', 'single-flush');
    const path = join(dir, 'f.json');
    const original = `${JSON.stringify(file)}\n`;
    writeFileSync(path, original);
    for (const out of [path, join(dir, '.', 'f.json')]) {
      const same = await cli(['shrink', path, '--out', out, '--budget', '5']);
      expect(same.code).toBe(2);
      expect(same.stderr).toMatch(/--out: Expected a file other than the one being shrunk/);
    }
    expect(readFileSync(path, 'utf8')).toBe(original);

    // Budget 1 runs only the original: nothing reduced is said, not a table of equal columns.
    const one = await cli(['shrink', path, '--out', join(dir, 'one.json'), '--budget', '1']);
    expect(one.code).toBe(0);
    expect(one.stderr).toContain('budget 1 run\n');
    expect(one.stderr).toContain(
      'npusim: shrink budget of 1 run used up (the result may shrink further); best ',
    );
    // The header wraps where it passes 100 columns (a temporary directory's path is long).
    expect(one.stdout).toMatch(/,\s+1 run,\s+budget used up\s+\(it may shrink further\)\n/);
    expect(one.stdout).toMatch(/nothing was reduced: no candidates after the original's run, none kept/);
    expect(one.stdout).not.toContain('before');
    expect(one.stdout).toContain(
      `shrink it with a larger budget: npusim shrink ${path} --budget ${DEFAULT_SHRINK_BUDGET}`,
    );
    // A budget that ran out mid-pass says so, and how to go on: not "done".
    const cut = await cli(['shrink', path, '--out', join(dir, 'cut.json'), '--budget', '8']);
    expect(cut.code).toBe(0);
    // The pass that ran out, and the run held back for the result's cut, which the last progress
    // line names (QA: it named one pass, the closing line another, and neither said why).
    const closing = unwrapped(cut.stderr, 8).trim().split('\n');
    expect(closing.at(-1)).toMatch(
      /^npusim: shrink budget of 8 runs used up in scenario: [a-zA-Z ]+, its last run the result's cut \(scenario: end at the first finding\) \(the result may shrink further\); best /,
    );
    expect(closing.at(-2)).toMatch(/^npusim: shrink 8\/8 runs, scenario: end at the first finding; best /);
    expect(cut.stdout).toMatch(/,\s+8 runs,\s+budget used up \(it may shrink further\)\n +before +after\n/);
    expect(cut.stdout).toContain(`shrink it further with:\nnpusim shrink ${join(dir, 'cut.json')}\n`);
    // Progress lines are printed at most once a second; the last line always says where it ended.
    const r = await cli(['shrink', path, '--out', join(dir, 's.json'), '--budget', '400']);
    expect(r.code).toBe(0);
    const [, runs, events] = r.stdout.match(/,\s+(\d+) runs\n[\s\S]* {2}events +\d+ +(\d+)/)!;
    expect(unwrapped(r.stderr, 8).trim().split('\n').at(-1)).toMatch(
      new RegExp(`^npusim: shrink done after ${runs} runs; best ${events} events, `),
    );
    expect(r.stdout).not.toContain('budget used up');
    expect(r.stdout).not.toContain('shrink it further');
    // The scenario block names each parameter the shrink changed, old -> new.
    expect(r.stdout).toMatch(
      /\n {2}scenario:\n( {4}.+ -> .+\n)*? {4}topology witherspoon-6 -> witherspoon-4\n/,
    );
    expect(r.stdout).toContain('\n    strategy random -> replay (a recorded choice log)\n');
  });

  test('shrink: a path with a space stays whole on its line, however the header and the opening wrap (a copied path must work)', async () => {
    const { mkdirSync } = await import('node:fs');
    const dir = join(testTempDir('npusim-shrink-'), 'my failures');
    mkdirSync(dir);
    const { file } = await failure('flush-race', 'single-flush');
    // Long enough that neither the header nor the opening fits 100 columns on one line.
    const path = join(dir, `${'flush-race-seed1-copied-from-the-nightly-run'.padEnd(70, '-x')}.json`);
    writeFileSync(path, `${JSON.stringify(file)}\n`);
    const r = await cli(['shrink', path, '--out', join(dir, 'one.json'), '--budget', '1']);
    expect(r.code, r.stderr).toBe(0);
    // Before, `npusim shrink '/tmp/.../my` ended a line and `failures/...json':` began the next.
    const header = r.stdout.slice(0, r.stdout.indexOf('  nothing was reduced')).split('\n');
    expect(header.some((l) => l.includes(`${shellWord(path)}:`))).toBe(true);
    const opening = r.stderr.slice(0, r.stderr.indexOf('npusim: shrink budget')).split('\n');
    expect(opening.some((l) => l.includes(`${path}:`))).toBe(true);
    // The rest still wraps under its text.
    const lines = header.slice(0, -1);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {14}\S/);
    expect(lines.map((l) => l.trim()).join(' ')).toMatch(
      /, 1 run, budget used up \(it may shrink further\)$/,
    );
    expect(opening.at(-2)).toMatch(/^ {8}\S.*budget 1 run$/);
  });

  test('shrink: a file whose run no longer fails is refused with exit 2 (nothing to shrink)', async () => {
    const dir = testTempDir('npusim-shrink-');
    const { file } = await failure('tce-storm', 'unpin-before-kill');
    // Without its configDigest (a file from before 0.8.0 has none), the run is made and fails nothing.
    const clean = { ...file, options: { ...file.options, bugs: [] }, configDigest: undefined };
    const path = join(dir, 'clean.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, JSON.stringify(clean));
    const r = await cli(['shrink', path, '--budget', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Expected the failure to reproduce before shrinking/);
    // With it, the edit is said before any run, as replay says it (QA: the run came first, then
    // only `Expected the failure to reproduce`).
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...file, options: { ...file.options, bugs: [] } }));
    const e = await cli(['shrink', edited, '--budget', '5']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(
      `Expected the configuration the run wrote (configDigest ${file.configDigest}), got one of digest `,
    );
    expect(e.stderr).toContain('the file was edited (its seed, bug switches or parameters)');
    // Refused before the opening line, which would say a shrink began (QA).
    expect(e.stderr).not.toContain('npusim: shrinking');
  });
});

test('scenarioChanges: one line per changed parameter, lists of objects entry by entry', () => {
  const w = registry.get('flush-race')!;
  const before: RunConfig = {
    workload: w.name,
    seed: 1,
    bugs: [],
    params: w.params,
    strategy: { kind: 'random' },
  };
  const t0 = w.params.tenants[0]!;
  const after: RunConfig = {
    ...before,
    params: {
      ...w.params,
      topology: 'witherspoon-4',
      tenants: [{ ...t0, groups: [0], pagesPerProcess: 1 }, ...w.params.tenants.slice(1)],
    },
    stopOnFirst: true,
    strategy: { kind: 'replay', choices: [] },
  };
  expect(scenarioChanges(before, after)).toEqual([
    'topology witherspoon-6 -> witherspoon-4',
    `tenants[0].groups ${JSON.stringify(t0.groups).replace(/^"|"$/g, '')} -> [0]`,
    `tenants[0].pagesPerProcess ${t0.pagesPerProcess} -> 1`,
    'stopOnFirst false -> true',
    'strategy random -> replay (a recorded choice log)',
  ]);
  expect(scenarioChanges(before, before)).toEqual([]);
});

test('scenarioChanges: a list of named entries that shrank names them, then what changed in each kept one (QA Q34)', () => {
  const w = registry.get('context-churn')!;
  const before: RunConfig = { workload: w.name, seed: 1, bugs: [], params: w.params };
  const [t0, t1] = w.params.tenants;
  const after: RunConfig = {
    ...before,
    params: { ...w.params, tenants: [{ ...t1!, pagesPerProcess: 1 }] },
  };
  expect(scenarioChanges(before, after)).toEqual([
    `tenants [${t0!.name}, ${t1!.name}] -> [${t1!.name}]`,
    `tenants[0].pagesPerProcess ${t1!.pagesPerProcess} -> 1`,
  ]);
});

/** atsd-deadlock's Feb 2018 deadlock, seed 1, found by a 30 us deadline in a 200 us run. */
async function deadlockFailure() {
  const w = registry.get('atsd-deadlock')!;
  const params = {
    ...w.params,
    durationTicks: 200_000_000,
    host: { ...w.params.host, shootdownDeadlineTicks: 30_000_000 },
  };
  const file = await once('atsd-deadlock 30 us deadline in 200 us', async () => {
    const o = await runSeed({
      config: { workload: w.name, seed: 1, bugs: ['release-between-flushes'], params },
      workload: w,
      seed: 1,
    });
    return o.failure!;
  });
  return { w, file };
}

/**
 * atsd-hang seed 1 (stopped at its hang) shrunk with a budget of 30: one shrink for the two tests
 * that look at it (a shrink of one file and budget gives the same outcome every time, tested
 * above), read only.
 */
let hangShrunk: ReturnType<typeof shrinkFailure> | undefined;
/** The best each progress report of atsdHangShrunkIn30 gave, in order. */
const hangProgress: ShrinkProgress['best'][] = [];

function atsdHangShrunkIn30(): ReturnType<typeof shrinkFailure> {
  hangShrunk ??= (async () => {
    const { w, file } = await failure('atsd-hang', 'atsd-no-valid-bdf');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    return shrinkFailure(file, config, w, { budget: 30, onProgress: (p) => hangProgress.push(p.best) });
  })();
  return hangShrunk;
}

describe('shrink: what must still fail, and a stop', () => {
  test('a liveness failure (its first finding a violation) shrinks to a liveness failure, never to the violation alone', async () => {
    const { w, file } = await deadlockFailure();
    expect(file.exit.class).toBe('liveness');
    // Its first finding is the violation the deadlock starts from: cut there, no deadlock is left.
    expect(file.first?.rule).toBe('order.atsd-released-early');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const passes: string[] = [];
    const started: (LivenessFinding | undefined)[] = [];
    const shrunk = await shrinkFailure(file, config, w, {
      budget: 12,
      onProgress: (p) => passes.push(p.pass),
      onStart: (live) => started.push(live),
    });
    expect(shrunk.after.events).toBeLessThan(shrunk.before.events);
    expect(shrunk.file.exit.class).toBe('liveness');
    expect(shrunk.file.options.stopOnFirst).not.toBe(true);
    // Never "stop at the first finding" (a violation here): the run is cut at its liveness
    // failure instead, which the outcome names before and after.
    expect(passes).not.toContain('stop at the first finding');
    expect(passes[0]).toBe('end at the liveness failure');
    expect(shrunk.liveness?.before.rule).toBe('liveness.shootdown');
    expect(shrunk.liveness?.after.rule).toBe('liveness.shootdown');
    // The result's header names the liveness failure kept, the first finding beside it (QA: it
    // named the violation alone); a shrink of any other failure names its first finding.
    expect(shrinkHeadline('f.json', file.first!, shrunk.liveness)).toBe(
      'npusim shrink f.json: liveness.shootdown (liveness failure, exit 3; first finding order.atsd-released-early)',
    );
    expect(shrinkHeadline('f.json', file.first!, undefined)).toBe(
      'npusim shrink f.json: order.atsd-released-early',
    );
    // The switches inside the same brackets, not a second pair beside them (QA).
    expect(shrinkHeadline('f.json', file.first!, shrunk.liveness, ' (bugs: release-between-flushes)')).toBe(
      'npusim shrink f.json: liveness.shootdown (liveness failure, exit 3; first finding order.atsd-released-early; bugs: release-between-flushes)',
    );
    // The opening line comes before the original's run (which may be long) and says a liveness
    // failure is kept; the liveness finding the original's run hands onStart, before any
    // candidate, is said next (QA: the opening waited for that run, and named the violation).
    expect(started).toEqual([shrunk.liveness!.before]);
    expect(shrinkOpening('f.json', file.first!, true, 12)).toBe(
      `npusim: shrinking f.json: a liveness failure (exit 3: every candidate must still end as one; first finding order.atsd-released-early at ${formatTime(file.first!.tick)}), budget 12 runs; running the original to find its liveness rule`,
    );
    expect(shrinkReproduced(file.first!, started[0]!)).toBe(
      `npusim: shrink: the original reproduces, ending in liveness.shootdown at ${formatTime(started[0]!.tick)} (first finding order.atsd-released-early at ${formatTime(file.first!.tick)}): every candidate must still end in it`,
    );
    expect(shrinkOpening('f.json', file.first!, false, 1)).toBe(
      `npusim: shrinking f.json: order.atsd-released-early at ${formatTime(file.first!.tick)}, budget 1 run`,
    );
    // From the command: the opening is stderr's first line, before the original's run; the
    // reproduce line follows it (budget 1: the original's run alone).
    const dir = testTempDir('npusim-shrink-live-');
    const path = join(dir, 'f.json');
    writeFileSync(path, JSON.stringify(file));
    const openingSeen: string[] = [];
    const r = await cli(['shrink', path, '--budget', '1', '--out', join(dir, 'out.json')], (soFar) => {
      if (openingSeen.length === 0) openingSeen.push(soFar);
    });
    expect(r.code, r.stderr).toBe(0);
    // The opening names the bug switch the failure ran with (QA65 F6).
    const opening = shrinkOpening(path, file.first!, true, 1, ' (bugs: release-between-flushes)');
    // Wrapped under its text past 100 columns (a temporary directory's path is long).
    expect(unwrapped(openingSeen[0]!, 'npusim: '.length)).toBe(`${opening}\n`);
    const lines = unwrapped(r.stderr, 'npusim: '.length).split('\n');
    expect(lines[0]).toBe(opening);
    expect(lines[1]).toBe(shrinkReproduced(file.first!, started[0]!));
    expect(shrunk.after.simulatedTicks).toBeLessThan(shrunk.before.simulatedTicks);
    expect(shrunk.after.simulatedTicks).toBeGreaterThan(shrunk.liveness!.after.tick);
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
    expect(replay.result?.exitCode).toBe(3);
  });

  test('a deadlock shrinks to a deadlock: its deadline is shortened while the shootdowns still wait in a cycle, and no further', async () => {
    const { w, file } = await deadlockFailure();
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const before = await shrinkFailure(file, config, w, { budget: 1 });
    expect(before.liveness?.before.message).toContain('; deadlock cycle: ');
    const passes: string[] = [];
    const shrunk = await shrinkFailure(file, config, w, {
      budget: 80,
      onProgress: (p) => passes.push(p.pass),
    });
    expect(passes).toContain('a shorter shootdown deadline');
    const deadline = shrunk.config.params.host.shootdownDeadlineTicks;
    expect(deadline).toBeLessThan(30_000_000);
    // Every candidate kept is a deadlock, the result's too: a deadline shorter than the time the
    // cycle takes to form would find a shootdown merely waiting (no cycle), which is refused.
    expect(shrunk.liveness?.after.rule).toBe('liveness.shootdown');
    expect(shrunk.liveness?.after.message).toContain('; deadlock cycle: ');
    expect(shrunk.liveness?.after.message).toContain(`to complete within ${formatTime(deadline)}`);
    expect(shrunk.after.simulatedTicks).toBeLessThan(shrunk.before.simulatedTicks);
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
    expect(replay.result?.exitCode).toBe(3);
  });

  test('a liveness shrink whose budget runs out inside a pass still ends its run at the liveness failure (one run held back for it)', async () => {
    const { w, file } = await deadlockFailure();
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    // A budget that ran out in a choice pass after a round had moved the failure earlier.
    const budget = 40;
    const passes: string[] = [];
    const shrunk = await shrinkFailure(file, config, w, { budget, onProgress: (p) => passes.push(p.pass) });
    expect(shrunk.budgetUsedUp).toBe(true);
    expect(shrunk.runs).toBeLessThanOrEqual(budget);
    // The budget is said to have run out in a pass, not in the cut that followed it.
    expect(shrunk.lastPass).not.toBe('scenario: end at the liveness failure');
    expect(passes).toContain('end at the liveness failure');
    expect(shrunk.after.simulatedTicks).toBe(shrunk.liveness!.after.tick + 1);
    expect(shrunk.config.params.durationTicks).toBe(shrunk.liveness!.after.tick + 1);
  });

  test('a shrink whose budget runs out inside a pass still ends its run where it stops (one run held back for the cut)', async () => {
    const { w, file } = await failure('flush-race', 'single-flush');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const budget = 20;
    const passes: string[] = [];
    const shrunk = await shrinkFailure(file, config, w, { budget, onProgress: (p) => passes.push(p.pass) });
    expect(shrunk.budgetUsedUp).toBe(true);
    expect(shrunk.runs).toBeLessThanOrEqual(budget);
    expect(shrunk.lastPass).not.toBe('scenario: end at the first finding');
    expect(passes.at(-1)).toBe('end at the first finding');
    // Before, the result kept the workload's 800 us while its run stopped at its finding.
    expect(shrunk.config.params.durationTicks).toBe(shrunk.after.simulatedTicks);
  });

  test('a liveness shrink of a run stopped at its liveness failure, whose budget runs out inside a pass, ends its duration where it stops', async () => {
    // atsd-hang's first finding is its hang, so the run stops there (stopOnFirst) whatever its
    // duration: the held-back cut to the liveness failure ties the best on every measure, and was
    // refused, leaving the result saying 300 us while it stops at 125 us (QA Q51, --budget 30).
    const shrunk = await atsdHangShrunkIn30();
    expect(shrunk.budgetUsedUp).toBe(true);
    expect(shrunk.config.stopOnFirst).toBe(true);
    expect(shrunk.lastPass).not.toBe('scenario: end at the liveness failure');
    expect(shrunk.config.params.durationTicks).toBe(shrunk.after.simulatedTicks);
    expect(shrunk.config.params.durationTicks).toBe(shrunk.liveness!.after.tick + 1);
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
    expect(stuckAtLiveness(replay.result!)).toBe('hung register');
  });

  test('a run stopped at its first finding shrinks as far as its whole run: a candidate may find it later than the stop, up to the duration; the result is no larger than the original', async () => {
    // tce-storm seed 1 stops at 2.65 us. Held to that time, every smaller scenario that found the
    // failure a little later was refused: 133 events at this budget (QA Q51: 99 at 1000 runs,
    // where the whole run's file shrinks to 25).
    const { w, file } = await failure('tce-storm', 'tce-kill-no-advance');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const shrunk = await shrinkFailure(file, config, w, { budget: 150 });
    expect(shrunk.after.events).toBeLessThanOrEqual(40);
    for (const k of ['events', 'simulatedTicks', 'actors', 'deviations'] as const) {
      expect(shrunk.after[k]).toBeLessThanOrEqual(shrunk.before[k]);
    }
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
  });

  test('a shrink whose best ends longer than the original in simulated time returns the latest kept that is not', async () => {
    // atsd-hang seed 1, stopped at its hang (102.6 us): at 30 runs the best candidate finds it at
    // 125 us, past the original.
    const shrunk = await atsdHangShrunkIn30();
    expect(shrunk.kept).toBeGreaterThan(0);
    for (const k of ['events', 'simulatedTicks', 'actors', 'deviations'] as const) {
      expect(shrunk.after[k]).toBeLessThanOrEqual(shrunk.before[k]);
    }
    expect(shrunk.config.params.durationTicks).toBe(shrunk.after.simulatedTicks);
    // Its progress reported what it would return, never the candidate past the original (QA: a
    // tce-storm shrink said `best 20 events, 3.201 us` of a 2.65 us run, then ended at 33 events).
    expect(hangProgress.length).toBeGreaterThan(0);
    for (const best of hangProgress)
      for (const k of ['events', 'simulatedTicks', 'actors', 'deviations'] as const)
        expect(best[k]).toBeLessThanOrEqual(shrunk.before[k]);
    expect(hangProgress.at(-1)).toEqual(shrunk.after);
  });

  test('scenario passes: a shorter shootdown deadline is offered for a deadlock only, the run shortened by as much', () => {
    const p = registry.get('atsd-deadlock')!.params;
    expect(scenarioPasses(false).map(([name]) => name)).not.toContain('a shorter shootdown deadline');
    const pass = scenarioPasses(true).at(-1)!;
    expect(pass[0]).toBe('a shorter shootdown deadline');
    const d = p.host.shootdownDeadlineTicks;
    const [next] = pass[1](p);
    expect(next?.host.shootdownDeadlineTicks).toBe(Math.floor(d / 2));
    expect(next?.durationTicks).toBe(p.durationTicks - (d - Math.floor(d / 2)));
    // Nothing to offer once the run would have no time left.
    expect(pass[1]({ ...p, durationTicks: d - Math.floor(d / 2) })).toEqual([]);
  });

  test('a hang found a little later with slower DMA still shrinks: an interval pass tries 2, 4, 8, ... times the interval, the first that still fails kept', async () => {
    // atsd-hang's hang came at 102.6 us, at 105.3 us with DMA half as often (longer than the
    // original: refused) and at 101.3 us with a fifth as often; one doubling a try kept nothing.
    // The whole run (no stop at the first finding), whose measures bound the result as they bound
    // every candidate.
    const { w, file } = await failure('atsd-hang', 'atsd-no-valid-bdf', false);
    expect(file.exit.class).toBe('liveness');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const shrunk = await shrinkFailure(file, config, w, { budget: 30 });
    expect(shrunk.after.events).toBeLessThan(shrunk.before.events / 10);
    expect(shrunk.config.params.gpu.issueIntervalTicks).toBeGreaterThan(2 * w.params.gpu.issueIntervalTicks);
    expect(shrunk.after.simulatedTicks).toBeLessThanOrEqual(shrunk.before.simulatedTicks);
    expect(shrunk.liveness?.after.rule).toBe('liveness.shootdown');
  });

  test('a hang on a register whose STAT never clears gets a shorter deadline too, and stays that hang', async () => {
    // Before the hung register was recognised as a shootdown that can never complete, this shrink
    // kept the workload's whole 100 us deadline: 1132 events at the default budget, used up.
    const { w, file } = await failure('atsd-hang', 'atsd-no-valid-bdf');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const shrunk = await shrinkFailure(file, config, w, { budget: DEFAULT_SHRINK_BUDGET });
    expect(shrunk.budgetUsedUp).toBe(false);
    expect(shrunk.config.params.host.shootdownDeadlineTicks * 10).toBeLessThan(
      w.params.host.shootdownDeadlineTicks,
    );
    expect(shrunk.after.events).toBeLessThanOrEqual(40);
    expect(shrunk.liveness?.after.rule).toBe('liveness.shootdown');
    expect(shrunk.liveness?.after.message).toMatch(/waits for STAT on npu\d+\.reg\d+$/);
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
    expect(stuckAtLiveness(replay.result!)).toBe('hung register');
  });

  test('scenario passes: an interval is offered 2, 4, 8, ... times as long, up to its ceiling, and nothing past it', () => {
    const p = registry.get('stress')!.params;
    const slower = scenarioPasses().find(([name]) => name === 'slower DMA')!;
    const at = (v: number) =>
      slower[1]({ ...p, gpu: { ...p.gpu, issueIntervalTicks: v } }).map((q) => q.gpu.issueIntervalTicks);
    expect(at(10_000_000)).toEqual([20_000_000, 40_000_000, 50_000_000]);
    expect(at(25_000_000)).toEqual([50_000_000]);
    expect(at(50_000_000)).toEqual([]);
    expect(at(1_000_000)).toHaveLength(6);
  });

  test('shrink of a file with a choice log: no candidate on a machine of other actors is kept, so the file it writes has one list per actor and replays', async () => {
    const { w, file: seeded } = await failure('flush-race', 'single-flush');
    const { config: c } = readFailureFile(JSON.stringify(seeded), 'f.json', registry);
    const recorded = await runRaw(c, { host: 'inline', recordChoices: true });
    const replayed: RunConfig = { ...c, strategy: { kind: 'replay', choices: recorded.choices! } };
    const result = assembleResult(
      replayed,
      machine.planMachine(replayed),
      await runRaw(replayed, { host: 'inline' }),
    );
    // Made by hand: no configDigest (that of the seeded run's configuration would call it edited).
    const file: FailureFile = {
      ...seeded,
      strategy: { kind: 'replay', choices: recorded.choices!.map((a) => encodeChoices(a)) },
      digest: result.digest,
      configDigest: undefined,
    };
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    // Budget 4: the smaller topology is the third run; the choices (re-recorded on the machine
    // kept) would come after the budget. witherspoon-4 with the log of witherspoon-6's 9 actors
    // was kept, and the file it wrote was refused by replay (7 lists expected).
    const shrunk = await shrinkFailure(file, config, w, { budget: 4 });
    expect(shrunk.file.topology.name).toBe('witherspoon-6');
    expect(shrunk.file.strategy).toMatchObject({ kind: 'replay', choices: { length: 9 } });
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
  });

  test('shrink: a budget of 2 keeps the run stopped at its first finding, its duration cut there in the same run, and it replays (QA: it reduced nothing)', async () => {
    const { w, file } = await failure('flush-race', 'single-flush', false);
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const shrunk = await shrinkFailure(file, config, w, { budget: 2 });
    expect(shrunk.runs).toBe(2);
    expect(shrunk.kept).toBe(1);
    expect(shrunk.after.events).toBeLessThan(shrunk.before.events);
    expect(shrunk.file.options.stopOnFirst).toBe(true);
    expect((shrunk.file.workload.params as { durationTicks: number }).durationTicks).toBe(
      shrunk.file.first!.tick + 1,
    );
    const replay = await replayFailure(JSON.stringify(shrunk.file), 'shrunk.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
  });

  test('shouldStop ends the shrink before its next candidate, with the best so far as a failure file that replays', async () => {
    const { w, file } = await failure('flush-race', 'single-flush');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    let polls = 0;
    const outcome = await shrinkFailure(file, config, w, { budget: 150, shouldStop: () => ++polls > 4 });
    expect(outcome.stopped).toBe(true);
    // The original's run, then the candidates started before the fifth poll said stop.
    expect(outcome.runs).toBeLessThanOrEqual(5);
    const replay = await replayFailure(JSON.stringify(outcome.file), 'stopped.json', registry, 'inline');
    expect(replay.mismatches).toEqual([]);
    const whole = await shrinkFailure(file, config, w, { budget: outcome.runs });
    expect(whole.stopped).toBe(false);
  });

  test('Ctrl-C during `npusim shrink`: the best so far is written, the summary says it stopped, exit 130', async () => {
    const { file } = await failure('flush-race', 'single-flush');
    const dir = testTempDir('npusim-shrink-stop-');
    const path = join(dir, 'f.json');
    writeFileSync(path, JSON.stringify(file));
    const out = join(dir, 'out.json');
    let sent = false;
    const r = await cli(['shrink', path, '--out', out], (soFar) => {
      if (!sent && soFar.includes('npusim: shrinking')) {
        sent = true;
        process.emit('SIGINT', 'SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.stderr).toContain('npusim: stopping (Ctrl-C again to quit at once)');
    expect(r.stderr).toMatch(/npusim: shrink stopped after 1 run;/);
    expect(r.stdout).toContain('1 run (stopped: the best so far)');
    expect(r.code).toBe(130);
    const written = JSON.parse(readFileSync(out, 'utf8')) as typeof file;
    expect(written.first?.rule).toBe(file.first?.rule);
    const replayed = await cli(['replay', out]);
    expect(replayed.code).toBe(1);
  });
});

test("hostChange: a threaded failure's shrunk file is inline, and the scenario block says so (QA65 F5)", () => {
  expect(hostChange({ host: 'threaded', workers: '2' }, { host: 'inline' })).toEqual([
    'host threaded (--workers 2) -> inline',
  ]);
  expect(hostChange({ host: 'threaded' }, { host: 'inline' })).toEqual([
    'host threaded (--workers per-actor) -> inline',
  ]);
  expect(hostChange({ host: 'inline' }, { host: 'inline' })).toEqual([]);
});

test('the shrink opening and headline name the bug switches and a profile not the default (QA65 F6)', () => {
  const first: FirstFinding = {
    rule: 'translation.stale-tce',
    tick: 5_000_000,
    actors: [],
    addresses: [],
    message: 'm',
  };
  const switches = switchesText({ bugs: ['tce-kill-no-advance'], profile: 'fixed' });
  expect(switches).toBe(' (bugs: tce-kill-no-advance)');
  expect(switchesText({ bugs: [], profile: 'fixed' })).toBe('');
  expect(switchesText({ bugs: ['a', 'b'] as never, profile: 'as-shipped' })).toBe(
    ' (bugs: a, b; profile as-shipped)',
  );
  expect(shrinkHeadline('f.json', first, undefined, switches)).toBe(
    'npusim shrink f.json: translation.stale-tce (bugs: tce-kill-no-advance)',
  );
  expect(shrinkOpening('f.json', first, false, 400, switches)).toBe(
    'npusim: shrinking f.json: translation.stale-tce at 5 us (bugs: tce-kill-no-advance), budget 400 runs',
  );
});

describe('shrink: a locally minimal result (QA Q34)', () => {
  test('the result is a fixpoint: its duration ends where it stops, no count it does not need is kept, and a shrink of it keeps nothing', async () => {
    const { w, file } = await failure('kexec-boot', 'xts-stale-after-kexec');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const a = await shrinkFailure(file, config, w, { budget: DEFAULT_SHRINK_BUDGET });
    expect(a.budgetUsedUp).toBe(false);
    const p = a.config.params;
    expect(p.durationTicks).toBe(a.after.simulatedTicks);
    // Before, `gpu.maxOutstanding 64` and `host.cpuThreads 2` stayed in a 10-event run.
    expect(p.gpu.maxOutstanding).toBe(1);
    expect(p.host.cpuThreads).toBe(1);
    // No kind of traffic the failure does not need: one kind of unmap, one direction of DMA, one
    // ATSD register (the workload's mix was 50 % migrations, 50 % writes, 8 registers).
    expect([0, 100]).toContain(p.host.migratePercent);
    expect([0, 100]).toContain(p.gpu.writePercent);
    expect(p.host.atsdRegisters).toBe(1);
    const again = readFailureFile(JSON.stringify(a.file), 'shrunk.json', registry);
    const b = await shrinkFailure(a.file, again.config, w, { budget: DEFAULT_SHRINK_BUDGET });
    expect(b.kept).toBe(0);
    expect(b.after).toEqual(a.after);
  });
});

describe('shrink: what it says it did is what it did (QA)', () => {
  test('a shrunk file shrunk again says each choice it lowered on a tie, and says the runs of the budget it used up', async () => {
    // flush-race seed 1 shrunk in 60 runs: its recorded choices replayed, its run cut at the
    // finding, a value still above the least that fails. Shrunk again, every candidate kept is a
    // lower value that ties on every measure: before, the table showed equal columns and nothing
    // else over a file with another value and digest, and the headline said 19 runs of the 20
    // the stderr line said were used up (one held back for a cut the result did not need).
    const { w, file } = await failure('flush-race', 'single-flush');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    const shrunk = await shrinkFailure(file, config, w, { budget: 60 });
    expect(shrunk.file.strategy.kind).toBe('replay');
    const dir = testTempDir('npusim-shrink-again-');
    const path = join(dir, 'f.shrunk.json');
    writeFileSync(path, JSON.stringify(shrunk.file));
    const out = join(dir, 'again.json');
    const r = await cli(['shrink', path, '--budget', '20', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const again = JSON.parse(readFileSync(out, 'utf8')) as FailureFile;
    for (const row of ['simulated time', 'events', 'actors', 'choice deviations'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${row} +(\\S+(?: us)?) +\\1$`, 'm'));
    const choices = (f: FailureFile) =>
      (f.strategy as { choices: number[][] }).choices.map((a) => decodeChoices(a, 'choices'));
    const before = choices(shrunk.file);
    const after = choices(again);
    const changed = before.flatMap((x, i) => (JSON.stringify(x) === JSON.stringify(after[i]) ? [] : [i]));
    expect(changed.length).toBeGreaterThan(0);
    const names = machine
      .planMachine(readFailureFile(JSON.stringify(again), 'again.json', registry).config)
      .actors.map((a) => a.name);
    for (const i of changed) {
      expect(r.stdout).toContain(
        `\n  scenario:\n    strategy.choices[${i}] (${names[i]}) ${JSON.stringify(before[i])} -> ${JSON.stringify(after[i])}\n`,
      );
    }
    expect(unwrapped(r.stderr, 8)).toMatch(/^npusim: shrink budget of 20 runs used up in /m);
    expect(r.stdout).toMatch(/,\s+20 runs,\s+budget used up \(it may shrink further\)\n/);
  });

  test('a crash, whose run has no cut at its finding, spends its whole budget and says so', async () => {
    const w = registry.get('flush-race')!;
    const file = await once('flush-race crash gpu1:300', async () => {
      const o = await runSeed({
        config: {
          workload: w.name,
          seed: 1,
          bugs: [],
          params: w.params,
          crashAt: { actor: 'gpu1', event: 300 },
        },
        workload: w,
        seed: 1,
      });
      return o.failure!;
    });
    expect(file.first?.rule).toBe('crash');
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    // Before, a run was held back for a cut a crash never has: 4 runs of a budget of 5 "used up".
    const shrunk = await shrinkFailure(file, config, w, { budget: 5 });
    expect(shrunk.budgetUsedUp).toBe(true);
    expect(shrunk.runs).toBe(5);
  });
});

test('choiceChanges: each actor whose recorded choices changed, short lists whole, long ones by count or first change', () => {
  const w = registry.get('flush-race')!;
  const base: RunConfig = { workload: w.name, seed: 1, bugs: [], params: w.params };
  const names = machine.planMachine(base).actors.map((a) => a.name);
  const replay = (choices: number[][]): RunConfig => ({ ...base, strategy: { kind: 'replay', choices } });
  const long = Array.from({ length: 10 }, (_, i) => i + 1);
  const before = names.map(() => [] as number[]);
  before[2] = [4768995];
  before[3] = long;
  before[4] = long;
  const after = before.map((c) => [...c]);
  after[2] = [4736227];
  after[3] = long.slice(0, 8);
  after[4] = long.map((v, i) => (i >= 5 ? 0 : v));
  expect(choiceChanges(replay(before), replay(after))).toEqual([
    `strategy.choices[2] (${names[2]}) [4768995] -> [4736227]`,
    `strategy.choices[3] (${names[3]}) 10 -> 8 choices`,
    `strategy.choices[4] (${names[4]}) 5 of 10 choices changed, the first (choice 5) 6 -> 0`,
  ]);
  expect(choiceChanges(replay(before), replay(before))).toEqual([]);
  // A change of strategy is the scenario block's `strategy` line, not this.
  expect(choiceChanges(base, replay(after))).toEqual([]);
  // Every actor changed: five lines, then one for the rest.
  const all = choiceChanges(replay(names.map(() => [1])), replay(names.map(() => [0])));
  expect(all).toHaveLength(6);
  expect(all.at(-1)).toBe(`strategy.choices: ${names.length - 5} more actors' choices changed`);
});
