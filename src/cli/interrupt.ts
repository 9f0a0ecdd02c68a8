import { EXIT } from '../core/exit-codes.js';
import type { CliIo } from './cli-io.js';

/**
 * Ctrl-C for the whole command: the first stops the run in progress (and any run not yet started
 * does not start), the second exits at once with 130.
 */
export class Interrupt {
  stopped = false;
  private stopRun: () => void = () => {};
  private readonly onSigint = (): void => {
    if (this.stopped) {
      this.beforeExit();
      this.io.stderr.write('\nnpusim: second interrupt, exiting (exit 130)\n');
      process.exit(EXIT.interrupted);
    }
    this.stopped = true;
    this.io.stderr.write('\nnpusim: stopping (Ctrl-C again to quit at once)\n');
    this.stopRun();
  };
  beforeExit: () => void = () => {};

  constructor(private readonly io: CliIo) {
    process.on('SIGINT', this.onSigint);
  }

  /** The run now in progress; stopped at once if Ctrl-C came while it was starting. */
  track(stop: () => void): void {
    this.stopRun = stop;
    if (this.stopped) stop();
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}
