/**
 * What a latency row leaves out, said beside it: the operations still going on when the run ended
 * (metric-names.ts UNFINISHED), `+4 still waiting at the end, the oldest for 199.2 us`. A deadlock
 * workload's register waits never end, so its "wait p99" alone read about 6 x short of the CPUs'
 * spinning (QA); the summary's latency table, the workload's headline and the HTML report say it.
 */
import { UNFINISHED } from '../model/actors/metric-names.js';
import { formatTime } from './duration.js';
import type { RunResult } from './run-result.js';

export function unfinishedText(result: Pick<RunResult, 'contention'>, latency: string): string | undefined {
  const u = UNFINISHED[latency as keyof typeof UNFINISHED];
  const s = u === undefined ? undefined : result.contention.latencies[u.histogram];
  if (u === undefined || s === undefined || s.count === 0) return undefined;
  return `+${s.count} ${u.what} at the end, the oldest for ${formatTime(s.max)}`;
}
