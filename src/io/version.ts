/**
 * Which npusim made a file: the package version, and the git commit when the code runs from a
 * checkout (read from .git directly, so no git binary is needed and nothing is spawned).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT_CANDIDATES = ['../../', '../../../'];

function readAt(rel: string): string | undefined {
  try {
    return readFileSync(new URL(rel, import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A version as package.json writes one (npm's semver: MAJOR.MINOR.PATCH, then any pre-release or
 * build part): what a run result or sweep summary may name. `x` read as a version before (QA).
 */
export const VERSION_TEXT = /^\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.+-]{1,30})?$/;

let version: string | undefined;

/**
 * The version in package.json (src/io/ and dist/src/io/ sit two or three levels below it),
 * read once per process: every run result and sweep summary names it.
 */
export function npusimVersion(): string {
  version ??= readVersion();
  return version;
}

function readVersion(): string {
  for (const root of ROOT_CANDIDATES) {
    const text = readAt(`${root}package.json`);
    if (text === undefined) continue;
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    if (pkg.name === 'npusim' && typeof pkg.version === 'string') return pkg.version;
  }
  return 'unknown';
}

/**
 * The folder of the npusim package this code runs from (the one whose package.json names npusim),
 * or undefined: what a user's project installs (`npm install DIR`), npusim not being on the npm
 * registry.
 */
export function npusimPackageDir(): string | undefined {
  for (const root of ROOT_CANDIDATES) {
    const text = readAt(`${root}package.json`);
    if (text === undefined) continue;
    try {
      if ((JSON.parse(text) as { name?: unknown }).name === 'npusim')
        return fileURLToPath(new URL(root, import.meta.url)).replace(/\/$/, '');
    } catch {
      // Not the package's own package.json.
    }
  }
  return undefined;
}

/** The commit checked out, or undefined outside a git checkout. */
export function gitCommit(): string | undefined {
  for (const root of ROOT_CANDIDATES) {
    const head = readAt(`${root}.git/HEAD`)?.trim();
    if (head === undefined) continue;
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    const ref = head.slice(5);
    const direct = readAt(`${root}.git/${ref}`)?.trim();
    if (direct !== undefined && /^[0-9a-f]{40}$/.test(direct)) return direct;
    const packed = readAt(`${root}.git/packed-refs`);
    const line = packed?.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line?.slice(0, 40);
  }
  return undefined;
}
