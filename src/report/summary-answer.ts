/**
 * The summary's answer (summary.ts): the workload's question and its headline figures, and, for a
 * workload with variants, one column per run with its verdict against what it expected.
 */
import { countText } from '../core/count-text.js';
import { hangingLines } from '../core/wrap-text.js';
import { formatTime } from './duration.js';
import { firmwareVoid } from './firmware-void.js';
import { expectationText, unexpectedRulesText, unexposedText, verdictText } from './headline.js';
import { type ExpectationVerdict, livenessTotal, type RunResult, violationTotal } from './run-result.js';
import { fittedTables, type Style, table } from './summary-text.js';
import { variantSetText } from './variant-set-text.js';
import { variantsAlikeText } from './variants-alike.js';

/**
 * `head` then `text`, on lines of at most `columns` with each continuation at `indent`, or on one
 * line when `columns` is undefined (the HTML report's answer, whose page wraps it).
 */
type Wrap = (head: string, text: string, indent: number) => string[];

function wrapper(columns: number | undefined): Wrap {
  return (head, text, indent) =>
    (columns === undefined ? [head + text] : hangingLines(head, text, indent, columns)).map((l) =>
      l.trimEnd(),
    );
}

/**
 * The answer first: the workload's question, its headline figures, and, when it has variants, one
 * column per run (this run, then each variant) with its verdict against what it expected. With
 * `columns` (the terminal summary's 100), each prose line and each figure's text wraps there, a
 * continuation under its own text; without, a line is as long as its text.
 */
export function answerSection(result: RunResult, style: Style, columns?: number): string[] {
  const wrap = wrapper(columns);
  const out: string[] = [];
  if (result.question !== undefined) out.push(...wrap('question: ', result.question, 'question: '.length));
  const variants = result.variants ?? [];
  if (variants.length === 0) {
    const figures = result.headline ?? [];
    // A variant run alone (`--variant`) carries what it was declared to find; so does a workload's
    // own run whose variants were stopped before any ran.
    const expected = expectedLines(result, style, columns);
    if (figures.length === 0) return [...out, ...expected, ...restsOn(result, '', wrap)];
    out.push('answer:');
    // Two columns, as table() lays them out, a figure's text wrapping under its own column.
    const width = Math.max(...figures.map((f) => f.label.length));
    for (const f of figures) out.push(...wrap(`  ${f.label.padEnd(width)}  `, f.text, width + 4));
    out.push(...rateLegend(figures), ...expected, ...restsOn(result, '', wrap));
    return out;
  }
  const own = result.expectation;
  // In the terminal's columns, the own run is headed by its label's name alone (`fixed`, not
  // `fixed: the model's BAR0 filter, in no release`: QA, a header of 114 columns), its description
  // under the table as a variant's is (the HTML report's Answer is these lines); without columns,
  // one table, the label whole.
  const ownLabel = labelParts(result.label ?? 'as declared', columns !== undefined);
  const runs = [
    {
      name:
        result.sameAsVariant === undefined
          ? `${ownLabel.name} (this run)`
          : `${result.sameAsVariant.name} (this run: ${result.sameAsVariant.by})`,
      verdict:
        own === undefined
          ? result.status
          : verdictText(result.status, violationTotal(result) + livenessTotal(result), own),
      expected: own === undefined ? '' : expectedCell(own.expect, own.met, result.status, style),
      headline: result.headline ?? [],
      digest: result.digest,
      byBugs: own?.byBugs,
    },
    ...variants.map((v) => ({
      name: v.name,
      verdict: verdictText(v.status, v.violationTotal, v.expectation),
      expected: expectedCell(v.expectation.expect, v.expectation.met, v.status, style),
      headline: v.headline,
      digest: v.digest,
      byBugs: v.expectation.byBugs,
    })),
  ];
  out.push(
    ...wrap(
      'answer (',
      `this run and its ${countText(variants.length, 'variant')}, ${variantsAlikeText(result)}):`,
      'answer ('.length,
    ),
  );
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
  // One column per run side by side, split into tables of at most `columns` where they do not fit
  // in one (multi-tenant's three ran to 125, guest-atsd's to 274), each repeating the labels.
  out.push(
    ...(columns === undefined
      ? table(rows, { indent: 2, rightAlign: [] })
      : fittedTables(rows, { indent: 2, columns })),
  );
  const not = unexposedTextOf(result);
  out.push(
    ...rateLegend(runs.flatMap((r) => r.headline)),
    ...expectedByBugs(runs, wrap),
    ...(not === undefined ? [] : wrap('  expected ', `as declared ${not}`, 4)),
  );
  if (result.sameAsVariant === undefined && ownLabel.description !== undefined)
    out.push(...wrap(`  ${runs[0]!.name}: `, ownLabel.description, 4));
  for (const v of variants) {
    const set = variantSetText(v.set, v.bugs);
    // A variant that sets nothing (the workload's own run again, as a control) says so, and so
    // does one whose set restates the workload's own values; one on another profile says which,
    // first (it is what makes that run another machine).
    const onProfile = v.profile === undefined ? '' : `profile ${v.profile}`;
    const restated = v.restatesOwn === true ? `${set}, the workload's own: sets nothing` : set;
    const sets = [onProfile, restated].filter((x) => x !== '').join(' ') || 'sets nothing';
    out.push(
      ...wrap(
        `  ${v.name}: `,
        `${v.description ?? sets}${v.description === undefined ? '' : ` (${sets})`}`,
        4,
      ),
    );
  }
  out.push(...variantsPastStop(result, variants, wrap));
  // The variants' premises are not this run's (one on another profile has no BAR0 filter).
  out.push(...restsOn(result, ' (this run)', wrap));
  return out;
}

/**
 * Under figures that are rates, what their `/s` is: per second of simulated time, where the
 * engine's `events/s` further down is per second of wall time (QA: `nest MMU translations
 * 19.66M/s` beside `49.3k events/s`, one `/s` of each).
 */
function rateLegend(figures: readonly { unit?: string }[]): string[] {
  const rates = figures.some((f) => f.unit === 'per-second' || f.unit === 'bytes-per-second');
  return rates ? ['  (/s: per second of simulated time)'] : [];
}

/**
 * Under the table, the columns whose `expected` row a `--bug` switch the workload exposes made
 * (their declared expectation, as their cells, would read otherwise), a line per set of switches:
 * the table's cells name no switch, to stay narrow (QA: `tce-storm --bug tce-kill-no-advance`'s
 * own column read `translation.stale-tce: as expected` of a run declared clean).
 */
function expectedByBugs(runs: readonly { name: string; byBugs?: readonly string[] }[], wrap: Wrap): string[] {
  const byBugs = new Map<string, string[]>();
  for (const r of runs) {
    if (r.byBugs === undefined || r.byBugs.length === 0) continue;
    const key = r.byBugs.map((b) => `--bug ${b}`).join(' ');
    byBugs.set(key, [...(byBugs.get(key) ?? []), r.name]);
  }
  return [...byBugs].flatMap(([bugs, names]) =>
    wrap('  expected ', `under ${bugs}, which the workload exposes: ${names.join(', ')}`, 4),
  );
}

/**
 * A variant Ctrl-C stopped on threads, as the run's own (summary-checks.ts pastStopNote): its
 * figures in the table also count what workers further on had handled past the tick it is reported
 * to (QA: a variant stopped at 6.76 us counted twice the DMAs a run to that tick completes, and
 * only the own run's stop was said).
 */
function variantsPastStop(
  result: RunResult,
  variants: NonNullable<RunResult['variants']>,
  wrap: Wrap,
): string[] {
  if (result.host !== 'threaded') return [];
  return variants
    .filter((v) => v.status === 'interrupted')
    .flatMap((v) =>
      wrap(
        '  note: ',
        `variant ${v.name} was interrupted on threads: its figures also count what workers further on had handled past the tick it is reported to${v.simulatedTicks === undefined ? '' : ` (${formatTime(v.simulatedTicks)})`}`,
        '  note: '.length,
      ),
    );
}

/**
 * A run's label as the name that heads its column and the description under the table: a label
 * `NAME: DESCRIPTION` (firmware-update's `fixed: the model's BAR0 filter, in no release`) split at
 * its first colon when `split`, else whole, as is a label with no colon (`per-gpu-isolated`).
 */
function labelParts(label: string, split: boolean): { name: string; description?: string } {
  const at = label.indexOf(': ');
  if (!split || at <= 0) return { name: label };
  return { name: label.slice(0, at), description: label.slice(at + 2) };
}

/**
 * What the answer rests on (model/scenario/premises.ts), under the answer, a premise a line: a
 * clean isolation verdict is only as good as these, and the run cannot test them (QA). Under a run
 * that found something, they bound only what it did not find, and the heading says so.
 */
function restsOn(result: RunResult, whose: string, wrap: Wrap): string[] {
  const premises = result.premises ?? [];
  if (premises.length === 0) return [];
  // A lettered premise's continuation under its text, past its `(a) `.
  const voided = voidedByFirmware(result);
  // A finding needs none of them (a peer access seen is one made); what they bound is the claim
  // that nothing more was there (QA: a violation verdict listed them as if it rested on them).
  const head =
    violationTotal(result) + livenessTotal(result) > 0 ? 'what it did not find rests on' : 'rests on';
  return [
    `${head}${whose}:`,
    ...premises.flatMap((p) => wrap('  ', p.text, /^\([a-z]\) /.test(p.text) ? 6 : 4)),
    ...(voided === undefined ? [] : wrap('  ', voided, 4)),
  ];
}

/** Where a guest updated its GPU's firmware, the line saying what that voids (firmware-void.ts). */
function voidedByFirmware(result: RunResult): string | undefined {
  const v = firmwareVoid(result);
  if (v === undefined) return undefined;
  const lettered = (result.premises ?? [])
    .filter((p) => v.premises.includes(p.name))
    .map((p) => p.text.slice(0, 3));
  const which = v.gpus.length === 0 ? '' : `: ${v.gpus.join(', ')}${v.allKept ? '' : ' among those kept'}`;
  return `but not for the GPUs whose firmware a guest updated (${countText(v.findings, 'isolation.firmware finding')}${which}): ${lettered.join(' and ')} ${lettered.length === 1 ? 'is' : 'are'} void there, and what the new firmware does the model does not follow`;
}

/**
 * The verdict of a run without a table of variants on what it was declared to find, a line, or
 * none when it was judged by nothing: a variant run alone, a run the options made a variant (its
 * summary says so even when it crashed or stalled), a workload's own run declared to find rules.
 * A workload's own run whose variants never ran (Ctrl-C before the first) has its own verdict:
 * named by its label, not as a variant.
 */
export function expectedLines(result: RunResult, style: Style, columns?: number): string[] {
  const own = result.expectation;
  if (own === undefined) return [];
  return wrapper(columns)(
    'expected (',
    `${ownName(result)}): ${expectedCell(own.expect, own.met, result.status, style)}${missedBy(own, result.status)}`,
    'expected ('.length,
  );
}

/**
 * Beside `NOT as expected`, the rules found that were not declared (headline.ts): the table of
 * variants leaves it out, its verdict column already naming every rule each run found.
 */
function missedBy(verdict: ExpectationVerdict, status: RunResult['status']): string {
  if (verdict.met || status === 'interrupted') return '';
  const others = unexpectedRulesText(verdict);
  return others === '' ? '' : ` (${others})`;
}

/** Whose expectation a run without a table of variants was judged by. */
function ownName(result: RunResult): string {
  // A switch the workload does not expose is said either way: the same run made with
  // `--variant NAME --bug X` said it, and made with the variant's own `--bug` too did not (QA).
  const not = unexposedTextOf(result);
  if (result.sameAsVariant !== undefined) {
    const same = `variant ${result.sameAsVariant.name}, this run: ${result.sameAsVariant.by}`;
    return not === undefined ? same : `${same}, ${not}`;
  }
  const name =
    result.config.variant === undefined
      ? (result.label ?? 'as declared')
      : `variant ${result.config.variant}`;
  // What the workload declares its --bug switch shows, which the run is expected to find.
  const bugs = result.expectation?.byBugs;
  const exposed = bugs === undefined ? name : `${name}, exposes ${bugs.map((b) => `--bug ${b}`).join(' ')}`;
  return not === undefined ? exposed : `${exposed}, ${not}`;
}

/**
 * The --bug switches of the run that its workload does not expose, said beside its expectation:
 * that expectation was declared for runs without them, so a run they make fail reads `NOT as
 * expected` for a switch nothing declared (QA: it read as a fault of the model).
 */
function unexposedTextOf(result: RunResult): string | undefined {
  const text = unexposedText(result.expectation?.notExposed, result.workload);
  return text === '' ? undefined : text;
}

/**
 * What a run was declared to find, and whether it did. Ctrl-C stopped an interrupted run before its
 * end, so what it found so far neither meets nor misses its expectation: it is not judged.
 */
function expectedCell(
  expect: Parameters<typeof expectationText>[0],
  met: boolean,
  status: RunResult['status'],
  style: Style,
): string {
  if (status === 'interrupted')
    return `${expectationText(expect)}: ${style('yellow', 'not judged (interrupted)')}`;
  return `${expectationText(expect)}: ${met ? style('green', 'as expected') : style('red', 'NOT as expected')}`;
}
