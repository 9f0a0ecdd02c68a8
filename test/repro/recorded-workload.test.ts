/**
 * A failure file's user workload (`workload.file`) loaded again for replay and shrink
 * (src/repro/recorded-workload.ts): a file that is no longer there is refused naming the field,
 * the path, and the two ways back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadRecordedFile } from '../../src/repro/recorded-workload.js';
import { testTempDir } from '../support/temp-dir.js';

const text = (file: string) => JSON.stringify({ workload: { name: 'mine', file } });

describe("a failure file's workload file, loaded again", () => {
  test('a built-in workload has none', async () => {
    await expect(loadRecordedFile(JSON.stringify({ workload: { name: 'stress' } }), 'f.json')).resolves.toBe(
      undefined,
    );
  });

  test('a file moved or removed since: refused with the field, the path and what to do (QA: it said only ENOENT)', async () => {
    const dir = testTempDir('recorded-workload');
    const gone = join(dir, 'moved-away.ts');
    await expect(loadRecordedFile(text(gone), 'f.json')).rejects.toThrow(
      `f.json: workload.file: Expected the workload file this failure ran (${gone}), got: `,
    );
    await expect(loadRecordedFile(text(gone), 'f.json')).rejects.toThrow(
      ': put it back there, or set `workload.file` in the failure file to where it is now',
    );
  });

  test('a file that is there but broken is refused without the hint: moving it is not the fix', async () => {
    const dir = testTempDir('recorded-workload');
    mkdirSync(dir, { recursive: true });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ not json');
    const error = await loadRecordedFile(text(broken), 'f.json').catch((e: unknown) => e);
    expect(String(error)).toContain(`Expected the workload file this failure ran (${broken}), got: `);
    expect(String(error)).not.toContain('put it back');
  });
});
