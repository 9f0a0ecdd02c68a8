/**
 * The history that led to a finding, as a replay prints it: the last events of each actor involved,
 * merged in causal order (by time; a message always arrives after it was sent, and one actor's
 * events are in its own order), each with its kind and fields by name (protocol/catalogue.ts).
 */
import type { RecordFields } from '../core/record-fields.js';
import { describeMessage } from '../model/protocol/catalogue.js';
import { newMessage, SELF_LINK } from '../model/protocol/sim-message.js';
import { formatTime } from '../report/duration.js';
import type { MachinePlan } from '../runtime/machine-module.js';

/** The plan's actors a finding names: `gpu2`, `chip0`, `coordinator`; `npuN` is chip N's NPU. */
export function actorsInvolved(plan: MachinePlan, names: readonly string[]): number[] {
  const byName = new Map(plan.actors.map((a) => [a.name, a.index]));
  const out = new Set<number>();
  for (const raw of names) {
    const name = raw.split(/[ .(]/)[0]!;
    const direct = byName.get(name);
    if (direct !== undefined) out.add(direct);
    const npu = /^npu(\d+)$/.exec(name);
    if (npu !== null) {
      const chip = byName.get(`chip${npu[1]}`);
      if (chip !== undefined) out.add(chip);
    }
    // Shootdowns and address spaces are the kernel's: the coordinator runs them.
    if (/^(shootdown|lpid)$/.test(name)) {
      const c = byName.get('coordinator');
      if (c !== undefined) out.add(c);
    }
  }
  return [...out].sort((a, b) => a - b);
}

export interface HistoryLine {
  tick: number;
  actor: string;
  from: string;
  kind: string;
  fields: Record<string, unknown>;
}

/** The last `perActor` events of each involved actor, merged by time. */
export function historyOf(
  plan: MachinePlan,
  tails: readonly (readonly RecordFields[])[],
  involved: readonly number[],
  perActor: number,
): HistoryLine[] {
  const lines: (HistoryLine & { order: number })[] = [];
  for (const a of involved) {
    const tail = tails[a] ?? [];
    tail.slice(-perActor).forEach((r, i) => {
      const m = Object.assign(newMessage(), r);
      const d = describeMessage(m);
      lines.push({
        tick: r.timeTicks,
        actor: plan.actors[a]?.name ?? `actor ${a}`,
        from: r.link === SELF_LINK ? 'self' : (plan.actors[r.source]?.name ?? `actor ${r.source}`),
        kind: d.name,
        fields: d.fields,
        order: a * 1e6 + i,
      });
    });
  }
  lines.sort((x, y) => x.tick - y.tick || x.order - y.order);
  return lines.map(({ order: _o, ...l }) => l);
}

export function formatHistory(lines: readonly HistoryLine[]): string {
  const w = Math.max(0, ...lines.map((l) => l.actor.length));
  const f = Math.max(0, ...lines.map((l) => l.from.length));
  return lines
    .map((l) => {
      const fields = Object.entries(l.fields)
        .map(
          ([k, v]) =>
            `${k}=${typeof v === 'number' && v > 0xffff ? `0x${v.toString(16)}` : JSON.stringify(v)}`,
        )
        .join(' ');
      return `  ${formatTime(l.tick).padStart(10)}  ${l.actor.padEnd(w)} <- ${l.from.padEnd(f)}  ${l.kind} ${fields}`;
    })
    .join('\n');
}
