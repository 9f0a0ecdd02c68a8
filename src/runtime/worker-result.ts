/**
 * What a worker thread hands back at the end of a run (worker-loop.ts, free/free-loop.ts), per
 * actor and per worker; the threaded runtime merges them into the run's raw result.
 */
import type { RecordFields } from '../core/record-fields.js';
import type { Actor } from '../model/actors/actor.js';
import type { ChooserCounts } from '../model/choice/chooser.js';
import type { LinkStats } from '../model/platform/link-timing.js';
import type { ActorRunner } from './actor-runner.js';
import type { Lateness } from './free/free-actor.js';
import type { ActorTakeLog } from './free/take-log.js';
import type { RingFigures } from './raw-run.js';
import type { ActorTrace } from './trace-recorder.js';
import type { WaitFigures } from './wait-histogram.js';

/** What one actor of the group hands back. */
export interface ActorOutcome {
  index: number;
  digest: string;
  events: number;
  /** Its first events, packed (digest.ts EventRecord): six numbers each. */
  recorded: Float64Array;
  report: ReturnType<Actor['finish']>;
  links: LinkStats[];
  choices: number[] | undefined;
  tail: RecordFields[] | undefined;
  chooserCounts: ChooserCounts | undefined;
  /** Records and samples for a trace (RunRecording.trace). */
  trace: ActorTrace | undefined;
}

export interface WorkerResult {
  worker: number;
  actors: ActorOutcome[];
  sentPerEdge: number[];
  receivedPerEdge: number[];
  inFlightPerEdge: number[];
  /** Figures of this worker's inbound rings (the consumer side sees the whole ring's counters). */
  rings: RingFigures[];
  reachedTick: number;
  stopped: boolean;
  /** The stop tick of a run stopped at its first finding (digests are rolled back to it). */
  firstFindingStop: number | undefined;
  events: number;
  busyMs: number;
  parkedMs: number;
  parks: number;
  /** Parks that ran out their bound (PARK_MS) with nobody ringing: see WorkerFigures. */
  parksTimedOut: number;
  /** Of parksTimedOut: those before the first window (no partner had published a safe time yet). */
  parksTimedOutAtStart: number;
  /** Times the worker turned its spinning off, other processes holding the cores (adaptive-spin.ts). */
  spinTurnedOff: number;
  /** Every wait (parks included) by its wall duration (wait-histogram.ts); sums to parkedMs. */
  waits: WaitFigures;
  /** Publications of safe times, at slice ends and within slices (hand-offs offered to the other workers). */
  publishes: number;
  /** Free mode: the actor's take log and how far real timing bent its timeline. */
  free?: { log: ActorTakeLog; logEntries: number; lateness: Lateness; driftWaits: number };
}

/** Live figures of one worker, for a stats snapshot over comlink. */
export interface WorkerSnapshot {
  worker: number;
  actors: string[];
  tick: number;
  events: number;
  horizon: number;
  heap: number;
  staged: number;
}

/**
 * What one actor's runner hands back at the end of a run (either loop): its digest and events,
 * what it recorded, its `report` and `trace` (made at the reached tick by the caller), its links'
 * figures at `reachedTick`.
 */
export function actorOutcome(
  x: ActorRunner,
  report: ReturnType<Actor['finish']>,
  trace: ActorTrace | undefined,
  tailEvents: number | undefined,
  reachedTick: number,
): ActorOutcome {
  return {
    index: x.actor.index,
    digest: x.digest.hex(),
    events: x.digest.count,
    recorded: x.recorded.packed(),
    report,
    links: x.linkStats(reachedTick),
    choices: x.choices(),
    chooserCounts: x.chooserCounts(),
    tail: (tailEvents ?? 0) > 0 ? x.tailEvents() : undefined,
    trace,
  };
}
