/**
 * A stalled threaded run's state as the terminal shows it: each worker's tick, events and state,
 * the least advanced first, and the rings that still held records their consumer had not read.
 * It was the watchdog's dump printed as raw JSON (QA: 993 lines, states as numbers, nothing saying
 * which worker stood behind); the JSON stays whole in `--json`'s `stall`.
 */
import { formatTime } from '../report/duration.js';
import { stalledWorkers } from '../report/stall-workers.js';

/** The rings shown at most: a machine of 16 GPUs has over a hundred. */
const RINGS_SHOWN = 8;

export function stallLines(dump: Record<string, unknown>): string[] {
  const workers = stalledWorkers(dump);
  const name = Math.max(6, ...workers.map((w) => w.actors.length));
  const rings = (Array.isArray(dump.rings) ? (dump.rings as Record<string, unknown>[]) : [])
    .map((r) => ({
      edge: String(r.edge ?? '?'),
      unread: Number(r.records ?? 0) - Number(r.releasedRecords ?? 0),
    }))
    .filter((r) => r.unread > 0)
    .sort((a, b) => b.unread - a.unread);
  return [
    '  workers when it stalled, least advanced first (tick reached, events handled, state):',
    ...workers.map(
      (w) =>
        `    ${w.actors.padEnd(name)}  ${formatTime(w.tick).padStart(10)}  ${String(w.events).padStart(9)}  ${w.state}`,
    ),
    rings.length === 0
      ? '  no ring held a record its consumer had not read'
      : `  rings holding records not yet read${rings.length > RINGS_SHOWN ? ` (the ${RINGS_SHOWN} fullest of ${rings.length})` : ''}:`,
    ...rings.slice(0, RINGS_SHOWN).map((r) => `    ${r.edge}  ${r.unread} unread`),
    "  (every worker's and ring's figures: --json's `stall`)",
  ];
}
