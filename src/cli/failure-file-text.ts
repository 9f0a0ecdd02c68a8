/**
 * The text of a failure file named on the command line (`npusim replay FILE`, `npusim shrink FILE`):
 * read whole, or refused with a ConfigError naming the file and the reason (exit 2). What the text
 * must hold is src/repro/failure-file.ts's to check.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';

export function readFailureFileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      path,
      `Expected a readable failure file, got ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
}
