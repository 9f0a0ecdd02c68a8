/**
 * keepFailureFile's refusals are said in words, as `--out`'s and `--report`'s are (QA: a failures
 * directory replaced by a file mid-run said `EEXIST: file already exists, mkdir '...'`).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { buildFailureFile, NO_DIGEST } from '../../src/repro/failure-file.js';
import { keepFailureFile } from '../../src/repro/keep-failure-file.js';
import { workloads } from '../../workloads/index.js';
import { testTempDir } from '../support/temp-dir.js';

const stress = workloads.find((w) => w.name === 'stress')!;

function file() {
  return buildFailureFile({
    config: { workload: 'stress', seed: 1, bugs: [], params: parseParams(stress.params, 'stress') },
    workload: stress,
    host: 'inline',
    digest: NO_DIGEST,
    exitClass: 'interrupted',
    exitCode: 130,
    first: null,
    simulatedTicks: 0,
    events: 0,
  });
}

describe('keepFailureFile', () => {
  test('a failures directory that is a file now: said in words, nothing written', () => {
    const dir = join(testTempDir('npusim-keep-'), 'failures');
    writeFileSync(dir, 'not a directory');
    const said: string[] = [];
    expect(keepFailureFile(dir, file(), (line) => said.push(line))).toBeUndefined();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^the failure file .*\/failures\/\S+\.json was not written: a part of `.*\/failures\/\S+\.json` is (a file or a dangling symbolic link where a directory is to be made \(EEXIST\)|not a directory \(ENOTDIR\))$/,
    );
  });

  test('a directory it can write: the file is written and its path returned', () => {
    const dir = join(testTempDir('npusim-keep-'), 'failures');
    const said: string[] = [];
    const path = keepFailureFile(dir, file(), (line) => said.push(line));
    expect(path).toBeDefined();
    expect(existsSync(path!)).toBe(true);
    expect(said).toEqual([]);
  });
});
