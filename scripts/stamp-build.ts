/**
 * The last step of `npm run build`: write the commit checked out into dist/build-commit.txt, so the
 * build names the commit it was built from in every failure file, run result and sweep summary
 * (src/io/version.ts gitCommit), however the checkout moves after it. Without a checkout (a build
 * from an unpacked tarball) any earlier stamp is removed, and the build names no commit.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILD_COMMIT_FILE, checkedOutCommit } from '../src/io/version.js';

const stamp = fileURLToPath(new URL(`../dist/${BUILD_COMMIT_FILE}`, import.meta.url));
const commit = checkedOutCommit();
if (commit === undefined) rmSync(stamp, { force: true });
else writeFileSync(stamp, `${commit}\n`);
console.log(
  `stamp-build: ${commit === undefined ? 'no commit (not a git checkout)' : `commit ${commit.slice(0, 12)}`} in dist/${BUILD_COMMIT_FILE}`,
);
