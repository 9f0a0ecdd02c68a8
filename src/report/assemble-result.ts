/**
 * The result assembler: turns what a runtime hands back (RawRun: per-actor reports, per-edge
 * accounting, engine figures) into the RunResult users read and scripts parse. It never knows how
 * the run was hosted; inline and threaded runs of the same config assemble to the same figures
 * except the engine's own (wall time, rings, workers).
 *
 * Status precedence (exit codes: core/exit-codes.ts):
 *   interrupted (Ctrl-C) -> 'interrupted', exit 130, whatever was found so far (the summary lists
 *                           it): a stopped run is not a verdict, and a shootdown cut off by the
 *                           stop is not a liveness failure;
 *   liveness non-empty   -> 'liveness', exit 3 (wins over violations: a hung machine explains them);
 *   violations           -> 'violation', exit 1;
 *   otherwise            -> 'clean', exit 0.
 * A run that ended without a RawRun (an actor threw, the engine stalled) is `failedRunResult`:
 * 'crash', exit 4, or 'liveness', exit 3, with the figures empty.
 */

import { availableParallelism } from 'node:os';
import { EXIT } from '../core/exit-codes.js';
import { npusimVersion } from '../io/version.js';
import {
  boundedReader,
  type HistogramReader,
  type LatencyNoise,
  latencyNoise,
  mergeHistogramsByName,
  percentileInterval,
  summariseHistogram,
  unitOfMetric,
  withZeroSamplesOf,
} from '../metrics/histogram.js';
import { asNodeHistograms } from '../metrics/node-recorder.js';
import type { HistogramSummary } from '../model/actors/actor.js';
import { C, H } from '../model/actors/metric-names.js';
import { violationsWithEvidence } from '../model/check/evidence.js';
import type { RuleName } from '../model/check/rule-names.js';
import {
  type DmaCounts,
  type EdgeCounts,
  judgeDmaConservation,
  judgeMessageConservation,
} from '../model/check/rules/conservation-rules.js';
import type { Violation } from '../model/check/violation.js';
import { totalCounts } from '../model/choice/chooser.js';
import { pctBoundOf } from '../model/choice/pct.js';
import type { LinkStats } from '../model/platform/link-timing.js';
import { configBugsWarning, configPolicyWarning } from '../model/scenario/profile-policy.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { combineDigests } from '../runtime/digest.js';
import type { FreeFigures } from '../runtime/free/free-log.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import type { CrashInfo } from '../runtime/run-errors.js';
import { NOISE_SIGMAS } from './compare-row.js';
import { outcomeDigest } from './outcome-digest.js';
import { reproduceCommand } from './reproduce-line.js';
import { ruleCounts } from './rule-counts.js';
import {
  type FreeSummary,
  type LinkFigures,
  type PctFigures,
  RESULT_SCHEMA_VERSION,
  type RunResult,
  type SocketFigures,
} from './run-result.js';
import { statusOf } from './run-status.js';
import { stalledAtTick } from './stall-workers.js';
import { placementHint } from './summary-engine.js';
import { syncFigures, waitChecks } from './sync-figures.js';

export function assembleResult(config: RunConfig, plan: MachinePlan, raw: RawRun): RunResult {
  const result = assembled(config, plan, raw);
  // The placement hint the summary prints, for a script that picks the next run's placement (QA:
  // only the text and the report had it). Machine-dependent, as the rest of `engine`.
  const hint = placementHint(result);
  return hint === undefined
    ? result
    : { ...result, engine: { ...result.engine, hint: hint.replace(/^hint: /, '') } };
}

function assembled(config: RunConfig, plan: MachinePlan, raw: RawRun): RunResult {
  const simulatedTicks = raw.reachedTick;
  const counts = sumCounters(raw);
  const conservation = checkConservation(plan, raw, simulatedTicks);
  const { violations, liveness, total, livenessNotKept } = findingsOf(raw, conservation.violations);
  const { status, exitCode } = statusOf(raw.stopped, violations.length, liveness.length);
  const eventDigest = combineDigests(raw.actorDigests);
  const { actorStates, perActor } = actorStatesOf(raw);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    npusim: npusimVersion(),
    workload: config.workload,
    seed: config.seed,
    host: raw.host,
    config,
    ...policyWarning(config),
    status,
    exitCode,
    digest: outcomeDigest(config, eventDigest, violations, liveness, total, livenessNotKept),
    eventDigest,
    actors: plan.actors.map((a) => ({
      name: a.name,
      kind: a.kind,
      digest: raw.actorDigests[a.index] ?? '',
      events: raw.actorEvents[a.index] ?? 0,
    })),
    simulatedTicks,
    wallMs: raw.wallMs,
    counts,
    contention: contentionOf(plan, raw, counts, perActor),
    engine: engineFigures(raw, simulatedTicks),
    conservation: {
      sent: conservation.sent,
      received: conservation.received,
      inFlight: conservation.inFlight,
      ok: conservation.violations.length === 0,
    },
    actorStates,
    // In time order for every reader (the summary shows the first few, the JSON lists them all):
    // the actors' reports come one actor after another, so an actor listed early could hide the
    // earliest violation past the summary's cut. A stable sort: at one tick, the actors' order.
    // The digest above reads them in report order, as it always has.
    violations: byTick(violations),
    liveness: byTick(liveness),
    rules: ruleCounts(raw, conservation.violations, liveness),
    reproduce:
      raw.free === undefined
        ? reproduceCommand(config, raw.host, undefined, raw.placement)
        : reproduceCommand(config, 'free', raw.free.windowTicks),
    ...(raw.free === undefined ? {} : { free: freeSummary(raw.free, simulatedTicks) }),
    ...pctFiguresOf(config, raw),
  };
}

/** A PCT run's own steps, agents and change points, summed over its actors. */
function pctFiguresOf(config: RunConfig, raw: RawRun): { pct?: PctFigures } {
  const s = config.strategy;
  if (s?.kind !== 'pct' || raw.chooserCounts === undefined) return {};
  const own = totalCounts(raw.chooserCounts);
  // The bound as printed before the run (the measuring run's n and k, in the config), with the
  // change points the depth needs: a reader of --json sees a depth cut by too few steps too.
  const k = s.steps.reduce((sum, x) => sum + x, 0);
  return {
    pct: {
      ...own,
      changePoints: { needed: Math.max(0, s.depth - 1), ...own.changePoints },
      bound: pctBoundOf(s.agents, k, s.depth),
    },
  };
}

/** Findings by tick, the earliest first; findings of one tick in the order given (a stable sort). */
function byTick(findings: readonly Violation[]): Violation[] {
  return [...findings].sort((a, b) => a.tick - b.tick);
}

/**
 * The run's violations (the conservation rules' last), its liveness failures, and how many
 * violations it found in all (those not kept included).
 */
function findingsOf(
  raw: RawRun,
  conservationViolations: Violation[],
): { violations: Violation[]; liveness: Violation[]; total: number; livenessNotKept: number } {
  // A run stopped at its first finding reports what was found before its stop tick: a threaded
  // actor that ran past it before it heard of the stop may have found more.
  const beforeStop = (v: Violation) => raw.stopped !== 'first-finding' || v.tick < raw.reachedTick;
  // Each with what other actors saw of its pages (a chip's stale DMA: the coordinator's free, the
  // GPU's stale refill).
  const violations: Violation[] = violationsWithEvidence(raw.reports).filter(beforeStop);
  violations.push(...conservationViolations);
  const liveness: Violation[] = raw.reports.flatMap((r) => r.liveness).filter(beforeStop);
  const total =
    violations.length +
    (raw.stopped === 'first-finding'
      ? 0
      : raw.reports.reduce((s, r) => s + (r.counters['violations.notKept'] ?? 0), 0));
  const livenessNotKept =
    raw.stopped === 'first-finding'
      ? 0
      : raw.reports.reduce((s, r) => s + (r.counters['liveness.notKept'] ?? 0), 0);
  return { violations, liveness, total, livenessNotKept };
}

/** Each actor's final state as JSON, and its numeric fields alone (`perActor`). */
function actorStatesOf(raw: RawRun): {
  actorStates: Record<string, Record<string, unknown>>;
  perActor: Record<string, Record<string, number>>;
} {
  const actorStates: Record<string, Record<string, unknown>> = {};
  for (const r of raw.reports)
    actorStates[r.name] = JSON.parse(JSON.stringify(r.state)) as Record<string, unknown>;
  const perActor: Record<string, Record<string, number>> = {};
  for (const r of raw.reports) {
    const numeric: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.state)) if (typeof v === 'number') numeric[k] = v;
    perActor[r.name] = numeric;
  }
  return { actorStates, perActor };
}

/** Latencies (merged over actors, by name), hit rates, links, sockets and per-actor figures. */
function contentionOf(
  plan: MachinePlan,
  raw: RawRun,
  counts: Record<string, number>,
  perActor: Record<string, Record<string, number>>,
): RunResult['contention'] {
  const latencies: Record<string, HistogramSummary> = {};
  const latencyNoiseByName: Record<string, LatencyNoise> = {};
  const merged = mergeHistogramsByName(raw.reports.map((r) => asNodeHistograms(r.histograms)));
  for (const name of [...merged.keys()].sort()) {
    const h = withZeroSamplesOf(name, boundedReader(merged.get(name)!), counts);
    latencies[name] = summariseHistogram(h, unitOfMetric(name));
    latencyNoiseByName[name] = latencyNoise(h);
  }
  return {
    latencies,
    latencyNoise: latencyNoiseByName,
    atsHitRate: rate(counts[C.atsHits] ?? 0, counts[C.atsMisses] ?? 0),
    tceHitRate: rate(counts[C.tceHits] ?? 0, counts[C.tceMisses] ?? 0),
    links: linkFigures(plan, raw, raw.reachedTick),
    sockets: socketFigures(plan, raw),
    perActor,
  };
}

/** The engine's own figures: speed, rings, workers (with their synchronisation), placement. */
function engineFigures(raw: RawRun, simulatedTicks: number): RunResult['engine'] {
  const wallSeconds = raw.wallMs / 1000;
  return {
    events: raw.events,
    eventsPerSecond: wallSeconds > 0 ? raw.events / wallSeconds : 0,
    simulatedNsPerWallSecond: wallSeconds > 0 ? simulatedTicks / 1000 / wallSeconds : 0,
    rings: raw.rings,
    workers: raw.workers.map((w) => {
      const checks = waitChecks(w);
      const withChecks = checks === undefined ? w : { ...w, checks };
      return raw.host === 'threaded' && raw.free === undefined
        ? { ...withChecks, ...syncFigures(w, simulatedTicks, raw.wallMs) }
        : withChecks;
    }),
    placement: raw.placement ?? raw.host,
    ...(raw.threadsKept === undefined ? {} : { threadsKept: raw.threadsKept }),
    ...(raw.rerunToStop === undefined
      ? {}
      : { figuresToStop: raw.rerunToStop.completed, rerunWallMs: raw.rerunToStop.wallMs }),
    // An inline run's host is this process: its machine's cores (QA: 0 read as a real count).
    cores: raw.cores ?? availableParallelism(),
    ...(raw.hostsChecked === undefined ? {} : { hostsChecked: raw.hostsChecked }),
    ...(raw.hostsNotCompared === undefined ? {} : { hostsNotCompared: raw.hostsNotCompared }),
  };
}

function freeSummary(f: FreeFigures, simulatedTicks: number): FreeSummary {
  const { log: _log, ...figures } = f;
  const ms = simulatedTicks / 1e9;
  return { ...figures, logBytesPerSimulatedMs: ms > 0 ? Math.round(f.logBytes / ms) : 0 };
}

/** How a run ended without a RawRun to assemble. */
export type RunFailure =
  | { kind: 'crash'; crash: CrashInfo }
  | { kind: 'stall'; message: string; dump: Record<string, unknown> };

/** Liveness rule of an engine that stopped moving (threaded runtime's watchdog). */
export const ENGINE_STALL_RULE: RuleName = 'liveness.engine-stall';

/**
 * The result of a run that crashed or stalled: the same shape as any result (so `--json` and
 * `--out` still give a script something to parse), with the config, the reproduce line and what
 * went wrong, and every figure empty: nothing of a run that stopped half-way is reported as if it
 * had finished.
 *
 * `hostAsked` `free`: a free run (`--free`) that failed. It ran on threads, so its host is
 * `threaded`, and its placement says `free` as a free run's does (the summary's header reads it).
 * Its reproduce line is the free command that was run (with `freeWindowTicks`, its
 * `--free-window`), which the summary labels a re-run (reproduce-line.ts reproduceLabel): the
 * crashed threads' take log went with them, so nothing replays this very run, and a free run
 * races anew.
 */
export function failedRunResult(
  config: RunConfig,
  plan: MachinePlan,
  hostAsked: 'inline' | 'threaded' | 'free',
  failure: RunFailure,
  wallMs: number,
  freeWindowTicks?: number,
  placement?: string,
): RunResult {
  const host = hostAsked === 'free' ? 'threaded' : hostAsked;
  const crash = failure.kind === 'crash';
  const liveness: Violation[] = crash
    ? []
    : [
        {
          rule: ENGINE_STALL_RULE,
          message: failure.message,
          // Where every worker had got to (QA: said at tick 0 of a run that had reached 2.6 us).
          tick: stalledAtTick(failure.dump),
          actors: [],
          addresses: [],
          history: [],
        },
      ];
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    npusim: npusimVersion(),
    workload: config.workload,
    seed: config.seed,
    host,
    config,
    ...policyWarning(config),
    status: crash ? 'crash' : 'liveness',
    exitCode: crash ? EXIT.crash : EXIT.liveness,
    digest: '',
    eventDigest: '',
    actors: plan.actors.map((a) => ({ name: a.name, kind: a.kind, digest: '', events: 0 })),
    simulatedTicks: crash ? failure.crash.tick : stalledAtTick(failure.dump),
    wallMs,
    counts: {},
    contention: { latencies: {}, atsHitRate: null, tceHitRate: null, links: [], sockets: [], perActor: {} },
    engine: {
      events: 0,
      eventsPerSecond: 0,
      simulatedNsPerWallSecond: 0,
      rings: [],
      workers: [],
      // A threaded run's --workers, as a run that ended gives it (its failure file keeps it); the
      // default, one worker per actor, is `per-actor` as there (QA: it read `threaded`).
      placement: hostAsked === 'threaded' ? (placement ?? 'per-actor') : hostAsked,
      cores: availableParallelism(),
    },
    conservation: { sent: 0, received: 0, inFlight: 0, ok: null },
    actorStates: {},
    violations: [],
    liveness,
    rules: Object.fromEntries(liveness.map((v) => [v.rule, { count: 1, tick: v.tick }])),
    reproduce: reproduceCommand(config, hostAsked, freeWindowTicks, placement),
    ...(crash ? { crash: failure.crash } : { stall: failure.dump }),
  };
}

function sumCounters(raw: RawRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of raw.reports) {
    for (const [name, v] of Object.entries(r.counters)) counts[name] = (counts[name] ?? 0) + v;
  }
  // Sorted keys: the JSON result reads (and diffs) the same whatever order actors reported in.
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Hits over lookups; null with no lookups (0/0: no rate, not a rate of 0). */
function rate(hits: number, misses: number): number | null {
  return hits + misses === 0 ? null : hits / (hits + misses);
}

function linkFigures(plan: MachinePlan, raw: RawRun, simulatedTicks: number): LinkFigures[] {
  return raw.links.map((s) => {
    const edge = plan.edges[s.edge];
    const from = edge === undefined ? undefined : plan.actors[edge.from]?.kind;
    const to = edge === undefined ? undefined : plan.actors[edge.to]?.kind;
    const between: LinkFigures['between'] =
      from === 'coordinator' || to === 'coordinator' || from === undefined || to === undefined
        ? 'control'
        : `${from}-${to}`;
    return {
      label: edge?.label ?? `edge ${s.edge}`,
      kind: edge?.kind ?? 'unknown',
      between,
      messages: s.messages,
      bytes: s.bytes,
      backlogBytes: s.backlogBytes,
      utilisation: utilisationOf(s, simulatedTicks),
      meanQueueDelayTicks: s.messages > 0 ? s.queueDelayTicksTotal / s.messages : 0,
      maxQueueDelayTicks: s.queueDelayTicksMax,
    };
  });
}

/**
 * A link's busy share over the time its figures were taken at (LinkStats.tick): the run's end, or
 * in a threaded run Ctrl-C stopped its sender's own reach, which may lie past the run's reported
 * tick (the least any worker reached); over that tick a saturated link read 100.1 % busy.
 */
function utilisationOf(s: LinkStats, simulatedTicks: number): number {
  const over = s.tick ?? simulatedTicks;
  return over > 0 ? s.busyTicks / over : 0;
}

/** Per socket, from its chip actor's own counters, state and histograms (not merged over actors). */
function socketFigures(plan: MachinePlan, raw: RawRun): SocketFigures[] {
  return raw.reports
    .filter((r) => r.kind === 'chip')
    .map((r) => {
      const hist = asNodeHistograms(r.histograms);
      // A p99 and its order-statistic interval at the confidence `npusim compare` judges by
      // (NOISE_SIGMAS standard deviates: 99.73 %), read from the histogram the result does not
      // keep: two runs' p99s are judged by whether these overlap (compare-places.ts).
      const p99 = (h: HistogramReader | undefined) =>
        h === undefined
          ? { p99: 0, interval: [0, 0] as [number, number] }
          : {
              p99: summariseHistogram(h, 'ticks').p99,
              interval: percentileInterval(h, 0.99, NOISE_SIGMAS),
            };
      const c = (name: string) => r.counters[name] ?? 0;
      const nmmuHist = hist[H.nmmuTranslateTicks];
      const nmmu = p99(nmmuHist === undefined ? undefined : boundedReader(nmmuHist));
      // The waits that waited, counted; their p99 over every acquisition (a win at once waited 0).
      const waitHist = hist[H.atsdRegisterWaitTicks];
      const wait = {
        count: waitHist?.hdr.count ?? 0,
        ...p99(
          waitHist === undefined
            ? undefined
            : withZeroSamplesOf(H.atsdRegisterWaitTicks, boundedReader(waitHist), r.counters),
        ),
      };
      const state = r.state as Record<string, unknown>;
      const open = hist[H.atsdRegisterWaitUnfinishedTicks];
      const waitingAtEnd = open?.hdr.count ?? 0;
      return {
        socket: Number(/\d+$/.exec(r.name)?.[0] ?? plan.actors.findIndex((a) => a.name === r.name)),
        chip: r.name,
        nmmuTranslations: c(C.nmmuTranslations),
        nmmuFaults: c(C.nmmuFaults),
        nmmuWalkerUtilisation:
          typeof state.nmmuWalkerUtilisation === 'number' ? state.nmmuWalkerUtilisation : 0,
        nmmuP99Ticks: nmmu.p99,
        nmmuP99IntervalTicks: nmmu.interval,
        atsdLaunches: c('atsd.launches'),
        atsdWaits: wait.count,
        atsdWonAtOnce: c('atsd.acquiredAtOnce'),
        atsdWaitP99Ticks: wait.p99,
        atsdWaitP99IntervalTicks: wait.interval,
        atsdBusySeen: typeof state.atsdBusySeen === 'number' ? state.atsdBusySeen : 0,
        atsdWaitingAtEnd: waitingAtEnd,
        atsdLongestWaitAtEndTicks: waitingAtEnd > 0 ? open!.max : 0,
        tceHits: c(C.tceHits),
        tceMisses: c(C.tceMisses),
      };
    });
}

/**
 * Conservation (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks), judged by
 * the rules of check/rules/conservation-rules.ts on the counts both ends of every edge and every
 * GPU reported.
 */
function checkConservation(
  plan: MachinePlan,
  raw: RawRun,
  tick: number,
): { sent: number; received: number; inFlight: number; violations: Violation[] } {
  const n = Math.max(raw.sentPerEdge.length, raw.receivedPerEdge.length, raw.inFlightPerEdge.length);
  const edges: EdgeCounts[] = [];
  for (let e = 0; e < n; e++) {
    const edge = plan.edges[e];
    edges.push({
      label: edge?.label ?? 'not in plan',
      actors: edge === undefined ? [] : [edge.from, edge.to].map((i) => plan.actors[i]?.name ?? `actor ${i}`),
      sent: raw.sentPerEdge[e] ?? 0,
      received: raw.receivedPerEdge[e] ?? 0,
      inFlight: raw.inFlightPerEdge[e] ?? 0,
    });
  }
  const gpus: DmaCounts[] = raw.reports
    .filter((r) => r.kind === 'gpu')
    .map((r) => {
      const c = (name: string) => r.counters[name] ?? 0;
      const reasons = Object.entries(r.counters)
        .filter(([k]) => k.startsWith('dma.fault.'))
        .reduce((sum, [, v]) => sum + v, 0);
      return {
        gpu: r.name,
        issued: c(C.dmaIssued),
        completed: c(C.dmaCompleted),
        faulted: c(C.dmaFaulted),
        faultsWithReason: reasons,
        inFlight: c('dma.inFlightAtEnd'),
        peerIssued: c(C.peerIssued),
        peerCompleted: c(C.peerCompleted),
        peerRefused: c(C.peerRefused),
        peerInFlight: c('peer.inFlightAtEnd'),
      };
    });
  const violations = [...judgeMessageConservation(edges, tick), ...judgeDmaConservation(gpus, tick)];
  const sum = (f: (e: EdgeCounts) => number) => edges.reduce((s, e) => s + f(e), 0);
  return {
    sent: sum((e) => e.sent),
    received: sum((e) => e.received),
    inFlight: sum((e) => e.inFlight),
    violations,
  };
}

/**
 * `policyNotInProfile` when the run's policy is not one its profile's releases had, and
 * `bugsNotInProfile` when it switches on a bug they did not carry.
 */
function policyWarning(config: RunConfig): { policyNotInProfile?: string; bugsNotInProfile?: string } {
  const warning = configPolicyWarning(config);
  const bugs = configBugsWarning(config);
  return {
    ...(warning === undefined ? {} : { policyNotInProfile: warning }),
    ...(bugs === undefined ? {} : { bugsNotInProfile: bugs }),
  };
}
