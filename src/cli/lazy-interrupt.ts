/**
 * The command's Interrupt (interrupt.ts), made when its first run starts: `npusim replay`'s.
 *
 * Theory. Until a run begins, a command has nothing a signal could save: it is reading its file,
 * loading the workloads and checking its outputs, all of it soon over and none of it written. So
 * a signal then should end it as a process ends by default (exit 130 for Ctrl-C, nothing
 * printed), as a command still loading does; the Interrupt's handlers, once installed, would
 * instead only note the signal and let a run start that is told at once to stop. Installing them
 * when the first run is hosted (`take`) gives both: the default before, and from then on the
 * first signal stops the run between two events and the command reports what it has (exit 130),
 * the second exits at once. `npusim replay` takes it as it prints its header, just before its
 * first run, so a signal sent on seeing the header is the run's. Every run the command hosts
 * takes it (the replayed run and its history's, inline, threaded, or a free run's from its take
 * log: each on a thread other than the command's, which stays free to see the signal), so one
 * signal stops whichever is running, and a run started after it is stopped before its first
 * event (Interrupt.track).
 *
 * The command disposes of `taken` when it ends; undefined means no run started, so no handler
 * was ever installed.
 */
import type { CliIo } from './cli-io.js';
import { Interrupt } from './interrupt.js';

export class LazyInterrupt {
  /** The Interrupt once a run has taken it; undefined before. */
  taken: Interrupt | undefined;

  constructor(private readonly io: CliIo) {}

  /** The command's Interrupt, its signal handlers installed on the first call. */
  take(): Interrupt {
    this.taken ??= new Interrupt(this.io);
    return this.taken;
  }
}
