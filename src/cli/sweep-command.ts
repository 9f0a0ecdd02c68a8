/**
 * `npusim sweep`: one inline simulation per seed on every core (src/sweep), with a progress bar
 * (seeds per second, failures so far, time left), a failure file per failing seed, a summary
 * grouped by rule, and the worst exit class as the exit code. `--shard K/N` runs one part of the
 * range and leaves its summary in the failures directory; `--merge DIR...` joins such summaries,
 * all N shards each run to its end, or with `--partial` the ones there are, saying which are not.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { countText } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { EXIT, worseExit } from '../core/exit-codes.js';
import { readUserText } from '../io/bounded-file.js';
import { peerDrawsIdle } from '../model/actors/peer-reach.js';
import { pctBoundOf } from '../model/choice/pct.js';
import { matchedVariant, overridesText } from '../model/scenario/matched-variant.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { compareSets, type RunFile } from '../report/compare-sets.js';
import { parseRunResult } from '../report/parse-run-result.js';
import { shellWord } from '../report/reproduce-line.js';
import { pctBoundText } from '../report/strategy-text.js';
import { buildSweepHtml } from '../report/sweep-html.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { isResumeMerge, mergeResumed } from '../sweep/merge-resumed.js';
import { notRunFitsLine, notRunSeedsFile, STOP_REASONS, type StopReason } from '../sweep/not-run.js';
import type { SeedOutcome } from '../sweep/seed-outcome.js';
import { type SeedRange, seedCount, seedsInShard, seedsText } from '../sweep/seeds.js';
import type { SweepSummary } from '../sweep/summary.js';
import {
  gapsText,
  hasGaps,
  type MergeGaps,
  mergeGaps,
  mergeSummaries,
  numbersText,
} from '../sweep/summary-merge.js';
import { readSummary, withFilesBeside } from '../sweep/summary-read.js';
import { runSweep, seedsAtOnce } from '../sweep/sweep.js';
import type { SweepJudge } from '../sweep/sweep-judge.js';
import type { SweepArgs } from './cli-args.js';
import type { CliIo } from './cli-io.js';
import { sayInertBugs } from './inert-bugs.js';
import { Interrupt } from './interrupt.js';
import { reportWrittenLine, writeOutputs } from './output-path.js';
import {
  commandLineOverrides,
  commandLineProfile,
  resolveWorkload,
  scenarioConfig,
} from './scenario-config.js';
import { resolveSeeds } from './seeds-file.js';
import { keepStoppedSummary } from './stopped-summary.js';
import { lockSweepSummary, sweepKey, sweepsStillWriting } from './sweep-lock.js';
import { sweepProgress } from './sweep-progress.js';
import {
  type ResultsWritten,
  type SweepEnding,
  type SweepPool,
  summaryText,
  sweepExitCode,
  verdictLines,
} from './sweep-summary-text.js';

export async function sweepCommand(args: SweepArgs, io: CliIo): Promise<number> {
  if (args.merge !== undefined) return mergeCommand(args, io);
  // A file of seeds is read first: a bad one is refused before anything loads or runs.
  const range = resolveSeeds(args.seeds!);
  // A shard past the last seed runs nothing, and N far above the seeds (`1/1000000000` over 3)
  // left a summary whose merge built a list of a billion missing shards and crashed V8 (QA).
  if (args.shard !== undefined && args.shard.count > seedCount(range)) {
    throw new ConfigError(
      '--shard',
      `Expected N from 1 to the number of seeds (${seedCount(range)}), got ${args.shard.count}`,
    );
  }
  const workloads = await loadWorkloads();
  const { workload, file } = await resolveWorkload(args.workload, workloads);
  const config = scenarioConfig(workload, args, range.first, file);
  // The variant the sweep is, by name or made by its options (as `run` matches one): its seeds are
  // judged by what it expects (sweep/sweep-judge.ts).
  const match =
    args.variant === undefined
      ? matchedVariant(workload, commandLineOverrides(args), commandLineProfile(args))
      : undefined;
  const judgeAs: SweepJudge | undefined =
    args.variant !== undefined
      ? { variant: args.variant }
      : match === undefined
        ? undefined
        : { variant: match.variant.name, by: overridesText(match.by) };
  if (match !== undefined)
    io.stderr.write(
      `npusim: ${overridesText(match.by)} makes this sweep variant ${match.variant.name} (the same parameters): each seed is judged by what it expects\n`,
    );
  else if (args.variant === undefined && workload.variants.length > 0) {
    // `run` runs a workload's variants beside its own run; a sweep runs the own run only, which a
    // user sweeping multi-tenant for its per-gpu verdict did not learn until the summary (QA Q23).
    const names = workload.variants.map((v) => v.name);
    io.stderr.write(
      `npusim: this sweep runs ${workload.name}'s own run per seed, not its ${countText(names.length, 'variant')} (${names.join(', ')}): \`--variant NAME\` sweeps one\n`,
    );
  }
  // Building the world checks the workload against the topology before any thread starts.
  const machine = await import('../model/actors/machine.js');
  const plan = machine.planMachine(config);
  sayInertBugs(config, io);
  const idlePeers = peerDrawsIdle(machine.worldOf(config));
  if (idlePeers !== undefined) io.stderr.write(`npusim: ${idlePeers}\n`);
  // PCT: each seed measures its own steps in its pool task (sweep/run-seed.ts), as `npusim run
  // --seed N --strategy pct` does, so a seed's run never depends on where the range starts.
  const pctDepth = args.strategy === 'pct' ? args.pctDepth : undefined;
  if (pctDepth !== undefined) {
    io.stderr.write(
      `npusim: strategy pct depth ${pctDepth}: each seed measures its own n (agents) and k (scheduling steps) in a counting run of that seed, as \`npusim run --seed N --strategy pct\` does, then runs PCT over them\n`,
    );
  }
  // A free sweep runs one seed at a time (each run has a worker thread per actor).
  const jobs = args.free !== undefined ? 1 : (args.jobs ?? availableParallelism());
  const pool: SweepPool = {
    seedsAtOnce: seedsAtOnce(
      jobs,
      seedsInShard(range, args.shard?.index ?? 1, args.shard?.count ?? 1),
      args.free !== undefined,
    ),
    ...(args.free === undefined ? {} : { freeThreads: plan.actors.length }),
  };
  // Taken before any seed runs: a second sweep writing the same summary is refused here (sweep-lock.ts).
  const lock =
    args.failuresDir === undefined
      ? undefined
      : lockSweepSummary(
          mkdirFor(args.failuresDir),
          summaryName(args),
          sweepKey(
            JSON.stringify({ config, pctDepth, free: args.free }),
            seedsText(range),
            args.shard?.count,
          ),
          '--failures',
          (line) => io.stderr.write(`npusim: ${line}\n`),
        );
  try {
    return await sweepSeeds(args, io, { config, workload, range, pctDepth, jobs, pool, judgeAs });
  } finally {
    lock?.release();
  }
}

/** What the sweep was set up with, checked before its lock was taken. */
interface SweepSetUp {
  config: RunConfig;
  workload: Workload;
  range: SeedRange;
  pctDepth: number | undefined;
  jobs: number;
  pool: SweepPool;
  judgeAs: SweepJudge | undefined;
}

/** The seeds on the pool, then the summary written and printed: the sweep's exit code. */
async function sweepSeeds(args: SweepArgs, io: CliIo, s: SweepSetUp): Promise<number> {
  const { config, workload, range, pctDepth, jobs, pool, judgeAs } = s;
  /** A PCT sweep's example of n and k: those of the lowest seed that came back. */
  let pctExample: SeedOutcome | undefined;
  // Change points over every PCT seed whose run ended (a crashed one reports none).
  const fired = { seeds: 0, planned: 0, fired: 0, cut: 0, needed: 0 };
  const interrupt = new Interrupt(io);
  // The seeds running on the pool stop at their next event when Ctrl-C comes (sweep.ts stopWord:
  // shared memory, one Int32 this thread stores once and the pool's runs load between events).
  const stopWord = new SharedArrayBuffer(4);
  interrupt.track(() => Atomics.store(new Int32Array(stopWord), 0, 1));
  const progress = sweepProgress(io, args.json);
  interrupt.beforeExit = () => progress.stop();
  // Said once the progress bar is gone, so a TTY's bar does not draw over them.
  const notes: string[] = [];
  const results: ResultsWritten | undefined =
    args.resultsDir === undefined ? undefined : { dir: args.resultsDir, written: 0, missing: [] };
  const before = args.resultsDir === undefined ? undefined : resultFilesIn(args.resultsDir, io);
  let firstWritten: string | undefined;
  let summary: SweepSummary;
  try {
    summary = await runSweep({
      config,
      workload,
      seeds: range,
      ...(args.shard === undefined ? {} : { shard: args.shard }),
      jobs,
      ...(judgeAs === undefined ? {} : { judgeAs }),
      ...(pctDepth === undefined ? {} : { pctDepth }),
      ...(args.failuresDir === undefined ? {} : { failuresDir: args.failuresDir }),
      ...(results === undefined
        ? {}
        : {
            resultsDir: results.dir,
            onResultFile: (seed: number, path: string | null) => {
              if (path === null) results.missing.push(seed);
              else {
                results.written++;
                firstWritten ??= path;
                // A file of an earlier run of this seed, written over: no longer an older one.
                before?.delete(basename(path));
              }
            },
          }),
      onNote: (line) => notes.push(line),
      onOutcome: (o, done, total, failures) => {
        if (o.pct !== undefined && (pctExample === undefined || o.seed < pctExample.seed)) pctExample = o;
        if (o.pct?.changePoints !== undefined) {
          fired.seeds++;
          fired.planned += o.pct.changePoints.planned;
          fired.fired += o.pct.changePoints.fired;
          // Seeds whose measuring run had fewer steps than the depth needs change points (QA).
          const needed = pctDepth === undefined ? 0 : pctDepth - 1;
          if (o.pct.changePoints.planned < needed) {
            fired.cut++;
            fired.needed = needed;
          }
        }
        progress.update(o, done, total, failures);
      },
      shouldStop: () => interrupt.stopped,
      stopWord,
      ...(args.free === undefined ? {} : { free: args.free }),
    });
  } catch (error) {
    interrupt.dispose();
    throw error;
  } finally {
    progress.stop();
    for (const line of notes) io.stderr.write(`npusim: ${line}\n`);
    if (pctDepth !== undefined && pctExample !== undefined)
      io.stderr.write(`npusim: ${pctExampleLine(pctDepth, pctExample)}\n`);
    if (fired.planned > 0)
      io.stderr.write(
        `npusim: change points fired: ${fired.fired} of ${fired.planned} over ${fired.seeds} seed${fired.seeds === 1 ? '' : 's'}${fired.fired < fired.planned ? " (one drawn past the steps a seed's PCT run took never fires)" : ''}${fired.cut > 0 ? `; ${fired.needed} needed a seed, fewer placed in ${fired.cut} of them (too few steps)` : ''}\n`,
      );
  }
  // Whether the seeds were stopped; a signal from now on lets the summary be written (interrupt.ts).
  // One that came after every seed had run to its end stopped nothing: the sweep is whole, and
  // its exit and summary file say so alike (QA: it printed `interrupted after 16 of 16` and
  // exited 130 beside a summary file that said it was not stopped).
  const interrupted = interrupt.stopped && summary.stoppedEarly;
  nameSignal(summary, interrupt.signal);
  if (interrupt.stopped && !interrupted)
    io.stderr.write('npusim: the signal came after every seed had run to its end: the sweep is complete\n');
  interrupt.runOver();
  if (results !== undefined && before !== undefined) {
    results.older = before.size;
    const mixed = mixedConfigurations(results.dir, [...before].sort(), firstWritten);
    if (mixed !== undefined) results.mixed = mixed;
  }
  try {
    return writeSummary(
      summary,
      { interrupted, pool, ...(results === undefined ? {} : { results }) },
      args,
      io,
    );
  } finally {
    interrupt.dispose();
  }
}

/**
 * The signal that stopped the sweep, by name in its summary (sweep.ts says only `signal`): a
 * batch system's SIGTERM reads apart from a user's Ctrl-C.
 */
function nameSignal(summary: SweepSummary, signal: NodeJS.Signals | undefined): void {
  const stop = summary.stop;
  if (stop === undefined || signal === undefined || !stop.reasons.includes('signal')) return;
  const named = (STOP_REASONS as readonly string[]).includes(signal) ? (signal as StopReason) : 'signal';
  const reasons = new Set(stop.reasons.map((r) => (r === 'signal' ? named : r)));
  stop.reasons = STOP_REASONS.filter((r) => reasons.has(r));
}

/** The name of the sweep's summary file in its failures directory: one per shard. */
function summaryName(args: SweepArgs): string {
  return args.shard === undefined
    ? 'sweep-summary.json'
    : `sweep-summary-${args.shard.index}-of-${args.shard.count}.json`;
}

/** The file beside the summary a stopped sweep leaves its seeds not run in: one per shard. */
function notRunName(args: SweepArgs): string {
  return args.shard === undefined
    ? 'not-run-seeds.txt'
    : `not-run-seeds-${args.shard.index}-of-${args.shard.count}.txt`;
}

/**
 * The seeds a stopped sweep did not run, written to `path` for `--seeds @FILE` when they are too
 * many for the resume line (a stopped sweep of a long list or file: QA), as its summary is written
 * (only with a failures directory). Its path, or undefined: none needed (an earlier sweep's there
 * is removed, so the directory never offers a resume of seeds this sweep ran), or not written
 * (said; the seeds are in the summary's stop.notRun all the same).
 */
function writeNotRunSeeds(summary: SweepSummary, path: string, io: CliIo): string | undefined {
  const text =
    summary.stop === undefined || notRunFitsLine(summary.stop.notRun)
      ? undefined
      : notRunSeedsFile(summary.stop.notRun);
  try {
    if (text === undefined) {
      rmSync(path, { force: true });
      return undefined;
    }
    writeWholeFile(path, text);
    return path;
  } catch (e) {
    io.stderr.write(
      `npusim: ${path}: Expected to ${text === undefined ? "remove an earlier sweep's seeds not run" : 'write the seeds not run'}, got ${(e as NodeJS.ErrnoException).code ?? String(e)}${text === undefined ? '' : ": they are in the summary's stop.notRun"}\n`,
    );
    return undefined;
  }
}

/** `dir`, made with its parents if it is not there (the sweep writes its files there). */
function mkdirFor(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The sweep's summary file (with `--failures`), its summary on stdout, and the exit code. */
function writeSummary(
  summary: SweepSummary,
  how: { interrupted: boolean; pool: SweepPool; results?: ResultsWritten },
  args: SweepArgs,
  io: CliIo,
): number {
  let unwritten: string | undefined;
  let written: string | undefined;
  let notRunFile: string | undefined;
  let keptStopped: string | undefined;
  if (args.failuresDir !== undefined) {
    const path = join(args.failuresDir, summaryName(args));
    try {
      // A resume into its stopped sweep's directory: the stopped summary is kept beside this one.
      if (args.shard === undefined) keptStopped = keepStoppedSummary(path, summary);
      writeWholeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
      written = path;
    } catch (e) {
      // The seeds ran: their summary still goes to stdout, and stderr says what was not written
      // (a merge would count this shard missing), as `run --out` does; a clean sweep exits 2.
      unwritten = path;
      io.stderr.write(
        `npusim: ${path}: Expected to write the sweep summary, got ${(e as NodeJS.ErrnoException).code ?? String(e)}: it is on stdout only${args.shard === undefined ? '' : ', and `npusim sweep --merge` will count this shard missing'}\n`,
      );
    }
  }
  // Beside the summary, by its rules: none without a failures directory, or when it was not written.
  if (written !== undefined && args.failuresDir !== undefined)
    notRunFile = writeNotRunSeeds(summary, join(args.failuresDir, notRunName(args)), io);
  const ending: SweepEnding = {
    interrupted: how.interrupted,
    ...(unwritten === undefined ? {} : { unwritten }),
    ...(written === undefined ? {} : { written }),
    ...(keptStopped === undefined ? {} : { keptStopped }),
    ...(notRunFile === undefined ? {} : { notRunFile }),
    ...(how.results === undefined ? {} : { results: how.results }),
  };
  const text = summaryText(summary, how.pool, ending);
  io.stdout.write(args.json ? summaryJson(summary, ending) : text);
  if (args.json) io.stderr.write(`${verdictLines(summary, ending).join('\n')}\n`);
  return withReport(summary, ending, text, args, io);
}

/**
 * The sweep's exit code, after `--report FILE` is written: the summary's page, its text as the
 * command printed it (or would have, under --json). A page that cannot be written is said, and a
 * sweep that found nothing then exits 2, as a summary file that could not be written does.
 */
function withReport(
  summary: SweepSummary,
  ending: SweepEnding,
  text: string,
  args: SweepArgs,
  io: CliIo,
): number {
  const code = sweepExitCode(summary, ending);
  if (args.report === undefined) return code;
  const failed = writeOutputs(
    [
      {
        option: '--report',
        path: args.report,
        text: buildSweepHtml({
          summary,
          text,
          exitCode: code,
          state: ending.interrupted ? 'interrupted' : ending.gaps !== undefined ? 'incomplete' : 'complete',
          ...(ending.written === undefined ? {} : { summaryFile: ending.written }),
        }),
        written: reportWrittenLine(args.report),
      },
    ],
    io.stderr,
  );
  if (failed.length === 0) return code;
  if (code === EXIT.clean)
    io.stderr.write(`npusim: exit ${EXIT.usage}: the sweep was clean, but --report could not be written\n`);
  return worseExit(code, EXIT.usage);
}

/**
 * One seed's PCT figures, labelled as that seed's (each seed measures its own): `strategy pct
 * depth 2, for example seed 1: n = 49 agents, k = 16565 scheduling steps; ...`.
 */
function pctExampleLine(depth: number, o: SeedOutcome): string {
  const p = o.pct!;
  // As `npusim run` words it: a seed of fewer steps than d - 1 is told its bound's own depth.
  return `strategy pct depth ${depth}, for example seed ${o.seed} (each seed measures its own): ${pctBoundText(depth, pctBoundOf(p.agents, p.steps, depth))}`;
}

/**
 * `--json`: the summary, with the command's exit code beside `worstExitCode` (the worst class
 * found): they differ after Ctrl-C (130) and for an incomplete merge (2 when nothing was found),
 * and a script reading the JSON should not have to work that out.
 */
function summaryJson(s: SweepSummary, ending: SweepEnding): string {
  const extra = {
    exitCode: sweepExitCode(s, ending),
    ...(ending.interrupted ? { interrupted: true } : {}),
    ...(ending.gaps === undefined ? {} : { incomplete: gapsText(ending.gaps) }),
    ...(ending.unwritten === undefined ? {} : { summaryNotWritten: ending.unwritten }),
    // A script resuming into the stopped sweep's directory learns where its summary went.
    ...(ending.keptStopped === undefined ? {} : { stoppedSummaryKept: ending.keptStopped }),
    ...(ending.results === undefined
      ? {}
      : { results: { ...ending.results, missing: [...ending.results.missing].sort((a, b) => a - b) } }),
  };
  return `${JSON.stringify({ ...s, ...extra }, null, 2)}\n`;
}

function mergeCommand(args: SweepArgs, io: CliIo): number {
  const parts: { summary: SweepSummary; where: string }[] = [];
  for (const dir of args.merge!) {
    let files: string[];
    try {
      files = statSync(dir).isDirectory()
        ? readdirSync(dir)
            .filter((f) => /^sweep-summary.*\.json$/.test(f))
            .map((f) => join(dir, f))
        : [dir];
    } catch (e) {
      throw new ConfigError(
        '--merge',
        `Expected a directory of shard summaries, got \`${dir}\` (${(e as NodeJS.ErrnoException).code ?? e})`,
      );
    }
    // Said first: a sweep still running there may be why its summary is missing or old.
    for (const line of sweepsStillWriting(dir)) io.stderr.write(`npusim: ${line}\n`);
    if (files.length === 0)
      throw new ConfigError('--merge', `Expected sweep-summary*.json in \`${dir}\`, got none`);
    for (const f of files)
      parts.push({ summary: withFilesBeside(readSummary(shardSummaryText(f), f), f), where: f });
  }
  missingFailureFilesNote(parts, io);
  if (isResumeMerge(parts)) {
    // Complete or refused: every seed ran once across them, so --partial has nothing to add.
    const { summary, resumes } = mergeResumed(parts);
    const ending: SweepEnding = { interrupted: false, resumes };
    const text = summaryText(summary, undefined, ending);
    io.stdout.write(args.json ? summaryJson(summary, ending) : text);
    if (args.json) io.stderr.write(`${verdictLines(summary, ending).join('\n')}\n`);
    return withReport(summary, ending, text, args, io);
  }
  const merged = mergeSummaries(parts);
  const gaps = mergeGaps(parts);
  // An incomplete set of shards merged quietly would exit with the class of the shards present:
  // 0 when the missing shard held the failures. A batch user must ask for it with --partial.
  if (hasGaps(gaps) && !args.partial) {
    throw new ConfigError(
      '--merge',
      `Expected ${gaps.count === 1 ? 'the sweep' : `all ${gaps.count} shards`} of seeds ${seedsText(merged.seeds)}${gaps.count === 1 ? '' : ', each'} run to its end, got ${merged.shards === null ? '' : `${gotShardsText(merged.shards.covered, gaps)}: `}${gapsText(gaps)}; add --partial to merge them anyway (then the exit is 2 unless a failure is found)${gaps.stopped.some((g) => g.reasons.length > 0) ? ', or add the summaries of its resumes (the sweeps its `not run: ... (resume: ...)` line gives) to merge the whole sweep' : ''}`,
    );
  }
  const ending: SweepEnding = { interrupted: false, ...(hasGaps(gaps) ? { gaps } : {}) };
  const text = summaryText(merged, undefined, ending);
  io.stdout.write(args.json ? summaryJson(merged, ending) : text);
  if (args.json) io.stderr.write(`${verdictLines(merged, ending).join('\n')}\n`);
  return withReport(merged, ending, text, args, io);
}

/**
 * A merge reads no failure file (copying only the summaries off a cluster is a use it keeps), but
 * it names them, and its `replay the earliest` line gives one to run: a file not beside its
 * summary is said before the merge's own lines, so that line is not followed into ENOENT (QA Q17).
 */
function missingFailureFilesNote(parts: readonly { summary: SweepSummary }[], io: CliIo): void {
  const missing = parts.flatMap((p) =>
    p.summary.failures.flatMap((f) => (typeof f.file === 'string' && !existsSync(f.file) ? [f.file] : [])),
  );
  if (missing.length === 0) return;
  io.stderr.write(
    `npusim: sweep --merge: ${countText(missing.length, 'failure file')} the summaries name ${missing.length === 1 ? 'is' : 'are'} not beside ${missing.length === 1 ? 'its summary' : 'their summaries'} (${shellWord(missing[0]!)}${missing.length > 1 ? ', ...' : ''}): copy ${missing.length === 1 ? 'it' : 'them'} there to replay ${missing.length === 1 ? 'it' : 'them'} (the merge itself reads none)\n`,
  );
}

/**
 * The shards a refused merge has, complete and stopped apart (QA: `got shard(s) 1, 2: shard 1
 * ... stopped early` read as if both were whole): `shard 2 complete and shard 1 stopped early`.
 */
function gotShardsText(covered: readonly number[], gaps: MergeGaps): string {
  const stopped = new Set(gaps.stopped.flatMap((g) => g.shards));
  const complete = covered.filter((k) => !stopped.has(k));
  const shards = (ks: readonly number[]) => `shard${ks.length === 1 ? '' : 's'} ${numbersText(ks)}`;
  const said = [
    ...(complete.length === 0 ? [] : [`${shards(complete)} complete`]),
    ...(stopped.size === 0 ? [] : [`${shards([...stopped].sort((a, b) => a - b))} stopped early`]),
  ];
  return said.length === 0 ? 'no shard' : said.join(' and ');
}

/**
 * The run results (`*.json`, as `npusim compare DIR` reads a directory) `dir` holds before the
 * sweep, said before it starts: the sweep's own join them, and compare takes the directory whole.
 */
function resultFilesIn(dir: string, io: CliIo): Set<string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.json$/i.test(n));
  } catch {
    // Not there yet (the sweep makes it), or unreadable (the sweep's first write says why).
    return new Set();
  }
  if (names.length > 0)
    io.stderr.write(
      `npusim: --results ${dir} already holds ${names.length === 1 ? 'a run result file' : `${names.length} run result files`} (*.json); this sweep's join them (a seed's own is written over), and \`npusim compare\` takes the directory whole: its summary says whether they are one configuration\n`,
    );
  return new Set(names);
}

/**
 * Whether the files `dir` held before the sweep (`older`, in name order) and the sweep's own (the
 * first it wrote) are one set: checked as \`npusim compare\` checks a set (compare-sets.ts, on the
 * first older file and the first new one), so the summary never calls a directory compare refuses
 * a set. Its refusal, or undefined when they are one configuration.
 */
function mixedConfigurations(
  dir: string,
  older: readonly string[],
  written: string | undefined,
): string | undefined {
  const olderFile = older[0];
  if (olderFile === undefined || written === undefined) return undefined;
  try {
    const runs: RunFile[] = [join(dir, olderFile), written].map((file) => ({
      file,
      result: parseRunResult(readFileSync(file, 'utf8'), file),
    }));
    compareSets(runs, runs, { a: dir, b: dir });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A summary is a few KB per failing seed: 64 MiB holds a sweep of millions. */
const MAX_SUMMARY_FILE_BYTES = 64 << 20;

/** The text of the shard summary `file` (--merge), bounded (bounded-file.ts), or a ConfigError naming it. */
function shardSummaryText(file: string): string {
  return readUserText(file, MAX_SUMMARY_FILE_BYTES, {
    field: file,
    tooLarge: (got) =>
      `Expected a sweep summary of at most ${MAX_SUMMARY_FILE_BYTES} bytes (64 MiB), got ${got}`,
    unreadable: (got) => `Expected a readable sweep summary, got ${got}`,
  });
}
