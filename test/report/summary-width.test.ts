/**
 * The run summary's text fits 100 columns (src/core/wrap-text.ts TEXT_COLUMNS), built from real
 * runs whose lines ran past it: a deadlock's stall and cycle, findings with long messages, hung
 * ATSD registers, premises, long questions and the `+N still in flight ...` lines. Only the lines
 * a reader copies are left whole: `reproduce:` and a finding's `| tick kind {json}` history. The
 * workloads with variants too: their answer table (one column per run), their engine rows and
 * stderr's line as each variant starts (QA: 114 to 138 columns). And a threaded run's engine
 * section, `npusim run`'s default: each worker's figures, synchronisation and waits (to 215).
 */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import { planMachine } from '../../src/model/actors/machine.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { describedResult } from '../../src/report/described-result.js';
import type { RunResult } from '../../src/report/run-result.js';
import { formatSummary } from '../../src/report/summary.js';
import { type EngineOptions, runRaw } from '../../src/runtime/engine.js';
import { workloads } from '../../workloads/index.js';
import { cli } from '../cli/cli-harness.js';
import { answerTable } from '../fixtures/answer-table.js';
import { unwrapped } from '../fixtures/unwrapped.js';

interface Run {
  name: string;
  seed: number;
  us?: number;
  bugs?: BugName[];
  policy?: string;
  stopOnFirst?: boolean;
}

async function run(r: Run, engine: EngineOptions = { host: 'inline' }): Promise<RunResult> {
  const w = workloads.find((x) => x.name === r.name)!;
  const config: RunConfig = {
    workload: r.name,
    seed: r.seed,
    bugs: r.bugs ?? [],
    params: parseParams(
      {
        ...w.params,
        ...(r.us === undefined ? {} : { durationTicks: r.us * 1_000_000 }),
        ...(r.policy === undefined ? {} : { policy: r.policy }),
      },
      r.name,
    ),
    ...(r.stopOnFirst === true ? { stopOnFirst: true } : {}),
  };
  return describedResult(config, planMachine(config), await runRaw(config, engine), w);
}

/** The lines a reader copies, left whole however long. */
const copied = (line: string) => /^\s*\| /.test(line) || line.startsWith('reproduce: ');

/** What may start at column 0: a section's heading, never a continuation. */
const HEADINGS =
  /^(npusim |question: |answer|expected \(|rests on|what it did not find rests on|checks: |contention|latencies:|engine:|reproduce: |$)/;

// Each of these printed prose lines past 100 columns before the summary wrapped them (QA).
const RUNS: Run[] = [
  { name: 'atsd-deadlock', seed: 2, bugs: ['release-between-flushes'] },
  { name: 'atsd-deadlock', seed: 2, bugs: ['release-between-flushes'], stopOnFirst: true },
  { name: 'flush-race', seed: 1, us: 300, bugs: ['single-flush'] },
  { name: 'tenant-isolation', seed: 1, us: 200, policy: 'per-gpu' },
  { name: 'atsd-hang', seed: 1, us: 200, bugs: ['atsd-no-valid-bdf'] },
  { name: 'gpu-reset', seed: 1, us: 500 },
  { name: 'mixed', seed: 1, us: 1000 },
];

describe('the run summary fits 100 columns', () => {
  it.each(RUNS)(
    '$name seed $seed $bugs: every line but the copied ones is at most 100 characters, coloured or not, and none continues at column 0',
    async (r) => {
      const result = await run(r);
      const plain = formatSummary(result, { color: false });
      const lines = plain.split('\n');
      const long = lines.filter((l) => l.length > TEXT_COLUMNS && !copied(l));
      expect(long).toEqual([]);
      for (const l of lines) expect(l, l).toMatch(HEADINGS.test(l) ? /^/ : /^ /);
      // Colour codes take no column: the coloured summary breaks where the plain one does.
      const coloured = formatSummary(result, { color: true });
      expect(coloured).toContain('\u001b[');
      expect(stripVTControlCharacters(coloured)).toBe(plain);
    },
  );

  it('a deadlock: the answer row continues under its figure, the stall under its rule, the cycle before an arrow, under its first link', async () => {
    const text = formatSummary(await run(RUNS[0]!), { color: false });
    const lines = text.split('\n');
    const wait = lines.findIndex((l) => l.startsWith('  ATSD register wait p99  '));
    expect(lines[wait]!.length).toBeGreaterThan(90);
    expect(lines[wait + 1]).toMatch(/^ {30}\S.* so far\)$/);
    expect(lines[wait + 1]).not.toMatch(/^ {30}(ms|us|ns|ps|s) /);
    const stall = lines.findIndex((l) => l.startsWith('  LIVENESS liveness.shootdown at 625 us'));
    expect(lines[stall + 1]).toBe('           actors coordinator, npu0, npu1');
    const cycle = lines.findIndex((l) => l.startsWith('    deadlock cycle: '));
    expect(lines[cycle]).toMatch(/^ {4}deadlock cycle: shootdown \d holds npu\d\.reg0, waits for npu\d$/);
    expect(lines[cycle + 1]).toMatch(/^ {20}-> shootdown \d holds /);
    // Joined again, each line is the one it was before it wrapped.
    expect(unwrapped(text, 20)).toMatch(
      /\n {4}deadlock cycle: shootdown 2 holds npu0\.reg0, waits for npu1 -> shootdown 4 holds npu1\.reg0, waits for npu0 -> shootdown 2\n/,
    );
    expect(text).toContain(
      '                        +76 still in flight at the end, for up to 1.482 us so far,\n                          not in the row above\n',
    );
  });

  it("hung ATSD registers: a chip's registers break between registers, else between words, under the first", async () => {
    const text = formatSummary(await run(RUNS[4]!), { color: false });
    const lines = text.split('\n');
    const chip1 = lines.findIndex((l) => l.startsWith('    chip1: '));
    expect(lines[chip1]).toMatch(/; reg\d free;$/);
    expect(lines[chip1 + 1]).toMatch(/^ {11}reg\d free; /);
    expect(unwrapped(text, 11)).toContain(
      '    chip0: reg0 locked by shootdown 1 HUNG (its ATSD went to gpu 2, whose NVLinks never trained: no ack comes); reg1 free;',
    );
  });
});

// Workloads with variants, run as the CLI runs them (each variant beside the own run): each of
// these printed an answer table, engine rows or a stderr line past 100 columns (QA).
const VARIANT_RUNS: { name: string; duration: string; runs: string[] }[] = [
  { name: 'firmware-update', duration: '50us', runs: ['fixed (this run)', 'as-shipped'] },
  { name: 'multi-tenant', duration: '20us', runs: ['per-gpu-isolated (this run)', 'per-gpu', 'per-socket'] },
  {
    name: 'tce-storm',
    duration: '20us',
    runs: ['as declared (this run)', 'page-kills', 'as-shipped', 'page-kills-as-shipped'],
  },
  { name: 'guest-atsd', duration: '20us', runs: ['every-link (this run)', 'first-link', 'as-shipped'] },
];

describe('the run summary of a workload with variants fits 100 columns', () => {
  it.each(VARIANT_RUNS)(
    '$name: its answer table, engine rows and stderr lines fit, the table one column per run',
    async ({ name, duration, runs }) => {
      const r = await cli([
        'run',
        name,
        '--seed',
        '1',
        '--duration',
        duration,
        '--inline',
        '--no-failure-file',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as RunResult;
      expect(result.variants).toHaveLength(runs.length - 1);
      const plain = formatSummary(result, { color: false });
      const lines = plain.split('\n');
      expect(lines.filter((l) => l.length > TEXT_COLUMNS && !copied(l))).toEqual([]);
      for (const l of lines) expect(l, l).toMatch(HEADINGS.test(l) ? /^/ : /^ /);
      const coloured = formatSummary(result, { color: true });
      expect(coloured).toContain('\u001b[');
      expect(stripVTControlCharacters(coloured)).toBe(plain);
      // The lines stderr says as each variant starts, its warnings and verdicts (guest-atsd's
      // as-shipped warning ran to 175 columns, its NOT as expected to 139).
      const said = r.stderr.split('\n');
      expect(said.some((l) => l.startsWith('npusim: variant 1 of '))).toBe(true);
      expect(said.filter((l) => l.length > TEXT_COLUMNS)).toEqual([]);
      // Read back as one table, each row has a cell per run, in the runs' order, and each run's
      // digest is its own.
      const table = answerTable(plain);
      expect(table.get('')).toEqual(runs);
      for (const [label, cells] of table) expect(cells, label).toHaveLength(runs.length);
      expect(table.get('digest')).toEqual([result.digest, ...result.variants!.map((v) => v.digest)]);
      // Each variant is described under the table, its name first.
      for (const v of result.variants!) expect(unwrapped(plain, 4)).toMatch(new RegExp(`\n  ${v.name}: \\S`));
    },
  );

  it("firmware-update: the own run is headed by its label's name, its description under the table as a variant's", async () => {
    const r = await cli([
      'run',
      'firmware-update',
      '--seed',
      '1',
      '--duration',
      '20us',
      '--inline',
      '--no-failure-file',
    ]);
    expect(r.stdout).toMatch(/^ +fixed \(this run\) +as-shipped$/m);
    expect(r.stdout).toContain("\n  fixed (this run): the model's BAR0 filter, in no release\n");
    // The HTML report's answer keeps one table, the label whole (its page wraps it).
  });
});

/**
 * The summary's lines past 100 columns, but the copied ones (free mode's `re-run in free mode`
 * command too), and any line at column 0 but a section's heading (free mode's figures began there,
 * inside the engine section).
 */
function unfit(result: RunResult): string[] {
  const plain = formatSummary(result, { color: false });
  const lines = plain.split('\n');
  const rerun = (l: string) => l.startsWith('re-run in free mode ');
  return [
    ...lines.filter((l) => l.length > TEXT_COLUMNS && !copied(l) && !rerun(l)),
    ...lines.filter((l) => !HEADINGS.test(l) && !l.startsWith(' ') && !rerun(l)),
  ];
}

// On threads, each placement's worker names: one actor's (beside its figures), a socket's actors
// (on a line of their own), free mode's workers (no lambda). Each ran to 165 to 215 columns (QA).
const THREADED: { name: string; engine: EngineOptions; names: RegExp }[] = [
  {
    name: 'one worker per actor',
    engine: { host: 'threaded' },
    names: /^ {4}(chip\d|gpu\d|coordinator) +busy \d/,
  },
  {
    name: '--workers 2',
    engine: { host: 'threaded', placement: { kind: 'workers', count: 2 } },
    names: /^ {4}chip1\+gpu3\+gpu4\+gpu5$/,
  },
  {
    name: 'free mode',
    engine: { host: 'threaded', free: { windowTicks: 1_000_000 } },
    names: /^ {4}(chip\d|gpu\d|coordinator) +busy \d/,
  },
];

describe("a threaded run's engine section fits 100 columns", () => {
  it.each(THREADED)(
    '$name: every worker line, its synchronisation and waits lines, and the lambda legend',
    async ({ engine, names }) => {
      const result = await run({ name: 'stress', seed: 3, us: 20 }, engine);
      expect(result.engine.workers.length).toBeGreaterThan(1);
      expect(unfit(result)).toEqual([]);
      const lines = formatSummary(result, { color: false }).split('\n');
      expect(lines.some((l) => names.test(l))).toBe(true);
      // Every worker has its waits line, the last bucket on it or on the line under it.
      const waits = lines.filter((l) => l.startsWith('      waits: <10us '));
      expect(waits).toHaveLength(Math.min(5, result.engine.workers.length));
      const synced = result.engine.workers.filter((w) => w.lambda !== undefined).length;
      expect(lines.filter((l) => /^ {6}lookahead \d/.test(l))).toHaveLength(Math.min(5, synced));
    },
  );

  it('the widest figures a worker can have: long names, timed-out parks, spinning turned off, large counts', async () => {
    const result = await run({ name: 'stress', seed: 3, us: 20 }, { host: 'threaded' });
    const long = (w: RunResult['engine']['workers'][number], actor: string): typeof w => ({
      ...w,
      actor,
      busyMs: 123_456.7,
      parkedMs: 98_765.4,
      parks: 1_234_567,
      parksTimedOut: 12_345,
      parksTimedOutAtStart: 1234,
      spinTurnedOff: 123,
      events: 123_456_789_012,
      waits: {
        counts: [12_345_678, 1_234_567, 123_456, 12_345, 1234],
        ms: [9.9, 99_999, 99_999, 99_999, 99_999],
      },
    });
    const [a, b] = result.engine.workers;
    for (const actor of ['coordinator', 'chip0+gpu0+gpu1+gpu2+chip1+gpu3+gpu4+gpu5+coordinator']) {
      const wide = { ...result, engine: { ...result.engine, workers: [long(a!, actor), long(b!, 'gpu15')] } };
      expect(unfit(wide), actor).toEqual([]);
      // A row that runs long goes on under its figures (the name beside them) or under the name.
      const text = formatSummary(wide, { color: false });
      expect(text).toContain('123456789012 events');
    }
  });
});
