/**
 * The end-of-run report every actor hands back (actor.ts ActorReport), built the same way for all:
 * its counters (with the violations its oracle counted but did not keep), its histograms, the
 * violations its oracle kept, how often and first when it broke each rule, the evidence its oracle
 * keeps for other actors' violations (check/evidence.ts), its liveness findings, and its state for
 * the dump.
 */
import type { Oracle } from '../check/oracle.js';
import type { Violation } from '../check/violation.js';
import type { Actor, ActorReport } from './actor.js';
import type { Counters } from './counters.js';
import type { CounterName } from './metric-names.js';
import type { LatencyHistogram } from './recorder.js';

export interface ReportParts {
  counters: Counters;
  /** Counters known only at the end (cache statistics, things in flight). */
  extraCounters?: Partial<Record<CounterName, number>>;
  oracle: Oracle;
  histograms: Record<string, LatencyHistogram>;
  liveness?: Violation[];
  state: Record<string, unknown>;
}

export function actorReport(actor: Pick<Actor, 'index' | 'name' | 'kind'>, parts: ReportParts): ActorReport {
  return {
    index: actor.index,
    name: actor.name,
    kind: actor.kind,
    counters: {
      ...parts.counters.values,
      ...parts.extraCounters,
      'violations.notKept': parts.oracle.notKept,
    },
    histograms: parts.histograms,
    violations: [...parts.oracle.violations],
    ruleTallies: parts.oracle.ruleTallies(),
    evidence: parts.oracle.evidence(),
    liveness: parts.liveness ?? [],
    state: parts.state,
  };
}
