/**
 * A run's own verdict on stderr when it was not what it was declared to find, as a variant's is
 * (it was in the summary only, which --json leaves out: QA). A run that ended (run-command.ts)
 * and one that crashed or stalled (run-failure-report.ts) label and say it alike, after the
 * summary and before the replay lines (QA: a crashed variant's verdict was in the summary and JSON
 * only, and a crashed run of the workload's own had none).
 */
import { EXIT } from '../core/exit-codes.js';
import type { Workload } from '../model/scenario/workload.js';
import { expectationText, unexpectedRulesText, unexposedText } from '../report/headline.js';
import type { ExpectationVerdict, RunResult } from '../report/run-result.js';
import type { RunArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { declaredValues } from './run-variants.js';

/**
 * `result`, the workload's own run (no variant) judged by the workload's expectation and missed,
 * labelled with the declared values its options changed: the expectation is declared for the
 * workload's own parameters, so a run the options changed (and made no variant) is still judged
 * by it, and when it misses, its name says for what (QA: a bare `NOT as expected` read as a
 * finding of the run, not of the options). A run that ended and one that crashed or stalled
 * (run-failure-report.ts) label it alike, so sayOwnUnmet says the same line for both.
 */
export function labelOwnMissFor(result: RunResult, workload: Workload, args: RunArgs): void {
  if (result.sameAsVariant !== undefined || result.config.variant !== undefined) return;
  if (result.expectation?.met !== false) return;
  const declared = declaredValues(workload, args);
  if (declared.length === 0) return;
  const label = result.label ?? workload.label ?? 'as declared';
  result.label = `${label}, ${label === 'as declared' ? '' : 'declared '}for ${declared.join(', ')}`;
}

/**
 * The line, when the run was judged and missed: which run (the variant its options made it, the
 * one run alone, or the workload's own under its label) and its status; a clean run never fails
 * the command, and says so. Nothing for a stopped run (not judged) or one that met its verdict.
 */
export function sayOwnUnmet(result: RunResult, io: CliIo): void {
  const own = result.expectation;
  if (own === undefined || own.met || result.status === 'interrupted') return;
  const which =
    result.sameAsVariant !== undefined
      ? `variant ${result.sameAsVariant.name} (this run: ${result.sameAsVariant.by})`
      : result.config.variant === undefined
        ? `the workload's own run (${result.label ?? 'as declared'})`
        : `variant ${result.config.variant}`;
  io.stderr.write(
    sayText(
      `${which}: ${result.status}, NOT as expected (${expectedText(own, result.workload)})${result.exitCode === EXIT.clean ? '; a clean run does not fail the command' : ''}`,
    ),
  );
}

/**
 * `expected A or B`, for runs without the `--bug` switches the workload does not expose (as the
 * summary says it: QA, stderr alone read as an unqualified failure), and the rules found that are
 * neither, where there are any (headline.ts).
 */
export function expectedText(verdict: ExpectationVerdict, workload: string): string {
  const others = unexpectedRulesText(verdict);
  const not = unexposedText(verdict.notExposed, workload);
  const without = not === '' ? '' : `, ${not}`;
  return `expected ${expectationText(verdict.expect)}${without}${others === '' ? '' : `; ${others}`}`;
}
