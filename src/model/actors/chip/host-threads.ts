/**
 * The host CPU threads of one socket (workload `host.cpuThreads`; thread t runs on socket
 * t mod sockets), over the processes homed here: each in a loop picks a range of a process's pages
 * to munmap or migrate and asks the coordinator, which owns page lifecycle (UNMAP_REQUEST), then
 * waits for UNMAP_DONE (done, or refused because another thread holds the range) and pauses.
 */

import type { ProcessInfo } from '../../host/process.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { UnmapRequestMsg } from '../../protocol/messages/page-lifecycle.js';
import { HostTimerMsg } from '../../protocol/messages/timers.js';
import type { ActorContext } from '../actor.js';
import type { ChipEnv } from './chip-env.js';

export class HostThreads {
  private readonly homed: readonly ProcessInfo[];

  constructor(private readonly env: ChipEnv) {
    this.homed = env.world.processes.filter((pr) => pr.homeSocket === env.socket);
  }

  start(ctx: ActorContext): void {
    if (this.homed.length === 0) return;
    const h = this.env.world.config.params.host;
    const sockets = this.env.world.topology.sockets.length;
    for (let t = this.env.socket; t < h.cpuThreads; t += sockets) {
      ctx.schedule(
        1 + ctx.chooser.choose('host.start', h.unmapIntervalTicks, t),
        HostTimerMsg.encode({ thread: t }),
      );
    }
  }

  /** Thread `thread` picks a range and asks the coordinator to munmap or migrate it. */
  onTimer(thread: number, ctx: ActorContext): void {
    const ch = ctx.chooser;
    const h = this.env.world.config.params.host;
    const proc = this.homed[ch.choose('host.proc', this.homed.length)]!;
    const most = Math.min(h.pagesPerUnmap, proc.pages);
    // One draw more only when asked (host.varyPagesPerUnmap): the draws of every other run stay.
    const pages = h.varyPagesPerUnmap ? 1 + ch.choose('host.pages', most) : most;
    const firstPage = ch.choose('host.page', proc.pages - pages + 1);
    const migrate = ch.choose('host.migrate', 100) < h.migratePercent;
    ctx.send(
      this.env.toCoordinator,
      UnmapRequestMsg.encode({
        thread,
        lpid: proc.lpid,
        pid: proc.pid,
        va: proc.vaBase + firstPage * proc.pageSizeBytes,
        pages,
        migrate,
      }),
      HEADER_BYTES,
    );
  }

  /** The coordinator finished (or refused) this thread's request: the thread goes on after a pause. */
  onDone(thread: number, ctx: ActorContext): void {
    const mean = this.env.world.config.params.host.unmapIntervalTicks;
    ctx.schedule(
      Math.max(1, Math.floor(mean / 2) + ctx.chooser.choose('host.interval', mean, thread)),
      HostTimerMsg.encode({ thread }),
    );
  }
}
