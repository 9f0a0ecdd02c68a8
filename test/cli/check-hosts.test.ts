/**
 * `--check-hosts` runs each host once (issue 14, item 6): the inline and the threaded run it
 * compares are the runs it reports, not two runs and then a third. The host entry points are
 * wrapped in spies that count starts; everything else is the real command.
 */

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cli } from './cli-harness.js';

vi.mock('../../src/cli/inline-worker.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/cli/inline-worker.js')>();
  return { ...real, startInlineWorker: vi.fn(real.startInlineWorker) };
});
vi.mock('../../src/runtime/engine.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/runtime/engine.js')>();
  return { ...real, startThreadedRun: vi.fn(real.startThreadedRun), runRaw: vi.fn(real.runRaw) };
});

const { startInlineWorker } = await import('../../src/cli/inline-worker.js');
const engine = await import('../../src/runtime/engine.js');

describe('--check-hosts', () => {
  // The spies count every start of the file: each test counts its own (in any order, --sequence.shuffle).
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it('check-hosts: one inline and one threaded run, compared, and the asked-for host is the one reported', async () => {
    const r = await cli([
      'run',
      'stress',
      '--seed',
      '3',
      '--duration',
      '20us',
      '--check-hosts',
      '--inline',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(vi.mocked(startInlineWorker)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(engine.startThreadedRun)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(engine.runRaw)).not.toHaveBeenCalled();
    // stderr names the placement the threaded run had, on lines of at most 100 columns.
    expect(r.stderr.split('\n').filter((l) => l.length > 100)).toEqual([]);
    const digest =
      /--check-hosts: inline and threaded \(one worker per actor\) agree, \d+ events each, event digest ([0-9a-f]{16})\n/.exec(
        unwrapped(r.stderr, 'npusim: '.length),
      )?.[1];
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.eventDigest).toBe(digest);
    expect(result.host).toBe('inline');
    // stress has no variants: nothing is said about them.
    expect(r.stderr).not.toContain('variant');
    // A script reading --json learns what was compared without parsing stderr.
    expect(result.engine.hostsChecked).toEqual({
      inline: digest,
      threaded: digest,
      placement: 'per-actor',
      workers: 9,
      events: result.engine.events,
      agree: true,
    });
  });

  it('check-hosts: a workload with variants compares its own run only, and says so', async () => {
    const r = await cli([
      'run',
      'multi-tenant',
      '--seed',
      '1',
      '--duration',
      '2us',
      '--check-hosts',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(unwrapped(r.stderr, 8)).toContain(
      "npusim: --check-hosts compares the workload's own run; its 2 variants are not run (`--variant NAME --check-hosts` checks one)\n",
    );
    expect((JSON.parse(r.stdout) as RunResult).variants).toBeUndefined();
  });
});
