/**
 * Which commit a run names (src/io/version.ts): a build's own, stamped when it was built, before
 * whatever the checkout holds when it runs; the checkout's when run from the sources.
 */
import { describe, expect, test } from 'vitest';
import { BUILD_COMMIT_FILE, checkedOutCommit, commitOf, commitWords } from '../../src/io/version.js';

const BUILT = 'a'.repeat(40);
const HEAD_NOW = 'b'.repeat(40);

/** A reader over the files given, by the path relative to version.ts that it asks for. */
function files(entries: Record<string, string>): (rel: string) => string | undefined {
  return (rel) => entries[rel];
}

describe('the commit a run names', () => {
  test('a build names the commit it was built from, not the one checked out when it runs (QA: two files of one build named two commits)', () => {
    // dist/src/io/version.js: dist/ one root up, the checkout two.
    const built = files({
      [`../../${BUILD_COMMIT_FILE}`]: `${BUILT}\n`,
      '../../../.git/HEAD': 'ref: refs/heads/main\n',
      '../../../.git/refs/heads/main': `${HEAD_NOW}\n`,
    });
    expect(checkedOutCommit(built)).toBe(HEAD_NOW);
    expect(commitOf(built)).toBe(BUILT);
  });

  test('from the sources, or with a stamp that is not a commit, the commit checked out (a ref, packed, or a detached HEAD)', () => {
    expect(
      commitOf(files({ '../../.git/HEAD': 'ref: refs/heads/main', '../../.git/refs/heads/main': HEAD_NOW })),
    ).toBe(HEAD_NOW);
    expect(
      commitOf(
        files({
          '../../build-commit.txt': 'not a commit',
          '../../.git/HEAD': 'ref: refs/heads/main',
          '../../.git/packed-refs': `# pack-refs\n${HEAD_NOW} refs/heads/main\n`,
        }),
      ),
    ).toBe(HEAD_NOW);
    expect(commitOf(files({ '../../.git/HEAD': `${BUILT}\n` }))).toBe(BUILT);
    expect(commitOf(files({}))).toBeUndefined();
  });
});

describe('a build from uncommitted changes (QA: it named the commit it was changed from)', () => {
  test('its stamp, the commit with -dirty, is the commit a run names', () => {
    const dirty = `${BUILT}-dirty`;
    expect(
      commitOf(
        files({ [`../../${BUILD_COMMIT_FILE}`]: `${dirty}\n`, '../../../.git/HEAD': `${HEAD_NOW}\n` }),
      ),
    ).toBe(dirty);
    // Another suffix is no stamp: the checkout's commit is named instead.
    expect(
      commitOf(
        files({ [`../../${BUILD_COMMIT_FILE}`]: `${BUILT}-clean\n`, '../../../.git/HEAD': `${HEAD_NOW}\n` }),
      ),
    ).toBe(HEAD_NOW);
  });

  test('messages say so in words', () => {
    expect(commitWords(`${BUILT}-dirty`)).toBe('commit aaaaaaaa with uncommitted changes');
    expect(commitWords(BUILT)).toBe('commit aaaaaaaa');
    expect(commitWords(null)).toBe('commit unknown');
  });
});
