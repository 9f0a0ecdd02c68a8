/**
 * Exploration benchmark: how many seeds each search strategy needs before a bug switch's rule
 * fails, and how much `shrinkFailure` reduces one such failure.
 *
 * The cases: every (workload, bug switch) pair of the workload registry's `exposes` lists (the
 * pairs test/repro/bug-switches.test.ts sweeps; `single-flush` has two workloads). Each seed runs
 * as one sweep task does (src/sweep/run-seed.ts: one inline simulation, --stop-on-first); a seed
 * counts as failing when its first finding is one of the rules the workload says the switch trips.
 *
 * Seeds until the first failure: from a start seed S, run S, S+1, ... until a seed fails; the count
 * includes that seed (1 when S itself fails); none within CAP seeds is `>CAP`. Done from STARTS
 * starts (0, 1000, 2000, ...) and reported as the median, per strategy:
 *   random       the default strategy (every choice drawn from the seed);
 *   pct d=1..3   PCT at depth d: one measuring run (src/repro/pct-setup.ts `preparePct`) on the
 *                walk's first seed gives n and k, and every seed of the walk uses them. That was
 *                `npusim sweep --strategy pct`'s rule until 5b9f3d5; a sweep now measures each
 *                seed's own (so seed N runs what `npusim run --seed N --strategy pct` runs), which
 *                doubles its runs; the walk keeps one measurement, so its figures compare with
 *                those bench/README.md quotes.
 * Beside each median, the median simulated time of the failing seed's first finding: whether a
 * strategy gets to the bug sooner within a run.
 *
 * Shrink: the random walk's failure from the first start, written and read back as a failure file
 * (src/repro/failure-file.ts), then `shrinkFailure` with a budget of BUDGET runs: events and
 * simulated time before and after, and events before / after.
 *
 * Options: `--only BUG` (one switch, on each of its workloads), `--starts N` (default 5), `--cap N`
 * (default 200), `--budget N` (default 150). Progress per switch on stderr. Nothing is asserted.
 */
import { loadavg } from 'node:os';
import { scenarioConfig } from '../src/cli/scenario-config.js';
import { countText } from '../src/core/count-text.js';
import type { RuleName } from '../src/model/check/rule-names.js';
import { BUG_NAMES, type BugName } from '../src/model/scenario/bugs.js';
import type { RunConfig } from '../src/model/scenario/run-config.js';
import type { Workload } from '../src/model/scenario/workload.js';
import { formatTime } from '../src/report/duration.js';
import type { FailureFile } from '../src/repro/failure-file.js';
import { readFailureFile } from '../src/repro/failure-file-read.js';
import { preparePct } from '../src/repro/pct-setup.js';
import { shrinkFailure } from '../src/repro/shrink.js';
import { loadWorkloads } from '../src/runtime/workload-registry.js';
import { runSeed } from '../src/sweep/run-seed.js';
import { bugScenarioArgs, contextText, machineContext, median } from './bench-run.js';
import type { BenchOptions } from './main.js';

const START_STRIDE = 1000;
const DEFAULT_STARTS = 5;
const DEFAULT_CAP = 200;
const DEFAULT_BUDGET = 150;
/** depth 0: the random strategy. */
const STRATEGIES = [
  { name: 'random', depth: 0 },
  { name: 'pct d=1', depth: 1 },
  { name: 'pct d=2', depth: 2 },
  { name: 'pct d=3', depth: 3 },
] as const;

interface Case {
  workload: Workload;
  bug: BugName;
  rules: readonly RuleName[];
}

interface Walk {
  start: number;
  /** Seeds run up to and including the first failing one; null: none within the cap. */
  seeds: number | null;
  /** The failing seed's first finding. */
  seed: number | null;
  rule: string | null;
  tick: number | null;
  /** Seeds on the walk that failed with a rule outside the switch's list (not counted as found). */
  otherFailures: number;
  /** PCT only: n and k as measured on the walk's first seed. */
  pct?: { agents: number; steps: number; bound: number };
}

interface StrategyFigures {
  strategy: string;
  depth: number | null;
  /** Median seeds until the first failure; null: more than the cap (the median walk found none). */
  medianSeeds: number | null;
  /** Median simulated time (ps) of the first finding, over the walks that found one. */
  medianTick: number | null;
  walks: Walk[];
}

interface ShrinkFigures {
  seed: number;
  rule: string;
  runs: number;
  budget: number;
  eventsBefore: number;
  eventsAfter: number;
  eventsRatio: number;
  simulatedTicksBefore: number;
  simulatedTicksAfter: number;
  wallMs: number;
}

interface CaseFigures {
  bug: string;
  workload: string;
  rules: readonly string[];
  strategies: StrategyFigures[];
  /** null: no walk of the random strategy found a failure to shrink. */
  shrink: ShrinkFigures | null;
  wallMs: number;
}

/** The median; the upper one of an even count (as the other benches). */

export async function run(opts: BenchOptions): Promise<void> {
  const only = opts.oneOf('only', BUG_NAMES) as BugName | undefined;
  const startCount = opts.whole('starts', DEFAULT_STARTS, 1, 1000);
  const cap = opts.whole('cap', DEFAULT_CAP, 1, START_STRIDE);
  const budget = opts.whole('budget', DEFAULT_BUDGET, 1, 100_000);
  const starts = Array.from({ length: startCount }, (_, i) => i * START_STRIDE);
  const workloads = await loadWorkloads();
  const cases: Case[] = [...workloads.values()].flatMap((w) =>
    (w.exposes ?? []).filter((e) => only === undefined || e.bug === only).map((e) => ({ workload: w, ...e })),
  );
  if (cases.length === 0) throw new Error(`explore bench: no workload exposes \`${only}\``);
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const figures: CaseFigures[] = [];
  for (const [i, c] of cases.entries()) {
    const label = `[${i + 1}/${cases.length}] --bug ${c.bug} on ${c.workload.name}`;
    process.stderr.write(`explore: ${label}: walking ${starts.length} start(s), cap ${cap}\n`);
    figures.push(await exploreCase(c, starts, cap, budget, workloads, label));
  }
  const context = {
    ...machineContext(loadBefore),
    wallMs: performance.now() - started,
  };
  if (opts.json) {
    const out = { bench: 'explore', starts, cap, budget, cases: figures, ...context };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  printTables(figures, starts, cap, budget);
  process.stdout.write(`(${contextText(context)}; ` + `${(context.wallMs / 1000).toFixed(0)} s in all)\n`);
}

async function exploreCase(
  c: Case,
  starts: readonly number[],
  cap: number,
  budget: number,
  workloads: ReadonlyMap<string, Workload>,
  label: string,
): Promise<CaseFigures> {
  const caseStarted = performance.now();
  const args = bugScenarioArgs(c.bug, true);
  let toShrink: FailureFile | undefined;
  const strategies: StrategyFigures[] = [];
  for (const s of STRATEGIES) {
    const walks: Walk[] = [];
    for (const start of starts) {
      let config: RunConfig = scenarioConfig(c.workload, args, start);
      let pct: Walk['pct'];
      if (s.depth > 0) {
        const setup = await preparePct(config, s.depth);
        config = { ...config, strategy: setup.strategy };
        pct = { agents: setup.agents, steps: setup.steps, bound: setup.bound };
      }
      const walk: Walk = { start, seeds: null, seed: null, rule: null, tick: null, otherFailures: 0 };
      if (pct !== undefined) walk.pct = pct;
      for (let k = 0; k < cap; k++) {
        const seed = start + k;
        const o = await runSeed({ config, workload: c.workload, seed });
        if (o.status === 'clean') continue;
        const rule = o.first?.rule;
        if (rule === undefined || !(c.rules as readonly string[]).includes(rule)) {
          walk.otherFailures++;
          continue;
        }
        Object.assign(walk, { seeds: k + 1, seed, rule, tick: o.first!.tick });
        if (s.depth === 0 && toShrink === undefined) toShrink = o.failure;
        break;
      }
      walks.push(walk);
    }
    const found = walks.filter((w) => w.seeds !== null);
    const m = median(walks.map((w) => w.seeds ?? Number.POSITIVE_INFINITY));
    strategies.push({
      strategy: s.name,
      depth: s.depth === 0 ? null : s.depth,
      medianSeeds: Number.isFinite(m) ? m : null,
      medianTick: found.length === 0 ? null : median(found.map((w) => w.tick!)),
      walks,
    });
  }
  process.stderr.write(
    `explore: ${label}: ${strategies.map((s) => `${s.strategy} ${s.medianSeeds ?? `>${cap}`}`).join(', ')} ` +
      `(${((performance.now() - caseStarted) / 1000).toFixed(1)} s); shrinking, budget ${countText(budget, 'run')}\n`,
  );
  const shrink = toShrink === undefined ? null : await shrinkOne(toShrink, budget, workloads);
  if (shrink !== null) {
    process.stderr.write(
      `explore: ${label}: shrink ${shrink.eventsBefore} -> ${shrink.eventsAfter} events in ${countText(shrink.runs, 'run')} ` +
        `(${(shrink.wallMs / 1000).toFixed(1)} s)\n`,
    );
  }
  return {
    bug: c.bug,
    workload: c.workload.name,
    rules: c.rules,
    strategies,
    shrink,
    wallMs: performance.now() - caseStarted,
  };
}

/** Shrink a failure as `npusim shrink FILE --budget N` does: from the file's text. */
async function shrinkOne(
  failure: FailureFile,
  budget: number,
  workloads: ReadonlyMap<string, Workload>,
): Promise<ShrinkFigures> {
  const started = performance.now();
  const { file, config } = readFailureFile(JSON.stringify(failure), 'explore bench', workloads);
  const outcome = await shrinkFailure(file, config, workloads.get(file.workload.name)!, { budget });
  return {
    seed: file.seed,
    rule: file.first?.rule ?? 'clean',
    runs: outcome.runs,
    budget,
    eventsBefore: outcome.before.events,
    eventsAfter: outcome.after.events,
    eventsRatio: outcome.before.events / outcome.after.events,
    simulatedTicksBefore: outcome.before.simulatedTicks,
    simulatedTicksAfter: outcome.after.simulatedTicks,
    wallMs: performance.now() - started,
  };
}

/** The shrink table's first line: the shrinker's budget of runs and the walk's start seed. */
export function shrinkHeading(budget: number, seed: number): string {
  return `shrink (src/repro/shrink.ts, budget ${countText(budget, 'run')}) of the random walk's first failure from seed ${seed}`;
}

function printTables(
  figures: readonly CaseFigures[],
  starts: readonly number[],
  cap: number,
  budget: number,
): void {
  const out: string[] = [];
  out.push(
    `explore: seeds until the first failure of the switch's rule, median of walks from seeds ${starts.join(', ')} ` +
      `(at most ${countText(cap, 'seed')} each); in brackets the median simulated time of that first finding`,
  );
  out.push('inline, --stop-on-first; PCT measured once per walk, on its first seed');
  // Column widths from the longest names, so a new switch or workload never runs into the next column.
  const bugW = Math.max(25, ...figures.map((f) => f.bug.length + 2));
  const wlW = Math.max(18, ...figures.map((f) => f.workload.length + 2));
  const ruleW = Math.max(28, ...figures.map((f) => (f.shrink?.rule.length ?? 0) + 2));
  const cell = (s: StrategyFigures) =>
    `${s.medianSeeds === null ? `>${cap}` : String(s.medianSeeds)}${s.medianTick === null ? '' : ` (${formatTime(s.medianTick)})`}`;
  out.push(
    `${'bug'.padEnd(bugW)}${'workload'.padEnd(wlW)}${STRATEGIES.map((s) => s.name.padEnd(17)).join('')}other`,
  );
  for (const f of figures) {
    const other = f.strategies.reduce((n, s) => n + s.walks.reduce((m, w) => m + w.otherFailures, 0), 0);
    out.push(
      `${f.bug.padEnd(bugW)}${f.workload.padEnd(wlW)}${f.strategies.map((s) => cell(s).padEnd(17)).join('')}${other}`,
    );
  }
  out.push(
    "(other: seeds, over all walks, that failed with a rule outside the switch's list; they do not end a walk)",
  );
  out.push('');
  out.push(shrinkHeading(budget, starts[0]!));
  out.push(
    `${'bug'.padEnd(bugW)}${'workload'.padEnd(wlW)}${'seed'.padStart(6)}  ${'rule'.padEnd(ruleW)}${'runs'.padStart(5)}` +
      `${'events'.padStart(9)}${'after'.padStart(8)}${'ratio'.padStart(8)}${'sim time'.padStart(11)}${'after'.padStart(11)}`,
  );
  for (const f of figures) {
    const s = f.shrink;
    if (s === null) {
      out.push(`${f.bug.padEnd(bugW)}${f.workload.padEnd(wlW)}  (no failure found to shrink)`);
      continue;
    }
    out.push(
      `${f.bug.padEnd(bugW)}${f.workload.padEnd(wlW)}${String(s.seed).padStart(6)}  ${s.rule.padEnd(ruleW)}${String(s.runs).padStart(5)}` +
        `${String(s.eventsBefore).padStart(9)}${String(s.eventsAfter).padStart(8)}${`${s.eventsRatio.toFixed(1)}x`.padStart(8)}` +
        `${formatTime(s.simulatedTicksBefore).padStart(11)}${formatTime(s.simulatedTicksAfter).padStart(11)}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
