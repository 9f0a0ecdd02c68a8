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
 * compiler, so both keep V8's default. So does a run with fewer workers than cores: a spare core
 * takes the compiles, and the workers' own threads do not. The compiles are not small: on 3 ms of
 * `stress` one worker's isolate spent about 640 ms in TurboFan (`node --trace-opt`), and
 * `--workers 1` on two cores ran about 12 % slower with them on its own thread.
 *
 * V8 reads the flag when an isolate is created, so setting it before a run's workers start
 * applies to their isolates and leaves the main thread's as it was (an inline run after a
 * threaded one in the same process measured the same). Measured with `npm run bench -- engine`
 * (bench/README.md "Engine").
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Whether a run's workers compile on their own threads: only when they spin (`spinning`: workers do
 * not outnumber cores) and leave no core spare (workers equal cores).
 */
export function compilesOnOwnThread(workers: number, cores: number, spinning: boolean): boolean {
  return spinning && workers >= cores;
}

/** Set before constructing a run's workers (`compilesOnOwnThread` gives the rule). */
export function compileOnWorkerThreads(workers: number, cores: number, spinning: boolean): void {
  setFlagsFromString(
    compilesOnOwnThread(workers, cores, spinning)
      ? '--no-concurrent-recompilation'
      : '--concurrent-recompilation',
  );
}
