/**
 * The command's signal handling (src/cli/interrupt.ts), driven by process.emit: the listeners run
 * as for a real signal, with nothing sent to the test process itself.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import {
  holdSignalsToProcessEnd,
  holdSignalsWhileFlushing,
  Interrupt,
  releaseHeldSignals,
  signalsHeld,
} from '../../src/cli/interrupt.js';

function io(isTTY = false): CliIo & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: { write: () => true },
    stderr: {
      isTTY,
      write: (s: string) => {
        err.push(s);
        return true;
      },
    },
  } as unknown as CliIo & { err: string[] };
}

const opened: Interrupt[] = [];
afterEach(() => {
  for (const i of opened.splice(0)) i.dispose();
  releaseHeldSignals();
  holdSignalsToProcessEnd(false);
  vi.restoreAllMocks();
});

function interrupt(out: CliIo) {
  const i = new Interrupt(out);
  opened.push(i);
  return i;
}

describe('interrupt', () => {
  test('SIGINT, SIGTERM and SIGHUP stop the tracked run; the second within 100 ms is the same request', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const out = io();
      const i = interrupt(out);
      const stop = vi.fn();
      i.track(stop);
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
      process.emit(signal, signal);
      process.emit(signal, signal);
      expect(stop).toHaveBeenCalledTimes(1);
      expect(i.stopped).toBe(true);
      expect(exit).not.toHaveBeenCalled();
      const what = signal === 'SIGINT' ? 'Ctrl-C' : signal;
      expect(out.err.join('')).toBe(`npusim: stopping (${what} again to quit at once)\n`);
      i.dispose();
      vi.restoreAllMocks();
    }
  });

  test('after the run, a signal lets the outputs be written: it stops nothing and says so', () => {
    const out = io();
    const i = interrupt(out);
    const stop = vi.fn();
    i.track(stop);
    i.runOver();
    process.emit('SIGINT', 'SIGINT');
    expect(stop).not.toHaveBeenCalled();
    expect(out.err.join('')).toBe(
      'npusim: Ctrl-C: the run is over; writing its outputs (Ctrl-C again to quit at once)\n',
    );
  });

  test('a signal that came while the last output was written is heard before the handlers go, and changes nothing (QA: dropped, exit 0)', async () => {
    const out = io();
    const i = new Interrupt(out);
    // Keeps Node's default action (the end of this test process) away, whatever happens.
    const guard = (): void => {};
    process.on('SIGINT', guard);
    try {
      i.track(vi.fn());
      i.runOver();
      // Sent to this process for real: Node hears it on the loop's next turn, as it hears one that
      // came while a synchronous write held the loop. close() must give it that turn.
      process.kill(process.pid, 'SIGINT');
      await i.close();
      expect(out.err.join('')).toBe('npusim: Ctrl-C came as the command ended: it cut nothing short\n');
      expect(process.listeners('SIGINT')).toEqual([guard]);
    } finally {
      process.off('SIGINT', guard);
    }
  });

  test('on a terminal each message starts on a new line (after the echoed ^C); off one, no blank line comes first', () => {
    for (const isTTY of [true, false]) {
      const out = io(isTTY);
      const i = interrupt(out);
      i.track(vi.fn());
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
      const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
      process.emit('SIGINT', 'SIGINT');
      i.runOver();
      now.mockReturnValue(1_200);
      process.emit('SIGINT', 'SIGINT');
      expect(exit).toHaveBeenCalledWith(130);
      const lead = isTTY ? '\n' : '';
      // The mocked exit returns, so the handler goes on past it: only the first two lines count.
      expect(out.err.slice(0, 2)).toEqual([
        `${lead}npusim: stopping (Ctrl-C again to quit at once)\n`,
        `${lead}npusim: second SIGINT, exiting (exit 130)\n`,
      ]);
      i.dispose();
      vi.restoreAllMocks();
    }
  });

  test('after the run, a second signal past the same request exits at once', () => {
    const out = io();
    const i = interrupt(out);
    i.runOver();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
    process.emit('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    now.mockReturnValue(1_200);
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
    expect(out.err.join('')).toContain('npusim: second SIGINT, exiting (exit 130)');
  });

  test('after the run, a signal that came twice at once (GNU `timeout` signals the process and its group) is one request: the outputs are still written (QA: nothing was)', () => {
    const out = io();
    const i = interrupt(out);
    i.runOver();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    expect(out.err.join('')).toBe(
      'npusim: Ctrl-C: the run is over; writing its outputs (Ctrl-C again to quit at once)\n',
    );
  });

  test('a command that closes with output still on its way to a slow reader leaves the signals held, with no gap: the first says so and cuts nothing, a later second exits 130 naming what is lost', async () => {
    const out = io();
    // A stdout the reader has not yet taken 150000 bytes of (a Writable's writableLength).
    (out.stdout as unknown as { writableLength: number }).writableLength = 150_000;
    const i = new Interrupt(out);
    await i.close();
    expect(signalsHeld()).toBe(true);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
    process.emit('SIGTERM', 'SIGTERM');
    // The same request (GNU timeout's pair) changes nothing.
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    expect(out.err.join('')).toBe(
      'npusim: SIGTERM came while output was still on its way to its reader (writes of 150000 bytes unfinished): finishing them (SIGTERM again to quit at once, cutting them)\n',
    );
    now.mockReturnValue(2_000);
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).toHaveBeenCalledWith(130);
    expect(out.err.at(-1)).toBe(
      'npusim: second SIGTERM: output cut (writes of 150000 bytes unfinished), exiting (exit 130)\n',
    );
  });

  test('a command that closes with nothing left to write holds no signal; signals are held once however often asked', async () => {
    const before = process.listenerCount('SIGINT');
    await new Interrupt(io()).close();
    expect(signalsHeld()).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(before);
    holdSignalsWhileFlushing(io().stderr, () => 1);
    holdSignalsWhileFlushing(io().stderr, () => 1);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
  });

  test('in the npusim process, a command that closes with everything written holds the signals to its end: one is said once, and none exits (QA: SIGTERM in the exit grace turned exit 1 into 143)', async () => {
    holdSignalsToProcessEnd();
    const out = io();
    await new Interrupt(out).close();
    expect(signalsHeld()).toBe(true);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
    process.emit('SIGTERM', 'SIGTERM');
    now.mockReturnValue(2_000);
    process.emit('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    expect(out.err).toEqual(['npusim: SIGTERM came as the command ended: it cut nothing short\n']);
  });

  test('held after the command already said a signal came as it ended: not said again', () => {
    const out = io();
    holdSignalsWhileFlushing(out.stderr, () => 0, true);
    process.emit('SIGINT', 'SIGINT');
    expect(out.err).toEqual([]);
  });

  test('a signal before the run starts stops it as soon as it is tracked; dispose removes every listener', () => {
    const counts = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    const before = counts();
    const i = interrupt(io());
    process.emit('SIGTERM', 'SIGTERM');
    const stop = vi.fn();
    i.track(stop);
    expect(stop).toHaveBeenCalledTimes(1);
    i.dispose();
    expect(counts()).toEqual(before);
  });
});

describe('interrupt: every command leaves no signal listener behind', () => {
  test('run (clean, crashed, --check-hosts), a variant workload and a sweep', async () => {
    const { cli } = await import('./cli-harness.js');
    const counts = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    const before = counts();
    const short = ['--seed', '1', '--duration', '5us', '--no-failure-file'];
    expect((await cli(['run', 'stress', '--inline', ...short])).code).toBe(0);
    expect((await cli(['run', 'stress', '--inline', '--crash-at', 'gpu0:1', ...short])).code).toBe(4);
    expect((await cli(['run', 'stress', '--check-hosts', ...short])).code).toBe(0);
    expect((await cli(['run', 'multi-tenant', '--inline', ...short])).code).toBe(0);
    expect((await cli(['sweep', 'stress', '--seeds', '1..2', '--duration', '5us', '--jobs', '1'])).code).toBe(
      0,
    );
    expect(counts()).toEqual(before);
  });
});
