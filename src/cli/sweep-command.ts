/**
 * `npusim sweep`: one inline simulation per seed on every core (src/sweep), with a progress bar
 * (seeds per second, failures so far, time left), a failure file per failing seed, a summary
 * grouped by rule, and the worst exit class as the exit code. `--shard K/N` runs one part of the
 * range and leaves its summary in the failures directory; `--merge DIR...`, which runs no seed,
 * joins such summaries in sweep-merge.ts. How the summary is printed and its page written, which
 * both share, is sweep-summary-output.ts.
 *
 * Shared memory: the sweep's stop word (`stopWord`, one Int32 in a SharedArrayBuffer) alone, made
 * here and handed to the sweep (src/sweep/sweep.ts says who loads it); Ctrl-C stores 1. One store
 * and loads of one word: nothing else depends on its ordering.
 */

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { countText } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { makeDirectory } from '../io/make-directory.js';
import { peerDrawsIdle } from '../model/actors/peer-reach.js';
import { pctBoundOf } from '../model/choice/pct.js';
import { matchedVariant, overridesText } from '../model/scenario/matched-variant.js';
import { configBugsWarning, configPolicyWarning } from '../model/scenario/profile-policy.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { sortedJson } from '../model/scenario/same-json.js';
import type { Workload } from '../model/scenario/workload.js';
import { compareSets, type RunFile } from '../report/compare-sets.js';
import { parseRunResult } from '../report/parse-run-result.js';
import { pctBoundText } from '../report/strategy-text.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { notRunFitsLine, notRunSeedsFile, STOP_REASONS, type StopReason } from '../sweep/not-run.js';
import type { SeedOutcome } from '../sweep/seed-outcome.js';
import { type SeedRange, seedCount, seedsInShard, seedsText } from '../sweep/seeds.js';
import type { SweepSummary } from '../sweep/summary.js';
import { placeSummary, type SummaryPlace } from '../sweep/summary-file.js';
import { runSweep, seedsAtOnce } from '../sweep/sweep.js';
import type { SweepJudge } from '../sweep/sweep-judge.js';
import type { SweepArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { sayGpuReach } from './gpu-reach-notes.js';
import { sayInertBugs } from './inert-bugs.js';
import { sayInertPolicy } from './inert-policy.js';
import { sayInertSets } from './inert-sets.js';
import { Interrupt } from './interrupt.js';
import {
  commandLineBugs,
  commandLineOverrides,
  commandLineProfile,
  resolveWorkload,
  scenarioConfig,
} from './scenario-config.js';
import { resolveSeeds } from './seeds-file.js';
import { lockSweepResults, lockSweepSummary, type SweepLock, sweepKey } from './sweep-lock.js';
import { mergeCommand } from './sweep-merge.js';
import { sweepProgress } from './sweep-progress.js';
import { printSummary } from './sweep-summary-output.js';
import { type ResultsWritten, type SweepEnding, type SweepPool, summaryText } from './sweep-summary-text.js';

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
      ? matchedVariant(workload, commandLineOverrides(args), commandLineProfile(args), commandLineBugs(args))
      : undefined;
  const judgeAs: SweepJudge | undefined =
    args.variant !== undefined
      ? { variant: args.variant }
      : match === undefined
        ? undefined
        : { variant: match.variant.name, by: overridesText(match.by) };
  if (match !== undefined)
    io.stderr.write(
      sayText(
        `${overridesText(match.by)} makes this sweep variant ${match.variant.name} (the same parameters${match.variant.bugs.length > 0 ? ' and bug switches' : ''}): each seed is judged by what it expects`,
      ),
    );
  else if (args.variant === undefined && workload.variants.length > 0) {
    // `run` runs a workload's variants beside its own run; a sweep runs the own run only, which a
    // user sweeping multi-tenant for its per-gpu verdict did not learn until the summary (QA Q23).
    const names = workload.variants.map((v) => v.name);
    io.stderr.write(
      sayText(
        `this sweep runs ${workload.name}'s own run per seed, not its ${countText(names.length, 'variant')} (${names.join(', ')}): \`--variant NAME\` sweeps one`,
      ),
    );
  }
  // Building the world checks the workload against the topology before any thread starts.
  const machine = await import('../model/actors/machine.js');
  const plan = machine.planMachine(config);
  // A what-if on a release (a policy or a switch it did not have) is said as `run` says it: every
  // seed is one (QA: a sweep said nothing of either).
  for (const warning of [configPolicyWarning(config), configBugsWarning(config)])
    if (warning !== undefined) io.stderr.write(sayText(`warning: ${warning}`));
  sayInertBugs(config, io);
  sayInertSets(args.set, config, io);
  sayInertPolicy(args.policy, config.params, io, "each seed's run");
  const idlePeers = peerDrawsIdle(machine.worldOf(config));
  if (idlePeers !== undefined) io.stderr.write(sayText(idlePeers));
  // The GPUs its runs leave out (no tenant, no ring), as `run` says them: a sweep runs one run.
  sayGpuReach(machine.worldOf, config, io, [], "each seed's run");
  // PCT: each seed measures its own steps in its pool task (sweep/run-seed.ts), as `npusim run
  // --seed N --strategy pct` does, so a seed's run never depends on where the range starts.
  const pctDepth = args.strategy === 'pct' ? args.pctDepth : undefined;
  if (pctDepth !== undefined) {
    io.stderr.write(
      sayText(
        `strategy pct depth ${pctDepth}: each seed measures its own n (agents) and k (scheduling steps) in a counting run of that seed, as \`npusim run --seed N --strategy pct\` does, then runs PCT over them`,
      ),
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
  const jobsNote = moreJobsThanCores(pool.seedsAtOnce, args.free === undefined, availableParallelism());
  if (jobsNote !== undefined) io.stderr.write(sayText(jobsNote));
  // The sweep key as JSON, keys sorted: shards of one sweep share it however their `--set`s were
  // written. The `--set`s are left out: their effect is in the parameters, so shards with them in
  // another order, or restating a default, are one sweep (as a merge counts them: summary-merge.ts
  // sweepDifference), whatever key order their layering left.
  const key = sweepKey(
    sortedJson({ config: { ...config, set: undefined }, pctDepth, free: args.free }),
    seedsText(range),
    args.shard?.count,
  );
  const note = (line: string): void => {
    io.stderr.write(sayText(line));
  };
  // Taken before any seed runs: a second sweep writing the same summary, or run results into the
  // same --results directory, is refused here (sweep-lock.ts).
  const lock =
    args.failuresDir === undefined
      ? undefined
      : lockSweepSummary(mkdirFor(args.failuresDir), summaryName(args), key, '--failures', note);
  let resultsLock: SweepLock | undefined;
  try {
    if (args.resultsDir !== undefined)
      resultsLock = lockSweepResults(mkdirFor(args.resultsDir), args.shard, key, note);
    return await sweepSeeds(args, io, { config, workload, range, pctDepth, jobs, pool, judgeAs });
  } finally {
    resultsLock?.release();
    lock?.release();
  }
}

/**
 * The note for a sweep that runs more seeds at once than the machine has cores (`--jobs 8` on 2):
 * its threads share the cores, so it is no faster, and each holds a whole simulation, so it takes
 * that many times the memory (QA: `--jobs 8` of 8 seeds took 1.67 s and 536 MB where `--jobs 2`
 * took 1.13 s and 258 MB, with no word; `--jobs 256` reached 1.25 GB in 4 s, and a Ctrl-C took
 * 37 s to stop it while its threads started).
 */
export function moreJobsThanCores(atOnce: number, pooled: boolean, cores: number): string | undefined {
  if (!pooled || atOnce <= cores) return undefined;
  return `${atOnce} seeds at once on ${cores} ${cores === 1 ? 'core' : 'cores'}: their threads share the cores, so the sweep is no faster, and each holds a whole simulation in memory; --jobs ${cores} (the default: the cores available) runs it as fast in less memory`;
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
  // Told the seeds and how many run at once before any finishes: its timer says them from the start.
  const progress = sweepProgress(io, args.json, undefined, {
    total: seedsInShard(range, args.shard?.index ?? 1, args.shard?.count ?? 1),
    atOnce: pool.seedsAtOnce,
    stopping: () => interrupt.stopped,
  });
  interrupt.beforeExit = () => progress.stop();
  // Said once the progress bar is gone, so a TTY's bar does not draw over them.
  const notes: string[] = [];
  const results: ResultsWritten | undefined =
    args.resultsDir === undefined ? undefined : { dir: args.resultsDir, written: 0, missing: [] };
  const before = args.resultsDir === undefined ? undefined : resultFilesIn(args.resultsDir, io);
  let firstWritten: string | undefined;
  // Failing seeds with a failure file to write: the summary says how many of them were not written.
  let failureFilesWanted = 0;
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
                // The first by name, as compare orders a directory (compare-command.ts).
                if (firstWritten === undefined || basename(path) < basename(firstWritten))
                  firstWritten = path;
                // A file of an earlier run of this seed, written over: no longer an older one.
                before?.delete(basename(path));
              }
            },
          }),
      onNote: (line) => notes.push(line),
      onOutcome: (o, done, total, failures) => {
        if (args.failuresDir !== undefined && o.status !== 'clean' && o.failure !== undefined)
          failureFilesWanted++;
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
    for (const line of notes) io.stderr.write(sayText(line));
    if (pctDepth !== undefined && pctExample !== undefined)
      io.stderr.write(sayText(pctExampleLine(pctDepth, pctExample)));
    if (fired.planned > 0)
      io.stderr.write(
        sayText(
          `change points fired: ${fired.fired} of ${fired.planned} over ${fired.seeds} seed${fired.seeds === 1 ? '' : 's'}${fired.fired < fired.planned ? " (one drawn past the steps a seed's PCT run took never fires)" : ''}${fired.cut > 0 ? `; ${fired.needed} needed a seed, fewer placed in ${fired.cut} of them (too few steps)` : ''}`,
        ),
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
    return await writeSummary(
      summary,
      {
        interrupted,
        pool,
        ...(results === undefined ? {} : { results }),
        ...(args.failuresDir === undefined ? {} : { failureFilesWanted }),
      },
      args,
      io,
    );
  } finally {
    await interrupt.close();
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

/**
 * The summary as its file holds it: each failure file named from the summary's own directory (its
 * name alone, as a sweep writes both there), where `--json` names it from where the sweep ran. QA:
 * `../fy/inner/x.json` inside `fy/inner/sweep-summary.json` named nothing from there, for a job
 * that archives the directory or reads the summary from elsewhere (a merge reads the name alone).
 */
function namedFromItsDirectory(summary: SweepSummary, path: string): SweepSummary {
  const dir = dirname(resolve(path));
  return {
    ...summary,
    failures: summary.failures.map((f) =>
      f.file === null ? f : { ...f, file: relative(dir, resolve(f.file)) },
    ),
  };
}

/** The name of the sweep's summary file in its failures directory: one per shard. */
function summaryName(args: SweepArgs): string {
  return args.shard === undefined
    ? 'sweep-summary.json'
    : `sweep-summary-${args.shard.index}-of-${args.shard.count}.json`;
}

/**
 * The file beside the summary a stopped sweep leaves its seeds not run in, named as its summary
 * (`not-run-seeds-2-of-4.txt` beside `sweep-summary-2-of-4.json`): one per summary, also for one
 * that took another name beside another sweep's shard summary (summary-file.ts).
 */
function notRunPath(summaryPath: string): string {
  return join(
    dirname(summaryPath),
    basename(summaryPath)
      .replace(/^sweep-summary/, 'not-run-seeds')
      .replace(/\.json$/, '.txt'),
  );
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
  makeDirectory(dir);
  return dir;
}

/** The sweep's summary file (with `--failures`), its summary on stdout, and the exit code. */
function writeSummary(
  summary: SweepSummary,
  how: { interrupted: boolean; pool: SweepPool; results?: ResultsWritten; failureFilesWanted?: number },
  args: SweepArgs,
  io: CliIo,
): Promise<number> {
  let unwritten: string | undefined;
  let written: string | undefined;
  let notRunFile: string | undefined;
  let placed: SummaryPlace | undefined;
  if (args.failuresDir !== undefined) {
    let path = join(args.failuresDir, summaryName(args));
    try {
      // A resume into its stopped sweep's directory keeps the stopped summary beside this one, and
      // another sweep's shard summary of this configuration is never replaced (summary-file.ts).
      placed = placeSummary(args.failuresDir, summaryName(args), summary);
      path = placed.path;
      writeWholeFile(path, `${JSON.stringify(namedFromItsDirectory(summary, path), null, 2)}\n`);
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
  if (written !== undefined) notRunFile = writeNotRunSeeds(summary, notRunPath(written), io);
  const keptStopped = placed?.keptStopped;
  const beside = placed?.beside;
  const ending: SweepEnding = {
    interrupted: how.interrupted,
    ...(unwritten === undefined ? {} : { unwritten }),
    ...(written === undefined ? {} : { written }),
    ...(keptStopped === undefined ? {} : { keptStopped }),
    ...(written === undefined || beside === undefined
      ? {}
      : { besideShard: { path: beside.path, summary: beside.summary } }),
    ...(notRunFile === undefined ? {} : { notRunFile }),
    ...(how.results === undefined ? {} : { results: how.results }),
    ...(how.failureFilesWanted === undefined ? {} : { failureFilesWanted: how.failureFilesWanted }),
  };
  return printSummary(summary, ending, summaryText(summary, how.pool, ending), args, io);
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
      // Wrapped as every note is (CI QA: 220 columns in one line).
      sayText(
        `--results ${dir} already holds ${names.length === 1 ? 'a run result file' : `${names.length} run result files`} (*.json); this sweep's join them (a seed's own is written over), and \`npusim compare\` takes the directory whole: its summary says whether they are one configuration`,
      ),
    );
  return new Set(names);
}

/**
 * Whether the files `dir` held before the sweep (`older`, in name order) and the sweep's own (the
 * first by name) are one set: checked as \`npusim compare\` checks a set (compare-sets.ts, on the
 * first older file and the first new one, in name order as compare reads a directory, so the
 * refusal names the file compare names: QA, it named seed 6 where compare named seed 5), so the
 * summary never calls a directory compare refuses a set. Its refusal, or undefined when they are
 * one configuration.
 */
function mixedConfigurations(
  dir: string,
  older: readonly string[],
  written: string | undefined,
): string | undefined {
  const olderFile = older[0];
  if (olderFile === undefined || written === undefined) return undefined;
  try {
    const pair = [join(dir, olderFile), written].sort((a, b) =>
      basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0,
    );
    const runs: RunFile[] = pair.map((file) => ({
      file,
      result: parseRunResult(readFileSync(file, 'utf8'), file),
    }));
    compareSets(runs, runs, { a: dir, b: dir });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
