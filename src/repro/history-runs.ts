/**
 * A replay's history runs (step 4 of replay.ts): the run once more, inline, up to the end of the
 * finding's tick, each actor keeping its last events, for the history of the finding; and for a
 * liveness failure naming a stuck shootdown, a run up to a short window after its start, for that
 * shootdown's own history. history.ts turns the events kept into lines; this file makes the runs
 * that keep them, hosted as the replayed run is (replay-runs.ts).
 */

import type { RecordFields } from '../core/record-fields.js';
import * as machine from '../model/actors/machine.js';
import { violationsWithEvidence } from '../model/check/evidence.js';
import type { Violation } from '../model/check/violation.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { ActorCrashError } from '../runtime/run-errors.js';
import type { FailureFile, FirstFinding } from './failure-file.js';
import {
  actorsInvolved,
  byteAddressKinds,
  focusHistory,
  type HistoryLine,
  historyOf,
  stuckShootdown,
  stuckShootdownLines,
} from './history.js';
import { type RecordedSteps, recordedSteps, withLines } from './recorded-steps.js';
import type { ReplayProgress, ReplayStop, Runners } from './replay-runs.js';
import { takeLogEvents } from './replay-runs.js';

/** A history's run's lines, and the finding as that run's oracle recorded it (FindingHistory.record). */
export interface FindingHistory {
  lines: HistoryLine[];
  /**
   * The first finding's violation as the history's run reports it, its evidence from every actor
   * (model/check/evidence.ts) taken at the end of the finding's tick: a run that went on far past
   * it, as a replayed run does, had forgotten it by its end (the histories are bounded), so a
   * stale ATS translation's record lost how the GPU's cache kept it (QA). Undefined for a crash.
   */
  record?: Violation;
}

/**
 * Step 4 of a replay (replay.ts): the run up to the end of the finding's tick, tails kept. A free
 * run is replayed from its log once more, each actor keeping only events up to that tick. A crash
 * ends the run again where it did, and its error carries the tails, the crashing event last in
 * its actor's (run-errors.ts), so the history ends with the event the actor crashed on.
 * Undefined when the caller stopped its run (replay.ts `ReplayHooks.stopped`).
 */
export async function historyFor(
  runners: Runners,
  config: RunConfig,
  found: FirstFinding,
  perActor: number,
  host: HistoryHost,
): Promise<FindingHistory | undefined> {
  const made = await lastEventsFor(runners, config, found, perActor, host);
  // Steps the finding's message names from long before its last events (a stale TCE's unmap, a
  // context's last put): found at the ticks its record gives them (recorded-steps.ts).
  const steps = made?.record === undefined ? undefined : recordedSteps(found, made.record.history);
  if (made === undefined || steps === undefined) return made;
  const kept = await linesAtTicks(runners, config, steps, host);
  return kept === undefined ? undefined : { ...made, lines: withLines(made.lines, steps.pick(kept)) };
}

/**
 * How a history's runs are made and shown: `freeFile`, a free run's failure file (its take log
 * replayed, not the seed run), `where` its name in errors, `showProgress` each run's progress,
 * `stop` where the replayed run stopped, `stopped` whether the caller stopped this one.
 */
export interface HistoryHost {
  freeFile: FailureFile | undefined;
  where: string;
  showProgress: ((config: RunConfig, label?: string, stop?: ReplayStop) => ReplayProgress) | undefined;
  stop: ReplayStop | undefined;
  stopped: (() => boolean) | undefined;
}

/** The history's main run: the last events of the actors involved, and those on the finding's pages. */
async function lastEventsFor(
  { run, runFree }: Runners,
  config: RunConfig,
  found: FirstFinding,
  perActor: number,
  { freeFile, where, showProgress, stop, stopped }: HistoryHost,
): Promise<FindingHistory | undefined> {
  const end = found.tick + 1;
  if (end <= 0) return { lines: [] };
  const upTo: RunConfig = { ...config, stopOnFirst: false, params: { ...config.params, durationTicks: end } };
  const plan = machine.planMachine(upTo);
  // The run again up to the finding, as long as the replay was when it found late: shown too. A
  // free run's is its whole log again, so it shows as the replayed run did.
  const progress =
    freeFile === undefined ? showProgress?.(upTo, 'history') : showProgress?.(config, 'history', stop);
  // Rules judged where memory lands are judged by a chip the finding does not name: add the chips.
  const judgedAtChips = /^(translation\.|isolation\.dma)/.test(found.rule);
  const chips = judgedAtChips ? plan.actors.filter((a) => a.kind === 'chip').map((a) => a.name) : [];
  // The finding's pages: their earlier events are kept too (its translation, its free), however
  // long before the last events they came.
  const pageNumbers = [...new Set(found.addresses.map((a) => Math.floor(a / HISTORY_PAGE_BYTES)))];
  const pages = { pages: pageNumbers, kinds: byteAddressKinds() };
  const linesOf = (tails: readonly (readonly RecordFields[])[]): HistoryLine[] => {
    const involved = actorsInvolved(plan, [...found.actors, ...chips]);
    const lines = historyOf(plan, tails, involved, perActor, pageNumbers.length > 0);
    const focused = focusHistory(lines, found.rule, found.actors, found.addresses);
    return focused.length > 0 ? focused : lines;
  };
  try {
    const raw =
      freeFile !== undefined
        ? await runFree(config, freeFile.free!, `${where}: free`, {
            tailEvents: perActor,
            tailPages: pages,
            tailUntilTick: end - 1,
            ...(progress === undefined ? {} : { onProgress: (t, e, f) => progress.update(t, e, f) }),
          })
        : await run(upTo, {
            host: 'inline',
            tailEvents: perActor,
            tailPages: pages,
            ...(progress === undefined ? {} : { onProgress: (t, e, f) => progress.update(t, e, f) }),
          });
    // Stopped by the caller: short of the log's events for a free run's (whose log may end
    // `interrupted` too).
    if (
      raw.stopped === 'interrupted' &&
      stopped?.() === true &&
      (freeFile === undefined || raw.events < takeLogEvents(freeFile.free!))
    )
      return undefined;
    const record = violationsWithEvidence(raw.reports).find(
      (v) => v.rule === found.rule && v.tick === found.tick && v.message === found.message,
    );
    return { lines: linesOf(raw.tails ?? []), ...(record === undefined ? {} : { record }) };
  } catch (e) {
    if (e instanceof ActorCrashError) return { lines: linesOf(e.tails ?? []) };
    throw e;
  } finally {
    progress?.stop();
  }
}

/**
 * The events `steps` looks for (recorded-steps.ts): the run again up to the end of each of its
 * ticks, keeping the last event of each of its kinds from each source on its pages, however long
 * ago (a later event of the kind on another range, or another thread's step, would have put it out
 * of one run to the finding), or where it keeps no pages (a shootdown's steps) each actor's last
 * `steps.tailEvents`; every actor's, each run's. A few runs, none past the configuration's end (a
 * shootdown's last reaches a little past the finding, to the release it sent there). Undefined
 * when the caller stopped one; none when a run crashed (it is not the run that found).
 */
async function linesAtTicks(
  { run, runFree }: Runners,
  config: RunConfig,
  steps: RecordedSteps,
  { freeFile, where, showProgress, stop, stopped }: HistoryHost,
): Promise<HistoryLine[] | undefined> {
  const { tailPages } = steps;
  // One last event of each actor where the steps are kept by their page; more where they are not.
  const tailEvents = steps.tailEvents ?? 1;
  // None past the run's end: a tick past it (a window after the finding) runs to the end.
  const ticks = [...new Set(steps.ticks.map((t) => Math.min(t, config.params.durationTicks - 1)))];
  const kept: HistoryLine[] = [];
  for (const [i, tick] of ticks.entries()) {
    const upTo: RunConfig = {
      ...config,
      stopOnFirst: false,
      params: { ...config.params, durationTicks: tick + 1 },
    };
    const plan = machine.planMachine(upTo);
    // Labelled apart from the history's main run: a free run's each replays its whole log, so its
    // progress started again from the beginning and read as going backwards (QA).
    const label = `history, step ${i + 1} of ${ticks.length}`;
    const progress =
      freeFile === undefined ? showProgress?.(upTo, label) : showProgress?.(config, label, stop);
    const onProgress =
      progress === undefined
        ? {}
        : { onProgress: (t: number, e: number, f: number) => progress.update(t, e, f) };
    try {
      const raw =
        freeFile !== undefined
          ? await runFree(config, freeFile.free!, `${where}: free`, {
              tailEvents,
              ...(tailPages === undefined ? {} : { tailPages }),
              tailUntilTick: tick,
              ...onProgress,
            })
          : await run(upTo, {
              host: 'inline',
              tailEvents,
              ...(tailPages === undefined ? {} : { tailPages }),
              ...onProgress,
            });
      if (
        raw.stopped === 'interrupted' &&
        stopped?.() === true &&
        (freeFile === undefined || raw.events < takeLogEvents(freeFile.free!))
      )
        return undefined;
      const all = plan.actors.map((a) => a.index);
      kept.push(...historyOf(plan, raw.tails ?? [], all, Number.MAX_SAFE_INTEGER));
    } catch (e) {
      if (e instanceof ActorCrashError) return [];
      throw e;
    } finally {
      progress?.stop();
    }
  }
  return kept;
}

/** The page size of RunnerOptions.tailPages: 64 KiB, the smallest page the model maps. */
const HISTORY_PAGE_BYTES = 2 ** 16;

/** How far past its start a stuck shootdown's history runs: its acquire and LAUNCH come at once. */
const STUCK_WINDOW_TICKS = 5_000_000;
/** Events of each actor that run keeps, to find the shootdown's among them (bounded: a window). */
const STUCK_TAIL_EVENTS = 5000;

/**
 * The stuck shootdown's history (`ReplayOutcome.stuckHistory`): the run again up to a short window
 * after its start, keeping its actors' events and then those of the shootdown. Undefined when the
 * finding names none or none of its events was kept; null when the caller stopped the run.
 */
export async function stuckHistoryFor(
  { run }: Runners,
  config: RunConfig,
  found: FirstFinding,
  perActor: number,
  showProgress: ((config: RunConfig, label?: string, stop?: ReplayStop) => ReplayProgress) | undefined,
  stopped: (() => boolean) | undefined,
): Promise<{ id: number; lines: HistoryLine[] } | undefined | null> {
  const stuck = stuckShootdown(found);
  if (stuck === undefined) return undefined;
  const end = Math.min(found.tick + 1, stuck.from + 2 * Math.ceil(stuck.after / 1000) + STUCK_WINDOW_TICKS);
  const upTo: RunConfig = { ...config, stopOnFirst: false, params: { ...config.params, durationTicks: end } };
  const plan = machine.planMachine(upTo);
  const progress = showProgress?.(upTo, 'history, stuck shootdown');
  try {
    const raw = await run(upTo, {
      host: 'inline',
      tailEvents: STUCK_TAIL_EVENTS,
      ...(progress === undefined ? {} : { onProgress: (t, e, f) => progress.update(t, e, f) }),
    });
    if (raw.stopped === 'interrupted' && stopped?.() === true) return null;
    const lines = historyOf(plan, raw.tails ?? [], actorsInvolved(plan, found.actors), STUCK_TAIL_EVENTS);
    const own = stuckShootdownLines(lines, stuck, perActor);
    return own.length === 0 ? undefined : { id: stuck.id, lines: own };
  } catch (e) {
    if (e instanceof ActorCrashError) return undefined;
    throw e;
  } finally {
    progress?.stop();
  }
}
