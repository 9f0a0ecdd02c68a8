/**
 * A step of `npm run build`: make each `bin` of package.json executable (`dist/src/cli/main.js`).
 * tsc writes a new file without the execute bit, and npm sets it only where it links the bin:
 * `npx npusim` in a checkout whose npx cache was made before the build (its link, made with no
 * file to mark, is kept) failed with `sh: 1: npusim: Permission denied` (QA). Read and write bits
 * are kept; each reader gets execute.
 */
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bins of the package at `root` made executable; their paths, relative to it. */
export function makeBinsExecutable(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  for (const bin of bins) {
    const file = join(root, bin);
    const mode = statSync(file).mode & 0o777;
    // Execute for each of user, group and other that may read it.
    chmodSync(file, mode | ((mode & 0o444) >> 2));
  }
  return bins;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  makeBinsExecutable(fileURLToPath(new URL('..', import.meta.url)));
}
