#!/usr/bin/env node
/**
 * The `npusim` executable (package.json bin: dist/src/cli/main.js). All logic is in run-cli.ts;
 * this file only binds it to the process, and ends through process.exitCode so that output is
 * flushed and the event loop drains (no hard exit in the middle of output). Once the command is
 * done and stdout and stderr have flushed, an unref'd timer ends the process with that code even
 * when something else still holds the event loop open (`endOnceFlushed`).
 *
 * A command that never settles because nothing is left that could settle it (a workload module
 * whose top-level `await` waits for ever) would otherwise end with exit 0 and no word, as Node
 * ends any process whose event loop is empty: `beforeExit` catches that and says what happened.
 */
// First: it refuses a Node too old for the rest before any of the rest runs (node-floor.ts).
import './node-floor.js';
import { EXIT, worseExit } from '../core/exit-codes.js';
import {
  NEVER_LOADS,
  refusedAtExit,
  workloadFilesImporting,
  workloadModuleOf,
} from '../runtime/workload-imports.js';
import { claimedByLoad, EXIT_REFUSED, keepExitGuarded, nodeExit } from '../runtime/workload-load-guard.js';
import { descriptorLimitText } from './descriptor-limit.js';
import { holdSignalsToProcessEnd, holdSignalsWhileFlushing, unwrittenBytes } from './interrupt.js';
import { takeDownBar } from './live-bar.js';

let settled = false;
/** The command has returned its exit code: its result is written, and only the exit grace is left. */
let commandEnded = false;

// process.exit as Node made it: while a workload module loads, and in this process after it,
// process.exit is one that refuses (workload-load-guard.ts), and npusim's own exits must not meet it.
const exit = (code?: number | string | null): never => nodeExit(typeof code === 'number' ? code : undefined);
keepExitGuarded();

// A reader that went away (`npusim run ... 2>&1 | head -1`, a closed terminal) makes the next
// write to its stream fail with EPIPE, emitted as an 'error' that, unheard, would end the process
// as an uncaught exception: exit 1, which means a violation, with the run cut short and its
// files unwritten. Nothing more can be said on that stream, so the run goes on without it and
// ends with its own exit code and files. EIO on a terminal is the same for one that hung up
// (SIGHUP, which stops the run as Ctrl-C does, and then its summary meets the closed terminal).
// Any other failed write to stdout (`> /dev/full`: ENOSPC; EIO of a failing disk, EBADF) lost
// output the user asked for: it is no bug of npusim (exit 4) but the place the output was sent, so
// it is said in one line on stderr, and the command, its run and files left as they are, ends with
// exit 2 where it would have ended with 0 (a finding's code, such as 1 for a violation, says more
// and stands: worseExit).
let outputLost = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || (e.code === 'EIO' && stream.isTTY)) return;
    // stderr's own failure has nowhere to be said: the command ends as it would have.
    if (stream === process.stderr || outputLost) return;
    outputLost = true;
    process.stderr.write(
      `npusim: stdout: Expected to write the command's output, got ${writeErrorText(e)}\n`,
    );
    // The command may already have ended (a write's error comes after it returned).
    if (typeof process.exitCode === 'number') process.exitCode = worseExit(process.exitCode, EXIT.usage);
  });
}

/** A failed write in the system's words and code: `ENOSPC: no space left on device`. */
function writeErrorText(e: NodeJS.ErrnoException): string {
  return e.message.replace(/, write$/, '') || String(e.code);
}

// Anything thrown where nothing can catch it (a timer of a workload file, a library's event that
// nobody listens to, a promise rejected with no handler) would end the process as Node does, with
// exit 1: npusim's code for a violation found. It says what was thrown and ends with npusim's own
// failure code instead, unless it is a workload module's.
process.on('uncaughtException', (error: unknown, origin: string) => {
  // A workload module's process.exit, refused while it loads, thrown from one of its timers: its
  // load is refused naming the call once it settles (or past the bound), with exit 2.
  if (error instanceof Error && error.name === EXIT_REFUSED) return;
  // Left uncaught while a workload module loads: the load is refused naming it (exit 2).
  if (claimedByLoad(error, origin)) return;
  settled = true;
  // Thrown from a workload module's code after its load (its timer): the file's error, not
  // npusim's (QA: exit 4 and `npusim: failed` read as a bug of npusim). Exit 2, as for a throw at its
  // top level: the input is at fault (README's exit table: 2 is a configuration error whose message
  // names the file; 4 is an actor of the model or npusim failing). npusim's own state may be left
  // half-changed by code on the stack, so the command stops there, without its result.
  const culprit = workloadModuleOf(error);
  if (culprit !== undefined) {
    const got =
      origin === 'unhandledRejection'
        ? 'a promise it rejected and left unhandled'
        : 'an error thrown from a timer or callback';
    const text = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    // After the command ended (its timer came due in the exit grace), the result is whole and its
    // exit code decided: said, but not changed, or one run would end 0 or 2 by when the timer fired
    // (QA: 4 runs in 6 exit 0, 2 exit 2 under a summary that said clean).
    if (commandEnded) {
      const code = typeof process.exitCode === 'number' ? process.exitCode : EXIT.clean;
      process.stderr.write(
        `npusim: ${culprit.file}: Expected a workload module whose code throws nothing once it has loaded, got ${got}: ${culprit.at}: ${text} (after the command had ended: its output and exit code ${code} stand)\n`,
      );
      exit(code);
    }
    process.stderr.write(
      `npusim: ${culprit.file}: Expected a workload module whose code throws nothing once it has loaded, got ${got}: ${culprit.at}: ${text} (the command stopped there, without its result)\n`,
    );
    exit(EXIT.usage);
  }
  // A progress bar drawn when it was thrown hid the cursor and turned the terminal's wrapping off:
  // left so, the shell after npusim had neither (terminal-bar.ts takes it down, line and all).
  takeDownBar(process.stderr);
  process.stderr.write(
    `npusim: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  exit(EXIT.crash);
});

// From a command's close to the process's end, signals are held (interrupt.ts): none meets Node's
// default action once the command's outcome is decided.
holdSignalsToProcessEnd();

// The commands are loaded here, not imported above: a static import that failed (EMFILE under a
// low `ulimit -n`: Node opens a command's modules at once) ended the process in Node's own words,
// a stack trace and exit 1, which means a violation found (QA), before any of this file ran.
import('./run-cli.js')
  .then(
    ({ runCli }) =>
      runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }),
    (error: unknown) => {
      const limit = descriptorLimitText(error);
      if (limit === undefined) throw error;
      process.stderr.write(`npusim: ${limit}\n`);
      return EXIT.usage;
    },
  )
  .then(
    (code) => {
      settled = true;
      commandEnded = true;
      endOnceFlushed(code);
    },
    (error: unknown) => {
      settled = true;
      commandEnded = true;
      takeDownBar(process.stderr);
      process.stderr.write(
        `npusim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      endOnceFlushed(EXIT.crash);
    },
  );

/**
 * How long the process may still take to end by itself once the command is done and its output
 * flushed: npusim's own last steps (a worker thread's termination, a lock file's removal) have it to
 * finish; what is still open after it is not npusim's.
 */
const EXIT_GRACE_MS = 100;

/**
 * End with `code` once everything written to stdout and stderr has gone out. A workload module may
 * leave a timer or a socket open (`setInterval` at its top level), and Node ends a process only when
 * nothing holds its event loop: npusim printed its whole result and then idled until killed (QA:
 * run, sweep and replay). So, once both streams have flushed (a write's callback: a pipe's reader
 * gets every byte, never a cut result), an unref'd timer calls process.exit. Unref'd, it holds
 * nothing open itself: a process with nothing left open ends the ordinary way before it fires.
 * A command's own signal handlers (interrupt.ts) handed over to the held ones at its close; from
 * here to the end a signal is held (holdSignalsWhileFlushing): said, the exit code left the
 * command's, or while output is still on its way to a slow reader, not left to cut it.
 */
function endOnceFlushed(code: number): void {
  process.exitCode = outputLost ? worseExit(code, EXIT.usage) : code;
  const unwritten = (): number => unwrittenBytes(process.stdout) + unwrittenBytes(process.stderr);
  // Held whether or not output is still on its way: a signal in the grace below met Node's
  // default action and ended a finished run with 130 or 143 (QA: SIGTERM at a batch job's end).
  holdSignalsWhileFlushing(process.stderr, unwritten);
  let waiting = 2;
  const flushed = (): void => {
    waiting -= 1;
    if (waiting === 0) setTimeout(() => exit(process.exitCode), EXIT_GRACE_MS).unref();
  };
  for (const stream of [process.stdout, process.stderr]) {
    // A stream whose reader went away (EPIPE above) is destroyed: nothing more will flush on it.
    // Nothing left to write is flushed: an empty write would meet a full disk (`> /dev/full`) too.
    if (stream.destroyed || !stream.writable || stream.writableLength === 0) flushed();
    else stream.write('', () => flushed());
  }
}

process.on('beforeExit', () => {
  if (settled) return;
  // A workload import refused just now (workload-imports.ts): the command meets the refusal and
  // says it, exit 2, as any other workload file's mistake.
  if (refusedAtExit()) return;
  settled = true;
  const stuck = workloadFilesImporting();
  if (stuck.length > 0) {
    process.stderr.write(`npusim: ${stuck.join(', ')}: ${NEVER_LOADS}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  process.stderr.write(
    'npusim: the command stopped before it finished, with nothing left to wait on (a bug in npusim: please report it)\n',
  );
  process.exitCode = EXIT.crash;
});
