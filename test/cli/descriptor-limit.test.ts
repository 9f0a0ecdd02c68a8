/**
 * Out of file descriptors (EMFILE, the process's `ulimit -n`; ENFILE, the system's table): said as
 * the limit it is, with what to raise, exit 2. Under `ulimit -n 64` every command ended with
 * `npusim: unexpected error (exit 4)` and a stack trace through Node's module loader (QA).
 */
import { describe, expect, test, vi } from 'vitest';
import { descriptorLimitText } from '../../src/cli/descriptor-limit.js';

function fsError(code: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: too many open files, open '${path}'`), { code, path });
}

vi.mock('../../src/cli/run-command.js', () => ({
  runCommand: () => Promise.reject(fsError('EMFILE', '/pkg/dist/src/model/actors/chip/tce-mappers.js')),
}));

const { cli } = await import('./cli-harness.js');

describe('the open-files limit', () => {
  test('EMFILE names the file, the limit when known, and what to raise; ENFILE the system table; others are not it', () => {
    expect(descriptorLimitText(fsError('EMFILE', '/a/b.js'), () => 64)).toBe(
      'Expected to open a file, got EMFILE opening /a/b.js: this process may open no more files (`ulimit -n` is 64 here; npusim opens some 100 of its modules at once as a command starts): raise it, `ulimit -n 1024`',
    );
    // The limit cannot be read once no file can be opened: said without it.
    expect(descriptorLimitText(fsError('EMFILE'), () => undefined)).toMatch(
      /^Expected to open a file, got EMFILE: this process may open no more files \(`ulimit -n`; /,
    );
    expect(descriptorLimitText(fsError('ENFILE', '/a/b.js'), () => 64)).toMatch(
      /^Expected to open a file, got ENFILE opening \/a\/b\.js: the system's table of open files is full/,
    );
    expect(descriptorLimitText(fsError('ENOENT', '/a/b.js'), () => 64)).toBeUndefined();
    expect(descriptorLimitText(new Error('EMFILE'), () => 64)).toBeUndefined();
    expect(descriptorLimitText(undefined, () => 64)).toBeUndefined();
  });

  test('a command that meets it exits 2 with that line, not exit 4 and a stack trace', async () => {
    const r = await cli(['run', '--seed', '1', '--duration', '1us', '--inline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^npusim: Expected to open a file, got EMFILE opening \/pkg\/dist\/src\/model\/actors\/chip\/tce-mappers\.js: this process may open no more files \(`ulimit -n`.*raise it, `ulimit -n 1024`\n$/,
    );
    expect(r.stderr).not.toContain('unexpected error');
  });
});
