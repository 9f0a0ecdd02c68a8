/**
 * Where the workers' V8 isolates compile optimised code: on a background thread (V8's default)
 * or on the worker's own thread.
 *
 * Why it matters. When a run's workers do not outnumber the cores they spin while they wait
 * (threaded-runtime.ts), so every core is taken by a worker. V8's background compiler thread then
 * takes a core from one of them, and in a conservative loop a worker that loses its core stalls
 * its partner too: neither can get more than a lookahead ahead of the other (the summary's
 * `waits:` line shows these stalls as waits of milliseconds). Compiling on the worker's own thread
 * costs that worker the compile time and no one else a core. With more workers than cores the
 * threads park and the OS shares the cores anyway, and an inline run has a core to spare for the
 * compiler, so both keep V8's default.
 *
 * V8 reads the flag when an isolate is created, so setting it before a run's workers start
 * applies to their isolates and leaves the main thread's as it was (an inline run after a
 * threaded one in the same process measured the same). Measured with `npm run bench -- engine`
 * (README "Engine").
 */
import { setFlagsFromString } from 'node:v8';

/** Set before constructing a run's workers: `onOwnThread` when they will spin (cores suffice). */
export function compileOnWorkerThreads(onOwnThread: boolean): void {
  setFlagsFromString(onOwnThread ? '--no-concurrent-recompilation' : '--concurrent-recompilation');
}
