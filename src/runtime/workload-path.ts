/**
 * Which `npusim run` argument names a workload file rather than a built-in workload: a module of
 * its own, importing only node:fs, so the commands that do not simulate (run-cli.ts's input check)
 * can ask without loading the workload loader and, through it, the model.
 */
import { existsSync } from 'node:fs';

/** Extensions read as a TypeScript or JavaScript workload file. */
export const TS_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts'];
export const JS_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs'];

/**
 * Is this `npusim run` argument (not a built-in workload's name: the caller asks that first) a
 * file rather than a workload name? One with a slash is, one ending in a workload file's extension
 * in any case (`WL.JSON`: QA found it taken for a name), and one that names an existing file.
 */
export function isWorkloadPath(arg: string): boolean {
  const lower = arg.toLowerCase();
  return (
    arg.includes('/') ||
    arg.includes('\\') ||
    [...TS_EXTENSIONS, ...JS_EXTENSIONS, '.json'].some((ext) => lower.endsWith(ext)) ||
    existsSync(arg)
  );
}
