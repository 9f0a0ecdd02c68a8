/**
 * One simulation, from configuration to result: the engine (src/runtime) runs it on the chosen
 * host and the result assembler (src/report) judges and summarises it. The library API, the tests
 * and the benchmarks come through here; the command line does the same steps itself so that it can
 * show progress and stop on Ctrl-C.
 */
import * as machine from '../model/actors/machine.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { assembleResult } from '../report/assemble-result.js';
import type { RunResult } from '../report/run-result.js';
import { type EngineOptions, runRaw } from '../runtime/engine.js';
import { checkCrashActor, checkEngineOptions, checkRunConfig } from './check-run-input.js';

/**
 * Runs a whole RunConfig (its seed, parameters, strategy and `crashAt` as given) on `options.host`
 * and resolves with its result.
 * A run that could not finish rejects rather than resolving with status `crash`: ActorCrashError
 * when an actor threw (`crash` names the actor, its tick and its last event), EngineStallError when
 * a threaded engine stopped moving for `watchdogMs`, WorkerLostError when a worker thread died
 * outside any actor, AssertionFailure for a bug in npusim; bad input is a ConfigError naming the
 * field, before anything runs. `shouldStop` is polled (inline every 4096 events, in this thread:
 * it must read what the run itself changes, such as a deadline or a count kept by `onProgress`;
 * threaded with each progress report): true ends the run with status `interrupted` (exit 130).
 * `onProgress(tick, events, findings)` is called as it goes (inline every 65,536 events).
 * `options` left out run it inline, as runWorkload's do; given, they name their `host` (a ConfigError
 * naming `host` otherwise: EngineOptions has no default host).
 */
export async function runSimulation(
  config: RunConfig,
  options: EngineOptions = { host: 'inline' },
): Promise<RunResult> {
  // A library caller's input, checked as the command line checks its options, before any run.
  checkRunConfig(config);
  checkEngineOptions(options);
  const plan = machine.planMachine(config);
  checkCrashActor(config, plan.actors);
  const raw = await runRaw(config, options);
  return assembleResult(config, plan, raw);
}
