/**
 * `npusim replay FILE`: run a failure file's run again, exactly, and show what led to its finding.
 *
 * How it works:
 *   1. read and check the file (failure-file.ts): its version, its fields, and that the workload
 *      it names is still the one it ran;
 *   2. run the same configuration (seed, strategy and choice log, options, topology) on the host
 *      asked for, inline or threaded; a free run (options.host `free`) from its take log instead,
 *      in this thread (src/runtime/free/free-replay.ts);
 *   3. compare: the same first finding (rule and tick) and the same digest (for a crash: the same
 *      actor at the same tick; for a recording of a clean run, a clean run) - anything else is
 *      named as a mismatch;
 *   4. the history: the run once more, inline, up to the end of the finding's tick, keeping each
 *      actor's last events whole; the events of the actors the finding names, merged in causal
 *      order, with kinds and fields by name (history.ts).
 */

import { ConfigError } from '../core/errors.js';
import * as machine from '../model/actors/machine.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { assembleResult } from '../report/assemble-result.js';
import type { RunResult } from '../report/run-result.js';
import { type Host, replayFreeRun, runRaw } from '../runtime/engine.js';
import { ActorCrashError, type CrashInfo } from '../runtime/run-errors.js';
import { loadWorkloadFile } from '../runtime/workload-file.js';
import { type FailureFile, type FirstFinding, readFailureFile, workloadFileOf } from './failure-file.js';
import { crashFinding, firstFinding } from './first-finding.js';
import { actorsInvolved, focusHistory, type HistoryLine, historyOf } from './history.js';

/** Events of each involved actor a history shows. */
export const HISTORY_EVENTS_PER_ACTOR = 40;

export interface ReplayOutcome {
  file: FailureFile;
  config: RunConfig;
  host: ReplayHost;
  /** The replayed run's result (undefined when it crashed). */
  result: RunResult | undefined;
  crash: CrashInfo | undefined;
  /** What the replay found first. */
  found: FirstFinding | undefined;
  /** Every way the replay differs from the file (empty: reproduced exactly). */
  mismatches: string[];
  history: HistoryLine[];
}

/** How a file is replayed: on the deterministic engine (inline or threaded), or from a free run's log. */
export type ReplayHost = Host | 'free-log';

async function runOnce(
  config: RunConfig,
  host: ReplayHost,
  file: FailureFile,
  where: string,
): Promise<{ result?: RunResult; crash?: CrashInfo }> {
  try {
    const raw =
      host === 'free-log'
        ? replayFreeRun(config, file.free!, `${where}: free`)
        : await runRaw(config, { host });
    return { result: assembleResult(config, machine.planMachine(config), raw) };
  } catch (e) {
    if (e instanceof ActorCrashError) return { crash: e.crash };
    throw e;
  }
}

/**
 * Replay `text` (a failure file, or a recording of a clean run). `host` undefined: the file's own
 * (a free run always replays from its log, in this thread; asking for another host is refused).
 */
export async function replayFailure(
  text: string,
  where: string,
  workloads: ReadonlyMap<string, Workload>,
  asked: Host | undefined,
  historyEvents = HISTORY_EVENTS_PER_ACTOR,
): Promise<ReplayOutcome> {
  const { file, config } = readFailureFile(text, where, workloads, await loadRecordedFile(text, where));
  if (file.free !== null && asked !== undefined) {
    throw new ConfigError(
      asked === 'inline' ? '--inline' : '--threads',
      `Expected no host for ${where}: it records a free run, which replays from its take log in one thread`,
    );
  }
  const host: ReplayHost =
    file.free !== null ? 'free-log' : (asked ?? (file.options.host === 'threaded' ? 'threaded' : 'inline'));
  const { result, crash } = await runOnce(config, host, file, where);
  const found =
    crash !== undefined ? crashFinding(crash) : result === undefined ? undefined : firstFinding(result);
  const mismatches: string[] = [];
  const want = file.first;
  if (want === null) {
    if (found !== undefined) mismatches.push(`expected a clean run, got ${found.rule} at tick ${found.tick}`);
  } else if (found === undefined)
    mismatches.push(`expected ${want.rule} at tick ${want.tick}, got a clean run`);
  else {
    if (found.rule !== want.rule) mismatches.push(`expected rule ${want.rule}, got ${found.rule}`);
    if (found.tick !== want.tick)
      mismatches.push(`expected the finding at tick ${want.tick}, got tick ${found.tick}`);
    if (want.rule === 'crash' && found.actors[0] !== want.actors[0]) {
      mismatches.push(`expected actor ${want.actors[0]} to crash, got ${found.actors[0]}`);
    }
  }
  if (result !== undefined && want?.rule !== 'crash' && result.digest !== file.digest) {
    mismatches.push(`expected digest ${file.digest}, got ${result.digest}`);
  }
  const history =
    found === undefined
      ? []
      : await historyFor(config, found, historyEvents, host === 'free-log' ? file : undefined, where);
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
      `Expected the workload file this failure ran (${path}), got: ${e.message}`,
    );
  }
}

/**
 * Step 4: the run up to the end of the finding's tick (before it, for a crash), tails kept. A free
 * run is replayed from its log once more, each actor keeping only events up to that tick.
 */
async function historyFor(
  config: RunConfig,
  found: FirstFinding,
  perActor: number,
  freeFile: FailureFile | undefined,
  where: string,
): Promise<HistoryLine[]> {
  const end = found.rule === 'crash' ? found.tick : found.tick + 1;
  if (end <= 0) return [];
  const upTo: RunConfig = { ...config, stopOnFirst: false, params: { ...config.params, durationTicks: end } };
  const plan = machine.planMachine(upTo);
  try {
    const raw =
      freeFile !== undefined
        ? replayFreeRun(config, freeFile.free!, `${where}: free`, {
            tailEvents: perActor,
            tailUntilTick: end - 1,
          })
        : await runRaw(upTo, { host: 'inline', tailEvents: perActor });
    // Rules judged where memory lands are judged by a chip the finding does not name: add the chips.
    const judgedAtChips = /^(translation\.|isolation\.dma)/.test(found.rule);
    const chips = judgedAtChips ? plan.actors.filter((a) => a.kind === 'chip').map((a) => a.name) : [];
    const lines = historyOf(
      plan,
      raw.tails ?? [],
      actorsInvolved(plan, [...found.actors, ...chips]),
      perActor,
    );
    const focused = focusHistory(lines, found.rule, found.actors, found.addresses);
    return focused.length > 0 ? focused : lines;
  } catch (e) {
    if (e instanceof ActorCrashError) return [];
    throw e;
  }
}
