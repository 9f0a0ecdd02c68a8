/**
 * The summary's checks (summary.ts): did the run break anything. Violations with their history;
 * a stall once, with the deadlock cycle among the ATSD registers when there is one
 * (liveness-rules.ts findDeadlockCycle), and the registers' state at the end; conservation, and
 * where host memory ran short. The HTML report's checks (html-checks.ts) print the same lines from
 * the functions exported here, so the page says what the summary says, in its words.
 */
import { countText } from '../core/count-text.js';
import {
  ARROW_BREAK,
  FIELD_BREAK,
  fitLine,
  hangingLines,
  ITEM_BREAK,
  packedFields,
  TEXT_COLUMNS,
  textWidth,
  WORD_BREAK,
} from '../core/wrap-text.js';
import { findDeadlockCycle } from '../model/check/rules/liveness-rules.js';
import type { Violation } from '../model/check/violation.js';
import type { HostsChecked } from '../runtime/raw-run.js';
import { formatTime } from './duration.js';
import { lineLabel } from './reproduce-line.js';
import { rulesInOrder } from './rule-counts.js';
import { figuresPastStop, livenessTotal, type RunResult, violationTotal } from './run-result.js';
import type { Style } from './summary-text.js';

/** Conservation of a run that crashed or stalled (`ok` null): there are no counts to judge. */
export const NOT_JUDGED =
  'not judged (the run ended without counting its messages: it crashed or its engine stalled)';

/**
 * Said under conservation when run-result.ts figuresPastStop holds: stopped at a finding; then, in
 * brackets, what gives those figures exactly (pastStopNote picks it).
 */
const PAST_STOP_NOTE =
  'stopped at the first finding on threads: the digest and findings end at the stop, the counts, latencies, links and conservation also count what actors on other threads handled past it before they heard of the stop';
/** What gives them exactly: an inline run; a free run refuses `--inline`, and only its file replays it. */
const EXACTLY = {
  threaded: '--inline gives them exactly',
  freeWithFile: '`npusim replay` of its failure or --record file gives them exactly',
  // QA: the note named a file a --no-failure-file run never wrote.
  freeWithoutFile:
    'this run left no file; a free run with a failure file or `--record FILE` replays to them exactly',
};
/** The same, for a threaded run Ctrl-C stopped (each worker stops where it is). */
const PAST_INTERRUPT_NOTE =
  "interrupted on threads: the run is reported to the tick every worker had reached, and the counts, latencies, links and conservation also count what workers further on had handled past it (each link's busy share is over its sender's own reach)";

/** What a threaded run's figures count past its stop, when they do (the summary's and the HTML report's note). */
export function pastStopNote(result: RunResult): string | undefined {
  if (!figuresPastStop(result)) return undefined;
  if (result.status === 'interrupted') return PAST_INTERRUPT_NOTE;
  // A free run's line is labelled `reproduce` exactly when it replays a file it left.
  const exactly =
    result.free === undefined
      ? EXACTLY.threaded
      : lineLabel(result.reproduce, true) === 'reproduce'
        ? EXACTLY.freeWithFile
        : EXACTLY.freeWithoutFile;
  return `${PAST_STOP_NOTE} (${exactly})`;
}

/**
 * The checks section: "all checks passed", or the count and each finding (at most
 * `maxViolations`, each with `maxHistoryLines` of history). Liveness failures found together with
 * the same shootdowns in flight are one stall (a deadlock holds up every shootdown of its cycle):
 * shown once, with the cycle. Then, on a liveness failure, the ATSD registers; on a refused ATS
 * translation, the XTS_BDF entries of the chips it names; then conservation.
 */
export function checksSection(
  result: RunResult,
  style: Style,
  maxViolations: number,
  maxHistoryLines: number,
): string[] {
  const out: string[] = [];
  const problems: [string, Violation | Violation[]][] = [
    ...groupLiveness(result.liveness).map(
      (g) => ['LIVENESS', g.length === 1 ? g[0]! : g] as [string, Violation | Violation[]],
    ),
    ...result.violations.map((v) => ['VIOLATION', v] as [string, Violation]),
  ];
  if (problems.length === 0) {
    out.push(`checks: ${style('green', 'all checks passed')}`);
  } else {
    out.push(`checks: ${style('red', findingCountsText(result))}`);
    out.push(...byRuleLines(result));
    const shown = shownFindings(problems, maxViolations);
    for (const [label, v] of shown) {
      out.push(
        ...(Array.isArray(v) ? formatStall(v, style) : formatViolation(label, v, maxHistoryLines, style)),
      );
    }
    const hidden = problems.length - shown.length;
    if (hidden > 0) out.push(`  ... and ${hidden} more (see the JSON result: --json or --out)`);
  }
  out.push(...atsdStateLines(result));
  out.push(...xtsStateLines(result));
  const c = result.conservation;
  out.push(
    c.ok === null
      ? `  conservation: ${NOT_JUDGED}`
      : `  conservation: ${c.sent} sent = ${c.received} received + ${c.inFlight} in flight${c.ok ? '' : style('red', ' (BROKEN)')}`,
  );
  for (const { label, text, warn } of checkNotes(result)) {
    out.push(...labelled(`  ${warn ? style('yellow', `${label}:`) : `${label}:`} `, text));
  }
  return out;
}

/**
 * The findings the summary (and the HTML report) shows, at most `max`, in their order: the first of each rule first, then
 * the earliest of the rest. The first `max` alone could all be of one rule (QA: `flush-race --bug
 * single-flush` showed five order findings, one per shootdown, and none of the 114 stale
 * translations, the finding its question is about, which came later).
 */
export function shownFindings<P extends readonly [string, { rule: string } | readonly { rule: string }[]]>(
  problems: readonly P[],
  max: number,
): P[] {
  const ruleOf = (p: P) => (Array.isArray(p[1]) ? (p[1][0]?.rule ?? '') : (p[1] as { rule: string }).rule);
  const picked = new Set<number>();
  const rules = new Set<string>();
  for (const [i, p] of problems.entries()) {
    if (picked.size >= max) break;
    if (!rules.has(ruleOf(p))) {
      rules.add(ruleOf(p));
      picked.add(i);
    }
  }
  for (let i = 0; i < problems.length && picked.size < max; i++) picked.add(i);
  return problems.filter((_, i) => picked.has(i));
}

/**
 * The count of findings that heads the checks (the summary's `checks:` line and the HTML report's):
 * each in full, with how many of them the result keeps when it keeps fewer.
 */
export function findingCountsText(result: RunResult): string {
  return `${countText(violationTotal(result), 'violation')}${notKeptNote(result)}, ${countText(livenessTotal(result), 'liveness failure')}${livenessNotKeptNote(result)}`;
}

/**
 * The lines under conservation, in order, each a label and its text (the summary's and the HTML
 * report's): what a threaded run's figures count past its stop, `--check-hosts` that agreed, and
 * where host memory ran short. `warn`: a caution about the figures (the summary colours its label).
 */
export function checkNotes(result: RunResult): { label: string; text: string; warn: boolean }[] {
  const out: { label: string; text: string; warn: boolean }[] = [];
  const note = pastStopNote(result);
  if (note !== undefined) out.push({ label: 'note', text: note, warn: true });
  const hosts = result.engine.hostsChecked;
  if (hosts?.agree === true) out.push({ label: 'hosts', text: hostsAgreeText(hosts), warn: false });
  const notCompared = result.engine.hostsNotCompared;
  if (notCompared !== undefined)
    out.push({ label: 'hosts', text: `not compared: ${notCompared}`, warn: true });
  const memory = memoryNote(result);
  if (memory !== undefined) out.push({ label: 'memory', text: memory, warn: true });
  return out;
}

/**
 * `--check-hosts` that agreed, in words (the summary's `checks:` and stderr): which placement the
 * threaded run had, and the event digest, which hashes the actors' event streams alone and so
 * differs from the run's digest (outcome-digest.ts), which adds the configuration and findings.
 */
export function hostsAgreeText(h: HostsChecked): string {
  const placement =
    h.placement === 'per-actor'
      ? 'one worker per actor'
      : h.workers === undefined
        ? `--workers ${h.placement}`
        : `${h.workers} worker${h.workers === 1 ? '' : 's'}${h.placement === 'auto' ? ', auto' : ''}`;
  const events = h.events === undefined ? '' : `, ${h.events} events each`;
  return `inline and threaded (${placement}) agree${events}, event digest ${h.inline}`;
}

/**
 * Where host memory ran short, which no check flags (the kernel's own answers: migrate_pages'
 * -ENOMEM leaves a page where it was; a munmap's refault falls back to another socket's zone), yet
 * a reader must know: a migration storm that migrated nothing, or a GPU whose pages sit across the
 * X-bus, measures another machine than the one asked for. Shown only when it happened.
 */
function memoryNote(result: RunResult): string | undefined {
  const notMigrated = result.counts['pages.migrateFailedNoMemory'] ?? 0;
  const offHome = result.counts['pages.mappedOffHome'] ?? 0;
  const parts = [
    ...(notMigrated > 0
      ? [`${countText(notMigrated, 'page')} not migrated (the target socket had no free page of their size)`]
      : []),
    ...(offHome > 0
      ? [`${countText(offHome, 'page')} mapped off their home socket (it had no free page)`]
      : []),
  ];
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * A line of `label: text` on lines of at most 100 columns, each continuation under the text (not
 * under the label, nor at column 0).
 */
function labelled(head: string, text: string, breaks: RegExp | readonly RegExp[] = WORD_BREAK): string[] {
  return hangingLines(head, text, textWidth(head), TEXT_COLUMNS, breaks);
}

/**
 * A finding's first line: its label, rule and time, then its fields (actors, addresses) two
 * spaces apart, on lines of at most 100 columns, a continuation under the rule's name so that it
 * does not read as the message below it; a field too long for a line is wrapped between its items.
 */
function findingHead(label: string, rule: string, tick: number, fields: string[], style: Style): string[] {
  const head = `  ${style('red', label)} ${style('bold', rule)} at ${formatTime(tick)} (tick ${tick})`;
  return packedFields([head, ...fields], 3 + label.length).flatMap((l) => fitLine(l));
}

/** A finding's message, under its first line: a continuation two columns further in. */
function messageLines(message: string): string[] {
  return hangingLines('    ', message, 6);
}

function formatViolation(label: string, v: Violation, maxHistoryLines: number, style: Style): string[] {
  const fields = [
    ...(v.actors.length > 0 ? [`actors ${v.actors.join(', ')}`] : []),
    ...(v.addresses.length > 0
      ? [`addresses ${v.addresses.map((a) => `0x${a.toString(16)}`).join(', ')}`]
      : []),
  ];
  const lines = [...findingHead(label, v.rule, v.tick, fields, style), ...messageLines(v.message)];
  // The history's lines are left whole however long: a reader copies their JSON.
  for (const h of historyExcerpt(v.history, maxHistoryLines)) lines.push(`    | ${h}`);
  return lines;
}

/**
 * At most `max` lines of a violation's history (oldest first), the rest elided in one line: the
 * first line, which says how the story began (a translation made, a register taken), and the last
 * ones, which lead up to the violation (the release after one flush, the free, the stale DMA).
 * The oldest lines alone hid those: `flush-race --bug single-flush` showed the acquire, launch,
 * start and invalidate of an `order.atsd-released-early` and left its flush and early release in
 * "... 3 more". The whole history is in `--json` and the failure file.
 */
export function historyExcerpt(history: readonly string[], max: number): string[] {
  if (history.length <= max) return [...history];
  const tail = Math.max(0, max - 1);
  const shown = max >= 1 ? [history[0]!] : [];
  return [
    ...shown,
    `... ${history.length - shown.length - tail} more`,
    ...(tail > 0 ? history.slice(-tail) : []),
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

/**
 * Said of a stall whose shootdowns hold no deadlock cycle among the registers (findDeadlockCycle):
 * the summary under the stall, the HTML report after the state the stall's failures share.
 */
export const NO_CYCLE =
  'no cycle among the registers held: a shootdown waits for something that never answers';

/** One stall: every shootdown it holds up, what each holds and waits for, and the cycle, once. */
function formatStall(group: readonly Violation[], style: Style): string[] {
  const first = group[0]!;
  const ids = group.map((v) => /shootdown (\d+)/.exec(v.message)?.[1] ?? '?');
  const actors = [...new Set(group.flatMap((v) => v.actors))];
  const lines = findingHead(
    'LIVENESS',
    first.rule,
    first.tick,
    [`${group.length} shootdowns overdue: ${ids.join(', ')}`, `actors ${actors.join(', ')}`],
    style,
  );
  const cycle = findDeadlockCycle(first.history);
  lines.push(
    ...(cycle === undefined
      ? messageLines(NO_CYCLE)
      : // Broken before an arrow, so that each line holds whole links of the cycle.
        labelled('    deadlock cycle: ', cycle, [ARROW_BREAK, WORD_BREAK])),
  );
  lines.push('    shootdowns in flight:');
  for (const h of first.history) lines.push(`    | ${h}`);
  return lines;
}

/**
 * Every rule the run broke, with its full count and first time, in the order they first broke,
 * when there are several: only the first findings are printed in full, and they are often all of
 * one rule. QA: `flush-race --bug single-flush` printed five `order.*` findings and `... and 95
 * more`, so its summary never named the `translation.stale-ats` its question asks about (114 of
 * them, from 515.7 us); only `--json`'s `rules` did.
 */
function byRuleLines(result: RunResult): string[] {
  const rules = rulesInOrder(result.rules);
  if (rules.length < 2) return [];
  const text = rules.map(([rule, r]) => `${rule} ${r.count} (first at ${formatTime(r.tick)})`).join(', ');
  // Broken between rules, each continuation under the first rule.
  return labelled('  by rule: ', text, [FIELD_BREAK, WORD_BREAK]);
}

function notKeptNote(result: RunResult): string {
  const n = result.counts['violations.notKept'] ?? 0;
  return n > 0 ? ` (${result.violations.length} kept in the result, ${n} more counted)` : '';
}

function livenessNotKeptNote(result: RunResult): string {
  const n = result.counts['liveness.notKept'] ?? 0;
  return n > 0 ? ` (${result.liveness.length} kept in the result, ${n} more counted)` : '';
}

/** Whom a hung register's ATSD went to (a result file from an earlier version does not say). */
function hungOn(gpus: readonly number[] | undefined): string {
  if (gpus === undefined || gpus.length === 0) return '';
  return ` (its ATSD went to gpu ${gpus.join(',')}, whose NVLinks never trained: no ack comes)`;
}

/**
 * The heading over the ATSD registers at the end (the summary's and the HTML report's), worded to
 * fit 100 columns in the summary (`each held by a shootdown, by its id, ...` ran to 109).
 */
export const ATSD_AT_END =
  "ATSD registers at the end (each one's shootdown, by id, and the GPUs whose STAT acks it awaits)";

/**
 * The ATSD registers at the end as the summary prints them under its checks, and a replay of a
 * liveness failure under its finding (QA: a replay of a hung register's failure did not say the
 * register was hung, which told it from a merely slow shootdown); none without a liveness failure.
 */
export function atsdStateLines(result: RunResult): string[] {
  const registers = atsdStateAtEnd(result);
  if (registers === undefined) return [];
  const out = [`  ${ATSD_AT_END}:`];
  // A chip's registers, broken between them (eight ran to 186 columns), else between words (a
  // hung one's reason alone nearly fills a line), under the first.
  for (const { actor, text } of registers)
    out.push(...labelled(`    ${actor}: `, text, [ITEM_BREAK, WORD_BREAK]));
  return out;
}

/**
 * On a liveness failure (undefined otherwise): every NPU's ATSD registers and waiters as the chips
 * reported them, a chip's in one text. The summary and the HTML report both print it: for a hang
 * it is the diagnosis (which register is HUNG, and on which untrained GPU), and the page had none.
 */
export function atsdStateAtEnd(result: RunResult): { actor: string; text: string }[] | undefined {
  if (result.liveness.length === 0) return undefined;
  const out: { actor: string; text: string }[] = [];
  for (const [actor, state] of Object.entries(result.actorStates ?? {})) {
    const regs = state.registers as
      | {
          reg: number;
          locked: boolean;
          owner: number | null;
          pendingAcks: number[];
          hung: boolean;
          untrainedGpus?: number[];
        }[]
      | undefined;
    if (regs === undefined) continue;
    const cells = regs.map((r) =>
      r.locked
        ? `reg${r.reg} locked by shootdown ${r.owner}${r.pendingAcks.length > 0 ? `, acks pending from gpu ${r.pendingAcks.join(',')}` : ''}${r.hung ? ` HUNG${hungOn(r.untrainedGpus)}` : ''}`
        : `reg${r.reg} free`,
    );
    out.push({
      actor,
      text: `${cells.join('; ')}; ${state.atsdWaiters ?? 0} waiting to acquire, ${state.atsdStatWaiters ?? 0} waiting for STAT`,
    });
  }
  return out;
}

/** The rules whose findings an NPU's XTS_BDF table decides: the summary then prints the table. */
const XTS_RULES: ReadonlySet<string> = new Set(['translation.ats-refused']);

/** The heading over the XTS_BDF entries at the end (chip-actor.ts takes them before the release). */
export const XTS_AT_END =
  "XTS_BDF entries at the end, before the tenants' release (ctx_ref: skiboot's, per LPARSHORT)";

/** One XTS_BDF entry as a chip reports it in `actorStates` (ats-service.ts `xtsState`). */
export interface XtsBdfState {
  bdf: number;
  bridge: string | null;
  gpu: number | null;
  valid: boolean;
  lparid: number;
  lparshort: number;
  ctxRef: number;
}

/**
 * The XTS_BDF entries at the end of each chip a refused ATS translation names (every chip where
 * the rule was only counted), one line an entry, as the summary prints them under its checks and a
 * replay under its finding: the evidence of `xts-stale-after-kexec` (QA: VALID clear, a stale
 * ctx_ref and init_context's skipped programming were in no output). None without such a finding,
 * or from a result file of a version whose chips did not report the table.
 */
export function xtsStateLines(result: RunResult): string[] {
  if (!Object.keys(result.rules ?? {}).some((r) => XTS_RULES.has(r))) return [];
  const named = new Set<string>();
  for (const v of result.violations) {
    if (!XTS_RULES.has(v.rule)) continue;
    for (const a of v.actors) {
      const m = /^npu(\d+)$/.exec(a);
      if (m !== null) named.add(`chip${m[1]}`);
    }
  }
  const out: string[] = [];
  for (const [actor, state] of Object.entries(result.actorStates ?? {})) {
    const entries = state.xtsBdf as XtsBdfState[] | undefined;
    if (entries === undefined || (named.size > 0 && !named.has(actor))) continue;
    for (const e of entries) {
      const where = `${e.bridge ?? '?'}${e.gpu === null ? '' : ` (gpu${e.gpu})`}`;
      const text = `${where} bdf 0x${e.bdf.toString(16)} ${e.valid ? 'VALID' : 'not VALID'}, lparid ${e.lparid}, lparshort ${e.lparshort}, ctx_ref ${e.ctxRef}`;
      out.push(...labelled(`    ${actor}: `, text));
    }
    const skipped = (state.xtsInitSkippedProgramming as number | undefined) ?? 0;
    if (skipped > 0) {
      out.push(
        ...labelled(
          `    ${actor}: `,
          `init_context skipped programming ${countText(skipped, 'time')} (ctx_ref above 0 on an entry without VALID)`,
        ),
      );
    }
  }
  return out.length === 0 ? [] : [`  ${XTS_AT_END}:`, ...out];
}
