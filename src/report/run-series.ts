/**
 * Time series of a run over simulated time, for the HTML report's charts, from the samples each
 * actor's trace recorder took (src/runtime/trace-recorder.ts: rows at ticks k * end / n rounded up
 * to a whole tick, sampleTick, each the state after every event before that tick). They cover the
 * whole run whatever the trace's cap.
 *
 * - link utilisation: per edge and per interval, the time the link spent serialising in the
 *   interval over the interval's length (each row holds the busy time by its tick, not what was
 *   booked past it: link-timing.ts `busyBy`; the cap at 1 only guards rounding);
 * - ATSD registers locked, and CPUs spinning for one, per NPU (levels at each row's tick);
 * - DMAs and peer writes in flight per GPU (levels: the GPU's `dmaInFlight` counts both, as its
 *   engines' tags do);
 * - messages in flight by kind of link: sent on the edges of that kind and not yet handled, what
 *   the rings between threads and the receivers' queues hold.
 */
import type { MachinePlan } from '../runtime/machine-module.js';
import { type ActorTrace, sampleTick } from '../runtime/trace-recorder.js';

export interface Series {
  label: string;
  values: number[];
}

export interface RunSeries {
  /** The tick of each row, a whole one (rows 0..n; interval series use rows 1..n). */
  ticks: number[];
  /** Per edge label, utilisation 0..1 of each interval (value k: from row k-1 to row k; value 0: 0). */
  linkUtilisation: Series[];
  atsdRegistersLocked: Series[];
  atsdWaiters: Series[];
  dmaAndPeerInFlight: Series[];
  messagesInFlight: Series[];
}

export function runSeries(plan: MachinePlan, traces: readonly ActorTrace[], endTick: number): RunSeries {
  const rows = Math.min(...traces.map((t) => t.samplesTaken));
  const n = traces[0]?.sampleCount ?? 0;
  const ticks = Array.from({ length: Math.max(0, rows) }, (_, k) =>
    n === 0 ? 0 : sampleTick(k, endTick, n),
  );
  const column = (actor: number, name: string): number[] | undefined => {
    const t = traces[actor];
    if (t === undefined) return undefined;
    const c = t.sampleColumns.indexOf(name);
    if (c < 0) return undefined;
    const width = t.sampleColumns.length;
    return ticks.map((_, k) => t.samples[k * width + c]!);
  };

  const linkUtilisation: Series[] = [];
  const inFlightByKind = new Map<string, number[]>();
  for (const e of plan.edges) {
    const busy = column(e.from, `busy.${e.index}`);
    if (busy !== undefined) {
      const values = busy.map((b, k) => {
        if (k === 0) return 0;
        const span = ticks[k]! - ticks[k - 1]!;
        return span > 0 ? Math.min(1, Math.max(0, (b - busy[k - 1]!) / span)) : 0;
      });
      linkUtilisation.push({ label: e.label, values });
    }
    const sent = column(e.from, `sent.${e.index}`);
    const handled = column(e.to, `handled.${e.index}`);
    if (sent !== undefined && handled !== undefined) {
      const sum = inFlightByKind.get(e.kind) ?? ticks.map(() => 0);
      sent.forEach((s, k) => {
        sum[k] = sum[k]! + Math.max(0, s - handled[k]!);
      });
      inFlightByKind.set(e.kind, sum);
    }
  }

  const byKind = (kind: string, name: string): Series[] =>
    plan.actors
      .filter((a) => a.kind === kind)
      .flatMap((a) => {
        const values = column(a.index, `state.${name}`);
        return values === undefined ? [] : [{ label: a.name.replace(/^chip/, 'npu'), values }];
      });

  return {
    ticks,
    linkUtilisation,
    atsdRegistersLocked: byKind('chip', 'atsdRegistersLocked'),
    atsdWaiters: byKind('chip', 'atsdWaiters').map((s) => ({ ...s, label: `${s.label} waiting` })),
    dmaAndPeerInFlight: byKind('gpu', 'dmaInFlight'),
    messagesInFlight: [...inFlightByKind].map(([kind, values]) => ({ label: kind, values })),
  };
}
