/**
 * A run's strategy as the summary's header and the HTML report name it: the strategy, and for a
 * PCT run how many of its change points fired. A change point is drawn over the steps of the
 * measuring run; the PCT run, steered otherwise, may stop short of one, and then the printed
 * bound is for a smaller depth than asked: the reader is told, not left to assume. Likewise when
 * the measuring run had fewer steps than the d - 1 change points the depth needs (pctBoundText).
 */
import { changePointCount, type PctBound } from '../model/choice/pct.js';
import { strategyName } from '../model/choice/strategy.js';
import type { RunResult } from './run-result.js';

export function strategyText(result: Pick<RunResult, 'config' | 'pct'>): string {
  const s = result.config.strategy;
  const c = result.pct?.changePoints;
  if (s?.kind !== 'pct' || c === undefined) return strategyName(s);
  // A measuring run of fewer steps than d - 1 left room for fewer change points than the depth
  // needs: said here too, as the bound line says it (QA: `13 of 13 fired` at depth 16 read as
  // complete). Only then: every other run's header is as it was.
  const k = s.steps.reduce((sum, x) => sum + x, 0);
  const cut = changePointCount(s.depth, k) < s.depth - 1 ? `; ${s.depth - 1} needed, ${stepsText(k)}` : '';
  // Depth 1 (or a run of no steps: none drawn): PCT's priorities alone.
  if (c.planned === 0) return `pct (depth ${s.depth}, no change points${cut})`;
  return `pct (depth ${s.depth}, ${c.fired} of ${c.planned} change point${c.planned === 1 ? '' : 's'} fired${cut})`;
}

/**
 * n, k and the bound a PCT run of depth `depth` may claim, as `npusim run` and a sweep print it.
 * Where the run has fewer steps than the d - 1 change points the depth needs, it says so, how many
 * were placed, and the bound for the depth those reach (pct.ts PctBound): 1/(n*k^(d-1)) would
 * claim change points the run never had.
 */
export function pctBoundText(depth: number, b: PctBound): string {
  const nk = `n = ${b.agents} agents, k = ${b.steps} scheduling steps`;
  const claim = `a bug of depth ${b.depth} is found with probability >= ${boundFormula(b.depth)} = ${b.probability.toExponential(2)}`;
  if (b.depth === depth) return `${nk}; ${claim}`;
  const placed = changePointCount(depth, b.steps);
  return (
    `${nk}; depth ${depth} needs ${depth - 1} change points, one to a step, and the run has ${stepsText(b.steps)}, ` +
    `so ${placed} ${placed === 1 ? 'was' : 'were'} placed and PCT's guarantee does not reach depth ${depth}: ${claim}`
  );
}

/** 1/(n*k^(d-1)) as a reader writes it: 1/n at depth 1, 1/(n*k) at depth 2 (QA: `1/(n*k^0)`). */
function boundFormula(depth: number): string {
  if (depth <= 1) return '1/n';
  return depth === 2 ? '1/(n*k)' : `1/(n*k^${depth - 1})`;
}

function stepsText(k: number): string {
  return k === 0 ? 'no steps' : `only ${k} step${k === 1 ? '' : 's'}`;
}
