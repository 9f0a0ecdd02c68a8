/**
 * The end of every `npusim run`, whatever happened: the result printed on stdout (JSON with
 * --json, else the summary), then the result files written (--out, and the --trace and --report
 * files handed in). A file that cannot be written is said on stderr; the exit code is then 2
 * unless the run found something (core/exit-codes.ts: the finding's code wins).
 */
import { EXIT } from '../core/exit-codes.js';
import type { RunResult } from '../report/run-result.js';
import { colorEnabled, formatSummary } from '../report/summary.js';
import type { RunArgs } from './cli-args.js';
import type { CliIo } from './cli-io.js';
import { writeOutputs } from './output-path.js';

/** A file the run writes besides --out: the option that asked for it, its path, its content. */
export interface OutputText {
  option: string;
  path: string;
  text: string | Uint8Array;
  /** Said on stderr once the file is written (after `npusim: `); none for most files. */
  written?: string;
}

/** Print the result, write its files; returns the exit code. */
export function emitResult(
  result: RunResult,
  args: RunArgs,
  io: CliIo,
  extra: readonly OutputText[] = [],
): number {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (args.json) io.stdout.write(json);
  else io.stdout.write(formatSummary(result, { color: colorEnabled(io.stdout, io.env) }));
  const files = [
    ...(args.out === undefined ? [] : [{ option: '--out', path: args.out, text: json }]),
    ...extra,
  ];
  const failed = writeOutputs(files, io.stderr);
  if (failed.length > 0 && result.exitCode === EXIT.clean) {
    io.stderr.write(
      `npusim: exit ${EXIT.usage}: the run was clean, but ${failed.join(', ')} could not be written\n`,
    );
    return EXIT.usage;
  }
  return result.exitCode;
}
