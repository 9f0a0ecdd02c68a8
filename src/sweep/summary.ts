/**
 * A sweep's summary: how many seeds ran, how many failed and how, grouped by rule (how many seeds
 * it fired in, the first such seed, the earliest tick and its seed), and the worst exit class. The
 * same shape for a whole sweep and for one shard of it, so shards' summaries merge into exactly
 * the summary of the unsharded sweep (`npusim sweep --merge`).
 */

import { countText } from '../core/count-text.js';
import { SUMMARY_FORMAT } from '../core/npusim-files.js';
import type { SweepStop } from './not-run.js';
import type { SeedOutcome } from './seed-outcome.js';
import type { SeedRange, Shard } from './seeds.js';
import type { SweepExpectation } from './sweep-judge.js';
export const SUMMARY_VERSION = 2;

export interface RuleTally {
  /** Seeds in which the rule fired. */
  seeds: number;
  firstSeed: number;
  earliestTick: number;
  earliestSeed: number;
}

export interface SweepSummary {
  format: typeof SUMMARY_FORMAT;
  /** 2 since npusim 0.2.0: `seeds.list`, and the npusim version in `sweep`. */
  version: typeof SUMMARY_VERSION;
  /** What was swept: everything but the seed (workload, bugs, profile, strategy, duration...). */
  sweep: Record<string, unknown>;
  seeds: SeedRange;
  /** The shards this summary covers (all 1..N once merged). */
  shards: { count: number; covered: number[] } | null;
  ran: number;
  clean: number;
  failed: number;
  /** Seeds per exit class. */
  byClass: Record<string, number>;
  byRule: Record<string, RuleTally>;
  /** Every failing seed: its first finding and its failure file (if written). */
  failures: { seed: number; status: string; rule: string; tick: number; file: string | null }[];
  worstExitCode: number;
  stoppedEarly: boolean;
  /**
   * A sweep stopped early: why, and the seeds it did not run (not-run.ts). Optional, so the
   * summaries of version 2 written before it (stopped ones without it) read as before.
   */
  stop?: SweepStop;
  /**
   * A PCT sweep's figures (`--strategy pct`), as its stderr lines give them: n, k and the bound of
   * its lowest seed that measured them (each seed measures its own), and its change points planned
   * and fired over the seeds whose PCT run reported them. Optional: absent for other strategies and
   * in summaries written before it.
   */
  pct?: SweepPct;
  /**
   * A sweep that is one of its workload's variants (sweep-judge.ts): the variant, what it
   * expects, and how many seeds met it. Optional: absent for the workload's own run and in
   * summaries written before it.
   */
  expectation?: SweepExpectation;
  /** Milliseconds the seeds took; for a merge, what `merged.wallMs` says it measures. */
  wallMs: number;
  /**
   * A merge's (`sweep --merge`): the summaries it joined. Absent from a sweep's own summary, from
   * summaries written before it, and from the merged summary mergeSummaries and mergeResumed
   * return, which is exactly the whole sweep's (the command adds it: sweep-merge.ts).
   */
  merged?: SweepMerged;
}

/**
 * What `wallMs` of a merge measures: the shards ran apart (at once or not), so the longest shard's
 * time (`longest-shard`), its resumes' added to it as they ran after it (`...-with-resumes`), or a
 * sweep's with its resumes'; one summary merged alone keeps its own time (`sweep`, `shard`).
 */
export const MERGED_WALL_MS = [
  'sweep',
  'shard',
  'longest-shard',
  'sweep-with-resumes',
  'longest-shard-with-resumes',
] as const;
export type MergedWallMs = (typeof MERGED_WALL_MS)[number];

/** A merge's record of what it joined (SweepSummary.merged). */
export interface SweepMerged {
  /** The summary files it read, as it names them (`sh1/sweep-summary-1-of-2.json`), in that order. */
  summaries: string[];
  /**
   * How many sweeps it joined ran the seeds a stopped sweep did not (its resumes; those a merged
   * summary it read had joined too): 0 for shards alone.
   */
  resumes: number;
  wallMs: MergedWallMs;
}

/**
 * What a merge's time is, from the shards it covers and the resumes it joined: the longest shard's
 * when it covers several, with its resumes' when there are any (merge-resumed.ts adds them).
 */
export function mergedWallMs(shards: SweepSummary['shards'], resumes: number): MergedWallMs {
  if ((shards?.covered.length ?? 1) > 1) return resumes > 0 ? 'longest-shard-with-resumes' : 'longest-shard';
  if (resumes > 0) return 'sweep-with-resumes';
  return shards === null ? 'sweep' : 'shard';
}

export interface SweepPct {
  example: { seed: number; agents: number; steps: number; bound: number };
  changePoints: { seeds: number; planned: number; fired: number };
}

/** Exit codes from best to worst: clean, violation, liveness, crash. */
const SEVERITY = [0, 1, 3, 4];

export function worse(a: number, b: number): number {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

export function emptySummary(
  sweep: Record<string, unknown>,
  seeds: SeedRange,
  shard: Shard | undefined,
): SweepSummary {
  return {
    format: SUMMARY_FORMAT,
    version: SUMMARY_VERSION,
    sweep,
    seeds,
    shards: shard === undefined ? null : { count: shard.count, covered: [shard.index] },
    ran: 0,
    clean: 0,
    failed: 0,
    byClass: {},
    byRule: {},
    failures: [],
    worstExitCode: 0,
    stoppedEarly: false,
    wallMs: 0,
  };
}

export function addOutcome(s: SweepSummary, o: SeedOutcome, file: string | null): void {
  s.ran++;
  if (o.pct !== undefined) {
    const { agents, steps, bound } = o.pct;
    const c = o.pct.changePoints;
    addPct(s, {
      example: { seed: o.seed, agents, steps, bound },
      changePoints: { seeds: c === undefined ? 0 : 1, planned: c?.planned ?? 0, fired: c?.fired ?? 0 },
    });
  }
  if (s.expectation !== undefined && o.expectationMet === true) s.expectation.met++;
  s.byClass[o.status] = (s.byClass[o.status] ?? 0) + 1;
  s.worstExitCode = worse(s.worstExitCode, o.exitCode);
  if (o.status === 'clean') {
    s.clean++;
    return;
  }
  s.failed++;
  s.failures.push({
    seed: o.seed,
    status: o.status,
    rule: o.first?.rule ?? o.status,
    tick: o.first?.tick ?? 0,
    file,
  });
  for (const [rule, r] of Object.entries(o.rules)) {
    tally(s.byRule, rule, { seeds: 1, firstSeed: o.seed, earliestTick: r.tick, earliestSeed: o.seed });
  }
}

/** `p` added to `s.pct`: the lower seed's example, the change points summed. */
function addPct(s: SweepSummary, p: SweepPct): void {
  const cur = s.pct;
  if (cur === undefined) {
    s.pct = { example: { ...p.example }, changePoints: { ...p.changePoints } };
    return;
  }
  if (p.example.seed < cur.example.seed) cur.example = { ...p.example };
  cur.changePoints.seeds += p.changePoints.seeds;
  cur.changePoints.planned += p.changePoints.planned;
  cur.changePoints.fired += p.changePoints.fired;
}

function tally(into: Record<string, RuleTally>, rule: string, t: RuleTally): void {
  const cur = into[rule];
  if (cur === undefined) {
    into[rule] = { ...t };
    return;
  }
  cur.seeds += t.seeds;
  cur.firstSeed = Math.min(cur.firstSeed, t.firstSeed);
  if (
    t.earliestTick < cur.earliestTick ||
    (t.earliestTick === cur.earliestTick && t.earliestSeed < cur.earliestSeed)
  ) {
    cur.earliestTick = t.earliestTick;
    cur.earliestSeed = t.earliestSeed;
  }
}

/** Put a summary in its canonical order (failures by seed), so equal sweeps print equal summaries. */
export function canonical(s: SweepSummary): SweepSummary {
  s.failures.sort((a, b) => a.seed - b.seed);
  s.byRule = Object.fromEntries(Object.entries(s.byRule).sort(([a], [b]) => (a < b ? -1 : 1)));
  s.byClass = Object.fromEntries(Object.entries(s.byClass).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (s.shards !== null) s.shards.covered.sort((a, b) => a - b);
  return s;
}

/** `s`'s seeds and findings added to `out`'s (seeds run apart: shards, or a sweep and its resumes). */
export function addCounts(out: SweepSummary, s: SweepSummary): void {
  out.ran += s.ran;
  out.clean += s.clean;
  out.failed += s.failed;
  for (const [c, n] of Object.entries(s.byClass)) out.byClass[c] = (out.byClass[c] ?? 0) + n;
  for (const [rule, t] of Object.entries(s.byRule)) tally(out.byRule, rule, t);
  out.failures.push(...s.failures);
  out.worstExitCode = worse(out.worstExitCode, s.worstExitCode);
  if (s.pct !== undefined) addPct(out, s.pct);
  // Shards and resumes of one sweep are the same variant (its identity): their seeds' verdicts add.
  if (s.expectation !== undefined)
    out.expectation = { ...s.expectation, met: (out.expectation?.met ?? 0) + s.expectation.met };
}

/** `1 seed`, `12 seeds`. */
export function seedsCount(n: number): string {
  return countText(n, 'seed');
}

/** Why a sweep stopped, in words: `Ctrl-C (SIGINT)`, `SIGTERM`, `--stop-on-first`. */
export function stopReasonsText(reasons: readonly string[]): string {
  const words: Record<string, string> = {
    SIGINT: 'Ctrl-C (SIGINT)',
    SIGTERM: 'SIGTERM',
    SIGHUP: 'SIGHUP (its terminal closed)',
    signal: 'a signal',
    'stop-on-first': 'its first failing seed, under --stop-on-first',
    'npusim-failed': 'npusim failing on a seed (said above)',
  };
  return reasons.map((r) => words[r] ?? r).join(' and ');
}
