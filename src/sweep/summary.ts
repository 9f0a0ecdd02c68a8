/**
 * A sweep's summary: how many seeds ran, how many failed and how, grouped by rule (how many seeds
 * it fired in, the first such seed, the earliest tick and its seed), and the worst exit class. The
 * same shape for a whole sweep and for one shard of it, so shards' summaries merge into exactly
 * the summary of the unsharded sweep (`npusim sweep --merge`).
 */
import { ConfigError } from '../core/errors.js';
import { parseJson } from '../core/parse-json.js';
import type { SeedOutcome } from './seed-outcome.js';
import type { SeedRange, Shard } from './seeds.js';

export const SUMMARY_FORMAT = 'npusim-sweep-summary';

export interface RuleTally {
  /** Seeds in which the rule fired. */
  seeds: number;
  firstSeed: number;
  earliestTick: number;
  earliestSeed: number;
}

export interface SweepSummary {
  format: typeof SUMMARY_FORMAT;
  version: 1;
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
  wallMs: number;
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
    version: 1,
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

/**
 * Join shard summaries of one sweep. Refuses summaries of different sweeps or ranges, or a shard
 * given twice, naming which; the result covers the union of the shards.
 */
export function mergeSummaries(parts: readonly { summary: SweepSummary; where: string }[]): SweepSummary {
  if (parts.length === 0) throw new ConfigError('--merge', 'Expected at least one shard summary, got none');
  const first = parts[0]!.summary;
  const out = emptySummary(first.sweep, first.seeds, undefined);
  out.shards = { count: first.shards?.count ?? 1, covered: [] };
  for (const { summary: s, where } of parts) {
    if (JSON.stringify(s.sweep) !== JSON.stringify(first.sweep)) {
      throw new ConfigError(
        where,
        `Expected a shard of the same sweep as ${parts[0]!.where}, got another sweep (options differ)`,
      );
    }
    if (s.seeds.first !== first.seeds.first || s.seeds.last !== first.seeds.last) {
      throw new ConfigError(
        where,
        `Expected seeds ${first.seeds.first}..${first.seeds.last}, got ${s.seeds.first}..${s.seeds.last}`,
      );
    }
    const count = s.shards?.count ?? 1;
    if (count !== out.shards.count)
      throw new ConfigError(where, `Expected shards of ${out.shards.count}, got ${count}`);
    for (const k of s.shards?.covered ?? [1]) {
      if (out.shards.covered.includes(k))
        throw new ConfigError(where, `Expected each shard once, got shard ${k}/${count} again`);
      out.shards.covered.push(k);
    }
    out.ran += s.ran;
    out.clean += s.clean;
    out.failed += s.failed;
    for (const [c, n] of Object.entries(s.byClass)) out.byClass[c] = (out.byClass[c] ?? 0) + n;
    for (const [rule, t] of Object.entries(s.byRule)) tally(out.byRule, rule, t);
    out.failures.push(...s.failures);
    out.worstExitCode = worse(out.worstExitCode, s.worstExitCode);
    out.stoppedEarly ||= s.stoppedEarly;
    out.wallMs = Math.max(out.wallMs, s.wallMs);
  }
  if (out.shards.count === 1 && out.shards.covered.length === 1) out.shards = null;
  return canonical(out);
}

export function readSummary(text: string, where: string): SweepSummary {
  const json = parseJson(text, where, 'a JSON sweep summary');
  const s = json as Partial<SweepSummary>;
  if (s.format !== SUMMARY_FORMAT || s.version !== 1) {
    throw new ConfigError(
      where,
      `Expected a ${SUMMARY_FORMAT} (version 1), got ${String(s.format)} ${String(s.version)}`,
    );
  }
  for (const k of ['sweep', 'seeds', 'byRule', 'byClass', 'failures'] as const) {
    if (typeof s[k] !== 'object' || s[k] === null)
      throw new ConfigError(`${where}: ${k}`, 'Expected an object, got none');
  }
  return s as SweepSummary;
}
