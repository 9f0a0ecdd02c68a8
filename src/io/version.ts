/**
 * Which npusim made a file: the package version, and the git commit of the code that runs. A build
 * runs the commit it was built from, which `npm run build` writes into dist/ (BUILD_COMMIT_FILE,
 * scripts/stamp-build.ts); code run from the sources (the tests, tsx) runs the commit checked out,
 * read from .git directly, so no git binary is needed and nothing is spawned. Reading .git at run
 * time for a build stamped every file with whatever the checkout held that moment: two failure
 * files of one build, written on either side of a commit, named two commits, and a replay told the
 * user the file came from another npusim (QA).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shownText } from '../core/shown-text.js';

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

/** Where a build keeps the commit it was built from: dist/build-commit.txt, beside dist/src. */
export const BUILD_COMMIT_FILE = 'build-commit.txt';

const COMMIT_TEXT = /^[0-9a-f]{40}$/;

/**
 * What a build's stamp adds to its commit when it was built from a work tree that differs from it
 * (git describe's word): two builds of one commit, one with changes to the model, named the same
 * commit, and a replay of a file of one by the other blamed npusim (QA).
 */
export const DIRTY_SUFFIX = '-dirty';

/** A commit as a build's stamp holds it: a commit, or a commit with DIRTY_SUFFIX. */
const STAMP_TEXT = /^[0-9a-f]{40}(?:-dirty)?$/;

/**
 * A commit as messages name it: `commit 4034d818`, `commit 4034d818 with uncommitted changes` for
 * a stamp's DIRTY_SUFFIX, `commit unknown`. From a file it may be anything: control characters
 * are escaped (shownText).
 */
export function commitWords(commit: string | null | undefined): string {
  if (commit == null) return 'commit unknown';
  const dirty = commit.endsWith(DIRTY_SUFFIX);
  const base = dirty ? commit.slice(0, -DIRTY_SUFFIX.length) : commit;
  return `commit ${shownText(base.slice(0, 8))}${dirty ? ' with uncommitted changes' : ''}`;
}

let commit: string | null | undefined;

/**
 * The commit of the code that runs: the one a build was built from (with DIRTY_SUFFIX where the
 * work tree differed from it), else the one checked out; undefined outside both (an installed
 * package built from no checkout). Read once per process. From the sources, changes not committed
 * are not seen: that would need git, spawned in every run.
 */
export function gitCommit(): string | undefined {
  commit ??= commitOf(readAt) ?? null;
  return commit ?? undefined;
}

/**
 * The commit `read` finds (a reader of paths relative to this module): a build's stamp one root
 * up (dist/), then the checkout's HEAD at either root. Apart from gitCommit for its tests.
 */
export function commitOf(read: (rel: string) => string | undefined): string | undefined {
  const stamped = read(`${ROOT_CANDIDATES[0]}${BUILD_COMMIT_FILE}`)?.trim();
  if (stamped !== undefined && STAMP_TEXT.test(stamped)) return stamped;
  return checkedOutCommit(read);
}

/** The commit checked out at either root, by `read`; undefined outside a git checkout. */
export function checkedOutCommit(read: (rel: string) => string | undefined = readAt): string | undefined {
  for (const root of ROOT_CANDIDATES) {
    const head = read(`${root}.git/HEAD`)?.trim();
    if (head === undefined) continue;
    if (!head.startsWith('ref: ')) return COMMIT_TEXT.test(head) ? head : undefined;
    const ref = head.slice(5);
    const direct = read(`${root}.git/${ref}`)?.trim();
    if (direct !== undefined && COMMIT_TEXT.test(direct)) return direct;
    const packed = read(`${root}.git/packed-refs`);
    const line = packed?.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line?.slice(0, 40);
  }
  return undefined;
}
