/**
 * Which stretch of simulated time a trace shows, and which records fall in it.
 *
 * Each actor's recorder (src/runtime/trace-recorder.ts) kept a ring of its last records, or a
 * window around an anchor tick; busy actors (the chips) cover a shorter stretch than quiet ones
 * (the coordinator). A trace that mixed them would show half a conversation: a DMA sent by a GPU
 * whose landing on the chip was dropped. So the trace shows only the window every actor kept
 * whole, [start, end): from just after the newest tick any actor dropped records of, to the first
 * tick any actor stopped recording at (or the end of the run).
 *
 * Then the cap: if that window still holds more than `capEvents` records, it is cut down at tick
 * boundaries (a tick is never half in) to at most the cap: around the anchor (the first violation)
 * when there is one, else keeping the end of the run. What was dropped, and why, is counted.
 *
 * What came before the window is not shown, but it is not thrown away either: each actor's kept
 * records before the start (and the sends its ring dropped while their link still held them, its
 * lead-in) come with the window as `before`, which the timeline replays without drawing to know
 * what is open at the start (a register held, a shootdown begun, a message on a link, a flow), so
 * that everything that happens inside the window is drawn as a trace of the whole run draws it
 * there. And each actor's counter level at the start (`levelsAtStart`) is read from its last
 * record before it, whose `level` is the model's own figure at the end of that record's tick
 * (src/runtime/trace-recorder.ts).
 */
import { type ActorTrace, R, RECORD_FIELDS } from '../../runtime/trace-recorder.js';

export interface TraceWindowStats {
  /** The cap on records in the trace. */
  capEvents: number;
  /** Records the actors made in the whole run. */
  recorded: number;
  /** Records in the trace. */
  kept: number;
  /** recorded - kept. */
  dropped: number;
  /** Of `dropped`: by the actors' rings (before the window, or after an anchored ring closed). */
  droppedByRings: number;
  /** Of `dropped`: outside the window every actor kept whole, or cut to stay under the cap. */
  droppedByWindow: number;
}

export interface TraceWindow {
  /** First tick shown (inclusive). */
  startTick: number;
  /** First tick not shown (exclusive). */
  endTick: number;
  /** Each actor's records in the window, oldest first (RECORD_FIELDS numbers each). */
  records: Float64Array[];
  /**
   * Each actor's records before the window that it still has (its lead-in, then its kept records
   * from before the start), oldest first: context for the timeline, not shown nor counted as kept.
   */
  before: Float64Array[];
  /**
   * Each actor's counter level (ActorTrace.levelKey) at the window's start: the state after every
   * event before it. NaN for an actor without one.
   */
  levelsAtStart: number[];
  /**
   * Whether each actor's records go back to the run's start (its ring dropped none): then nothing
   * it did before the window is missing from `before`, and a message that ends something it never
   * opened ended nothing (timeline-draft.ts closeOrBegunBefore).
   */
  keptFromStart: boolean[];
  stats: TraceWindowStats;
  /** The tick the window was cut around (the first violation), if any. */
  anchorTick: number | undefined;
}

export interface WindowOptions {
  capEvents: number;
  /** The tick the run reached (records past it are not shown: a threaded actor may run past a stop). */
  reachedTick: number;
  /** Keep the window around this tick when cutting to the cap. */
  anchorTick?: number;
}

export function selectTraceWindow(traces: readonly ActorTrace[], options: WindowOptions): TraceWindow {
  let start = 0;
  let end = options.reachedTick;
  for (const t of traces) {
    const n = t.records.length / RECORD_FIELDS;
    if (t.droppedBefore > 0 && n > 0) start = Math.max(start, t.records[R.now]! + 1);
    if (t.droppedAfter > 0 && n > 0) end = Math.min(end, t.records[(n - 1) * RECORD_FIELDS + R.now]!);
  }
  if (end < start) end = start;

  // Every record's clock in the window, to cut it down to the cap at tick boundaries.
  let inWindow = 0;
  for (const t of traces) inWindow += countIn(t.records, start, end);
  if (inWindow > options.capEvents) {
    const nows = new Float64Array(inWindow);
    let k = 0;
    for (const t of traces) {
      for (let at = 0; at < t.records.length; at += RECORD_FIELDS) {
        const now = t.records[at + R.now]!;
        if (now >= start && now < end) nows[k++] = now;
      }
    }
    nows.sort();
    const cap = options.capEvents;
    let lo: number;
    if (options.anchorTick === undefined) lo = inWindow - cap;
    else
      lo = Math.max(0, Math.min(lowerBound(nows, options.anchorTick) - Math.floor(cap / 2), inWindow - cap));
    const hi = lo + cap;
    // Cut between ticks: records at the tick before `lo` and at the tick of `hi` are all left out.
    const newStart = lo > 0 ? nows[lo - 1]! + 1 : start;
    const newEnd = hi < inWindow ? nows[hi]! : end;
    start = newStart;
    end = Math.max(newStart, newEnd);
  }

  const records = traces.map((t) => slice(t.records, start, end));
  const before = traces.map((t) => {
    const own = slice(t.records, Number.NEGATIVE_INFINITY, start);
    if (t.leadIn.length === 0) return own;
    const out = new Float64Array(t.leadIn.length + own.length);
    out.set(t.leadIn);
    out.set(own, t.leadIn.length);
    return out;
  });
  const levelsAtStart = traces.map((t, a) => levelAtStart(t, before[a]!.length - t.leadIn.length));
  const recorded = traces.reduce((s, t) => s + t.recorded, 0);
  const kept = records.reduce((s, r) => s + r.length / RECORD_FIELDS, 0);
  const droppedByRings = traces.reduce((s, t) => s + t.droppedBefore + t.droppedAfter, 0);
  return {
    startTick: start,
    endTick: end,
    records,
    before,
    levelsAtStart,
    keptFromStart: traces.map((t) => t.droppedBefore === 0),
    anchorTick: options.anchorTick,
    stats: {
      capEvents: options.capEvents,
      recorded,
      kept,
      dropped: recorded - kept,
      droppedByRings,
      droppedByWindow: recorded - kept - droppedByRings,
    },
  };
}

/**
 * The level of `t` at the window's start, whose first `beforeFields` numbers of records lie before
 * it: that of its last record there (its level is the figure at the end of its tick, and no level
 * moves between two records: trace-recorder.ts); with none there, the level it started with, if it
 * dropped nothing (every record before the start would be there); else unknown.
 */
function levelAtStart(t: ActorTrace, beforeFields: number): number {
  if (beforeFields > 0) return t.records[beforeFields - RECORD_FIELDS + R.level]!;
  return t.droppedBefore === 0 ? t.initialLevel : Number.NaN;
}

function countIn(records: Float64Array, start: number, end: number): number {
  let n = 0;
  for (let at = 0; at < records.length; at += RECORD_FIELDS) {
    const now = records[at + R.now]!;
    if (now >= start && now < end) n++;
  }
  return n;
}

/** The records with start <= now < end (a ring's records are in clock order). */
function slice(records: Float64Array, start: number, end: number): Float64Array {
  const n = records.length / RECORD_FIELDS;
  let a = 0;
  while (a < n && records[a * RECORD_FIELDS + R.now]! < start) a++;
  let b = a;
  while (b < n && records[b * RECORD_FIELDS + R.now]! < end) b++;
  return records.slice(a * RECORD_FIELDS, b * RECORD_FIELDS);
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The stretch every actor kept whole, before any cut to the cap: whether a tick (the first
 * violation) is in it says whether a trace of this run can show it.
 */
export function wholeWindow(
  traces: readonly ActorTrace[],
  reachedTick: number,
): { startTick: number; endTick: number } {
  const w = selectTraceWindow(traces, { capEvents: Number.POSITIVE_INFINITY, reachedTick });
  return { startTick: w.startTick, endTick: w.endTick };
}
