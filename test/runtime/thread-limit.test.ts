/**
 * A thread the system refuses (Node's Worker throws a bare `Error: EAGAIN` when the user's
 * `ulimit -u` or a container's pids limit is reached) is said as such, with the threads wanted and
 * the placements that need fewer, and the workers already started are stopped. Before, it was
 * `npusim: unexpected error (exit 4)` and a stack trace (QA). No test can lower the limit itself
 * (root, as CI runs, is exempt from it), so Node's Worker here refuses from its `refuseFrom`-th
 * construction on, as the system would, and builds real workers before that.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { meshMachineUrl } from '../support/fixture-machine.js';

const gate = vi.hoisted(() => ({ made: 0, refuseFrom: Number.POSITIVE_INFINITY }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class RefusingWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      if (++gate.made >= gate.refuseFrom) throw new Error('EAGAIN');
      super(...args);
    }
  }
  return { ...real, Worker: RefusingWorker, default: { ...real, Worker: RefusingWorker } };
});

const { createWorkerAt, ThreadLimitError } = await import('../../src/runtime/worker-url.js');
const { liveWorkerCount, runThreaded } = await import('../../src/runtime/threaded-runtime.js');

afterEach(() => {
  gate.made = 0;
  gate.refuseFrom = Number.POSITIVE_INFINITY;
});

describe('a thread the system refuses', () => {
  test("starting one worker: a configuration error that names the limit, not Node's bare EAGAIN", () => {
    gate.refuseFrom = 1;
    const e = (() => {
      try {
        createWorkerAt(new URL('data:text/javascript,'));
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ThreadLimitError);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe(
      "Expected to start a worker thread, got EAGAIN from the system: no more threads may be started here (the user's `ulimit -u`, or a container's pids limit)",
    );
  });

  test('a threaded run refused its third worker of five: said with the count and the placements that need fewer; the two started are stopped', async () => {
    gate.refuseFrom = 3;
    const meshUrl = meshMachineUrl();
    const config = { actors: 5, tokens: 8, latencyTicks: 2_000, jitterTicks: 300 };
    const err = await runThreaded(meshUrl, config, { seed: 1, endTick: 1e6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadLimitError);
    expect((err as Error).message).toBe(
      "Expected to start 5 worker threads, got EAGAIN from the system at thread 3: no more threads may be started here (the user's `ulimit -u`, or a container's pids limit); `--workers 2` needs two, `--inline` one",
    );
    expect(liveWorkerCount()).toBe(0);
  });

  test('a threaded run refused its second worker: only `--inline` is offered, two threads having failed', async () => {
    gate.refuseFrom = 2;
    const meshUrl = meshMachineUrl();
    const config = { actors: 5, tokens: 8, latencyTicks: 2_000, jitterTicks: 300 };
    const err = await runThreaded(meshUrl, config, { seed: 1, endTick: 1e6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadLimitError);
    expect((err as Error).message).toMatch(/at thread 2: .*; `--inline` one$/);
    expect((err as Error).message).not.toContain('--workers 2');
    expect(liveWorkerCount()).toBe(0);
  });
});
