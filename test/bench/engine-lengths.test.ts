import { describe, expect, test } from 'vitest';
import { UsageError } from '../../bench/bench-run.js';
import { defaultWarmupRounds, pairWarmupTicks, parseLengths, run } from '../../bench/engine.js';
import { liveWorkerCount } from '../../src/runtime/threaded-runtime.js';
import { expectBenchRefusal } from '../support/bench-refusal.js';

/** `npm run bench -- engine --lengths LIST`: the simulated lengths the engine bench runs. */
describe('engine bench --lengths', () => {
  test('durations in the order given, five runs per host up to 1 ms and three above', () => {
    expect(parseLengths('1ms,6ms,20ms')).toEqual([
      { durationTicks: 1_000_000_000, runs: 5 },
      { durationTicks: 6_000_000_000, runs: 3 },
      { durationTicks: 20_000_000_000, runs: 3 },
    ]);
    expect(parseLengths('500us')).toEqual([{ durationTicks: 500_000_000, runs: 5 }]);
    expect(parseLengths('1.5ms')).toEqual([{ durationTicks: 1_500_000_000, runs: 3 }]);
  });

  test.each([
    ['20xs', '(Expected a duration such as `2ms`'],
    ['', '(Expected a duration such as `2ms`'],
    ['-1ms', 'negative durations are not allowed'],
    ['0', '(Expected a duration above 0 and at most 1000s'],
    ['5000s', '(Expected a duration above 0 and at most 1000s'],
    ['1ms,,6ms', 'got "" (empty))'],
    ['1ms,1000us', 'a length repeats'],
  ])('`%s` is refused with what was expected and what arrived', (text, why) => {
    expect(() => parseLengths(text)).toThrow(UsageError);
    expect(() => parseLengths(text)).toThrow(text === '' ? 'got "" (empty)' : `got \`${text}\``);
    expect(() => parseLengths(text)).toThrow(why);
  });
});

/** `--runs N`: counted runs per host at every length (paired-ratio.test.ts runs it with 3). */
describe('engine bench --runs', () => {
  test('`--json` given twice is refused as any option given twice (it started the whole bench)', () => {
    expectBenchRefusal('engine', ['--json', '--json'], 'Expected `--json` once, got it twice');
  });

  test.each([['0'], ['101'], ['many'], ['2.5']])('`--runs %s`: exit 2 before anything runs', (text) => {
    expectBenchRefusal(
      'engine',
      ['--runs', text],
      `Expected \`--runs\` to be a whole number from 1 to 100, got \`${text}\``,
    );
  });
});

/** A warm bench's warm-up without `--warmup`: rounds enough for 2 ms of simulated time, 1 to 5. */
describe('engine bench default warm-up', () => {
  test.each([
    ['1ms', 2],
    ['6ms', 1],
    ['20ms', 1],
    ['2ms', 1],
    ['1.5ms', 2],
    ['500us', 4],
    ['250us', 5],
    ['1us', 5],
  ])('%s runs get %i warm-up round(s)', (length, rounds) => {
    expect(defaultWarmupRounds(parseLengths(length)[0]!.durationTicks)).toBe(rounds);
  });

  // The inline-pair's fresh peers warm up over what the rounds cover, up to the 2 ms an isolate needs.
  test.each([
    ['1ms', 2, '2ms'],
    ['6ms', 1, '2ms'],
    ['250us', 5, '1.25ms'],
    ['1us', 5, '5us'],
    ['1ms', 0, undefined],
    ['6ms', 0, undefined],
  ])('%s runs after %i warm-up round(s): the inline-pair peers warm up over %s', (length, rounds, warm) => {
    const ticks = parseLengths(length)[0]!.durationTicks;
    expect(pairWarmupTicks(rounds, ticks)).toBe(
      warm === undefined ? 0 : parseLengths(warm)[0]!.durationTicks,
    );
  });
});

/** `--threads kept|fresh` and `--warmup N`: how a warm bench's runs reach their steady state. */
describe('engine bench --threads and --warmup', () => {
  const opts = (values: Record<string, string>) => ({
    json: true,
    values,
    whole: (name: string, fallback: number) => (values[name] === undefined ? fallback : Number(values[name])),
    oneOf: (name: string, allowed: readonly string[]) => {
      const v = values[name];
      if (v !== undefined && !allowed.includes(v)) throw new UsageError(`bad --${name}`);
      return v;
    },
  });

  test.each([
    [
      { threads: 'kept' },
      'Expected `--threads fresh` (or no `--threads`) with `--start cold`: every cold run is a process of its own, got `--threads kept`',
    ],
    [
      { warmup: '2' },
      'Expected no `--warmup` rounds with `--start cold`: a cold run is a fresh process that nothing warms, got `--warmup 2`',
    ],
  ])('with cold starts, %j is refused before any run, naming both options', async (option, message) => {
    const refused = run(opts({ start: 'cold', lengths: '1us', ...option }));
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(message);
    expect(liveWorkerCount()).toBe(0);
  });
});

/** `--background N`: N other processes running `stress` inline throughout (a busy machine). */
describe('engine bench --background', () => {
  test.each([['17'], ['x'], ['-1'], ['1.5']])('`--background %s`: exit 2 before anything runs', (text) => {
    expectBenchRefusal(
      'engine',
      ['--background', text],
      `Expected \`--background\` to be a whole number from 0 to 16, got \`${text}\``,
    );
  });

  test('from the TypeScript source it is refused: its processes run the built background-load.js', () => {
    expectBenchRefusal('engine', ['--background', '1'], 'Expected the built bench for `--background`');
  });
});
