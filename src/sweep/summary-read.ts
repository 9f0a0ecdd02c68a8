/**
 * Reading a sweep summary back (`sweep --merge`, and a summary already in a sweep's directory:
 * summary-file.ts): the file's format and version, its identity's shape,
 * and counts that cannot contradict each other (seeds ran = clean + failed, a rule's seeds within
 * the failures, each failure's class and exit code, a PCT sweep's change points within those
 * planned), each refusal naming the file and the field.
 */

import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { countText, plural } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { npusimFileKind, SUMMARY_FORMAT } from '../core/npusim-files.js';
import { parseJsonFile } from '../core/parse-json.js';
import { codeText, escapeControls, gotText, shownText } from '../core/shown-text.js';
import { VERSION_TEXT } from '../io/version.js';
import { isRuleName } from '../model/check/rule-names.js';
import { MAX_PCT_DEPTH } from '../model/choice/pct.js';
import { firstIssue, subField } from '../model/scenario/schema-issues.js';
import { paramsIssues } from '../model/scenario/workload-params.js';
import { ordinal, type SeedSpan, STOP_REASONS, spanCount } from './not-run.js';
import { type SeedRange, seedCount, seedInShards, seedsInShard, seedsText } from './seeds.js';
import { MERGED_WALL_MS, SUMMARY_VERSION, type SweepSummary, worse } from './summary.js';

/**
 * The fields of a summary (SweepSummary), and the exit code and summary file (null for a merge,
 * which writes none) `sweep --json` adds to it on stdout: a merge's `--json` reads back, merged again.
 */
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
  'expectation',
  'wallMs',
  'merged',
  'exitCode',
  'summaryFile',
]);

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
      error: (issue) => `Expected a version such as 0.2.0, got ${describeValue(issue.input)}`,
    }),
  workload: z.string(),
  params: z.looseObject({
    durationTicks: z.number().int().min(1),
    topology: z.string(),
    policy: z.string(),
  }),
  // The preset's name (params.topology), or the spec of a `--topology FILE` (named so there).
  topology: z.union([z.string(), z.looseObject({ name: z.string() })]).optional(),
  // The path of that file, as the sweep was given it (absent before it was recorded).
  topologyFile: z.string().optional(),
  bugs: z.array(z.string()),
  profile: z.string(),
  // What sweep.ts sweepIdentity writes: pct with its depth (1 to MAX_PCT_DEPTH), else random.
  strategy: z.enum(['random', 'pct']),
  stopOnFirst: z.boolean(),
  pctDepth: z.number().int().min(1).max(MAX_PCT_DEPTH).optional(),
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
  for (const k of ['sweep', 'seeds', 'byRule', 'byClass'] as const) {
    if (typeof s[k] !== 'object' || s[k] === null)
      throw new ConfigError(`${where}: ${k}`, `Expected an object, got ${describeJson(s[k])}`);
  }
  // A list, one entry per failing seed (QA: `"failures": null` was refused as not an object).
  if (!Array.isArray(s.failures))
    throw new ConfigError(`${where}: failures`, `Expected a list, got ${describeJson(s.failures)}`);
  const identity = identitySchema.safeParse(s.sweep);
  if (!identity.success) {
    // In the words of every other schema error (schema-issues.ts): the field, and what arrived.
    const { field, message } = firstIssue(identity.error, s.sweep, identitySchema);
    throw new ConfigError(
      `${where}: sweep${field === '' ? '' : field.startsWith('[') ? field : `.${field}`}`,
      message,
    );
  }
  // The header says `strategy pct depth D` from both: a sweep names the depth exactly when it ran PCT.
  const { strategy, pctDepth } = identity.data;
  if ((strategy === 'pct') !== (pctDepth !== undefined))
    throw new ConfigError(
      `${where}: sweep.pctDepth`,
      strategy === 'pct'
        ? 'Expected the PCT depth a sweep of strategy pct ran with, got none'
        : `Expected none in a sweep of strategy ${strategy} (a sweep names the depth of PCT only), got ${pctDepth}`,
    );
  const topology = identity.data.topology;
  const topologyName = typeof topology === 'string' ? topology : topology?.name;
  if (topologyName !== undefined && topologyName !== identity.data.params.topology)
    throw new ConfigError(
      `${where}: sweep.topology`,
      `Expected the topology of sweep.params.topology (${JSON.stringify(identity.data.params.topology)}), or a topology file's spec of that name, got ${typeof topology === 'string' ? JSON.stringify(topology) : `a spec named ${JSON.stringify(topologyName)}`}`,
    );
  // The workload's parameters, which a sweep writes as it ran them (sweep.ts sweepIdentity: checked
  // as a workload file's are), and which make two shards one configuration: checked so, or a merge
  // of shards edited alike (`gpu: null`, `pagesPerProcess: true`: QA) printed a sweep no npusim runs.
  const params = paramsIssues(identity.data.params);
  if (params.params === undefined) {
    const issue = params.issues[0]!;
    throw new ConfigError(subField(`${where}: sweep.params`, issue.field), issue.message);
  }
  // A key a sweep never writes (a typo in a hand edit, a field of another version) is refused, as
  // in a workload or topology file, rather than merged past unread.
  const unknown = Object.keys(s).find((k) => !SUMMARY_KEYS.has(k));
  if (unknown !== undefined) {
    throw new ConfigError(
      `${where}: ${shownText(unknown)}`,
      `Expected only the fields a sweep writes (${[...SUMMARY_KEYS].join(', ')}), got ${gotText(unknown)}`,
    );
  }
  for (const k of ['ran', 'clean', 'failed', 'worstExitCode', 'wallMs'] as const) {
    const v = s[k];
    // 1e400 reads as Infinity: printed as "in Infinity s" by a merge that took it.
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ConfigError(`${where}: ${k}`, `Expected a finite number from 0, got ${describeJson(v)}`);
  }
  for (const k of ['first', 'last'] as const) {
    if (!Number.isSafeInteger(s.seeds![k]))
      throw new ConfigError(`${where}: seeds.${k}`, `Expected a seed, got ${describeJson(s.seeds![k])}`);
  }
  // Reversed ends hold no seed: refused here, not further on as a shard count above the seeds
  // (QA: `{"first":6,"last":1}` read `shards.count: ... the number of seeds (-4)`).
  if (s.seeds!.first > s.seeds!.last)
    throw new ConfigError(
      `${where}: seeds`,
      `Expected first at most last, got first ${s.seeds!.first} after last ${s.seeds!.last}`,
    );
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
  // N above the seeds (a sweep refuses it now) left shards with no seed: a merge of such a
  // summary listed every one as missing (a billion of them crashed V8; QA).
  if (sh !== null && (sh.count as number) > seedCount((s as SweepSummary).seeds)) {
    throw new ConfigError(
      `${where}: shards.count`,
      `Expected N from 1 to the number of seeds (${seedCount((s as SweepSummary).seeds)}), got ${sh.count as number}`,
    );
  }
  checkCounts(s as SweepSummary, where);
  checkStop(s as SweepSummary, where);
  checkPct(s as SweepSummary, where);
  checkExpectation(s as SweepSummary, where);
  checkMerged(s as SweepSummary, where);
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

/** A variant sweep's `expectation` (optional: sweep-judge.ts): its shape; merged by addCounts. */
const sweepExpectation = z.strictObject({
  variant: z.string(),
  by: z.string().optional(),
  expect: z.union([z.literal('clean'), z.array(z.string())]),
  byBugs: z.array(z.string()).optional(),
  notExposed: z.array(z.string()).optional(),
  met: whole,
});

/** A variant sweep's `expectation`: its shape, and no more seeds met than ran. */
function checkExpectation(s: SweepSummary, where: string): void {
  if (s.expectation === undefined) return;
  checkShape(sweepExpectation, s.expectation, `${where}: expectation`);
  if (s.expectation.met > s.ran)
    throw new ConfigError(
      `${where}: expectation.met`,
      `Expected at most the seeds the summary ran (${s.ran}), got ${s.expectation.met}`,
    );
}

/** A merge's `merged` (optional: merges before it, and sweeps, have none): what it joined. */
const sweepMerged = z.strictObject({
  summaries: z.array(z.string()).min(1),
  resumes: whole,
  wallMs: z.enum(MERGED_WALL_MS),
});

/** A merged summary's `merged`: its shape (a merge of it counts its resumes on: sweep-merge.ts). */
function checkMerged(s: SweepSummary, where: string): void {
  if (s.merged === undefined) return;
  checkShape(sweepMerged, s.merged, `${where}: merged`);
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
      `Expected first, last and a list, got unknown key ${codeText(unknown[0]!)}`,
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
  for (const [rule, t] of Object.entries(s.byRule)) {
    // A sweep tallies the rules its runs broke (rule-names.ts), or `crash`: any other name is an
    // edit the merge would print as a rule (QA: `no.such.rule` was accepted and printed).
    if (rule !== 'crash' && !isRuleName(rule))
      throw new ConfigError(
        `${where}: byRule.${rule}`,
        `Expected a rule name (npusim list) or \`crash\`, got ${JSON.stringify(rule)}`,
      );
    checkShape(ruleTally, t, `${where}: byRule.${rule}`);
  }
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
        `${where}: byClass.${shownText(cls)}`,
        `Expected a class a seed ends in (clean, ${[...FAILING_CLASS_CODES.keys()].join(', ')}), got ${gotText(cls)}`,
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
  // A merged summary (its `--json`, merged again) names its failure files where its merge found
  // them, beside the shards' summaries it joined, not beside itself.
  if (s.merged !== undefined) return s;
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
  // A literal past a double's range (`1e400`) parses to Infinity, which JSON writes as `null`:
  // said as `--set` and a topology file say it (QA67 D: `got a JSON number (null)`).
  if (v === Number.POSITIVE_INFINITY) return 'a number too large (above 1.8e308)';
  if (v === Number.NEGATIVE_INFINITY) return 'a number too large (below -1.8e308)';
  return `a JSON ${typeof v} (${escapeControls(JSON.stringify(v).slice(0, 40))})`;
}

/** A value as JSON writes it, a control character escaped (`"0.2\u001b[2J"`); `none` for none. */
function describeValue(v: unknown): string {
  const json = JSON.stringify(v) as string | undefined;
  return json === undefined ? 'none' : escapeControls(json);
}

/**
 * Which file an object that is not a sweep summary looks like: the other files npusim writes are
 * the likely mistakes (a failure file from the same directory, a run result from `--out`).
 */
function whatFileIs(o: object): string {
  const r = o as Record<string, unknown>;
  if (r.format === SUMMARY_FORMAT)
    return `version ${describeValue(r.version)} of it (written by another npusim version)`;
  const kind = npusimFileKind(r);
  if (kind !== undefined) return kind;
  if (typeof r.format === 'string') return `format ${codeText(r.format)} version ${describeValue(r.version)}`;
  const keys = Object.keys(r);
  const shown = keys.slice(0, 6).map((k) => escapeControls(JSON.stringify(k)));
  return `a JSON object without "format" and "version" (${keys.length === 0 ? 'no keys' : `keys ${shown.join(', ')}${keys.length > 6 ? ', ...' : ''}`})`;
}
