/**
 * The terminal summary of a run: a compact block a person reads after `npusim run`. Sections, in
 * the order a reader asks the questions: what ran (header), what is the answer to the workload's
 * question (its headline figures, and each variant's verdict side by side), did it break anything
 * (checks; a deadlock's cycle once, however many shootdowns it holds up), what contended (per
 * socket, per link, latencies), how fast was npusim itself (engine), and how to run it again.
 *
 * Colours go through node:util styleText and only when the caller says so (`colorEnabled`: NO_COLOR
 * unset, https://no-color.org, and either FORCE_COLOR set to another value than `0` or `false`, or a
 * TTY whose TERM is not `dumb`); the text is otherwise identical, so tests read it plain.
 * styleText's own check looks at process.stdout, so it is turned off: the caller decided for its stream.
 *
 * Each section is a file: summary-answer.ts, summary-checks.ts, summary-contention.ts,
 * summary-engine.ts; summary-text.ts has the style and the aligned columns they share.
 *
 * Its prose fits TEXT_COLUMNS (core/wrap-text.ts), each continuation under the text it continues;
 * the lines a reader copies are left whole: `reproduce:` and a finding's `| tick kind {json}` history.
 */

import { hangingLines, packedFields, TEXT_COLUMNS, textWidth } from '../core/wrap-text.js';
import { BUGS, isBugName } from '../model/scenario/bugs.js';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import { formatTime } from './duration.js';
import { hostText } from './host-text.js';
import { profileText } from './profile-text.js';
import { reproduceLine } from './reproduce-line.js';
import { exitText, type RunResult } from './run-result.js';
import { strategyText } from './strategy-text.js';
import { answerSection, expectedLines } from './summary-answer.js';
import { checksSection } from './summary-checks.js';
import { contentionSection } from './summary-contention.js';
import { engineSection } from './summary-engine.js';
import { formatWall, type Style, summaryStyle } from './summary-text.js';
import { topologyText } from './topology-text.js';

export interface SummaryOptions {
  /** Colour (ANSI) or plain text; default plain, as a library caller's `formatSummary(result)`. */
  color?: boolean;
  /** Violations shown in full (the rest are counted); default 5. */
  maxViolations?: number;
  /** History lines shown per violation; default 4. */
  maxHistoryLines?: number;
  /** Links, rings and workers shown; default 8 links, 5 rings and workers. */
  maxRows?: number;
}

/** FORCE_COLOR values that turn colour off (chalk's and Node's reading), not on. */
const FORCE_COLOR_OFF = new Set(['0', 'false']);

/** Whether to colour output written to `stream`. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  // NO_COLOR is the user's standing "no colour", and wins over everything.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && FORCE_COLOR_OFF.has(force)) return false;
  // FORCE_COLOR=1 (or 2, 3, true) is how a CI job asks for colour in a log that is no TTY
  // (https://force-color.org): ignoring it left a GitHub Actions log plain (QA).
  if (force !== undefined && force !== '') return true;
  // A dumb terminal shows escape codes as text.
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function formatSummary(result: RunResult, options: SummaryOptions = { color: false }): string {
  const style = summaryStyle(options.color === true);
  const out: string[] = [];
  const p = result.config.params;

  // Header. The strategy and the profile are named when they are not the defaults: a PCT run is
  // another run, and a profile's bug switches are what its findings come from.
  const strategy = strategyText(result);
  const profile = result.config.profile ?? DEFAULT_PROFILE;
  // Its fields two spaces apart, a continuation under the workload's name (as the sweep's header).
  out.push(
    ...packedFields(
      [
        style('bold', `npusim ${result.workload}`),
        `seed ${result.seed}`,
        hostText(result),
        `${topologyText(result.config)} ${p.policy}`,
        ...(strategy === 'random' ? [] : [`strategy ${strategy}`]),
        ...(profile === DEFAULT_PROFILE ? [] : [`profile ${profileText(profile)}`]),
        ...(result.config.bugs.length > 0 ? [`bugs: ${result.config.bugs.join(', ')}`] : []),
      ],
      'npusim '.length,
    ),
  );
  // A what-if on a release (its policy is not one the release had) says so where the run is named.
  if (result.policyNotInProfile !== undefined)
    out.push(...labelled(`  ${style('yellow', 'warning:')} `, result.policyNotInProfile));
  if (result.bugsNotInProfile !== undefined)
    out.push(...labelled(`  ${style('yellow', 'warning:')} `, result.bugsNotInProfile));
  // So does each variant that is one, named (QA: `multi-tenant --profile as-shipped` warned of its
  // own run's per-gpu-isolated only, though its per-gpu variant was as much a what-if).
  for (const v of result.variants ?? [])
    if (v.policyNotInProfile !== undefined)
      out.push(
        ...labelled(`  ${style('yellow', 'warning:')} `, `variant ${v.name}: ${v.policyNotInProfile}`),
      );
  out.push(
    ...packedFields(
      [
        `  simulated ${formatTime(result.simulatedTicks)} of ${formatTime(p.durationTicks)} in ${formatWall(result.wallMs)} wall`,
        `digest ${digestText(result)}`,
        `status ${statusText(result, style)}`,
      ],
      4,
    ),
  );
  // What each --bug switch reproduces, and where its fix is: the header names it only (QA: the
  // history and the commit were in `npusim list` alone). A profile's own switches are its.
  for (const bug of result.config.bugs)
    if (isBugName(bug)) out.push(...hangingLines(`  bug ${bug}: `, BUGS[bug], 4));

  // A run that crashed or stalled has no figures: say what happened and how to run it again.
  if (result.crash !== undefined) {
    const c = result.crash;
    out.push(
      ...hangingLines(
        `  ${style('red', 'CRASH')} actor ${c.actor} at ${formatTime(c.tick)} (tick ${c.tick}): `,
        c.message,
        4,
      ),
    );
    out.push(...expectedLines(result, style, TEXT_COLUMNS));
    out.push(reproduceLine(result));
    return `${out.join('\n')}\n`;
  }
  if (result.stall !== undefined) {
    for (const v of result.liveness)
      out.push(...hangingLines(`  ${style('red', 'LIVENESS')} ${v.rule}: `, v.message, 4));
    out.push(...expectedLines(result, style, TEXT_COLUMNS));
    out.push(reproduceLine(result));
    return `${out.join('\n')}\n`;
  }

  out.push(...answerSection(result, style, TEXT_COLUMNS));
  out.push(...checksSection(result, style, options.maxViolations ?? 5, options.maxHistoryLines ?? 4));
  out.push(...contentionSection(result, options.maxRows ?? 8));
  out.push(...engineSection(result, Math.min(options.maxRows ?? 5, 5)));
  out.push(reproduceLine(result));
  return `${out.join('\n')}\n`;
}

/** `label: text` on lines of at most 100 columns, each continuation under the text. */
function labelled(head: string, text: string): string[] {
  return hangingLines(head, text, textWidth(head));
}

/** A run that crashed or stalled ended without a digest: say so rather than print nothing. */
function digestText(result: RunResult): string {
  if (result.digest !== '') return result.digest;
  return noDigestText(result.status === 'crash' ? 'crash' : 'stall');
}

/** What stands for the digest of a run that ended without one (the summary's and replay's words). */
export function noDigestText(why: 'crash' | 'stall'): string {
  return why === 'crash' ? '(none: the run crashed)' : '(none: the engine stalled)';
}

function statusText(result: RunResult, style: Style): string {
  // With variants the command may exit otherwise than this run: the header says so at once.
  const text = `${result.status} (${exitText(result)})`;
  if (result.status === 'clean') return style('green', text);
  if (result.status === 'interrupted') return style('yellow', text);
  return style('red', text);
}
