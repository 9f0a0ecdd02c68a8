/**
 * How a sweep's summary leaves the command, whether its seeds ran here (sweep-command.ts) or its
 * shards' summaries were joined (sweep-merge.ts): the text or `--json` on stdout, the verdict lines
 * on stderr under --json, the `--report` page, and the exit code. Kept apart so that a merge ends
 * exactly as a sweep of the same seeds would.
 */

import { EXIT, worseExit } from '../core/exit-codes.js';
import type { SweepSummary } from '../sweep/summary.js';
import { gapsText } from '../sweep/summary-merge.js';
import { buildSweepHtml } from '../sweep/sweep-html.js';
import type { SweepArgs } from './cli-args.js';
import type { CliIo } from './cli-io.js';
import { writeOutputs, writtenLine } from './output-path.js';
import { type SweepEnding, sweepExitCode, verdictLines } from './sweep-summary-text.js';

/**
 * The summary printed (`text`, summaryText's, or its JSON under --json with the verdict lines on
 * stderr) and its `--report` page written: the command's exit code. Under --json the verdict lines
 * wait for the JSON's write: one that failed (`> /dev/full`) makes the exit 2 for a clean sweep
 * (main.ts), and the exit line, said after it, says so (QA: it said `exit 0` above the ENOSPC).
 */
export async function printSummary(
  summary: SweepSummary,
  ending: SweepEnding,
  text: string,
  args: SweepArgs,
  io: CliIo,
): Promise<number> {
  if (!args.json) {
    io.stdout.write(text);
    return withReport(summary, ending, text, args, io);
  }
  const lost = await writeFailure(io.stdout, summaryJson(summary, ending));
  const ended: SweepEnding = lost === undefined ? ending : { ...ending, stdoutLost: lost };
  io.stderr.write(`${verdictLines(summary, ended).join('\n')}\n`);
  return withReport(summary, ended, text, args, io);
}

/**
 * Why `text` could not be written to `stream` (`ENOSPC`), once its write has gone out; undefined
 * when it was written, or when its reader went away (EPIPE, a hung-up terminal's EIO, a stream
 * already destroyed by them), which main.ts lets pass, the command ending with its own code.
 */
function writeFailure(stream: CliIo['stdout'], text: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    stream.write(text, (e?: Error | null) => {
      const code = (e as NodeJS.ErrnoException | null | undefined)?.code;
      const passes =
        code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || (code === 'EIO' && stream.isTTY === true);
      resolve(e == null || passes ? undefined : (code ?? e.message));
    });
  });
}

/**
 * The sweep's exit code, after `--report FILE` is written: the summary's page, its text as the
 * command printed it (or would have, under --json). A page that cannot be written is said, and a
 * sweep that found nothing then exits 2, as a summary file that could not be written does.
 */
function withReport(
  summary: SweepSummary,
  ending: SweepEnding,
  text: string,
  args: SweepArgs,
  io: CliIo,
): number {
  const code = sweepExitCode(summary, ending);
  if (args.report === undefined) return code;
  const failed = writeOutputs(
    [
      {
        option: '--report',
        path: args.report,
        text: buildSweepHtml({
          summary,
          text,
          exitCode: code,
          state: ending.interrupted ? 'interrupted' : ending.gaps !== undefined ? 'incomplete' : 'complete',
          ...(ending.written === undefined ? {} : { summaryFile: ending.written }),
        }),
        written: writtenLine('--report', args.report),
      },
    ],
    io.stderr,
  );
  if (failed.length === 0) return code;
  if (code === EXIT.clean)
    io.stderr.write(`npusim: exit ${EXIT.usage}: the sweep was clean, but --report could not be written\n`);
  return worseExit(code, EXIT.usage);
}

/**
 * `--json`: the summary, with the command's exit code beside `worstExitCode` (the worst class
 * found): they differ after Ctrl-C (130) and for an incomplete merge (2 when nothing was found),
 * and a script reading the JSON should not have to work that out.
 */
function summaryJson(s: SweepSummary, ending: SweepEnding): string {
  const extra = {
    exitCode: sweepExitCode(s, ending),
    ...(ending.interrupted ? { interrupted: true } : {}),
    ...(ending.gaps === undefined ? {} : { incomplete: gapsText(ending.gaps) }),
    ...(ending.unwritten === undefined ? {} : { summaryNotWritten: ending.unwritten }),
    // A script resuming into the stopped sweep's directory learns where its summary went.
    ...(ending.keptStopped === undefined ? {} : { stoppedSummaryKept: ending.keptStopped }),
    // Where its summary went, for a later `sweep --merge` or upload (QA: only the text named it),
    // null where none was written (`summaryNotWritten` says why when it failed).
    summaryFile: ending.written ?? null,
    // Its summary under another name than the shard's own, which holds another sweep's shard.
    ...(ending.besideShard === undefined || ending.written === undefined
      ? {}
      : { otherShardSummaryKept: ending.besideShard.path }),
    ...(ending.results === undefined
      ? {}
      : { results: { ...ending.results, missing: [...ending.results.missing].sort((a, b) => a - b) } }),
  };
  return `${JSON.stringify({ ...s, ...extra }, null, 2)}\n`;
}
