/**
 * Bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252) are refused at their place by
 * every reader of a file a user names (QA: a workload's and a topology's were read as U+FFFD, the
 * run printing `caf�?`, where compare and `--seeds @FILE` refused the same byte).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { utf8Text } from '../../src/io/utf8-text.js';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

describe('a file whose bytes are not UTF-8', () => {
  test('utf8Text: the text, or the line and column (in characters) of the first such byte', () => {
    expect(utf8Text(Buffer.from('{"a": "é"}', 'utf8'))).toEqual({ text: '{"a": "é"}' });
    expect(utf8Text(Buffer.from('{\n  "é": "\u00e9"}', 'latin1'))).toEqual({ line: 2, column: 4 });
    expect(utf8Text(Buffer.from('ab\r\ncd\u00e9', 'latin1'))).toEqual({ line: 2, column: 3 });
  });

  test('topo, a workload file and replay each refuse it at its place (exit 2)', async () => {
    const dir = testTempDir('npusim-latin1-');
    const file = (name: string, value: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, Buffer.from(JSON.stringify(value).replace('cafe', 'caf\u00e9'), 'latin1'));
      return path;
    };
    const topology = file('topology.json', { name: 'cafe' });
    const topo = await cli(['topo', topology]);
    expect(topo.code).toBe(2);
    expect(topo.stderr).toContain(
      `Expected a readable topology file, got \`${topology}\`: bytes that are not UTF-8 text at ${topology}:1:13 (saved as Latin-1 or Windows-1252?)`,
    );
    const workload = file('workload.json', {
      name: 'w',
      description: 'd',
      question: 'Is it cafe?',
      params: {},
    });
    const run = await cli(['run', workload, '--inline', '--no-failure-file']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `npusim: ${workload}: Expected a workload file in UTF-8, got bytes that are not UTF-8 text at ${workload}:1:`,
    );
    const failure = file('failure.json', { format: 'npusim-failure', workload: { name: 'cafe' } });
    const replay = await cli(['replay', failure]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain(`bytes that are not UTF-8 text at ${failure}:1:`);
  });
});
