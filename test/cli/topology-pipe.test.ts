/**
 * `--topology` given as a pipe (`<(jq . w4.json)`, /dev/fd/N): read once, though a command reads
 * the option more than once (its parameters, the overrides a variant is matched by, each
 * variant's run). QA: the second read met the pipe's end and called the file empty (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { topoJson } from '../../src/cli/topo-command.js';
import { SOURCE_CLI_ENV } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';

describe('--topology from a pipe', () => {
  test('runs as the same file does, the file named by its pipe and its spec', () => {
    const dir = testTempDir('npusim-topology-pipe-');
    const file = join(dir, 'w4.json');
    writeFileSync(file, topoJson('witherspoon-4'));
    const run = (topology: string) =>
      spawnSync(
        'bash',
        [
          '-c',
          `exec "$NODE" "$CLI" run --seed 1 --duration 5us --inline --no-failure-file --json --topology ${topology}`,
        ],
        {
          env: { ...process.env, F: file, NODE: process.execPath, CLI: process.env[SOURCE_CLI_ENV] ?? '' },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
    const piped = run('<(cat "$F")');
    expect(piped.status, piped.stderr).toBe(0);
    const fromFile = run('"$F"');
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect((JSON.parse(piped.stdout) as { digest: string }).digest).toBe(
      (JSON.parse(fromFile.stdout) as { digest: string }).digest,
    );
  });
});
