import { describe, expect, test } from 'vitest';
import { UsageError } from '../../bench/bench-run.js';
import { parseLengths } from '../../bench/engine.js';

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
    ['20xs', '`20xs` is not a duration'],
    ['', '`` is not a duration'],
    ['-1ms', '`-1ms` is not a duration'],
    ['0', '`0` is not a duration'],
    ['1ms,,6ms', '`` is not a duration'],
    ['1ms,1000us', 'a length repeats'],
  ])('`%s` is refused with what was expected and what arrived', (text, why) => {
    expect(() => parseLengths(text)).toThrow(UsageError);
    expect(() => parseLengths(text)).toThrow(`got \`${text}\``);
    expect(() => parseLengths(text)).toThrow(why);
  });
});
