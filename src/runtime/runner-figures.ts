/**
 * The figures of a run of several actors in one thread, from their runners: the inline runtime's
 * and the free-mode replay's (each reports its one thread as its one worker). A file apart from the
 * runner, which hosts one actor.
 */
import type { ActorRunner } from './actor-runner.js';
import type { MachinePlan } from './machine-module.js';

/**
 * What a run of `runners` in one thread reports about them (the inline runtime and the free-mode
 * replay): the host, its one "worker" (this thread, `label`, busy the whole `wallMs`), no rings,
 * each actor's digest, event count and recorded events, the messages sent and received per plan
 * edge, and every link's figures in edge order, each at its sender's `endTicks` entry (where that
 * actor's run ended).
 */
export function runnerFigures(
  runners: readonly ActorRunner[],
  plan: MachinePlan,
  label: string,
  wallMs: number,
  events: number,
  endTicks: readonly number[],
) {
  const perEdge = (pick: (r: ActorRunner) => readonly number[]) =>
    plan.edges.map((_, e) => runners.reduce((s, r) => s + pick(r)[e]!, 0));
  return {
    host: 'inline' as const,
    wallMs,
    events,
    rings: [],
    workers: [{ actor: label, busyMs: wallMs, parkedMs: 0, parks: 0, events }],
    actorDigests: runners.map((r) => r.digest.hex()),
    actorEvents: runners.map((r) => r.digest.count),
    recorded: runners.map((r) => r.recorded.packed()),
    sentPerEdge: perEdge((r) => r.sentPerEdge),
    receivedPerEdge: perEdge((r) => r.receivedPerEdge),
    links: runners.flatMap((r, i) => r.linkStats(endTicks[i]!)).sort((a, b) => a.edge - b.edge),
  };
}
