/**
 * A run declared to find some rules (at least one of them, and no other) that found one of them
 * and another: its `NOT as expected` names the rule it was not declared to find (QA: `expected A
 * or B or C: NOT as expected` beside a run that found A and B read as a contradiction), and
 * README's own command for release-between-flushes' stale register index is as expected.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { unexpectedRulesText } from '../../src/report/headline.js';
import type { ExpectationVerdict, RunResult } from '../../src/report/run-result.js';
import { workloads } from '../../workloads/index.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

test('the rules found beyond a declared list are named; none for a list met, missed clean, or a clean declaration', () => {
  const verdict = (v: ExpectationVerdict) => v;
  expect(
    unexpectedRulesText(
      verdict({
        expect: ['order.atsd-released-early'],
        found: { 'order.atsd-released-early': 3, 'order.atsd-shared-register': 1 },
        met: false,
      }),
    ),
  ).toBe('found order.atsd-shared-register too, which is not expected');
  expect(
    unexpectedRulesText(
      verdict({
        expect: ['isolation.peer'],
        found: { 'translation.stale-ats': 2, 'order.free-before-flushes': 1 },
        met: false,
      }),
    ),
  ).toBe('found order.free-before-flushes, translation.stale-ats, which are not expected');
  expect(unexpectedRulesText(verdict({ expect: ['isolation.peer'], found: {}, met: false }))).toBe('');
  expect(
    unexpectedRulesText(verdict({ expect: ['isolation.peer'], found: { 'isolation.peer': 4 }, met: true })),
  ).toBe('');
  expect(unexpectedRulesText(verdict({ expect: 'clean', found: { 'isolation.peer': 4 }, met: false }))).toBe(
    '',
  );
});

test("README's release-between-flushes with two registers is as expected; a run that finds one rule more than its list names it", async () => {
  const readme = await cli([
    'run',
    'atsd-deadlock',
    '--bug',
    'release-between-flushes',
    '--set',
    'host.atsdRegisters=2',
    '--seed',
    '1',
    '--duration',
    '60us',
    '--inline',
    '--json',
    '--no-failure-file',
  ]);
  expect(readme.code, readme.stderr).toBe(1);
  const result = JSON.parse(readme.stdout) as RunResult;
  expect(Object.keys(result.expectation!.found)).toContain('order.atsd-shared-register');
  expect(result.expectation!.met).toBe(true);
  expect(readme.stderr).not.toContain('NOT as expected');

  // The same machine in a file of its own that declares the early release alone: its own run
  // with two registers and the switch, and a variant that is that run.
  const dir = testTempDir('npusim-unexpected-');
  const params = workloads.find((w) => w.name === 'atsd-deadlock')!.params;
  const write = (name: string, variants: unknown[]) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        name,
        description: 'the early release alone declared',
        expect: ['order.atsd-released-early'],
        // Exposed, so the verdict is about the rules found, not about a switch it does not expose.
        exposes: [{ bug: 'release-between-flushes', rules: ['order.atsd-released-early'] }],
        params: { ...params, durationTicks: 60_000_000 },
        variants,
      }),
    );
    return file;
  };
  const found = 'found order.atsd-shared-register, order.free-before-flushes too, which are not expected';
  const two = ['--set', 'host.atsdRegisters=2', '--bug', 'release-between-flushes', '--seed', '1'];
  const own = await cli(['run', write('alone', []), ...two, '--inline', '--no-failure-file']);
  expect(own.code, own.stderr).toBe(1);
  expect(unwrapped(own.stderr, 8)).toContain(
    `npusim: the workload's own run (as declared, for host.atsdRegisters 1): violation, NOT as expected (expected order.atsd-released-early; ${found})`,
  );
  expect(unwrapped(own.stdout, 10)).toContain(`order.atsd-released-early: NOT as expected (${found})`);
  const variants = write('early', [
    {
      name: 'two',
      set: { 'host.atsdRegisters': 2 },
      bugs: ['release-between-flushes'],
      expect: ['order.atsd-released-early'],
    },
  ]);
  const variant = await cli([
    'run',
    variants,
    '--variant',
    'two',
    '--seed',
    '1',
    '--inline',
    '--no-failure-file',
  ]);
  expect(variant.code, variant.stderr).toBe(1);
  expect(unwrapped(variant.stderr, 8)).toContain(
    `npusim: variant two: violation, NOT as expected (expected order.atsd-released-early; ${found})`,
  );
});
