/**
 * Each command handed another of npusim's files (core/npusim-files.ts) says which file it got and
 * which command takes it, instead of naming the first field that file lacks: a failure file given
 * to `compare`, a run result to `replay`, a topology or a workload to either.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, FAILING_RUN, STACK_FRAME } from './cli-harness.js';

describe('a file of the wrong kind is named for what it is', () => {
  test('compare, replay, run and --topology given each other’s files: exit 2, the kind and its command named', async () => {
    const dir = testTempDir('npusim-wrong-kind-');
    const result = join(dir, 'result.json');
    const failures = join(dir, 'failures');
    const ran = await cli([
      ...FAILING_RUN,
      '--duration',
      '30us',
      '--inline',
      '--out',
      result,
      '--failures',
      failures,
    ]);
    expect(ran.code, ran.stderr).toBe(1);
    const failure = join(failures, readdirSync(failures)[0]!);
    const topology = join(dir, 'topology.json');
    writeFileSync(topology, JSON.stringify(TOPOLOGY_PRESETS['witherspoon-4']));
    const workload = join(dir, 'workload.json');
    writeFileSync(workload, JSON.stringify({ name: 'w', description: 'd', params: {} }));

    const cases: [string[], string, string][] = [
      [['compare', result, failure], failure, 'a run result'],
      [['replay', result], result, 'a failure file'],
      [['shrink', result, '--out', join(dir, 'small.json')], result, 'a failure file'],
      [['compare', result, topology], topology, 'a run result'],
      [['replay', workload], workload, 'a failure file'],
      // run's workload and --topology, given npusim's other files (they named the first field the
      // file lacked: `name: Expected a string`, `format: Expected a topology field`).
      [['run', failure, '--inline'], failure, 'a workload file'],
      [['run', result, '--inline'], result, 'a workload file'],
      [['run', topology, '--inline'], topology, 'a workload file'],
      [['run', 'stress', '--topology', failure, '--inline'], failure, 'a topology file'],
      [['run', 'stress', '--topology', result, '--inline'], result, 'a topology file'],
      [['sweep', 'stress', '--seeds', '1', '--topology', workload], workload, 'a topology file'],
    ];
    const got = {
      [failure]:
        'an npusim failure file or --record file (format `npusim-failure`: `npusim replay` and `npusim shrink` take it)',
      [result]: 'an npusim run result (from `npusim run --out` or `--json`: `npusim compare` takes it)',
      [topology]: 'a topology (`--topology FILE` takes it)',
      [workload]: 'a workload (`npusim run FILE` takes it)',
    };
    for (const [argv, file, expected] of cases) {
      const r = await cli(argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stderr.split('\n')[0]).toMatch(
        new RegExp(`^npusim: ${file.replace(/[.]/g, '\\.')}: Expected ${expected}\\b.*, got `),
      );
      expect(r.stderr.split('\n')[0]!.endsWith(`got ${got[file]}`)).toBe(true);
    }
  });
});
