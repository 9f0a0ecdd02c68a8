import { EXIT } from '../core/exit-codes.js';
import { nodeExit } from '../runtime/workload-load-guard.js';
import type { CliIo } from './cli-io.js';
import { takeDownBar } from './live-bar.js';

/**
 * Two signals closer than this are one request: GNU `timeout -s INT` (and `kill` of a process
 * group) sends the signal to the process and to its group, so it arrives twice, microseconds apart.
 */
const SAME_REQUEST_MS = 100;

/** The signals that stop a command's run (class comment). */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A signal as the messages name it: Ctrl-C for SIGINT, else its name. */
const signalWord = (signal: NodeJS.Signals): string => (signal === 'SIGINT' ? 'Ctrl-C' : signal);

/**
 * Ctrl-C (SIGINT), SIGTERM (what Slurm, Kubernetes and `kill` send to cancel a job) and SIGHUP (the
 * terminal or SSH session closed: by default it ended a sweep with nothing written; QA) for the whole
 * command: the first stops the run in progress (and any run not yet started does not start), so
 * its summary, `--record` file and a sweep's summary are still written, and the command exits 130;
 * the second exits at once with 130. After the run (`runOver`), while its outputs are written, the
 * first only says so: the outputs of a finished run are worth the seconds a trace can take. Those
 * writes are synchronous, so a signal is seen only when one ends; a second then exits at once,
 * unless it came within SAME_REQUEST_MS of the first, as GNU `timeout`'s pair does (it counted as
 * two, and `timeout -s INT` during a long --trace left no output at all: QA); two presses queued
 * behind one synchronous write arrive as close together and count once too, the next press
 * quitting.
 * Node hears a signal on a turn of its event loop: one that came while the last synchronous write
 * held the loop would reach no handler once the command removed them, and the command ended as if
 * nobody had pressed Ctrl-C (QA: two presses during a long `--trace`, exit 0 and nothing said). So
 * the command ends with `close`, which gives the loop that turn first: such a signal is then said,
 * and changes nothing, every output being whole.
 */
export class Interrupt {
  stopped = false;
  /** The signal that first stopped the run (a sweep's summary names it: SIGINT is Ctrl-C). */
  signal: NodeJS.Signals | undefined;
  private stopRun: () => void = () => {};
  private outputs = false;
  private firstAt = 0;
  /** `close` began: every output is written and the command's exit code decided. */
  private closing = false;
  private saidClosing = false;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    if (this.closing) {
      if (this.saidClosing) return;
      this.saidClosing = true;
      // Nothing was cut short by it: every output was written, or failed by itself and was said.
      this.io.stderr.write(`${this.lead()}${endedText(signal)}`);
      return;
    }
    if (this.stopped) {
      if (now - this.firstAt < SAME_REQUEST_MS) return;
      this.beforeExit();
      this.io.stderr.write(`${this.lead()}npusim: second ${signal}, exiting (exit 130)\n`);
      // Node's own exit: a workload module's load leaves process.exit guarded (workload-load-guard.ts).
      nodeExit(EXIT.interrupted);
    }
    this.stopped = true;
    this.signal = signal;
    this.firstAt = now;
    const what = signalWord(signal);
    if (this.outputs) {
      this.io.stderr.write(
        `${this.lead()}npusim: ${what}: the run is over; writing its outputs (${what} again to quit at once)\n`,
      );
      return;
    }
    this.io.stderr.write(`${this.lead()}npusim: stopping (${what} again to quit at once)\n`);
    this.stopRun();
  };
  beforeExit: () => void = () => {};

  /**
   * A terminal echoes `^C` where its cursor is, mid progress bar: the bar is taken down first
   * (terminal-bar.ts: left live, it was redrawn under the message and its stop went back up over
   * it), which clears its line, echo and all; with no bar drawn, a newline puts the message on a
   * line of its own. Off a terminal (a job's log) every line already ended, and that newline was
   * a blank line before the message (QA).
   */
  private lead(): string {
    if (takeDownBar(this.io.stderr)) return '';
    return this.io.stderr.isTTY === true ? '\n' : '';
  }

  constructor(private readonly io: CliIo) {
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
  }

  /** The run now in progress; stopped at once if a signal came while it was starting. */
  track(stop: () => void): void {
    this.outputs = false;
    this.stopRun = stop;
    if (this.stopped) stop();
  }

  /** The run is over: a first signal from now on lets its outputs be written. */
  runOver(): void {
    this.outputs = true;
    this.stopRun = () => {};
  }

  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
  }

  /**
   * The command is done: hear any signal still on its way (class comment), then dispose. Node
   * hears signals in the loop's poll phase, and an immediate queued from the poll phase runs
   * before the next poll: the second immediate is queued after the first ran, so a poll comes
   * between the two whichever phase the command ended in.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    // Output still on its way to a slow reader: signals stay held from here to the process's end
    // (holdSignalsWhileFlushing), with no gap while the command's last steps run (a worker's
    // termination took long enough for a signal to meet Node's default action and cut the output).
    // In the npusim process itself (main.ts: heldToProcessEnd), always: the process's last steps
    // (a worker's termination, the exit grace) took long enough for a signal to meet Node's
    // default action and turn a finished run's exit code into 130 or 143, saying nothing (QA).
    const unwritten = (): number => unwrittenBytes(this.io.stdout) + unwrittenBytes(this.io.stderr);
    if (unwritten() > 0 || heldToProcessEnd)
      holdSignalsWhileFlushing(this.io.stderr, unwritten, this.saidClosing);
    this.dispose();
  }
}

/** `npusim: Ctrl-C came as the command ended: it cut nothing short`, said once. */
function endedText(signal: NodeJS.Signals): string {
  return `npusim: ${signalWord(signal)} came as the command ended: it cut nothing short\n`;
}

/** Set by the npusim process (main.ts): the signals are held from a command's close to its exit. */
let heldToProcessEnd = false;

/**
 * The npusim process asks this at its start: a command's signals are held from its close until the
 * process ends (holdSignalsWhileFlushing), not only where output is still on its way. A library
 * caller's process or a test's, running commands in-process, keeps its own signal handling.
 */
export function holdSignalsToProcessEnd(on = true): void {
  heldToProcessEnd = on;
}

/**
 * Bytes of `stream`'s writes not yet finished (a Writable's `writableLength`): a write counts whole
 * until it ends, though a pipe may already hold part of it.
 */
export function unwrittenBytes(stream: NodeJS.WritableStream): number {
  const length = (stream as { writableLength?: unknown }).writableLength;
  return typeof length === 'number' ? length : 0;
}

/** The handler that holds the signals, once they are held: held once, until the process ends. */
let holding: ((signal: NodeJS.Signals) => void) | undefined;

/**
 * Signals after the command: its output may still be on its way to a slow reader (a pipe whose
 * reader reads late: stdout holds what the pipe has not taken). With no handler left, Node's
 * default action ended the process there, the reader got a cut JSON and nothing said so (QA:
 * 65536 bytes of a run's result, exit 130). So, from the command's close (or, for a command with
 * no Interrupt, main.ts endOnceFlushed) until the process ends, a first signal says the output is
 * being finished and changes nothing; a second (not the same request: SAME_REQUEST_MS) exits at
 * once with 130, saying how much was left unwritten. With everything written, a signal is said
 * once (unless `said`, the command's own Interrupt already said it) and changes nothing: the exit
 * code stays the command's, the process ending within its grace (main.ts).
 */
export function holdSignalsWhileFlushing(
  stderr: NodeJS.WritableStream,
  unwritten: () => number,
  said = false,
): void {
  if (holding !== undefined) return;
  let firstAt: number | undefined;
  let saidEnded = said;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    if (unwritten() === 0 && firstAt === undefined) {
      if (!saidEnded) stderr.write(endedText(signal));
      saidEnded = true;
      return;
    }
    if (firstAt === undefined) {
      firstAt = now;
      stderr.write(
        `npusim: ${signalWord(signal)} came while output was still on its way to its reader (writes of ${unwritten()} bytes unfinished): finishing them (${signalWord(signal)} again to quit at once, cutting them)\n`,
      );
      return;
    }
    if (now - firstAt < SAME_REQUEST_MS) return;
    stderr.write(
      `npusim: second ${signal}: output cut (writes of ${unwritten()} bytes unfinished), exiting (exit 130)\n`,
    );
    nodeExit(EXIT.interrupted);
  };
  holding = onSignal;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** Whether the signals are held (holdSignalsWhileFlushing); for tests, which also release them. */
export function signalsHeld(): boolean {
  return holding !== undefined;
}

/** Stops holding the signals: a command never does (the process ends held); a test does. */
export function releaseHeldSignals(): void {
  if (holding === undefined) return;
  for (const signal of SIGNALS) process.off(signal, holding);
  holding = undefined;
}
