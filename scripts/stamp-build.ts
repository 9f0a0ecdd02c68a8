/**
 * The last step of `npm run build`: write the commit checked out into dist/build-commit.txt, so the
 * build names the commit it was built from in every failure file
 * (src/io/version.ts gitCommit), however the checkout moves after it. Where the files a build is
 * made of differ from that commit (changed, added, removed, or new and not ignored), the stamp
 * says so (`COMMIT-dirty`): two builds of one commit, one with a changed model, named the same
 * commit, and a replay of a file of one by the other blamed npusim (QA). Without a checkout (a
 * build from an unpacked tarball) any earlier stamp is removed, and the build names no commit.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILD_COMMIT_FILE, checkedOutCommit, DIRTY_SUFFIX } from '../src/io/version.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = fileURLToPath(new URL(`../dist/${BUILD_COMMIT_FILE}`, import.meta.url));
/** What the build is made of: its sources, its dependencies and how it is compiled. */
const BUILD_INPUTS = [
  'src',
  'workers',
  'workloads',
  'bench',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** Whether the build's inputs differ from the commit; undefined where git cannot say. */
function changedSinceCommit(): boolean | undefined {
  try {
    const status = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=all', '--', ...BUILD_INPUTS],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return status.trim() !== '';
  } catch {
    return undefined;
  }
}

const commit = checkedOutCommit();
if (commit === undefined) {
  rmSync(stamp, { force: true });
  console.log(`stamp-build: no commit (not a git checkout) in dist/${BUILD_COMMIT_FILE}`);
} else {
  const changed = changedSinceCommit();
  writeFileSync(stamp, `${commit}${changed === true ? DIRTY_SUFFIX : ''}\n`);
  const how =
    changed === true
      ? ', with uncommitted changes'
      : changed === undefined
        ? ' (git could not say whether the work tree differs from it: stamped as the commit)'
        : '';
  console.log(`stamp-build: commit ${commit.slice(0, 12)}${how} in dist/${BUILD_COMMIT_FILE}`);
}
