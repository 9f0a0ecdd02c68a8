/**
 * Runs the `npusim` command in this process (runCli, the same function main.ts calls) with stdout
 * and stderr captured, so tests can check exit codes and messages of many inputs without starting
 * a process for each. `onStderr` sees stderr as it is written: a hand-off point for a test that
 * must act at a given moment of the command (after its checks, before its run ends).
 */
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';
import { testFailuresDir } from '../support/failures-dir.js';

/**
 * `argv` with `--failures` naming a temporary directory after the command, for `run` and `sweep`
 * when the test named no failures directory itself (nor `--no-failure-file`); other argv as given.
 * `sweep --merge` writes no file and refuses `--failures`, so it is left as given.
 */
export function withTestFailuresDir(argv: readonly string[]): string[] {
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'sweep') return [...argv];
  if (
    rest.some(
      (a) =>
        a === '--failures' || a.startsWith('--failures=') || a === '--no-failure-file' || a === '--merge',
    )
  ) {
    return [...argv];
  }
  return [command, '--failures', testFailuresDir(), ...rest];
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  argv: readonly string[],
  onStderr?: (soFar: string) => void,
  env: NodeJS.ProcessEnv = { NO_COLOR: '1' },
): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const out = new Writable({
    write(chunk, _encoding, done) {
      stdout += String(chunk);
      done();
    },
  });
  const err = new Writable({
    write(chunk, _encoding, done) {
      stderr += String(chunk);
      onStderr?.(stderr);
      done();
    },
  });
  const code = await runCli(withTestFailuresDir(argv), { stdout: out, stderr: err, env });
  return { code, stdout, stderr };
}

/** Stack frames ("    at f (file:1:2)"): a user-facing error must never show them. */
export const STACK_FRAME = /^\s+at .+[:(]/m;

/**
 * The run of the README's flush-race example up to its seed (`npusim run flush-race --bug
 * single-flush --seed 1`): a quick run that fails (order.atsd-released-early and
 * order.free-before-flushes at 16.66 us), for tests that need a failure, its failure file or its
 * result.
 */
export const FAILING_RUN = ['run', 'flush-race', '--bug', 'single-flush', '--seed', '1'] as const;
