/**
 * The report functions the package exports check what a library caller hands them: a value that
 * is no run result, comparison or history is a ConfigError naming the argument and the field, not
 * a TypeError from deep inside (before src/api/report-calls.ts, `formatSummary({})` threw
 * `Cannot read properties of undefined (reading 'params')`, `{ colour: true }` was ignored, and
 * compareSets given bare results named `undefined` files).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  colorEnabled,
  compareResults,
  compareSets,
  evaluateHeadline,
  findWorkload,
  formatComparison,
  formatDuration,
  formatHistory,
  formatSummary,
  formatTime,
  judgeExpectation,
  parseDuration,
  parseRunResult,
  type RuleName,
  type RunResult,
  runWorkload,
} from 'npusim';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

/** The ConfigError `f` throws: its field and message (fails the test if it throws anything else). */
function refusal(f: () => unknown): { field: string; message: string } {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  const e = thrown as ConfigError;
  return { field: e.field, message: e.message };
}

/** A copy of `r` with the field at `path` set to `value`, or deleted (the run's own result is left as it ran). */
function edited(r: unknown, path: readonly (string | number)[], value?: unknown): RunResult {
  const copy = structuredClone(r) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy as unknown as RunResult;
}

describe('report functions, as the package exports them', () => {
  let clean: RunResult;
  let found: RunResult;
  beforeAll(async () => {
    const short = { durationTicks: 60_000_000 };
    clean = await runWorkload(await findWorkload('stress'), { ...short, seed: 1 });
    found = await runWorkload(await findWorkload('flush-race'), {
      ...short,
      seed: 1,
      bugs: ['single-flush'],
    });
    expect(found.violations.length).toBeGreaterThan(0);
  });

  it('formatSummary refuses what is no run result, and a result whose lists it walks are not lists', () => {
    expect(refusal(() => formatSummary(null as never))).toEqual({
      field: 'result',
      message: 'result: Expected a run result (what runWorkload or runSimulation resolves with), got null',
    });
    expect(refusal(() => formatSummary({} as never)).field).toBe('result: schemaVersion');
    // Every status a summary prints is named, a crash's too (QA: the list left `crash` out).
    expect(refusal(() => formatSummary({ ...found, status: 'bogus' } as never))).toEqual({
      field: 'result.status',
      message:
        'result.status: Expected one of clean, violation, liveness, interrupted, crash, got "bogus" (a string)',
    });
    const actors = refusal(() => formatSummary(edited(found, ['violations', 0, 'actors'], 'gpu0')));
    expect(actors.field).toBe('result.violations[0].actors');
    expect(actors.message).toMatch(/^result\.violations\[0\]\.actors: Expected a list/);
    const rule = Object.keys(found.rules!)[0]!;
    expect(refusal(() => formatSummary(edited(found, ['rules', rule], null))).field).toBe(
      `result.rules.${rule}`,
    );
    expect(refusal(() => formatSummary(edited(clean, ['engine', 'workers']))).field).toBe(
      'result.engine.workers',
    );
    // What it reads and the caller did not break still prints, the findings included.
    expect(formatSummary(found)).toContain(found.violations[0]!.rule);
  });

  it("formatSummary reads a crashed run's result, which has no figures, by what its summary shows", () => {
    const crashed = edited(edited(clean, ['status'], 'crash'), ['crash'], {
      actor: 'gpu2',
      tick: 105_851,
      message: 'injected crash',
    });
    expect(formatSummary(crashed)).toContain('CRASH actor gpu2');
    expect(refusal(() => formatSummary(edited(crashed, ['config'], 'x'))).field).toBe('result.config');
  });

  it('formatSummary refuses an option it does not take, with the nearest, and an option of the wrong type', () => {
    const slip = refusal(() => formatSummary(clean, { colour: true } as never));
    expect(slip.field).toBe('options.colour');
    expect(slip.message).toContain('got unknown key `colour` (did you mean `color`?)');
    expect(refusal(() => formatSummary(clean, { color: false, maxRows: -1 })).message).toBe(
      'options.maxRows: Expected a whole number from 0, got -1',
    );
    expect(refusal(() => formatSummary(clean, { color: 'yes' } as never)).field).toBe('options.color');
    expect(formatSummary(clean, { color: false, maxRows: 2 })).toContain('status clean');
  });

  it('compareResults and compareSets check each result as compare checks a file, and name it by its file', () => {
    expect(refusal(() => compareResults('a.json', clean, 'b.json', {} as never)).field).toBe(
      'b.json: schemaVersion',
    );
    expect(refusal(() => compareResults('', clean, 'b.json', clean)).field).toBe('fileA');
    // A hole in a caller's list (JSON has none) was skipped by the check and read by the table.
    const holed = edited(clean, ['contention', 'links', 0]);
    expect(0 in holed.contention.links).toBe(false);
    expect(refusal(() => compareResults('a.json', clean, 'b.json', holed)).field).toBe(
      'b.json: contention.links[0].label',
    );
    expect(
      refusal(() => compareResults('a.json', clean, 'b.json', edited(clean, ['contention', 'sockets'], 'x')))
        .field,
    ).toBe('b.json: contention.sockets');
    const bare = refusal(() => compareSets([clean, found] as never, [clean, found] as never));
    expect(bare.field).toBe('a[0]');
    expect(bare.message).toContain('a bare run result (give it as { file: NAME, result })');
    expect(bare.message).not.toContain('undefined');
    const broken = edited(found, ['digest'], 7);
    expect(
      refusal(() =>
        compareSets(
          [
            { file: 'A/1.json', result: clean },
            { file: 'A/2.json', result: found },
          ],
          [
            { file: 'B/1.json', result: clean },
            { file: 'B/2.json', result: broken },
          ],
        ),
      ).field,
    ).toBe('B/2.json: digest');
  });

  it('formatComparison and formatHistory refuse what those functions never return', () => {
    expect(refusal(() => formatComparison({} as never)).field).toBe('comparison.a');
    const pair = compareResults('a.json', clean, 'b.json', found);
    expect(refusal(() => formatComparison({ ...pair, rows: [{}] } as never)).field).toBe(
      'comparison.rows[0]',
    );
    expect(formatComparison(pair)).toContain('a.json');
    expect(refusal(() => formatHistory(5 as never)).field).toBe('lines');
    expect(
      refusal(() => formatHistory([{ tick: 1, actor: 'gpu0', from: 'npu0', kind: 'x' }] as never)).field,
    ).toBe('lines[0].fields');
    expect(
      formatHistory([{ tick: 1000, actor: 'gpu0', from: 'npu0', kind: 'dma', fields: { a: 1 } }]),
    ).toContain('gpu0 <- npu0  dma a=1');
  });

  // QA: `parseRunResult(5, f)` threw `text.startsWith is not a function`, `evaluateHeadline(null, r)`
  // read `flatMap` of null, `judgeExpectation(null, r)` read `rules` of null and `colorEnabled(null)`
  // `isTTY` of null; the helpers' own refusals name the argument.
  it('parseRunResult takes text and a file name, and reads back what runWorkload resolved with', async () => {
    expect(refusal(() => parseRunResult(5 as never, 'r.json')).field).toBe('text');
    expect(refusal(() => parseRunResult(Buffer.from('{}') as never, 'r.json')).field).toBe('text');
    expect(refusal(() => parseRunResult('{}', '')).field).toBe('file');
    expect(refusal(() => parseRunResult('{}', 'r.json')).field).toBe('r.json: schemaVersion');
    expect(parseRunResult(JSON.stringify(clean), 'r.json')).toEqual(clean);
    // A crashed run's result, as `npusim run --out` writes it and formatSummary reads it, reads
    // back (QA: refused for having no figures, compare's rule; compare still refuses it).
    const out = join(testTempDir('npusim-crash-result-'), 'c.json');
    const argv = ['run', 'stress', '--seed', '4', '--duration', '20us', '--inline', '--crash-at', 'gpu1:50'];
    expect((await cli([...argv, '--no-failure-file', '--out', out])).code).toBe(4);
    const text = readFileSync(out, 'utf8');
    const crashed = parseRunResult(text, 'c.json');
    expect([crashed.status, crashed.crash?.actor]).toEqual(['crash', 'gpu1']);
    expect(crashed).toEqual(JSON.parse(text));
    expect(refusal(() => parseRunResult(JSON.stringify({ ...crashed, config: 5 }), 'c.json')).field).toBe(
      'c.json: config',
    );
    expect(refusal(() => compareResults('c.json', crashed, 'r.json', clean)).field).toBe('c.json: status');
    // A digest npusim never writes is refused, not compared as text: two such were `identical`.
    for (const f of ['digest', 'eventDigest'] as const) {
      const e = refusal(() => parseRunResult(JSON.stringify({ ...clean, [f]: 'x' }), 'r.json'));
      expect([e.field, e.message]).toEqual([
        `r.json: ${f}`,
        `r.json: ${f}: Expected a digest as npusim writes it: 16 hex digits (0-9, a-f), got \`"x"\` (string)`,
      ]);
    }
  });

  it('evaluateHeadline checks its items as a workload headline is checked, defaults filled in, and a result with figures', () => {
    expect(refusal(() => evaluateHeadline(null as never, clean)).field).toBe('items');
    const kindless = refusal(() => evaluateHeadline([{ label: 'x' }] as never, clean));
    expect(kindless.field).toBe('items[0]');
    expect(kindless.message).toContain('one of `counter`, `latency`');
    expect(
      refusal(() =>
        evaluateHeadline([{ label: 'x', latency: 'dma.latencyTicks', stat: 'p98' } as never], clean),
      ).field,
    ).toBe('items[0].stat');
    expect(refusal(() => evaluateHeadline([{ label: 'x', param: 'gpu.nope' }], clean)).field).toBe(
      'items[0].param',
    );
    const items = [{ label: 'DMA completed', counter: 'dma.completed' }];
    expect(refusal(() => evaluateHeadline(items, {} as never)).field).toBe('result: schemaVersion');
    // Written as a workload writes it (no `per`, no `unit`): the defaults are the workload's.
    const [figure] = evaluateHeadline(items, clean);
    expect(figure).toMatchObject({ label: 'DMA completed', value: clean.counts['dma.completed'] });
    expect(clean.counts['dma.completed']).toBeGreaterThan(0);
  });

  it('judgeExpectation takes `clean` or rule names, and a result, a crashed one too', () => {
    expect(refusal(() => judgeExpectation(null as never, clean)).field).toBe('expect');
    expect(refusal(() => judgeExpectation('dirty' as never, clean)).field).toBe('expect');
    expect(refusal(() => judgeExpectation([], clean)).field).toBe('expect');
    expect(refusal(() => judgeExpectation(['nope' as RuleName], clean)).field).toBe('expect[0]');
    expect(refusal(() => judgeExpectation('clean', null as never)).field).toBe('result');
    expect(refusal(() => judgeExpectation('clean', { status: 'clean' } as never)).field).toBe(
      'result.liveness',
    );
    expect(judgeExpectation('clean', clean).met).toBe(true);
    const rules = Object.keys(found.rules ?? {}) as RuleName[];
    expect(rules.length).toBeGreaterThan(0);
    expect(judgeExpectation(rules, found)).toMatchObject({ met: true });
    expect(judgeExpectation('clean', found).met).toBe(false);
    // A crash meets no expectation: its status and empty findings are all the verdict reads.
    const crashed = { status: 'crash', violations: [], liveness: [] } as unknown as RunResult;
    expect(judgeExpectation('clean', crashed).met).toBe(false);
  });

  it('colorEnabled takes a stream and an environment of strings', () => {
    expect(refusal(() => colorEnabled(null as never)).field).toBe('stream');
    expect(refusal(() => colorEnabled({ isTTY: 1 } as never, {})).field).toBe('stream.isTTY');
    expect(refusal(() => colorEnabled({ isTTY: true }, null as never)).field).toBe('env');
    expect(refusal(() => colorEnabled({ isTTY: true }, { FORCE_COLOR: 1 } as never)).field).toBe(
      'env.FORCE_COLOR',
    );
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({}, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('parseDuration, formatDuration and formatTime take text, whole ticks and finite ticks', () => {
    expect(refusal(() => parseDuration(5 as never)).field).toBe('--duration');
    expect(refusal(() => parseDuration(null as never, '--len')).field).toBe('--len');
    expect(refusal(() => parseDuration('2ms', '')).field).toBe('option');
    expect(parseDuration('1.5ms')).toBe(1_500_000_000);
    for (const bad of [1.5, -1, Number.NaN, '2ms']) {
      expect(refusal(() => formatDuration(bad as never)).field).toBe('ticks');
    }
    expect(formatDuration(1_500_000_000)).toBe('1500us');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '5', undefined]) {
      expect(refusal(() => formatTime(bad as never)).field).toBe('ticks');
    }
    expect(formatTime(1500)).toBe('1.5 ns');
    expect(formatTime(-1500)).toBe('-1.5 ns');
  });
});
