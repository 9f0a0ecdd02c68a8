/**
 * `npusim replay FILE`: run a failure file's run again, exactly, and show what led to its finding.
 *
 * How it works:
 *   1. read and check the file (failure-file.ts): its version, its fields, and that the workload
 *      it names is still the one it ran;
 *   2. run the same configuration (seed, strategy and choice log, options, topology) on the host
 *      asked for, inline or threaded;
 *   3. compare: the same first finding (rule and tick) and the same digest (for a crash: the same
 *      actor at the same tick) - anything else is named as a mismatch;
 *   4. the history: the run once more, inline, up to the end of the finding's tick, keeping each
 *      actor's last events whole; the events of the actors the finding names, merged in causal
 *      order, with kinds and fields by name (history.ts).
 */

import { ConfigError } from '../core/errors.js';
import * as machine from '../model/actors/machine.js';
import type { RunConfig, Workload } from '../model/scenario/workload.js';
import { assembleResult } from '../report/assemble-result.js';
import type { RunResult } from '../report/run-result.js';
import { type Host, runRaw } from '../runtime/engine.js';
import { ActorCrashError, type CrashInfo } from '../runtime/run-errors.js';
import { loadWorkloadFile } from '../runtime/workload-file.js';
import { type FailureFile, type FirstFinding, readFailureFile, workloadFileOf } from './failure-file.js';
import { crashFinding, firstFinding } from './first-finding.js';
import { actorsInvolved, type HistoryLine, historyOf } from './history.js';

/** Events of each involved actor a history shows. */
export const HISTORY_EVENTS_PER_ACTOR = 12;

export interface ReplayOutcome {
  file: FailureFile;
  config: RunConfig;
  host: Host;
  /** The replayed run's result (undefined when it crashed). */
  result: RunResult | undefined;
  crash: CrashInfo | undefined;
  /** What the replay found first. */
  found: FirstFinding | undefined;
  /** Every way the replay differs from the file (empty: reproduced exactly). */
  mismatches: string[];
  history: HistoryLine[];
}

async function runOnce(config: RunConfig, host: Host): Promise<{ result?: RunResult; crash?: CrashInfo }> {
  try {
    const raw = await runRaw(config, { host });
    return { result: assembleResult(config, machine.planMachine(config), raw) };
  } catch (e) {
    if (e instanceof ActorCrashError) return { crash: e.crash };
    throw e;
  }
}

export async function replayFailure(
  text: string,
  where: string,
  workloads: ReadonlyMap<string, Workload>,
  host: Host,
  historyEvents = HISTORY_EVENTS_PER_ACTOR,
): Promise<ReplayOutcome> {
  const { file, config } = readFailureFile(text, where, workloads, await loadRecordedFile(text, where));
  const { result, crash } = await runOnce(config, host);
  const found =
    crash !== undefined ? crashFinding(crash) : result === undefined ? undefined : firstFinding(result);
  const mismatches: string[] = [];
  const want = file.first;
  if (found === undefined) mismatches.push(`expected ${want.rule} at tick ${want.tick}, got a clean run`);
  else {
    if (found.rule !== want.rule) mismatches.push(`expected rule ${want.rule}, got ${found.rule}`);
    if (found.tick !== want.tick)
      mismatches.push(`expected the finding at tick ${want.tick}, got tick ${found.tick}`);
    if (want.rule === 'crash' && found.actors[0] !== want.actors[0]) {
      mismatches.push(`expected actor ${want.actors[0]} to crash, got ${found.actors[0]}`);
    }
  }
  if (result !== undefined && want.rule !== 'crash' && result.digest !== file.digest) {
    mismatches.push(`expected digest ${file.digest}, got ${result.digest}`);
  }
  const history = found === undefined ? [] : await historyFor(config, found, historyEvents);
  return { file, config, host, result, crash, found, mismatches, history };
}

/** The user's workload file the failure ran, loaded again (refused by name when it cannot be). */
async function loadRecordedFile(text: string, where: string): Promise<Workload | undefined> {
  const path = workloadFileOf(text);
  if (path === undefined) return undefined;
  try {
    return await loadWorkloadFile(path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(
      `${where}: workload.file`,
      `Expected the workload file this failure ran (${path}, relative to the directory npusim runs in), got: ${e.message}`,
    );
  }
}

/** Step 4: the run up to the end of the finding's tick (before it, for a crash), tails kept. */
async function historyFor(config: RunConfig, found: FirstFinding, perActor: number): Promise<HistoryLine[]> {
  const end = found.rule === 'crash' ? found.tick : found.tick + 1;
  if (end <= 0) return [];
  const upTo: RunConfig = { ...config, stopOnFirst: false, params: { ...config.params, durationTicks: end } };
  const plan = machine.planMachine(upTo);
  try {
    const raw = await runRaw(upTo, { host: 'inline', tailEvents: perActor });
    return historyOf(plan, raw.tails ?? [], actorsInvolved(plan, found.actors), perActor);
  } catch (e) {
    if (e instanceof ActorCrashError) return [];
    throw e;
  }
}
