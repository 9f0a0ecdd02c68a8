/**
 * What a latency row leaves out, said beside it: the operations still going on when the run ended
 * (metric-names.ts UNFINISHED), `+4 still waiting at the end, for up to 199 us so far`. A
 * deadlock workload's register waits never end, so its "wait p99" alone read about 6 x short of
 * the CPUs' spinning (QA); the summary's latency table and the HTML report say it beside the row,
 * and a workload's headline where it changes the reading (unfinishedOf's `longestTicks`).
 */
import { UNFINISHED } from '../model/actors/metric-names.js';
import { formatTime } from './duration.js';
import type { RunResult } from './run-result.js';

export interface Unfinished {
  count: number;
  /** How long the longest of them had lasted by the end. */
  longestTicks: number;
  text: string;
}

/** What unfinishedOf reads: the latencies, and the counters when there are any (`begun`). */
type UnfinishedSource = Pick<RunResult, 'contention'> & Partial<Pick<RunResult, 'counts'>>;

export function unfinishedOf(result: UnfinishedSource, latency: string): Unfinished | undefined {
  const u = UNFINISHED[latency as keyof typeof UNFINISHED];
  const s = u === undefined ? undefined : result.contention.latencies[u.histogram];
  if (u === undefined || s === undefined || s.count === 0) return undefined;
  // `+4 still in flight at the end (3 with their shootdown begun, 1 still clearing PTEs)`: the counter's 3 explained.
  const begun = u.begun === undefined ? undefined : result.counts?.[u.begun.counter];
  const split =
    begun === undefined || u.begun === undefined || begun === s.count || begun > s.count
      ? ''
      : ` (${begun} ${u.begun.what}, ${s.count - begun} ${u.begun.others})`;
  return {
    count: s.count,
    longestTicks: s.max,
    text: `+${s.count} ${u.what} at the end${split}, for up to ${formatTime(s.max)} so far`,
  };
}

/** The text alone (undefined when nothing was left going on). */
export function unfinishedText(result: UnfinishedSource, latency: string): string | undefined {
  return unfinishedOf(result, latency)?.text;
}
