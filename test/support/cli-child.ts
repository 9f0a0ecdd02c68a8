/**
 * `npusim` from source as a child process (the suite's bundle of src/cli/main.ts, made from the
 * sources when the test run starts: source-cli-bundle.ts), for the tests that
 * need a process of its own: a real SIGINT, another working directory, a process's exit code.
 * `interruptOn` hands off on what the child prints, never on a sleep: SIGINT (or `signal`) is sent
 * once stderr shows the marker (a string, or the first match of a pattern, reported back as `marker`). The
 * child is killed, and the promise rejected, past `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Names the suite's bundle of the command (source-cli-bundle.ts), cli.mjs, for the children. */
export const SOURCE_CLI_ENV = 'NPUSIM_SOURCE_CLI';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What stderr showed when SIGINT was sent ('' when it was not). */
  marker: string;
}

export interface ChildOptions {
  interruptOn?: string | RegExp;
  /** The signal `interruptOn` sends (default SIGINT). */
  signal?: NodeJS.Signals;
  /** Send it twice at once, as GNU `timeout` does (to the process, then to its group). */
  twice?: boolean;
  cwd?: string;
  timeoutMs?: number;
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
  /** Close the read end of the child's stderr at once, as `2>&1 | head -c 0` would (stderr then empty). */
  closeStderr?: boolean;
  /** Close the read end of the child's stdout at once, as `| head -c 0` would (stdout then empty). */
  closeStdout?: boolean;
  /** A path the child's stdout is written to, as `> PATH` would (stdout then empty here). */
  stdoutTo?: string;
}

/**
 * How the child starts the command: the suite's bundle of it (source-cli-bundle.ts), which the
 * global setup makes before any test file runs and names in SOURCE_CLI_ENV.
 */
function commandArgs(): string[] {
  const bundled = process.env[SOURCE_CLI_ENV];
  if (bundled === undefined || bundled === '') {
    throw new Error(
      `cli-child: expected ${SOURCE_CLI_ENV} to name the suite's bundle of the command (test/support/source-bundles.ts makes it), got ${bundled === undefined ? 'nothing' : 'an empty value'}`,
    );
  }
  return ['--enable-source-maps', bundled];
}

export function cliChild(args: readonly string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  const { interruptOn, cwd = ROOT, timeoutMs = 50_000, signal = 'SIGINT', twice = false } = options;
  return new Promise((resolve, reject) => {
    const stdoutFd = options.stdoutTo === undefined ? undefined : openSync(options.stdoutTo, 'w');
    const child = spawn(process.execPath, [...commandArgs(), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    });
    // The child holds its own copy of the descriptor.
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    let stdout = '';
    let stderr = '';
    let marker = '';
    if (options.closeStderr === true) child.stderr?.destroy();
    if (options.closeStdout === true) child.stdout?.destroy();
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (interruptOn === undefined || marker !== '') return;
      const seen =
        typeof interruptOn === 'string'
          ? stderr.includes(interruptOn)
            ? interruptOn
            : ''
          : (interruptOn.exec(stderr)?.[0] ?? '');
      if (seen !== '') {
        marker = seen;
        child.kill(signal);
        if (twice) child.kill(signal);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npusim ${args.join(' ')} ran past ${timeoutMs} ms; stderr so far:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, marker });
    });
  });
}
