/**
 * `npusim shrink`: make a failing run small enough to read while the same rule still fails.
 *
 * How it works (each candidate is judged by a whole inline re-run that stops at its first finding;
 * a candidate is kept only when it fails with the same rule, ranks below the best so far (fewer
 * events, then actors, simulated time, choice deviations: `improves`) and is no larger than the
 * original on any measure). A liveness failure (exit 3: a shootdown that never completed, found
 * after its first violation) must also stay one: a candidate whose run ends with violations only
 * is not the same failure, however early its first finding, so such a run is never cut at its
 * first finding when that is a violation; it is cut at its liveness failure instead (the run's
 * duration set to end at that tick, kept only when the re-run still ends as the same failure):
 *   1. the run stops at its first finding (everything after it is noise);
 *   2. the scenario, pass after pass until none helps (scenario-passes.ts, in its order): fewer
 *      tenants, IOMMU groups, the smaller topology where the tenants still fit, fewer GPU engines,
 *      CPU threads, processes, pages and TCE pages, fewer outstanding DMAs, slower traffic (longer
 *      intervals: DMA, TCE unmaps, BAR0 accesses), with whole kinds of traffic dropped on the way;
 *      for a liveness failure whose shootdown can never complete (a deadlock cycle, or a hung
 *      register: stuck-shootdown.ts, which every candidate must then show too), a shorter
 *      shootdown deadline, the run shortened with it: the same failure is found sooner;
 *   3. the choices: the run's choice sequences are recorded and replayed instead of the seed
 *      (strategy `replay`), then reduced the way Hypothesis reduces its choice buffer: cut each
 *      actor's tail (past the end every choice is 0, the simplest), delete spans, set spans to 0,
 *      lower single values, sort small spans (choice-passes.ts: spans grown with `findInteger`,
 *      values lowered to the least kept; the passes that kept something run first next round). Deleting or zeroing a span shifts or simplifies every
 *      choice after it, so many candidates take another path; only those that still fail stay.
 *      A choice candidate that ties the best on every measure is kept too: each pass makes the log
 *      shortlex-smaller (shorter, or smaller values), Hypothesis's order, so a value that did not
 *      matter is lowered and trailing zeros go;
 *   4. the scenario passes again, on the recorded choices (where a smaller parameter no longer
 *      draws another schedule), a counting pass keeping a tie too (a parameter the failure does not need:
 *      QA saw `pagesPerProcess 32` and `maxOutstanding 64` kept in a 17-event run that fails as
 *      well with 1), and the duration cut to where the run stopped; then 3 and 4 again until a
 *      round keeps nothing (QA: kexec-boot's shrink stopped at 10 events, and a shrink of its
 *      result went on to 4).
 * It stops at the budget (candidate runs) with the best so far; nothing in it is random, so the
 * same file shrinks to the same result.
 */

import { ConfigError } from '../core/errors.js';
import * as machine from '../model/actors/machine.js';
import { deviations } from '../model/choice/choice-log.js';
import { checkOnePerActor } from '../model/choice/per-actor-logs.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { parseParams } from '../model/scenario/workload-params.js';
import { assembleResult } from '../report/assemble-result.js';
import { configDigestOf } from '../report/outcome-digest.js';
import type { RunResult } from '../report/run-result.js';
import { runRaw } from '../runtime/engine.js';
import { ActorCrashError } from '../runtime/run-errors.js';
import { CHOICE_PASSES, type ChoicePass, shrinkChoices } from './choice-passes.js';
import {
  buildFailureFile,
  type FailureFile,
  type FirstFinding,
  recordsInterruptedRun,
  type ShrinkMark,
} from './failure-file.js';
import {
  crashFinding,
  exitClassOf,
  findingMismatches,
  firstFinding,
  partyMismatches,
} from './first-finding.js';
import type { LivenessFinding } from './liveness-text.js';
import { scenarioPasses } from './scenario-passes.js';
import { shrunkOptions } from './shrunk-options.js';
import { type Stuck, stuckAtLiveness } from './stuck-shootdown.js';

export interface Measures {
  events: number;
  simulatedTicks: number;
  actors: number;
  deviations: number;
}

export interface ShrinkProgress {
  phase: 'scenario' | 'choices';
  pass: string;
  runs: number;
  budget: number;
  /** What the shrink would return were it to stop now: never larger than the original. */
  best: Measures;
}

export interface ShrinkOptions {
  budget: number;
  /** The file's name in errors (default `shrink`). */
  where?: string;
  onProgress?: (p: ShrinkProgress) => void;
  /**
   * Called once the original's run has reproduced, before any candidate, with its earliest
   * liveness finding when the failure is a liveness failure (what every candidate must keep, which
   * the file does not record: it holds the first finding alone), else undefined.
   */
  onStart?: (liveness: LivenessFinding | undefined) => void;
  /**
   * Polled before each candidate (Ctrl-C): true ends the shrink with the best so far, after the
   * candidate in progress. Each candidate first yields to the event loop, so that a signal's
   * handler runs between two candidates (a candidate's inline run holds the thread).
   */
  shouldStop?: () => boolean;
}

export interface ShrinkOutcome {
  before: Measures;
  after: Measures;
  runs: number;
  /** Stopped by `shouldStop` (Ctrl-C) before the budget ran out or the passes were done. */
  stopped: boolean;
  /**
   * The budget ran out while a pass still had candidates to try (`lastPass` names it, as the
   * progress lines do): the result may shrink further. False when the passes were done.
   */
  budgetUsedUp: boolean;
  /** The phase and pass of the last candidate run (`choices: zero spans`), if any ran. */
  lastPass: string | undefined;
  /**
   * With `budgetUsedUp`: the pass of the run held back for the result's last cut (`scenario: end at
   * the first finding`), when it ran after `lastPass` ran out, so the last progress line names it.
   */
  finalCut?: string;
  /** Candidates kept: 0 when the result is the original's run, nothing reduced. */
  kept: number;
  /**
   * For a liveness failure (exit 3), its earliest liveness finding in the original's run and in
   * the result's: what the shrink preserved, which the first finding (often a violation) is not.
   */
  liveness: { before: LivenessFinding; after: LivenessFinding } | undefined;
  file: FailureFile;
  config: RunConfig;
}

/** A run's earliest liveness failure (liveness-text.ts prints it). */
export type { LivenessFinding };

interface Trial {
  config: RunConfig;
  first: FirstFinding;
  liveness: LivenessFinding | undefined;
  /**
   * Its earliest liveness failure's shootdown can never complete: a deadlock cycle or a hung
   * register (stuck-shootdown.ts).
   */
  stuck: Stuck | undefined;
  measures: Measures;
  result: RunResult | undefined;
  choices: number[][] | undefined;
}

/** The file's first finding, when it can be shrunk: a failure of a deterministic run. */
export function shrinkable(file: FailureFile, where: string): FirstFinding {
  if (file.first === null) {
    throw new ConfigError(
      where,
      file.exit.class === 'interrupted'
        ? 'Expected a failure file to shrink, got the recording of a run Ctrl-C stopped before it found anything: there is nothing to shrink; `npusim replay` it, or record a run that fails'
        : 'Expected a failure file to shrink, got the recording of a clean run: there is nothing to shrink; `npusim replay` it, or record a run that fails (another seed, a `--bug`)',
    );
  }
  if (file.free !== null) {
    throw new ConfigError(
      where,
      'Expected a failure file of a deterministic run, got a free run: it replays only from its take log, and a shrink must re-run candidates; find the failure with `npusim sweep` (without --free) to shrink it',
    );
  }
  return file.first;
}

/**
 * A file whose configuration was edited (its configDigest is the run's) cannot be the failure it
 * records: said before any run, as replay says it (QA: the edited seed's run came first, then
 * only `Expected the failure to reproduce`). The command asks it before its opening line too (QA:
 * `shrinking FILE` was printed above the refusal).
 */
export function checkConfigUnedited(file: FailureFile, original: RunConfig, where: string): void {
  if (file.configDigest !== undefined && configDigestOf(original) !== file.configDigest) {
    throw new ConfigError(
      where,
      `Expected the configuration the run wrote (configDigest ${file.configDigest}), got one of digest ${configDigestOf(original)}: the file was edited (its seed, bug switches or parameters), so it no longer gives the run that failed; \`npusim replay\` of it says so too`,
    );
  }
}

export async function shrinkFailure(
  file: FailureFile,
  original: RunConfig,
  workload: Workload,
  options: ShrinkOptions,
): Promise<ShrinkOutcome> {
  if (!Number.isSafeInteger(options.budget) || options.budget < 1) {
    throw new ConfigError('--budget', `Expected a whole number of runs from 1, got \`${options.budget}\``);
  }
  const where = options.where ?? 'shrink';
  checkConfigUnedited(file, original, where);
  const want: Wanted = {
    rule: shrinkable(file, where).rule,
    liveness: file.exit.class === 'liveness',
    stuck: undefined,
  };
  // The original as it ran (its choices recorded, to measure its deviations). A run Ctrl-C
  // stopped is started at its first finding: its stop cannot be re-run (a threaded one's at all),
  // only that finding is shrunk, and its whole --duration could be hours past the stop (QA: a
  // 20 ms run stopped at 0.9 ms was re-run to 20 ms). Its `before` column is the run up to it.
  const start = await trial(
    recordsInterruptedRun(file) ? { ...original, stopOnFirst: true } : original,
    want,
    true,
  );
  if (start === undefined) {
    throw new ConfigError(
      where,
      `Expected the failure to reproduce before shrinking, got no ${want.rule}${want.liveness ? ' ending in a liveness failure' : ''}: replay the file to see why`,
    );
  }
  checkReproduced(file, start, where);
  // A deadlock stays a deadlock, a hung register a hung register: every candidate's liveness
  // failure must show the same (a deadlock whose candidate's shootdown waits on a register that
  // never clears is another failure, and so is a merely slow shootdown).
  if (want.liveness) want.stuck = start.stuck;
  options.onStart?.(want.liveness ? start.liveness : undefined);
  const s = new ShrinkRun(want, start, options);
  s.holding = true;
  // 1. Stop at the first finding; a liveness failure whose first finding is a violation would end
  // there without its deadlock, so its run is cut at its liveness failure instead.
  const cutsAtLiveness =
    want.liveness && start.liveness !== undefined && start.liveness.tick > start.first.tick;
  if (cutsAtLiveness) await endAtLiveness(s);
  else if (s.best.config.stopOnFirst !== true) await stopAtFirst(s);
  // 2. The scenario, to a fixpoint (a smaller scenario may deadlock earlier: cut there again).
  await shrinkScenario(s, workload.name);
  if (cutsAtLiveness) await endAtLiveness(s);
  // 3. The choices: replay the recorded sequences, then reduce them; 4. the scenario again on
  // them; both until a round keeps nothing.
  if (s.left()) await shrinkRecordedChoices(s, workload.name);
  // Last, the run cut at its liveness failure, or at its first finding, with the run held back
  // for it; a budget that ran out is still said to have run out in the pass that used it up.
  const ranOutIn = s.lastPass;
  s.holding = false;
  s.holdToOriginal();
  const last = s.finalCut();
  if (last !== undefined) await s.tryConfig(last.config, last.pass, 'scenario', true, true);
  const cutAfter = s.budgetUsedUp && last !== undefined && ranOutIn !== s.lastPass ? s.lastPass : undefined;
  if (s.budgetUsedUp) s.lastPass = ranOutIn;
  const best = s.best;
  const result = best.result;
  // The variant and --sets its shrunk parameters no longer hold are left out (shrunk-options.ts).
  const config = shrunkOptions(best.config, workload);
  const shrunk = buildFailureFile({
    config,
    workload,
    host: 'inline',
    digest: result?.digest || '0000000000000000',
    exitClass: result === undefined ? 'crash' : (exitClassOf(result) ?? 'violation'),
    exitCode: result?.exitCode ?? 4,
    first: best.first,
    simulatedTicks: best.measures.simulatedTicks,
    events: best.measures.events,
    shrink: shrinkMark(file, s),
  });
  return {
    before: s.before,
    after: best.measures,
    runs: s.runs,
    stopped: s.stopped,
    budgetUsedUp: s.budgetUsedUp,
    lastPass: s.lastPass,
    ...(cutAfter === undefined ? {} : { finalCut: cutAfter }),
    kept: s.kept,
    liveness:
      want.liveness && start.liveness !== undefined && best.liveness !== undefined
        ? { before: start.liveness, after: best.liveness }
        : undefined,
    file: shrunk,
    config,
  };
}

/**
 * What the result says of its shrink (FailureFile `shrink`): the run it came from as its file
 * recorded it, or, for a file shrunk again, the first shrink's; the runs of every shrink. Nothing
 * kept: the result is the file's own run, marked as the file was.
 */
function shrinkMark(file: FailureFile, s: ShrinkRun): ShrinkMark | undefined {
  if (s.kept === 0) return file.shrink;
  const { digest, figures } = file;
  return {
    from: file.shrink?.from ?? { digest, events: figures.events, simulatedTicks: figures.simulatedTicks },
    runs: (file.shrink?.runs ?? 0) + s.runs,
    ended: s.stopped ? 'stopped' : s.budgetUsedUp ? 'budget' : 'done',
  };
}

/**
 * The shrink starts from the file's own run, or its `before` column and every candidate measured
 * against it would be another run's: the same first finding at the same tick and, for a whole run
 * that had one, the same digest (a run Ctrl-C stopped has the digest of its stop, a crash none).
 */
function checkReproduced(file: FailureFile, start: Trial, where: string): void {
  const want = file.first!;
  const got = start.first;
  const digest = start.result?.digest;
  const compareDigest = want.rule !== 'crash' && !recordsInterruptedRun(file);
  // As replay judges it (first-finding.ts): the rule, tick, actors and addresses.
  const same = findingMismatches(want, got, recordsInterruptedRun(file)).length === 0;
  if (same && (!compareDigest || digest === file.digest)) return;
  const what = (f: FirstFinding, d: string | undefined) =>
    `${f.rule === 'crash' ? `a crash of ${f.actors[0]}` : f.rule} at tick ${f.tick}${compareDigest && d !== undefined ? `, digest ${d}` : ''}`;
  const parties = want.rule === 'crash' ? [] : partyMismatches(want, got);
  throw new ConfigError(
    where,
    `Expected the failure to reproduce before shrinking (${what(want, file.digest)}), got ${what(got, digest)}${parties.length === 0 ? '' : ` (${parties.join('; ')})`}: \`npusim replay\` of the file says how it differs`,
  );
}

/**
 * What a candidate must still do: fail first with `rule` and, when the original was a liveness
 * failure (its exit class, whatever its first finding), end as one; when that liveness failure's
 * shootdown could never complete (`stuck`: a deadlock cycle or a hung register, stuck-shootdown.ts),
 * end as the same kind.
 */
interface Wanted {
  rule: string;
  liveness: boolean;
  stuck: Stuck | undefined;
}

/** A shrink under way: the failure that must still happen, the runs spent, the best trial so far. */
class ShrinkRun {
  /** Candidate runs so far, the original's included. */
  runs = 1;
  best: Trial;
  readonly before: Measures;

  constructor(
    readonly want: Wanted,
    start: Trial,
    private readonly options: ShrinkOptions,
  ) {
    this.best = start;
    this.original = start;
    this.within = start;
    this.before = start.measures;
    this.ceiling = {
      ...start.measures,
      simulatedTicks: Math.max(start.measures.simulatedTicks, start.config.params.durationTicks),
    };
  }

  /**
   * What a candidate may not pass while the shrink goes on: the original's measures, but in
   * simulated time its whole duration, not where its run stopped. A run stopped at its first
   * finding (`--stop-on-first`, a sweep's) otherwise refused every smaller scenario that found the
   * failure a little later, and shrank far less than the same failure's whole run (QA Q51:
   * guest-atsd seed 1 to 920 events against 105, tce-storm to 99 against 25, at 1000 runs); both now reach
   * the same result. The result itself is held to the original's measures (`within`).
   */
  readonly ceiling: Measures;
  /** The original's run (the first trial). */
  private readonly original: Trial;
  /**
   * The latest kept trial no larger than the original on any measure: the result, should the best
   * at the end be longer in simulated time than the original (a budget that ran out before the
   * passes came back below it).
   */
  within: Trial;

  /**
   * Back to `within` when the best passes the original on some measure; when that is the original
   * itself, nothing was kept (the command then says nothing was reduced, not a table of equals).
   */
  holdToOriginal(): void {
    if (!this.passesOriginal()) return;
    this.best = this.within;
    if (this.within === this.original) this.kept = 0;
  }

  /** Set once `shouldStop` said so: no candidate runs after it. */
  stopped = false;
  /**
   * Set when a pass asked for another run and the budget had none left: the passes are asked only
   * while they have a candidate to try (left() is their loop's last condition), so the result may
   * shrink further.
   */
  budgetUsedUp = false;
  /** `phase: pass` of the last candidate run. */
  lastPass: string | undefined;
  /** Candidates kept. */
  kept = 0;

  /** Whether the budget has exactly one run left (nothing held back for a cut after it). */
  lastRun(): boolean {
    return this.options.budget - this.runs === 1;
  }

  /** Whether the budget allows another run, and nobody asked to stop. */
  left(): boolean {
    if (!this.stopped && this.options.shouldStop?.()) this.stopped = true;
    if (this.stopped) return false;
    const budget = this.options.budget - (this.holding && this.finalCut() !== undefined ? 1 : 0);
    if (this.runs >= budget) this.budgetUsedUp = true;
    return this.runs < budget;
  }

  /**
   * While the passes run, one run is held back for the last step (the run cut at its liveness
   * failure, or at its first finding) whenever the result as it stands would need it: a budget
   * that runs out inside a pass would otherwise leave the result running on, events and all, past
   * a failure a round's cut had not reached yet (QA Q48: a deadlock's result ran to 62.5 us, its
   * liveness failure at 39.06 us), or saying a duration past where it stops (tce-storm's at 1000
   * runs: 2.213 us, stopped at 2.164 us). Only then: a run held back for a result that already
   * ends there (a crash, which has no cut; a shrunk file shrunk again) went unused, and the
   * headline said 29 runs of a budget of 30 "used up" (QA).
   */
  holding = false;

  /**
   * The last step's candidate for the result as it stands (the best, or `within` where the best
   * passes the original: holdToOriginal), or undefined when its run already ends at its liveness
   * failure, or at its first finding, or cannot be cut (a crash).
   */
  finalCut(): { config: RunConfig; pass: string } | undefined {
    const t = this.passesOriginal() ? this.within : this.best;
    return this.want.liveness ? livenessCut(t) : findingCut(t);
  }

  /** The best passes the original on some measure (it may, in simulated time, while shrinking). */
  private passesOriginal(): boolean {
    return !RANK.every((k) => this.best.measures[k] <= this.before[k]);
  }

  /** One run of `config`, counted against the budget. */
  async judge(config: RunConfig, record = false): Promise<Trial | undefined> {
    // A turn of the event loop first: a signal that came during the last candidate is handled
    // now, and the candidate after this one is not started (left()).
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.runs++;
    return trial(config, this.want, record);
  }

  /**
   * Runs a candidate (budget allowing) and keeps it when it fails the same way and improves, or,
   * with `tieKeeps` (a candidate simpler by construction: a smaller count, a shortlex-smaller log),
   * when it ties the best on every measure.
   */
  async tryConfig(
    config: RunConfig,
    pass: string,
    phase: ShrinkProgress['phase'],
    record = false,
    tieKeeps = false,
  ): Promise<boolean> {
    if (!this.left()) return false;
    const t = await this.judge(config, record);
    let kept = false;
    if (
      t !== undefined &&
      (improves(t.measures, this.best.measures, this.ceiling) ||
        (tieKeeps && RANK.every((k) => t.measures[k] === this.best.measures[k])))
    ) {
      kept = true;
      const was = { best: this.best, within: this.within };
      this.best = t;
      this.kept++;
      if (RANK.every((k) => t.measures[k] <= this.before[k])) this.within = t;
      // The budget's last run went to a candidate because the result needed no cut: one that
      // would need it, with no run left to cut it, is not kept (had the run been held back, it
      // would not have run at all).
      if (this.holding && this.runs >= this.options.budget && this.finalCut() !== undefined) {
        this.best = was.best;
        this.within = was.within;
        this.kept--;
        kept = false;
      }
    }
    this.lastPass = `${phase}: ${pass}`;
    // After the candidate is judged, so the best reported is this run's when it was kept (the
    // last run's line agrees with the result); and what the shrink would return now: while the
    // best passes the original on some measure that is `within` (QA: `best 20 events, 3.201 us` of
    // a run stopped at 2.65 us, which the result could never be, read as a shrink getting worse).
    this.options.onProgress?.({
      phase,
      pass,
      runs: this.runs,
      budget: this.options.budget,
      best: (this.passesOriginal() ? this.within : this.best).measures,
    });
    return kept;
  }
}

/**
 * A liveness failure's run ended just after the tick of its liveness finding (its duration cut
 * there): what follows is noise, as after a first finding, but a run stopped at its first finding
 * (a violation) would end before the deadlock is found. Kept only when it still ends as one, and on
 * a tie: a run that already stops there (its first finding is the liveness failure) measures the
 * same, and refusing the tie left the result saying its whole duration when the budget ran out
 * before a round's `end at the first finding` (QA Q51: atsd-hang at --budget 30 said 300 us of a
 * run stopped at 125 us).
 */
async function endAtLiveness(s: ShrinkRun): Promise<void> {
  const cut = livenessCut(s.best);
  if (cut !== undefined) await s.tryConfig(cut.config, cut.pass, 'scenario', true, true);
}

/** `t`'s run cut just after its liveness failure; undefined when it ends there already. */
function livenessCut(t: Trial): { config: RunConfig; pass: string } | undefined {
  const at = t.liveness;
  const config = t.config;
  if (at === undefined || at.tick + 1 >= config.params.durationTicks) return undefined;
  const params = { ...config.params, durationTicks: at.tick + 1 };
  return { config: { ...config, params }, pass: 'end at the liveness failure' };
}

/**
 * Every scenario pass, again and again until none keeps a candidate (or the budget is spent).
 * `onChoices`: the run replays a recorded choice log (step 4): a counting pass's tie is kept (a
 * smaller count is simpler; a longer interval, offered several times over, is kept only when it
 * ranks lower, and is tried here too so that a shrink of the result keeps nothing more).
 */
async function shrinkScenario(s: ShrinkRun, workloadName: string, onChoices = false): Promise<void> {
  for (let progress = true; progress && s.left(); ) {
    progress = false;
    for (const [pass, make, counts] of scenarioPasses(s.want.stuck !== undefined)) {
      // Repeat a pass while one of its candidates is kept (the first kept wins each round).
      for (let kept = true; kept && s.left(); ) {
        kept = false;
        for (const next of make(s.best.config.params)) {
          const config = withParams(s.best.config, next, workloadName);
          if (
            config !== undefined &&
            (await s.tryConfig(config, pass, 'scenario', true, onChoices && counts))
          ) {
            kept = progress = true;
            break;
          }
        }
      }
    }
  }
}

/**
 * The best run's choices, recorded and replayed instead of its seed, then reduced; then the
 * scenario on them (step 4), and both again until a round keeps nothing.
 */
async function shrinkRecordedChoices(s: ShrinkRun, workloadName: string): Promise<void> {
  const recorded = s.best.choices ?? (await s.judge(s.best.config, true))?.choices;
  if (recorded === undefined) return;
  const replay = { ...s.best.config, strategy: { kind: 'replay' as const, choices: recorded } };
  const asReplay = await s.judge(replay);
  // The recorded choices replayed must be the same run, or every reduction of them starts from
  // another run than the best (which stays the result).
  if (
    asReplay === undefined ||
    asReplay.measures.events !== s.best.measures.events ||
    asReplay.first.tick !== s.best.first.tick
  ) {
    return;
  }
  s.best = { ...asReplay, choices: recorded };
  // The passes that kept a candidate in the last round run first in the next, as Hypothesis runs
  // the passes that were useful lately first: a budget that runs out mid-round has spent it where
  // reductions were being found.
  let order: readonly ChoicePass[] = CHOICE_PASSES;
  for (let round = true; round && s.left(); ) {
    const kept = s.kept;
    const useful = await shrinkChoices(
      () => s.best.choices!,
      async (choices, pass) => {
        const ok = await s.tryConfig(
          { ...s.best.config, strategy: { kind: 'replay', choices } },
          pass,
          'choices',
          false,
          shortlexBelow(choices, s.best.choices!),
        );
        if (ok) s.best = { ...s.best, choices };
        return ok;
      },
      () => s.left(),
      order,
    );
    order = [...useful, ...order.filter((p) => !useful.includes(p))];
    await shrinkScenario(s, workloadName, true);
    await endAtFinding(s);
    // The choices or a shorter deadline may have moved the liveness failure earlier.
    if (s.want.liveness) await endAtLiveness(s);
    round = s.kept > kept;
  }
}

/**
 * Step 1 for a run that does not stop at its first finding: stopped there. Where the budget has
 * only that one run left, its duration is cut to the tick after the finding in the same candidate
 * (findingCut's cut, which a run stopped there reaches): the cut it would otherwise need had no run
 * left, and the candidate was dropped (QA: `--budget 2` reduced nothing, 3 runs 241835 -> 13197
 * events). Only then: a duration cut this early, before the scenario's passes, led those to a
 * larger result (atsd-hang's shrink ended at 17 events over 15.13 us, not 15 over 1.953 us).
 * Where that candidate is not kept, the stop alone, as before.
 */
async function stopAtFirst(s: ShrinkRun): Promise<void> {
  const config = { ...s.best.config, stopOnFirst: true };
  const end = s.best.first.tick + 1;
  if (s.lastRun() && s.best.result !== undefined && end < config.params.durationTicks) {
    const cut = { ...config, params: { ...config.params, durationTicks: end } };
    if (await s.tryConfig(cut, 'stop at the first finding', 'scenario', true)) return;
  }
  await s.tryConfig(config, 'stop at the first finding', 'scenario', true);
}

/**
 * A run stopped at its first finding ends there whatever its duration: the duration cut to the
 * tick it reached, so the file does not say 300 us of a run that is 4.6 us long. Kept on a tie.
 */
async function endAtFinding(s: ShrinkRun): Promise<void> {
  const cut = findingCut(s.best);
  if (cut !== undefined) await s.tryConfig(cut.config, cut.pass, 'scenario', true, true);
}

/**
 * `t`'s run, stopped at its first finding, with its duration cut to the tick it reached;
 * undefined when it ends there already, or does not stop there, or crashed (no run to cut).
 */
function findingCut(t: Trial): { config: RunConfig; pass: string } | undefined {
  const config = t.config;
  const reached = t.measures.simulatedTicks;
  if (config.stopOnFirst !== true || t.result === undefined) return undefined;
  if (reached < 1 || reached >= config.params.durationTicks) return undefined;
  const params = { ...config.params, durationTicks: reached };
  return { config: { ...config, params }, pass: 'end at the first finding' };
}

/**
 * Whether log `a` is below `b` in shortlex order (fewer choices in all, then the first differing
 * choice, actor by actor, smaller): Hypothesis's order on its choice buffer, which every choice pass
 * moves down, so a candidate that ties on the measures is still a simpler log.
 */
export function shortlexBelow(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  const length = (l: readonly (readonly number[])[]) => l.reduce((n, x) => n + x.length, 0);
  if (length(a) !== length(b)) return length(a) < length(b);
  const fa = a.flat();
  const fb = b.flat();
  for (let i = 0; i < fa.length; i++) if (fa[i] !== fb[i]) return fa[i]! < fb[i]!;
  return false;
}

/**
 * One inline re-run (stopping at its first finding when its configuration says so); undefined
 * unless it fails first with `want.rule` and, for a liveness failure, ends as one.
 */
async function trial(config: RunConfig, want: Wanted, record: boolean): Promise<Trial | undefined> {
  const rule = want.rule;
  const c: RunConfig = { ...config, stopOnFirst: config.stopOnFirst ?? false };
  const actors = machine.planMachine(c).actors.length;
  try {
    const raw = await runRaw(c, { host: 'inline', recordChoices: record || c.strategy?.kind === 'replay' });
    const result = assembleResult(c, machine.planMachine(c), raw);
    const first = firstFinding(result);
    if (first === undefined || first.rule !== rule) return undefined;
    if (want.liveness && exitClassOf(result) !== 'liveness') return undefined;
    const stuck = want.liveness ? stuckAtLiveness(result) : undefined;
    if (want.stuck !== undefined && stuck !== want.stuck) return undefined;
    const choices = raw.choices;
    // A replayed log stays the log it is (the choice passes work on it): what the run recorded
    // has the zeros past its end written out, a longer log of the same run, which a pass would
    // then cut back as a "reduction" of a file that was already minimal.
    const log = c.strategy?.kind === 'replay' ? c.strategy.choices.map((a) => [...a]) : choices;
    const live = firstFinding({ liveness: result.liveness, violations: [] });
    return {
      config: c,
      first,
      liveness: live && { rule: live.rule, tick: live.tick, message: live.message },
      stuck,
      result,
      choices: log,
      measures: {
        events: raw.events,
        simulatedTicks: raw.reachedTick,
        actors,
        deviations: choices === undefined ? Number.MAX_SAFE_INTEGER : deviations(choices),
      },
    };
  } catch (e) {
    if (e instanceof ActorCrashError && rule === 'crash') {
      const first = crashFinding(e.crash);
      return {
        config: c,
        first,
        liveness: undefined,
        stuck: undefined,
        result: undefined,
        choices: undefined,
        // A crashed run leaves no count of its events (a crash's file says 0): candidates rank
        // by actors, then by the tick of the crash.
        measures: {
          events: 0,
          simulatedTicks: first.tick,
          actors,
          deviations: Number.MAX_SAFE_INTEGER,
        },
      };
    }
    if (e instanceof ConfigError || e instanceof ActorCrashError) return undefined;
    throw e;
  }
}

/** The measures in the order a candidate is ranked by: what a reader pays for first. */
const RANK = ['events', 'actors', 'simulatedTicks', 'deviations'] as const;

/**
 * Whether candidate `a` beats the best so far, `best`: it is smaller in RANK order (fewer events;
 * on a tie fewer actors; then a shorter run; then fewer deviations), and no measure is larger than
 * the original's, `before` (so the result is never larger than the input on any measure).
 *
 * Why an order and not "no measure larger than the best, one smaller": a smaller scenario (fewer
 * GPU engines, fewer tenants) draws another seeded schedule, so it usually finds the failure with
 * far fewer events but a little later in simulated time, or with a few more deviations; requiring
 * every measure to fall at every step refused those, and failures such as `tce-kill-no-advance`
 * did not shrink at all. Hypothesis's reducer likewise ranks candidates in one total order
 * (shortlex on the choice buffer).
 */
export function improves(a: Measures, best: Measures, before: Measures): boolean {
  if (RANK.some((k) => a[k] > before[k])) return false;
  for (const k of RANK) {
    if (a[k] !== best[k]) return a[k] < best[k];
  }
  return false;
}

/**
 * The candidate of `config` with `params`, or undefined when its world does not build (tenants
 * that no longer fit the topology), or when a recorded choice log (a shrunk file shrunk again)
 * would not be one list per actor of it (the smaller topology): a replay refuses such a file.
 */
function withParams(config: RunConfig, params: unknown, name: string): RunConfig | undefined {
  try {
    const p = parseParams(params, name);
    const c = { ...config, params: p };
    const actors = machine.planMachine(c).actors.length;
    if (c.strategy?.kind === 'replay')
      checkOnePerActor(c.strategy.choices.length, actors, 'strategy.choices', 'lists', p.topology);
    return c;
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}
