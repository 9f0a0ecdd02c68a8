/**
 * The TCE (UT=1) side of one chip: the TCE system of this socket's GPUs (their PHB4 and NPU PEs
 * share one table per GPU, tce/tce-system.ts), and the kernel's DMA unmap cycle on it.
 *
 * How an unmap runs (TCE_REMAP from the coordinator), as `__iommu_free` orders it:
 *   1. clear the TCEs now (the oracle hears each cleared TCE and the page it pointed at);
 *   2. after the OPAL call (TCE_KILL_DELAY_TICKS): kill the caches, page by page, or by
 *      "invalidate entire" for a window reset;
 *   3. unpin and free the old pages (their epoch moves on), then map the range again from the free
 *      pool, or, after a window reset, only after WINDOW_RESET_GAP_TICKS (the group changing hands);
 *   4. answer TCE_REMAPPED: the range is the coordinator's again.
 * DMA can land between 1 and 2 through a stale cache entry: the kernel's accepted window while
 * the page is still pinned. The bug switches break it (scenario/bugs.ts): `unpin-before-kill`
 * unpins at step 1, on the GPUs of a tenant whose TCEs a VFIO v1 container clears
 * (scenario/tce-container.ts: the host's own driver frees through `__iommu_free`, and a v2
 * container keeps the page pinned), `tce-kill-no-advance` kills only the first page,
 * `tce-entire-kill-ignored` makes the window reset's kill do nothing. The kills reach the hardware
 * at the actor's tick with its chooser: skiboot before v7.0 (`as-shipped`) leaves page kills to
 * the PHB4, whose backed-up kill queue may drop one (erratum HW560152, tce/phb.ts), counted as
 * `tce.killsDropped`.
 */
import { HEADER_BYTES } from '../../protocol/kinds.js';
import {
  TceKillTimerMsg,
  TceMapTimerMsg,
  type TceRange,
  type TceRemap,
  TceRemapMsg,
  TceRemappedMsg,
} from '../../protocol/messages/tce.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import { tceContainerOf } from '../../scenario/tce-container.js';
import { TceSystem } from '../../tce/tce.js';
import { ns, type PhysAddr, type Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { LatencyHistogram } from '../recorder.js';
import type { ChipEnv } from './chip-env.js';
import { TceKillWitness } from './tce-kill-witness.js';

/** ASSUMED latency of the OPAL TCE kill call after the TCEs are cleared. */
const TCE_KILL_DELAY_TICKS = ns(1000);
/** ASSUMED time a TCE range stays unmapped after a window reset before it is mapped again. */
const WINDOW_RESET_GAP_TICKS = ns(20_000);

export class TceUnmaps {
  readonly tce: TceSystem;
  /** What each kill call did, for the oracle's histories (tce-kill-witness.ts). */
  readonly kills: TceKillWitness;
  /** Pages unpinned and free for the next remap (LIFO: the pages just freed come back first). */
  private readonly freePages: PhysAddr[] = [];
  /** The old pages of each range between its clear and its kill, keyed by `gpu:first`. */
  private readonly pendingKills = new Map<string, (PhysAddr | null)[]>();
  /** When each range in `pendingKills` was cleared: its unmap's latency ends at the kill. */
  private readonly clearedAt = new Map<string, number>();
  /** The old pages of each range between a window reset's kill and its remap. */
  private readonly pendingRemaps = new Map<string, (PhysAddr | null)[]>();
  /** Per GPU: does its unmap unpin at step 1 (`unpin-before-kill` and a v1 container)? */
  private readonly unpinBeforeKill: boolean[];
  /**
   * GPUs whose window the mapping threads are still writing (tce-mappers.ts), with the remaps that
   * arrived meanwhile: the kernel unmaps only what it mapped, so a remap waits until the window is
   * mapped. (Run at once, a remap freed a frame that a mapping thread then wrote at its own index
   * after the remap had put it at another: one frame under two TCEs with one pin.)
   */
  private readonly mapping = new Map<number, TceRemap[]>();

  /**
   * @param unmapLatency each unmap's time from the clear of its TCEs to the kill of their cached
   *   copies (steps 1 to 2: what `__iommu_free` takes), the pages unpinned then.
   */
  constructor(
    private readonly env: ChipEnv,
    private readonly unmapLatency: LatencyHistogram,
  ) {
    const { world, socket } = env;
    const bugs = world.bugs;
    const unpinBug = bugs.has('unpin-before-kill');
    this.unpinBeforeKill = world.gpuOwner.map(
      (owner) => unpinBug && owner >= 0 && tceContainerOf(world.tenants[owner]!.spec) === 'v1',
    );
    this.kills = new TceKillWitness(env.oracle);
    this.tce = new TceSystem(world.topology, {
      killLoopNoAdvance: bugs.has('tce-kill-no-advance'),
      entireKillIgnored: bugs.has('tce-entire-kill-ignored'),
      firmware: world.firmware,
      killLog: this.kills.log,
    });
    const h = world.config.params.host;
    for (const g of world.topology.sockets[socket]!.gpus) {
      const pages = world.tcePages[g]!;
      if (pages.length === 0) continue;
      this.tce.createWindow(g, { windowPages: Math.max(pages.length, 1), levelEntries: h.tceLevelEntries });
      // With mapping threads (tce-mappers.ts) the window is mapped during the run instead.
      if (h.tceMapThreads !== undefined) {
        this.mapping.set(g, []);
        continue;
      }
      const first = this.tce.table(g).indexOf(this.tce.map(g, pages))!;
      // An indexed loop: once per TCE, in code still cold (ChipActor.tellOracleTheOwners).
      for (let i = 0; i < pages.length; i++)
        env.oracle.observe({ kind: 'tce.write', tick: 0 as Tick, gpu: g, index: first + i, pa: pages[i]! });
    }
    this.kills.discard();
  }

  /** Tell the oracle of each TCE from `first` on that was cleared or written (null: none was there). */
  private observeTces(
    kind: 'tce.clear' | 'tce.write',
    gpu: number,
    first: number,
    pages: readonly (PhysAddr | null)[],
    ctx: ActorContext,
  ): void {
    pages.forEach((pa, i) => {
      if (pa !== null) this.env.oracle.observe({ kind, tick: ctx.now as Tick, gpu, index: first + i, pa });
    });
  }

  /** The mapping threads wrote every TCE of `gpu`'s window: the remaps that waited run now, in order. */
  windowMapped(gpu: number, ctx: ActorContext): void {
    const waiting = this.mapping.get(gpu);
    this.mapping.delete(gpu);
    for (const r of waiting ?? []) this.clear(r, ctx);
  }

  onRemap(m: SimMessage, ctx: ActorContext): void {
    // Decoded now: the runtime reuses the message once its handler returns.
    const r = TceRemapMsg.decode(m);
    const waiting = this.mapping.get(r.gpu);
    if (waiting === undefined) this.clear(r, ctx);
    else waiting.push(r);
  }

  /** Step 1: clear the TCEs now, kill after the OPAL call. */
  private clear(r: TceRemap, ctx: ActorContext): void {
    const old = this.tce.clearTces(r.gpu, r.firstIndex, r.pages);
    this.observeTces('tce.clear', r.gpu, r.firstIndex, old, ctx);
    this.env.counters.add(C.tceUnmaps);
    if (this.unpinBeforeKill[r.gpu]) this.unpinAndFree(old, ctx);
    ctx.schedule(TCE_KILL_DELAY_TICKS, TceKillTimerMsg.encode(r));
    this.pendingKills.set(`${r.gpu}:${r.firstIndex}`, old);
    this.clearedAt.set(`${r.gpu}:${r.firstIndex}`, ctx.now);
  }

  /** Steps 2 and 3: kill (per page, or "invalidate entire" for a window reset), unpin, remap. */
  onKill(m: SimMessage, ctx: ActorContext): void {
    const k = TceKillTimerMsg.decode(m);
    const dropped = this.tce.killsDropped();
    if (k.windowReset) {
      // A window reset (set/unset window, ownership change): a PE kill on the PHB4 and
      // invalidate_entire on the NPU, whose token 126 skiboot rejects with the bug switch (8a2b6d51b).
      this.tce.windowKills(k.gpu, ctx);
      this.env.counters.add('tce.entireKills');
    } else {
      this.tce.kill(k.gpu, k.firstIndex, k.pages, ctx);
    }
    this.kills.drain(k.gpu, this.tce.table(k.gpu), ctx.now);
    this.countDrops(dropped);
    this.env.counters.add(C.tceKills);
    const key = `${k.gpu}:${k.firstIndex}`;
    const old = this.pendingKills.get(key) ?? [];
    this.pendingKills.delete(key);
    const cleared = this.clearedAt.get(key);
    this.clearedAt.delete(key);
    if (cleared !== undefined) this.unmapLatency.record(Math.max(1, ctx.now - cleared));
    if (!this.unpinBeforeKill[k.gpu]) this.unpinAndFree(old, ctx);
    if (k.windowReset) {
      // After a window reset the range stays unmapped for a while (the group changes hands): DMA
      // in that gap must fault, or, through a stale cache entry, reach freed pages.
      this.pendingRemaps.set(key, old);
      ctx.schedule(WINDOW_RESET_GAP_TICKS, TceMapTimerMsg.encode(k));
      return;
    }
    this.remap(k, old, ctx);
  }

  /**
   * Each unmap still in flight at `endTick` (its TCEs cleared, its kill not yet come), as long as it
   * had lasted, into `unfinished`: the row of the unmap latency has only those that ended. One
   * cleared past the end (a threaded --stop-on-first run's actor may go on past the stop before it
   * hears of it) did not exist there.
   */
  recordUnfinished(endTick: number, unfinished: LatencyHistogram): void {
    for (const at of this.clearedAt.values()) if (at <= endTick) unfinished.record(Math.max(1, endTick - at));
  }

  onMapTimer(m: SimMessage, ctx: ActorContext): void {
    const r = TceMapTimerMsg.decode(m);
    const key = `${r.gpu}:${r.firstIndex}`;
    const old = this.pendingRemaps.get(key) ?? [];
    this.pendingRemaps.delete(key);
    this.remap(r, old, ctx);
  }

  /** Map the range again from the free pool; then the range is the coordinator's again (step 4). */
  private remap(r: TceRange, old: (PhysAddr | null)[], ctx: ActorContext): void {
    const { world } = this.env;
    const owner = world.gpuOwner[r.gpu]!;
    const fresh: PhysAddr[] = [];
    for (let i = 0; i < r.pages; i++) {
      const pa = (this.freePages.pop() ?? old[i] ?? null) as PhysAddr | null;
      if (pa === null) continue;
      fresh.push(pa);
      if (owner >= 0)
        this.env.oracle.observe({
          kind: 'page.owner',
          tick: ctx.now as Tick,
          pa,
          lpid: world.tenants[owner]!.lpid,
        });
    }
    if (fresh.length === r.pages) {
      this.tce.writeTces(r.gpu, r.firstIndex, fresh, 'rw');
      this.observeTces('tce.write', r.gpu, r.firstIndex, fresh, ctx);
      const dropped = this.tce.killsDropped();
      this.tce.kill(r.gpu, r.firstIndex, r.pages, ctx);
      this.kills.drain(r.gpu, this.tce.table(r.gpu), ctx.now);
      this.countDrops(dropped);
      this.env.counters.add(C.tceMaps);
    }
    ctx.send(
      this.env.toCoordinator,
      TceRemappedMsg.encode({ gpu: r.gpu, firstIndex: r.firstIndex }),
      HEADER_BYTES,
    );
  }

  /** Count the PHB4 page kills dropped since the TCE system had dropped `before` (HW560152). */
  private countDrops(before: number): void {
    const n = this.tce.killsDropped() - before;
    if (n > 0) this.env.counters.add('tce.killsDropped', n);
  }

  private unpinAndFree(old: readonly (PhysAddr | null)[], ctx: ActorContext): void {
    for (const pa of old) {
      if (pa === null) continue;
      this.env.oracle.observe({ kind: 'tce.unpin', tick: ctx.now as Tick, pa });
      this.env.epochs.set(pa, (this.env.epochs.get(pa) ?? 0) + 1);
      this.freePages.push(pa);
    }
  }
}
