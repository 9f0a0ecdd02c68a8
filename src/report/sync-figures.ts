/**
 * How well a threaded run's synchronisation fits its work, per worker (OMNeT++'s parallel
 * simulation manual): efficiency lambda = L*E / (tau*P), with L the worker's lookahead (simulated
 * seconds), E its events per simulated second, tau the cost of one hand-off (wall seconds) and P
 * its events per wall second while busy. L*E is the events it can handle per lookahead window;
 * tau*P the events it could have handled in the time one hand-off costs. Below 1, every window
 * costs more in hand-offs than in work: poor speed-up is guaranteed.
 *
 * tau is assumed, not measured by the run: a futex hand-off costs about 37 us on this project's
 * 2-core machine (issue 15; bench/README.md "Where a threaded run's CPU goes" measured about 42 us
 * of CPU per park and wake-up). A loaded or slower machine pays more, so the run's own figure is
 * given beside it: lambda with tau = the worker's parked time per park. That tau is an upper bound
 * on a hand-off's cost (a park also waits out the partner's window of work, or a partner that is
 * not running), so the second lambda is a lower bound, and the truth lies between the two.
 */
import type { WorkerFigures } from '../runtime/raw-run.js';

export const HANDOFF_COST_US = 37;

/**
 * A worker's checks: its waits whose look found work at once (the doorbell's ready()), so slept on
 * nothing and are no park. `parkedMs` is every wait's time, parks and checks alike, so the summary
 * says both counts beside it, and `--json` has them (QA: the checks were the summary's only).
 */
export function waitChecks(w: WorkerFigures): number | undefined {
  if (w.waits === undefined) return undefined;
  return Math.max(0, w.waits.counts.reduce((a, b) => a + b, 0) - w.parks);
}

export interface SyncFigures {
  /** Events per lookahead window (L*E). */
  eventsPerWindow: number;
  /** Parks per wall second (kept under its first name for scripts: parksPerSecond is the same figure). */
  handoffsPerSecond: number;
  /** Parks (each a hand-off waited for; one a spin caught is not counted) per wall second of the run, start-up included. */
  parksPerSecond: number;
  /**
   * L*E / (tau*P) with tau = HANDOFF_COST_US; undefined when the worker has no lookahead (inline, or
   * alone), or the run simulated no time.
   */
  lambda: number | undefined;
  /** The worker's parked time per park, in microseconds (the measured tau); undefined with no parks. */
  parkedUsPerPark: number | undefined;
  /** L*E / (tau*P) with tau = parkedUsPerPark: a lower bound on lambda; undefined where either is. */
  lambdaAtParkedPerPark: number | undefined;
}

export function syncFigures(w: WorkerFigures, simulatedTicks: number, wallMs: number): SyncFigures {
  const lookahead = w.lookaheadTicks ?? 0;
  const windows = lookahead > 0 ? simulatedTicks / lookahead : 0;
  const eventsPerWindow = windows > 0 ? w.events / windows : 0;
  const parksPerSecond = wallMs > 0 ? w.parks / (wallMs / 1000) : 0;
  const busySeconds = w.busyMs / 1000;
  const perWallSecond = busySeconds > 0 ? w.events / busySeconds : 0;
  const lambdaAt = (tauUs: number): number | undefined => {
    const tauTimesP = (tauUs / 1e6) * perWallSecond;
    // No simulated time, no window to judge (a run stopped while its threads started): its events
    // over no window read lambda 0, a false "no speed-up possible" (QA).
    return lookahead > 0 && windows > 0 && tauTimesP > 0 ? eventsPerWindow / tauTimesP : undefined;
  };
  const parkedUsPerPark = w.parks > 0 ? (w.parkedMs * 1000) / w.parks : undefined;
  const lambda = lambdaAt(HANDOFF_COST_US);
  return {
    eventsPerWindow,
    handoffsPerSecond: parksPerSecond,
    parksPerSecond,
    lambda,
    parkedUsPerPark,
    lambdaAtParkedPerPark:
      lambda === undefined || parkedUsPerPark === undefined || parkedUsPerPark <= 0
        ? undefined
        : lambdaAt(parkedUsPerPark),
  };
}
