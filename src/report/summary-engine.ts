/**
 * The summary's engine section (summary.ts): figures about npusim, not the machine (events per
 * second, rings, workers and their placement), and free mode's lateness and take log.
 */

import { countText } from '../core/count-text.js';
import {
  FIELD_BREAK,
  fitLine,
  hangingLines,
  packedFields,
  TEXT_COLUMNS,
  textWidth,
  WORD_BREAK,
} from '../core/wrap-text.js';
import { WAIT_BUCKET_LABELS, type WaitFigures } from '../runtime/wait-histogram.js';
import { formatTime } from './duration.js';
import { compact, rateText } from './number-text.js';
import type { RunResult } from './run-result.js';
import { formatWall } from './summary-text.js';
import { HANDOFF_COST_US, waitChecks } from './sync-figures.js';
import { variantsAlikeText } from './variants-alike.js';

/**
 * How fast npusim itself ran: events per second, the most stalled (or fullest) rings and the busiest workers
 * (at most `maxRows` each, and 5), a hint when workers outnumber cores or one worker hosts them
 * all (`--workers 1`); then free mode's figures.
 */
export function engineSection(result: RunResult, maxRows: number): string[] {
  const out: string[] = [];
  const e = result.engine;
  out.push('engine:');
  out.push(
    `  ${e.events} events, ${compact(e.eventsPerSecond)} events/s, ` +
      `${compact(e.simulatedNsPerWallSecond)} simulated ns per wall second`,
  );
  out.push(...ringLines(e, maxRows));
  if (e.workers.length > 0) out.push(...workerLines(result, maxRows));

  const free = freeModeLines(result);
  // Inside the section, as its other lines are (it began at column 0, read as a section of its own).
  if (free !== undefined) out.push(...fitLine(`  ${free[0]}`), ...fitLine(`    ${free[1]}`));
  out.push(...variantEngineLines(result));
  return out;
}

/**
 * Each variant's engine figures, one row each under the own run's (QA: the section was the own
 * run's only, the variants' figures nowhere): how far it ran in what wall time, its events and
 * rates, how many rings stalled, and its workers' lambda (lowest to highest, at the assumed tau);
 * `--json` has each variant's whole `engine`. A variant that ended without events (a crash) says so.
 */
function variantEngineLines(result: RunResult): string[] {
  const figures = variantEngineFigures(result);
  if (figures.length === 0) return [];
  const rows = figures.map((f) =>
    f.events === undefined
      ? [f.name, f.ran, `no events (${f.status})`]
      : [
          f.name,
          f.ran,
          `${f.events} events`,
          `${f.eventsPerSecond} events/s`,
          `${f.simulatedNsPerWallSecond} simulated ns per wall second`,
          f.ringsStalled === undefined ? '' : `rings: ${f.ringsStalled} stalled`,
          f.threads,
        ],
  );
  // A column no variant has (rings on inline runs that carried nothing) leaves no gap.
  const kept = rows[0]!.map((_, i) => i).filter((i) => rows.some((r) => (r[i] ?? '') !== ''));
  const cells = rows.map((r) => kept.map((i) => r[i] ?? ''));
  // Aligned as a table, then each row's fields packed into 100 columns, a continuation under the
  // first figure (a row ran to 120): every cell of a column padded to one width, the rows break
  // alike and their continuations stay aligned too.
  const widths = kept.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  const nameWidth = widths[0]!;
  return [
    ...hangingLines('  ', `variants (${variantsAlikeText(result)}):`, 4),
    ...cells.flatMap((r) => {
      // A row's empty cells at its end (a variant with no events has no rates) take no room.
      let end = r.length;
      while (end > 1 && r[end - 1] === '') end--;
      const fields = r.slice(1, end).map((f, c) => (c + 2 === end ? f : f.padEnd(widths[c + 1]!)));
      return packedFields([`    ${r[0]!.padEnd(nameWidth)}`, ...fields], 4 + nameWidth + 2).map((l) =>
        l.trimEnd(),
      );
    }),
  ];
}

/** One variant's engine figures as text, for the summary's rows and the HTML report's table. */
export interface VariantEngineFigures {
  name: string;
  status: string;
  /** `simulated 30 us in 12 ms wall`. */
  ran: string;
  /** Undefined when the variant handled no event (a crash before its first): the rest are then empty. */
  events: number | undefined;
  eventsPerSecond: string;
  simulatedNsPerWallSecond: string;
  /** `none` or `2 of 9`; undefined when no ring carried records (an inline run). */
  ringsStalled: string | undefined;
  /** Its workers' lambda (`lambda 0.12 to 0.80`), or its placement where none has one. */
  threads: string;
}

/**
 * The figures of each variant that kept its engine (results written before they were kept have
 * none), in the variants' order: the summary's rows and the HTML report's table say the same.
 */
export function variantEngineFigures(result: RunResult): VariantEngineFigures[] {
  return (result.variants ?? []).flatMap((v): VariantEngineFigures[] => {
    const e = v.engine;
    if (e === undefined) return [];
    const ran = `simulated ${formatTime(v.simulatedTicks ?? 0)} in ${formatWall(v.wallMs ?? 0)} wall`;
    if (e.events === 0)
      return [
        {
          name: v.name,
          status: v.status,
          ran,
          events: undefined,
          eventsPerSecond: '',
          simulatedNsPerWallSecond: '',
          ringsStalled: undefined,
          threads: '',
        },
      ];
    const carried = e.rings.filter((r) => r.records > 0);
    const stalled = carried.filter((r) => r.fullStalls + r.parks > 0).length;
    const lambdas = e.workers.flatMap((w) => (w.lambda === undefined ? [] : [w.lambda]));
    return [
      {
        name: v.name,
        status: v.status,
        ran,
        events: e.events,
        eventsPerSecond: compact(e.eventsPerSecond),
        simulatedNsPerWallSecond: compact(e.simulatedNsPerWallSecond),
        ringsStalled:
          carried.length === 0 ? undefined : stalled === 0 ? 'none' : `${stalled} of ${carried.length}`,
        threads:
          lambdas.length === 0
            ? placementText(e.placement, e.workers.length, e.cores)
            : `lambda ${lambdaRange(lambdas)}`,
      },
    ];
  });
}

/** Workers' lambdas as `0.42` or `0.12 to 0.80`. */
function lambdaRange(lambdas: readonly number[]): string {
  const low = Math.min(...lambdas).toFixed(2);
  const high = Math.max(...lambdas).toFixed(2);
  return low === high ? low : `${low} to ${high}`;
}

/** A free run's lateness and take log, two lines (the summary's and the HTML report's engine). */
export function freeModeLines(result: RunResult): [string, string] | undefined {
  const f = result.free;
  if (f === undefined) return undefined;
  return [
    `free mode: window ${formatTime(f.windowTicks)}; ${f.lateRecords} late records (mean ${formatTime(f.lateTicksMean)}, max ${formatTime(f.lateTicksMax)}); ${f.driftWaits} drift waits`,
    // Over no simulated time (stopped during start-up) there is no rate to give.
    `take log ${compact(f.logBytes)}B (${result.simulatedTicks > 0 ? `${compact(f.logBytesPerSimulatedMs)}B` : '-'} per simulated ms)`,
  ];
}

/**
 * The rings worth a look, at most `maxRows`, and a heading that says how they were chosen: the
 * most stalled (full stalls plus parks, then high water) when any stalled, else the fullest (high
 * water), so that a heading never calls a ring that never stalled "most stalled". A ring that
 * carried no record says nothing about the engine and is left out. Shared by the summary and the
 * HTML report.
 */
export function ringTable(
  e: RunResult['engine'],
  maxRows: number,
): { heading: string; header: string[]; rows: string[][] } | undefined {
  const carried = e.rings.filter((r) => r.records > 0);
  if (carried.length === 0) return undefined;
  const stalls = (r: (typeof carried)[number]) => r.fullStalls + r.parks;
  const stalled = carried.filter((r) => stalls(r) > 0).length;
  const rings = [...carried]
    .sort((a, b) => stalls(b) - stalls(a) || b.highWaterRecords - a.highWaterRecords)
    .slice(0, maxRows);
  const left = e.rings.length - carried.length;
  const idle = left === 0 ? '' : `, ${left} that carried nothing left out`;
  // A run stopped at its finding: its rings are the pass that found it, whose workers ran past
  // the stop before they heard of it, so they carried more than the links' figures (from the pass
  // run to the stop) count (QA: 775 ring records beside 758 link messages, said nowhere).
  const pass = e.figuresToStop === undefined ? '' : ' (the pass that found the stop, run past it)';
  const heading =
    stalled === 0
      ? `rings${pass}: none stalled; fullest ${rings.length} of ${carried.length}${idle}:`
      : `rings${pass}: ${stalled} of ${carried.length} stalled; most stalled first, ${rings.length} shown${idle}:`;
  return {
    heading,
    header: ['ring', 'records', 'full-stalls', 'parks', 'high-water'],
    rows: rings.map((r) => [
      r.label,
      String(r.records),
      String(r.fullStalls),
      String(r.parks),
      `${r.highWaterRecords}/${r.capacityRecords}`,
    ]),
  };
}

function ringLines(e: RunResult['engine'], maxRows: number): string[] {
  const t = ringTable(e, maxRows);
  if (t === undefined) return [];
  const width = Math.max(...t.rows.map((r) => r[0]!.length));
  return [
    `  ${t.heading}`,
    ...t.rows.map(
      ([label, records, fullStalls, parks, highWater]) =>
        `    ${label!.padEnd(width)}  ${records!.padStart(9)} records  full-stalls ${fullStalls}  parks ${parks}  high-water ${highWater}`,
    ),
  ];
}

/**
 * `head` then `fields` two spaces apart, packed into the summary's columns with each line after the
 * first starting at column `indent`; a field too wide for its line (a waited time with every kind
 * of park, spinning off included) breaks after its commas instead.
 */
function fieldLines(head: string, fields: readonly string[], indent: number): string[] {
  const packed = packedFields([`${head}${fields[0]!}`, ...fields.slice(1)], indent);
  if (packed.every((l) => textWidth(l) <= TEXT_COLUMNS)) return packed;
  return hangingLines(head, fields.join('  '), indent, TEXT_COLUMNS, [FIELD_BREAK, WORD_BREAK]);
}

/** The longest worker name its figures stand beside (one actor's name: `coordinator`, `gpu15`). */
const NAME_BESIDE_MAX = 16;

/** The placement and the busiest workers, at most `maxRows`; a hint when placementHint has one. */
function workerLines(result: RunResult, maxRows: number): string[] {
  const out: string[] = [];
  const e = result.engine;
  const workers = [...e.workers].sort((a, b) => b.busyMs - a.busyMs).slice(0, maxRows);
  out.push(
    ...fitLine(
      `  placement: ${placementText(e.placement, e.workers.length, e.cores)}${keptText(e)}; workers (busiest ${workers.length} of ${e.workers.length}):`,
    ),
  );
  const width = Math.max(...workers.map((w) => w.actor.length));
  const figures = workers.map((w) => {
    // `parkedMs` is every wait's time (worker-status.ts WorkerTime), parks and checks alike: a
    // wait whose look found work at once (the doorbell's ready()) sleeps on nothing, so it is no
    // park, and on a loaded machine one can last milliseconds (the thread descheduled mid-look).
    // Said as waited, with both counts, so that time beside 0 parks does not read as a contradiction.
    const checks = waitChecks(w) ?? 0;
    return [
      `busy ${formatWall(w.busyMs)}`,
      `waited ${formatWall(w.parkedMs)} (${countText(w.parks, 'park')}${timedOutText(w)}${checks > 0 ? `, ${countText(checks, 'check')}` : ''}${spinOffText(w)})`,
      `${w.events} events`,
    ];
  });
  // Each worker's figures beside its name, a row that runs long going on under its figures; but a
  // worker of several actors is named by all of them (`chip0+gpu0+gpu1+gpu2+coordinator`), so with
  // names that long each stands on a line of its own, its figures under it (rows ran to 215 columns).
  const beside = width <= NAME_BESIDE_MAX;
  workers.forEach((w, i) => {
    if (beside) out.push(...fieldLines(`    ${w.actor.padEnd(width)}  `, figures[i]!, 6 + width));
    else out.push(`    ${w.actor}`, ...fieldLines('      ', figures[i]!, 8));
    if (w.lambda !== undefined) out.push(...fitLine(`      ${syncText(w)}`));
    if (w.waits !== undefined) out.push(...fieldLines('      waits: ', waitFields(w.waits), 13));
  });
  if (e.workers.some((w) => w.lambda !== undefined)) out.push(...hangingLines('  ', LAMBDA_LEGEND, 4));
  const hint = placementHint(result);
  // `hint: ...`, a continuation under its text (a busy machine's ran to 190 columns).
  if (hint !== undefined) out.push(...hangingLines('  ', hint, '  hint: '.length));
  return out;
}

/**
 * A hint when the run found other processes holding the cores (its workers turned their spinning
 * off), when the workers outnumber the cores, or when `--workers 1` put every actor on one worker
 * thread: that is the inline engine plus a thread hop, so `--inline` runs the same placement for
 * less (the summary's and the HTML report's engine).
 */
export function placementHint(result: RunResult): string | undefined {
  const e = result.engine;
  // A run stopped before it simulated anything measured only its threads' start (QA: a 0 ps run
  // stopped by Ctrl-C was told `--inline is faster here`).
  if (result.simulatedTicks === 0) return undefined;
  const turnedOff = e.workers.reduce((n, w) => n + (w.spinTurnedOff ?? 0), 0);
  if (turnedOff > 0) {
    // Measured by the run itself: most of its workers' parks were long while they had a core each.
    return `hint: other processes held the cores (the workers turned their spinning off ${turnedOff} ${turnedOff === 1 ? 'time' : 'times'}: their partners were descheduled); on a busy machine \`--inline\` is faster`;
  }
  const held = heldCoresText(result);
  if (held !== undefined) return `hint: ${held}; \`--inline\` is faster here`;
  if (e.placement === '1' && result.free === undefined) {
    return 'hint: `--workers 1` hosts every actor on one worker thread, the inline engine plus a thread hop: `--inline` runs the same placement without the thread';
  }
  // `auto` on one core makes the same placement (QA: it ran so without the hint `--workers 1` gets).
  if (e.placement === 'auto' && e.workers.length === 1 && result.free === undefined) {
    return 'hint: `--workers auto` found one core, so it hosted every actor on one worker thread, the inline engine plus a thread hop: `--inline` runs the same placement without the thread';
  }
  if (e.placement === 'inline' || result.free !== undefined || e.cores <= 0 || e.workers.length <= e.cores) {
    return undefined;
  }
  // "The product's shape" explains why the default is slow here; a count the user chose needs no excuse.
  // On one core the faster choice is --inline alone: `--workers 1` is it plus a thread hop (above).
  // Of the two, which is faster depends on the run's length: threads starting cold cost a short
  // run more than their parallelism gives back (README "Benchmarks": cold, `--workers 2` ran 0.54 x
  // inline on 1 ms of stress and 1.30 x on 6 ms; QA: the hint named `--workers 2` first for 200 us).
  const long = result.config.params.durationTicks >= LONG_RUN_TICKS;
  const faster =
    e.cores === 1
      ? '`--inline` is faster here'
      : long
        ? `\`--workers ${e.cores}\` (or --inline) is faster here for a run this long`
        : `\`--inline\` is faster here for a run this short (\`--workers ${e.cores}\` for runs of several ms)`;
  return `hint: ${e.workers.length} workers on ${e.cores} ${e.cores === 1 ? 'core' : 'cores'}; ${faster}${e.placement === 'per-actor' ? ", one worker per actor is the product's shape" : ''}`;
}

/** Simulated time from which `--workers N` (N the cores) beat --inline cold (placementHint). */
const LONG_RUN_TICKS = 6_000_000_000;

/**
 * Where the workers had a core each yet waited long (waits of 1 ms and more, over a quarter of the
 * run's wall time for one of them), what that says: their partners were descheduled, other
 * processes holding the cores (QA: `--workers 2` ran 3.7 x slower than inline on a machine with 9
 * to 14 runnable threads and said nothing, its spinning never turned off). A short run's partners
 * compiling wait so too, and there too --inline is the faster. Undefined otherwise: such waits are
 * the partner not running (README: waits of milliseconds), which with more workers than cores is
 * the placement's own doing, said by its own hint.
 */
function heldCoresText(result: RunResult): string | undefined {
  const e = result.engine;
  if (e.placement === 'inline' || result.free !== undefined || e.cores <= 0 || e.workers.length > e.cores)
    return undefined;
  if (e.workers.length < 2 || result.wallMs <= 0) return undefined;
  const longMs = (w: RunResult['engine']['workers'][number]) =>
    (w.waits?.ms ?? []).reduce((sum, ms, b) => (b >= LONG_WAIT_BUCKET ? sum + ms : sum), 0);
  const worst = Math.max(...e.workers.map(longMs));
  if (worst < result.wallMs * HELD_SHARE) return undefined;
  // Not said to be other processes: a short run's partners also wait out each other's compiling.
  return `a worker with a core of its own waited ${formatWall(worst)} of the run's ${formatWall(result.wallMs)} in waits of 1 ms or more, its partner not running (other processes held the cores, or it was compiling)`;
}

/** The first wait bucket of 1 ms and more (WAIT_BOUNDS_MS: 0.01, 0.1, 1, 10 ms). */
const LONG_WAIT_BUCKET = 3;
/** The share of the run's wall time in such waits from which the cores were held elsewhere. */
const HELD_SHARE = 0.25;

/** `, spinning off 2 times` for a worker that turned its spinning off (adaptive-spin.ts); else empty. */
export function spinOffText(w: RunResult['engine']['workers'][number]): string {
  const n = w.spinTurnedOff ?? 0;
  return n > 0 ? `, spinning off ${n} ${n === 1 ? 'time' : 'times'}` : '';
}

/**
 * The parks that ran out their bound, and how many of them came before the first window (the
 * partners still starting: normal); the rest came later. Empty when none ran out.
 */
export function timedOutText(w: RunResult['engine']['workers'][number]): string {
  if (!w.parksTimedOut) return '';
  const atStart = w.parksTimedOutAtStart === undefined ? '' : `, ${w.parksTimedOutAtStart} at start`;
  return `, ${w.parksTimedOut} timed out${atStart}`;
}

/**
 * What lambda is, said once under the workers (wrapped to the summary's columns) and in the HTML
 * report: the figure is only as good as its assumed tau, which the workers' lines do not show.
 */
export const LAMBDA_LEGEND =
  'lambda = L*E/(tau*P): events per lookahead window (L lookahead, E events per simulated second) over ' +
  "events done in one hand-off's time (tau, P events per busy wall second); below 1, a window's " +
  'hand-offs cost more than its work; above, a speed-up is possible, not promised (a worker slowed by ' +
  `other processes has a lower P and so a higher lambda). tau is assumed, ${HANDOFF_COST_US} us (a futex hand-off on the ` +
  'project\'s 2-core machine, bench/README.md "Where a threaded run\'s CPU goes"); in brackets lambda at ' +
  "tau = the worker's waited time per park, a lower bound (a park also waits out its partner's work). " +
  'parks/s: parks per wall second.';

/** A worker's lambda at the assumed tau and, in brackets, at its parked time per park (sync-figures.ts). */
export function lambdaText(w: RunResult['engine']['workers'][number]): string {
  const assumed = (w.lambda ?? 0).toFixed(2);
  if (w.lambdaAtParkedPerPark === undefined || w.parkedUsPerPark === undefined) return assumed;
  const us = w.parkedUsPerPark;
  // Parks run from tens of microseconds (a futex wake-up) to the 20 ms bound.
  const per = us < 1000 ? `${Math.round(us)} us` : formatWall(us / 1000);
  return `${assumed} (${w.lambdaAtParkedPerPark.toFixed(2)} at ${per} per park)`;
}

/**
 * A worker's waits by length (wait-histogram.ts), so that many short hand-offs can be told from a
 * few long stalls of its partner: `waits: <10us 21286 (80 ms)  ...  >=10ms 0`.
 */
export function waitsText(waits: WaitFigures): string {
  return `waits: ${waitFields(waits).join('  ')}`;
}

/** Each bucket of `waits` as `<10us 21286 (80 ms)`: waitsText's fields, which the summary packs. */
function waitFields(waits: WaitFigures): string[] {
  return waitBucketTexts(waits).map((text, b) => `${WAIT_BUCKET_LABELS[b]} ${text}`);
}

/**
 * A worker's synchronisation figures (sync-figures.ts): `lookahead 150 ns, 91 events/window,
 * 114 parks/s, lambda 5.40 (0.09 at 2.3 ms per park)`; only for a worker that has a lambda.
 */
function syncText(w: RunResult['engine']['workers'][number]): string {
  return `lookahead ${formatTime(w.lookaheadTicks ?? 0)}, ${rateText(w.eventsPerWindow ?? 0)} events/window, ${rateText(w.parksPerSecond ?? w.handoffsPerSecond ?? 0)} parks/s, lambda ${lambdaText(w)}`;
}

/** Each bucket of `waits` as `count (total)`, or `0`: the summary's waits line and the HTML report's columns. */
export function waitBucketTexts(waits: WaitFigures): string[] {
  return WAIT_BUCKET_LABELS.map((_, b) => {
    const n = waits.counts[b] ?? 0;
    const ms = waits.ms[b] ?? 0;
    // A bucket of short waits often totals under a millisecond: formatWall keeps a tenth there.
    return n === 0 ? '0' : `${n} (${formatWall(ms)})`;
  });
}

/**
 * After the placement: the run started on threads the run before it left (worker-set.ts), and a
 * run stopped at a finding whose figures a second pass to the stop gave (threaded-runtime.ts), with
 * that pass's wall time (the run's, and its rates, are the first pass's).
 */
export function keptText(e: RunResult['engine']): string {
  const kept = e.threadsKept === true ? ', on threads kept from the run before' : '';
  const again =
    e.figuresToStop === undefined
      ? ''
      : e.figuresToStop
        ? `; run again to its stop for exact figures (another ${formatWall(e.rerunWallMs ?? 0)} wall)`
        : '; its run again to its stop for exact figures was stopped by a signal';
  return `${kept}${again}`;
}

/**
 * How the workers were placed, in words: what was asked for and, where they differ, how many
 * workers ran (`--workers 100` on nine actors runs nine; `auto` runs one per core).
 */
export function placementText(
  placement: RunResult['engine']['placement'],
  workers: number,
  cores: number,
): string {
  const ran = `${workers} worker${workers === 1 ? '' : 's'}`;
  if (placement === 'inline') return 'inline';
  if (placement === 'per-actor') return 'one worker per actor';
  if (placement === 'free') return 'free-running, one worker per actor';
  if (placement === 'free-replay') return 'free run replayed from its take log, one thread';
  if (placement === 'auto') return `auto, ${ran} (${cores} core${cores === 1 ? '' : 's'})`;
  const asked = Number(placement);
  if (Number.isInteger(asked) && asked > workers) return `${ran} (${asked} asked for; one per actor at most)`;
  return ran;
}
