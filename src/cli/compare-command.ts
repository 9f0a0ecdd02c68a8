/**
 * `npusim compare A.json B.json`: read two run results (written by `npusim run --out FILE` or
 * `--json`), refuse anything else with exit 2 naming the file and the field, and print the
 * comparison (src/report/compare-results.ts says how noise is judged), or with --json the rows.
 * A comparison is a report, not a verdict on a run: it exits 0 whatever changed.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { compareResults } from '../report/compare-results.js';
import { formatComparison } from '../report/format-comparison.js';
import { parseRunResult } from '../report/parse-run-result.js';
import type { RunResult } from '../report/run-result.js';
import type { CompareArgs } from './cli-args.js';
import type { CliIo } from './cli-io.js';

/** A result file is a few hundred kilobytes; anything far larger is not one. */
const MAX_RESULT_FILE_BYTES = 64 * 1024 * 1024;

export async function compareCommand(args: CompareArgs, io: CliIo): Promise<number> {
  const a = readResult(args.a);
  const b = readResult(args.b);
  const c = compareResults(args.a, a, args.b, b);
  io.stdout.write(args.json ? `${JSON.stringify(c, null, 2)}\n` : formatComparison(c));
  return EXIT.clean;
}

function readResult(file: string): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new ConfigError(file, `Expected a run result file to read, got ${why} (${code})`);
  }
  if (text.length > MAX_RESULT_FILE_BYTES) {
    throw new ConfigError(file, `Expected a run result (a few hundred KB), got ${text.length} bytes`);
  }
  return parseRunResult(text, file);
}
