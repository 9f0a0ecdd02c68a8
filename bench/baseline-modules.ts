/**
 * An older build's modules, as the benches with `--baseline DIR` load them (engine, startup, sweep):
 * checked before anything is measured, so a wrong path, a module that does not load (a syntax
 * error, a missing import) or one that lacks what the bench calls is a usage error (exit 2) naming
 * the baseline, the module and what was missing, not a stack trace part way through a bench.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './bench-run.js';

/** What a bench needs of a baseline: the build it holds, and each module's file and exports. */
export interface BaselineSpec {
  /** What DIR must hold, e.g. `an older build` or `a build with sweeps`. */
  holding: string;
  /** How such a build is made, e.g. `npm run build`. */
  buildWith: string;
  /** Module file (relative to DIR) -> the names it must export as functions (classes included). */
  modules: Readonly<Record<string, readonly string[]>>;
}

/** The first line of an error's message, with its name: what a refusal shows of a failed load. */
function errorLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]!;
}

/** `dir` resolved as a file URL ending in `/`, or a UsageError for an empty `--baseline`. */
export function baselineUrl(dir: string): URL {
  if (dir.trim() === '')
    throw new UsageError('Expected `--baseline` to name a directory, got an empty string');
  return pathToFileURL(`${resolve(dir)}/`);
}

/**
 * The exports `spec` names, from the baseline `dir`'s modules, by export name; a UsageError when
 * DIR is empty, a module file is absent, a module fails to load, or an export is not a function.
 */
export async function loadBaselineModules(dir: string, spec: BaselineSpec): Promise<Record<string, unknown>> {
  const root = baselineUrl(dir);
  const files = Object.keys(spec.modules);
  for (const file of files) {
    if (!existsSync(new URL(file, root))) {
      throw new UsageError(
        `Expected \`--baseline\` to name a directory holding ${spec.holding} (${file}; build it with \`${spec.buildWith}\`), got \`${dir}\` without it`,
      );
    }
  }
  const loaded: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const file of files) {
    let module: Record<string, unknown>;
    try {
      module = (await import(new URL(file, root).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(
        `Expected the baseline ${dir}'s ${file} to load (${spec.holding}; build it with \`${spec.buildWith}\`), got ${errorLine(error)}`,
      );
    }
    for (const name of spec.modules[file]!) {
      if (typeof module[name] === 'function') loaded[name] = module[name];
      else missing.push(`${name} (${file})`);
    }
  }
  if (missing.length > 0) {
    const wanted = Object.values(spec.modules).flat();
    throw new UsageError(
      `Expected the baseline ${dir} to export ${wanted.join(', ')}, got none for ${missing.join(', ')}`,
    );
  }
  return loaded;
}

/**
 * A call into the baseline that must work before anything is measured (e.g. loading its
 * workloads): its error is a UsageError naming the baseline and what was called.
 */
export async function baselineCall<T>(dir: string, what: string, call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Expected the baseline ${dir}'s ${what} to work, got ${errorLine(error)}`);
  }
}
