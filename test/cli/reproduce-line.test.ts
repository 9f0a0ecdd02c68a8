/**
 * The reproduce line (src/report/reproduce-line.ts) from the command line: its words, run again as
 * a shell would split them, give the run's own digest, whatever chose the run: a PCT strategy and
 * its depth, or a parameter given by `--set` that also has an option of its own (which `run`
 * refuses to take both ways).
 */
import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { cli, STACK_FRAME } from './cli-harness.js';

/** The words of a line as a POSIX shell splits them: shellWord quotes only with '...'. */
function shellWords(line: string): string[] {
  return (line.match(/(?:'[^']*'|\S)+/g) ?? []).map((w) => w.replaceAll("'", ''));
}

/** `npusim ARGV --json`: the result of a run that ended (clean, violation or liveness). */
async function runJson(argv: readonly string[]): Promise<RunResult> {
  const r = await cli([...argv, '--json', '--no-failure-file']);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect([0, 1, 3], `exit ${r.code}: ${r.stderr}`).toContain(r.code);
  return JSON.parse(r.stdout) as RunResult;
}

/** The run of `args`, then the run of its reproduce line. */
async function runTwice(args: readonly string[]): Promise<{ first: RunResult; again: RunResult }> {
  const first = await runJson(['run', ...args]);
  const [npusim, ...words] = shellWords(first.reproduce);
  expect(npusim).toBe('npusim');
  return { first, again: await runJson(words) };
}

describe('reproduce line: run again, it gives the same digest', () => {
  test('--strategy pct: the line names the strategy and its depth, and a random run differs', async () => {
    const args = ['flush-race', '--bug', 'single-flush', '--seed', '1', '--duration', '20us', '--inline'];
    const { first, again } = await runTwice([...args, '--strategy', 'pct']);
    expect(first.reproduce).toContain('--strategy pct --pct-depth 3');
    expect(again.digest).toBe(first.digest);
    // The strategy changes the run: a line that dropped it would give this digest instead.
    const random = await runJson(['run', ...args]);
    expect(random.digest).not.toBe(first.digest);
  });

  test('--strategy pct --pct-depth 2: the depth given is the depth printed', async () => {
    const { first, again } = await runTwice([
      'stress',
      '--seed',
      '3',
      '--duration',
      '20us',
      '--inline',
      '--strategy',
      'pct',
      '--pct-depth',
      '2',
    ]);
    expect(first.reproduce).toContain('--strategy pct --pct-depth 2');
    expect(again.digest).toBe(first.digest);
  });

  // A --set of durationTicks is the run's duration: --duration would be refused with it.
  test.each([
    {
      set: 'policy=per-gpu',
      option: '--policy',
      param: 'policy',
      value: 'per-gpu',
      more: ['--duration', '20us'],
    },
    {
      set: 'topology=witherspoon-4',
      option: '--topology',
      param: 'topology',
      value: 'witherspoon-4',
      more: ['--duration', '20us'],
    },
    {
      set: 'durationTicks=20000000',
      option: '--duration',
      param: 'durationTicks',
      value: 20_000_000,
      more: [],
    },
  ] as const)(
    '--set $set: the line keeps the --set and leaves out $option, which run refuses alongside it',
    async (c) => {
      const { first, again } = await runTwice([
        'mixed',
        '--seed',
        '1',
        ...c.more,
        '--inline',
        '--set',
        c.set,
      ]);
      expect(first.config.params[c.param]).toBe(c.value);
      expect(first.reproduce).toContain(`--set ${c.set}`);
      expect(shellWords(first.reproduce)).not.toContain(c.option);
      expect(again.digest).toBe(first.digest);
    },
  );
});

describe('reproduce line: a threaded run keeps its placement', () => {
  test('--json: engine.placement is the placement asked for, a string ("2", "100"); engine.workers holds one entry per worker that ran', async () => {
    const args = ['run', 'stress', '--seed', '5', '--duration', '20us'];
    const two = await runJson([...args, '--workers', '2']);
    expect(two.engine.placement).toBe('2');
    expect(two.engine.workers).toHaveLength(2);
    // More asked for than the machine has actors (9): the string keeps what was asked, the
    // workers are what ran, so the two can differ and neither stands for the other.
    const many = await runJson([...args, '--workers', '100']);
    expect(many.engine.placement).toBe('100');
    expect(many.engine.workers).toHaveLength(9);
    const inline = await runJson([...args, '--inline']);
    expect(inline.engine.placement).toBe('inline');
    expect(inline.engine.workers).toHaveLength(1);
  });

  test('--workers 2: the line runs two workers again and gives the same digest; the default names none', async () => {
    const args = ['stress', '--seed', '5', '--duration', '20us'];
    const { first, again } = await runTwice([...args, '--workers', '2']);
    expect(first.engine.placement).toBe('2');
    expect(first.reproduce).toMatch(/ --workers 2$/);
    // The line ran the placement it names, not the default.
    expect(again.engine.placement).toBe('2');
    expect(again.digest).toBe(first.digest);
    const perActor = await runJson(['run', ...args]);
    expect(perActor.digest).toBe(first.digest);
    expect(shellWords(perActor.reproduce)).not.toContain('--workers');
  });

  test('a crash of a --workers auto run: its reproduce line keeps --workers auto', async () => {
    const r = await cli([
      'run',
      'stress',
      '--seed',
      '5',
      '--duration',
      '20us',
      '--workers',
      'auto',
      '--crash-at',
      'gpu1:10',
      '--json',
      '--no-failure-file',
    ]);
    expect(r.code).toBe(4);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('crash');
    expect(result.reproduce).toContain('--crash-at gpu1:10');
    expect(result.reproduce).toMatch(/ --workers auto$/);
  });
});
