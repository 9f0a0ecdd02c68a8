/**
 * What a runtime hands back before reporting: per-actor reports and digests, per-edge message
 * accounting, and the engine's own figures. Plain data, the same shape from either host, so the
 * result assembler (src/report/assemble-result.ts) never knows how the run was hosted.
 */
import type { RecordFields } from '../core/record-fields.js';
import type { ActorReport } from '../model/actors/actor.js';
import type { ChooserCounts } from '../model/choice/chooser.js';
import type { LinkStats } from '../model/platform/link-timing.js';
import type { RingConsumer, RingStats } from '../transport/ring.js';
import type { TailPages } from './actor-runner.js';
import type { EventCost } from './event-costs.js';
import type { FreeFigures } from './free/free-log.js';
import type { ActorTrace, TraceOptions } from './trace-recorder.js';
import type { WaitFigures } from './wait-histogram.js';

/** One ring's figures in a run's result: which edge, and the ring's counters a report shows. */
export type RingFigures = { edge: number; label: string } & Pick<
  RingStats,
  'records' | 'batches' | 'fullStalls' | 'parks' | 'wakeups' | 'highWaterRecords' | 'capacityRecords'
>;

/** A consumer's view of its ring's counters (the consumer side sees the whole ring's). */
export function ringFigures(edge: number, label: string, consumer: RingConsumer): RingFigures {
  const s = consumer.stats();
  return {
    edge,
    label,
    records: s.records,
    batches: s.batches,
    fullStalls: s.fullStalls,
    parks: s.parks,
    wakeups: s.wakeups,
    highWaterRecords: s.highWaterRecords,
    capacityRecords: s.capacityRecords,
  };
}

export interface WorkerFigures {
  /** The actors it hosted (`gpu2`, or `chip0+gpu0+gpu1` with --workers N). */
  actor: string;
  busyMs: number;
  parkedMs: number;
  parks: number;
  /**
   * Threaded runs: the parks that ran out their 20 ms bound (thread-loop.ts PARK_MS) with nobody
   * ringing the worker's bell. A few are expected while workers start and while a partner is
   * descheduled or compiling; many, with the `>= 10ms` waits, would mean a wake-up that should
   * have come did not (each costs the run up to 20 ms, though never its result). Absent inline.
   */
  parksTimedOut?: number;
  /**
   * Of parksTimedOut, those before the worker's first window: no partner had published a safe
   * time yet (the partners still starting). The rest came later: a descheduled or compiling
   * partner, or a lost wake-up. Absent inline and in free mode.
   */
  parksTimedOutAtStart?: number;
  /**
   * Threaded runs whose workers spin (they do not outnumber the cores): the times this worker
   * turned its spinning off because most of its parks were long, its partners descheduled by other
   * processes holding the cores (src/transport/adaptive-spin.ts); 0 where it never did or never
   * spun (workers outnumber the cores). Absent inline, and from results written before 0 was kept.
   */
  spinTurnedOff?: number;
  /**
   * Threaded runs: every wait by its wall duration, per bucket of WAIT_BOUNDS_MS
   * (wait-histogram.ts: < 10 us, < 100 us, < 1 ms, < 10 ms, >= 10 ms); `ms` sums to parkedMs, and
   * the counts to at least `parks` (a wait a spin ended is no park). Absent inline.
   */
  waits?: WaitFigures;
  events: number;
  /** Publications of safe times (slice ends and within slices): the hand-offs it offered the other workers. */
  publishes?: number;
  /** The least latency of an edge between it and another worker: its lookahead (threaded). */
  lookaheadTicks?: number;
}

/** What `npusim run --check-hosts` compared: each host's event digest, over the same events. */
export interface HostsChecked {
  inline: string;
  threaded: string;
  /** The threaded run's placement ('per-actor', 'auto' or a number of workers). */
  placement: string;
  /** The workers the threaded run had (`auto` and a count over the actors say fewer than asked). */
  workers?: number;
  /** The events each host's run handled (the same when they agree). */
  events?: number;
  agree: boolean;
}

export interface RawRun {
  host: 'inline' | 'threaded';
  endTick: number;
  /** Simulated tick the run reached (endTick unless stopped early). */
  reachedTick: number;
  /**
   * 'first-finding': stopped at the end of the tick of the first violation or liveness failure
   * (`reachedTick` is that tick + 1; every event before it was handled, none after).
   */
  stopped: 'end' | 'interrupted' | 'first-finding';
  wallMs: number;
  events: number;
  actorDigests: string[];
  actorEvents: number[];
  /** Each actor's first events, packed (digest.ts EventRecord, `eventAt`): six numbers each. */
  recorded: Float64Array[];
  reports: ActorReport[];
  sentPerEdge: number[];
  receivedPerEdge: number[];
  /** Messages still in flight at the end (sent, not handled), per edge. */
  inFlightPerEdge: number[];
  /** Per edge, from its sender's link timing. */
  links: LinkStats[];
  rings: RingFigures[];
  workers: WorkerFigures[];
  /** How the actors were placed: 'inline', 'per-actor' or a number of workers (placement.ts). */
  placement?: string;
  /**
   * Threaded: true when the run's workers were kept from the caller's run before (worker-set.ts:
   * no thread started, the code already compiled), false when it started its own.
   */
  threadsKept?: boolean;
  /**
   * Threaded, stopped at its first finding: the second pass run to the stop tick for its figures
   * (threaded-runtime.ts "Figures up to the stop"), its wall time, and whether it ran to its end:
   * completed, the model figures are its own and none counts past the stop; stopped by a signal
   * (before it began: wallMs 0), they are the first pass's. `wallMs` above is the first pass's,
   * which the engine's rates and the workers' figures are over.
   */
  rerunToStop?: { wallMs: number; completed: boolean };
  /** The cores the host had (a threaded run's hint compares workers with them). */
  cores?: number;
  /** `--check-hosts`: both hosts' event digests (the run itself is the asked host's). */
  hostsChecked?: HostsChecked;
  /** `--check-hosts` stopped before both hosts had run: why the hosts were not compared. */
  hostsNotCompared?: string;
  /** Each actor's scheduling choices and agents, when its strategy counts them (PCT). */
  chooserCounts?: ChooserCounts[];
  /** Each actor's choice sequence, when recorded. */
  choices?: number[][];
  /** Each actor's last events, whole, when a tail was kept (replay history). */
  tails?: RecordFields[][];
  /** A free run (or its replay): its take log and free-mode figures. */
  free?: FreeFigures;
  /** Each actor's trace records and samples, when asked for (RunRecording.trace). */
  traces?: ActorTrace[];
  /** Each actor's handler times by message kind, when asked for (inline only: `timeEvents`). */
  eventCosts?: EventCost[][];
}

/** What a run records beyond its result (runtime options shared by both hosts). */
export interface RunRecording {
  /** Record each actor's choice sequence (RawRun.choices). */
  recordChoices?: boolean;
  /** Stop at the end of the tick of the first violation or liveness failure. */
  stopOnFirst?: boolean;
  /** Keep each actor's last N events whole (RawRun.tails). */
  tailEvents?: number;
  /** With tailEvents: the 64 KiB pages whose earlier events the tails keep too (RunnerOptions.tailPages). */
  tailPages?: TailPages;
  /** Keep each actor's trace records and samples (RawRun.traces; src/runtime/trace-recorder.ts). */
  trace?: TraceOptions;
}
