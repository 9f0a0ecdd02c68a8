/**
 * A run's strategy as the summary's header and the HTML report name it: the strategy, and for a
 * PCT run how many of its change points fired. A change point is drawn over the steps of the
 * measuring run; the PCT run, steered otherwise, may stop short of one, and then the printed
 * bound is for a smaller depth than asked: the reader is told, not left to assume.
 */
import { strategyName } from '../model/choice/strategy.js';
import type { RunResult } from './run-result.js';

export function strategyText(result: Pick<RunResult, 'config' | 'pct'>): string {
  const s = result.config.strategy;
  const c = result.pct?.changePoints;
  if (s?.kind !== 'pct' || c === undefined) return strategyName(s);
  // Depth 1 (or fewer steps than points: none drawn): PCT's priorities alone.
  if (c.planned === 0) return `pct (depth ${s.depth}, no change points)`;
  return `pct (depth ${s.depth}, ${c.fired} of ${c.planned} change point${c.planned === 1 ? '' : 's'} fired)`;
}
