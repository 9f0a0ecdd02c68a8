/**
 * A sweep's summary: how many seeds ran, how many failed and how, grouped by rule (how many seeds
 * it fired in, the first such seed, the earliest tick and its seed), and the worst exit class. The
 * same shape for a whole sweep and for one shard of it, so shards' summaries merge into exactly
 * the summary of the unsharded sweep (`npusim sweep --merge`).
 */

import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { countText, plural } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { npusimFileKind, SUMMARY_FORMAT } from '../core/npusim-files.js';
import { parseJsonFile } from '../core/parse-json.js';
import { firstIssue } from '../model/scenario/schema-issues.js';
import { shellWord } from '../report/reproduce-line.js';
import { VERSION_TEXT } from '../repro/version.js';
import { compactSpans, ordinal, type SeedSpan, STOP_REASONS, type SweepStop, spanCount } from './not-run.js';
import type { SeedOutcome } from './seed-outcome.js';
import { type SeedRange, type Shard, sameSeeds, seedInShards, seedsInShard, seedsText } from './seeds.js';

export { SUMMARY_FORMAT };
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
  wallMs: number;
}

export interface SweepPct {
  example: { seed: number; agents: number; steps: number; bound: number };
  changePoints: { seeds: number; planned: number; fired: number };
}

/** The fields of a summary (SweepSummary), and the exit code `sweep --json` adds to it on stdout. */
const SUMMARY_KEYS: ReadonlySet<string> = new Set([
  'format',
  'version',
  'sweep',
  'seeds',
  'shards',
  'ran',
  'clean',
  'failed',
  'byClass',
  'byRule',
  'failures',
  'worstExitCode',
  'stoppedEarly',
  'stop',
  'pct',
  'wallMs',
  'exitCode',
]);

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

/**
 * Join shard summaries of one sweep. Refuses summaries of different sweeps or ranges, or a shard
 * given twice, naming which; the result covers the union of the shards.
 */
export function mergeSummaries(parts: readonly { summary: SweepSummary; where: string }[]): SweepSummary {
  if (parts.length === 0) throw new ConfigError('--merge', 'Expected at least one shard summary, got none');
  checkNoWholeAmongShards(parts);
  const first = parts[0]!.summary;
  const out = emptySummary(first.sweep, first.seeds, undefined);
  out.shards = { count: first.shards?.count ?? 1, covered: [] };
  /** The summary each shard came from. */
  const from = new Map<number, string>();
  for (const { summary: s, where } of parts) {
    checkSameSweep(parts[0]!, { summary: s, where });
    if (!sameSeeds(s.seeds, first.seeds)) {
      const ours = seedsText(first.seeds);
      const theirs = seedsText(s.seeds);
      throw new ConfigError(
        where,
        `Expected seeds ${ours}, got ${theirs}${ours === theirs ? `: ${firstListDifference(first.seeds, s.seeds)}` : ''}`,
      );
    }
    const count = s.shards?.count ?? 1;
    if (count !== out.shards.count)
      throw new ConfigError(where, `Expected shards of ${out.shards.count}, got ${count}`);
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
  const differs = firstDifference(first.summary.sweep, part.summary.sweep, 'sweep');
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
        firstDifference(a.sweep, p.summary.sweep, 'sweep') === undefined
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

/** The gaps in words: `shard 2 of 4 missing; shard 3 of 4 (DIR/FILE) stopped after 10 of 25 seeds`. */
export function gapsText(g: MergeGaps): string {
  const out: string[] = [];
  if (g.missing.length > 0)
    out.push(`shard${g.missing.length === 1 ? '' : 's'} ${g.missing.join(', ')} of ${g.count} missing`);
  for (const s of g.stopped) {
    const which = g.count === 1 ? 'the sweep' : `shard ${s.shards.join(', ')} of ${g.count}`;
    const why = s.reasons.length === 0 ? '' : ` by ${stopReasonsText(s.reasons)}`;
    out.push(`${which} (${s.where}) stopped early${why}, after ${s.ran} of ${seedsCount(s.of)}`);
  }
  return out.join('; ');
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

/**
 * The fields of a summary's identity (sweep.ts sweepIdentity) that a merge reads to name the sweep
 * in its header: a shard summary changed by hand must be refused naming the field, not crash the
 * merge. Others (the workload's parameters beyond these) are compared whole, not read.
 */
const identitySchema = z.looseObject({
  npusim: z
    .string({
      error: (issue) => `Expected the version of npusim that ran the shard, got ${describeJson(issue.input)}`,
    })
    .regex(VERSION_TEXT, {
      error: (issue) => `Expected a version such as 0.2.0, got ${JSON.stringify(issue.input)}`,
    }),
  workload: z.string(),
  params: z.looseObject({
    durationTicks: z.number().int().min(1),
    topology: z.string(),
    policy: z.string(),
  }),
  bugs: z.array(z.string()),
  profile: z.string(),
  strategy: z.string(),
  stopOnFirst: z.boolean(),
  pctDepth: z.number().int().min(1).optional(),
  set: z.array(z.strictObject({ path: z.string(), value: z.unknown() })).optional(),
  variant: z.string().optional(),
  free: z.strictObject({ windowTicks: z.number().int().min(1) }).optional(),
});

export function readSummary(text: string, where: string): SweepSummary {
  const json = parseJsonFile(text, where, 'a JSON sweep summary');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(
      where,
      `Expected an ${SUMMARY_FORMAT} (version ${SUMMARY_VERSION}), got ${describeJson(json)}`,
    );
  }
  const s = json as Partial<SweepSummary>;
  if (s.format !== SUMMARY_FORMAT || s.version !== SUMMARY_VERSION) {
    throw new ConfigError(
      where,
      `Expected an ${SUMMARY_FORMAT} (version ${SUMMARY_VERSION}), got ${whatFileIs(json)}`,
    );
  }
  for (const k of ['sweep', 'seeds', 'byRule', 'byClass', 'failures'] as const) {
    if (typeof s[k] !== 'object' || s[k] === null)
      throw new ConfigError(`${where}: ${k}`, `Expected an object, got ${describeJson(s[k])}`);
  }
  const identity = identitySchema.safeParse(s.sweep);
  if (!identity.success) {
    // In the words of every other schema error (schema-issues.ts): the field, and what arrived.
    const { field, message } = firstIssue(identity.error, s.sweep, identitySchema);
    throw new ConfigError(
      `${where}: sweep${field === '' ? '' : field.startsWith('[') ? field : `.${field}`}`,
      message,
    );
  }
  // A key a sweep never writes (a typo in a hand edit, a field of another version) is refused, as
  // in a workload or topology file, rather than merged past unread.
  const unknown = Object.keys(s).find((k) => !SUMMARY_KEYS.has(k));
  if (unknown !== undefined) {
    throw new ConfigError(
      `${where}: ${unknown}`,
      `Expected only the fields a sweep writes (${[...SUMMARY_KEYS].join(', ')}), got \`${unknown}\``,
    );
  }
  for (const k of ['ran', 'clean', 'failed', 'worstExitCode', 'wallMs'] as const) {
    const v = s[k];
    // 1e400 reads as Infinity: printed as "in Infinity s" by a merge that took it.
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ConfigError(`${where}: ${k}`, `Expected a number from 0, got ${describeJson(v)}`);
  }
  for (const k of ['first', 'last'] as const) {
    if (!Number.isSafeInteger(s.seeds![k]))
      throw new ConfigError(`${where}: seeds.${k}`, `Expected a seed, got ${describeJson(s.seeds![k])}`);
  }
  checkSeedList(s.seeds!, where);
  // The shards decide whether a merge is complete (mergeGaps): they must be what a sweep writes.
  const sh = s.shards as { count?: unknown; covered?: unknown } | null | undefined;
  if (
    sh !== null &&
    (typeof sh !== 'object' ||
      !Number.isSafeInteger(sh.count) ||
      !Array.isArray(sh.covered) ||
      !sh.covered.every((k) => Number.isSafeInteger(k) && k >= 1 && k <= (sh.count as number)))
  ) {
    throw new ConfigError(
      `${where}: shards`,
      `Expected null or { count, covered: [shard numbers from 1 to count] }, got ${JSON.stringify(sh) ?? 'none'}`,
    );
  }
  checkCounts(s as SweepSummary, where);
  checkStop(s as SweepSummary, where);
  checkPct(s as SweepSummary, where);
  return s as SweepSummary;
}

/**
 * A span of seeds not run, as a sweep writes it (not-run.ts SeedSpan); its order is checked by
 * checkSpanOrder, which can quote the span (a refine here could not say what arrived).
 */
const seedSpan = z.strictObject({
  first: z.number().int().min(0),
  last: z.number().int().min(0),
  every: z.number().int().min(2).optional(),
});

const sweepStop = z.strictObject({
  reasons: z.array(z.enum(STOP_REASONS)).min(1),
  notRun: z.array(seedSpan).min(1),
});

/**
 * A stopped sweep's `stop` (optional: older summaries lack it): only beside stoppedEarly, and its
 * seeds not run are those of its shards that it did not count, so a merge's resume line runs
 * exactly the seeds left.
 */
const whole = z.number().int().min(0);
/** A PCT sweep's `pct` (optional): its shape; merged by addPct. */
const sweepPct = z.strictObject({
  example: z.strictObject({ seed: whole, agents: whole, steps: whole, bound: z.number().min(0).max(1) }),
  changePoints: z.strictObject({ seeds: whole, planned: whole, fired: whole }),
});

/** A PCT sweep's `pct`: its shape, and counts that cannot contradict each other or the seeds run. */
function checkPct(s: SweepSummary, where: string): void {
  if (s.pct === undefined) return;
  checkShape(sweepPct, s.pct, `${where}: pct`);
  const c = s.pct.changePoints;
  if (c.fired > c.planned)
    throw new ConfigError(
      `${where}: pct.changePoints.fired`,
      `Expected at most the change points planned (${c.planned}), got ${c.fired}`,
    );
  if (c.seeds > s.ran)
    throw new ConfigError(
      `${where}: pct.changePoints.seeds`,
      `Expected at most the seeds the summary ran (${s.ran}), got ${c.seeds}`,
    );
}

function checkStop(s: SweepSummary, where: string): void {
  if (s.stop === undefined) return;
  checkShape(sweepStop, s.stop, `${where}: stop`);
  for (const [i, span] of s.stop.notRun.entries()) checkSpanOrder(span, `${where}: stop.notRun[${i}]`);
  if (s.stoppedEarly !== true)
    throw new ConfigError(
      `${where}: stop`,
      `Expected no stop in a summary whose stoppedEarly is ${JSON.stringify(s.stoppedEarly)}, got one`,
    );
  const count = s.shards?.count ?? 1;
  const covered = s.shards?.covered ?? [1];
  const of = covered.reduce((n, k) => n + seedsInShard(s.seeds, k, count), 0);
  s.stop.notRun.forEach((span, i) => {
    for (const k of ['first', 'last'] as const)
      if (!seedInShards(s.seeds, span[k], covered, count))
        throw new ConfigError(
          `${where}: stop.notRun[${i}].${k}`,
          `Expected a seed of seeds ${seedsText(s.seeds)}${s.shards === null ? '' : ` in ${plural(covered.length, 'shard')} ${covered.join(', ')} of ${count}`}, got ${span[k]}`,
        );
  });
  const notRun = s.stop.notRun.reduce((n, span) => n + spanCount(span), 0);
  if (notRun !== of - s.ran)
    throw new ConfigError(
      `${where}: stop.notRun`,
      `Expected the ${countText(of - s.ran, 'seed')} not run (${of} less ran: ${s.ran}), got ${notRun}`,
    );
}

/**
 * A span runs from `first` up to `last`, every `every`-th seed: refused otherwise with the span as
 * it arrived (QA: `9..3` was refused without saying which span, or what it held).
 */
function checkSpanOrder(span: SeedSpan, field: string): void {
  const given = JSON.stringify(span);
  if (span.first > span.last)
    throw new ConfigError(
      field,
      `Expected first at most last, got ${given} (first ${span.first} is after last ${span.last})`,
    );
  const every = span.every ?? 1;
  if ((span.last - span.first) % every !== 0)
    throw new ConfigError(
      field,
      `Expected last to be one of the seeds every ${ordinal(every)} from first (${span.first}, ${span.first + every}, ${span.first + 2 * every}, ..), got ${given}`,
    );
}

/**
 * A list of seeds (`--seeds 17,42,...`) as a sweep writes it: seeds ascending, each once, its ends
 * `first` and `last`; the shards' seeds and counts are read from it (seeds.ts seedsOf).
 */
function checkSeedList(seeds: SeedRange, where: string): void {
  const unknown = Object.keys(seeds).filter((k) => k !== 'first' && k !== 'last' && k !== 'list');
  if (unknown.length > 0)
    throw new ConfigError(
      `${where}: seeds`,
      `Expected first, last and a list, got unknown key \`${unknown[0]}\``,
    );
  const list = seeds.list as unknown;
  if (list === undefined) return;
  const field = `${where}: seeds.list`;
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError(field, `Expected a list of seeds, got ${describeJson(list)}`);
  for (let i = 0; i < list.length; i++) {
    const v = list[i] as unknown;
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      throw new ConfigError(`${field}[${i}]`, `Expected a seed, got ${describeJson(v)}`);
    if (i > 0 && (v as number) <= (list[i - 1] as number))
      throw new ConfigError(
        `${field}[${i}]`,
        `Expected seeds in ascending order, each once, got ${v as number} after ${list[i - 1] as number}`,
      );
  }
  if (list[0] !== seeds.first || list[list.length - 1] !== seeds.last) {
    throw new ConfigError(
      `${where}: seeds`,
      `Expected first and last to be the list's ends (${list[0] as number} and ${list[list.length - 1] as number}), got ${seeds.first} and ${seeds.last}`,
    );
  }
}

/** `value` as `schema` has it, or a ConfigError at `field` and the first issue's path in it. */
function checkShape(schema: z.ZodType, value: unknown, field: string): void {
  const r = schema.safeParse(value);
  if (r.success) return;
  const first = firstIssue(r.error, value, schema);
  throw new ConfigError(first.field === '' ? field : `${field}.${first.field}`, first.message);
}

/** A rule's tally as a sweep writes it (RuleTally). */
const ruleTally = z.strictObject({
  seeds: z.number().int().min(1),
  firstSeed: z.number().int().min(0),
  earliestTick: z.number().int().min(0),
  earliestSeed: z.number().int().min(0),
});

const failureEntry = z.strictObject({
  seed: z.number().int().min(0),
  status: z.string(),
  rule: z.string(),
  tick: z.number().int().min(0),
  file: z.string().nullable(),
});

/**
 * A summary's counts agree with each other and with its shards, so a merge's counts are the sum of
 * whole shards: a summary cut or changed by hand is refused naming the field, never merged into
 * figures that do not add up (`ran` 7 of which `clean` 3 and `failed` 2).
 */
function checkCounts(s: SweepSummary, where: string): void {
  if (!Array.isArray(s.failures))
    throw new ConfigError(`${where}: failures`, `Expected an array, got ${describeJson(s.failures)}`);
  const firstIndex = new Map<number, number>();
  s.failures.forEach((f, i) => {
    checkShape(failureEntry, f, `${where}: failures[${i}]`);
    const before = firstIndex.get(f.seed);
    if (before !== undefined)
      throw new ConfigError(
        `${where}: failures[${i}].seed`,
        `Expected one entry per failing seed, got seed ${f.seed} again (failures[${before}] has it)`,
      );
    firstIndex.set(f.seed, i);
  });
  for (const [rule, t] of Object.entries(s.byRule)) checkShape(ruleTally, t, `${where}: byRule.${rule}`);
  if (s.clean + s.failed !== s.ran) {
    throw new ConfigError(
      `${where}: ran`,
      `Expected clean + failed (${s.clean} + ${s.failed} = ${s.clean + s.failed}), got ${s.ran}`,
    );
  }
  if (s.failures.length !== s.failed) {
    throw new ConfigError(
      `${where}: failures`,
      `Expected one entry per failing seed (failed: ${s.failed}), got ${s.failures.length}`,
    );
  }
  const classes = Object.values(s.byClass).reduce(
    (n: number, c) => n + (typeof c === 'number' ? c : Number.NaN),
    0,
  );
  if (classes !== s.ran)
    throw new ConfigError(
      `${where}: byClass`,
      `Expected seeds per class adding up to ran (${s.ran}), got ${classes}`,
    );
  checkClasses(s, where);
  const count = s.shards?.count ?? 1;
  const covered = s.shards?.covered ?? [1];
  // Every seed the summary names is one its shards ran: a merge would report it as found there.
  const ran = `a seed of seeds ${seedsText(s.seeds)}${s.shards === null ? '' : ` in ${plural(covered.length, 'shard')} ${covered.join(', ')} of ${count}`}`;
  s.failures.forEach((f, i) => {
    if (!seedInShards(s.seeds, f.seed, covered, count))
      throw new ConfigError(`${where}: failures[${i}].seed`, `Expected ${ran}, got ${f.seed}`);
  });
  const failing = new Set(s.failures.map((f) => f.seed));
  for (const [rule, t] of Object.entries(s.byRule)) {
    for (const k of ['firstSeed', 'earliestSeed'] as const) {
      if (!failing.has(t[k]))
        throw new ConfigError(
          `${where}: byRule.${rule}.${k}`,
          `Expected one of the failing seeds (failures), got ${JSON.stringify(t[k])}`,
        );
    }
    if (t.seeds > s.failed)
      throw new ConfigError(
        `${where}: byRule.${rule}.seeds`,
        `Expected at most the failing seeds (failed: ${s.failed}), got ${t.seeds}`,
      );
    // A seed's first finding is its earliest (repro/first-finding.ts; a crashed seed's only rule is
    // its crash), so no rule fired in that seed before it: the earliest tick is not below it.
    const i = firstIndex.get(t.earliestSeed)!;
    const f = s.failures[i]!;
    if (f.rule !== f.status && t.earliestTick < f.tick)
      throw new ConfigError(
        `${where}: byRule.${rule}.earliestTick`,
        `Expected at least ${f.tick} (seed ${f.seed}'s first finding, failures[${i}], came at tick ${f.tick}), got ${t.earliestTick}`,
      );
  }
  // A seed's first finding is one of the rules it broke (addOutcome tallies every one), so its
  // rule has a tally that began no later than that seed, at a tick no later than that finding's,
  // and counts at least the seeds whose first finding it was. Only a seed that failed without a
  // finding (its status stands for its rule) has none.
  const firstOf = new Map<string, number>();
  for (const f of s.failures) if (f.rule !== f.status) firstOf.set(f.rule, (firstOf.get(f.rule) ?? 0) + 1);
  for (const [rule, n] of firstOf) {
    const t = s.byRule[rule];
    if (t !== undefined && t.seeds < n)
      throw new ConfigError(
        `${where}: byRule.${rule}.seeds`,
        `Expected at least ${n} (the failing seeds whose first finding is ${rule}), got ${t.seeds}`,
      );
  }
  s.failures.forEach((f, i) => {
    if (f.rule === f.status) return;
    const t = s.byRule[f.rule];
    if (t === undefined)
      throw new ConfigError(
        `${where}: failures[${i}].rule`,
        `Expected a rule with its own byRule entry, got ${JSON.stringify(f.rule)} (byRule has ${Object.keys(s.byRule).join(', ') || 'none'})`,
      );
    if (t.firstSeed > f.seed)
      throw new ConfigError(
        `${where}: byRule.${f.rule}.firstSeed`,
        `Expected at most ${f.seed} (failures[${i}] broke ${f.rule} in seed ${f.seed}), got ${t.firstSeed}`,
      );
    if (t.earliestTick > f.tick)
      throw new ConfigError(
        `${where}: byRule.${f.rule}.earliestTick`,
        `Expected at most ${f.tick} (failures[${i}], seed ${f.seed}, broke ${f.rule} at tick ${f.tick}), got ${t.earliestTick}`,
      );
  });
  // No finding after the run's end (the page's histogram spans the run: QA stretched it so).
  const duration = (s.sweep as { params?: { durationTicks?: unknown } }).params?.durationTicks;
  if (typeof duration === 'number') {
    s.failures.forEach((f, i) => {
      if (f.tick > duration)
        throw new ConfigError(
          `${where}: failures[${i}].tick`,
          `Expected at most ${duration} (sweep.params.durationTicks: no finding comes after the run's end), got ${f.tick}`,
        );
    });
    for (const [rule, t] of Object.entries(s.byRule))
      if (t.earliestTick > duration)
        throw new ConfigError(
          `${where}: byRule.${rule}.earliestTick`,
          `Expected at most ${duration} (sweep.params.durationTicks: no finding comes after the run's end), got ${t.earliestTick}`,
        );
  }
  const of = covered.reduce((n, k) => n + seedsInShard(s.seeds, k, count), 0);
  if (s.ran > of) {
    throw new ConfigError(
      `${where}: ran`,
      `Expected at most ${countText(of, 'seed')} (seeds ${seedsText(s.seeds)}${s.shards === null ? '' : `, ${plural(s.shards.covered.length, 'shard')} ${s.shards.covered.join(', ')} of ${count}`}), got ${s.ran}`,
    );
  }
}

/** The exit code of each class a failing seed can end in (core/exit-codes.ts). */
const FAILING_CLASS_CODES: ReadonlyMap<string, number> = new Map([
  ['violation', EXIT.violation],
  ['liveness', EXIT.liveness],
  ['crash', EXIT.crash],
]);

/**
 * The seeds per class are the failures' statuses counted (and `clean` the clean seeds), and the
 * worst exit code is the worst of those classes: a summary edited in one of these places would
 * print a class count, or exit with a class, that no failing seed has.
 */
function checkClasses(s: SweepSummary, where: string): void {
  const counted = new Map<string, number>([['clean', s.clean]]);
  let worst: number = EXIT.clean;
  s.failures.forEach((f, i) => {
    const code = FAILING_CLASS_CODES.get(f.status);
    if (code === undefined)
      throw new ConfigError(
        `${where}: failures[${i}].status`,
        `Expected one of ${[...FAILING_CLASS_CODES.keys()].join(', ')}, got ${JSON.stringify(f.status)}`,
      );
    counted.set(f.status, (counted.get(f.status) ?? 0) + 1);
    worst = worse(worst, code);
  });
  // The failing classes first: an edit that moved a seed between classes names the class.
  const classes = [...new Set([...Object.keys(s.byClass), ...counted.keys()])].sort(
    (a, b) => Number(a === 'clean') - Number(b === 'clean'),
  );
  for (const cls of classes) {
    if (cls !== 'clean' && !FAILING_CLASS_CODES.has(cls))
      throw new ConfigError(
        `${where}: byClass.${cls}`,
        `Expected a class a seed ends in (clean, ${[...FAILING_CLASS_CODES.keys()].join(', ')}), got \`${cls}\``,
      );
    if (cls !== 'clean' && s.byClass[cls] === 0)
      throw new ConfigError(
        `${where}: byClass.${cls}`,
        'Expected no entry for a class no seed ended in (a sweep writes none), got 0',
      );
    const n = s.byClass[cls] ?? 0;
    const want = counted.get(cls) ?? 0;
    if (n !== want)
      throw new ConfigError(
        `${where}: byClass.${cls}`,
        `Expected ${want} (${cls === 'clean' ? 'clean' : `the failures whose status is ${cls}`}), got ${s.byClass[cls] === undefined ? 'none' : n}`,
      );
  }
  if (s.worstExitCode !== worst)
    throw new ConfigError(
      `${where}: worstExitCode`,
      `Expected ${worst} (the worst class among the failures${s.failures.length === 0 ? ': none' : ''}), got ${s.worstExitCode}`,
    );
}

/**
 * A shard summary read from `where`, its failure files named where they are now: a sweep writes
 * them into the directory it leaves its summary in, under the path it was given (`--failures`
 * relative to the shard's own working directory, or a cluster's mount), so a merge run from
 * elsewhere, or of directories copied off the cluster, names each by the summary's directory and
 * the file's name, and `replay the earliest` gives a path that opens from where the merge ran.
 */
export function withFilesBeside(s: SweepSummary, where: string): SweepSummary {
  const dir = dirname(where);
  return {
    ...s,
    failures: s.failures.map((f) =>
      typeof f.file === 'string' ? { ...f, file: join(dir, basename(f.file)) } : f,
    ),
  };
}

/** What a JSON value is, in words, for "got ..." (never `undefined undefined`). */
function describeJson(v: unknown): string {
  if (v === undefined) return 'none';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a JSON array (${countText(v.length, 'item')})`;
  if (typeof v === 'object') return 'a JSON object';
  return `a JSON ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}

/**
 * Which file an object that is not a sweep summary looks like: the other files npusim writes are
 * the likely mistakes (a failure file from the same directory, a run result from `--out`).
 */
function whatFileIs(o: object): string {
  const r = o as Record<string, unknown>;
  if (r.format === SUMMARY_FORMAT)
    return `version ${JSON.stringify(r.version) ?? 'none'} of it (written by another npusim version)`;
  const kind = npusimFileKind(r);
  if (kind !== undefined) return kind;
  if (typeof r.format === 'string')
    return `format \`${r.format}\` version ${JSON.stringify(r.version) ?? 'none'}`;
  const keys = Object.keys(r);
  const shown = keys.slice(0, 6).map((k) => `"${k}"`);
  return `a JSON object without "format" and "version" (${keys.length === 0 ? 'no keys' : `keys ${shown.join(', ')}${keys.length > 6 ? ', ...' : ''}`})`;
}
