/**
 * `npusim shrink --out FILE` where the write fails after the shrink (the path passed the check
 * made before it, as /dev/full does: writable, on a device statfs does not call full): the
 * shrink's table is still printed, stderr says the file was not written and why, and the exit is
 * 2, with no stack trace. Found by QA: the write's ENOSPC escaped as an unexpected error (exit 4),
 * and the table of the finished shrink was lost with it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';
import { cli, FAILING_RUN } from './cli-harness.js';

test.skipIf(!existsSync('/dev/full'))(
  'a shrunk file that cannot be written: the table stays, the exit is 2, no stack',
  async () => {
    const failures = testTempDir('npusim-shrink-out-');
    const run = await cli([...FAILING_RUN, '--stop-on-first', '--inline', '--failures', failures]);
    expect(run.code, run.stderr).toBe(1);
    const [name] = readdirSync(failures).filter((f) => f.endsWith('.json'));
    const r = await cli(['shrink', join(failures, name!), '--budget', '2', '--out', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('before');
    expect(r.stdout).toContain('(the shrunk failure file was not written: above on stderr)');
    expect(r.stdout).not.toContain('npusim replay /dev/full');
    expect(r.stderr).toContain('npusim: --out: could not write `/dev/full`');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  },
);
