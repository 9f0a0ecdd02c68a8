/**
 * Setting up a PCT run (model/choice/pct.ts): a first, measuring run of the same configuration
 * (the random strategy, counting each actor's scheduling choices and the agents that made them)
 * gives k per actor and n; the PCT strategy then draws its d - 1 change points over those k steps.
 * Shuttle's PCT measures its steps the same way, from a previous run.
 */
import { ConfigError } from '../core/errors.js';
import { MAX_PCT_DEPTH, pctBound } from '../model/choice/pct.js';
import type { StrategySpec } from '../model/choice/strategy.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { runRaw } from '../runtime/engine.js';

export { MAX_PCT_DEPTH };

export interface PctSetup {
  strategy: Extract<StrategySpec, { kind: 'pct' }>;
  /** n (agents) and k (scheduling steps) as measured, and the bound 1 / (n * k^(d-1)). */
  agents: number;
  steps: number;
  bound: number;
}

export function checkPctDepth(depth: number, option = '--pct-depth'): number {
  if (!Number.isSafeInteger(depth) || depth < 1 || depth > MAX_PCT_DEPTH) {
    throw new ConfigError(option, `Expected a depth from 1 to ${MAX_PCT_DEPTH}, got \`${depth}\``);
  }
  return depth;
}

export async function preparePct(config: RunConfig, depth: number): Promise<PctSetup> {
  checkPctDepth(depth);
  const raw = await runRaw({ ...config, strategy: { kind: 'count' } }, { host: 'inline' });
  const counts = raw.chooserCounts ?? [];
  const steps = counts.map((c) => c.steps);
  const agents = counts.reduce((s, c) => s + c.agents, 0);
  const total = steps.reduce((s, k) => s + k, 0);
  return {
    strategy: { kind: 'pct', depth, steps, agents },
    agents,
    steps: total,
    bound: pctBound(agents, total, depth),
  };
}

/** One line: the strategy and its bound with n and k filled in. */
export function pctLine(s: PctSetup): string {
  const d = s.strategy.depth;
  return `strategy pct depth ${d}: n = ${s.agents} agents, k = ${s.steps} scheduling steps; a bug of depth ${d} is found with probability >= 1/(n*k^${d - 1}) = ${s.bound.toExponential(2)}`;
}
