/**
 * Where a module that a workload file needs is missing: the import that names it, as
 * `FILE:LINE:COLUMN` (FILE as the user named the workload file, or the module of theirs that
 * imports the missing one, relative to it). Node's words alone, `Cannot find module './x.js'`,
 * say neither which of the user's files asked for it nor where (QA: a helper module two imports
 * down was blamed on the workload file, with no line).
 *
 * The importer comes from the error: tsx (a .ts workload) throws Node's CommonJS
 * `MODULE_NOT_FOUND` with `requireStack`, the importer first (tsx adds `?namespace=...` to each
 * path); an ES module import throws `ERR_MODULE_NOT_FOUND`, whose message ends `imported from
 * PATH`. The place is the first quoted occurrence of the specifier in the importer's text: the
 * import itself in any file a person writes (a comment naming the same quoted path first would
 * be named instead, which still points at the right import's text).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The place of the import that failed, or undefined when `e` is no missing module or its importer
 * cannot be read or does not name it in quotes. A missing package is placed too (`npusim` outside
 * a project that installed it keeps its hint, workload-file.ts loadErrorHint, after the place).
 */
export function missingImportPlace(e: unknown, abs: string, file: string): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  const specifier = /^Cannot find (?:module|package) '([^']+)'/.exec(e.message)?.[1];
  if (specifier === undefined) return undefined;
  let importer: string | undefined;
  if (code === 'MODULE_NOT_FOUND') {
    const stack = (e as { requireStack?: unknown }).requireStack;
    if (Array.isArray(stack) && typeof stack[0] === 'string') importer = stack[0].replace(/\?.*$/, '');
  } else if (code === 'ERR_MODULE_NOT_FOUND') {
    const from = / imported from (.+)$/.exec(e.message.split('\n')[0]!)?.[1];
    if (from !== undefined) importer = from.startsWith('file:') ? fileURLToPath(from) : from;
  }
  if (importer === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(importer, 'utf8');
  } catch {
    return undefined;
  }
  // ESM names the module resolved (`/dir/x.js`); the source holds it as written (`./x.js`).
  const written = code === 'ERR_MODULE_NOT_FOUND' ? writtenSpecifier(text, specifier, importer) : specifier;
  if (written === undefined) return undefined;
  const at = quotedAt(text, written);
  if (at === undefined) return undefined;
  const name = importer === abs ? file : join(dirname(file), relative(dirname(abs), importer));
  return `${name}:${at}`;
}

/** The specifier as the importer wrote it, for the absolute path ESM resolved it to. */
function writtenSpecifier(text: string, resolved: string, importer: string): string | undefined {
  if (!resolved.startsWith('/')) return resolved;
  for (const m of text.matchAll(/(['"])([^'"\n]+)\1/g)) {
    const s = m[2]!;
    if ((s.startsWith('./') || s.startsWith('../')) && join(dirname(importer), s) === resolved) return s;
  }
  return undefined;
}

/** `LINE:COLUMN` (1-based) of the first `'specifier'` or `"specifier"` in `text`. */
function quotedAt(text: string, specifier: string): string | undefined {
  const i = [`'${specifier}'`, `"${specifier}"`]
    .map((q) => text.indexOf(q))
    .filter((k) => k >= 0)
    .sort((a, b) => a - b)[0];
  if (i === undefined) return undefined;
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
