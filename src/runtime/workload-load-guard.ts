/**
 * What npusim keeps from a workload module's top-level code while it loads (workload-file.ts).
 *
 * A module whose top-level `await` never settles while something else (a `setInterval`) keeps the
 * process alive hung npusim with no word at all (QA): such a load is refused at `beforeExit`
 * (workload-imports.ts refusalAtExit) only when nothing else is left to run. So a load that has not finished after NOTE_AFTER_S says so
 * on stderr, naming the file, and one that has not finished after the bound (60 s, or
 * NPUSIM_WORKLOAD_LOAD_TIMEOUT seconds, 0 for none) is refused with a ConfigError (exit 2). A
 * workload is a few fields; a minute is far more than any module that finishes needs, and a batch
 * job (Slurm) would rather fail with a word than hold its allocation until its own limit. The
 * timers are unref'd: they keep nothing alive, so a module that waits on nothing still ends at once
 * through `beforeExit`.
 *
 * `process.exit(0)` in a module's top-level code ended npusim with exit 0 and nothing printed (QA):
 * a CI job read a run that never happened as clean. While a module loads, process.exit throws
 * instead, and the load is refused naming the file, the call and its place (exit 2), even when the
 * module caught what was thrown; the real one is put back once the load settles.
 *
 * An error nothing catches while a module loads (a promise it rejects and leaves unhandled, a throw
 * from its timer while its top-level `await` waits) ended npusim as its own failure: exit 4,
 * `npusim: failed` and a stack (QA). It is the module's, as a throw at its top level is: the load is
 * refused naming the file and the place (exit 2), at once (a load that waits on more is not waited
 * for). Node says an unhandled rejection only once the microtasks are done, which may be after the
 * import settled: the load waits one turn of the event loop before it counts as done. The command's
 * process hands its uncaught exceptions here first (cli/main.ts: claimedByLoad).
 *
 * What a module prints on stdout while it loads (`console.log` at its top level) went ahead of the
 * result, and `npusim run w.mjs --json | jq` read no JSON (QA): stdout is npusim's result alone, so
 * while a module loads process.stdout.write (which console.log calls) writes to stderr instead.
 */
import { decimalSeconds } from '../core/decimal-seconds.js';
import { ConfigError } from '../core/errors.js';
import { refusalAtExit } from './workload-imports.js';

/** The environment variable that sets the bound in seconds (README "Your own workloads"). */
export const LOAD_TIMEOUT_ENV = 'NPUSIM_WORKLOAD_LOAD_TIMEOUT';

/** The bound when NPUSIM_WORKLOAD_LOAD_TIMEOUT is unset. */
export const DEFAULT_LOAD_TIMEOUT_S = 60;

/** After this long (or half the bound, when that is sooner) a load still running is said on stderr. */
const NOTE_AFTER_S = 5;

/**
 * The name of what process.exit throws while a module loads. Thrown from a timer of the module it
 * reaches cli/main.ts's `uncaughtException`, which leaves it to the load to refuse when it settles.
 */
export const EXIT_REFUSED = 'ProcessExitRefused';

/**
 * npusim's own exits (cli/main.ts, interrupt.ts): process.exit as it was before a guard of this
 * module took its place (in the command's process it stays guarded after a load: keepExitGuarded),
 * or process.exit as it is now when no guard holds it (a test's spy included).
 */
export function nodeExit(code?: number): never {
  const current = process.exit as unknown;
  const before = keptExit ?? realExit;
  if ((current === refusedExit || current === lateExit) && before !== undefined) return before(code);
  return process.exit(code);
}

/** process.exit as it was before the guard, once a load left lateExit in its place. */
let keptExit: typeof process.exit | undefined;

/**
 * Set by the `npusim` command (cli/main.ts), whose process is npusim's: once a module has loaded,
 * process.exit stays refused (lateExit) rather than being Node's again. A module's timer calling
 * `process.exit(0)` mid-run ended `run` and `sweep` with exit 0 and no output, once with V8 aborting
 * in a sweep's pool (QA). A program that uses the library keeps its own process.exit after a load.
 */
let exitGuardedForGood = false;
export function keepExitGuarded(): void {
  exitGuardedForGood = true;
}

/** Whether lateExit has said its note (once a process: a module's setInterval may call it often). */
let lateExitSaid = false;

/** process.exit after a module loaded, in the command's process: said once on stderr, and ignored. */
function lateExit(code?: unknown): never {
  if (!lateExitSaid) {
    lateExitSaid = true;
    const call = `process.exit(${code === undefined ? '' : typeof code === 'number' ? code : JSON.stringify(code)})`;
    process.stderr.write(
      `npusim: a workload module called \`${call}\` after it loaded (from a timer or callback): ignored; npusim ends the process itself, with the command's exit code, once the command is done\n`,
    );
  }
  return undefined as never;
}

/** What nothing caught while a module loaded (an unhandled rejection, a timer's throw), oldest first. */
const strayErrors: { got: string; error: unknown }[] = [];
/** The loads under way, each told when something it did is left uncaught (it ends at once). */
const strayWatchers = new Set<(error: unknown) => void>();

/** An unhandled rejection while a module loads: its load's, held by this listener, not thrown. */
function onUnhandledRejection(reason: unknown): void {
  claim(reason, 'an unhandled rejection');
}

function claim(error: unknown, got: string): void {
  strayErrors.push({ got, error });
  for (const watcher of strayWatchers) watcher(error);
}

/**
 * Whether `error`, thrown where nothing catches it (Node's `uncaughtException`, whose `origin`
 * says which), came while a workload module loads: the load takes it and is refused naming it.
 */
export function claimedByLoad(error: unknown, origin: string): boolean {
  if (loading === 0) return false;
  claim(
    error,
    origin === 'unhandledRejection' ? 'an unhandled rejection' : 'an error thrown from a timer or callback',
  );
  return true;
}

/** The calls of process.exit made while a module loaded (`process.exit(0)`, and where), oldest first. */
const exitCalls: { call: string; error: Error }[] = [];
/** Loads under way, and process.exit as it was before the first of them. */
let loading = 0;
let realExit: typeof process.exit | undefined;
let realStdoutWrite: typeof process.stdout.write | undefined;
/** Whether stdout's write was its own property (a test's spy) rather than its prototype's. */
let ownStdoutWrite = false;

/** What process.stdout.write is while a module loads: stderr's. */
function stdoutToStderr(...args: Parameters<typeof process.stderr.write>): boolean {
  return (process.stderr.write as (...a: typeof args) => boolean)(...args);
}

/** What process.exit is while a module loads: it records the call and throws. */
function refusedExit(code?: unknown): never {
  const call = `process.exit(${code === undefined ? '' : typeof code === 'number' ? code : JSON.stringify(code)})`;
  const error = new Error(`${call} called while a workload module loads: npusim refuses it`);
  error.name = EXIT_REFUSED;
  exitCalls.push({ call, error });
  throw error;
}

/**
 * Run `load` (the import of workload module `file`) under the guard described above; `placeOf`
 * gives the place (`FILE:LINE:COLUMN`) of an error's innermost frame in the workload file or in a
 * module of the user's it imports, if any.
 */
export async function guardedLoad<T>(
  file: string,
  load: () => Promise<T>,
  placeOf: (e: unknown) => string | undefined,
): Promise<T> {
  const boundS = loadTimeoutSeconds();
  const timers: NodeJS.Timeout[] = [];
  // The note after NOTE_AFTER_S is the watchdog's (workload-load-watchdog.ts), which says it
  // whether or not this thread is free; the refusal is made here when it is.
  const refused = new Promise<never>((_, reject) => {
    if (boundS > 0) {
      timers.push(setTimeout(() => reject(loadTimeoutRefusal(file, boundS)), boundS * 1000).unref());
    }
  });
  const callsBefore = exitCalls.length;
  const strayBefore = strayErrors.length;
  let watcher: ((error: unknown) => void) | undefined;
  const strayed = new Promise<never>((_, reject) => {
    watcher = reject;
    strayWatchers.add(reject);
  });
  if (loading === 0) {
    process.on('unhandledRejection', onUnhandledRejection);
    realExit = process.exit;
    process.exit = refusedExit as typeof process.exit;
    realStdoutWrite = process.stdout.write;
    ownStdoutWrite = Object.hasOwn(process.stdout, 'write');
    process.stdout.write = stdoutToStderr as typeof process.stdout.write;
  }
  loading += 1;
  const atExit = refusalAtExit(file);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await Promise.race([load(), refused, strayed, atExit.refused]) };
  } catch (error) {
    outcome = { error };
  }
  atExit.stop();
  for (const timer of timers) clearTimeout(timer);
  // A rejection the module left unhandled is said once the microtasks are done: one turn.
  if (strayErrors.length === strayBefore) await new Promise((done) => setImmediate(done));
  strayWatchers.delete(watcher!);
  strayed.catch(() => {});
  // Whatever the load came to, a call of process.exit is what is said: the module may have caught
  // what it threw, or died of it. Then what it left uncaught.
  const exited = exitRefusal(file, callsBefore, placeOf) ?? strayRefusal(file, strayBefore, placeOf);
  loading -= 1;
  if (loading === 0) {
    process.off('unhandledRejection', onUnhandledRejection);
    strayErrors.length = 0;
  }
  if (loading === 0 && realExit !== undefined && realStdoutWrite !== undefined) {
    if (exitGuardedForGood) keptExit ??= realExit;
    process.exit = exitGuardedForGood ? (lateExit as typeof process.exit) : realExit;
    if (ownStdoutWrite) process.stdout.write = realStdoutWrite;
    else delete (process.stdout as { write?: unknown }).write;
    realExit = undefined;
    realStdoutWrite = undefined;
    exitCalls.length = 0;
  }
  if (exited !== undefined) throw exited;
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** A ConfigError naming the first process.exit the module called while it loaded, if it called one. */
function exitRefusal(
  file: string,
  callsBefore: number,
  placeOf: (e: unknown) => string | undefined,
): ConfigError | undefined {
  const exit = exitCalls[callsBefore];
  if (exit === undefined) return undefined;
  const at = placeOf(exit.error);
  return new ConfigError(
    file,
    `Expected a workload module that leaves ending the process to npusim, got one that called \`${exit.call}\` while it loaded${at === undefined ? '' : ` (${at})`}`,
  );
}

/** A ConfigError naming the first error the module left uncaught while it loaded, if it left one. */
function strayRefusal(
  file: string,
  strayBefore: number,
  placeOf: (e: unknown) => string | undefined,
): ConfigError | undefined {
  const stray = strayErrors[strayBefore];
  if (stray === undefined) return undefined;
  const at = placeOf(stray.error);
  const text =
    stray.error instanceof Error ? (stray.error.message.split('\n')[0] ?? '') : String(stray.error);
  return new ConfigError(
    file,
    `Expected a module that loads, got ${stray.got}: ${at === undefined ? '' : `${at}: `}${text}`,
  );
}

/** When a load still running is said on stderr: NOTE_AFTER_S, or half the bound when that is sooner. */
export function loadNoteSeconds(boundS: number): number {
  return boundS === 0 ? NOTE_AFTER_S : Math.min(NOTE_AFTER_S, boundS / 2);
}

/**
 * The line said on stderr when the load of `file` has run `noteS` seconds. It names a slow load
 * first: a TypeScript module that imports others took 5.5 s on a loaded 2-core machine, and the
 * line read as a fault in it (QA).
 */
export function loadNoteText(file: string, noteS: number, boundS: number): string {
  return (
    `npusim: ${file}: still loading after ${seconds(noteS)}: its code has not finished (slow to load on a busy machine, a TypeScript module compiled first; or a top-level \`await\` that never settles, or a loop that never ends); ` +
    (boundS === 0
      ? `waiting for it (${LOAD_TIMEOUT_ENV}=0)\n`
      : `refused at ${seconds(boundS)} (${LOAD_TIMEOUT_ENV} sets the bound in seconds)\n`)
  );
}

/** The refusal of a load of `file` still running after `boundS` seconds. */
export function loadTimeoutRefusal(file: string, boundS: number): ConfigError {
  return new ConfigError(
    file,
    `Expected a workload module that finishes loading, got one whose code had not finished after ${seconds(boundS)} ` +
      `(a top-level \`await\` that never settles, or a loop that never ends?; ${LOAD_TIMEOUT_ENV} sets the bound in seconds, 0 for none)`,
  );
}

/** The bound in seconds from NPUSIM_WORKLOAD_LOAD_TIMEOUT (0: none), refused by name when not a number. */
export function loadTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[LOAD_TIMEOUT_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_LOAD_TIMEOUT_S;
  const value = decimalSeconds(text);
  // setTimeout takes at most 2^31-1 ms (about 24.8 days); past that it fires at once.
  if (!Number.isFinite(value) || value < 0 || value * 1000 > 2 ** 31 - 1) {
    throw new ConfigError(
      LOAD_TIMEOUT_ENV,
      `Expected a number of seconds, from 0 (no bound) to 2147483 (the bound on how long a workload module may take to load), got \`${text}\``,
    );
  }
  return value;
}

function seconds(s: number): string {
  return `${Number(s.toFixed(3))} s`;
}
