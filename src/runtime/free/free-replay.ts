/**
 * Replay of a free run in one thread, from its take log (take-log.ts): the same digest, the same
 * findings at the same ticks, whatever the machine's load.
 *
 * How it works. Every actor is a FreeActor again (free-actor.ts), with the seed's chooser; what it
 * sends goes into a FIFO per edge (a ring never reorders, so the k-th record taken from an edge in
 * the replay is the k-th one sent on it, as in the free run). An actor is stepped until its log
 * says "take n records from edge e now" and fewer than n are queued: it waits, and another actor
 * runs. The free run happened, so some order of steps satisfies every take; stepping actors round
 * robin finds one, and a pass in which no actor moves means the log is not this run's (it is
 * refused, naming every actor that cannot go on, at which event, and the edge it waits on). Each
 * actor handles exactly the number of events the log gives it and finishes at the tick it
 * finished at.
 *
 * Records go through the wire codec on the way, as they did through the rings, so any field the
 * wire narrows is narrowed here too.
 */
import { countText } from '../../core/count-text.js';
import { ConfigError } from '../../core/errors.js';
import { nodeRecorder } from '../../metrics/node-recorder.js';
import { checkOnePerActor } from '../../model/choice/per-actor-logs.js';
import { createChooser, type StrategySpec } from '../../model/choice/strategy.js';
import { SELF_LINK, type SimMessage } from '../../model/protocol/sim-message.js';
import { MESSAGE_BYTES, readMessage, writeMessage } from '../../transport/codec.js';
import type { MachineModule, MachinePlan } from '../machine-module.js';
import type { MessagePool } from '../message-pool.js';
import { ProgressTick, progressTickOf } from '../progress-tick.js';
import type { RawRun, RunRecording } from '../raw-run.js';
import { runnerCrash } from '../run-errors.js';
import { runnerFigures } from '../runner-figures.js';
import { FreeActor } from './free-actor.js';
import { type FreeLog, freeFigures } from './free-log.js';
import { decodeTakeLog, type Take, type TakeCursor } from './take-log.js';

export interface FreeReplayOptions extends RunRecording {
  seed: number;
  strategy?: StrategySpec;
  endTick: number;
  log: FreeLog;
  /** Names the log in errors (the file and field it came from). */
  where: string;
  recordEvents?: number;
  /** Keep in each actor's tail only events at or before this tick (a history up to a finding). */
  tailUntilTick?: number;
  /**
   * Called after about every `progressEvery` events (default 65,536, as an inline run) with the
   * tick the actors still following their logs have reached (the least of their clocks, as a free
   * run's progress gives it: progress-tick.ts),
   * the events handled and the violations found so far. The replay holds this thread: no timer
   * could report it.
   */
  onProgress?: (tick: number, events: number, findings: number) => void;
  progressEvery?: number;
  /**
   * Polled after each pass over the actors, a step being at most STEP_EVENTS events (Ctrl-C): true
   * stops the replay there, `stopped: 'interrupted'`, each actor finished at its own clock and the
   * run reported at the tick its progress had reached. The replay runs on a worker of its own for
   * this (cli/inline-host.ts): in the command's thread no signal could set what this reads.
   */
  shouldStop?: () => boolean;
}

/**
 * The most events one actor handles before the replay steps the next (and polls `shouldStop`): an
 * actor whose log takes little could otherwise handle its whole run in one step. The order in
 * which actors are stepped changes nothing each one does (its takes fix what it handles, and a
 * queue is filled in its sender's order), so a shorter step costs only the round trips.
 */
const STEP_EVENTS = 4096;

interface Queue {
  items: SimMessage[];
  head: number;
}

/** One actor of the replay: its FreeActor, its takes, the next take and the events it must handle. */
interface ReplayActor {
  fa: FreeActor;
  takes: TakeCursor;
  target: number;
  where: string;
}

export function replayFree<C>(machine: MachineModule<C>, config: C, options: FreeReplayOptions): RawRun {
  const started = performance.now();
  const plan = machine.planMachine(config);
  const log = options.log;
  // A failure file's log was checked when read (failure-file.ts); a log from elsewhere is here.
  checkOnePerActor(
    log.actors.length,
    plan.actors.length,
    `${options.where}.actors`,
    'take logs',
    'this machine',
  );
  const queues: Queue[] = plan.edges.map(() => ({ items: [], head: 0 }));
  const actors = createReplayActors(machine, config, plan, queues, options);
  for (const a of actors) a.fa.runner.start();
  const interrupted = runToLog(
    actors,
    queues,
    plan,
    options.where,
    progressReport(actors, options),
    options.shouldStop,
  );
  // Each actor ends where its log ended it, or, stopped, at its own clock (as a free worker
  // Ctrl-C stopped ends at its own: free-loop.ts finish).
  const finishTicks = interrupted ? actors.map((a) => a.fa.runner.now) : log.actors.map((a) => a.finishTick);

  // Before finish, as a free worker does (free-loop.ts): each actor's records up to where it ended.
  const traces =
    options.trace === undefined ? undefined : actors.map((a, i) => a.fa.runner.traceResult(finishTicks[i]!)!);
  const reports = actors.map((a, i) => a.fa.runner.finish(finishTicks[i]!));
  const runners = actors.map((a) => a.fa.runner);
  const inFlightPerEdge = plan.edges.map((_, e) => queues[e]!.items.length - queues[e]!.head);
  for (const a of actors) {
    for (let m = a.fa.heap.pop(); m !== undefined; m = a.fa.heap.pop()) {
      if (m.link !== SELF_LINK) inFlightPerEdge[m.link]!++;
    }
  }
  const events = runners.reduce((s, r) => s + r.digest.count, 0);
  const wallMs = performance.now() - started;
  // Stopped: the tick its progress showed (the least clock of the actors still following their
  // logs), the tick every actor had reached, as a free run Ctrl-C stopped is reported.
  const reached = interrupted
    ? progressTickOf(actors.map((a) => ({ tick: a.fa.runner.now, advancing: !followedToEnd(a) })))
    : Math.min(...log.actors.map((a) => a.finishTick));
  return {
    endTick: options.endTick,
    reachedTick: !interrupted && log.stopped === 'end' ? options.endTick : reached,
    stopped: interrupted ? 'interrupted' : log.stopped,
    ...runnerFigures(runners, plan, 'all (free-mode replay)', wallMs, events, finishTicks),
    reports,
    inFlightPerEdge,
    placement: 'free-replay',
    free: freeFigures(
      log,
      actors.map((a) => a.fa.lateness),
      0,
    ),
    ...(options.recordChoices === true ? { choices: runners.map((r) => r.choices() ?? []) } : {}),
    // A PCT run's own steps and change points, as the free run reported them (its actors handle
    // the same events with the same chooser): its replay's result has `pct` too (QA: only a
    // deterministic PCT file's replay had it).
    ...(runners.every((r) => r.chooserCounts() !== undefined)
      ? { chooserCounts: runners.map((r) => r.chooserCounts()!) }
      : {}),
    ...((options.tailEvents ?? 0) > 0 ? { tails: runners.map((r) => r.tailEvents()) } : {}),
    ...(traces === undefined ? {} : { traces }),
  };
}

/**
 * Refuses a take log whose actors' logs do not decode (a changed digest, a cut log, an edge that
 * does not enter the actor), as `replayFree` would, without running anything: a replay checks its
 * file before it prints its header, so a refused file does not read as a replay begun (QA).
 */
export function checkFreeLog<C>(machine: MachineModule<C>, config: C, log: FreeLog, where: string): void {
  const plan = machine.planMachine(config);
  checkOnePerActor(log.actors.length, plan.actors.length, `${where}.actors`, 'take logs', 'this machine');
  for (const info of plan.actors) {
    const inbound = new Set(plan.edges.filter((e) => e.to === info.index).map((e) => e.index));
    decodeTakeLog(log.actors[info.index]!, `${where}.actors[${info.index}] (${info.name})`, inbound);
  }
}

/** Every actor of the plan as a FreeActor with its decoded takes, sending into the edge queues. */
function createReplayActors<C>(
  machine: MachineModule<C>,
  config: C,
  plan: MachinePlan,
  queues: Queue[],
  options: FreeReplayOptions,
): ReplayActor[] {
  const log = options.log;
  const scratch = new Uint32Array(MESSAGE_BYTES / 4);
  const pools: MessagePool[] = [];
  const recorder = nodeRecorder(options.endTick);
  return plan.actors.map((info) => {
    const inbound = new Set(plan.edges.filter((e) => e.to === info.index).map((e) => e.index));
    const where = `${options.where}.actors[${info.index}] (${info.name})`;
    const takes = decodeTakeLog(log.actors[info.index]!, where, inbound);
    const fa = new FreeActor(
      machine.createActor(config, plan, info.index, recorder),
      plan,
      createChooser(options.strategy, options.seed, info.index),
      (edge, m) => {
        // Through the codec, as through a ring; the copy comes from the consumer's pool (it goes
        // back there once handled) and the sender's object goes back to the sender's.
        writeMessage(scratch, 0, m);
        const copy = pools[plan.edges[edge]!.to]!.take();
        readMessage(scratch, 0, copy);
        queues[edge]!.items.push(copy);
        pools[info.index]!.give(m);
      },
      {
        recordEvents: options.recordEvents,
        recordChoices: options.recordChoices,
        tailEvents: options.tailEvents,
        tailPages: options.tailPages,
        tailUntilTick: options.tailUntilTick,
        trace: options.trace,
      },
      undefined,
    );
    pools[info.index] = fa.runner.pool;
    return { fa, takes, target: log.actors[info.index]!.events, where };
  });
}

/**
 * What runToLog calls after each actor's step with the events handled so far: options.onProgress
 * once at least `progressEvery` more were handled since it last did. Undefined without one.
 */
function progressReport(
  actors: readonly ReplayActor[],
  options: FreeReplayOptions,
): ((events: number) => void) | undefined {
  const onProgress = options.onProgress;
  if (onProgress === undefined) return undefined;
  const every = options.progressEvery ?? 65_536;
  let next = every;
  const shown = new ProgressTick();
  return (events) => {
    if (events < next) return;
    next = events + every;
    let findings = 0;
    for (const a of actors) findings += a.fa.runner.actor.findings?.() ?? 0;
    // An actor that has followed its log to the end stops its clock there: passed over.
    const tick = shown.next(actors.map((a) => ({ tick: a.fa.runner.now, advancing: !followedToEnd(a) })));
    onProgress(tick, events, findings);
  };
}

/** Whether the actor has handled the events its log counts and made every take in it. */
function followedToEnd(a: ReplayActor): boolean {
  return a.fa.handled >= a.target && a.takes.current === undefined;
}

/**
 * Steps the actors round robin until each has handled its events and made its takes, or until
 * `shouldStop` says stop (polled after each pass: returns true then). A pass in
 * which none moves refuses the log, naming every actor that cannot go on: one whose log waits for
 * records nobody can send now, and one with no event left to handle before its log's count. An
 * actor stuck with nothing to handle stays stuck (records reach it only through its takes), so the
 * others are stepped on to find every actor the log leaves stuck, not only the first.
 */
function runToLog(
  actors: ReplayActor[],
  queues: Queue[],
  plan: MachinePlan,
  where: string,
  progress: ((events: number) => void) | undefined,
  shouldStop: (() => boolean) | undefined,
): boolean {
  let events = 0;
  // A replay asked to stop before it began (Ctrl-C while the run before it ended) handles nothing.
  if (shouldStop?.()) return true;
  for (;;) {
    let moved = false;
    let done = true;
    for (const a of actors) {
      const before = a.fa.handled;
      if (step(a, queues)) moved = true;
      events += a.fa.handled - before;
      progress?.(events);
      if (!followedToEnd(a)) done = false;
    }
    if (done) return false;
    if (shouldStop?.()) return true;
    if (!moved) {
      const stuck = actors.filter((a) => !followedToEnd(a));
      throw new ConfigError(
        where,
        `Expected a log this run can follow, got one it cannot finish (it does not belong to this run): ${stuck.length} of ${actors.length} actors cannot go on${stuck.length < actors.length ? ' (the others have followed their logs to the end)' : ''}: ${stuck.map((a) => cannotGoOn(a, queues, plan, where)).join('; ')}`,
      );
    }
  }
}

/**
 * Why an actor the replay cannot step any more stopped where it did, the actor named within the
 * log (`actors[2] (gpu0)`): the message already names the file once, not once per actor.
 */
function cannotGoOn(a: ReplayActor, queues: Queue[], plan: MachinePlan, logWhere: string): string {
  const who = a.where.startsWith(`${logWhere}.`) ? a.where.slice(logWhere.length + 1) : a.where;
  const t = a.takes.current;
  if (t !== undefined && t.at === a.fa.handled) {
    const q = queues[t.edge]!;
    return `${who} waits at event ${t.at} for ${countText(t.count, 'record')} on ${plan.edges[t.edge]!.label}, has ${q.items.length - q.head}`;
  }
  if (a.fa.handled < a.target) {
    return `${who} has no event to handle at event ${a.fa.handled} of ${a.target}${t === undefined ? '' : ` (its next take is at event ${t.at})`}`;
  }
  return `${who} handled its ${a.target} events with ${countText(a.takes.left, 'take')} of its log left`;
}

/**
 * Step one actor until it is done, waits for records, has no event to handle before its log's
 * count (runToLog names it), or has handled STEP_EVENTS events; returns whether it moved.
 */
function step(a: ReplayActor, queues: Queue[]): boolean {
  let moved = false;
  const fa = a.fa;
  const stepEnd = fa.handled + STEP_EVENTS;
  for (;;) {
    let take: Take | undefined = a.takes.current;
    while (take !== undefined && take.at === fa.handled) {
      const q = queues[take.edge]!;
      if (q.items.length - q.head < take.count) return moved;
      fa.beginTake(take.edge, take.count);
      for (let i = 0; i < take.count; i++) fa.take(q.items[q.head++]!);
      if (q.head > 4096 && q.head * 2 > q.items.length) {
        q.items.splice(0, q.head);
        q.head = 0;
      }
      moved = true;
      a.takes.advance();
      take = a.takes.current;
    }
    if (fa.handled >= a.target || fa.heap.size === 0 || fa.handled >= stepEnd) return moved;
    const top = fa.heap.peek()!;
    try {
      fa.handleNext();
    } catch (e) {
      throw runnerCrash(fa.runner, top, e);
    }
    moved = true;
  }
}
