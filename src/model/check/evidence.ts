/**
 * A violation's history from more than one actor. Each actor's oracle judges what it sees and
 * builds a violation's history from its own events (oracle.ts), but the events that explain a
 * finding may have happened elsewhere: a chip judges a stale UT=0 DMA (`translation.stale-ats`),
 * and only hears of the page's free (`page.free.seen`) after the coordinator made it (`page.free`);
 * how the old translation survived the shootdown happened inside the GPU (its ATS cache's `ats.*`
 * events). Every actor hands back its evidence with its report (Oracle.evidence); this adds to each
 * violation the evidence of the other actors on its addresses' pages up to its tick, each line
 * naming the actor that saw it.
 *
 * Runs once, on the run's result (report/assemble-result.ts), so nothing on the hot path pays for it.
 * Bounded: at most `EVIDENCE_LINES_MAX` lines added to a violation (the latest).
 */
import type { ActorReport } from '../actors/actor.js';
import { PAGE_64K } from '../host/page-table.js';
import { formatEvent } from './oracle.js';
import type { OracleEvent } from './oracle-events.js';
import type { Violation } from './violation.js';

export const EVIDENCE_LINES_MAX = 16;

interface Evidence {
  readonly actor: string;
  readonly event: OracleEvent & { readonly pa: number };
  readonly sizeBytes: number;
}

/** The violations of every report, each with the evidence of the other actors added to its history. */
export function violationsWithEvidence(reports: readonly ActorReport[]): Violation[] {
  const all: Evidence[] = [];
  for (const r of reports) {
    for (const e of r.evidence ?? []) {
      if (!('pa' in e)) continue;
      const size = 'sizeBytes' in e && e.sizeBytes !== undefined ? e.sizeBytes : PAGE_64K;
      all.push({ actor: r.name, event: e, sizeBytes: size });
    }
  }
  if (all.length === 0) return reports.flatMap((r) => r.violations);
  return reports.flatMap((r) => r.violations.map((v) => withEvidence(v, r.name, all)));
}

function withEvidence(v: Violation, judge: string, all: readonly Evidence[]): Violation {
  if (v.addresses.length === 0) return v;
  const mine = all.filter(
    (x) =>
      x.actor !== judge &&
      x.event.tick <= v.tick &&
      v.addresses.some((a) => a >= x.event.pa && a < x.event.pa + x.sizeBytes),
  );
  if (mine.length === 0) return v;
  mine.sort((a, b) => a.event.tick - b.event.tick);
  const added = mine.slice(-EVIDENCE_LINES_MAX).map((x) => ({
    tick: x.event.tick as number,
    line: `${formatEvent(x.event)} (${x.actor})`,
  }));
  const own = v.history.map((line) => ({ tick: tickOf(line), line }));
  // A stable sort: at one tick the violation's own events keep their order, and come first.
  const history = [...own, ...added].sort((a, b) => a.tick - b.tick).map((h) => h.line);
  return { ...v, history };
}

/** The tick a history line starts with (formatEvent); a line without one sorts first. */
function tickOf(line: string): number {
  const n = Number.parseInt(line, 10);
  return Number.isNaN(n) ? 0 : n;
}
