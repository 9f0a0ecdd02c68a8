/**
 * Where a sweep's summary goes in its failures directory (`sweep-summary.json`, or
 * `sweep-summary-K-of-N.json` for shard K/N), and what it must not replace there. A summary
 * already at that name is:
 *
 * - replaced when it is of the same seeds and shards (a rerun) or of another configuration
 *   (README: "a sweep into this directory replaces it");
 * - kept beside it as `sweep-summary-stopped-N.json` (the first N free) when it stopped early and
 *   is of this configuration and other seeds or shards: the stopped sweep this one resumes, whose
 *   summary is the only record of the seeds it ran, which `sweep --merge DIR` joins with its
 *   resumes' (QA Q24);
 * - left where it is when it is a shard's that ran to its end, of this configuration and other
 *   seeds or shards: this summary takes the next free name (`-2`, `-3`, ...), as a failure file
 *   does. A stopped shard's resume printed in range form (`--seeds 12..20 --shard 1/2`, its own
 *   numbering) has the name of shard 1/2 of the sweep it resumes, and replaced that shard's
 *   finished summary (QA: the merge then asked for all of shard 1 again).
 *
 * A whole sweep's finished summary of other seeds is replaced, as before: the default directory
 * takes every sweep, and a sweep of new seeds there is the summary a user reads next.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sameSeeds } from './seeds.js';
import type { SweepSummary } from './summary.js';
import { sweepDifference } from './summary-merge.js';
import { readSummary } from './summary-read.js';

/** Names tried, for the kept summary and for this one: far more than one directory will need. */
const MAX_NAMES = 1000;

/** Where a sweep's summary goes, and what stays beside it. */
export interface SummaryPlace {
  /** The file this sweep's summary is written to. */
  path: string;
  /** Where the stopped summary that was at `path` went (this sweep's resume of it keeps it). */
  keptStopped?: string;
  /** Another sweep's finished shard summary at this sweep's own name, left there. */
  beside?: { path: string; summary: SweepSummary };
}

/**
 * The file of `dir` for the summary of `summary` named `name` (above), a stopped summary there
 * renamed out of its way. A rename that fails leaves that file to be replaced, as before.
 */
export function placeSummary(dir: string, name: string, summary: SweepSummary): SummaryPlace {
  const base = join(dir, name);
  let beside: SummaryPlace['beside'];
  for (let n = 1; n <= MAX_NAMES; n++) {
    const path = n === 1 ? base : base.replace(/\.json$/, `-${n}.json`);
    const placed: SummaryPlace = { path, ...(beside === undefined ? {} : { beside }) };
    const there = summaryAt(path);
    if (there === undefined || !otherPartOf(there, summary)) return placed;
    if (there.stoppedEarly) {
      const kept = keepStopped(path);
      return kept === undefined ? placed : { ...placed, keptStopped: kept };
    }
    if (there.shards === null) return placed;
    beside ??= { path, summary: there };
  }
  throw new Error(`every name from ${base} to its -${MAX_NAMES} holds another sweep's shard summary`);
}

/** The summary at `path`, or undefined: none there, or not one npusim reads (it is replaced). */
function summaryAt(path: string): SweepSummary | undefined {
  try {
    return readSummary(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
}

/**
 * Whether `there` is a summary of the configuration `summary` runs (the same identity but the
 * `--set`s as written: sweepDifference), of other seeds or shards: part of the same work, not a
 * rerun of it.
 */
function otherPartOf(there: SweepSummary, summary: SweepSummary): boolean {
  if (sweepDifference(there.sweep, summary.sweep) !== undefined) return false;
  const shards = (s: SweepSummary) =>
    JSON.stringify(s.shards === null ? null : [s.shards.count, s.shards.covered]);
  return !sameSeeds(there.seeds, summary.seeds) || shards(there) !== shards(summary);
}

/** The stopped summary at `path` renamed to the first free `sweep-summary-stopped-N.json`. */
function keepStopped(path: string): string | undefined {
  for (let n = 1; n <= MAX_NAMES; n++) {
    const kept = join(dirname(path), `sweep-summary-stopped-${n}.json`);
    if (existsSync(kept)) continue;
    try {
      renameSync(path, kept);
      return kept;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
