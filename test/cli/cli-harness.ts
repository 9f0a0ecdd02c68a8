/**
 * Runs the `npusim` command in this process (runCli, the same function main.ts calls) with stdout
 * and stderr captured, so tests can check exit codes and messages of many inputs without starting
 * a process for each. `onStderr` sees stderr as it is written: a hand-off point for a test that
 * must act at a given moment of the command (after its checks, before its run ends).
 */
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: readonly string[], onStderr?: (soFar: string) => void): Promise<CliOutcome> {
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
  const code = await runCli(argv, { stdout: out, stderr: err, env: { NO_COLOR: '1' } });
  return { code, stdout, stderr };
}

/** Stack frames ("    at f (file:1:2)"): a user-facing error must never show them. */
export const STACK_FRAME = /^\s+at .+[:(]/m;
