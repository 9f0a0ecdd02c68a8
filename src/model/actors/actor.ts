/**
 * The fixed shape of an actor (Akita's component shape): a P9 chip, a GPU or the coordinator.
 *
 * An actor is a deterministic state machine. It sees the world only through the messages handed to
 * `handle`, in the order the runtime guarantees (sim-message.ts, `compareMessages`), and acts on it
 * only through its `ActorContext`: sending along one of its outbound edges, scheduling a timer for
 * itself, and asking its chooser. It holds no reference to any other actor, so the same class runs
 * inline (all actors in one thread) and threaded (one worker per actor) with the same event order.
 */
import type { OracleEvent } from '../check/oracle-events.js';
import type { RuleTally, Violation } from '../check/violation.js';
import type { Chooser } from '../choice/chooser.js';
import type { SendFields, SimMessage } from '../protocol/sim-message.js';
import type { LatencyHistogram } from './recorder.js';

export type ActorKind = 'chip' | 'gpu' | 'coordinator';

export interface ActorContext {
  /** Time of the event being handled (or 0 in `start`). */
  readonly now: number;
  readonly self: number;
  /** This actor's choice seam, seeded from (run seed, actor index). */
  readonly chooser: Chooser;
  /**
   * Send along outbound edge `edge` (an index into the machine's edge table whose `from` is this
   * actor). `wireBytes` is what the link serialises (header plus payload). `delayTicks` (>= 0) is
   * work done before the message leaves (a memory access): the message leaves then, and the link
   * carries it from then, in the order messages leave (the runtime holds it until its departure),
   * so a message sent later but leaving sooner goes first. It can only add to the arrival time, so
   * the edge's lookahead stays its latency.
   */
  send(edge: number, fields: SendFields, wireBytes: number, delayTicks?: number): void;
  /** Schedule a message to this actor itself, `delayTicks` (>= 0) from now. */
  schedule(delayTicks: number, fields: SendFields): void;
}

/** What an actor hands back at the end of a run (plain data: it crosses threads). */
export interface ActorReport {
  index: number;
  name: string;
  kind: ActorKind;
  /** Counters: name -> value. */
  counters: Record<string, number>;
  /**
   * Latency histograms by name (metric-names.ts H), made by the runtime's Recorder (recorder.ts):
   * the runtime knows their real type and merges them across actors.
   */
  histograms: Record<string, LatencyHistogram>;
  violations: Violation[];
  /**
   * Every rule this actor's oracle found broken, the violations it only counted included: how
   * often and first when (a sweep's table of rules per seed reads it).
   */
  ruleTallies: Record<string, RuleTally>;
  /**
   * What this actor saw that another actor's violation may need (check/evidence.ts): the
   * coordinator's frees, a GPU's stale refills. Omitted by reports made without an oracle.
   */
  evidence?: OracleEvent[];
  /** Liveness problems seen by this actor (a shootdown that never completed, ...). */
  liveness: Violation[];
  /** Actor-specific state for a liveness dump (registers, queues). */
  state: Record<string, unknown>;
}

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  unit: string;
}

export interface Actor {
  readonly index: number;
  readonly name: string;
  readonly kind: ActorKind;
  /** Called once at tick 0 before any message: schedule the first timers. */
  start(ctx: ActorContext): void;
  handle(msg: SimMessage, ctx: ActorContext): void;
  /** Called once when the run ends (end of simulated time, or stop). */
  finish(endTick: number): ActorReport;
  /** Cheap progress figure for watchdogs and progress bars (e.g. shootdowns completed). */
  progress(): number;
  /**
   * Violations and liveness failures found so far (cheap: asked after every event when a run
   * stops at its first finding). Optional: an actor that says nothing never stops a run.
   */
  findings?(): number;
  /**
   * Outbound edges this actor promises never to send on in this run (a GPU never writes to the
   * coordinator, a chip never answers over PCIe). The threaded runtime publishes a safe time of
   * +Infinity on them at once, so they never hold a consumer's horizon back; a send on one is
   * an assertion failure (actor-runner.ts). Optional: an actor that says nothing may send anywhere.
   */
  silentEdges?(): readonly number[];
  /**
   * A few numeric figures of the actor's state now (ATSD registers locked, DMAs in flight, ..),
   * read without changing anything. Optional: asked only when a run records time series for a
   * trace or a report (src/runtime/trace-recorder.ts), a few hundred times per run.
   */
  sample?(): Record<string, number>;
}
