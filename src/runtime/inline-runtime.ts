/**
 * The inline runtime: every actor in one thread, one global event queue (event-queue.ts).
 *
 * Events are taken in (time, class, source, seq, destination) order. Because every edge has a
 * positive latency, by the time an event at tick t is taken every message that can reach its actor
 * at or before t is already in the queue, so each actor sees its events in exactly the order the
 * threaded runtime's conservative synchronisation gives it. That is the claim the
 * inline-vs-threaded digest test checks.
 *
 * Sweeps run this (one whole simulation per piscina task, src/sweep), and so do replays and the
 * determinism tests.
 */
import { nodeRecorder } from '../metrics/node-recorder.js';
import type { Actor } from '../model/actors/actor.js';
import { createChooser, type StrategySpec } from '../model/choice/strategy.js';
import type { SimMessage } from '../model/protocol/sim-message.js';
import { ActorRunner } from './actor-runner.js';
import { EventQueue } from './event-queue.js';
import type { MachineModule, MachinePlan } from './machine-module.js';
import type { RawRun, RunRecording } from './raw-run.js';
import { ActorCrashError, runnerCrash } from './run-errors.js';
import { runnerFigures } from './runner-figures.js';

export interface InlineOptions extends RunRecording {
  seed: number;
  /** Which chooser each actor gets (default: drawn from the seed). */
  strategy?: StrategySpec;
  endTick: number;
  /** Record up to this many events per actor (for naming a divergence). */
  recordEvents?: number;
  /** Time every handler by message kind (RawRun.eventCosts; the bench's lookahead bound). */
  timeEvents?: boolean;
  /** Called every `progressEvery` events with the simulated tick reached and violations so far. */
  onProgress?: (tick: number, events: number, findings: number) => void;
  progressEvery?: number;
  /**
   * Polled before the first event and every `stopCheckEvery` events (default 4096, a few
   * milliseconds); returning true stops the run (Ctrl-C). Polled with progress only, every 65,536
   * events, a run shorter than that could not be stopped at all, and the variants after it each
   * ran whole after Ctrl-C (QA).
   */
  shouldStop?: () => boolean;
  stopCheckEvery?: number;
  /**
   * Stop as Ctrl-C would, right after this many events (a replay of an interrupted inline run:
   * Ctrl-C is seen between two events, so the run it stopped is exactly its first N events).
   */
  stopAfterEvents?: number;
  /** Wall-clock source, injected so the model stays free of clocks. */
  clockMs?: () => number;
}

export function runInline<C>(machine: MachineModule<C>, config: C, options: InlineOptions): RawRun {
  const clockMs = options.clockMs ?? (() => performance.now());
  const started = clockMs();
  const plan = machine.planMachine(config);
  const heap = new EventQueue();
  const runners = createRunners(machine, config, plan, heap, options);
  let run: EventsRun;
  try {
    for (const r of runners) {
      try {
        r.start();
      } catch (e) {
        throw runnerCrash(r, undefined, e);
      }
    }
    run = runEvents(heap, runners, options);
  } catch (e) {
    throw withCrashTraces(e, runners, options);
  }
  const { events, stopped, reached, end } = run;
  const endTick = stopped === 'end' ? options.endTick : stopped === 'first-finding' ? end : reached;
  // Before finish: the last samples read each actor's state as the run left it.
  const traces = options.trace === undefined ? undefined : runners.map((r) => r.traceResult(endTick)!);
  const reports = runners.map((r) => r.finish(endTick));
  const inFlightPerEdge = drainInFlight(heap, plan);
  const wallMs = clockMs() - started;
  return {
    endTick: options.endTick,
    reachedTick: endTick,
    stopped,
    ...runnerFigures(
      runners,
      plan,
      'all (inline)',
      wallMs,
      events,
      runners.map(() => endTick),
    ),
    reports,
    inFlightPerEdge,
    placement: 'inline',
    ...(options.recordChoices === true ? { choices: runners.map((r) => r.choices() ?? []) } : {}),
    ...(runners.every((r) => r.chooserCounts() !== undefined)
      ? { chooserCounts: runners.map((r) => r.chooserCounts()!) }
      : {}),
    ...((options.tailEvents ?? 0) > 0 ? { tails: runners.map((r) => r.tailEvents()) } : {}),
    ...(traces === undefined ? {} : { traces }),
    ...(options.timeEvents === true ? { eventCosts: runners.map((r) => r.eventCosts()!) } : {}),
  };
}

/**
 * A crash of a run that records a trace carries every actor's records up to the crash tick: the
 * window a user debugging the crash wants (the rings keep the last events, which end there). One
 * that keeps tails carries them too: a runner keeps an event in its tail before its handler runs,
 * so the crashing actor's ends with the event it crashed on (QA: a replay's history of a crash
 * stopped one event short of it).
 */
function withCrashTraces(e: unknown, runners: readonly ActorRunner[], options: InlineOptions): unknown {
  const tails = (options.tailEvents ?? 0) > 0;
  if (!(e instanceof ActorCrashError) || (options.trace === undefined && !tails)) return e;
  const tick = e.crash.tick;
  return new ActorCrashError(
    e.crash,
    options.trace === undefined ? undefined : runners.map((r) => r.traceResult(tick)!),
    tails ? runners.map((r) => r.tailEvents()) : undefined,
  );
}

/** One runner per actor of the plan, every send and every own event going into the one heap. */
function createRunners<C>(
  machine: MachineModule<C>,
  config: C,
  plan: MachinePlan,
  heap: EventQueue,
  options: InlineOptions,
): ActorRunner[] {
  // One closure each, calling the heap directly (no second closure per send).
  const push = (m: SimMessage): void => heap.push(m);
  const outbox = (_edge: number, m: SimMessage): void => heap.push(m);
  const recorder = nodeRecorder(options.endTick);
  return plan.actors.map((info) => {
    const actor: Actor = machine.createActor(config, plan, info.index, recorder);
    return new ActorRunner(
      actor,
      plan,
      createChooser(options.strategy, options.seed, info.index),
      outbox,
      push,
      {
        recordEvents: options.recordEvents,
        recordChoices: options.recordChoices,
        watchFindings: options.stopOnFirst,
        tailEvents: options.tailEvents,
        tailPages: options.tailPages,
        trace: options.trace,
        ...(options.timeEvents === true ? { timeEvents: options.clockMs ?? (() => performance.now()) } : {}),
      },
    );
  });
}

interface EventsRun {
  events: number;
  stopped: RawRun['stopped'];
  /** The tick of the last event handled. */
  reached: number;
  /** The end the loop ran to (the tick after the first finding when it stopped there). */
  end: number;
}

/** Hands the queue's events in order to their actors until the end, the first finding or a stop. */
function runEvents(heap: EventQueue, runners: ActorRunner[], options: InlineOptions): EventsRun {
  const progressEvery = options.progressEvery ?? 65_536;
  const stopCheckEvery = options.stopCheckEvery ?? 4096;
  const shouldStop = options.shouldStop;
  // Counted down per event (a decrement, not a second modulo); -1 never reaches 0: no stop asked.
  let untilStopCheck = shouldStop === undefined ? -1 : stopCheckEvery;
  let events = 0;
  let stopped: RawRun['stopped'] = 'end';
  let reached = 0;
  // With stopOnFirst the end moves to the tick after the first finding: every event of that tick
  // is still handled (whatever the order of equal-time events), none after.
  let end = options.endTick;
  // A count never reached (-1) when no stop is asked: one comparison per event, of a local.
  const stopAfterEvents = options.stopAfterEvents ?? -1;
  // A run asked to stop before it began (Ctrl-C while the one before it ended, or as its worker
  // started) handles nothing; so does the replay of such a run, told to stop after 0 events (the
  // count below is checked only after an event, so 0 would have run to the end). Any truthy answer
  // stops, here as at every later poll and on every host (QA: `() => 1` ran on past this poll).
  if (shouldStop?.() || stopAfterEvents === 0) return { events, stopped: 'interrupted', reached, end };
  for (;;) {
    const top = heap.popBefore(end);
    if (top === undefined) break;
    reached = top.timeTicks;
    const runner = runners[top.destination]!;
    try {
      runner.handle(top);
    } catch (e) {
      throw runnerCrash(runner, top, e);
    }
    events++;
    if (runner.firstFindingTick !== undefined && stopped === 'end') {
      stopped = 'first-finding';
      end = runner.firstFindingTick + 1;
    }
    if (events === stopAfterEvents) {
      stopped = 'interrupted';
      break;
    }
    if (events % progressEvery === 0 && options.onProgress !== undefined) {
      let findings = 0;
      for (const r of runners) findings += r.actor.findings?.() ?? 0;
      options.onProgress(reached, events, findings);
    }
    if (--untilStopCheck === 0) {
      untilStopCheck = stopCheckEvery;
      if (shouldStop!()) {
        stopped = 'interrupted';
        break;
      }
    }
  }
  return { events, stopped, reached, end };
}

/** Empties the queue, counting each message still on its way per edge (own events do not count). */
function drainInFlight(heap: EventQueue, plan: MachinePlan): number[] {
  const inFlightPerEdge = plan.edges.map(() => 0);
  for (;;) {
    const m = heap.pop();
    if (m === undefined) break;
    if (m.link !== 0xff) inFlightPerEdge[m.link]!++;
  }
  return inFlightPerEdge;
}
