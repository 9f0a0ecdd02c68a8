/**
 * A user's own workload file (`npusim run ./my-workload.ts`): TypeScript (through tsx's
 * `tsImport`, so no build step), JavaScript (a plain dynamic import), or JSON (parsed here). The
 * module's default export is what `defineWorkload` returns (or the same definition as a plain
 * object; a JSON file is that object); either way it is validated again here with the schema of
 * model/scenario/workload.ts, so every error names the file and the field
 * (`my-workload.ts: params.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0`).
 *
 * Only the main thread loads the file: a run's parameters travel in its RunConfig to every worker,
 * so a threaded run's workers never import the user's code.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire, SourceMap, type SourceMapPayload } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { placedInJsonFile } from '../core/json-place.js';
import { otherNpusimFile } from '../core/npusim-files.js';
import { parseJsonFile } from '../core/parse-json.js';
import { gotText } from '../core/shown-text.js';
import { notUtf8Text, utf8Text } from '../io/utf8-text.js';
import { utf16JsonText } from '../io/utf16-text.js';
import { npusimPackageDir } from '../io/version.js';
import { validateWorkload, type Workload } from '../model/scenario/workload.js';
import { missingImportPlace } from './missing-import.js';
import { keepTsxCacheInMemoryIfUnwritable } from './tsx-cache.js';
import { tsxEsmApiUrl } from './worker-url.js';
import {
  type CompiledFrame,
  noteWorkloadModule,
  userFileName,
  userFrame,
  whileImporting,
} from './workload-imports.js';
import {
  guardedLoad,
  loadNoteSeconds,
  loadNoteText,
  loadTimeoutRefusal,
  loadTimeoutSeconds,
} from './workload-load-guard.js';
import { type LoadWatchdog, startLoadWatchdog } from './workload-load-watchdog.js';
import { isWorkloadPath, JS_EXTENSIONS, TS_EXTENSIONS } from './workload-path.js';
import { loadWorkloads } from './workload-registry.js';

/** Largest JSON workload read: a workload is a few KiB; anything bigger is refused unread. */
export const MAX_WORKLOAD_FILE_BYTES = 1 << 20;

export { isWorkloadPath };

/**
 * The file each workload loadWorkloadFile returned was read from, so runWorkload's reproduce line
 * names the file (`npusim run my-workload` finds no such workload). Kept beside the workload, not
 * in it: a copy or an edit of it is another object, no longer the file's, and gets the name.
 */
const LOADED_FROM = new WeakMap<object, string>();

/** The path (as given) of the file `workload` was loaded from by loadWorkloadFile, if it was. */
export function loadedFrom(workload: unknown): string | undefined {
  return typeof workload === 'object' && workload !== null ? LOADED_FROM.get(workload) : undefined;
}

/** Load, check and validate the workload in `file` (a path as the user gave it). */
export async function loadWorkloadFile(file: string): Promise<Workload> {
  // A library caller's slip (`loadWorkloadFile(5)`) met a TypeError from endsWith (QA).
  if (typeof file !== 'string' || file === '') {
    throw new ConfigError(
      'file',
      `Expected a workload file's path, got ${typeof file === 'string' ? 'an empty string' : String(file)}`,
    );
  }
  // The built-ins' names, which the file's workload may not take: loaded before the watchdog
  // starts, so their load is no part of the file's bound.
  const builtIns = new Set((await loadWorkloads()).keys());
  const watchdog = isModuleFile(file) ? watchLoad(file) : undefined;
  // The command's paths (--out, --failures, a file named on the line) are the user's, relative to
  // where the command started: a module's `process.chdir` while it loads is undone (QA: `--out
  // rel.json` was written to `/rel.json`, and the replay line named a file that was not there).
  const cwd = process.cwd();
  let workload: Workload;
  try {
    workload = await (watchdog === undefined
      ? loadWorkload(file, builtIns)
      : Promise.race([loadWorkload(file, builtIns), watchdog.expired]));
  } finally {
    watchdog?.stop();
    if (process.cwd() !== cwd) process.chdir(cwd);
  }
  LOADED_FROM.set(workload, file);
  return workload;
}

/** Whether `file` is named as a module (its code runs when loaded), not a JSON file. */
function isModuleFile(file: string): boolean {
  return [...TS_EXTENSIONS, ...JS_EXTENSIONS].some((ext) => file.endsWith(ext));
}

/**
 * The watchdog of a module's whole load, import and checks (a getter of its export runs while the
 * workload is checked): its note and bound hold while the main thread is blocked.
 */
function watchLoad(file: string): LoadWatchdog {
  const boundS = loadTimeoutSeconds();
  const noteS = loadNoteSeconds(boundS);
  return startLoadWatchdog(file, noteS, boundS, loadNoteText(file, noteS, boundS), () =>
    loadTimeoutRefusal(file, boundS),
  );
}

/**
 * The size of `file` where it is a regular file; else refused as `expected` says what it should be
 * (a directory, a device, a pipe or one that is not there, in errno's words).
 */
function regularFileBytes(file: string, abs: string, expected: string): number {
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw new Error('not a regular file (a device, a pipe or a socket)');
    return st.size;
  } catch (e) {
    throw new ConfigError(file, `Expected ${expected}, got ${errnoText(e)}`);
  }
}

async function loadWorkload(file: string, builtIns: ReadonlySet<string>): Promise<Workload> {
  const abs = resolve(file);
  const bytes = regularFileBytes(file, abs, 'a workload file (.ts, .js or .json; .mts, .cts, .mjs, .cjs)');
  // JSON is parsed here, so its extension may be in any case; a module is Node's to import, and
  // Node knows its extensions in lower case only (`WL.JS`: "Unknown file extension").
  const isJson = file.toLowerCase().endsWith('.json');
  if (!isJson && ![...TS_EXTENSIONS, ...JS_EXTENSIONS].some((ext) => file.endsWith(ext))) {
    throw new ConfigError(
      file,
      `Expected a workload file named *.ts, *.js or *.json (also .mts, .cts, .mjs, .cjs; a module's in lower case, as Node imports it), got \`${file}\``,
    );
  }
  if (isJson) {
    if (bytes > MAX_WORKLOAD_FILE_BYTES) {
      throw new ConfigError(file, `Expected at most ${MAX_WORKLOAD_FILE_BYTES} bytes, got ${bytes}`);
    }
    const raw = readFileSync(abs);
    const utf16 = utf16JsonText(raw);
    if (utf16 !== undefined) throw new ConfigError(file, `Expected a workload file in UTF-8, got ${utf16}`);
    const decoded = utf8Text(raw);
    if (!('text' in decoded))
      throw new ConfigError(file, `Expected a workload file in UTF-8, got ${notUtf8Text(file, decoded)}`);
    const { text } = decoded;
    try {
      return validatedWorkload(parseJsonFile(text, file, 'JSON'), file, abs, true, builtIns);
    } catch (e) {
      // A field the schema refused, at its key's line and column (json-place.ts).
      throw e instanceof ConfigError ? placedInJsonFile(e, file, text) : e;
    }
  }
  // Validated inside the module's load: the validation reads its export's getters, whose code is
  // the module's, so what they print goes to stderr as at its top level (QA: a getter's
  // console.log went ahead of `--json`'s result on stdout).
  return importDefault(file, abs, bytes, (definition) =>
    validatedWorkload(definition, file, abs, false, builtIns),
  );
}

/**
 * A workload file's definition, read and validated as a workload (its file and field named), its
 * name none of `builtIns` (the built-in workloads' names).
 */
function validatedWorkload(
  definition: unknown,
  file: string,
  abs: string,
  isJson: boolean,
  builtIns: ReadonlySet<string>,
): Workload {
  return readingFields(file, abs, () => {
    // Another of npusim's files (a failure file, a run result) is named as such, with the command
    // that takes it, not by the first workload field it lacks.
    const other = otherNpusimFile(definition, 'workload');
    if (other !== undefined) {
      throw new ConfigError(
        file,
        `Expected a workload file (\`name\`, \`description\`, \`params\`, ...), got ${other}`,
      );
    }
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      throw new ConfigError(
        isJson ? file : `${file}: default export`,
        `Expected a workload object (\`name\`, \`description\`, \`params\`, ...), got ${kindOf(definition)}`,
      );
    }
    // `{}` in a JSON file: said as such, not by its first missing field (`name: Expected a string`).
    if (isJson && Object.keys(definition).length === 0) {
      throw new ConfigError(
        file,
        'Expected a workload object (`name`, `description`, `params`, ...; README "Your own workloads and topologies"), got an empty object `{}`',
      );
    }
    const workload = validateWorkload(definition, file);
    // A run is known by its workload's name alone (the summary's header, --json's `workload`, a
    // failure file, `npusim compare`): a file under a built-in's name read as that built-in's run
    // with other parameters (QA). Refused as a topology file under a preset's name is.
    if (builtIns.has(workload.name)) {
      throw new ConfigError(
        `${file}: name`,
        `Expected a name no built-in workload has (\`npusim list\` shows them), got ${gotText(workload.name)}, a built-in workload's: every output of the run (its summary, --json's \`workload\`, a failure file, \`npusim compare\`) would read as the built-in's; give the file's workload a name of its own`,
      );
    }
    return workload;
  });
}

/**
 * importDefaultOnce, its file counted as importing until it settles (workload-imports.ts), said on
 * stderr when it takes long and refused past a bound, and refused if it calls process.exit
 * (workload-load-guard.ts).
 */
function importDefault<T>(
  file: string,
  abs: string,
  bytes: number,
  then: (definition: unknown) => T,
): Promise<T> {
  return whileImporting(file, () =>
    guardedLoad(
      file,
      async () => then(await importDefaultOnce(file, abs, bytes)),
      (e) => thrownPlace(e, file, abs),
    ),
  );
}

async function importDefaultOnce(file: string, abs: string, bytes: number): Promise<unknown> {
  const mod = await importModuleOnce(file, abs, bytes);
  // A Proxy or getter of the module's own may throw while its export is looked at (QA: a Proxy's
  // trap ended the command with exit 4 and a stack trace).
  return readingFields(file, abs, () => checkedDefault(file, mod));
}

/**
 * Load the module file `file` (a path: loadWorkloads' `file:` URL) as loadWorkloadFile loads a
 * workload module (TypeScript through tsx, JavaScript by import; the same guards, watchdog and
 * refusals, `Expected a module that loads, got an error: FILE:LINE:COL: ...`), and hand its
 * exports to `read`, inside the load (a getter of an export is the module's code), an error a
 * getter throws there refused as the file's. A JSON file is refused: it holds one workload, which
 * is loadWorkloadFile's.
 */
export async function loadModuleFile<T>(file: string, read: (mod: Record<string, unknown>) => T): Promise<T> {
  const abs = resolve(file);
  const bytes = regularFileBytes(file, abs, 'a module exporting `workloads`');
  if (file.toLowerCase().endsWith('.json')) {
    throw new ConfigError(
      file,
      'Expected a module exporting `workloads` (.ts, .js; .mts, .cts, .mjs, .cjs), got a JSON file (a JSON file holds one workload: load it with loadWorkloadFile)',
    );
  }
  if (!isModuleFile(file)) {
    throw new ConfigError(
      file,
      `Expected a module exporting \`workloads\`, named *.ts or *.js (also .mts, .cts, .mjs, .cjs; in lower case, as Node imports it), got \`${file}\``,
    );
  }
  const watchdog = watchLoad(file);
  const cwd = process.cwd();
  const load = whileImporting(file, () =>
    guardedLoad(
      file,
      async () => {
        const mod = await importModuleOnce(file, abs, bytes);
        return readingFields(file, abs, () => read(mod));
      },
      (e) => thrownPlace(e, file, abs),
    ),
  );
  try {
    return await Promise.race([load, watchdog.expired]);
  } finally {
    watchdog.stop();
    if (process.cwd() !== cwd) process.chdir(cwd);
  }
}

/** The module `file` imported (tsx for TypeScript), any error refused naming the file and place. */
async function importModuleOnce(
  file: string,
  abs: string,
  bytes: number,
): Promise<Record<string, unknown> & { default?: unknown }> {
  const isTs = TS_EXTENSIONS.some((ext) => file.endsWith(ext));
  // The size and time stamp make a file changed since it was last imported in this process load
  // again (the module cache would otherwise hand back the old one: a replay must see the change).
  const st = statSync(abs);
  const url = `${pathToFileURL(abs).href}?v=${bytes}-${Math.floor(st.mtimeMs)}`;
  noteWorkloadModule(file, abs, compiledTsPlace);
  let mod: { default?: unknown };
  try {
    if (isTs) {
      keepTsxCacheInMemoryIfUnwritable();
      const api = (await import(tsxEsmApiUrl())) as {
        tsImport: (specifier: string, parent: string) => Promise<{ default?: unknown }>;
      };
      mod = await api.tsImport(url, import.meta.url);
    } else {
      mod = (await import(url)) as { default?: unknown };
    }
  } catch (e) {
    // defineWorkload ran at import and refused a field: name the file and that field.
    if (e instanceof Error && e.name === 'ConfigError' && typeof (e as ConfigError).field === 'string') {
      const c = e as ConfigError;
      // defineWorkload names the workload before the field (`my-load: params.gpu`): the file says
      // it, on the first line and on each other mistake's line (`  my-load: params.gpu.engines`
      // named the workload where the first named the file: QA).
      const name = /^([a-z0-9][a-z0-9-]*): /.exec(c.field)?.[1];
      const field = name === undefined ? c.field : c.field.slice(name.length + 2);
      let detail = c.message.slice(c.field.length + 2);
      if (name !== undefined) detail = detail.replaceAll(`\n  ${name}: `, `\n  ${file}: `);
      throw new ConfigError(`${file}: ${field}`, detail);
    }
    // The import of a module that is missing, in this file or one of the user's it imports;
    // else a syntax error's place, else the innermost frame that threw in this file or in a
    // module of the user's it imports.
    const place =
      missingImportPlace(e, abs, file) ??
      placeInFile(file, isTs ? undefined : syntaxErrorPlace(e, abs)) ??
      thrownPlace(e, file, abs);
    const text = `${place === undefined ? '' : `${place}: `}${loadErrorText(e, abs, file)}`;
    // A workload imports `npusim` by name: outside a project that has it, say how to get it.
    throw new ConfigError(file, `Expected a module that loads, got an error: ${text}${loadErrorHint(text)}`);
  }
  return mod as Record<string, unknown> & { default?: unknown };
}

/** The module's default export, refused when it is none or no workload object. */
function checkedDefault(file: string, mod: { default?: unknown }): unknown {
  const { found, def, named } = defaultExport(mod);
  if (!found || def === undefined) {
    const got = found
      ? '`undefined`'
      : `no default export (${named.length === 0 ? 'the module exports nothing' : `the module exports only ${named.map((n) => `\`${n}\``).join(', ')}`})`;
    throw new ConfigError(
      `${file}: default export`,
      `Expected the workload as the default export (\`export default defineWorkload({ ... })\`, or a workload object), got ${got}`,
    );
  }
  // An empty object: what an empty file loaded as CommonJS (an empty .ts or .cjs) exports, as well
  // as `export default {}`; said as such, not `name: Expected a string` (QA).
  if (
    typeof def === 'object' &&
    def !== null &&
    Object.getPrototypeOf(def) === Object.prototype &&
    Reflect.ownKeys(def).length === 0
  ) {
    throw new ConfigError(
      `${file}: default export`,
      'Expected the workload as the default export (`export default defineWorkload({ ... })`, or a workload object), got an empty object (`export default {}`, or a file that exports nothing loaded as CommonJS)',
    );
  }
  // Checked here: returned from this async function, a Promise would be awaited, and its value
  // read as the workload with no word that the module exported a Promise.
  if (typeof def === 'object' && def !== null && isThenable(def)) {
    throw new ConfigError(
      `${file}: default export`,
      `Expected a workload object (\`name\`, \`description\`, \`params\`, ...), got ${kindOf(def)}`,
    );
  }
  return def;
}

/**
 * What to do about a load error whose words alone do not say it: a workload imports `npusim` by
 * name (outside a project that has it, say how to get it); esbuild's words for top-level await in
 * a .ts file tsx compiles to CommonJS name a format the user never chose. Empty for any other.
 */
export function loadErrorHint(text: string): string {
  if (/Cannot find (module|package) 'npusim'/.test(text)) {
    // npusim is not on the npm registry (QA: `npm install npusim` failed with E404): the package
    // to install is this one, from its folder.
    const dir = npusimPackageDir();
    const word =
      dir === undefined ? 'PATH' : /^[\w./-]+$/.test(dir) ? dir : `'${dir.replaceAll("'", "'\\''")}'`;
    return ` (a workload file imports npusim by name: run \`npm install ${word}\` in its directory or one above it${dir === undefined ? ', PATH the folder of a built copy of npusim' : ', the npusim running now'}; npusim is not on the npm registry)`;
  }
  if (/Top-level await is currently not supported with the "cjs" output format/.test(text))
    return ' (a .ts file outside an ES module package is loaded as CommonJS, which has no top-level await: name it .mts, or add a package.json with "type": "module" beside it)';
  return '';
}

/**
 * `read` (a look at the module's export and its fields), an error a getter or a Proxy of the
 * module's own threw on the way said as the file's, at its place there (exit 2); npusim's own
 * refusals (ConfigError) as they are.
 */
function readingFields<T>(file: string, abs: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const at = thrownPlace(e, file, abs);
    throw new ConfigError(
      file,
      `Expected a workload whose fields can be read, got an error reading them: ${at === undefined ? '' : `${at}: `}${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
}

/** A Promise (or any object with a `then` method): an `async` factory's result, exported as is. */
function isThenable(v: object): boolean {
  return typeof (v as { then?: unknown }).then === 'function';
}

/** What a default export or a JSON file held instead of a workload object. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object' && isThenable(v))
    return 'a Promise (export the workload itself; the module may `await` what it needs first)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'function') return 'a function (export the workload itself, not a function that makes it)';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `the ${typeof v} ${String(v)}`;
}

/**
 * `FILE:LINE:COLUMN` of the innermost stack frame of `e` in a file of the user's (workload-imports.ts
 * userFrame): the workload file itself (a `throw` while it ran at import, or in a getter of its
 * export), or a module of the user's it imports, named relative to it as userFileName names it;
 * undefined when no frame is in such a file (an error of the loader), or when that frame is in
 * code tsx compiled to CommonJS and its place cannot be mapped back for sure (compiledTsPlace).
 * QA: an error thrown in a module the workload imports was placed at the import (a .ts file) or
 * nowhere (.mjs). tsx maps the frames of an ES module .ts file, and of a .ts file it loads with
 * `require`, to the source.
 */
function thrownPlace(e: unknown, file: string, abs: string): string | undefined {
  const frame = userFrame(e);
  if (frame?.at === undefined) return undefined;
  return `${userFileName(frame.path, file, abs)}:${frame.at}`;
}

/** esbuild's transformSync, as much of it as compiledTsPlace uses. */
type TransformSync = (source: string, options: Record<string, unknown>) => { code: string; map: string };

/**
 * `LINE:COLUMN` in the .ts file of a place in the CommonJS code tsx compiled it to, or undefined.
 * That code reaches Node without its source map (tsx 4.23 on Node 20 passes the map with the source
 * but names the module by a `data:` URL of the code alone), so a `throw` at its top level read
 * `thr.ts: ... got an error: boom` where the same file as .mts read `thr.mts:3:7: boom` (QA). The
 * file is compiled again here with esbuild (tsx's own, found from tsx) and the options tsx uses,
 * with a map: the line of the frame is looked for in that output, and only a line found there, and
 * found once, is mapped back, so a place is given only when it is the place (tsconfig settings that
 * change the output leave it out, as before).
 */
function compiledTsPlace(frame: CompiledFrame): string | undefined {
  const wanted = frame.code.split('\n')[frame.line - 1];
  if (wanted === undefined) return undefined;
  try {
    const esbuild = createRequire(tsxEsmApiUrl())('esbuild') as { transformSync: TransformSync };
    const out = esbuild.transformSync(readFileSync(frame.path, 'utf8'), {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: `node${process.versions.node}`,
      sourcemap: true,
      sourcefile: frame.path,
      minifyWhitespace: true,
      keepNames: true,
    });
    const lines = out.code.split('\n');
    const at = lines.indexOf(wanted);
    if (at < 0 || lines.indexOf(wanted, at + 1) >= 0) return undefined;
    const entry = new SourceMap(JSON.parse(out.map) as SourceMapPayload).findEntry(at, frame.column - 1) as
      | { originalLine?: number; originalColumn?: number }
      | undefined;
    if (entry?.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return `${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  } catch {
    return undefined;
  }
}

/**
 * The module's default export, whether it has one, and its other exports' names. tsx compiles a
 * .ts file that is not in an ES module package to CommonJS, whose `default` is then the whole
 * `module.exports`, marked `__esModule`, with the file's own default export (if any) inside it
 * beside the named ones; a CommonJS module may be wrapped once more the same way without the mark.
 */
function defaultExport(mod: { default?: unknown }): { found: boolean; def: unknown; named: string[] } {
  const outer = mod.default;
  if (
    outer !== null &&
    typeof outer === 'object' &&
    (outer as { __esModule?: unknown }).__esModule === true
  ) {
    return {
      found: 'default' in outer,
      def: (outer as { default?: unknown }).default,
      named: Object.keys(outer).filter((k) => k !== 'default'),
    };
  }
  const named = Object.keys(mod).filter((k) => k !== 'default');
  if (outer !== null && typeof outer === 'object' && 'default' in outer && !('name' in outer)) {
    return { found: true, def: (outer as { default: unknown }).default, named };
  }
  return { found: 'default' in mod, def: outer, named };
}

/** `FILE:LINE:COLUMN` for a place in the workload file, or undefined without one. */
function placeInFile(file: string, at: string | undefined): string | undefined {
  return at === undefined ? undefined : `${file}:${at}`;
}

/**
 * What went wrong loading the module, on one line. esbuild (tsx) says "Transform failed with N
 * errors:" first and each error after it, with its file:line:column, so those lines are the
 * message (the workload file as the user named it, a module of theirs it imports named relative to
 * it, as a thrown error's place is: thrownPlace); any other error says it on its first line.
 * esbuild's column counts from 0; V8's, editors' and a `.mjs` file's here (syntaxErrorPlace) from
 * 1, so it is given from 1 too.
 */
function loadErrorText(e: unknown, abs: string, file: string): string {
  if (!(e instanceof Error)) return String(e);
  const [first = '', ...rest] = e.message.split('\n');
  const errors = rest.filter((line) => line.trim() !== '');
  if (!/^Transform failed with \d+ errors?:$/.test(first) || errors.length === 0) return first;
  return errors
    .map((line) => {
      const m = /^(\/[^:]*):(\d+):(\d+): (?:ERROR: )?(.*)$/.exec(line);
      if (m === null) return line.split(abs).join(file).replace(': ERROR: ', ': ');
      return `${userFileName(m[1]!, file, abs)}:${m[2]}:${Number(m[3]) + 1}: ${m[4]}`;
    })
    .join('; ');
}

/**
 * Where in the file a JavaScript syntax error is, `LINE:COLUMN` (1-based), or undefined when the
 * error is no syntax error of this file. Node's error from import() of an ES module carries no
 * position at all, so on this path only the file is parsed again by `node --check` as a module
 * (process.execPath, the file on stdin: V8's own parser, the same error), whose report starts with
 * `[stdin]:LINE`, the line, and a caret under the column. A CommonJS file's error already starts
 * its stack that way, with the file's path.
 */
function syntaxErrorPlace(e: unknown, abs: string): string | undefined {
  if (!(e instanceof Error) || e.name !== 'SyntaxError') return undefined;
  const fromStack = caretPlace(e.stack ?? '', abs);
  if (fromStack !== undefined) return fromStack;
  let source: string;
  try {
    source = readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
  const check = spawnSync(process.execPath, ['--input-type=module', '--check'], {
    input: source,
    encoding: 'utf8',
    timeout: CHECK_TIMEOUT_MS,
  });
  // Exit 0: the file parses (the error was at link time, or in a module it imports).
  return check.status === 0 ? undefined : caretPlace(check.stderr ?? '', '[stdin]');
}

/** A parse of `node --check` is a fraction of a second; past this the position is left out. */
const CHECK_TIMEOUT_MS = 10_000;

/** `LINE:COLUMN` from V8's report (`WHERE:LINE`, the source line, carets), or `LINE` without carets. */
function caretPlace(report: string, where: string): string | undefined {
  const [head = '', , carets = ''] = report.split('\n');
  if (!head.startsWith(`${where}:`)) return undefined;
  const line = head.slice(where.length + 1);
  if (!/^\d+$/.test(line)) return undefined;
  const column = carets.indexOf('^');
  return column < 0 || carets.slice(0, column).trim() !== '' ? line : `${line}:${column + 1}`;
}
