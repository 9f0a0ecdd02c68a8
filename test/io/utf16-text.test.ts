/**
 * A JSON file saved as UTF-16 (Notepad's "Unicode", PowerShell's `>`) is refused as UTF-16 by
 * every reader of a JSON file a user names, not as "bytes that are not UTF-8 text (a binary
 * file?)" (replay, topo, a workload file) nor as a binary file for its zero bytes (compare): QA.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { utf16Encoding, utf16JsonText } from '../../src/io/utf16-text.js';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

/** `text` as Notepad saves "Unicode": UTF-16 little endian with its byte order mark. */
function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

const SAID = 'got text saved as UTF-16 (it begins with 0xff 0xfe, UTF-16';

describe('a JSON file saved as UTF-16', () => {
  test('its byte order mark names it; UTF-8, with or without a mark, is no UTF-16', () => {
    expect(utf16Encoding(utf16le('{}'))).toBe('utf-16le');
    expect(utf16Encoding(Buffer.from([0xfe, 0xff, 0, 0x7b, 0, 0x7d]))).toBe('utf-16be');
    expect(utf16JsonText(Buffer.from([0xfe, 0xff, 0, 0x7b]))).toContain('0xfe 0xff');
    expect(utf16Encoding(Buffer.from('\uFEFF{}', 'utf8'))).toBeUndefined();
    expect(utf16JsonText(Buffer.from('{}', 'utf8'))).toBeUndefined();
  });

  test('replay, compare, topo and a workload file each say what it is (exit 2)', async () => {
    const dir = testTempDir('npusim-utf16-');
    const file = (name: string) => {
      const path = join(dir, name);
      writeFileSync(path, utf16le('{"name": "x"}\r\n'));
      return path;
    };
    const failure = file('failure.json');
    const replay = await cli(['replay', failure]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain(`npusim: ${failure}: Expected a readable failure file, ${SAID}`);
    expect(replay.stderr).toContain('save the file as UTF-8');
    const result = file('result.json');
    const compared = await cli(['compare', result, result]);
    expect(compared.code).toBe(2);
    expect(compared.stderr).toContain(`Expected a run result file (npusim run --out FILE), ${SAID}`);
    expect(compared.stderr).not.toContain('binary');
    const topology = file('topology.json');
    const topo = await cli(['topo', topology]);
    expect(topo.code).toBe(2);
    expect(topo.stderr).toContain(
      `Expected a readable topology file, got \`${topology}\`: text saved as UTF-16`,
    );
    const workload = file('workload.json');
    const run = await cli(['run', workload, '--inline', '--no-failure-file']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Expected a workload file in UTF-8, ${SAID}`);
  });
});
