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
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { npusimPackageDir } from '../io/version.js';

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
 * gave it, the latest last: an error thrown from their code (or the code of a module of the user's
 * they import) after the load, where nothing catches it, is named as that file's (cli/main.ts),
 * not as npusim's failure.
 */
const modules = new Map<string, string>();

/**
 * A stack frame in the CommonJS code tsx compiled a .ts file (one outside an ES module package) to:
 * tsx hands it to Node as `data:text/javascript,CODE?filePath=FILE?v=...`, so the frame names that
 * URL, the code in it, and a line and column in that code, not the file. `path` is FILE without
 * its query.
 */
export interface CompiledFrame {
  path: string;
  code: string;
  line: number;
  column: number;
}

/** `LINE:COLUMN` in the .ts source of a place in the code tsx compiled it to, or undefined. */
export type CompiledPlace = (frame: CompiledFrame) => string | undefined;

/**
 * How a compiled frame is mapped back to its source: the workload reader's (workload-file.ts, which
 * compiles the file again with tsx's esbuild), given with the first module it notes, so that this
 * module, which the command's entry loads for `--help` too, needs neither.
 */
let compiledPlace: CompiledPlace | undefined;

/**
 * Note that workload module `file` (as the user gave it), at absolute path `abs`, is imported;
 * `mapCompiled` maps a frame of a .ts file tsx compiled to CommonJS back to the source.
 */
export function noteWorkloadModule(file: string, abs: string, mapCompiled?: CompiledPlace): void {
  // Node names an ES module's frames by its real path: a folder reached through a link differs.
  for (const path of new Set([abs, realPath(abs)])) {
    modules.delete(path);
    modules.set(path, file);
  }
  if (mapCompiled !== undefined) compiledPlace = mapCompiled;
}

/**
 * Where `error` was thrown in the user's code: the innermost of its stack frames in a file of the
 * user's (the workload file or a module it imports: not in a node_modules folder, not Node's own,
 * not npusim's own code), its absolute path and `LINE:COLUMN` (undefined when the frame is in code
 * tsx compiled to CommonJS and the place cannot be mapped back for sure); undefined when no frame
 * is in such a file. The frames past npusim's workload reader (workload-file.ts) are its caller's,
 * not the module's: a library program that calls loadWorkloadFile is no file of the workload's
 * (an import Node refused there was placed at the program's `await loadWorkloadFile(f)`).
 */
export function userFrame(error: unknown): { path: string; at: string | undefined } | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  for (const line of error.stack.split('\n')) {
    const compiled = compiledFrame(line);
    if (compiled !== undefined) {
      if (!isUsersFile(compiled.path)) continue;
      return { path: compiled.path, at: compiledPlace?.(compiled) };
    }
    const f = stackFrame(line);
    if (f === undefined) continue;
    if (isUsersFile(f.path)) return { path: f.path, at: `${f.line}:${f.column}` };
    if (isWorkloadReader(f.path)) return undefined;
  }
  return undefined;
}

/**
 * The name of `path`, a file of the user's, as the message about workload `file` (at `abs`) gives
 * it: `file` itself, or a module it imports named relative to it (`lib/helper.ts` beside
 * `w.ts`; `/abs/dir/lib/helper.ts` beside `/abs/dir/w.ts`), as a missing import's place is
 * (missing-import.ts).
 */
export function userFileName(path: string, file: string, abs: string): string {
  const real = realPath(abs);
  if (path === abs || path === real) return file;
  const base = !path.startsWith(dirname(abs) + sep) && path.startsWith(dirname(real) + sep) ? real : abs;
  return join(dirname(file), relative(dirname(base), path));
}

/** `path` with its links resolved, or as it is when that fails. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The workload module whose code threw `error`, as the user named it, with the place
 * (`FILE:LINE:COLUMN`, FILE that module or one of the user's it imports, as userFileName names it,
 * or FILE alone when the line cannot be found for sure); undefined when no frame of the error is in
 * a file of the user's, or no workload module was imported (npusim's own error). A module of the
 * user's that is no workload file is counted as the latest workload module's.
 */
export function workloadModuleOf(error: unknown): { file: string; at: string } | undefined {
  if (modules.size === 0) return undefined;
  const frame = userFrame(error);
  if (frame === undefined) return undefined;
  let abs = frame.path;
  let file = modules.get(abs);
  if (file === undefined) [abs, file] = [...modules].at(-1)!;
  const name = userFileName(frame.path, file, abs);
  return { file, at: frame.at === undefined ? name : `${name}:${frame.at}` };
}

/**
 * Whether `path` (absolute) is a file of the user's: a workload module imported, or a file not in a
 * node_modules folder (a package, tsx, npusim installed in the user's project) and not in npusim's
 * own code (its src, dist, workers or workloads folder, as it runs from a checkout or from the
 * suite's bundle with its source maps).
 */
function isUsersFile(path: string): boolean {
  if (modules.has(path)) return true;
  if (!isAbsolute(path) || path.split(sep).includes('node_modules')) return false;
  return !npusimCodeDirs().some((dir) => path.startsWith(dir));
}

/** Whether `path` is npusim's workload reader, built or its source (a stack mapped to it). */
function isWorkloadReader(path: string): boolean {
  return (
    /[\\/]runtime[\\/]workload-file\.(?:js|ts)$/.test(path) &&
    npusimCodeDirs().some((dir) => path.startsWith(dir))
  );
}

let codeDirs: string[] | undefined;
function npusimCodeDirs(): string[] {
  if (codeDirs === undefined) {
    const pkg = npusimPackageDir();
    codeDirs =
      pkg === undefined ? [] : ['src', 'dist', 'workers', 'workloads'].map((d) => join(pkg, d) + sep);
  }
  return codeDirs;
}

/** The frame of `line` in CommonJS code tsx compiled a .ts file to (CompiledFrame), or undefined. */
export function compiledFrame(line: string): CompiledFrame | undefined {
  const prefix = 'data:text/javascript,';
  const start = line.indexOf(prefix);
  const query = line.lastIndexOf('?filePath=');
  if (start < 0 || query < start) return undefined;
  // encodeURIComponent leaves no `?` or `:` in CODE or FILE, so both are found by those.
  const m = /^\?filePath=([^:]*):(\d+):(\d+)\)?$/.exec(line.slice(query));
  if (m === null) return undefined;
  try {
    return {
      path: decodeURIComponent(m[1]!).split('?')[0]!,
      code: decodeURIComponent(line.slice(start + prefix.length, query)),
      line: Number(m[2]),
      column: Number(m[3]),
    };
  } catch {
    return undefined;
  }
}

/**
 * One line of a V8 stack (`    at fn (PATH:LINE:COL)`, `    at PATH:LINE:COL`, `    at async
 * PATH:LINE:COL`): its file as a path (a `file://` URL converted, a query such as tsx's `?v=`
 * dropped), line and column; undefined for a line that is no such frame.
 */
export function stackFrame(line: string): { path: string; line: string; column: string } | undefined {
  const m = /^\s+at (?:async )?(?:.*\()?(.+?)(?:\?[^:()]*)?:(\d+):(\d+)\)?$/.exec(line);
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
