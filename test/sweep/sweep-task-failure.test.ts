/**
 * A seed whose pool task fails without an actor's crash (npusim itself threw, or its thread died)
 * is counted as a crash and said in a note, never dropped, and the sweep stops: before, the rejection went unhandled,
 * the sweep came back "clean" with 0 seeds run, and the CLI process died with none of the summary.
 */
import { describe, expect, test } from 'vitest';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { parseSeedRange } from '../../src/sweep/seeds.js';
import { runSweep, sweepWorkerFile } from '../../src/sweep/sweep.js';
import { workloads } from '../../workloads/index.js';

const w = workloads.find((x) => x.name === 'flush-race')!;
// A topology no pool thread can build: every seed's task throws a plain error (no actor crashed).
const config = {
  workload: w.name,
  seed: 0,
  bugs: [],
  params: { ...parseParams({ ...w.params, durationTicks: 1_000_000 }, w.name), topology: 'no-such-machine' },
} as unknown as RunConfig;

describe('sweep: a seed whose task fails', () => {
  test('such a seed is counted as a crash with its message, and no more seeds are handed out', async () => {
    const notes: string[] = [];
    const s = await runSweep({
      config,
      workload: w,
      seeds: parseSeedRange('1..20'),
      jobs: 2,
      onNote: (line) => notes.push(line),
    });
    // The seeds already running when the first failed finish (and fail); none starts after.
    expect(s.ran).toBeGreaterThanOrEqual(1);
    expect(s.ran).toBeLessThanOrEqual(2);
    expect(s.failed).toBe(s.ran);
    expect(s.byClass).toEqual({ crash: s.ran });
    expect(s.worstExitCode).toBe(4);
    expect(s.stoppedEarly).toBe(true);
    expect(s.failures[0]).toMatchObject({ seed: 1, rule: 'crash', file: null });
    // Why it stopped, and the seeds left: every seed after those that ran (in order, two at a time).
    expect(s.stop?.reasons).toEqual(['npusim-failed']);
    expect(s.stop?.notRun.reduce((n, span) => n + span.last - span.first + 1, 0)).toBe(20 - s.ran);
    expect(notes).toHaveLength(s.ran);
    expect(notes.sort()[0]).toMatch(/^seed 1: npusim failed, so no failure file: .*no-such-machine/);
  });

  test('with --stop-on-first, the first such seed stops the sweep as any failure does', async () => {
    const s = await runSweep({
      config: { ...config, stopOnFirst: true },
      workload: w,
      seeds: parseSeedRange('1..20'),
      jobs: 1,
    });
    expect(s.failed).toBeGreaterThanOrEqual(1);
    expect(s.ran).toBeLessThan(20);
    expect(s.stoppedEarly).toBe(true);
  });

  test('a pool whose threads cannot load the task file: each seed a crash, and no uncaught error', async () => {
    const notes: string[] = [];
    // Vitest fails the file on an uncaught exception: the pool's 'error' (a thread that fails
    // outside any task) was one, and ended `npusim sweep` with exit 1.
    const s = await runSweep({
      config: { ...config, params: { ...config.params, topology: w.params.topology } } as RunConfig,
      workload: w,
      seeds: parseSeedRange('1..6'),
      jobs: 2,
      taskFile: '/nonexistent/npusim sweep-worker.js',
      onNote: (line) => notes.push(line),
    });
    expect(s.ran).toBeGreaterThanOrEqual(1);
    expect(s.byClass).toEqual({ crash: s.ran });
    expect(s.worstExitCode).toBe(4);
    expect(s.stoppedEarly).toBe(true);
    expect(notes.some((n) => n.includes('npusim sweep-worker.js'))).toBe(true);
  });
});

describe('sweep: the task file', () => {
  test('is a path, not a percent-encoded URL (installed under a space or a non-ASCII letter)', () => {
    const base = 'file:///opt/my%20dir/%C3%BC/node_modules/npusim/dist/src/sweep/sweep.js';
    expect(sweepWorkerFile(base)).toMatch(
      /^\/opt\/my dir\/ü\/node_modules\/npusim\/dist\/workers\/sweep-worker\.(ts|js)$/,
    );
  });
});
