#!/usr/bin/env node
/**
 * The `npusim` executable (package.json bin: dist/src/cli/main.js). All logic is in run-cli.ts;
 * this file only binds it to the process, and ends through process.exitCode so that output is
 * flushed and the event loop drains (no hard exit in the middle of output).
 *
 * A command that never settles because nothing is left that could settle it (a workload module
 * whose top-level `await` waits for ever) would otherwise end with exit 0 and no word, as Node
 * ends any process whose event loop is empty: `beforeExit` catches that and says what happened.
 */
import { EXIT } from '../core/exit-codes.js';
import { workloadFilesImporting } from '../runtime/workload-imports.js';
import { runCli } from './run-cli.js';

let settled = false;

// A reader that went away (`npusim run ... 2>&1 | head -1`, a closed terminal) makes the next
// write to its stream fail with EPIPE, emitted as an 'error' that, unheard, would end the process
// as an uncaught exception: exit 1, which means a violation, with the run cut short and its
// files unwritten. Nothing more can be said on that stream, so the run goes on without it and
// ends with its own exit code and files. EIO is the same for a terminal that hung up (SIGHUP,
// which stops the run as Ctrl-C does, and then its summary meets the closed terminal).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'EIO') throw e;
  });
}

// Anything thrown where nothing can catch it (a timer of a workload file, a library's event that
// nobody listens to) would end the process as Node does, with exit 1: npusim's code for a
// violation found. It says what was thrown and ends with npusim's own failure code instead.
process.on('uncaughtException', (error: unknown) => {
  settled = true;
  process.stderr.write(
    `npusim: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(EXIT.crash);
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    settled = true;
    process.stderr.write(
      `npusim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.crash;
  },
);

process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  const stuck = workloadFilesImporting();
  if (stuck.length > 0) {
    process.stderr.write(
      `npusim: ${stuck.join(', ')}: Expected a workload module that finishes loading, got one that never does: ` +
        'its top-level `await` waits on a promise that nothing is left to settle (nothing ran)\n',
    );
    process.exitCode = EXIT.usage;
    return;
  }
  process.stderr.write(
    'npusim: the command stopped before it finished, with nothing left to wait on (a bug in npusim: please report it)\n',
  );
  process.exitCode = EXIT.crash;
});
