/**
 * `npusim sweep --json > /dev/full`: the JSON cannot be written, so a clean sweep exits 2 (main.ts);
 * the exit line on stderr, said once the write has failed, says that code and why, not the `exit
 * 0` of the worst class found (QA: `npusim: sweep: exit 0 (the worst class found)` above the
 * ENOSPC, and exit 2).
 */
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { testTempDir } from '../support/temp-dir.js';

/** A sweep's `--json` run with stdout failing as a full disk does, or written; its code and stderr. */
async function sweepJson(stdoutFails: boolean): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const stdout = new Writable({
    write(_chunk, _encoding, done) {
      done(
        stdoutFails
          ? Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
          : null,
      );
    },
  });
  // Its 'error' event is main.ts's to hear, which this test does not run.
  stdout.on('error', () => {});
  const stderrStream = new Writable({
    write(chunk, _encoding, done) {
      stderr += String(chunk);
      done();
    },
  });
  const argv = ['sweep', 'stress', '--seeds', '1..2', '--duration', '5us', '--jobs', '1', '--json'];
  const code = await runCli([...argv, '--failures', testTempDir('npusim-stdout-lost-')], {
    stdout,
    stderr: stderrStream,
    env: { NO_COLOR: '1', NPUSIM_PROGRESS_INTERVAL: '0' },
  });
  return { code, stderr };
}

describe('sweep --json: stdout that cannot be written', () => {
  test('the exit line says exit 2 and why, as the command exits; written, it says the worst class', async () => {
    const lost = await sweepJson(true);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(
      /(^|\n)npusim: sweep: exit 2 \(no failure found, and stdout could not be written: ENOSPC\)\n$/,
    );
    const written = await sweepJson(false);
    expect(written.code).toBe(0);
    expect(written.stderr).toMatch(/(^|\n)npusim: sweep: exit 0 \(the worst class found\)\n$/);
  });
});
