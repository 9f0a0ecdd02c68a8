/**
 * Setting up a PCT run (model/choice/pct.ts): a first, measuring run of the same configuration
 * (the random strategy, counting each actor's scheduling choices and the agents that made them)
 * gives k per actor and n; the PCT strategy then draws its d - 1 change points over those k steps.
 * Shuttle's PCT measures its steps the same way, from a previous run.
 */
import { ConfigError } from '../core/errors.js';
import { totalCounts } from '../model/choice/chooser.js';
import { MAX_PCT_DEPTH, pctBoundOf } from '../model/choice/pct.js';
import type { StrategySpec } from '../model/choice/strategy.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { pctBoundText } from '../report/strategy-text.js';
import { runRaw } from '../runtime/engine.js';
import type { RawRun } from '../runtime/raw-run.js';

export interface PctSetup {
  strategy: Extract<StrategySpec, { kind: 'pct' }>;
  /**
   * n (agents) and k (scheduling steps) as measured, and the bound 1 / (n * k^(d-1)) for the
   * depth it holds for (`boundDepth`: d, or k + 1 where the run has fewer steps than d - 1).
   */
  agents: number;
  steps: number;
  bound: number;
  boundDepth: number;
}

export function checkPctDepth(depth: number, option = '--pct-depth'): number {
  if (!Number.isSafeInteger(depth) || depth < 1 || depth > MAX_PCT_DEPTH) {
    throw new ConfigError(option, `Expected a depth from 1 to ${MAX_PCT_DEPTH}, got \`${depth}\``);
  }
  return depth;
}

/**
 * How the measuring run is hosted: in this thread by default; the command line hosts it in its
 * inline worker, with progress and Ctrl-C (cli/run-command.ts). It must run the config it is given.
 */
export type MeasureRun = (config: RunConfig) => Promise<RawRun>;

const inThisThread: MeasureRun = (config) => runRaw(config, { host: 'inline' });

/**
 * PCT over the steps of a measuring run of `config`. The measuring run leaves out `crashAt` (a
 * testing aid for the run the user asked for: a crash in the measuring run would end the command
 * before that run began). With a `measure` of its own, returns undefined when the measuring run
 * was interrupted (Ctrl-C): it counted only part of the steps, so no PCT run can be set up from it
 * (in this thread nothing stops it).
 */
export async function preparePct(config: RunConfig, depth: number): Promise<PctSetup>;
export async function preparePct(
  config: RunConfig,
  depth: number,
  measure: MeasureRun,
): Promise<PctSetup | undefined>;
export async function preparePct(
  config: RunConfig,
  depth: number,
  measure: MeasureRun = inThisThread,
): Promise<PctSetup | undefined> {
  checkPctDepth(depth);
  const { crashAt: _crashAt, ...measured } = config;
  const raw = await measure({ ...measured, strategy: { kind: 'count' } });
  if (raw.stopped === 'interrupted') return undefined;
  const counts = raw.chooserCounts ?? [];
  const { agents, steps } = totalCounts(counts);
  const bound = pctBoundOf(agents, steps, depth);
  return {
    strategy: { kind: 'pct', depth, steps: counts.map((c) => c.steps), agents },
    agents,
    steps,
    bound: bound.probability,
    boundDepth: bound.depth,
  };
}

/** One line: the strategy and its bound with n and k filled in. */
export function pctLine(s: PctSetup): string {
  const d = s.strategy.depth;
  return `strategy pct depth ${d}: ${pctBoundText(d, pctBoundOf(s.agents, s.steps, d))}`;
}
