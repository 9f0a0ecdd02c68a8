/**
 * The workload files whose import has begun and not yet settled. A module whose top-level `await`
 * waits on something that never comes leaves its import pending for ever, and once nothing else is
 * left to do Node ends the process with exit 0 and no word. So when the process is about to end
 * (`beforeExit`: nothing left to run) with an import still pending, that import is refused, a
 * ConfigError naming the file, which the caller's code then meets: a library program's `catch`, or
 * the command's own refusal (exit 2). The command's entry (cli/main.ts) reads this too, to name a
 * file whose import no refusal reached. Its own module, with no imports but Node's and the error
 * classes, so that the entry can read it without loading the workload reader (and with it the
 * schema library) for `--help`.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';

const importing = new Map<string, number>();

/** What an import that can never finish is refused with. */
export const NEVER_LOADS =
  'Expected a workload module that finishes loading, got one that never does: ' +
  'its top-level `await` waits on a promise that nothing is left to settle (nothing ran)';

/** Imports refused at `beforeExit` since the entry last asked (refusedAtExit). */
let refusedSinceAsked = 0;

/** Run `load` (the import of workload `file`), counting the file as importing until it settles. */
export async function whileImporting<T>(file: string, load: () => Promise<T>): Promise<T> {
  importing.set(file, (importing.get(file) ?? 0) + 1);
  try {
    return await load();
  } finally {
    const left = importing.get(file)! - 1;
    if (left === 0) importing.delete(file);
    else importing.set(file, left);
  }
}

/**
 * A refusal of the import of `file` made when the process would otherwise end with it pending
 * (QA: a library program's `await loadWorkloadFile(f)` ended the process with exit 0 and no word,
 * its `catch` never run), for the load guard to race its import against; `stop` once it settled.
 */
export function refusalAtExit(file: string): { refused: Promise<never>; stop: () => void } {
  let onExit = (): void => {};
  const refused = new Promise<never>((_, reject) => {
    onExit = () => {
      refusedSinceAsked += 1;
      reject(new ConfigError(file, NEVER_LOADS));
    };
  });
  // First among the listeners: the command's entry (cli/main.ts) then knows a refusal is on its way.
  process.prependOnceListener('beforeExit', onExit);
  return { refused, stop: () => process.removeListener('beforeExit', onExit) };
}

/**
 * Whether an import was refused at `beforeExit` since the last call: its refusal is on its way to
 * the code that awaited it, so the process goes on.
 */
export function refusedAtExit(): boolean {
  const any = refusedSinceAsked > 0;
  refusedSinceAsked = 0;
  return any;
}

/** The workload files being imported now (paths as the user gave them). */
export function workloadFilesImporting(): string[] {
  return [...importing.keys()];
}

/**
 * The workload module files imported in this process, by absolute path, with the path as the user
 * gave it: an error thrown from one of their timers after the load, where nothing catches it, is
 * named as that file's (cli/main.ts), not as npusim's failure.
 */
const modules = new Map<string, string>();

/** Note that workload module `file` (as the user gave it), at absolute path `abs`, is imported. */
export function noteWorkloadModule(file: string, abs: string): void {
  modules.set(abs, file);
}

/**
 * The workload module whose code is the innermost of `error`'s stack frames in any such module,
 * as the user named it, with `FILE:LINE:COLUMN` when the frame gives them; undefined when no frame
 * is in one (npusim's own error). A .ts file tsx compiled to CommonJS runs from a `data:` URL that
 * names it after `?filePath=`: the file is named then, without a place.
 */
export function workloadModuleOf(error: unknown): { file: string; at: string } | undefined {
  if (modules.size === 0 || !(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  for (const line of error.stack.split('\n')) {
    const compiled = /\?filePath=([^:?]*)/.exec(line);
    if (compiled !== null && line.includes('data:text/javascript,')) {
      let path: string;
      try {
        path = decodeURIComponent(compiled[1]!);
      } catch {
        continue;
      }
      const file = modules.get(path);
      if (file !== undefined) return { file, at: file };
      continue;
    }
    const f = stackFrame(line);
    if (f === undefined) continue;
    const file = modules.get(f.path);
    if (file !== undefined) return { file, at: `${file}:${f.line}:${f.column}` };
  }
  return undefined;
}

/**
 * One line of a V8 stack (`    at fn (PATH:LINE:COL)` or `    at PATH:LINE:COL`): its file as a
 * path (a `file://` URL converted, a query such as tsx's `?v=` dropped), line and column;
 * undefined for a line that is no such frame. Both readers of a workload's stack use it.
 */
export function stackFrame(line: string): { path: string; line: string; column: string } | undefined {
  const m = /^\s+at (?:.*\()?(.+?)(?:\?[^:()]*)?:(\d+):(\d+)\)?$/.exec(line);
  if (m === null) return undefined;
  let path = m[1]!;
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return undefined;
    }
  }
  return { path, line: m[2]!, column: m[3]! };
}
