/**
 * Lookahead bound: how fast could each placement be, at best, on this run's own event stream?
 * Runs a built-in workload inline once with every event recorded (its simulated time, actor and
 * kind), then, for each placement (2, 3, 4 and 8 workers, and one per actor), computes with
 * lookahead-bound.ts the speed-up over one thread that an ideal conservative engine would reach if
 * every worker had a core: with no hand-off cost, and with the progress of a worker reaching the
 * others DELAY microseconds late (converted to events with the inline engine's own cost per event,
 * measured here in a second, unrecorded run). Beside it, the load-balance ceiling (every event
 * over the busiest worker's). Twice: every event costing the same, and every event costing what
 * its actor's handlers of its kind cost on average in a third inline run that times each handler
 * (EngineOptions.timeEvents), plus an even share of the loop's own time per event. The timer's own
 * reads add the same to every event, so the measured costs err toward equal, not away from it.
 *
 * It answers "is the lookahead the limit?": when the bound is near the number of workers and the
 * engine bench (`npm run bench -- engine`) measures far less, the loss is in the engine and the
 * machine (hand-offs, stalls, cores), not in the model's latencies. Nothing here is timed except the
 * cost per event, which only scales the delays.
 */
import * as machine from '../src/model/actors/machine.js';
import { recordedEvents } from '../src/runtime/digest.js';
import { runRaw } from '../src/runtime/engine.js';
import { type Placement, placeActors, placementName } from '../src/runtime/placement.js';
import type { RawRun } from '../src/runtime/raw-run.js';
import { UsageError, workloadConfig } from './bench-run.js';
import { balanceBound, boundedSchedule, type CutEdge, pathLatencies } from './lookahead-bound.js';
import type { BenchOptions } from './main.js';

const SEED = 20_180_601;
const PLACEMENTS: Placement[] = [
  { kind: 'workers', count: 2 },
  { kind: 'workers', count: 3 },
  { kind: 'workers', count: 4 },
  { kind: 'workers', count: 8 },
  { kind: 'per-actor' },
];
/** Hand-off delays: none; a spin-caught hand-off plus half a 16-event publication; a futex wake-up. */
const DELAYS_US = [0, 10, 40];
/** Recording every event costs memory (a tuple each): 3 ms of stress is about 2.8 million. */
const MAX_DURATION_US = 3000;

/** A bound under one cost model: equal costs, or each event's measured cost. */
interface Bounds {
  busiestShare: number;
  balanceBound: number;
  /** Speed-up bound for each delay of DELAYS_US. */
  bounds: { delayUs: number; speedup: number }[];
}

interface Row extends Bounds {
  placement: string;
  workers: number;
  /** The least latency of a cut edge (ns): the tightest lookahead between two workers. */
  minCutLatencyNs: number | null;
  /** The same bounds with every event weighed by its measured cost. */
  measured: Bounds;
}

/** Each actor's recorded events, packed (runtime/digest.ts EventRecord). */
type Recorded = readonly Float64Array[];

export async function run(opts: BenchOptions): Promise<void> {
  const workload = opts.values.workload ?? 'stress';
  const durationUs = opts.whole('duration-us', 1000, 1, MAX_DURATION_US);
  const config = await workloadConfig(workload, SEED, durationUs * 1_000_000).catch((e: unknown) => {
    throw new UsageError(`Expected \`--workload\` to name a built-in workload: ${(e as Error).message}`);
  });
  // Cost per event: a warm, unrecorded run (the recorded one pays for its records).
  await runRaw(config, { host: 'inline' });
  const timed = await runRaw(config, { host: 'inline' });
  const usPerEvent = (timed.wallMs * 1000) / timed.events;
  const costed = await runRaw(config, { host: 'inline', timeEvents: true });
  const recorded = await runRaw(config, { host: 'inline', recordEvents: Number.MAX_SAFE_INTEGER });
  const plan = machine.planMachine(config);
  const costOf = eventCostTable(costed);
  const rows = PLACEMENTS.map((p) => boundRow(p, plan, recorded.recorded, costOf, usPerEvent));
  const out = { bench: 'bound', workload, seed: SEED, durationUs, events: timed.events, usPerEvent, rows };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  printRows(out);
}

/**
 * Each event's cost, by actor and kind, in units of the mean event: its actor's handlers of that
 * kind on average, plus an even share of what the run spent outside handlers (the heap, the loop).
 */
export function eventCostTable(run: RawRun): (actor: number, kind: number) => number {
  const costs = run.eventCosts;
  if (costs === undefined) throw new Error('bound: expected a run with handler times (timeEvents)');
  let handlerMs = 0;
  for (const actor of costs) for (const c of actor) handlerMs += c.ms;
  const loopMsPerEvent = Math.max(0, run.wallMs - handlerMs) / run.events;
  const meanMs = (handlerMs + loopMsPerEvent * run.events) / run.events;
  const table = costs.map(
    (actor) => new Map(actor.map((c) => [c.kind, (c.ms / c.events + loopMsPerEvent) / meanMs])),
  );
  return (actor, kind) => {
    const cost = table[actor]?.get(kind);
    // The recorded run is the same seed and config: every (actor, kind) it saw, the timed run saw.
    if (cost === undefined) throw new Error(`bound: no handler time for actor ${actor}, kind ${kind}`);
    return Math.max(cost, Number.MIN_VALUE);
  };
}

function boundRow(
  placement: Placement,
  plan: ReturnType<typeof machine.planMachine>,
  recorded: Recorded,
  costOf: (actor: number, kind: number) => number,
  usPerEvent: number,
): Row {
  const { workerOf, workers } = placeActors(plan, placement, workersCores(placement, plan));
  const { times, costs } = workerEvents(recorded, workerOf, workers, costOf);
  const cut: CutEdge[] = plan.edges
    .filter((e) => workerOf[e.from] !== workerOf[e.to])
    .map((e) => ({ from: workerOf[e.from]!, to: workerOf[e.to]!, latencyTicks: e.latencyTicks }));
  const distance = pathLatencies(workers, cut);
  const bounds = (weights?: Float64Array[]): Bounds => {
    const balance = balanceBound(times, weights);
    return {
      busiestShare: 1 / balance,
      balanceBound: balance,
      bounds: DELAYS_US.map((delayUs) => ({
        delayUs,
        speedup: boundedSchedule(times, distance, delayUs / usPerEvent, weights).speedup,
      })),
    };
  };
  return {
    placement: placementName(placement),
    workers,
    minCutLatencyNs: cut.length === 0 ? null : Math.min(...cut.map((e) => e.latencyTicks)) / 1000,
    ...bounds(),
    measured: bounds(costs),
  };
}

/** Each worker's events in time order, with each event's cost beside it. */
function workerEvents(
  recorded: Recorded,
  workerOf: readonly number[],
  workers: number,
  costOf: (actor: number, kind: number) => number,
): { times: Float64Array[]; costs: Float64Array[] } {
  const lists: { t: number[]; c: number[] }[] = Array.from({ length: workers }, () => ({ t: [], c: [] }));
  recorded.forEach((events, actor) => {
    const list = lists[workerOf[actor]!]!;
    for (const [time, kind] of recordedEvents(events)) {
      list.t.push(time);
      list.c.push(costOf(actor, kind));
    }
  });
  const times: Float64Array[] = [];
  const costs: Float64Array[] = [];
  for (const { t, c } of lists) {
    const order = Uint32Array.from(t.keys()).sort((a, b) => t[a]! - t[b]!);
    times.push(Float64Array.from(order, (i) => t[i]!));
    costs.push(Float64Array.from(order, (i) => c[i]!));
  }
  return { times, costs };
}

/** Cores to plan with: placeActors only reads them for `auto`, which is not among PLACEMENTS. */
function workersCores(placement: Placement, plan: { actors: readonly unknown[] }): number {
  return placement.kind === 'workers' ? placement.count : plan.actors.length;
}

function printRows(out: {
  workload: string;
  durationUs: number;
  events: number;
  usPerEvent: number;
  rows: Row[];
}): void {
  process.stdout.write(
    `bound: workload ${out.workload}, seed ${SEED}, ${out.durationUs} us simulated, ${out.events} events, ` +
      `${out.usPerEvent.toFixed(2)} us per event inline (this machine, this run)\n`,
  );
  const head = DELAYS_US.map((d) => `delay ${d} us`.padStart(13)).join('');
  for (const [title, pick] of [
    ['every event costing the same', (r: Row): Bounds => r],
    ["every event costing its kind's measured handler time", (r: Row): Bounds => r.measured],
  ] as const) {
    process.stdout.write(`${title}:\n`);
    process.stdout.write(
      `${'placement'.padEnd(11)}${'workers'.padStart(8)}${'min cut'.padStart(10)}${'busiest'.padStart(9)}${'balance'.padStart(9)}${head}\n`,
    );
    for (const r of out.rows) {
      const b = pick(r);
      const cut = r.minCutLatencyNs === null ? '-' : `${r.minCutLatencyNs} ns`;
      const bounds = b.bounds.map((x) => `${x.speedup.toFixed(2)} x`.padStart(13)).join('');
      process.stdout.write(
        `${r.placement.padEnd(11)}${String(r.workers).padStart(8)}${cut.padStart(10)}${`${(100 * b.busiestShare).toFixed(1)}%`.padStart(9)}${`${b.balanceBound.toFixed(2)} x`.padStart(9)}${bounds}\n`,
      );
    }
  }
  process.stdout.write(
    '(speed-up over one thread of an ideal conservative engine: a core per worker, a worker\'s progress known to the others after the delay; "busiest": its share of all events, or of all cost; "balance": every event, or all cost, over the busiest worker\'s; measured costs: each (actor, kind)\'s mean handler time in one inline run, plus an even share of the loop\'s)\n',
  );
}
