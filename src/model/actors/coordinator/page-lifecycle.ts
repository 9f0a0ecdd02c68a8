/**
 * The host kernels' page lifecycle, which the coordinator owns. A CPU thread on a chip asks to
 * munmap or migrate a range (UNMAP_REQUEST); the coordinator answers UNMAP_DONE when the old frames
 * are free and the new ones mapped, or at once, refused, when another thread is already changing
 * that range (mmap_sem). The lifecycle of one request:
 *   1. PTE_CLEAR to every chip whose NPU has a GPU of the process; wait for all to apply it;
 *   2. mmio_invalidate: a shootdown (shootdown-runner.ts) on every NPU of the process, as many
 *      as the kernel runs, one after another (each starts when the one before it completes):
 *      - a munmap, two over the whole range: Linux v4.14..v5.12 calls the NPU's mmu_notifier
 *        `invalidate_range` (npu-dma.c pnv_npu2_mn_invalidate_range) once from
 *        mmu_notifier_invalidate_range_end at the end of unmap_vmas (after the PTEs are cleared,
 *        before the CPU's tlbie; mm/mmu_notifier.c "Call invalidate_range here too"), and again
 *        from tlb_flush_mmu_tlbonly right after tlb_flush in tlb_finish_mmu; the pages are freed
 *        after the second (tlb_flush_mmu_free);
 *      - a migration, one per page at that page's size: migrate_pages moves page by page
 *        (unmap_and_move -> try_to_unmap_one, whose notifier range is the one page), each page's
 *        mmio_invalidate once (range_end; a migration entry needs no second, 0f10851ea475), and
 *        the next page only once this one is moved: sequential, as Linux's loop. (The PTEs of the
 *        whole range are cleared up front, in step 1, as one PTE_CLEAR: a simplification.)
 *   3. only then free the old frames (PAGE_FREE to every chip: the epoch moves on) and map fresh
 *      ones at the same addresses (PTE_SET), on the home socket or, for a migration, the other one:
 *      a munmap's after its second shootdown, a migration's page by page, each after its own.
 * A migration secures its new frames before step 1, as migrate_pages calls get_new_page before it
 * unmaps anything: the target socket's allocator reserves them at the request. A page the target
 * cannot give (its RAM full: -ENOMEM) is not migrated: it stays mapped where it is, nothing is
 * cleared or shot down for it, and `pages.migrateFailedNoMemory` counts it. Like migrate_pages,
 * which stops at the first -ENOMEM, the pages before it in the range still migrate. A munmap's
 * fresh frame is the next fault's: on the home socket, or when that is full, the next socket that
 * has one (the page allocator's zonelist fallback; `pages.mappedOffHome`). Neither touches a run
 * whose sockets never fill: the frames are allocated where and when they always were.
 * Bug switches break exactly one of these steps (scenario/bugs.ts): `free-before-shootdown` frees
 * at step 1. The oracle's order rules hear every unmap, free and shootdown step. The kernel cannot
 * know whether a GPU translated a page, so every GPU of the process counts as having translated
 * every page it maps (`translation.made` at map time).
 */

import { AssertionFailure } from '../../../core/errors.js';
import { isOverdue, type ShootdownInFlight } from '../../check/rules/liveness-rules.js';
import { hostRam } from '../../host/host-ram.js';
import { PAGE_64K, type PageReservation, type PhysPages } from '../../host/page-table.js';
import type { ProcessInfo } from '../../host/process.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import * as lifecycle from '../../protocol/messages/page-lifecycle.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import { TAG_SPAN } from '../../protocol/wire.js';
import { hex, type Lpid, type PhysAddr, type Pid, type Tick, type VirtAddr } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { LatencyHistogram } from '../recorder.js';
import type { CoordinatorEnv } from './coordinator-env.js';
import { ShootdownRunner } from './shootdown-runner.js';

interface HostOp {
  id: number;
  thread: number;
  /** Socket of the CPU thread that asked (its NPU is "local" for the local-npu-only bug). */
  requester: number;
  proc: ProcessInfo;
  firstPage: number;
  pages: number;
  migrate: boolean;
  /** The socket whose RAM gives the new frames: the home socket, or the other one for a migration. */
  target: number;
  /** A migration's new frames on `target`, reserved at the request (none for pages already there). */
  reservation: PageReservation | undefined;
  startedAt: number;
  phase: 'clearing' | 'shootdown';
  clearsPending: number;
  oldPages: PhysAddr[];
  /** Every page freed at once (the `free-before-shootdown` bug): no free after the shootdowns. */
  freed: boolean;
  /** Shootdowns (mmio_invalidate calls) it runs: 2 for a munmap, one per page for a migration. */
  shootdowns: number;
  /** Of those, completed. */
  shootdownsDone: number;
  /** A migration's reserved frames once taken (at its first page's move), and how many are used. */
  fresh: PhysAddr[] | undefined;
  freshUsed: number;
}

/**
 * mmio_invalidate calls per munmap (range_end, then tlb_flush_mmu_tlbonly; Linux v4.14..v5.12),
 * unless `host.unmapInvalidates` says otherwise.
 */
const MUNMAP_SHOOTDOWNS = 2;

export class PageLifecycle {
  private readonly ram: PhysPages[];
  /** Current frame of every process page (process index -> page index -> pa). */
  private readonly frames: PhysAddr[][];
  /** Pages some request is changing (`process:page`): mmap_sem, as far as this model needs it. */
  private readonly busy = new Set<string>();
  private readonly ops = new Map<number, HostOp>();
  private nextOp = 1;
  private readonly procByPid = new Map<number, ProcessInfo>();
  private readonly shootdowns: ShootdownRunner;
  /** mmio_invalidate calls per munmap. */
  private readonly unmapShootdowns: number;

  constructor(
    private readonly env: CoordinatorEnv,
    private readonly shootdownLatency: LatencyHistogram,
  ) {
    const world = env.world;
    // The coordinator's allocators replay the world's initial allocations, so frame numbers agree.
    // Indexed loops, once per page: this runs in a worker whose code is still cold, where an
    // iterator or a callback per page costs far more than the work (ChipActor.tellOracleTheOwners).
    this.unmapShootdowns = env.params.host.unmapInvalidates ?? MUNMAP_SHOOTDOWNS;
    this.ram = hostRam(world.topology);
    this.frames = [];
    for (let i = 0; i < world.processes.length; i++) {
      const pr = world.processes[i]!;
      const ram = this.ram[pr.homeSocket]!;
      const tenant = world.tenants[pr.tenant]!.id;
      const expected = world.processPages[i]!;
      const frames: PhysAddr[] = [];
      for (let k = 0; k < pr.pages; k++) {
        const pa = ram.allocate(pr.pageSizeBytes, tenant).base;
        if (pa !== expected[k]) throw new Error('coordinator: initial frames differ from the world');
        frames.push(pa);
      }
      this.frames.push(frames);
    }
    for (const g of world.topology.gpus) {
      const owner = world.gpuOwner[g.index]!;
      const ram = this.ram[g.socket]!;
      const tenant = owner >= 0 ? world.tenants[owner]!.id : '';
      for (let i = 0; i < world.tcePages[g.index]!.length; i++) ram.allocate(PAGE_64K, tenant);
    }
    for (const pr of world.processes) this.procByPid.set(pr.pid, pr);
    this.shootdowns = new ShootdownRunner(env, env.oracle, (id, _sd, ctx) => this.finishShootdown(id, ctx));
    // What the oracle needs from the start: the mappings, and who may have translated them.
    for (let i = 0; i < world.processes.length; i++) {
      const pr = world.processes[i]!;
      const pages = world.processPages[i]!;
      for (let k = 0; k < pages.length; k++) this.observeMap(pr, k, pages[k]!, 0);
    }
  }

  get inFlight(): number {
    return this.ops.size;
  }

  onUnmapRequest(m: SimMessage, ctx: ActorContext): void {
    const r = lifecycle.UnmapRequestMsg.decode(m);
    const proc = this.processOf(r);
    const firstPage = this.firstPageOf(r, proc);
    const requester = this.env.world.actors[m.source]!.socket!;
    const keys = Array.from({ length: r.pages }, (_, i) => `${proc.index}:${firstPage + i}`);
    if (keys.some((k) => this.busy.has(k))) {
      // Another CPU is already changing this range (mmap_sem): refused, the thread tries again later.
      ctx.send(
        this.env.toChip[requester]!,
        lifecycle.UnmapDoneMsg.encode({ thread: r.thread, refused: true }),
        HEADER_BYTES,
      );
      return;
    }
    const sockets = this.env.world.topology.sockets.length;
    const target = r.migrate ? (proc.homeSocket + 1) % sockets : proc.homeSocket;
    let pages = r.pages;
    let reservation: PageReservation | undefined;
    if (r.migrate) {
      ({ pages, reservation } = this.reserveMigration(proc, firstPage, r.pages, target));
      if (pages < r.pages) this.env.counters.add('pages.migrateFailedNoMemory', r.pages - pages);
      if (pages === 0) {
        // migrate_pages returned -ENOMEM before unmapping anything: done, nothing moved.
        ctx.send(
          this.env.toChip[requester]!,
          lifecycle.UnmapDoneMsg.encode({ thread: r.thread, refused: false }),
          HEADER_BYTES,
        );
        return;
      }
    }
    for (let i = 0; i < pages; i++) this.busy.add(keys[i]!);
    const id = this.nextOp;
    this.nextOp = (this.nextOp % (TAG_SPAN - 1)) + 1;
    const op: HostOp = {
      id,
      thread: r.thread,
      proc,
      firstPage,
      pages,
      migrate: r.migrate,
      target,
      reservation,
      requester,
      startedAt: ctx.now,
      phase: 'clearing',
      clearsPending: proc.npus.length,
      oldPages: Array.from({ length: pages }, (_, i) => this.frames[proc.index]![firstPage + i]!),
      freed: false,
      shootdowns: r.migrate ? pages : this.unmapShootdowns,
      shootdownsDone: 0,
      fresh: undefined,
      freshUsed: 0,
    };
    this.ops.set(id, op);
    const va = proc.vaBase + firstPage * proc.pageSizeBytes;
    this.observeUnmap(op, va, ctx.now as Tick);
    for (const npu of proc.npus) {
      ctx.send(
        this.env.toChip[npu]!,
        lifecycle.PteClearMsg.encode({ op: id, lpid: proc.lpid, pid: proc.pid, va, pages }),
        HEADER_BYTES,
      );
    }
  }

  /**
   * The new frames a migration of `n` pages from `firstPage` needs on `target`, reserved now: one
   * for each page not already there (a page already on the target is freed and mapped again in
   * place, which needs no more memory). When the target cannot promise them all, the pages up to
   * the first it cannot give (migrate_pages stops at -ENOMEM); `pages` says how many migrate.
   */
  private reserveMigration(
    proc: ProcessInfo,
    firstPage: number,
    n: number,
    target: number,
  ): { pages: number; reservation: PageReservation | undefined } {
    const ram = this.ram[target]!;
    const size = proc.pageSizeBytes;
    const frames = this.frames[proc.index]!;
    let need = 0;
    for (let i = 0; i < n; i++) if (this.ramOf(frames[firstPage + i]!) !== ram) need++;
    if (need === 0) return { pages: n, reservation: undefined };
    const all = ram.reserve(size, need);
    if (all !== undefined) return { pages: n, reservation: all };
    const most = ram.reservable(size);
    let pages = 0;
    let got = 0;
    for (; pages < n; pages++) {
      if (this.ramOf(frames[firstPage + pages]!) === ram) continue;
      if (got === most) break;
      got++;
    }
    if (got === 0) return { pages, reservation: undefined };
    const some = ram.reserve(size, got);
    if (some === undefined) throw new AssertionFailure(`coordinator: ${got} reservable pages refused`);
    return { pages, reservation: some };
  }

  /** The process an UNMAP_REQUEST names (by pid, checked against its LPID). */
  private processOf(r: lifecycle.UnmapRequest): ProcessInfo {
    const proc = this.procByPid.get(r.pid);
    if (proc === undefined || proc.lpid !== r.lpid) {
      throw new Error(`coordinator: UNMAP_REQUEST for unknown lpid ${r.lpid} pid ${r.pid}`);
    }
    return proc;
  }

  /** The index of the request's first page in the process, the whole range inside it. */
  private firstPageOf(r: lifecycle.UnmapRequest, proc: ProcessInfo): number {
    const firstPage = (r.va - proc.vaBase) / proc.pageSizeBytes;
    if (
      !(Number.isInteger(firstPage) && firstPage >= 0 && firstPage + r.pages <= proc.pages && r.pages >= 1)
    ) {
      throw new Error(`coordinator: UNMAP_REQUEST for ${hex(r.va)}+${r.pages} pages outside pid ${r.pid}`);
    }
    return firstPage;
  }

  /** Tell the oracle about each page of the op leaving its mapping (`va`: the range's start). */
  private observeUnmap(op: HostOp, va: number, now: Tick): void {
    const proc = op.proc;
    const size = proc.pageSizeBytes;
    for (let i = 0; i < op.pages; i++) {
      this.env.oracle.observe({
        kind: 'page.unmap',
        tick: now,
        lpid: proc.lpid,
        pid: proc.pid as Pid,
        va: (va + i * size) as VirtAddr,
        pa: op.oldPages[i]!,
        sizeBytes: size,
        shootdowns: op.migrate ? 1 : this.unmapShootdowns,
      });
    }
  }

  onPteCleared(m: SimMessage, ctx: ActorContext): void {
    const c = lifecycle.PteClearedMsg.decode(m);
    const op = this.ops.get(c.op);
    if (op === undefined || op.phase !== 'clearing')
      throw new Error(`coordinator: stray PTE_CLEARED for op ${c.op}`);
    if (--op.clearsPending > 0) return;
    if (this.env.world.bugs.has('free-before-shootdown')) {
      op.freed = true;
      this.freeAndRemap(op, 0, op.pages, ctx);
    }
    op.phase = 'shootdown';
    this.startShootdown(op, ctx);
  }

  /**
   * The op's next shootdown (its `shootdownsDone`-th): a munmap's covers the whole range, a
   * migration's the one page it moves next. Each has the op's id: they never overlap.
   */
  private startShootdown(op: HostOp, ctx: ActorContext): void {
    const pr = op.proc;
    const guest = pr.lpid !== 0;
    const first = op.migrate ? op.firstPage + op.shootdownsDone : op.firstPage;
    const pages = op.migrate ? 1 : op.pages;
    this.env.counters.add(C.shootdownsStarted);
    this.shootdowns.start(
      {
        id: op.id,
        lpid: pr.lpid,
        pid: pr.pid as Pid,
        start: pr.vaBase + first * pr.pageSizeBytes,
        sizeBytes: pages * pr.pageSizeBytes,
        npus: pr.npus,
        localNpu: pr.npus.includes(op.requester) ? op.requester : pr.npus[0]!,
        guest: guest ? { lpid: pr.lpid, registersByNpu: this.guestRegisters(pr) } : undefined,
        sizeRule: this.env.params.host.sizeRule,
      },
      ctx,
    );
  }

  onAtsdAnswer(m: SimMessage, ctx: ActorContext): void {
    this.shootdowns.onAnswer(m, ctx);
  }

  /**
   * The ATSD registers a guest's own mmio_invalidate may take on each NPU of the process (the host
   * hands ATSD[link index] of each bridge to the guest, Linux vfio_pci_nvlink2.c, and QEMU
   * hw/ppc/spapr_pci_nvlink2.c lists them as the vPHB's "ibm,mmio-atsd";
   * docs/theory-of-operation.md#3-the-mechanisms-and-what-they-model, "Chip"). `host.guestAtsd`:
   * 'first-link' gives the register of the first bridge of the process's first GPU there (one
   * register per NPU, as the model first had it); 'every-link' gives the registers of every bridge
   * of every GPU the guest owns on that NPU, over which its acquire_atsd_reg spins. Never 6 or 7:
   * no bridge has those link indices.
   */
  private guestRegisters(pr: ProcessInfo): Map<number, number[]> {
    const w = this.env.world;
    const t = w.topology;
    const out = new Map<number, number[]>();
    if (this.env.params.host.guestAtsd === 'first-link') {
      for (const g of pr.gpus) {
        const gi = t.gpus[g]!;
        if (!out.has(gi.socket)) out.set(gi.socket, [t.bridges[gi.bridges[0]!]!.linkIndex]);
      }
      return out;
    }
    const sockets = new Set(pr.gpus.map((g) => t.gpus[g]!.socket));
    for (const gpu of w.tenants[pr.tenant]!.gpus) {
      const gi = t.gpus[gpu]!;
      if (!sockets.has(gi.socket)) continue;
      const regs = out.get(gi.socket) ?? [];
      for (const b of gi.bridges) regs.push(t.bridges[b]!.linkIndex);
      out.set(gi.socket, regs);
    }
    for (const regs of out.values()) regs.sort((a, b) => a - b);
    return out;
  }

  /**
   * One shootdown of the op done: a migration moves its page now; the next shootdown starts at once;
   * after the last, a munmap frees and maps its range, and the thread hears UNMAP_DONE. The latency
   * histogram takes one sample per request (from UNMAP_REQUEST to this last shootdown: what the
   * thread waits for), `shootdown.requests` counts them, `shootdown.completed` counts every
   * mmio_invalidate.
   */
  private finishShootdown(id: number, ctx: ActorContext): void {
    const op = this.ops.get(id)!;
    this.env.counters.add(C.shootdownsCompleted);
    const page = op.shootdownsDone++;
    if (op.migrate && !op.freed) this.freeAndRemap(op, page, page + 1, ctx);
    if (op.shootdownsDone < op.shootdowns) {
      this.startShootdown(op, ctx);
      return;
    }
    this.shootdownLatency.record(Math.max(1, ctx.now - op.startedAt));
    this.env.counters.add('shootdown.requests');
    if (!op.migrate && !op.freed) this.freeAndRemap(op, 0, op.pages, ctx);
    this.ops.delete(op.id);
    for (let i = 0; i < op.pages; i++) this.busy.delete(`${op.proc.index}:${op.firstPage + i}`);
    ctx.send(
      this.env.toChip[op.requester]!,
      lifecycle.UnmapDoneMsg.encode({ thread: op.thread, refused: false }),
      HEADER_BYTES,
    );
  }

  /**
   * Free the old frames of pages `from` .. `to` - 1 of the op (every chip hears the new epoch), then
   * map fresh ones at the same VAs.
   */
  private freeAndRemap(op: HostOp, from: number, to: number, ctx: ActorContext): void {
    const pr = op.proc;
    const world = this.env.world;
    const tenant = world.tenants[pr.tenant]!.id;
    for (let i = from; i < to; i++) {
      const old = op.oldPages[i]!;
      const freed = this.ramOf(old).free(old);
      this.env.counters.add(C.pagesFreed);
      this.env.oracle.observe({
        kind: 'page.free',
        tick: ctx.now as Tick,
        pa: old,
        sizeBytes: pr.pageSizeBytes,
        epoch: freed.epoch,
      });
      for (const e of this.env.toChip)
        ctx.send(e, lifecycle.PageFreeMsg.encode({ pa: old, epoch: freed.epoch }), HEADER_BYTES);
    }
    for (let i = from; i < to; i++) {
      const fresh = op.migrate ? this.migrationFrame(op, i, tenant) : this.refaultFrame(op, tenant);
      const k = op.firstPage + i;
      this.frames[pr.index]![k] = fresh;
      this.env.counters.add(C.pagesMapped);
      if (op.migrate) this.env.counters.add(C.migrations);
      this.observeMap(pr, k, fresh, ctx.now);
      const pte = lifecycle.PteSetMsg.encode({
        lpid: pr.lpid,
        pid: pr.pid,
        va: pr.vaBase + k * pr.pageSizeBytes,
        pa: fresh,
      });
      // Every chip walking the process's page table, and the home chip of the new frame (it must
      // learn the frame's owner even when no GPU of the process is on its socket).
      const home = world.topology.sockets.findIndex((s) => this.ram[s.socket] === this.ramOf(fresh));
      const chips = pr.npus.includes(home) ? pr.npus : [...pr.npus, home];
      for (const npu of chips) ctx.send(this.env.toChip[npu]!, pte, HEADER_BYTES);
    }
  }

  /**
   * A migration's new frame for page `i`, its old one just freed: a page that was already on the
   * target gets one from the target (its own frame, just freed, is there for it); any other one of
   * those reserved at the request, all taken together at the first that needs one (a reservation
   * is taken whole), in page order.
   */
  private migrationFrame(op: HostOp, i: number, tenant: string): PhysAddr {
    const ram = this.ram[op.target]!;
    if (this.ramOf(op.oldPages[i]!) === ram) return ram.allocate(op.proc.pageSizeBytes, tenant).base;
    if (op.fresh === undefined) {
      if (op.reservation === undefined)
        throw new AssertionFailure(
          `coordinator: migration op ${op.id} moves page ${i} with nothing reserved`,
        );
      op.fresh = ram.take(op.reservation, tenant).map((p) => p.base);
    }
    const pa = op.fresh[op.freshUsed++];
    if (pa === undefined)
      throw new AssertionFailure(
        `coordinator: migration op ${op.id} used up its ${op.fresh.length} reserved pages`,
      );
    return pa;
  }

  /**
   * A munmap's fresh frame: from the home socket, or when it has none to give (full, or what is
   * left promised to migrations) from the next socket that has one, as the page allocator falls
   * back along its zonelist. There always is one: every old frame was just freed.
   */
  private refaultFrame(op: HostOp, tenant: string): PhysAddr {
    const size = op.proc.pageSizeBytes;
    const sockets = this.ram.length;
    let page = this.ram[op.target]!.tryAllocate(size, tenant);
    for (let d = 1; page === undefined && d < sockets; d++) {
      page = this.ram[(op.target + d) % sockets]!.tryAllocate(size, tenant);
      if (page !== undefined) this.env.counters.add('pages.mappedOffHome');
    }
    if (page === undefined) throw new AssertionFailure(`coordinator: no socket gives a freed page again`);
    return page.base;
  }

  private ramOf(pa: number): PhysPages {
    const r = this.ram.find((x) => x.pageOf(pa as PhysAddr) !== undefined);
    if (r === undefined) throw new Error(`coordinator: ${hex(pa)} is in no host RAM allocator`);
    return r;
  }

  private observeMap(pr: ProcessInfo, k: number, pa: PhysAddr, now: number): void {
    const va = (pr.vaBase + k * pr.pageSizeBytes) as VirtAddr;
    for (let i = 0; i < pr.gpus.length; i++) {
      const gpu = pr.gpus[i]!;
      this.env.oracle.observe({
        kind: 'translation.made',
        tick: now as Tick,
        gpu,
        lpid: pr.lpid as Lpid,
        pid: pr.pid as Pid,
        va,
        pa,
        sizeBytes: pr.pageSizeBytes,
      });
    }
  }

  /**
   * Is some request overdue by the liveness rule (isOverdue) and not yet reported? Cheap: no
   * descriptions, which the rule's judgement (watchdog.ts) builds only when one is.
   */
  anyOverdue(now: number, deadlineTicks: number, reported: ReadonlySet<number>): boolean {
    for (const o of this.ops.values()) if (isOverdue(o, now, deadlineTicks, reported)) return true;
    return false;
  }

  /**
   * Shootdowns started and not completed (`shootdown.started` counts each mmio_invalidate; a
   * request in its shootdown phase runs exactly one at a time): the counter
   * `shootdown.inFlightAtEnd`, so that started = completed + it.
   */
  shootdownsStarted(): number {
    let n = 0;
    for (const o of this.ops.values()) if (o.phase === 'shootdown') n++;
    return n;
  }

  /** Every request in flight (a munmap still clearing its PTEs too), as the liveness rule reads them. */
  inFlightShootdowns(): ShootdownInFlight[] {
    return [...this.ops.values()].map((o) => ({
      id: o.id,
      lpid: o.proc.lpid,
      pid: o.proc.pid,
      pages: o.pages,
      va: o.proc.vaBase + o.firstPage * o.proc.pageSizeBytes,
      npus: o.proc.npus,
      startedAt: o.startedAt,
      describe: this.shootdowns.describe(o.id, o.phase),
    }));
  }
}
