/**
 * A watchdog for a workload module's load that works while the main thread is blocked.
 *
 * workload-load-guard.ts bounds a load with timers on the main thread, which covers a top-level
 * `await` that never settles; a synchronous loop (`while (true) {}` at the top level, or in a
 * getter of the export read while the workload is checked) blocks that thread, so those timers
 * never fire and npusim hung for ever with no word, under `run` and `sweep` alike (QA). So, for
 * the whole load of a module file (import and checks), a small worker thread watches:
 *
 * - After the note time (5 s) the file is said on stderr to be still loading, once, by whichever
 *   side comes first (state[1]): the main thread's timer when that thread is free, else the
 *   worker, with fs.writeSync(2) (a worker's process.stderr is piped through the main thread).
 *   The worker's time counts from the load's start, not its own: a worker can take longer than the
 *   note time to start on a busy machine, and the main thread then refused the load at its bound
 *   having said nothing (CI: the note was missing beside the refusal).
 * - Past the bound (plus GRACE_MS, so that the main thread's own refusal wins when it is free) it
 *   ends the main thread's JavaScript: through the inspector (`connectToMainThread`) it first has
 *   the main thread keep the worker referenced (so the process stays up), then sends
 *   `Runtime.terminateExecution`, which V8 serves between two steps of the loop. The main thread
 *   then runs its event loop again: an immediate there says so, the worker disconnects and ends,
 *   and its exit rejects `expired` with the ConfigError the load is refused with (exit 2). A
 *   session still connected at exit would have Node print "Waiting for the debugger to
 *   disconnect...", hence that order. Termination that came before the loop began (it ends the
 *   next JavaScript to run) is sent again until the main thread answers.
 * - Ctrl-C while the module loads says which file was loading (QA: exit 130 with no word), and so
 *   do SIGTERM and SIGHUP (QA: they ended the process as silently). Signals reach JavaScript on the
 *   main thread only through its event loop, blocked here; so the worker watches the three itself
 *   (process.binding('signal_wrap'): a worker has no process.on for signals), says which came with
 *   writeSync, stops watching (the default actions are back) and sends that signal again: the
 *   process ends as the signal ends it (a shell says 130, 143 or 129).
 *
 * Started only for a module file (a built-in workload or a JSON file runs no user code), with no
 * execArgv (no tsx in the worker), unref'd: it holds nothing open, so a module that waits on
 * nothing still ends at once through cli/main.ts's `beforeExit`.
 *
 * Theory of operation (the shared words)
 * --------------------------------------
 * `state`, two Int32 words in a SharedArrayBuffer, every access an Atomics one. state[0] leaves
 * LOADING once, by a compareExchange, so of the two sides that may end the load exactly one
 * wins: the main thread's `stop` (LOADING -> DONE: the load is over, the worker is terminated)
 * or the worker past the bound (LOADING -> EXPIRED: it ends the main thread's JavaScript). Only
 * after EXPIRED does the main thread, in the immediate the worker asked for, store TAKEN: the
 * worker then disconnects, and its exit rejects `expired`. state[1] is the note: 0 -> 1 by a
 * compareExchange, so the note is said once, by whichever side comes first, and only while
 * state[0] is LOADING. The signal handlers only read state[0], to say whether a load was cut.
 */
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ConfigError } from '../core/errors.js';

/** state[0]: the load's state, written by the side that changes it (Atomics); state[1]: 1 once the note is said. */
const LOADING = 0;
/** The load is over (stop): the watchdog ends and says nothing more. */
const DONE = 1;
const EXPIRED = 2;
const TAKEN = 3;

/** How long past the bound the watchdog waits for the main thread's own refusal. */
const GRACE_MS = 1_000;
/** How long the worker waits for the main thread to answer a termination before sending another. */
const RETRY_MS = 1_000;

/** The global (a Symbol.for key, numbered) through which the worker (via the inspector) has the main thread keep it referenced. */
const HOLD_KEY = 'npusim.loadWatchdogHold';

let watchdogs = 0;

/** The watchdog's code (CommonJS, eval'd: no file to find from source and from dist alike). */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { state, startedAt, noteMs, noteText, expireMs, interruptText, holdKey } = workerData;
// The process's monotonic clock (one for every thread, unmoved by a change of the date).
const nowMs = () => Number(process.hrtime.bigint() / 1000000n);
// The load's time, from its start on the main thread (this worker may have started late).
const after = (ms) => Math.max(0, ms - (nowMs() - startedAt));
const LOADING = ${LOADING}, EXPIRED = ${EXPIRED}, TAKEN = ${TAKEN};
// The signals that stop npusim (Ctrl-C, a kill, a closed terminal), each watched here.
const watched = [];
const unwatch = () => {
  for (const w of watched.splice(0)) w.close();
};
try {
  process.noDeprecation = true;
  const { Signal } = process.binding('signal_wrap');
  for (const [number, name] of [[2, 'SIGINT'], [15, 'SIGTERM'], [1, 'SIGHUP']]) {
    const w = new Signal();
    w.onsignal = () => {
      unwatch();
      if (Atomics.load(state, 0) === LOADING) writeSync(2, interruptText.replace('SIGNAL', name));
      process.kill(process.pid, name);
    };
    if (w.start(number) === 0) watched.push(w);
    else w.close();
  }
} catch {
  unwatch();
}
setTimeout(() => {
  if (Atomics.load(state, 0) === LOADING && Atomics.compareExchange(state, 1, 0, 1) === 0) writeSync(2, noteText);
}, after(noteMs));
if (expireMs > 0) {
  setTimeout(() => {
    if (Atomics.compareExchange(state, 0, LOADING, EXPIRED) !== LOADING) return;
    const session = new (require('node:inspector').Session)();
    session.connectToMainThread();
    const end = () => {
      session.post('Runtime.evaluate', { expression: 'globalThis[Symbol.for(' + JSON.stringify(holdKey) + ')]?.()' }, () => {
        session.post('Runtime.terminateExecution', () => {
          const started = nowMs();
          const wait = () => {
            if (Atomics.load(state, 0) === TAKEN) {
              unwatch();
              session.disconnect();
            } else if (nowMs() - started > ${RETRY_MS}) end();
            else setTimeout(wait, 20);
          };
          wait();
        });
      });
    };
    end();
  }, after(expireMs + ${GRACE_MS}));
}
`;

export interface LoadWatchdog {
  /** Rejects with `refusal` when the watchdog ended a load that ran past the bound; never resolves. */
  readonly expired: Promise<never>;
  /** The load is over: the watchdog ends (and says nothing more). */
  stop(): void;
}

/**
 * Watch the load of workload module `file`: `noteText` on stderr after `noteS` seconds, and past
 * `boundS` (0: none) the load ended and refused with `refusal`.
 */
export function startLoadWatchdog(
  file: string,
  noteS: number,
  boundS: number,
  noteText: string,
  refusal: () => ConfigError,
): LoadWatchdog {
  const state = new Int32Array(new SharedArrayBuffer(8));
  // One key a watchdog: two files may load at once (a replay's workload beside a command's).
  watchdogs += 1;
  const holdKey = `${HOLD_KEY}.${watchdogs}`;
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: {
      state,
      // The monotonic clock the worker reads too (process.hrtime: one for every thread): the
      // wall clock (Date.now) stepped by NTP or a change of the date between here and the
      // worker's start would cut a healthy load short, or say the note early (QA Q47).
      startedAt: Number(process.hrtime.bigint() / 1_000_000n),
      noteMs: noteS * 1000,
      noteText,
      expireMs: boundS * 1000,
      // SIGNAL: the name of the signal that came (the worker fills it in).
      interruptText: `\nnpusim: ${file}: interrupted (SIGNAL) while the workload module was loading; nothing ran\n`,
      holdKey,
    },
    stdout: true,
    stderr: true,
  });
  worker.unref();
  // The note from this thread when it is free (the worker's may come late: see the header).
  const note = setTimeout(() => {
    if (Atomics.load(state, 0) === LOADING && Atomics.compareExchange(state, 1, 0, 1) === 0) {
      writeSync(2, noteText);
    }
  }, noteS * 1000).unref();
  const hold = Symbol.for(holdKey);
  const globals = globalThis as Record<symbol, unknown>;
  // Called by the worker through the inspector, possibly in the middle of the module's loop: it
  // only references the worker and asks for an immediate, which runs once the loop has ended.
  globals[hold] = () => {
    worker.ref();
    setImmediate(() => Atomics.store(state, 0, TAKEN));
  };
  const expired = new Promise<never>((_, reject) => {
    worker.once('exit', () => {
      if (Atomics.load(state, 0) === TAKEN) reject(refusal());
    });
    worker.once('error', () => {});
  });
  // Nobody may await it (the load settled first): its rejection is then nobody's.
  expired.catch(() => {});
  return {
    expired,
    stop() {
      clearTimeout(note);
      if (globals[hold] !== undefined) delete globals[hold];
      if (Atomics.compareExchange(state, 0, LOADING, DONE) === LOADING) void worker.terminate();
    },
  };
}
