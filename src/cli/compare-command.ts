/**
 * `npusim compare A.json B.json`: read two run results (written by `npusim run --out FILE` or
 * `--json`), refuse anything else with exit 2 naming the file and the field, and print the
 * comparison (src/report/compare-results.ts says how noise is judged), or with --json the rows.
 * `npusim compare A/ B/`: two sets of runs, every `*.json` of each directory a run result of one
 * configuration with its own seed (src/report/compare-sets.ts: the noise measured over the seeds).
 * A comparison is a report, not a verdict on a run: it exits 0 whatever changed. `--report FILE`
 * also writes it as an HTML page (src/report/compare-html.ts); a page that cannot be written is
 * said, and exits 2.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { codeText } from '../core/shown-text.js';
import { readUserFile } from '../io/bounded-file.js';
import { notUtf8Text, utf8Text } from '../io/utf8-text.js';
import { utf16JsonText } from '../io/utf16-text.js';
import { buildCompareHtml } from '../report/compare-html.js';
import { compareResults } from '../report/compare-results.js';
import { compareSets, type RunFile } from '../report/compare-sets.js';
import { formatComparison } from '../report/format-comparison.js';
import { parseRunResult } from '../report/parse-run-result.js';
import type { RunResult } from '../report/run-result.js';
import { byteText, firstBinaryByte } from './binary-bytes.js';
import type { CompareArgs } from './cli-args.js';
import type { CliIo } from './cli-io.js';
import { isDirectory, isJsonInside, linkedPathText, writeOutputs, writtenLine } from './output-path.js';

/** A result file is a few hundred kilobytes; anything far larger is not one. */
const MAX_RESULT_FILE_BYTES = 64 * 1024 * 1024;

export async function compareCommand(args: CompareArgs, io: CliIo): Promise<number> {
  if (args.report !== undefined) checkReportOutsideSets(args.report, [args.a, args.b]);
  checkSameKind(args.a, args.b);
  const a = readSide(args.a);
  const b = readSide(args.b);
  const c =
    a.length === 1 && b.length === 1 && !isDirectory(args.a) && !isDirectory(args.b)
      ? { ...compareResults(args.a, a[0]!.result, args.b, b[0]!.result), ...sameFiles(a, b) }
      : { ...compareSets(a, b, { a: args.a, b: args.b }), ...sameFiles(a, b) };
  io.stdout.write(args.json ? `${JSON.stringify(c, null, 2)}\n` : formatComparison(c));
  if (args.report === undefined) return EXIT.clean;
  const failed = writeOutputs(
    [
      {
        option: '--report',
        path: args.report,
        text: buildCompareHtml(c),
        written: writtenLine('--report', args.report),
      },
    ],
    io.stderr,
  );
  if (failed.length === 0) return EXIT.clean;
  io.stderr.write(`npusim: exit ${EXIT.usage}: compared, but --report could not be written\n`);
  return EXIT.usage;
}

/**
 * Two files (two runs) or two directories (two sets of runs): a file beside a directory is a set
 * of one, never enough to judge by (QA: it was refused as "at least 2 run results in each set",
 * or by a file of the directory that was no result, before saying what was wrong).
 */
function checkSameKind(a: string, b: string): void {
  const dirA = isDirectory(a);
  if (dirA === isDirectory(b)) return;
  // A path that is not there is no file: readSide says so (ENOENT) (QA: "the file `nope`").
  if (!existsSync(dirA ? b : a)) return;
  const [file, dir] = dirA ? [b, a] : [a, b];
  throw new ConfigError(
    file,
    `Expected two run results, or two directories of them (two sets of runs, each of at least 2), got the file ${codeText(file)} beside the directory ${codeText(dir)}`,
  );
}

/**
 * Two runs or two sets read from the very same files (one file or directory named twice, `RA` and
 * `./RA/`, or a link to it): compared all the same, but said, since every change is then zero and
 * says nothing of the runs (QA: `compare RA RA` printed `0 of 136 judged` and no more; `compare
 * X.json X.json` said only that the two runs were the same events). A note rather than a refusal:
 * a script that compares a candidate with its baseline may find both the same, and a comparison
 * exits 0 whatever it shows. A path with no real path of its own (a pipe's `/dev/fd/63`, read
 * once) is never the same file as another.
 */
function sameFiles(a: readonly RunFile[], b: readonly RunFile[]): { sameFiles?: true } {
  const real = (file: string) => {
    try {
      return realpathSync(file);
    } catch {
      return `unresolved:${file}`;
    }
  };
  const paths = (runs: readonly RunFile[]) => runs.map((r) => real(r.file)).sort();
  const pa = paths(a);
  const pb = paths(b);
  return pa.length === pb.length && pa.every((p, i) => p === pb[i]) ? { sameFiles: true } : {};
}

/**
 * Every `*.json` of a directory given is a run result of its set: a `--report` there would replace
 * one, or be read as one by the next comparison (QA). Refused before any file is read.
 */
function checkReportOutsideSets(report: string, sides: readonly string[]): void {
  for (const side of sides) {
    if (isDirectory(side) && isJsonInside(report, side)) {
      throw new ConfigError(
        '--report',
        `Expected a file that is no \`*.json\` of ${side} (compare reads each as a run result of that set), got ${linkedPathText(report)}`,
      );
    }
  }
}

/** A run result file, or every `*.json` of a directory (in name order): a set of runs. */
function readSide(path: string): RunFile[] {
  if (!isDirectory(path)) return [{ file: path, result: readResult(path) }];
  let names: string[];
  try {
    names = readdirSync(path)
      .filter((n) => /\.json$/i.test(n))
      .sort();
  } catch (e) {
    throw new ConfigError(path, `Expected a directory of run results, got ${errnoText(e)}`);
  }
  if (names.length === 0) {
    throw new ConfigError(
      path,
      'Expected a directory of run results (`*.json`, one run of each seed), got none in it',
    );
  }
  // In seed order, as the header lists them (file names sort `s10` before `s2`).
  return names
    .map((n) => {
      const file = join(path, n);
      return { file, result: readResult(file) };
    })
    .sort((x, y) => x.result.seed - y.result.seed);
}

function readResult(file: string): RunResult {
  const expected = 'Expected a run result file (npusim run --out FILE)';
  // A directory or a huge file says so plainly, without reading it; a pipe (`<(npusim run ...
  // --json)`) or a device has no size and is read as it comes, bounded (bounded-file.ts).
  const bytes = readUserFile(file, MAX_RESULT_FILE_BYTES, {
    field: file,
    tooLarge: (got) =>
      `${expected} (a few hundred KB), got ${got === 'more than that' ? `more than ${MAX_RESULT_FILE_BYTES} bytes` : `a file of ${got}`}`,
    // A path that is not there may have been meant as either kind compare takes (QA: `compare
    // NOSUCHDIR A` named a file only).
    unreadable: (got) =>
      got.startsWith('no such file')
        ? `Expected a run result file (npusim run --out FILE) or a directory of them (npusim sweep --results DIR), got ${got}`
        : `${expected}, got ${got}`,
  });
  // Said before the binary check, which its zero bytes would fail (io/utf16-text.ts).
  const utf16 = utf16JsonText(bytes);
  if (utf16 !== undefined) throw new ConfigError(file, `${expected}, got ${utf16}`);
  // JSON is text: a binary file (a --trace file, a gzip) is said to be one, and never quoted, so
  // the message carries none of its bytes to the terminal.
  const control = firstBinaryByte(bytes);
  if (control >= 0) {
    throw new ConfigError(
      file,
      `${expected}, got a binary file (byte ${byteText(bytes[control]!)} at offset ${control}, a control character JSON never holds)`,
    );
  }
  const decoded = utf8Text(bytes);
  if (!('text' in decoded)) throw new ConfigError(file, `${expected}, got ${notUtf8Text(file, decoded)}`);
  return parseRunResult(decoded.text, file);
}
