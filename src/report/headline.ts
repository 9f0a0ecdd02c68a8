/**
 * A workload's answer, read from a run result: the figures its `headline` names (workload.ts
 * headlineItemSchema) and its findings judged against what it expected (`expect`). The summary
 * prints these first; `--json` carries them in the result (`headline`, `expectation`, `variants`).
 */

import { unitOfMetric } from '../metrics/histogram.js';
import { ZERO_SAMPLES } from '../model/actors/metric-names.js';
import type { RuleName } from '../model/check/rule-names.js';
import { expectationUnderBugs, exposedBugs, unexposedBugs } from '../model/scenario/bug-expectation.js';
import type { RunProcesses } from '../model/scenario/bug-reach.js';
import { judgedBugs } from '../model/scenario/variant-bugs.js';
import type { Expectation, HeadlineItem, Workload } from '../model/scenario/workload.js';
import { cacheLookups } from './cache-lookups.js';
import { formatTime } from './duration.js';
import { measuredAt } from './measured-at.js';
import { compact, percent } from './number-text.js';
import type { ExpectationVerdict, HeadlineFigure, HeadlineUnit, RunResult } from './run-result.js';
import { unfinishedOf } from './unfinished-text.js';

export function evaluateHeadline(items: readonly HeadlineItem[], result: RunResult): HeadlineFigure[] {
  return items.flatMap((item) => figuresOf(item, result));
}

function figuresOf(item: HeadlineItem, r: RunResult): HeadlineFigure[] {
  if ('counter' in item) {
    const seconds = r.simulatedTicks / 1e12;
    const shape = (label: string, total: number): HeadlineFigure => {
      const perSecond = item.per === 'simulated-second';
      const value = perSecond ? (seconds > 0 ? total / seconds : 0) : total;
      const unit: HeadlineUnit = perSecond
        ? item.unit === 'bytes'
          ? 'bytes-per-second'
          : 'per-second'
        : item.unit === 'bytes'
          ? 'bytes'
          : 'count';
      const figure: HeadlineFigure = { label, value, text: countText(value, item.unit, perSecond), unit };
      return perSecond ? figure : { ...figure, accrues: true };
    };
    if (item.counter.endsWith('.*')) {
      const prefix = item.counter.slice(0, -1);
      const names = Object.keys(r.counts)
        .filter((k) => k.startsWith(prefix))
        .sort();
      // Each figure's label ends with its counter's last part (`guest acquisitions of reg6`); with
      // no counter there, `any` ends it, so a label written to be completed still reads as one.
      if (names.length === 0)
        return [{ label: `${item.label} any`, value: null, text: 'none', unit: 'count' }];
      return names.map((k) => shape(`${item.label} ${k.slice(prefix.length)}`, r.counts[k] ?? 0));
    }
    const total = item.counter.split('+').reduce((sum, name) => sum + (r.counts[name] ?? 0), 0);
    return [shape(item.label, total)];
  }
  if ('latency' in item) {
    const s = r.contention.latencies[item.latency];
    // What the figure leaves out, in brackets: its zeros a counter holds (every figure is over them
    // too: histogram.ts withZeroSamples), `0 ps (325 of 325 won at once)`; and, where it changes
    // the reading, what was still going on at the end (unfinished-text.ts), which no figure of the
    // histogram is over: with no samples, or one lasting longer than the figure says. A few
    // shootdowns cut by the end of a clean run, shorter than its p99, are the table's to say.
    const zero = ZERO_SAMPLES[item.latency as keyof typeof ZERO_SAMPLES];
    const zeros = zero === undefined || s === undefined ? 0 : (r.counts[zero.counter] ?? 0);
    const value = s === undefined || s.count === 0 ? undefined : s[item.stat];
    const open = unfinishedOf(r, item.latency);
    const says =
      open !== undefined && (value === undefined || item.stat === 'count' || open.longestTicks > value);
    const notes = [
      measuredAt(item.latency, r),
      zeros > 0 ? `${zeros} of ${s!.count} ${zero!.what}` : undefined,
      says ? open!.text : undefined,
    ]
      .filter((n) => n !== undefined)
      .join('; ');
    const bracket = notes === '' ? '' : ` (${notes})`;
    const histogramUnit = s?.unit ?? unitOfMetric(item.latency);
    const unit: HeadlineUnit =
      item.stat === 'count'
        ? 'count'
        : histogramUnit === 'ticks' || histogramUnit === 'bytes'
          ? histogramUnit
          : 'count';
    // A count of samples grows with the run (compare rescales it per simulated ms); a percentile not.
    const accrues = item.stat === 'count' ? { accrues: true as const } : {};
    if (value === undefined)
      return [{ label: item.label, value: null, text: `no samples${bracket}`, unit, ...accrues }];
    const text = item.stat === 'count' || s!.unit !== 'ticks' ? String(value) : formatTime(value);
    return [{ label: item.label, value, text: `${text}${bracket}`, unit, ...accrues }];
  }
  if ('links' in item) {
    const links = r.contention.links.filter((l) => l.between === item.links);
    if (links.length === 0) return [{ label: item.label, value: null, text: 'no such links', unit: 'ratio' }];
    if (item.stat === 'busiest') {
      const busiest = links.reduce((a, b) => (b.utilisation > a.utilisation ? b : a));
      return [
        {
          label: item.label,
          value: busiest.utilisation,
          text: `${percent(busiest.utilisation)} (${busiestName(busiest.utilisation, busiest.label)})`,
          unit: 'ratio',
        },
      ];
    }
    const mean = links.reduce((s, l) => s + l.utilisation, 0) / links.length;
    return [
      { label: item.label, value: mean, text: `${percent(mean)} over ${links.length} links`, unit: 'ratio' },
    ];
  }
  if ('nmmu' in item) {
    // Results before 0.10.0 have no walker figure: no figure, not a measured 0.
    const sockets = r.contention.sockets.filter((s) => s.nmmuWalkerUtilisation !== undefined);
    if (sockets.length === 0)
      return [{ label: item.label, value: null, text: 'no nest MMU figures', unit: 'ratio' }];
    const busy = (s: (typeof sockets)[number]) => s.nmmuWalkerUtilisation!;
    if (item.nmmu === 'busiest') {
      const busiest = sockets.reduce((a, b) => (busy(b) > busy(a) ? b : a));
      return [
        {
          label: item.label,
          value: busy(busiest),
          text: `${percent(busy(busiest))} (${busiestName(busy(busiest), busiest.chip)})`,
          unit: 'ratio',
        },
      ];
    }
    const mean = sockets.reduce((s, x) => s + busy(x), 0) / sockets.length;
    return [
      {
        label: item.label,
        value: mean,
        text: `${percent(mean)} over ${sockets.length} sockets`,
        unit: 'ratio',
      },
    ];
  }
  if ('param' in item) {
    let v: unknown = r.config.params;
    // An index past the end of this run's list (`tenants.5` of a run with two tenants): the path
    // is a parameter (checked when the workload loaded), but this run has no such entry.
    let pastEnd: string | undefined;
    for (const key of item.param.split('.')) {
      if (Array.isArray(v) && pastEnd === undefined && Number(key) >= v.length)
        pastEnd = `none (this run's list has ${v.length})`;
      v = (v as Record<string, unknown> | undefined)?.[key];
    }
    if (pastEnd !== undefined) return [{ label: item.label, value: null, text: pastEnd, unit: 'count' }];
    if (Array.isArray(v))
      return [{ label: item.label, value: v.length, text: String(v.length), unit: 'count' }];
    if (typeof v === 'number') {
      const named = unitOfMetric(item.param.split('.').at(-1)!);
      const unit: HeadlineUnit = named === 'ticks' || named === 'bytes' ? named : 'count';
      return [{ label: item.label, value: v, text: String(v), unit }];
    }
    // The path is a parameter (checked when the workload loaded): undefined is one left unset.
    const text =
      v === undefined ? 'not set' : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    return [{ label: item.label, value: null, text }];
  }
  const cache = item.rate === 'ats-hit' ? 'ats' : 'tce';
  const value = cache === 'ats' ? r.contention.atsHitRate : r.contention.tceHitRate;
  if (value === null || cacheLookups(r, cache) === 0)
    return [{ label: item.label, value: null, text: 'no lookups', unit: 'ratio' }];
  return [{ label: item.label, value, text: percent(value), unit: 'ratio' }];
}

/**
 * What a `busiest` figure is of: the link or socket, or none where nothing was busy at all (QA: a
 * run that did nothing named `gpu0->chip0 nvlink x2`, the first of links all at 0 %, its busiest).
 */
function busiestName(utilisation: number, name: string): string {
  return utilisation > 0 ? name : NONE_BUSY;
}

/** What a `busiest` figure names where every link or nest MMU was idle (its value 0). */
export const NONE_BUSY = 'none busy';

/**
 * The headlines of runs set side by side (a workload's own run and its variants), each with the
 * same rows: a counter prefix (`atsd.guest.*`) gives each run a row per counter it counted, so a
 * run that never counted one (a variant pinned to one register) lacked that row and its column
 * read `-` beside real zeros, and its `--json` headline lacked it (QA). A counter a run lacks
 * counted 0, so each run gets every row any run has, 0 where it counted none; `LABEL any`
 * (no counter at all) stays only where no run counted any. `runs` are evaluateHeadline's figures
 * for `items`, in its order; other items are left as they are.
 */
export function alignHeadlines(
  items: readonly HeadlineItem[],
  runs: readonly (readonly HeadlineFigure[])[],
): HeadlineFigure[][] {
  const cursors = runs.map(() => 0);
  const out: HeadlineFigure[][] = runs.map(() => []);
  for (const [i, item] of items.entries()) {
    const wildcard = 'counter' in item && item.counter.endsWith('.*');
    // A later item's own figure, labelled with its label alone, is never a group member, though its
    // label may extend the group's (QA: guest-atsd's `guest acquisitions of host-only 6 and 7`
    // after `guest acquisitions of`, taken into the group, sorted before reg0 and every later
    // item's figure handed to the item before it).
    const later = new Set(items.slice(i + 1).map((x) => x.label));
    const member = (f: HeadlineFigure) => f.label.startsWith(`${item.label} `) && !later.has(f.label);
    const parts = runs.map((figures, r) => {
      let end = cursors[r]!;
      if (!wildcard) end = Math.min(figures.length, end + 1);
      else while (end < figures.length && member(figures[end]!)) end++;
      const part = figures.slice(cursors[r], end);
      cursors[r] = end;
      return part;
    });
    if (!wildcard || !('counter' in item)) {
      for (const [r, p] of parts.entries()) out[r]!.push(...p);
      continue;
    }
    const none = `${item.label} any`;
    const labels = [...new Set(parts.flatMap((p) => p.map((f) => f.label)))].filter((l) => l !== none).sort();
    if (labels.length === 0) {
      for (const [r, p] of parts.entries()) out[r]!.push(...p);
      continue;
    }
    const zero = countText(0, item.unit, item.per === 'simulated-second');
    parts.forEach((p, r) => {
      for (const label of labels) {
        const unit = parts.flat().find((f) => f.label === label)?.unit;
        out[r]!.push(
          p.find((f) => f.label === label) ?? {
            label,
            value: 0,
            text: zero,
            ...(unit === undefined ? {} : { unit }),
            // As the run's own figures of the group (a counter's total accrues; per second not).
            ...(item.per === 'simulated-second' ? {} : { accrues: true as const }),
          },
        );
      }
    });
  }
  // Figures past the items (none from evaluateHeadline) are kept, not lost.
  for (const [r, figures] of runs.entries()) out[r]!.push(...figures.slice(cursors[r]));
  return out;
}

/**
 * What the run found (every rule it broke, counted in full: rule-counts.ts; a result written
 * before `rules` existed counts its kept violations and liveness failures) against what was
 * expected: clean means nothing; a list of rules means at least one of them and nothing else.
 * A run that crashed or was interrupted meets no expectation (summary-answer.ts shows an
 * interrupted one as not judged). `exposes`, the workload's: a run with a `--bug` switch it
 * exposes is expected to find that switch's rules too (model/scenario/bug-expectation.ts).
 * A switch the run's profile carries counts as a `--bug` does. `ownBugs`: the switches the
 * declaration itself is for (a variant's `bugs` and its own profile's: declaredBugs), which are in
 * the run but are no `--bug` of the command's: its `expect` already says what they find.
 * A workload that declares no `exposes` is passed as exposing none (`[]`): its expectation too
 * is for runs without each `--bug`, and says so (QA: the note was missing where `exposes` was
 * left out, and present with `exposes: []`); `undefined` means no workload at hand.
 */
export function judgeExpectation(
  declared: Expectation,
  result: RunResult,
  exposes?: Workload['exposes'],
  processes?: RunProcesses,
  ownBugs: readonly string[] = [],
): ExpectationVerdict {
  // Read only with `exposes`: a library caller's result judged by its declaration alone may have
  // no config. The switches the run's profile carries count as `--bug`s do (QA: `guest-atsd
  // --profile as-shipped` judged first-link, which found what as-shipped's host-atsd-ignores-lparid
  // is exposed for, against its plain `clean`, where `--bug host-atsd-ignores-lparid` met it).
  const typed = exposes === undefined ? [] : result.config.bugs.filter((b) => !ownBugs.includes(b));
  const bugs = exposes === undefined ? [] : judgedBugs(result.config, ownBugs);
  // Without `exposes` (a library caller's judgement), the declaration alone. `processes`: the
  // run's, where the caller has its machine (model/actors/run-processes.ts; this module is also
  // `compare`'s, which loads no machine).
  const expect =
    exposes === undefined
      ? declared
      : expectationUnderBugs(declared, exposes, { bugs, params: result.config.params }, processes);
  const found: Record<string, number> = {};
  if (result.rules !== undefined) {
    for (const [rule, r] of Object.entries(result.rules)) found[rule] = r.count;
  } else {
    for (const v of [...result.liveness, ...result.violations]) found[v.rule] = (found[v.rule] ?? 0) + 1;
  }
  const rules = Object.keys(found);
  let met: boolean;
  if (result.status === 'crash' || result.status === 'interrupted') met = false;
  else if (expect === 'clean') met = rules.length === 0;
  else met = rules.length > 0 && rules.every((rule) => (expect as readonly string[]).includes(rule));
  // The switches that made it (the acting ones: an inert one adds no rule), and those the
  // workload declares nothing for.
  // Those the command named: a profile's switch the workload does not expose is the profile's,
  // said with it (profile-policy.ts), not a `--bug` the declaration was made without.
  const notExposed = exposes === undefined ? [] : unexposedBugs(exposes, typed);
  return {
    expect,
    found,
    met,
    ...(expect === declared ? {} : { byBugs: exposedBugs(exposes, bugs) }),
    ...(notExposed.length === 0 ? {} : { notExposed }),
  };
}

/** `clean`, or `violation: 9269 (isolation.peer)`: the status, how many findings, of which rules. */
export function verdictText(status: string, findings: number, verdict: ExpectationVerdict): string {
  const rules = Object.entries(verdict.found)
    .sort(([, a], [, b]) => b - a)
    .map(([rule]) => rule);
  return rules.length === 0 ? status : `${status}: ${findings} (${rules.join(', ')})`;
}

export function expectationText(expect: Expectation): string {
  return expect === 'clean' ? 'clean' : (expect as RuleName[]).join(' or ');
}

/**
 * Why a run declared to find some rules missed, where it found a rule it was not declared to:
 * `found order.atsd-shared-register too, which is not expected` ('' where it found none, or was
 * declared clean, whose status already says it found something). A list means at least one of
 * its rules and nothing else, so a run that found one of them and another read `NOT as expected
 * (expected A or B)` beside its A, which seemed to contradict itself (QA: atsd-deadlock with
 * `--set host.atsdRegisters=2`, whose shared-register finding the docs show it for).
 */
export function unexpectedRulesText(verdict: ExpectationVerdict): string {
  if (verdict.expect === 'clean') return '';
  const expected = verdict.expect as readonly string[];
  const found = Object.keys(verdict.found);
  const others = found.filter((rule) => !expected.includes(rule)).sort();
  if (others.length === 0) return '';
  const too = others.length < found.length ? ' too' : '';
  return `found ${others.join(', ')}${too}, which ${others.length === 1 ? 'is' : 'are'} not expected`;
}

/**
 * `for runs without --bug X, which W does not expose`: said beside an expectation declared for
 * runs without the switches `notExposed` names ('' where there are none), by a run's summary, its
 * stderr and a sweep's summary alike (QA: a verdict that did not say it read as a fault of the model).
 */
export function unexposedText(notExposed: readonly string[] | undefined, workload: string): string {
  if (notExposed === undefined || notExposed.length === 0) return '';
  return `for runs without ${notExposed.map((b) => `--bug ${b}`).join(' ')}, which ${workload} does not expose`;
}

function countText(value: number, unit: 'count' | 'bytes', perSecond: boolean): string {
  if (unit === 'bytes') {
    const text = bytesText(value);
    return perSecond ? `${text}/s` : text;
  }
  if (perSecond) return `${compact(value)}/s`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Bytes as a headline writes them, four significant digits in SI units (`321.2 GB`); compare's change in them too. */
export function bytesText(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))} ${units[i]}`;
}
