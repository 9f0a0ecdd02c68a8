/**
 * Which `npusim run` argument names a workload file rather than a built-in workload: a module of
 * its own, with no imports, so the commands that do not simulate (run-cli.ts's input check) can
 * ask without loading the workload loader and, through it, the model.
 */

/** Extensions read as a TypeScript or JavaScript workload file. */
export const TS_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts'];
export const JS_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs'];

/** Is this `npusim run` argument a file rather than a workload name? Any argument with a slash is. */
export function isWorkloadPath(arg: string): boolean {
  return (
    arg.includes('/') ||
    arg.includes('\\') ||
    [...TS_EXTENSIONS, ...JS_EXTENSIONS, '.json'].some((ext) => arg.endsWith(ext))
  );
}
