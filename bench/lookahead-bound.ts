/**
 * How much parallelism a placement's lookahead allows a run, from its own event stream: the
 * speed-up an ideal conservative engine would reach over one thread if every worker had a core of
 * its own, with every event costing the same or each costing what it was measured to cost.
 * `npm run bench -- bound` prints both (bound.ts).
 *
 * The model. Worker i handles its events in time order, one time unit each (or its event's own
 * cost, in units of the mean event's, when costs are given). It may start its
 * event at simulated time t once, for every other worker j, j has handled every event of its own
 * at or below t - d(j, i), where d(j, i) is the least sum of edge latencies along a path of edges
 * cut by the placement from j's actors to i's (a message j sends at its time s reaches i no
 * earlier than s + d(j, i), possibly through a third worker; this is the Chandy-Misra-Bryant rule
 * the engine's safe times implement, worker-loop.ts). It may start no earlier than `delay` time
 * units after j finished the last of those events: the time for j's progress to reach i (the
 * engine publishes safe times every 16 events and a parked worker's wake-up costs tens of
 * microseconds). With delay 0 this is an upper bound on the speed-up of any conservative
 * schedule with these lookaheads and these event costs: it assumes the best knowledge of the
 * other workers the engine could ever have.
 *
 * What it leaves out, and says so where it prints: a worker's own overhead per event (rings, safe
 * times), and the machine (cores shared with other workers, with V8's compiler and GC threads, and
 * with other processes). Equal costs leave out that events differ in cost (a coordinator's event
 * costs several times a DMA landing); the measured costs put that back, as far as one inline run's
 * handler times can say it.
 */

/** The events of each worker: their simulated times, ascending. */
export type WorkerTimes = readonly Float64Array[];

/** Each worker's events' costs, in the order of its WorkerTimes (units of the mean event's). */
export type WorkerCosts = readonly Float64Array[];

/** A cut edge: from a worker to another, with its latency. */
export interface CutEdge {
  from: number;
  to: number;
  latencyTicks: number;
}

/**
 * d(j, i) for every pair of workers: the least total latency of a path of cut edges from j to i
 * (Floyd-Warshall; Infinity where no path exists, 0 on the diagonal).
 */
export function pathLatencies(workers: number, edges: readonly CutEdge[]): number[][] {
  const d = Array.from({ length: workers }, (_, j) =>
    Array.from({ length: workers }, (_, i) => (i === j ? 0 : Number.POSITIVE_INFINITY)),
  );
  for (const e of edges) {
    if (e.from !== e.to && e.latencyTicks < d[e.from]![e.to]!) d[e.from]![e.to] = e.latencyTicks;
  }
  for (let k = 0; k < workers; k++) {
    for (let j = 0; j < workers; j++) {
      for (let i = 0; i < workers; i++) {
        const via = d[j]![k]! + d[k]![i]!;
        if (via < d[j]![i]!) d[j]![i] = via;
      }
    }
  }
  return d;
}

export interface Schedule {
  /** When the last event finished, in event-time units. */
  makespan: number;
  /** Events over makespan: the speed-up over one thread handling every event in turn. */
  speedup: number;
}

/**
 * The schedule of the model above (header), every event costing one unit (or its entry of
 * `costs`), `delay` units before a worker's progress is known to the others. Monotone pointers
 * keep it linear in events times workers squared.
 */
export function boundedSchedule(
  times: WorkerTimes,
  distance: readonly number[][],
  delay: number,
  costs?: WorkerCosts,
): Schedule {
  const n = times.length;
  checkCosts(times, costs);
  let total = 0;
  for (const t of times) total += t.length;
  const next = new Array<number>(n).fill(0);
  const clock = new Array<number>(n).fill(0);
  const finished = times.map((t) => new Float64Array(t.length));
  // seen[j][i]: how many of j's events lie at or below the bound i needed last (only grows, as i's
  // event times only grow).
  const seen = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let done = 0;
  while (done < total) {
    let progressed = false;
    for (let i = 0; i < n; i++) {
      for (;;) {
        const k = next[i]!;
        if (k >= times[i]!.length) break;
        const start = earliestStart(i, times[i]![k]!, times, distance, seen, next, finished, delay);
        if (start === undefined) break;
        clock[i] = Math.max(clock[i]!, start) + (costs === undefined ? 1 : costs[i]![k]!);
        finished[i]![k] = clock[i]!;
        next[i] = k + 1;
        done++;
        progressed = true;
      }
    }
    // The globally earliest pending event can always start (every latency is positive), so a pass
    // without progress means a bad input: a zero or negative latency.
    if (!progressed)
      throw new RangeError('boundedSchedule: no event can start; every cut latency must be > 0');
  }
  const makespan = Math.max(0, ...clock);
  const work = costs === undefined ? total : sumOf(costs);
  return { makespan, speedup: makespan > 0 ? work / makespan : 1 };
}

function sumOf(lists: readonly Float64Array[]): number {
  let s = 0;
  for (const l of lists) for (const x of l) s += x;
  return s;
}

/** A cost for every event, each positive: anything else is a caller's mistake, said at once. */
function checkCosts(times: WorkerTimes, costs: WorkerCosts | undefined): void {
  if (costs === undefined) return;
  if (costs.length !== times.length || costs.some((c, i) => c.length !== times[i]!.length)) {
    throw new RangeError(
      `boundedSchedule: expected a cost for every event (${times.map((t) => t.length).join(', ')}), got ${costs.map((c) => c.length).join(', ')}`,
    );
  }
  for (const c of costs) {
    for (const x of c) {
      if (!(x > 0 && Number.isFinite(x)))
        throw new RangeError(`boundedSchedule: expected costs > 0, got ${x}`);
    }
  }
}

/** When worker i may start its event at time t, or undefined while another worker must go first. */
function earliestStart(
  i: number,
  t: number,
  times: WorkerTimes,
  distance: readonly number[][],
  seen: number[][],
  next: readonly number[],
  finished: readonly Float64Array[],
  delay: number,
): number | undefined {
  let start = 0;
  for (let j = 0; j < times.length; j++) {
    const d = distance[j]![i]!;
    if (j === i || d === Number.POSITIVE_INFINITY) continue;
    const bound = t - d;
    const tj = times[j]!;
    let c = seen[j]![i]!;
    while (c < tj.length && tj[c]! <= bound) c++;
    seen[j]![i] = c;
    if (c > next[j]!) return undefined; // j has not handled them yet
    if (c > 0) start = Math.max(start, finished[j]![c - 1]! + delay);
  }
  return start;
}

/** The load-balance ceiling: every event (or all the cost) over the busiest worker's. */
export function balanceBound(times: WorkerTimes, costs?: WorkerCosts): number {
  checkCosts(times, costs);
  let total = 0;
  let most = 0;
  times.forEach((t, i) => {
    const load = costs === undefined ? t.length : sumOf([costs[i]!]);
    total += load;
    most = Math.max(most, load);
  });
  return most > 0 ? total / most : 1;
}
