/**
 * The threaded run's control plane: every command goes to every worker over comlink, never per
 * message (docs/theory-of-operation.md#74-backpressure-end-of-run-failures; README.md
 * "Dependencies"). Commands are applied one at a time, in the order they were given (p-queue,
 * concurrency 1), so a pause followed at once by a resume can never leave some workers paused. A
 * command given before the workers exist is kept and sent once they do; one after the end is
 * dropped.
 */
import type * as Comlink from 'comlink';
import PQueue from 'p-queue';
import type { ActorHostApi } from './actor-host-api.js';
import { CONTROL_STOP } from './thread-status.js';

export class ControlPlane {
  /** The workers' comlink remotes; empty until they exist. */
  remotes: Comlink.Remote<ActorHostApi>[] = [];
  /** Set once the run has settled: commands are dropped from then on. */
  finished = false;
  /** A stop was asked for (by the caller or the watchdog): the run did not end by itself. */
  stopRequested = false;
  private readonly commands = new PQueue({ concurrency: 1 });
  private pending: number | undefined;

  /** Sends a control word (thread-status.ts) to every worker, after every command given before it. */
  set(v: number): Promise<void> {
    if (v === CONTROL_STOP && !this.finished) this.stopRequested = true;
    return this.commands.add(async () => {
      if (this.finished) return;
      if (this.remotes.length === 0) {
        this.pending = v;
        return;
      }
      // A command fails only where its worker is gone (its port closed): that worker's 'error' or
      // 'exit' handler reports it as the run's failure (threaded-runtime.ts: a crash, or
      // WorkerLostError), so nothing is lost here, and the others still get the command.
      await Promise.all(this.remotes.map((r) => r.command(v).catch(() => undefined)));
    });
  }

  /** The workers exist: a command given before now is sent to them. */
  attach(remotes: Comlink.Remote<ActorHostApi>[]): void {
    this.remotes = remotes;
    if (this.pending !== undefined) void this.set(this.pending);
  }
}
