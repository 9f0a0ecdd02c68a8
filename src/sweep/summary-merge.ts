/**
 * Merging sweep summaries (`npusim sweep --merge`): shards of one sweep joined into exactly the
 * summary of the unsharded sweep, the checks that every part is of the same sweep (naming the
 * field that differs), and what a merge lacks (shards missing or stopped early), in words.
 */

import { ConfigError } from '../core/errors.js';
import { shellWord } from '../core/shell-word.js';
import { compactSpans, STOP_REASONS } from './not-run.js';
import { plainSeeds, type SeedRange, sameSeeds, seedsInShard, seedsText } from './seeds.js';
import {
  addCounts,
  canonical,
  emptySummary,
  type SweepSummary,
  seedsCount,
  stopReasonsText,
} from './summary.js';

/**
 * Join shard summaries of one sweep. Refuses summaries of different sweeps or ranges, or a shard
 * given twice, naming which; the result covers the union of the shards.
 */
export function mergeSummaries(parts: readonly { summary: SweepSummary; where: string }[]): SweepSummary {
  if (parts.length === 0) throw new ConfigError('--merge', 'Expected at least one shard summary, got none');
  checkNoWholeAmongShards(parts);
  const first = parts[0]!.summary;
  const out = emptySummary(first.sweep, plainSeeds(first.seeds), undefined);
  out.shards = { count: first.shards?.count ?? 1, covered: [] };
  /** The summary each shard came from. */
  const from = new Map<number, string>();
  for (const { summary: s, where } of parts) {
    checkSameSweep(parts[0]!, { summary: s, where });
    // The expectation is the first summary's: named, since that one may be the file edited (QA67
    // F3: a hand-edited first shard had the untouched second blamed alone).
    const per = where === parts[0]!.where ? '' : ` (as ${parts[0]!.where} says)`;
    if (!sameSeeds(s.seeds, first.seeds)) {
      const ours = seedsText(first.seeds);
      const theirs = seedsText(s.seeds);
      throw new ConfigError(
        where,
        `Expected seeds ${ours}${per}, got ${theirs}${ours === theirs ? `: ${firstListDifference(first.seeds, s.seeds)}` : ''}`,
      );
    }
    const count = s.shards?.count ?? 1;
    if (count !== out.shards.count)
      throw new ConfigError(where, `Expected shards of ${out.shards.count}${per}, got ${count}`);
    for (const k of s.shards?.covered ?? [1]) {
      const before = from.get(k);
      if (before !== undefined) {
        // Which summary had it: the same file named twice (`--merge s1 s1`) is said as such (QA).
        const whence =
          before === where ? `${where} is given twice (a file, or its directory)` : `${before} has it too`;
        throw new ConfigError(where, `Expected each shard once, got shard ${k}/${count} again: ${whence}`);
      }
      from.set(k, where);
      out.shards.covered.push(k);
    }
    addCounts(out, s);
    out.stoppedEarly ||= s.stoppedEarly;
    if (s.stop !== undefined) {
      // The shards' seeds not run together, each shard's reasons once (not-run.ts).
      const reasons = new Set([...(out.stop?.reasons ?? []), ...s.stop.reasons]);
      out.stop = {
        reasons: STOP_REASONS.filter((r) => reasons.has(r)),
        notRun: [...(out.stop?.notRun ?? []), ...s.stop.notRun],
      };
    }
    out.wallMs = Math.max(out.wallMs, s.wallMs);
  }
  if (out.stop !== undefined) out.stop.notRun = compactSpans(out.stop.notRun);
  if (out.shards.count === 1 && out.shards.covered.length === 1) out.shards = null;
  return canonical(out);
}

/**
 * `part` is a summary of the same sweep as `first` (the same workload, options and npusim
 * version), or a ConfigError naming the field that differs: every merge checks its summaries so.
 * `resume`: `part` is a resume of `first` (a sweep of other seeds, run with its configuration), and
 * is refused as one (QA: a resume was called "a shard of the same sweep").
 */
export function checkSameSweep(
  first: { summary: SweepSummary; where: string },
  part: { summary: SweepSummary; where: string },
  resume = false,
): void {
  const differs = sweepDifference(first.summary.sweep, part.summary.sweep);
  if (differs !== undefined) {
    const expected = resume
      ? `a resume of the sweep of ${first.where} (its seeds not run, with the same configuration), got a sweep of another configuration`
      : `a shard of the same sweep as ${first.where}, got another sweep`;
    throw new ConfigError(
      part.where,
      `Expected ${expected}: its ${differs.path} is ${differs.ours}, not ${differs.theirs}`,
    );
  }
}

/**
 * Where two sweeps differ in what they run (firstDifference of their identities), or undefined
 * for one sweep. The `--set`s as written (`sweep.set`, kept for the header) are not compared:
 * their effect is in `sweep.params`, each applied in turn, so `--set`s given in another order, or
 * one that restates a default, run every seed alike (QA: such shards were refused, `its
 * sweep.set[0].path is ...`, and a resume so written replaced the stopped summary it resumed).
 */
export function sweepDifference(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): { path: string; theirs: string; ours: string } | undefined {
  // The `--set`s as written, and the path a topology file was read from, are not what ran.
  const { set: _a, topologyFile: _fa, ...runsA } = a;
  const { set: _b, topologyFile: _fb, ...runsB } = b;
  return firstDifference(runsA, runsB, 'sweep');
}

/**
 * A whole sweep's summary (one run without --shard: `sweep-summary.json`) beside shard summaries
 * (a directory a sharded sweep and a whole one both wrote into) is said as such, with the files to
 * name instead (QA: it read `Expected shards of 2, got 1`, in either order of the files).
 */
function checkNoWholeAmongShards(parts: readonly { summary: SweepSummary; where: string }[]): void {
  const whole = parts.find((p) => p.summary.shards === null);
  const shards = parts.filter((p) => p.summary.shards !== null);
  if (whole === undefined || shards.length === 0) return;
  const count = shards[0]!.summary.shards!.count;
  const command = shardsMergeCommand(shards);
  throw new ConfigError(
    whole.where,
    `Expected shard summaries only (sweep-summary-K-of-${count}.json, each written by \`sweep --shard K/${count}\`), got a whole sweep's summary (written without --shard) beside them; ${command === undefined ? 'name the shard summaries of one sweep instead' : `to merge the shards, name their files: \`${command}\``}`,
  );
}

/**
 * The merge of the shard summaries among `shards` that make one sweep, when it would succeed: the
 * largest group of the same seeds, shard count and configuration, each shard once (QA: the hint
 * named every `-K-of-N` file, a resume's of other seeds too, and the merge it gave failed); with
 * --partial when a shard is missing or stopped. Undefined when that group has a shard twice.
 */
function shardsMergeCommand(shards: readonly { summary: SweepSummary; where: string }[]): string | undefined {
  const groups: { summary: SweepSummary; where: string }[][] = [];
  for (const p of shards) {
    const group = groups.find((g) => {
      const a = g[0]!.summary;
      return (
        sameSeeds(a.seeds, p.summary.seeds) &&
        a.shards!.count === p.summary.shards!.count &&
        sweepDifference(a.sweep, p.summary.sweep) === undefined
      );
    });
    if (group === undefined) groups.push([p]);
    else group.push(p);
  }
  const group = groups.sort((a, b) => b.length - a.length)[0]!;
  const covered = group.flatMap((p) => p.summary.shards!.covered);
  if (new Set(covered).size !== covered.length) return undefined;
  const partial = hasGaps(mergeGaps(group)) ? ' --partial' : '';
  return `npusim sweep --merge${partial} ${group.map((p) => shellWord(p.where)).join(' ')}`;
}

/** Where two lists of seeds shown alike (seedsText cuts a long list) first differ, in words. */
function firstListDifference(ours: SeedRange, theirs: SeedRange): string {
  const a = ours.list ?? [];
  const b = theirs.list ?? [];
  if (ours.list === undefined || theirs.list === undefined) return 'a range and a list';
  if (a.length !== b.length) return `a list of ${b.length} seeds, not ${a.length}`;
  const i = a.findIndex((seed, k) => seed !== b[k]);
  return `the list's seed ${i + 1} is ${b[i]}, not ${a[i]}`;
}

/**
 * Where two summaries' identities first differ (depth first, keys in `a`'s order, then keys only
 * `b` has), so a merge refusal names the option (`its sweep.params.durationTicks is 30000000, not
 * 20000000`), not just "options differ". Undefined when they are equal.
 */
export function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
): { path: string; theirs: string; ours: string } | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length)
      return { path, theirs: shownValue(a), ours: shownValue(b) };
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) {
      const d = firstDifference(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b)
    ? undefined
    : { path, theirs: shownValue(a), ours: shownValue(b) };
}

/** A value of an identity in a message: its JSON, cut at 60 characters; `none` when absent. */
function shownValue(v: unknown): string {
  if (v === undefined) return 'none';
  const json = JSON.stringify(v);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A shard that ran only part of its seeds (Ctrl-C): its summary counts only those. */
export interface StoppedShard {
  where: string;
  shards: number[];
  ran: number;
  of: number;
  /** Why it stopped (its summary's stop.reasons; none in a summary older than them). */
  reasons: string[];
}

/** What a merge lacks of the sweep's seeds: shards not given, and shards stopped before their end. */
export interface MergeGaps {
  count: number;
  /** Shard numbers (1..count) no summary covers. */
  missing: number[];
  stopped: StoppedShard[];
}

/**
 * The gaps of a merge: a shard whose summary was not given (its batch job failed, or its directory
 * was left off the command line), and a shard interrupted before its last seed. A shard that
 * stopped at its first failure under --stop-on-first is complete: it did what it was asked.
 */
export function mergeGaps(parts: readonly { summary: SweepSummary; where: string }[]): MergeGaps {
  const count = parts[0]?.summary.shards?.count ?? 1;
  const covered = new Set(parts.flatMap((p) => p.summary.shards?.covered ?? [1]));
  const missing: number[] = [];
  for (let k = 1; k <= count; k++) if (!covered.has(k)) missing.push(k);
  const stopped: StoppedShard[] = [];
  for (const { summary: s, where } of parts) {
    const onPurpose = s.sweep.stopOnFirst === true && s.failed > 0;
    if (!s.stoppedEarly || onPurpose) continue;
    const shards = s.shards?.covered ?? [1];
    const of = shards.reduce((n, k) => n + seedsInShard(s.seeds, k, count), 0);
    stopped.push({
      where,
      shards: [...shards].sort((a, b) => a - b),
      ran: s.ran,
      of,
      reasons: s.stop?.reasons ?? [],
    });
  }
  return { count, missing, stopped };
}

export function hasGaps(g: MergeGaps): boolean {
  return g.missing.length > 0 || g.stopped.length > 0;
}

/**
 * Ascending shard numbers in words, each run of three or more as a range: `1, 2, 5..9, 12`. One
 * by one, 99999 missing shards were a 689 KB line (QA).
 */
export function numbersText(ks: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ks.length; ) {
    let j = i;
    while (j + 1 < ks.length && ks[j + 1] === ks[j]! + 1) j++;
    if (j - i >= 2) out.push(`${ks[i]}..${ks[j]}`);
    else for (let k = i; k <= j; k++) out.push(String(ks[k]));
    i = j + 1;
  }
  return out.join(', ');
}

/** The gaps in words: `shard 2 of 4 missing; shard 3 of 4 (DIR/FILE) stopped after 10 of 25 seeds`. */
export function gapsText(g: MergeGaps): string {
  const out: string[] = [];
  if (g.missing.length > 0)
    out.push(`shard${g.missing.length === 1 ? '' : 's'} ${numbersText(g.missing)} of ${g.count} missing`);
  for (const s of g.stopped) {
    const which = g.count === 1 ? 'the sweep' : `shard ${s.shards.join(', ')} of ${g.count}`;
    const why = s.reasons.length === 0 ? '' : ` by ${stopReasonsText(s.reasons)}`;
    out.push(`${which} (${s.where}) stopped early${why}, after ${s.ran} of ${seedsCount(s.of)}`);
  }
  return out.join('; ');
}
