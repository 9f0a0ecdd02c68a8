/**
 * The coordinator's liveness watchdog: every quarter of the shootdown deadline (and at every unmap
 * request, and at the end) it asks the liveness rule (check/rules/liveness-rules.ts) about the
 * shootdowns in flight. It runs even when every CPU thread is stuck in a shootdown, when no host
 * timer fires any more.
 */
import { judgeShootdownDeadlines } from '../../check/rules/liveness-rules.js';
import type { Violation } from '../../check/violation.js';
import { WatchdogTimerMsg } from '../../protocol/messages/timers.js';
import type { ActorContext } from '../actor.js';
import type { PageLifecycle } from './page-lifecycle.js';

/**
 * Liveness failures kept in full; the rest are counted (`notKept`), as ViolationLog keeps
 * violations. One shootdown gives at most one, but every shootdown that misses its deadline gives
 * one (`flush-race --set host.shootdownDeadlineTicks=1000` found 51 in 1 ms and 202 in 4 ms), so a
 * long run's list, and its result file, grew with its length.
 */
export const LIVENESS_KEPT = 50;

export class Watchdog {
  readonly found: Violation[] = [];
  /** Liveness failures found past the LIVENESS_KEPT kept in `found`. */
  notKept = 0;
  private readonly reported = new Set<number>();

  constructor(
    private readonly lifecycle: PageLifecycle,
    private readonly deadlineTicks: number,
  ) {}

  private get periodTicks(): number {
    return Math.max(1, Math.floor(this.deadlineTicks / 4));
  }

  start(ctx: ActorContext): void {
    ctx.schedule(this.periodTicks, WatchdogTimerMsg.encode({}));
  }

  onTimer(ctx: ActorContext): void {
    this.check(ctx.now);
    ctx.schedule(this.periodTicks, WatchdogTimerMsg.encode({}));
  }

  check(now: number): void {
    if (!this.lifecycle.anyOverdue(now, this.deadlineTicks, this.reported)) return;
    const inFlight = this.lifecycle.inFlightShootdowns();
    for (const v of judgeShootdownDeadlines(inFlight, now, this.deadlineTicks, this.reported)) {
      if (this.found.length < LIVENESS_KEPT) this.found.push(v);
      else this.notKept++;
    }
  }
}
