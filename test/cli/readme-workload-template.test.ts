/**
 * README's workload template ("Your own workloads and topologies", the ```ts block with
 * `defineWorkload`), saved as a user would save it and run as README says: its own run and each
 * variant judged as expected (QA: as written, one tenant could never find the `isolation.peer` its
 * `links-up` variant expected, and the command exited 1).
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, STACK_FRAME } from './cli-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function readmeTemplate(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => b.includes('export default defineWorkload('));
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

test("README's workload template: its own run and every variant as expected, exit 0", async () => {
  const dir = testTempDir('npusim-template-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'npusim'), 'dir');
  const file = join(dir, 'my-workload.ts');
  writeFileSync(file, readmeTemplate());
  const r = await cli(['run', file, '--inline', '--seed', '1', '--json', '--no-failure-file']);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as RunResult;
  expect(result.expectation?.met).toBe(true);
  const variants = result.variants ?? [];
  expect(variants.map((v) => v.name)).toEqual(['links-up', 'shipped', 'one-flush']);
  for (const v of variants)
    expect({ name: v.name, met: v.expectation?.met }).toEqual({ name: v.name, met: true });
});
