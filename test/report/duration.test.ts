import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { formatDuration, formatTime, MAX_DURATION_TICKS, parseDuration } from '../../src/report/duration.js';

describe('duration', () => {
  it('duration: units scale to integer picoseconds exactly', () => {
    expect(parseDuration('2ms')).toBe(2_000_000_000);
    expect(parseDuration('500us')).toBe(500_000_000);
    expect(parseDuration('1.5ms')).toBe(1_500_000_000);
    expect(parseDuration('1.1ms')).toBe(1_100_000_000);
    expect(parseDuration('3000ns')).toBe(3_000_000);
    expect(parseDuration('1s')).toBe(1_000_000_000_000);
    expect(parseDuration('12345')).toBe(12345);
  });

  it('duration: malformed, zero, sub-picosecond and oversized values are refused naming the option', () => {
    for (const bad of [
      '',
      'ms',
      '2 mss',
      '-1ms',
      '0',
      '0ms',
      '1.5',
      '0.0001ns',
      '1e3',
      '99999999s',
      '1001s',
    ]) {
      expect(() => parseDuration(bad, '--duration')).toThrow(ConfigError);
    }
    expect(parseDuration('1000s')).toBe(MAX_DURATION_TICKS);
    expect(() => parseDuration('2 weeks', '--duration')).toThrow(
      /^--duration: Expected a duration .*got `2 weeks`$/,
    );
  });

  // QA67 F4: `30US` and `30µs` had only the list of forms.
  it('duration: a unit in capitals or written µs says how units are written', () => {
    expect(() => parseDuration('30US')).toThrow(
      /got `30US`: units are lower case, ps, ns, us, ms, s \(did you mean `30us`\?\)$/,
    );
    expect(() => parseDuration('1.5Ms')).toThrow(
      /got `1\.5Ms`: units are lower case, .*\(did you mean `1\.5ms`\?\)$/,
    );
    expect(() => parseDuration('30µs')).toThrow(/got `30µs`: µs is written `us` \(did you mean `30us`\?\)$/);
    expect(() => parseDuration('.5us')).toThrow(
      /got `\.5us`: a fraction is written with its whole part \(did you mean `0\.5us`\?\)$/,
    );
    expect(() => parseDuration('30xs')).toThrow(/got `30xs`$/);
  });

  it('duration: a negative duration says that negative values are not allowed', () => {
    for (const bad of ['-1', '-1ms', ' -0.5us']) {
      expect(() => parseDuration(bad, '--duration')).toThrow(
        /^--duration: Expected a duration above 0 .*: negative durations are not allowed$/,
      );
    }
  });

  it('duration: formatDuration is the exact inverse of parseDuration on whole ticks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_TICKS }), (ticks) => {
        expect(parseDuration(formatDuration(ticks))).toBe(ticks);
      }),
    );
    expect(formatDuration(2_000_000_000)).toBe('2ms');
    expect(formatDuration(1_500_000_000)).toBe('1500us');
    expect(formatDuration(1234)).toBe('1234');
  });

  it('duration: formatTime picks a readable unit', () => {
    expect(formatTime(500)).toBe('500 ps');
    expect(formatTime(1_500)).toBe('1.5 ns');
    expect(formatTime(2_345_678)).toBe('2.346 us');
    expect(formatTime(2_000_000_000)).toBe('2 ms');
  });

  it('duration: formatTime chooses the unit after rounding (999999 ps is 1 us, not 1000 ns)', () => {
    expect(formatTime(999_999)).toBe('1 us');
    expect(formatTime(999_999_999)).toBe('1 ms');
    expect(formatTime(999.96)).toBe('1 ns');
    expect(formatTime(999_400)).toBe('999.4 ns');
    expect(formatTime(-999_999)).toBe('-1 us');
    expect(formatTime(5e15)).toBe('5000 s');
  });
});
