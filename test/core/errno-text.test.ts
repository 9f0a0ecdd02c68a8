/** errnoText: a file system error in words, then its code; anything else as its message. */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { errnoText } from '../../src/core/errno-text.js';
import { testTempDir } from '../support/temp-dir.js';

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('errnoText', () => {
  test('a missing file and a path through a file, as node:fs reports them', () => {
    expect(errnoText(thrownBy(() => statSync('/nonexistent-npusim/x.json')))).toBe('no such file (ENOENT)');
    const file = join(testTempDir('npusim-errno-'), 'f.json');
    writeFileSync(file, '{}');
    expect(errnoText(thrownBy(() => statSync(join(file, 'x.json'))))).toBe(
      'a path through something that is not a directory (ENOTDIR)',
    );
  });

  test('a code with no words is given as it is; a plain error by its message', () => {
    expect(errnoText(Object.assign(new Error('x'), { code: 'EIO' }))).toBe('EIO');
    expect(errnoText(new Error('not a regular file'))).toBe('not a regular file');
    expect(errnoText('odd')).toBe('odd');
  });
});
