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

/**
 * Ctrl-C (SIGINT), SIGTERM (what Slurm, Kubernetes and `kill` send to cancel a job) and SIGHUP (the
 * terminal or SSH session closed: by default it ended a sweep with nothing written; QA) for the whole
 * command: the first stops the run in progress (and any run not yet started does not start), so
 * its summary, `--record` file and a sweep's summary are still written, and the command exits 130;
 * the second exits at once with 130. After the run (`runOver`), while its outputs are written, the
 * first only says so: the outputs of a finished run are worth the seconds a trace can take. Those
 * writes are synchronous, so a signal is seen only when one ends; a second then exits at once.
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
      this.io.stderr.write(
        `${this.lead()}npusim: ${signal === 'SIGINT' ? 'Ctrl-C' : signal} came as the command ended: its outputs are whole\n`,
      );
      return;
    }
    if (this.stopped) {
      // Not after the run: its outputs are written synchronously (a trace can take seconds), so
      // every signal sent meanwhile arrives together when they are done, and each is a press.
      if (!this.outputs && now - this.firstAt < SAME_REQUEST_MS) return;
      this.beforeExit();
      this.io.stderr.write(`${this.lead()}npusim: second ${signal}, exiting (exit 130)\n`);
      // Node's own exit: a workload module's load leaves process.exit guarded (workload-load-guard.ts).
      nodeExit(EXIT.interrupted);
    }
    this.stopped = true;
    this.signal = signal;
    this.firstAt = now;
    const what = signal === 'SIGINT' ? 'Ctrl-C' : signal;
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
    this.dispose();
  }
}
