/**
 * A threaded run's RawRun, from what each worker handed back (worker-result.ts): per-actor
 * outcomes in actor order, per-edge counts summed, rings and workers listed, how the run ended;
 * and a free run's take log and figures.
 */
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
