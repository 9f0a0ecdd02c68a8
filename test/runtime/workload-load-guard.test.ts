/**
 * NPUSIM_WORKLOAD_LOAD_TIMEOUT (runtime/workload-load-guard.ts): decimal seconds only, and checked
 * by every command before it runs, whatever its workload (QA: `0x10` read as 16 s, and `abc` was
 * ignored for a built-in workload).
 */
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { DEFAULT_LOAD_TIMEOUT_S, loadTimeoutSeconds } from '../../src/runtime/workload-load-guard.js';

const bound = (text: string | undefined) =>
  loadTimeoutSeconds(text === undefined ? {} : { NPUSIM_WORKLOAD_LOAD_TIMEOUT: text });

describe('NPUSIM_WORKLOAD_LOAD_TIMEOUT', () => {
  test('decimal seconds are read; unset or blank is the default', () => {
    expect(bound(undefined)).toBe(DEFAULT_LOAD_TIMEOUT_S);
    expect(bound('  ')).toBe(DEFAULT_LOAD_TIMEOUT_S);
    expect(bound('0')).toBe(0);
    expect(bound(' 2 ')).toBe(2);
    expect(bound('1.5')).toBe(1.5);
  });

  test.each(['0x10', '1e3', '0b1', '-1', 'abc', '2s', 'Infinity', '2147484'])(
    '`%s` is refused naming the variable and the value',
    (text) => {
      expect(() => bound(text)).toThrow(
        `NPUSIM_WORKLOAD_LOAD_TIMEOUT: Expected a number of seconds, from 0 (no bound) to 2147483`,
      );
      expect(() => bound(text)).toThrow(`got \`${text}\``);
    },
  );

  test('a command refuses a bad value before it runs, with a built-in workload too (exit 2)', async () => {
    let stderr = '';
    const sink = (into: (s: string) => void) =>
      new Writable({
        write(chunk, _encoding, done) {
          into(String(chunk));
          done();
        },
      });
    let stdout = '';
    const code = await runCli(['run', 'stress', '--inline', '--duration', '1us', '--no-failure-file'], {
      stdout: sink((s) => {
        stdout += s;
      }),
      stderr: sink((s) => {
        stderr += s;
      }),
      env: { NO_COLOR: '1', NPUSIM_WORKLOAD_LOAD_TIMEOUT: 'abc' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('npusim: NPUSIM_WORKLOAD_LOAD_TIMEOUT: Expected a number of seconds');
    expect(stdout).toBe('');
  });
});
