/**
 * A threaded run's RawRun, from what each worker handed back (worker-result.ts): per-actor
 * outcomes in actor order, per-edge counts summed, rings and workers listed, how the run ended;
 * and a free run's take log and figures.
 */
import { AssertionFailure } from '../core/errors.js';
import { type FreeFigures, freeFigures } from './free/free-log.js';
import type { MachinePlan } from './machine-module.js';
import type { RawRun } from './raw-run.js';
import type { WorkerResult } from './worker-result.js';

/** The RawRun of a threaded run (without its placement and cores, which the caller adds). */
export function assemble(
  plan: MachinePlan,
  workerOf: readonly number[],
  groupName: (w: number) => string,
  results: WorkerResult[],
  wallMs: number,
  endTick: number,
): RawRun {
  const edges = plan.edges.length;
  const sum = (pick: (r: WorkerResult) => number[]): number[] =>
    Array.from({ length: edges }, (_, e) => results.reduce((s, r) => s + pick(r)[e]!, 0));
  const byActor = plan.actors.map((a) => {
    const outcome = results[workerOf[a.index]!]!.actors.find((x) => x.index === a.index);
    if (outcome === undefined)
      throw new Error(`no result for actor ${a.name} from worker ${workerOf[a.index]}`);
    return outcome;
  });
  const stopped = results.some((r) => r.stopped);
  const firstFinding = results.find((r) => r.firstFindingStop !== undefined)?.firstFindingStop;
  return {
    host: 'threaded',
    endTick,
    reachedTick: stopped
      ? Math.min(...results.map((r) => r.reachedTick))
      : firstFinding !== undefined
        ? firstFinding
        : endTick,
    stopped: stopped ? 'interrupted' : firstFinding !== undefined ? 'first-finding' : 'end',
    wallMs,
    events: results.reduce((s, r) => s + r.events, 0),
    actorDigests: byActor.map((a) => a.digest),
    actorEvents: byActor.map((a) => a.events),
    recorded: byActor.map((a) => a.recorded),
    reports: byActor.map((a) => a.report),
    sentPerEdge: sum((r) => r.sentPerEdge),
    receivedPerEdge: sum((r) => r.receivedPerEdge),
    inFlightPerEdge: sum((r) => r.inFlightPerEdge),
    links: byActor.flatMap((a) => a.links).sort((a, b) => a.edge - b.edge),
    rings: results.flatMap((r) => r.rings).sort((a, b) => a.edge - b.edge),
    workers: results.map((r, w) => ({
      actor: groupName(w),
      busyMs: r.busyMs,
      parkedMs: r.parkedMs,
      parks: r.parks,
      parksTimedOut: r.parksTimedOut,
      // A free loop has no windows, so none of its parks is the start-up kind: no figure.
      ...(r.free === undefined ? { parksTimedOutAtStart: r.parksTimedOutAtStart } : {}),
      // Always, 0 where it never did (QA: a script read a missing key where a count was due).
      spinTurnedOff: r.spinTurnedOff,
      waits: r.waits,
      events: r.events,
      publishes: r.publishes,
      lookaheadTicks: lookaheadOf(plan, workerOf, w),
    })),
    ...(byActor.every((a) => a.choices !== undefined) ? { choices: byActor.map((a) => a.choices!) } : {}),
    ...(byActor.every((a) => a.chooserCounts !== undefined)
      ? { chooserCounts: byActor.map((a) => a.chooserCounts!) }
      : {}),
    ...(byActor.every((a) => a.tail !== undefined) ? { tails: byActor.map((a) => a.tail!) } : {}),
    ...(byActor.every((a) => a.trace !== undefined) ? { traces: byActor.map((a) => a.trace!) } : {}),
  };
}

/**
 * A threaded run stopped at its first finding, its model figures taken from a second pass run to
 * the stop tick (threaded-runtime.ts, "Figures up to the stop"): `found` is the pass that found the
 * stop, `exact` the pass to it. `found`'s actors may have handled events past the stop before they
 * heard of it, and only their digests roll back; `exact`'s never passed it. So every figure of the
 * model (reports: counts, latencies, unfinished operations, in flight at the end; links, per-edge
 * counts, traces, tails, choices) is `exact`'s, as the inline runtime gives them; the engine's own
 * (workers, rings, placement, wall time) are `found`'s, so its rates are over the pass its workers'
 * figures come from (QA: events/s and parks/s over both passes read half), and `exact`'s wall time
 * is said apart (`rerunToStop`). The two passes must agree on every actor's digest and events:
 * both are the run up to the stop.
 */
export function withFiguresToStop(found: RawRun, exact: RawRun, seed: number): RawRun {
  found.actorDigests.forEach((digest, a) => {
    if (digest !== exact.actorDigests[a] || found.actorEvents[a] !== exact.actorEvents[a]) {
      throw new AssertionFailure(
        `seed ${seed}: actor ${exact.reports[a]?.name ?? a} handled ${found.actorEvents[a]} events (digest ${digest}) up to the stop tick ${found.reachedTick} in the pass that found it, and ${exact.actorEvents[a]} (digest ${exact.actorDigests[a]}) in the pass run to it`,
      );
    }
  });
  return {
    ...exact,
    endTick: found.endTick,
    reachedTick: found.reachedTick,
    stopped: found.stopped,
    wallMs: found.wallMs,
    rings: found.rings,
    workers: found.workers,
    ...(found.placement === undefined ? {} : { placement: found.placement }),
    ...(found.cores === undefined ? {} : { cores: found.cores }),
    ...(found.threadsKept === undefined ? {} : { threadsKept: found.threadsKept }),
    rerunToStop: { wallMs: exact.wallMs, completed: true },
  };
}

/** The least latency of an edge between worker `w` and another (its lookahead); 0 if none. */
function lookaheadOf(plan: MachinePlan, workerOf: readonly number[], w: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (const e of plan.edges) {
    const a = workerOf[e.from] === w;
    const b = workerOf[e.to] === w;
    if (a !== b && e.latencyTicks < least) least = e.latencyTicks;
  }
  return least === Number.POSITIVE_INFINITY ? 0 : least;
}

/** The take log and free-mode figures of a free run, from its workers (one per actor). */
export function freeRunFigures(
  windowTicks: number,
  raw: RawRun,
  results: readonly WorkerResult[],
): FreeFigures {
  const log = {
    windowTicks,
    stopped: raw.stopped,
    actors: results.map((r) => ({ ...r.free!.log, finishTick: r.reachedTick })),
  };
  return freeFigures(
    log,
    results.map((r) => r.free!.lateness),
    results.reduce((s, r) => s + r.free!.driftWaits, 0),
  );
}
