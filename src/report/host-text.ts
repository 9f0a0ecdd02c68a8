/**
 * How a run was hosted, as every output names it (the summary's header, the HTML report, a
 * comparison): `inline`, `threaded`, `free`, or `free run, replayed`. A free run's result says
 * host `threaded` (its workers are threads) and carries free-mode figures (`free`); a free run
 * that crashed has no such figures (assemble-result.ts failedRunResult), only its placement, and
 * is a free run all the same.
 */
import type { RunResult } from './run-result.js';

export function hostText(
  result: Pick<RunResult, 'host' | 'free'> & { engine?: Pick<RunResult['engine'], 'placement'> },
): string {
  const placement = result.engine?.placement;
  if (placement === 'free-replay') return 'free run, replayed';
  if (result.free !== undefined || placement === 'free') return 'free';
  return result.host;
}
