/**
 * `npusim sweep --merge DIR...`: the shard summaries a sharded sweep left (`--shard K/N`, one per
 * shard in its failures directory) joined into the summary of the whole sweep: all N shards, each
 * run to its end, or with `--partial` the ones there are, saying which are not; a stopped sweep
 * joins with the sweeps its resume line ran (sweep/merge-resumed.ts). It runs no seed, so it is a
 * file of its own beside sweep-command.ts, which only hands `--merge` here; both end alike
 * (sweep-summary-output.ts).
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countText } from '../core/count-text.js';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { shellWord } from '../core/shell-word.js';
import { codeText, gotText } from '../core/shown-text.js';
import { readUserText } from '../io/bounded-file.js';
import { isResumeMerge, mergeResumed } from '../sweep/merge-resumed.js';
import { seedsText } from '../sweep/seeds.js';
import { mergedWallMs, type SweepSummary } from '../sweep/summary.js';
import {
  gapsText,
  hasGaps,
  type MergeGaps,
  mergeGaps,
  mergeSummaries,
  numbersText,
} from '../sweep/summary-merge.js';
import { readSummary, withFilesBeside } from '../sweep/summary-read.js';
import type { SweepArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { sweepsStillWriting } from './sweep-lock.js';
import { printSummary } from './sweep-summary-output.js';
import { type SweepEnding, summaryText } from './sweep-summary-text.js';

export function mergeCommand(args: SweepArgs, io: CliIo): Promise<number> {
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
        // In words, as every reader of a user's file says it (errno-text.ts; QA: a bare `(ENOENT)`).
        `Expected a directory of shard summaries, got ${gotText(dir)}: ${errnoText(e)}`,
      );
    }
    // Said first: a sweep still running there may be why its summary is missing or old.
    for (const line of sweepsStillWriting(dir)) io.stderr.write(sayText(line));
    if (files.length === 0) {
      // A --results directory holds run results, a set for compare, not summaries (QA).
      const results = readdirSync(dir).filter((f) => /\.json$/i.test(f)).length;
      throw new ConfigError(
        '--merge',
        `Expected sweep-summary*.json in ${codeText(dir)} (a sweep's --failures directory), got none${results > 0 ? `; it holds ${results} other .json file${results === 1 ? '' : 's'}: run results of \`sweep --results\` are a set for \`npusim compare ${dir} OTHER_DIR\`` : ''}`,
      );
    }
    for (const f of files)
      parts.push({ summary: withFilesBeside(readSummary(shardSummaryText(f), f), f), where: f });
  }
  missingFailureFilesNote(parts, io);
  if (isResumeMerge(parts)) {
    // Complete or refused: every seed ran once across them, so --partial has nothing to add.
    const { summary: whole, resumes } = mergeResumed(parts);
    const summary = withMerged(whole, parts, resumes);
    const ending: SweepEnding = { interrupted: false, resumes };
    return printSummary(summary, ending, summaryText(summary, undefined, ending), args, io);
  }
  const merged = withMerged(mergeSummaries(parts), parts, 0);
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
  return printSummary(merged, ending, summaryText(merged, undefined, ending), args, io);
}

/**
 * The merged summary with what it joined (`merged`: the files, its resumes, what its `wallMs`
 * measures), so `--json` says what the text does (QA: it said `resumed: ...` and `the longest shard
 * with its resumes`, the JSON neither). A merged summary read back (its `--json`, merged again)
 * brings its own resumes.
 */
function withMerged(
  summary: SweepSummary,
  parts: readonly { summary: SweepSummary; where: string }[],
  resumes: number,
): SweepSummary {
  const all = resumes + parts.reduce((n, p) => n + (p.summary.merged?.resumes ?? 0), 0);
  return {
    ...summary,
    merged: {
      summaries: parts.map((p) => p.where),
      resumes: all,
      wallMs: mergedWallMs(summary.shards, all),
    },
  };
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
