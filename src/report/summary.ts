/**
 * The terminal summary of a run: a compact block a person reads after `npusim run`. Sections, in
 * the order a reader asks the questions: what ran (header), what is the answer to the workload's
 * question (its headline figures, and each variant's verdict side by side), did it break anything
 * (checks; a deadlock's cycle once, however many shootdowns it holds up), what contended (per
 * socket, per link, latencies), how fast was npusim itself (engine), and how to run it again.
 *
 * Colours go through node:util styleText and only when the caller says so (`colorEnabled`: a TTY
 * and NO_COLOR unset, https://no-color.org); the text is otherwise identical, so tests read it plain.
 * styleText's own check looks at process.stdout, so it is turned off: the caller decided for its stream.
 */
import { stripVTControlCharacters, styleText } from 'node:util';
import type { HistogramSummary } from '../model/actors/actor.js';
import { H } from '../model/actors/metric-names.js';
import { findDeadlockCycle } from '../model/check/rules/liveness-rules.js';
import type { Violation } from '../model/check/violation.js';
import { formatTime } from './duration.js';
import { expectationText, verdictText } from './headline.js';
import { compact, percent } from './number-text.js';
import type { RunResult } from './run-result.js';

export interface SummaryOptions {
  color: boolean;
  /** Violations shown in full (the rest are counted); default 5. */
  maxViolations?: number;
  /** History lines shown per violation; default 4. */
  maxHistoryLines?: number;
  /** Links, rings and workers shown; default 8 links, 5 rings and workers. */
  maxRows?: number;
}

type Style = (format: Parameters<typeof styleText>[0], text: string) => string;

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
  [H.allreduceTicks, 'ring all-reduce'],
];

export function formatSummary(result: RunResult, options: SummaryOptions): string {
  const style: Style = (format, text) =>
    options.color ? styleText(format, text, { validateStream: false }) : text;
  const out: string[] = [];
  const p = result.config.params;

  // Header.
  out.push(
    `${style('bold', `npusim ${result.workload}`)}  seed ${result.seed}  ${result.free === undefined ? result.host : result.engine.placement === 'free-replay' ? 'free run, replayed' : 'free'}  ` +
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

  out.push(...answerSection(result, style));

  // Checks. Liveness failures found together with the same shootdowns in flight are one stall
  // (a deadlock holds up every shootdown of its cycle): shown once, with the cycle.
  const problems: [string, Violation | Violation[]][] = [
    ...groupLiveness(result.liveness).map(
      (g) => ['LIVENESS', g.length === 1 ? g[0]! : g] as [string, Violation | Violation[]],
    ),
    ...result.violations.map((v) => ['VIOLATION', v] as [string, Violation]),
  ];
  if (problems.length === 0) {
    out.push(`checks: ${style('green', 'all checks passed')}`);
  } else {
    out.push(
      `checks: ${style('red', `${violationTotal(result)} violation(s)${notKeptNote(result)}, ${result.liveness.length} liveness failure(s)`)}`,
    );
    for (const [label, v] of problems.slice(0, options.maxViolations ?? 5)) {
      out.push(
        ...(Array.isArray(v)
          ? formatStall(v, style)
          : formatViolation(label, v, options.maxHistoryLines ?? 4, style)),
      );
    }
    const hidden = problems.length - (options.maxViolations ?? 5);
    if (hidden > 0) out.push(`  ... and ${hidden} more (see the JSON result: --json or --out)`);
  }
  if (result.liveness.length > 0) out.push(...atsdState(result));
  const c = result.conservation;
  out.push(
    `  conservation: ${c.sent} sent = ${c.received} received + ${c.inFlight} in flight${c.ok ? '' : style('red', ' (BROKEN)')}`,
  );

  // Contention: where the machine waited, per socket, per link, then the latencies overall.
  if (result.free !== undefined) {
    out.push('contention (free mode: timing set by real thread races, lateness under engine):');
  }
  out.push(...socketTable(result));
  out.push(...linkTable(result, options.maxRows ?? 8));
  out.push('latencies:');
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

  // Engine.
  const maxRows = Math.min(options.maxRows ?? 5, 5);
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

function statusText(result: RunResult, style: Style): string {
  const text = `${result.status} (exit ${result.exitCode})`;
  if (result.status === 'clean') return style('green', text);
  if (result.status === 'interrupted') return style('yellow', text);
  return style('red', text);
}

function formatViolation(label: string, v: Violation, maxHistoryLines: number, style: Style): string[] {
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

/**
 * The answer first: the workload's question, its headline figures, and, when it has variants, one
 * column per run (this run, then each variant) with its verdict against what it expected.
 */
function answerSection(result: RunResult, style: Style): string[] {
  const out: string[] = [];
  if (result.question !== undefined) out.push(`question: ${result.question}`);
  const variants = result.variants ?? [];
  if (variants.length === 0) {
    const figures = result.headline ?? [];
    if (figures.length === 0) return out;
    out.push('answer:');
    out.push(
      ...table(
        figures.map((f) => [f.label, f.text]),
        { indent: 2, rightAlign: [] },
      ),
    );
    return out;
  }
  const own = result.expectation;
  const runs = [
    {
      name: `${result.label ?? 'as declared'} (this run)`,
      verdict:
        own === undefined
          ? result.status
          : verdictText(result.status, violationTotal(result) + result.liveness.length, own),
      expected: own === undefined ? '' : expectedCell(own.expect, own.met, style),
      headline: result.headline ?? [],
      digest: result.digest,
    },
    ...variants.map((v) => ({
      name: v.name,
      verdict: verdictText(v.status, v.violationTotal, v.expectation),
      expected: expectedCell(v.expectation.expect, v.expectation.met, style),
      headline: v.headline,
      digest: v.digest,
    })),
  ];
  out.push(`answer (this run and its ${variants.length} variant(s), same seed and options):`);
  // Rows by label, in first-seen order: a counter prefix (`atsd.guest.*`) may give one run a figure
  // another run has not got (a counter it never counted: shown as -).
  const labels = [...new Set(runs.flatMap((r) => r.headline.map((f) => f.label)))];
  const rows: string[][] = [
    ['', ...runs.map((r) => r.name)],
    ['verdict', ...runs.map((r) => r.verdict)],
    ['expected', ...runs.map((r) => r.expected)],
    ...labels.map((label) => [
      label,
      ...runs.map((r) => r.headline.find((f) => f.label === label)?.text ?? '-'),
    ]),
    ['digest', ...runs.map((r) => r.digest)],
  ];
  out.push(...table(rows, { indent: 2, rightAlign: [] }));
  for (const v of variants) {
    const set = Object.entries(v.set)
      .map(([k, x]) => {
        const text = typeof x === 'string' ? x : JSON.stringify(x);
        return `${k}=${Array.isArray(x) && text.length > 40 ? `[${x.length} entries]` : text}`;
      })
      .join(' ');
    out.push(`  ${v.name}: ${v.description ?? set}${v.description === undefined ? '' : ` (${set})`}`);
  }
  return out;
}

function expectedCell(expect: Parameters<typeof expectationText>[0], met: boolean, style: Style): string {
  return `${expectationText(expect)}: ${met ? style('green', 'as expected') : style('red', 'NOT as expected')}`;
}

/** Rows of cells as aligned columns (widths from the plain text, so colours do not skew them). */
function table(rows: readonly string[][], o: { indent: number; rightAlign: readonly number[] }): string[] {
  const plain = (t: string) => stripVTControlCharacters(t);
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, plain(c).length);
    });
  }
  return rows.map(
    (row) =>
      ' '.repeat(o.indent) +
      row
        .map((c, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - plain(c).length);
          return o.rightAlign.includes(i) ? pad + c : i === row.length - 1 ? c : c + pad;
        })
        .join('  ')
        .trimEnd(),
  );
}

function socketTable(result: RunResult): string[] {
  const sockets = result.contention.sockets;
  if (sockets.length === 0) return [];
  const header = [
    '',
    'nMMU xlates',
    'faults',
    'nMMU p99',
    'ATSD launches',
    'reg waits',
    'wait p99',
    'reg busy',
    'TCE hit',
  ];
  const rows = sockets.map((s) => [
    `socket ${s.socket} (${s.chip})`,
    String(s.nmmuTranslations),
    String(s.nmmuFaults),
    s.nmmuTranslations > 0 ? formatTime(s.nmmuP99Ticks) : '-',
    String(s.atsdLaunches),
    String(s.atsdWaits),
    s.atsdWaits > 0 ? formatTime(s.atsdWaitP99Ticks) : '-',
    String(s.atsdBusySeen),
    s.tceHits + s.tceMisses > 0 ? percent(s.tceHits / (s.tceHits + s.tceMisses)) : '-',
  ]);
  return [
    'contention per socket:',
    ...table([header, ...rows], { indent: 2, rightAlign: [1, 2, 3, 4, 5, 6, 7, 8] }),
  ];
}

function linkTable(result: RunResult, maxRows: number): string[] {
  const all = result.contention.links.filter((l) => l.between !== 'control');
  if (all.length === 0) return [];
  const links = [...all]
    .sort((a, b) => b.utilisation - a.utilisation || (a.label < b.label ? -1 : 1))
    .slice(0, maxRows);
  const header = ['', 'busy', 'msgs', 'bytes', 'queue mean', 'queue max'];
  const rows = links.map((l) => [
    l.label,
    percent(l.utilisation),
    String(l.messages),
    String(l.bytes),
    formatTime(l.meanQueueDelayTicks),
    formatTime(l.maxQueueDelayTicks),
  ]);
  return [
    `contention per link (busiest ${links.length} of ${all.length}; --json has every link):`,
    ...table([header, ...rows], { indent: 2, rightAlign: [1, 2, 3, 4, 5] }),
  ];
}

/** Liveness failures in groups found at one tick with the same shootdowns in flight. */
function groupLiveness(liveness: readonly Violation[]): Violation[][] {
  const groups = new Map<string, Violation[]>();
  for (const v of liveness) {
    const key =
      v.rule === 'liveness.shootdown' ? `${v.tick}\n${v.history.join('\n')}` : `${groups.size}:${v.message}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [v]);
    else g.push(v);
  }
  return [...groups.values()];
}

/** One stall: every shootdown it holds up, what each holds and waits for, and the cycle, once. */
function formatStall(group: readonly Violation[], style: Style): string[] {
  const first = group[0]!;
  const ids = group.map((v) => /shootdown (\d+)/.exec(v.message)?.[1] ?? '?');
  const actors = [...new Set(group.flatMap((v) => v.actors))];
  const lines = [
    `  ${style('red', 'LIVENESS')} ${style('bold', first.rule)} at ${formatTime(first.tick)} (tick ${first.tick})  ` +
      `${group.length} shootdowns overdue: ${ids.join(', ')}  actors ${actors.join(', ')}`,
  ];
  const cycle = findDeadlockCycle(first.history);
  lines.push(
    cycle === undefined
      ? '    no cycle among the registers held: a shootdown waits for something that never answers'
      : `    deadlock cycle: ${cycle}`,
  );
  lines.push('    shootdowns in flight:');
  for (const h of first.history) lines.push(`    | ${h}`);
  return lines;
}

function latencyCells(s: HistogramSummary): string {
  const cell = (x: number): string => (s.unit === 'ticks' ? formatTime(x) : String(x)).padStart(10);
  return `${String(s.count).padStart(10)}${cell(s.p50)}${cell(s.p99)}${cell(s.p999)}${cell(s.max)}`;
}

function formatWall(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
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
