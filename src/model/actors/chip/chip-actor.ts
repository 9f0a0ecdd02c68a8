/**
 * A POWER9 chip as an actor: its NPU (XTS tables, ATSD registers, the NPU2 PHB and the GPUs' PHB4
 * with their TCE caches), its nest MMU walking page tables, and its share of host memory.
 *
 * What it keeps:
 * - the processes homed on this socket and their CPU threads (workload `host.cpuThreads`, thread t
 *   on socket t mod sockets): a thread picks a range to munmap or migrate and asks the coordinator,
 *   which owns page lifecycle (UNMAP_REQUEST / UNMAP_DONE);
 * - a replica of the page tables of every process with a GPU behind this NPU, updated by the
 *   coordinator's PTE_CLEAR / PTE_SET (the host kernel's PTE stores; their arrival is when the nest
 *   MMU's walk can see them);
 * - the epoch of every host page (PAGE_FREE is broadcast), and the owner of the pages homed here:
 *   every DMA that reaches memory here is checked against them (the oracle's translation-safety and
 *   isolation rules, judged where the access lands, outside the GPU that made it);
 * - the ATSD unit (atsd.ts): the coordinator drives shootdowns by messages; a busy register or a
 *   non-zero STAT is not answered until it frees (the spin of acquire_atsd_reg / mmio_invalidate_wait,
 *   with its wait time counted), so a hang shows as a shootdown that never completes;
 * - the TCE system (tce.ts) of this socket's GPUs; TCE unmaps run clear -> (1 us OPAL call) kill ->
 *   unpin/free -> remap, so DMA can land in the window between clear and kill.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { ViolationLog } from '../../check/violation.js';
import { PAGE_64K, type PageSize, PageTables, PhysPages } from '../../host/page-table.js';
import { type AtsdBrick, AtsdUnit, type LaunchParams } from '../../npu/atsd.js';
import { MSR_GUEST, MSR_HOST, NestMmu } from '../../npu/nest-mmu.js';
import {
  AtsdOpCode,
  DmaFlags,
  DmaStatus,
  HEADER_BYTES,
  K,
  PFN_SHIFT,
  unpackPfn,
} from '../../protocol/message-kinds.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import { TceSystem } from '../../tce/tce.js';
import type { BusAddr, Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../types.js';
import { hex, ns } from '../../types.js';
import type { Actor, ActorContext, ActorReport } from '../actor.js';
import { C, H } from '../metric-names.js';
import { edgeOf, homeSocketOf, type World } from '../world.js';

/** ASSUMED memory access latency at the home chip. */
const MEMORY_LATENCY_TICKS = ns(100);
/** ASSUMED latency of the OPAL TCE kill call after the TCEs are cleared. */
const TCE_KILL_DELAY_TICKS = ns(1000);
/** ASSUMED time a TCE range stays unmapped after a window reset before it is mapped again. */
const WINDOW_RESET_GAP_TICKS = ns(20_000);
const EPOCH_MASK = 0xfffff;

interface Waiter {
  owner: number;
  fixedRegister?: number;
  guestLpid?: Lpid;
  askedAt: number;
}

export class ChipActor implements Actor {
  readonly kind = 'chip' as const;
  readonly name: string;
  private readonly socket: number;
  private readonly tables = new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: PAGE_64K }));
  private readonly nmmu: NestMmu;
  private readonly atsd: AtsdUnit;
  private readonly tce: TceSystem;
  /** Epoch of every host page this chip has heard freed (default 0). */
  private readonly epochs = new Map<number, number>();
  /** LPID owning each page homed here (allocated), for the isolation check. */
  private readonly owners = new Map<number, number>();
  /** Pages pinned by a TCE of this socket's GPUs. */
  private readonly tcePinned = new Set<number>();
  private readonly tceFree: number[] = [];
  private readonly toCoordinator: number;
  private readonly toGpu = new Map<number, number>();
  private readonly toOtherChip = new Map<number, number>();
  /** Bridge BDF (as an int) of each GPU's first link, for XTS lookups. */
  private readonly bdfOfGpu = new Map<number, number>();
  private readonly msrOfLpid = new Map<number, number>();
  private readonly acquireWaiters: Waiter[] = [];
  private readonly statWaiters = new Map<number, { owner: number; askedAt: number }>();
  private readonly counters: Record<string, number> = {};
  private readonly translateLatency: RecordableHistogram = createHistogram();
  private readonly registerWait: RecordableHistogram = createHistogram();
  private readonly violations = new ViolationLog();
  /** Processes whose home (first GPU) is on this socket: their CPU threads run here. */
  private readonly homedProcesses: World['processes'];

  constructor(
    readonly index: number,
    private readonly world: World,
  ) {
    const slot = world.actors[index]!;
    this.socket = slot.socket!;
    this.name = slot.name;
    const t = world.topology;
    const bugs = world.bugs;
    this.nmmu = new NestMmu(this.tables, { npuIndex: this.socket });
    const sk = t.sockets[this.socket]!;
    const bricks: AtsdBrick[] = [];
    for (const b of sk.bridges.map((i) => t.bridges[i]!)) {
      bricks.push({ gpu: b.gpu, brick: b.linkIndex });
      const owner = world.gpuOwner[b.gpu]!;
      const bdf = b.pci.bus * 256 + b.pci.device * 8 + b.pci.fn;
      if (!this.bdfOfGpu.has(b.gpu)) this.bdfOfGpu.set(b.gpu, bdf);
      if (owner < 0) continue; // no tenant: no context, so the brick is never VALID
      const tenant = world.tenants[owner]!;
      const msr = tenant.lpid === 0 ? MSR_HOST : MSR_GUEST;
      this.msrOfLpid.set(tenant.lpid, msr);
      // pnv_npu2_map_lpar_dev: map_lpar then init_context (host at boot, a guest at KVM attach).
      const r1 = this.nmmu.mapLpar(bdf, tenant.lpid, 0, b.linkIndex);
      const r2 = this.nmmu.initContext(bdf, msr);
      if (r1.rc !== 0 || r2.rc !== 0)
        throw new Error(`${this.name}: XTS setup of ${b.bdf}: ${r1.reason}${r2.reason}`);
    }
    this.atsd = new AtsdUnit({
      npuIndex: this.socket,
      xts: this.nmmu,
      bricks,
      registerCount: world.config.params.host.atsdRegisters,
      atsdNoValidBdf: bugs.has('atsd-no-valid-bdf'),
    });
    this.tce = new TceSystem(t, {
      killLoopNoAdvance: bugs.has('tce-kill-no-advance'),
      entireKillIgnored: bugs.has('tce-entire-kill-ignored'),
      unpinBeforeKill: bugs.has('unpin-before-kill'),
      firmware: world.firmware,
    });
    for (const g of sk.gpus) {
      const pages = world.tcePages[g]!;
      if (pages.length === 0) continue;
      this.tce.createWindow(g, { windowPages: Math.max(pages.length, 1) });
      this.tce.map(g, pages);
      for (const p of pages) this.tcePinned.add(p);
    }
    // Page tables of processes with a GPU here, and owners of the pages homed here.
    world.processes.forEach((pr, i) => {
      const pages = world.processPages[i]!;
      if (pr.npus.includes(this.socket)) {
        const table = this.tables.table(pr.lpid, pr.pid as Pid);
        pages.forEach((pa, k) => {
          table.map({
            va: (pr.vaBase + k * PAGE_64K) as VirtAddr,
            pa,
            sizeBytes: PAGE_64K,
            epoch: 0,
            writable: true,
            mappedAt: 0 as Tick,
          });
        });
      }
      if (pr.homeSocket === this.socket) for (const pa of pages) this.owners.set(pa, pr.lpid);
    });
    for (const g of sk.gpus) {
      const owner = world.gpuOwner[g]!;
      if (owner >= 0) for (const pa of world.tcePages[g]!) this.owners.set(pa, world.tenants[owner]!.lpid);
    }
    this.toCoordinator = edgeOf(world, index, world.coordinator, 'control');
    this.homedProcesses = world.processes.filter((pr) => pr.homeSocket === this.socket);
    for (const g of sk.gpus) this.toGpu.set(g, edgeOf(world, index, world.gpuActor[g]!, 'nvlink'));
    for (const other of t.sockets) {
      if (other.socket !== this.socket) {
        this.toOtherChip.set(other.socket, edgeOf(world, index, world.chipActor[other.socket]!, 'xbus'));
      }
    }
    for (const c of [C.tceHits, C.tceMisses, C.nmmuTranslations, C.nmmuFaults]) this.counters[c] = 0;
  }

  /**
   * The CPU threads of this socket (thread t runs on socket t mod sockets) start their munmap and
   * migrate loops over the processes homed here.
   */
  start(ctx: ActorContext): void {
    if (this.homedProcesses.length === 0) return;
    const h = this.world.config.params.host;
    const sockets = this.world.topology.sockets.length;
    for (let t = this.socket; t < h.cpuThreads; t += sockets) {
      ctx.schedule(1 + ctx.chooser.choose('host.start', h.unmapIntervalTicks), {
        kind: K.HOST_TIMER,
        tag: t,
      });
    }
  }

  /**
   * A process's CPU thread munmaps or migrates a range of its pages: it picks them, and the
   * coordinator (which owns page lifecycle) does the rest and answers UNMAP_DONE.
   */
  private onHostTimer(thread: number, ctx: ActorContext): void {
    const ch = ctx.chooser;
    const h = this.world.config.params.host;
    const procs = this.homedProcesses;
    const proc = procs[ch.choose('host.proc', procs.length)]!;
    const pages = Math.min(h.pagesPerUnmap, proc.pages);
    const firstPage = ch.choose('host.page', proc.pages - pages + 1);
    const migrate = ch.choose('host.migrate', 100) < h.migratePercent;
    ctx.send(
      this.toCoordinator,
      {
        kind: K.UNMAP_REQUEST,
        tag: thread,
        lpid: proc.lpid,
        pid: proc.pid,
        address: proc.vaBase + firstPage * PAGE_64K,
        lengthBytes: pages,
        flags: migrate ? 1 : 0,
      },
      HEADER_BYTES,
    );
  }

  /** The coordinator finished (or refused) this thread's request: the thread goes on after a pause. */
  private onUnmapDone(m: SimMessage, ctx: ActorContext): void {
    const mean = this.world.config.params.host.unmapIntervalTicks;
    ctx.schedule(Math.max(1, Math.floor(mean / 2) + ctx.chooser.choose('host.interval', mean)), {
      kind: K.HOST_TIMER,
      tag: m.tag,
    });
  }

  progress(): number {
    return this.atsd.stats.launches;
  }

  /** Completions and invalidations go back over NVLink: the PCIe edges to the GPUs stay silent. */
  silentEdges(): number[] {
    return this.world.edges.filter((e) => e.from === this.index && e.kind === 'pcie').map((e) => e.index);
  }

  private count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  handle(m: SimMessage, ctx: ActorContext): void {
    switch (m.kind) {
      case K.ATS_REQUEST:
        this.onAtsRequest(m, ctx);
        return;
      case K.DMA:
        this.onDma(m, ctx);
        return;
      case K.DMA_COMPLETE:
        this.onForwardedComplete(m, ctx);
        return;
      case K.ATSD_OP:
        this.onAtsdOp(m, ctx);
        return;
      case K.ATSD_ACK:
        this.onAtsdAck(m, ctx);
        return;
      case K.PTE_CLEAR:
        this.onPteClear(m, ctx);
        return;
      case K.PTE_SET:
        this.onPteSet(m);
        return;
      case K.PAGE_FREE:
        this.epochs.set(m.address, m.tag);
        this.owners.delete(m.address);
        return;
      case K.HOST_TIMER:
        this.onHostTimer(m.tag, ctx);
        return;
      case K.UNMAP_DONE:
        this.onUnmapDone(m, ctx);
        return;
      case K.TCE_REMAP:
        this.onTceRemap(m, ctx);
        return;
      case K.TCE_KILL_TIMER:
        this.onTceKill(m, ctx);
        return;
      case K.TCE_MAP_TIMER:
        this.onTceMap(m, ctx);
        return;
      default:
        throw new Error(
          `${this.name}: unexpected message kind 0x${m.kind.toString(16)} from actor ${m.source}`,
        );
    }
  }

  private gpuOf(m: SimMessage): number {
    return this.world.actors[m.source]!.gpu!;
  }

  private onAtsRequest(m: SimMessage, ctx: ActorContext): void {
    const gpu = this.gpuOf(m);
    const r = this.nmmu.translate(
      {
        bdf: this.bdfOfGpu.get(gpu)!,
        lpid: m.lpid as Lpid,
        pid: m.pid as Pid,
        va: m.address as VirtAddr,
        msr: this.msrOfLpid.get(m.lpid) ?? 0,
      },
      ctx.now as Tick,
    );
    const back = this.toGpu.get(gpu)!;
    if (!r.ok) {
      this.count(C.nmmuFaults);
      this.count(`nmmu.fault.${r.reason}`);
      ctx.send(back, { kind: K.ATS_RESPONSE, tag: m.tag, flags: 0 }, HEADER_BYTES, r.latencyTicks);
      return;
    }
    this.count(C.nmmuTranslations);
    this.translateLatency.record(Math.max(1, r.latencyTicks));
    const sizeCode = Math.round(Math.log2(r.pageSizeBytes)) - PFN_SHIFT;
    ctx.send(
      back,
      {
        kind: K.ATS_RESPONSE,
        tag: m.tag,
        flags: 1 | (r.writable ? 2 : 0) | (sizeCode << 2),
        address: r.pa - (r.pa % r.pageSizeBytes),
        lengthBytes: r.epoch & 0xffffff,
      },
      HEADER_BYTES,
      r.latencyTicks,
    );
  }

  private onDma(m: SimMessage, ctx: ActorContext): void {
    const gpu = m.flags >> DmaFlags.gpuShift;
    const fromChip = this.world.actors[m.source]!.kind === 'chip';
    let pa = m.address;
    if ((m.flags & DmaFlags.UT1) !== 0) {
      const r = this.tce.dma(
        gpu,
        (m.flags & DmaFlags.PCIE) !== 0 ? 'pcie' : 'nvlink',
        m.address as BusAddr,
        (m.flags & DmaFlags.WRITE) !== 0 ? 'write' : 'read',
      );
      if (r.kind === 'fault') {
        this.count(`tce.fault.${r.reason}`);
        this.complete(m, ctx, gpu, fromChip, DmaStatus.tceFault, 0);
        return;
      }
      this.count(r.cacheHit ? C.tceHits : C.tceMisses);
      pa = r.physAddr;
      const base = pa - (pa % PAGE_64K);
      // A stale hit between the clear and its kill is the kernel's accepted window: the page is
      // still pinned for that mapping. Once the page was unpinned (freed, maybe reused for another
      // bus address) a stale hit reaches memory the device no longer owns.
      const c = this.clearedTce.get(`${gpu}:${r.index}`);
      if (r.stale && (c === undefined || c.pa !== base || c.freed)) {
        this.violations.push({
          rule: 'translation.stale-tce',
          message: `Expected UT=1 DMA only through live TCEs, got gpu${gpu} through a stale TCE cache entry (generation ${r.generation}, table at ${r.currentGeneration}) to page ${hex(base)}, unpinned since that TCE was cleared`,
          tick: ctx.now,
          actors: [`gpu${gpu}`, this.name],
          addresses: [m.address, pa],
          history: [`table ${r.table} index ${r.index}`],
        });
      }
    }
    const home = homeSocketOf(this.world.topology, pa);
    if (home >= 0 && home !== this.socket) {
      // Not ours: across the X-bus to the home chip, which answers back the same way.
      ctx.send(
        this.toOtherChip.get(home)!,
        { ...m, address: pa, flags: m.flags & ~DmaFlags.UT1 },
        HEADER_BYTES + m.lengthBytes,
      );
      return;
    }
    if (home >= 0 && (m.flags & DmaFlags.UT0) !== 0) this.checkUt0Access(m, pa, gpu, ctx);
    if (home >= 0) this.checkOwner(m, pa, gpu, ctx);
    this.complete(m, ctx, gpu, fromChip, DmaStatus.ok, MEMORY_LATENCY_TICKS);
  }

  private checkUt0Access(m: SimMessage, pa: number, gpu: number, ctx: ActorContext): void {
    const base = pa - (pa % PAGE_64K);
    const epoch = (this.epochs.get(base) ?? 0) & EPOCH_MASK;
    if (epoch !== m.pid) {
      this.violations.push({
        rule: 'translation.stale-ats',
        message: `Expected UT=0 DMA only through translations newer than the page's last shootdown and free, got gpu${gpu} using a translation of epoch ${m.pid} for page ${hex(base)}, now at epoch ${epoch} (freed ${epoch - m.pid} time(s) since)`,
        tick: ctx.now,
        actors: [`gpu${gpu}`, this.name],
        addresses: [pa],
        history: [
          `lpid ${m.lpid}`,
          `${(m.flags & DmaFlags.WRITE) !== 0 ? 'write' : 'read'} of ${m.lengthBytes} bytes`,
        ],
      });
    }
  }

  private checkOwner(m: SimMessage, pa: number, gpu: number, ctx: ActorContext): void {
    const base = pa - (pa % PAGE_64K);
    const owner = this.owners.get(base);
    if (owner !== undefined && owner !== m.lpid) {
      this.violations.push({
        rule: 'isolation.dma',
        message: `Expected DMA only to memory of its own tenant, got gpu${gpu} (LPID ${m.lpid}) reaching page ${hex(base)} of LPID ${owner}`,
        tick: ctx.now,
        actors: [`gpu${gpu}`, this.name],
        addresses: [pa],
        history: [],
      });
    }
  }

  private complete(
    m: SimMessage,
    ctx: ActorContext,
    gpu: number,
    fromChip: boolean,
    status: number,
    delay: number,
  ): void {
    const edge = fromChip ? edgeOf(this.world, this.index, m.source, 'xbus') : this.toGpu.get(gpu)!;
    ctx.send(
      edge,
      { kind: K.DMA_COMPLETE, tag: m.tag, flags: status | (gpu << DmaFlags.gpuShift) },
      HEADER_BYTES,
      delay,
    );
  }

  /** A completion from the home chip for a DMA we forwarded: hand it to the GPU. */
  private onForwardedComplete(m: SimMessage, ctx: ActorContext): void {
    const gpu = m.flags >> DmaFlags.gpuShift;
    ctx.send(this.toGpu.get(gpu)!, { kind: K.DMA_COMPLETE, tag: m.tag, flags: m.flags & 0xf }, HEADER_BYTES);
  }

  // ----- ATSD ---------------------------------------------------------------------------------

  private onAtsdOp(m: SimMessage, ctx: ActorContext): void {
    const op = m.flags & 7;
    const reg = m.flags >> 3;
    const owner = m.tag;
    const now = ctx.now as Tick;
    switch (op) {
      case AtsdOpCode.acquire: {
        const w: Waiter = { owner, askedAt: ctx.now };
        if (m.address > 0) {
          w.fixedRegister = m.address - 1;
          w.guestLpid = m.lpid as Lpid;
        }
        const got = this.atsd.tryAcquire(owner, now, w.fixedRegister, w.guestLpid);
        if (got === null) this.acquireWaiters.push(w);
        else this.grant(w, got, ctx);
        return;
      }
      case AtsdOpCode.writeAva:
        this.atsd.writeAva(reg, owner, m.address);
        return;
      case AtsdOpCode.launch: {
        const code = m.lengthBytes;
        const params: LaunchParams = {
          target:
            (code & 1) !== 0
              ? { kind: 'pid' }
              : { kind: 'range', start: m.address, sizeBytes: (2 ** (code >> 3)) as PageSize },
          pid: m.pid as Pid,
          flushOnly: (code & 2) !== 0,
          flush: (code & 4) !== 0,
        };
        for (const d of this.atsd.launch(reg, owner, params)) {
          const inv = d.inv;
          const kind = inv.kind === 'range' ? 0 : inv.kind === 'pid' ? 1 : 2;
          ctx.send(
            this.toGpu.get(d.gpu)!,
            {
              kind: K.ATSD_INVALIDATE,
              tag: this.socket * 8 + reg,
              flags: kind | (d.flush ? 4 : 0),
              lpid: inv.kind === 'flush' ? 0 : inv.lpid,
              pid: inv.kind === 'flush' ? 0 : inv.pid,
              address: inv.kind === 'range' ? inv.start : 0,
              lengthBytes: inv.kind === 'range' ? Math.round(Math.log2(inv.sizeBytes)) : 0,
            },
            HEADER_BYTES,
          );
        }
        return;
      }
      case AtsdOpCode.wait:
        if (this.atsd.stat(reg) === 0) this.answer(owner, AtsdOpCode.wait, 0, ctx);
        else this.statWaiters.set(reg, { owner, askedAt: ctx.now });
        return;
      case AtsdOpCode.release:
        this.atsd.release(reg, owner, now);
        this.retryWaiters(ctx);
        return;
      default:
        throw new Error(`${this.name}: unknown ATSD op ${op}`);
    }
  }

  private grant(w: Waiter, reg: number, ctx: ActorContext): void {
    // The histogram holds the waits that waited (an HDR histogram cannot hold 0); a register won at
    // once is counted instead, so "wait p50 1 ps" never stands for "no wait".
    const waited = ctx.now - w.askedAt;
    if (waited > 0) this.registerWait.record(waited);
    else this.count('atsd.acquiredAtOnce');
    this.answer(w.owner, AtsdOpCode.acquire, reg, ctx);
  }

  /**
   * A register freed: the spinning CPUs race for it (test_bit, then test_and_set_bit_lock). Which
   * spinner wins is a choice; the rest keep spinning.
   */
  private retryWaiters(ctx: ActorContext): void {
    let tries = this.acquireWaiters.length;
    while (tries-- > 0 && this.acquireWaiters.length > 0) {
      const i = ctx.chooser.choose('atsd.spinner', this.acquireWaiters.length);
      const w = this.acquireWaiters[i]!;
      const got = this.atsd.tryAcquire(w.owner, ctx.now as Tick, w.fixedRegister, w.guestLpid);
      if (got === null) continue;
      this.acquireWaiters.splice(i, 1);
      this.grant(w, got, ctx);
    }
  }

  private onAtsdAck(m: SimMessage, ctx: ActorContext): void {
    const reg = m.tag % 8;
    this.atsd.ack(reg, this.gpuOf(m));
    const w = this.statWaiters.get(reg);
    if (w !== undefined && this.atsd.stat(reg) === 0) {
      this.statWaiters.delete(reg);
      this.answer(w.owner, AtsdOpCode.wait, 0, ctx);
    }
  }

  private answer(owner: number, op: number, value: number, ctx: ActorContext): void {
    ctx.send(
      this.toCoordinator,
      { kind: K.ATSD_ANSWER, tag: owner, flags: op, address: value },
      HEADER_BYTES,
    );
  }

  // ----- Page tables --------------------------------------------------------------------------

  private onPteClear(m: SimMessage, ctx: ActorContext): void {
    const table = this.tables.find(m.lpid as Lpid, m.pid as Pid);
    for (let i = 0; i < m.lengthBytes; i++) {
      const va = m.address + i * PAGE_64K;
      if (table?.lookup(va as VirtAddr) !== undefined) table.unmap(va as VirtAddr);
    }
    ctx.send(this.toCoordinator, { kind: K.PTE_CLEARED, tag: m.tag }, HEADER_BYTES);
  }

  private onPteSet(m: SimMessage): void {
    const pa = unpackPfn(m.tag, m.lengthBytes) as PhysAddr;
    if (this.world.processes.some((pr) => pr.pid === m.pid && pr.npus.includes(this.socket))) {
      this.tables.table(m.lpid as Lpid, m.pid as Pid).map({
        va: m.address as VirtAddr,
        pa,
        sizeBytes: PAGE_64K,
        epoch: this.epochs.get(pa) ?? 0,
        writable: true,
        mappedAt: 0 as Tick,
      });
    }
    if (homeSocketOf(this.world.topology, pa) === this.socket) this.owners.set(pa, m.lpid);
  }

  // ----- TCE ----------------------------------------------------------------------------------

  /**
   * Kernel DMA unmap of `lengthBytes` TCE pages from index `address`: clear now, kill after the OPAL
   * call (flags bit 0: by an "invalidate entire" kill, as a window reset does).
   */
  private onTceRemap(m: SimMessage, ctx: ActorContext): void {
    const gpu = m.tag;
    const first = m.address;
    const n = m.lengthBytes;
    const old = this.tce.clearTces(gpu, first, n);
    old.forEach((pa, i) => {
      if (pa !== null) this.clearedTce.set(`${gpu}:${first + i}`, { pa, freed: false });
    });
    this.count(C.tceUnmaps);
    if (this.world.bugs.has('unpin-before-kill')) this.unpinAndFree(old);
    ctx.schedule(TCE_KILL_DELAY_TICKS, {
      kind: K.TCE_KILL_TIMER,
      tag: gpu,
      address: first,
      lengthBytes: n,
      flags: m.flags & 1,
    });
    // The old pages travel with the timer through this actor's own state, keyed by (gpu, first).
    this.pendingUnmaps.set(`${gpu}:${first}`, old);
  }

  private readonly pendingUnmaps = new Map<string, (PhysAddr | null)[]>();
  /** Per `gpu:index`, the page its last cleared TCE pointed at, and whether that page was unpinned. */
  private readonly clearedTce = new Map<string, { pa: number; freed: boolean }>();

  private onTceKill(m: SimMessage, ctx: ActorContext): void {
    const gpu = m.tag;
    const first = m.address;
    const n = m.lengthBytes;
    if ((m.flags & 1) !== 0) {
      // A window reset (set/unset window, ownership change): a PE kill on the PHB4 and
      // invalidate_entire on the NPU, whose token 126 skiboot rejects with the bug switch (8a2b6d51b).
      this.tce.windowKills(gpu);
      this.count('tce.entireKills');
    } else {
      this.tce.kill(gpu, first, n);
    }
    this.count(C.tceKills);
    const old = this.pendingUnmaps.get(`${gpu}:${first}`) ?? [];
    this.pendingUnmaps.delete(`${gpu}:${first}`);
    if (!this.world.bugs.has('unpin-before-kill')) this.unpinAndFree(old);
    if ((m.flags & 1) !== 0) {
      // After a window reset the range stays unmapped for a while (the group changes hands):
      // DMA in that gap must fault, or, through a stale cache entry, reach freed pages.
      this.pendingRemaps.set(`${gpu}:${first}`, old);
      ctx.schedule(WINDOW_RESET_GAP_TICKS, {
        kind: K.TCE_MAP_TIMER,
        tag: gpu,
        address: first,
        lengthBytes: n,
      });
      return;
    }
    this.remapTce(gpu, first, n, old, ctx);
  }

  private readonly pendingRemaps = new Map<string, (PhysAddr | null)[]>();

  private onTceMap(m: SimMessage, ctx: ActorContext): void {
    const key = `${m.tag}:${m.address}`;
    const old = this.pendingRemaps.get(key) ?? [];
    this.pendingRemaps.delete(key);
    this.remapTce(m.tag, m.address, m.lengthBytes, old, ctx);
  }

  /** Map the range again from the free pool (LIFO: the pages just freed come back first). */
  private remapTce(gpu: number, first: number, n: number, old: (PhysAddr | null)[], ctx: ActorContext): void {
    const owner = this.world.gpuOwner[gpu]!;
    const fresh: PhysAddr[] = [];
    for (let i = 0; i < n; i++) {
      const pa = (this.tceFree.pop() ?? old[i] ?? null) as PhysAddr | null;
      if (pa === null) continue;
      fresh.push(pa);
      this.tcePinned.add(pa);
      if (owner >= 0) this.owners.set(pa, this.world.tenants[owner]!.lpid);
    }
    if (fresh.length === n) {
      this.tce.writeTces(gpu, first, fresh, 'rw');
      this.tce.kill(gpu, first, n);
      this.count(C.tceMaps);
    }
    // The range is the coordinator's again (it holds a range busy from TCE_REMAP to here).
    ctx.send(this.toCoordinator, { kind: K.TCE_REMAPPED, tag: gpu, address: first }, HEADER_BYTES);
  }

  private unpinAndFree(old: (PhysAddr | null)[]): void {
    for (const pa of old) {
      if (pa === null) continue;
      this.tcePinned.delete(pa);
      this.owners.delete(pa);
      for (const c of this.clearedTce.values()) if (c.pa === pa) c.freed = true;
      this.epochs.set(pa, (this.epochs.get(pa) ?? 0) + 1);
      this.tceFree.push(pa);
    }
  }

  finish(_endTick: number): ActorReport {
    const regs = this.atsd.snapshot();
    const state: Record<string, unknown> = {
      atsdLaunches: this.atsd.stats.launches,
      atsdHoldTicks: this.atsd.stats.holdTicks,
      atsdBusySeen: this.atsd.stats.busySeen,
      atsdRegistersLocked: regs.filter((r) => r.locked).length,
      atsdWaiters: this.acquireWaiters.length,
      atsdStatWaiters: this.statWaiters.size,
      nmmuWalkQueueTicks: this.nmmu.stats.walkQueueTicks,
      registers: regs.map((r) => ({
        reg: r.index,
        locked: r.locked,
        owner: r.owner,
        pendingAcks: r.pendingAcks,
        hung: r.hung,
        launches: r.launches,
        holdTicks: r.holdTicks,
      })),
    };
    const tceStats = this.tce.stats as unknown as Record<string, number>;
    return {
      index: this.index,
      name: this.name,
      kind: this.kind,
      counters: {
        ...this.counters,
        'violations.notKept': this.violations.notKept,
        'atsd.launches': this.atsd.stats.launches,
        'tce.ignoredKillFailures': tceStats.ignoredKillFailures ?? 0,
      },
      histograms: {
        [H.nmmuTranslateTicks]: this.translateLatency,
        [H.atsdRegisterWaitTicks]: this.registerWait,
      },
      violations: this.violations.list(),
      liveness: [],
      state,
    };
  }
}
