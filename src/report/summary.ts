/**
 * The terminal summary of a run: a compact block a person reads after `npusim run`. Sections, in
 * the order a reader asks the questions: what ran (header), did it break anything (checks), what
 * contended (contention), how fast was npusim itself (engine), and how to run it again (reproduce).
 *
 * Colours go through node:util styleText and only when the caller says so (`colorEnabled`: a TTY
 * and NO_COLOR unset, https://no-color.org); the text is otherwise identical, so tests read it plain.
 * styleText's own check looks at process.stdout, so it is turned off: the caller decided for its stream.
 */
import { styleText } from 'node:util';
import type { HistogramSummary } from '../model/actors/actor.js';
import { H } from '../model/actors/metric-names.js';
import type { Violation } from '../model/check/violation.js';
import { formatTime } from './duration.js';
import type { RunResult } from './run-result.js';

export interface SummaryOptions {
  color: boolean;
  /** Violations shown in full (the rest are counted); default 5. */
  maxViolations?: number;
  /** History lines shown per violation; default 4. */
  maxHistoryLines?: number;
  /** Links, rings and workers shown; default 5. */
  maxRows?: number;
}

/** Whether to colour output written to `stream`. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** The contention table's rows: histogram name -> label, in reading order. */
export const LATENCY_ROWS: readonly [string, string][] = [
  [H.atsdRegisterWaitTicks, 'ATSD register wait'],
  [H.atsdHoldTicks, 'ATSD register hold'],
  [H.shootdownLatencyTicks, 'shootdown latency'],
  [H.nmmuTranslateTicks, 'nest MMU translation'],
  [H.dmaLatencyTicks, 'DMA latency'],
  [H.peerLatencyTicks, 'peer access latency'],
  [H.tceUnmapLatencyTicks, 'TCE unmap latency'],
];

export function formatSummary(result: RunResult, options: SummaryOptions): string {
  const style = (format: Parameters<typeof styleText>[0], text: string): string =>
    options.color ? styleText(format, text, { validateStream: false }) : text;
  const maxRows = options.maxRows ?? 5;
  const out: string[] = [];
  const p = result.config.params;

  // Header.
  out.push(
    `${style('bold', `npusim ${result.workload}`)}  seed ${result.seed}  ${result.host}  ` +
      `${p.topology} ${p.policy}${result.config.bugs.length > 0 ? `  bugs: ${result.config.bugs.join(', ')}` : ''}`,
  );
  out.push(
    `  simulated ${formatTime(result.simulatedTicks)} of ${formatTime(p.durationTicks)} in ` +
      `${formatWall(result.wallMs)} wall  digest ${result.digest}  status ${statusText(result, style)}`,
  );

  // A run that crashed or stalled has no figures: say what happened and how to run it again.
  if (result.crash !== undefined) {
    const c = result.crash;
    out.push(
      `  ${style('red', 'CRASH')} actor ${c.actor} at ${formatTime(c.tick)} (tick ${c.tick}): ${c.message}`,
    );
    out.push(`reproduce: ${result.reproduce}`);
    return `${out.join('\n')}\n`;
  }
  if (result.stall !== undefined) {
    for (const v of result.liveness) out.push(`  ${style('red', 'LIVENESS')} ${v.rule}: ${v.message}`);
    out.push(`reproduce: ${result.reproduce}`);
    return `${out.join('\n')}\n`;
  }

  // Checks.
  const problems = [
    ...result.liveness.map((v) => ['LIVENESS', v] as const),
    ...result.violations.map((v) => ['VIOLATION', v] as const),
  ];
  if (problems.length === 0) {
    out.push(`checks: ${style('green', 'all checks passed')}`);
  } else {
    out.push(
      `checks: ${style('red', `${violationTotal(result)} violation(s)${notKeptNote(result)}, ${result.liveness.length} liveness failure(s)`)}`,
    );
    for (const [label, v] of problems.slice(0, options.maxViolations ?? 5)) {
      out.push(...formatViolation(label, v, options.maxHistoryLines ?? 4, style));
    }
    const hidden = problems.length - (options.maxViolations ?? 5);
    if (hidden > 0) out.push(`  ... and ${hidden} more (see the JSON result: --json or --out)`);
  }
  if (result.liveness.length > 0) out.push(...atsdState(result));
  const c = result.conservation;
  out.push(
    `  conservation: ${c.sent} sent = ${c.received} received + ${c.inFlight} in flight${c.ok ? '' : style('red', ' (BROKEN)')}`,
  );

  // Contention.
  out.push(
    result.free === undefined
      ? 'contention:'
      : 'contention (free mode: timing set by real thread races, lateness below):',
  );
  out.push(
    `  ${''.padEnd(22)}${['count', 'p50', 'p99', 'p99.9', 'max'].map((h) => h.padStart(10)).join('')}`,
  );
  for (const [name, label] of LATENCY_ROWS) {
    const s = result.contention.latencies[name];
    if (s === undefined) continue;
    out.push(`  ${label.padEnd(22)}${latencyCells(s)}`);
  }
  out.push(
    `  ATS cache hit rate ${percent(result.contention.atsHitRate)}   TCE cache hit rate ${percent(result.contention.tceHitRate)}` +
      `   ATSD registers won at once ${result.counts['atsd.acquiredAtOnce'] ?? 0}`,
  );
  const links = [...result.contention.links].sort((a, b) => b.utilisation - a.utilisation).slice(0, maxRows);
  if (links.length > 0) {
    out.push('  busiest links:');
    const width = Math.max(...links.map((l) => l.label.length));
    for (const l of links) {
      out.push(
        `    ${l.label.padEnd(width)}  ${percent(l.utilisation).padStart(6)} busy  ${String(l.messages).padStart(9)} msgs  ` +
          `queue mean ${formatTime(l.meanQueueDelayTicks)}, max ${formatTime(l.maxQueueDelayTicks)}`,
      );
    }
  }

  // Engine.
  const e = result.engine;
  out.push('engine:');
  out.push(
    `  ${e.events} events, ${compact(e.eventsPerSecond)} events/s, ` +
      `${compact(e.simulatedNsPerWallSecond)} simulated ns per wall second`,
  );
  const rings = [...e.rings]
    .sort(
      (a, b) => b.fullStalls + b.parks - (a.fullStalls + a.parks) || b.highWaterRecords - a.highWaterRecords,
    )
    .slice(0, maxRows);
  if (rings.length > 0) {
    out.push('  rings (most stalled):');
    const width = Math.max(...rings.map((r) => r.label.length));
    for (const r of rings) {
      out.push(
        `    ${r.label.padEnd(width)}  ${String(r.records).padStart(9)} records  full-stalls ${r.fullStalls}  ` +
          `parks ${r.parks}  high-water ${r.highWaterRecords}/${r.capacityRecords}`,
      );
    }
  }
  if (e.workers.length > 0) {
    const workers = [...e.workers].sort((a, b) => b.busyMs - a.busyMs).slice(0, maxRows);
    const placement =
      e.placement === 'inline'
        ? 'inline'
        : e.placement === 'per-actor'
          ? 'one worker per actor'
          : e.placement === 'free'
            ? 'free-running, one worker per actor'
            : e.placement === 'free-replay'
              ? 'free run replayed from its take log, one thread'
              : `${e.placement} workers`;
    out.push(`  placement: ${placement}; workers (busiest ${workers.length} of ${e.workers.length}):`);
    const width = Math.max(...workers.map((w) => w.actor.length));
    for (const w of workers) {
      const sync =
        w.lambda === undefined
          ? ''
          : `  ${compact(w.eventsPerWindow ?? 0)} events/window, ${compact(w.handoffsPerSecond ?? 0)} hand-offs/s, lambda ${(w.lambda ?? 0).toFixed(2)}`;
      out.push(
        `    ${w.actor.padEnd(width)}  busy ${formatWall(w.busyMs)}  parked ${formatWall(w.parkedMs)} ` +
          `(${w.parks} parks)  ${w.events} events${sync}`,
      );
    }
    if (e.placement !== 'inline' && result.free === undefined && e.cores > 0 && e.workers.length > e.cores) {
      out.push(
        `  hint: ${e.workers.length} workers on ${e.cores} cores; \`--workers ${e.cores}\` (or --inline) is faster here, one worker per actor is the product's shape`,
      );
    }
  }

  const f = result.free;
  if (f !== undefined) {
    out.push(
      `free mode: window ${formatTime(f.windowTicks)}; ${f.lateRecords} late records (mean ${formatTime(f.lateTicksMean)}, max ${formatTime(f.lateTicksMax)}); ${f.driftWaits} drift waits`,
    );
    out.push(`  take log ${compact(f.logBytes)}B (${compact(f.logBytesPerSimulatedMs)}B per simulated ms)`);
  }
  out.push(`reproduce: ${result.reproduce}`);
  return `${out.join('\n')}\n`;
}

function statusText(
  result: RunResult,
  style: (f: Parameters<typeof styleText>[0], t: string) => string,
): string {
  const text = `${result.status} (exit ${result.exitCode})`;
  if (result.status === 'clean') return style('green', text);
  if (result.status === 'interrupted') return style('yellow', text);
  return style('red', text);
}

function formatViolation(
  label: string,
  v: Violation,
  maxHistoryLines: number,
  style: (f: Parameters<typeof styleText>[0], t: string) => string,
): string[] {
  const lines = [
    `  ${style('red', label)} ${style('bold', v.rule)} at ${formatTime(v.tick)} (tick ${v.tick})` +
      (v.actors.length > 0 ? `  actors ${v.actors.join(', ')}` : '') +
      (v.addresses.length > 0
        ? `  addresses ${v.addresses.map((a) => `0x${a.toString(16)}`).join(', ')}`
        : ''),
    `    ${v.message}`,
  ];
  for (const h of v.history.slice(0, maxHistoryLines)) lines.push(`    | ${h}`);
  if (v.history.length > maxHistoryLines) lines.push(`    | ... ${v.history.length - maxHistoryLines} more`);
  return lines;
}

function latencyCells(s: HistogramSummary): string {
  const cell = (x: number): string => (s.unit === 'ticks' ? formatTime(x) : String(x)).padStart(10);
  return `${String(s.count).padStart(10)}${cell(s.p50)}${cell(s.p99)}${cell(s.p999)}${cell(s.max)}`;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function formatWall(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** 1234567 -> '1.23M': engine rates read at a glance. */
export function compact(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** Violations found, counting those past each actor's kept list (violation.ts ViolationLog). */
export function violationTotal(result: RunResult): number {
  return result.violations.length + (result.counts['violations.notKept'] ?? 0);
}

function notKeptNote(result: RunResult): string {
  const n = result.counts['violations.notKept'] ?? 0;
  return n > 0 ? ` (${result.violations.length} kept in the result, ${n} more counted)` : '';
}

/** On a liveness failure: every NPU's ATSD registers and waiters as the chips reported them. */
function atsdState(result: RunResult): string[] {
  const out = ['  ATSD registers at the end (locked by shootdown, STAT acks pending from GPUs):'];
  for (const [actor, state] of Object.entries(result.actorStates ?? {})) {
    const regs = state.registers as
      | { reg: number; locked: boolean; owner: number | null; pendingAcks: number[]; hung: boolean }[]
      | undefined;
    if (regs === undefined) continue;
    const cells = regs.map((r) =>
      r.locked
        ? `reg${r.reg} locked by ${r.owner}${r.pendingAcks.length > 0 ? ` acks from gpu ${r.pendingAcks.join(',')}` : ''}${r.hung ? ' HUNG' : ''}`
        : `reg${r.reg} free`,
    );
    out.push(
      `    ${actor}: ${cells.join('; ')}; ${state.atsdWaiters ?? 0} waiting to acquire, ${state.atsdStatWaiters ?? 0} waiting for STAT`,
    );
  }
  return out;
}
