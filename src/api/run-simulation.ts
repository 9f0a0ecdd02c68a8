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
import { checkEngineOptions, checkRunConfig } from './check-run-input.js';

/** `options` default to an inline run, as runWorkload's do. */
export async function runSimulation(
  config: RunConfig,
  options: EngineOptions = { host: 'inline' },
): Promise<RunResult> {
  // A library caller's input, checked as the command line checks its options, before any run.
  checkRunConfig(config);
  checkEngineOptions(options);
  const raw = await runRaw(config, options);
  return assembleResult(config, machine.planMachine(config), raw);
}
