import { dirname } from 'node:path';
import { plural } from '../core/count-text.js';
import { EXIT, EXIT_CODES, worseExit } from '../core/exit-codes.js';
import { shellWord } from '../core/shell-word.js';
import { fitLine, packedFields, TEXT_COLUMNS, textWidth } from '../core/wrap-text.js';
import { MIN_RUNS } from '../report/compare-sets.js';
import { formatTime } from '../report/duration.js';
import { expectationText, unexpectedRulesText, unexposedText } from '../report/headline.js';
import { setValueText } from '../report/reproduce-line.js';
import { notRunText } from '../sweep/not-run.js';
import { failingSeedsText, seedCount, seedsInShard, seedsText } from '../sweep/seeds.js';
import {
  type MergedWallMs,
  mergedWallMs,
  type SweepSummary,
  seedsCount,
  stopReasonsText,
} from '../sweep/summary.js';
import { gapsText, type MergeGaps } from '../sweep/summary-merge.js';
import { sweepJudgeText } from '../sweep/sweep-judge.js';

/** How a sweep ended beyond its summary: Ctrl-C, or a merge of an incomplete set of shards. */
export interface SweepEnding {
  interrupted: boolean;
  /** A --partial merge: the shards missing or stopped early. */
  gaps?: MergeGaps;
  /** A merge of a stopped sweep and its resumes (sweep/merge-resumed.ts): how many resumes. */
  resumes?: number;
  /** The summary file that could not be written (its path): at least exit 2, as `run --out`. */
  unwritten?: string;
  /** The summary file written (its path), said so the next sweep's overwriting it is no surprise. */
  written?: string;
  /** Where the stopped sweep's summary this one resumes was kept (sweep/summary-file.ts). */
  keptStopped?: string;
  /**
   * Another sweep's shard summary of this configuration at this one's own name, left there: this
   * summary took the next free name (`written`; sweep/summary-file.ts).
   */
  besideShard?: { path: string; summary: SweepSummary };
  /**
   * Why the `--json` summary could not be written to stdout (`ENOSPC`): at least exit 2, as
   * main.ts ends the command.
   */
  stdoutLost?: string;
  /** The file of seeds not run (its path) a stopped sweep wrote beside its summary, for `--seeds @FILE`. */
  notRunFile?: string;
  /** `--results DIR`: the run results written, and the seeds with none (at least exit 2). */
  results?: ResultsWritten;
  /**
   * Failure files the failures directory was to get (a failing seed with a file to write), counted
   * by the sweep as its seeds came back: those not in `failures[].file` could not be written, and
   * stdout says so (QA: a log that keeps stdout only lost the replay line without a word). Unset
   * for a merge and without a failures directory (`--no-failure-file`: none was asked for).
   */
  failureFilesWanted?: number;
}

/** What `--results DIR` wrote: how many run results, and the seeds that ran and have none. */
export interface ResultsWritten {
  dir: string;
  written: number;
  missing: number[];
  /** Files (`*.json`) the directory held before the sweep and still holds (none written over). */
  older?: number;
  /** Why the older files and the sweep's are not one set (`npusim compare` refuses them so). */
  mixed?: string;
}

/**
 * The exit code of a sweep or merge, which its summary's last line states: the worst class found,
 * except 130 after Ctrl-C, and at least 2 (usage, outranked by any finding, core/exit-codes.ts)
 * for a partial merge, whose clean shards say nothing of the shards not merged.
 */
export function sweepExitCode(s: SweepSummary, ending: SweepEnding): number {
  if (ending.interrupted) return EXIT.interrupted;
  if (
    ending.gaps !== undefined ||
    ending.unwritten !== undefined ||
    ending.stdoutLost !== undefined ||
    (ending.results?.missing.length ?? 0) > 0
  )
    return worseExit(s.worstExitCode, EXIT.usage);
  return s.worstExitCode;
}

/** `0 clean`, `1 violation`...: an exit class by its code and name. */
function classText(code: number): string {
  return `${code} ${EXIT_CODES.find((e) => e.code === code)?.name ?? 'unknown'}`;
}

/**
 * The summary's verdict, for stderr beside `--json` (as `run --json` says its status there): the
 * seeds not run, with the resume they need, and the exit line. A script reading the JSON gets
 * both from `stop` and `exitCode`; a person watching the job's log got only progress lines (QA Q19).
 */
export function verdictLines(s: SweepSummary, ending: SweepEnding): string[] {
  const notRun = notRunLine(s, ending);
  return [...(notRun === undefined ? [] : [notRun]), exitLine(s, ending)].map(
    (l) => `npusim: sweep:${l.slice(1)}`,
  );
}

/** `  not run: ...` (with the resume it needs) when the sweep stopped before its last seed. */
function notRunLine(s: SweepSummary, ending: SweepEnding): string | undefined {
  return s.stop === undefined ? undefined : `  not run: ${notRunText(s.stop.notRun, ending.notRunFile)}`;
}

function exitLine(s: SweepSummary, ending: SweepEnding): string {
  const code = sweepExitCode(s, ending);
  if (ending.interrupted) {
    const of = (s.shards?.covered ?? [1]).reduce(
      (n, k) => n + seedsInShard(s.seeds, k, s.shards?.count ?? 1),
      0,
    );
    const among =
      s.ran === 0
        ? 'none finished'
        : s.worstExitCode === EXIT.clean
          ? 'every one clean'
          : `the worst class among them: ${classText(s.worstExitCode)}`;
    return `  exit ${code} (interrupted after ${s.ran} of ${seedsCount(of)}; ${among})`;
  }
  if (ending.gaps !== undefined) {
    return s.worstExitCode === EXIT.clean
      ? `  exit ${code} (incomplete merge: no failure in the seeds merged, and the others are unknown)`
      : `  exit ${code} (the worst class found; incomplete merge)`;
  }
  if (ending.unwritten !== undefined && code !== s.worstExitCode)
    return `  exit ${code} (no failure found, and the summary file was not written: ${ending.unwritten})`;
  if (ending.stdoutLost !== undefined && code !== s.worstExitCode)
    return `  exit ${code} (no failure found, and stdout could not be written: ${ending.stdoutLost})`;
  if (code !== s.worstExitCode && (ending.results?.missing.length ?? 0) > 0)
    return `  exit ${code} (no failure found, and some run results were not written)`;
  // A shard that holds none of the seeds (`--seeds 7..8 --shard 3/3`): no class to be the worst.
  if (s.ran === 0) return `  exit ${code} (no seed ran, so nothing was found)`;
  return `  exit ${code} (the worst class found)`;
}

/**
 * Under the by-rule table of a --stop-on-first sweep: each run ended at the end of the tick of its
 * first finding, so a rule that would have fired later in a run is not in the table.
 */
export const STOPPED_RUNS_NOTE =
  'runs stopped at their first finding (--stop-on-first): rules that would have fired later in a run are not counted';

/** How a sweep ran its seeds, for its header (a merge has none: its shards ran apart). */
export interface SweepPool {
  /** Seeds run at once (sweep.ts `seedsAtOnce`): the pool's threads, at most the seeds. */
  seedsAtOnce: number;
  /** A free sweep: the worker threads each seed runs on, one per actor. */
  freeThreads?: number;
}

/** `2 seeds at once, a thread each`; `1 seed at a time, a worker thread per actor (9 threads)`. */
function poolText(pool: SweepPool): string {
  const n = pool.seedsAtOnce;
  if (n === 0) return 'no seeds to run';
  const seeds = n === 1 ? '1 seed at a time' : `${n} seeds at once`;
  if (pool.freeThreads !== undefined)
    return `${seeds}, a worker thread per actor (${pool.freeThreads} threads)`;
  return `${seeds}, ${n === 1 ? 'on one thread' : 'a thread each'}`;
}

/** A summary's identity (sweep.ts `sweepIdentity`), as far as its header reads it. */
interface SweepIdentity {
  workload: string;
  params?: { durationTicks?: number; topology?: string; policy?: string };
  /** A preset's name, or the spec a `--topology FILE` gave (its name may be a preset's). */
  topology?: unknown;
  /** The path of that file, as the sweep was given it. */
  topologyFile?: string;
  bugs: string[];
  profile: string;
  strategy: string;
  pctDepth?: number;
  stopOnFirst?: boolean;
  set?: { path: string; value: unknown }[];
  variant?: string;
  free?: { windowTicks: number };
}

/**
 * The header: the workload and every option that chose its runs (README: "the header names
 * them"), read from the summary's identity, so a merge's header says the same as its shards':
 * `npusim sweep stress  seeds 1..2  duration 20 us  topology witherspoon-4  policy per-gpu  set
 * gpu.dmaBytes=512  profile as-shipped  strategy random  2 seeds at once, a thread each`, on
 * lines of at most 100 columns, each after the first starting under the workload's name. The
 * duration, topology and policy are always named (the workload's or the option's, as a reproduce
 * line names them); each --set, the bugs, the variant, stop-on-first and free only when given.
 */
function summaryHeader(s: SweepSummary, pool: SweepPool | undefined, ending: SweepEnding): string {
  const sw = s.sweep as unknown as SweepIdentity;
  const missing = ending.gaps?.missing ?? [];
  const parts = [`npusim sweep ${sw.workload}`];
  if (sw.variant !== undefined) parts.push(`variant ${sw.variant}`);
  parts.push(`${seedCount(s.seeds) === 1 ? 'seed' : 'seeds'} ${seedsText(s.seeds)}`);
  if (s.shards !== null) {
    parts.push(
      `shards ${s.shards.covered.join(',')} of ${s.shards.count}${missing.length === 0 ? '' : ` (shard${missing.length === 1 ? '' : 's'} ${missing.join(',')} missing)`}`,
    );
  }
  const params = sw.params ?? {};
  if (params.durationTicks !== undefined) parts.push(`duration ${formatTime(params.durationTicks)}`);
  if (params.topology !== undefined) {
    // A file's spec keeps whatever name it was given (often the preset it was copied from): say
    // it came from a file, so the header is never read as the preset's; named as a run's header
    // names it (`tri.json (named tri-socket)`) where the summary recorded the file.
    const fromFile = typeof sw.topology === 'object' && sw.topology !== null;
    parts.push(
      `topology ${
        !fromFile
          ? params.topology
          : sw.topologyFile === undefined
            ? `${params.topology} (from a topology file)`
            : `${sw.topologyFile} (named ${params.topology})`
      }`,
    );
  }
  if (params.policy !== undefined) parts.push(`policy ${params.policy}`);
  for (const set of sw.set ?? []) parts.push(`set ${shellWord(`${set.path}=${setValueText(set.value)}`)}`);
  if (sw.bugs.length > 0) parts.push(`bugs: ${sw.bugs.join(', ')}`);
  parts.push(`profile ${sw.profile}`);
  parts.push(
    sw.strategy === 'pct' && sw.pctDepth !== undefined
      ? `strategy pct depth ${sw.pctDepth} (steps measured per seed)`
      : `strategy ${sw.strategy}`,
  );
  if (sw.stopOnFirst === true) parts.push('stop-on-first');
  if (sw.free !== undefined) parts.push(`free (window ${formatTime(sw.free.windowTicks)})`);
  if (pool !== undefined) parts.push(poolText(pool));
  // Two spaces apart, on lines of at most 100 columns: on one line a sweep with bugs, a --set
  // and its pool ran to 180 and wrapped at the terminal's edge (QA). The lines after the first
  // start under the workload's name (the body's lines start two columns in, QA Q48).
  return packedFields(parts, 'npusim sweep '.length).join('\n');
}

/** What a merge's time measures, said before its rate: nothing for one summary's own time. */
const MERGED_WALL_WORDS: Record<MergedWallMs, string> = {
  sweep: '',
  shard: '',
  'longest-shard': 'the longest shard; ',
  'sweep-with-resumes': 'the sweep with its resumes; ',
  'longest-shard-with-resumes': 'the longest shard with its resumes; ',
};

export function summaryText(s: SweepSummary, pool: SweepPool | undefined, ending: SweepEnding): string {
  const sw = s.sweep as unknown as SweepIdentity;
  const out: string[] = [summaryHeader(s, pool, ending)];
  if (ending.gaps !== undefined) out.push(`  INCOMPLETE (--partial): ${gapsText(ending.gaps)}`);
  if (ending.resumes !== undefined)
    out.push(
      `  resumed: a stopped sweep and ${ending.resumes === 1 ? 'the sweep that ran the seeds it did not' : `${ending.resumes} sweeps that ran the seeds not run`}; every seed ran once`,
    );

  const classes = Object.entries(s.byClass)
    .filter(([c]) => c !== 'clean')
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  if (s.ran === 0 && !ending.interrupted && s.shards !== null) {
    // Said where the counts would be (QA: `0 seed(s) in 0.0 s (0.0 seeds/s): 0 clean, 0 failing`).
    out.push(
      `  no seeds ran: shard ${s.shards.covered.join(', ')} of ${s.shards.count} holds none of them${ending.written === undefined ? '' : ' (its summary is written all the same, for --merge)'}`,
    );
  } else {
    // A merge's shards ran apart, at once or not: its time is the longest shard's, said as such.
    // Resumes ran after the sweep they resume: their time adds to their shard's. In the words of
    // its `merged.wallMs`, which --json gives (a summary merged without it: from its shards).
    const measured =
      pool === undefined ? (s.merged?.wallMs ?? mergedWallMs(s.shards, ending.resumes ?? 0)) : 'sweep';
    const longest = MERGED_WALL_WORDS[measured];
    const rate = s.wallMs > 0 ? ` (${longest}${(s.ran / (s.wallMs / 1000)).toFixed(1)} seeds/s)` : '';
    const stopped = !s.stoppedEarly
      ? ''
      : s.stop === undefined
        ? 'stopped early'
        : `stopped early by ${stopReasonsText(s.stop.reasons)}`;
    const counts = `  ${seedsCount(s.ran)} in ${(s.wallMs / 1000).toFixed(1)} s${rate}: ${s.clean} clean, ${s.failed} failing${classes === '' ? '' : ` (${classes})`}`;
    // Within 100 columns, as a run's summary is (QA: with its stop it ran to 129): the stop goes
    // on a line of its own when both do not fit on one.
    if (stopped === '') out.push(counts);
    else if (textWidth(`${counts}; ${stopped}`) <= TEXT_COLUMNS) out.push(`${counts}; ${stopped}`);
    else out.push(`${counts};`, `    ${stopped}`);
  }
  // A variant sweep's seeds judged by what the variant expects, as `run` judges each (sweep-judge.ts).
  // It says what a run's verdict says (own-verdict-line.ts): the --bug switches the expectation
  // was declared without, and the rules the seeds found that it does not hold (QA: `0 of 2 seeds
  // as expected` beside a by-rule table holding the expected rule said neither).
  const e = s.expectation;
  if (e !== undefined && s.ran > 0) {
    const without = unexposedText(e.notExposed, sw.workload);
    const found = Object.fromEntries(Object.entries(s.byRule).map(([rule, t]) => [rule, t.seeds]));
    const others = unexpectedRulesText({ expect: e.expect, found, met: e.met === s.ran });
    out.push(
      ...fitLine(
        `  expected (${sweepJudgeText(e)}): ${expectationText(e.expect)}${without === '' ? '' : `, ${without}`}: ${e.met} of ${seedsCount(s.ran)} as expected${e.met < s.ran ? `, ${s.ran - e.met} NOT` : ''}${others === '' ? '' : `; ${others}`}`,
      ),
    );
  }
  const rules = Object.entries(s.byRule);
  if (rules.length > 0) {
    const w = Math.max(4, ...rules.map(([r]) => r.length));
    out.push(
      `  by rule:  ${'rule'.padEnd(w)}  ${'seeds'.padStart(6)}  ${'first seed'.padStart(10)}  earliest at (seed)`,
    );
    for (const [rule, t] of rules) {
      out.push(
        `            ${rule.padEnd(w)}  ${String(t.seeds).padStart(6)}  ${String(t.firstSeed).padStart(10)}  ${formatTime(t.earliestTick)} (seed ${t.earliestSeed})`,
      );
    }
    if (sw.stopOnFirst === true) out.push(...fitLine(`            ${STOPPED_RUNS_NOTE}`));
  }
  // The earliest failure that has a file: a crashed free run, or a seed whose task failed, has
  // none, and must not hide the replay line of the others.
  const earliest = s.failures
    .filter((f) => f.file !== null)
    .sort((a, b) => a.tick - b.tick || a.seed - b.seed)[0];
  if (earliest !== undefined) out.push(`  replay the earliest: npusim replay ${shellWord(earliest.file!)}`);
  const unwrittenFiles = failureFilesUnwritten(s, ending);
  if (unwrittenFiles !== undefined) out.push(unwrittenFiles);
  if (s.failures.length > 0) out.push(`  failing seeds: ${failingSeedsText(s.failures.map((f) => f.seed))}`);
  // Which seeds are left, as `--seeds` takes them: with --jobs N they finish out of order, so
  // `4 of 12` does not say 1..4 ran (QA); a seed stopped mid-run is one not run.
  const notRun = notRunLine(s, ending);
  if (notRun !== undefined) out.push(notRun);
  // A free seed races anew each time it runs (as `run --free` says of its re-run line): the
  // `--seeds` above run the same seeds, not these races, which only their failure files keep.
  if (sw.free !== undefined && (s.failures.length > 0 || s.stop !== undefined))
    out.push(
      ...fitLine(
        `  free seeds race anew: ${s.stop === undefined ? 'again' : 'again or resume'} runs these seeds, not these races; a failure file replays its race (npusim replay FILE)`,
      ),
    );
  // Within 100 columns, as the rest of the summary (QA: the summary line of a stopped sweep ran to
  // 169); a path stays whole.
  if (ending.results !== undefined) out.push(...fitLine(resultsLine(ending.results)));
  if (ending.written !== undefined) out.push(...fitLine(summaryLine(s, ending.written, ending)));
  // Where its path would be: stderr's note says why, which a log of stdout alone did not show.
  else if (ending.unwritten !== undefined)
    out.push(
      ...fitLine(
        `  summary: ${shellWord(ending.unwritten)} not written (stderr says why); it is on stdout only`,
      ),
    );
  out.push(exitLine(s, ending));
  return `${out.join('\n')}\n`;
}

/**
 * `  failure files: 4 of 4 not written (stderr says why)`, beside or in place of the replay line,
 * when failure files were asked for and some could not be written (a read-only or full failures
 * directory); undefined when every one was.
 */
function failureFilesUnwritten(s: SweepSummary, ending: SweepEnding): string | undefined {
  const wanted = ending.failureFilesWanted;
  if (wanted === undefined || wanted === 0) return undefined;
  const missing = wanted - s.failures.filter((f) => f.file !== null).length;
  if (missing <= 0) return undefined;
  return `  failure files: ${missing} of ${wanted} not written (stderr says why)`;
}

/**
 * `  summary: PATH (a sweep into this directory replaces it)`; a shard's, only a rerun of that
 * shard or another configuration's sweep replaces. A resume's also names the stopped
 * sweep's summary it kept beside it, and a stopped sweep's says its resume may go there too
 * (sweep/summary-file.ts): either way `sweep --merge DIR` joins them (QA Q24: a resume there
 * replaced the summary the merge needs). One that took another name names the shard summary of
 * another sweep it left at its own (a script expecting `sweep-summary-1-of-2.json` reads that one).
 */
function summaryLine(
  s: SweepSummary,
  written: string,
  ending: Pick<SweepEnding, 'keptStopped' | 'besideShard'>,
): string {
  const dir = shellWord(dirname(written));
  // Quoted as the commands beside them are (QA: an ESC in the directory's name reached the
  // terminal raw, and a newline split the line).
  const path = shellWord(written);
  const keptStopped = ending.keptStopped === undefined ? undefined : shellWord(ending.keptStopped);
  const { besideShard } = ending;
  const beside =
    besideShard === undefined
      ? ''
      : `, beside ${shellWord(besideShard.path)} (${shardsText(besideShard.summary)}: another sweep of this configuration, which it does not replace)`;
  if (keptStopped !== undefined)
    return `  summary: ${path}${beside}, the stopped summary there (this configuration, other seeds) kept as ${keptStopped} (npusim sweep --merge ${dir} joins them)`;
  if (besideShard !== undefined)
    return `  summary: ${path}${beside}${s.stop === undefined ? '' : `; its resume keeps it beside its own, and npusim sweep --merge ${dir} joins them`}`;
  // A finished shard's summary is replaced only by a rerun of it or by another configuration's:
  // a sweep of this configuration and other seeds or shards takes the next name (summary-file.ts).
  const replaces = `  summary: ${path} (${s.shards === null ? 'a sweep' : 'a rerun of this shard, or a sweep of another configuration,'} into this directory replaces it`;
  if (s.stop === undefined) return `${replaces})`;
  return `${replaces}, but not by its resume: that keeps it beside its own, and npusim sweep --merge ${dir} joins them)`;
}

/** `shard 1 of 2 of seeds 1..20`; `seeds 1..20` for a whole sweep's. */
function shardsText(s: SweepSummary): string {
  const seeds = `seeds ${seedsText(s.seeds)}`;
  return s.shards === null ? seeds : `shard ${s.shards.covered.join(', ')} of ${s.shards.count} of ${seeds}`;
}

/**
 * `  run results: 5 in A (a set of runs for \`npusim compare A OTHER_DIR\`)`, and the seeds that
 * have none (their notes, on stderr above the summary, say why).
 */
function resultsLine(r: ResultsWritten): string {
  const dir = shellWord(r.dir);
  const older = r.older ?? 0;
  const total = r.written + older;
  const line =
    r.mixed !== undefined
      ? `  run results: ${r.written} in ${dir}, beside ${older} older file${older === 1 ? '' : 's'} of another configuration: not one set for \`npusim compare\`, which refuses it (${r.mixed})`
      : total >= MIN_RUNS
        ? `  run results: ${r.written} in ${dir}${older === 0 ? '' : `, beside ${older} older one${older === 1 ? '' : 's'} of the same configuration`} (a set of ${total} runs for \`npusim compare ${dir} OTHER_DIR\`)`
        : `  run results: ${r.written} in ${dir}${older === 0 ? '' : `, beside ${older} older one`}${r.written === 0 && older === 0 ? '' : ` (one run: a set for \`npusim compare\` needs at least ${MIN_RUNS})`}`;
  if (r.missing.length === 0) return line;
  const list = [...r.missing].sort((a, b) => a - b);
  return `${line}; none for ${plural(list.length, 'seed')} ${seedsText({ first: list[0]!, last: list[list.length - 1]!, list })} (said above)`;
}
