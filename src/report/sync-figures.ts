/**
 * How well a threaded run's synchronisation fits its work, per worker (OMNeT++'s parallel
 * simulation manual): efficiency lambda = L*E / (tau*P), with L the worker's lookahead (simulated
 * seconds), E its events per simulated second, tau the cost of one hand-off (wall seconds) and P
 * its events per wall second while busy. L*E is the events it can handle per lookahead window;
 * tau*P the events it could have handled in the time one hand-off costs. Below 1, every window
 * costs more in hand-offs than in work: poor speed-up is guaranteed.
 *
 * tau is a measured constant: a wake-up through Atomics.wait/notify costs about 37 us on this
 * project's 2-core machine (`npm run bench -- ring`, the parking ping-pong; bench/README.md "Ring").
 */
import type { WorkerFigures } from '../runtime/raw-run.js';

export const HANDOFF_COST_US = 37;

export interface SyncFigures {
  /** Events per lookahead window (L*E). */
  eventsPerWindow: number;
  /** Parks (each a hand-off waited for) per wall second. */
  handoffsPerSecond: number;
  /** L*E / (tau*P); undefined when the worker has no lookahead (inline, or alone). */
  lambda: number | undefined;
}

export function syncFigures(w: WorkerFigures, simulatedTicks: number, wallMs: number): SyncFigures {
  const lookahead = w.lookaheadTicks ?? 0;
  const windows = lookahead > 0 ? simulatedTicks / lookahead : 0;
  const eventsPerWindow = windows > 0 ? w.events / windows : 0;
  const handoffsPerSecond = wallMs > 0 ? w.parks / (wallMs / 1000) : 0;
  const busySeconds = w.busyMs / 1000;
  const perWallSecond = busySeconds > 0 ? w.events / busySeconds : 0;
  const tauTimesP = (HANDOFF_COST_US / 1e6) * perWallSecond;
  return {
    eventsPerWindow,
    handoffsPerSecond,
    lambda: lookahead > 0 && tauTimesP > 0 ? eventsPerWindow / tauTimesP : undefined,
  };
}
