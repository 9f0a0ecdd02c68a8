/**
 * End-to-end, as main.test.ts: signals (Ctrl-C, SIGTERM, SIGHUP) and a closed or full stdout or
 * stderr, which only a process of its own can meet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { type ChildOutcome, cliChild } from '../support/cli-child.js';
import { FAST_PROGRESS } from '../support/fast-progress.js';
import { testTempDir } from '../support/temp-dir.js';
import { FAILING_RUN, STACK_FRAME, withTestFailuresDir } from './cli-harness.js';

/**
 * The CLI from source as a child process (cli-child.ts), with a temporary failures directory for
 * `run` and `sweep` (cli-harness.ts); with `interruptOn`, sent SIGINT once stderr shows that marker.
 */
function npusim(args: string[], interruptOn?: string | RegExp): Promise<ChildOutcome> {
  return cliChild(
    withTestFailuresDir(args),
    interruptOn === undefined ? {} : { interruptOn, env: FAST_PROGRESS },
  );
}

describe('npusim command, signals and output streams', () => {
  it('cli: a reader of stderr that went away (EPIPE) costs the run nothing: its summary, files and exit code stand', async () => {
    const dir = testTempDir('npusim-epipe-');
    const out = join(dir, 'result.json');
    // `--duration 5` (5 ps) warns on stderr before the run: that write meets the closed pipe.
    const r = await cliChild(
      ['run', '--inline', '--seed', '1', '--duration', '5', '--no-failure-file', '--out', out],
      { closeStderr: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('status clean (exit 0)');
    expect((JSON.parse(readFileSync(out, 'utf8')) as RunResult).status).toBe('clean');
  });

  // A script's `npusim ... | head -c 100` closes stdout under the command: the reader chose to stop
  // reading, so nothing it asked for is lost; no stack trace, no hang, the run's own code and files.
  it('cli: a reader of stdout that went away (EPIPE) ends the command with its own code, files written, stderr without a trace', async () => {
    const dir = testTempDir('npusim-stdout-epipe-');
    const out = join(dir, 'result.json');
    const failing = await cliChild(
      [...FAILING_RUN, '--inline', '--json', '--no-failure-file', '--out', out],
      { closeStdout: true },
    );
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stderr).not.toMatch(STACK_FRAME);
    expect(failing.stderr).not.toContain('npusim: stdout:');
    expect((JSON.parse(readFileSync(out, 'utf8')) as RunResult).exitCode).toBe(1);
    const list = await cliChild(['list', '--json'], { closeStdout: true });
    expect([list.code, list.stderr]).toEqual([0, '']);
  });

  // QA 58 F10: a full disk was reported as a bug of npusim (exit 4, a stack trace).
  it('cli: stdout sent to a full disk (/dev/full) is said in one line naming stdout and ENOSPC, exit 2, for each command', async () => {
    for (const args of [
      ['list', '--json'],
      ['topo', '--json'],
      ['run', '--json', '--inline', '--seed', '1', '--duration', '30us', '--no-failure-file'],
    ]) {
      const r = await cliChild(args, { stdoutTo: '/dev/full' });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toBe(
        "npusim: stdout: Expected to write the command's output, got ENOSPC: no space left on device\n",
      );
    }
  });

  // SIGINT goes once the run has reported progress on stderr (a hand-off, never a sleep).
  it('cli: Ctrl-C stops an inline run, its summary says interrupted, and it exits 130', async () => {
    const r = await npusim(['run', 'stress', '--inline', '--seed', '2', '--duration', '1s'], '% simulated');
    expect(r.stderr).toContain('npusim: stopping');
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('status interrupted (exit 130)');
    expect(r.stderr).toMatch(/npusim: interrupted at .* of 1 s simulated \(exit 130\)/);
  });
  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'cli: %s (Slurm and Kubernetes send SIGTERM; a closed terminal SIGHUP) stops a run as Ctrl-C does: summary, --record file, exit 130',
    async (signal) => {
      const record = join(testTempDir('npusim-sigterm-'), 'run.json');
      const r = await cliChild(
        withTestFailuresDir([
          'run',
          'stress',
          '--inline',
          '--seed',
          '2',
          '--duration',
          '1s',
          '--record',
          record,
        ]),
        { interruptOn: '% simulated', signal, env: FAST_PROGRESS },
      );
      expect(r.stderr).toContain(`npusim: stopping (${signal} again to quit at once)`);
      expect(r.code).toBe(130);
      expect(r.stdout).toContain('status interrupted (exit 130)');
      expect((JSON.parse(readFileSync(record, 'utf8')) as { exit: unknown }).exit).toEqual({
        class: 'interrupted',
        code: 130,
      });
    },
  );
  it('cli: one Ctrl-C sent twice at once (GNU timeout signals the process and its group) stops the run once', async () => {
    const r = await cliChild(
      withTestFailuresDir(['run', 'stress', '--inline', '--seed', '2', '--duration', '1s']),
      { interruptOn: '% simulated', twice: true, env: FAST_PROGRESS },
    );
    expect(r.stderr).not.toContain('second SIGINT');
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('status interrupted (exit 130)');
  });
  it('cli: Ctrl-C stops a threaded run; its JSON result says interrupted and exit 130', async () => {
    // dma-storm keeps its GPU->chip links near saturation: each worker stops at its own tick, past
    // the run's (the least), and a link's busy share over the run's tick read 100.1 % (QA). The
    // signal waits for a progress line past a microsecond: on a loaded machine the first line
    // could still read 0 ps (the least worker's tick), and a run stopped there used no link.
    const r = await npusim(
      ['run', 'dma-storm', '--threads', '--seed', '3', '--duration', '1s', '--json'],
      /% simulated \([\d.]+ (us|ms|s) of/,
    );
    expect(r.stderr).toContain('npusim: stopping');
    expect(r.code).toBe(130);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('interrupted');
    expect(result.exitCode).toBe(130);
    expect(result.simulatedTicks).toBeLessThan(1e12);
    const busiest = Math.max(...result.contention.links.map((l) => l.utilisation));
    expect(busiest).toBeGreaterThan(0);
    expect(busiest).toBeLessThanOrEqual(1);
  });
  it('cli: Ctrl-C during a variant stops it, skips the rest and exits 130', async () => {
    const dir = testTempDir('npusim-variant-int-');
    const file = join(dir, 'long-variant.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'long-variant',
        description: 'a short run, then a variant too long to finish',
        variants: [
          { name: 'long', set: { durationTicks: 1_000_000_000_000 } },
          { name: 'never', set: { policy: 'per-socket' } },
        ],
        params: {
          topology: 'witherspoon-4',
          durationTicks: 20_000_000,
          tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
        },
      }),
    );
    // The marker is the variant's own progress line: its run is under way, its Ctrl-C handler set.
    const r = await npusim(['run', file, '--seed', '1', '--workers', '2', '--json'], 'variant long: ');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      'npusim: variant long interrupted; the 1 variant after it did not run (exit 130)',
    );
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('clean');
    expect(result.variants?.map((v) => [v.name, v.status])).toEqual([['long', 'interrupted']]);
  });
});
