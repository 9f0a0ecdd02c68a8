/**
 * The NPU's translation side on one chip: the XTS tables and driver contexts of every tenant
 * attached here, the nest MMU walking a replica of the page tables, and the PTE stores that keep
 * the replica current.
 *
 * How it works:
 *   1. attach (constructor), as KVM attach and host boot do it (domain.md §3 "Linux binding",
 *      "Driver API"): for every bridge of a GPU a tenant owns, `pnv_npu2_map_lpar_dev` = skiboot
 *      map_lpar + init_context (the brick's XTS_BDF entry becomes VALID only here); for every
 *      process with a GPU behind this NPU, `pnv_npu2_init_context` of its mm on that GPU's link
 *      (one refcounted npu_context per mm, the mm marked copro);
 *   2. ATS_REQUEST: the nest MMU checks the brick's BDF entry, LPID and MSR and walks the
 *      process's table; the answer carries the page's epoch (the oracle's "made at");
 *   3. PTE_CLEAR / PTE_SET from the coordinator: the kernel's PTE stores, visible to the walk from
 *      their arrival;
 *   4. release (`release`, at the end of the run): the tenants let go of their groups:
 *      `pnv_npu2_destroy_context` of every mm, then skiboot destroy_context of every brick.
 */
import { PAGE_64K, PageTables, PhysPages } from '../../host/page-table.js';
import { MSR_GUEST, MSR_HOST, NestMmu } from '../../npu/nest-mmu.js';
import { type GpuLinkRef, type NpuContext, NpuContextTable } from '../../npu/npu-context.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { AtsRequestMsg, AtsResponseMsg } from '../../protocol/messages/ats.js';
import { PteClearedMsg, PteClearMsg, PteSetMsg } from '../../protocol/messages/page-lifecycle.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import { HOST_LPID, type Lpid, type PhysAddr, type Pid, type Tick, type VirtAddr } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { LatencyHistogram } from '../recorder.js';
import type { ChipEnv } from './chip-env.js';

interface AttachedContext {
  ctx: NpuContext;
  link: GpuLinkRef;
}

export class AtsService {
  private readonly tables = new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: PAGE_64K }));
  readonly nmmu: NestMmu;
  readonly contexts: NpuContextTable;
  private readonly attached: AttachedContext[] = [];
  /** Bridge BDFs of every attached brick, for destroy_context at release. */
  private readonly attachedBdfs: number[] = [];
  /** Bridge BDF (as an int) of each GPU's first link, for XTS lookups. */
  private readonly bdfOfGpu = new Map<number, number>();
  private readonly msrOfLpid = new Map<number, number>();

  constructor(
    private readonly env: ChipEnv,
    private readonly translateLatency: LatencyHistogram,
  ) {
    this.nmmu = new NestMmu(this.tables, { npuIndex: env.socket });
    this.contexts = new NpuContextTable();
    this.attachBricks();
    this.mapInitialPages();
    this.attachContexts();
  }

  /** map_lpar + init_context for every brick of an owned GPU (host at boot, a guest at KVM attach). */
  private attachBricks(): void {
    const { world, socket } = this.env;
    const t = world.topology;
    for (const b of t.sockets[socket]!.bridges.map((i) => t.bridges[i]!)) {
      const bdf = b.pci.bus * 256 + b.pci.device * 8 + b.pci.fn;
      if (!this.bdfOfGpu.has(b.gpu)) this.bdfOfGpu.set(b.gpu, bdf);
      const owner = world.gpuOwner[b.gpu]!;
      if (owner < 0) {
        // No tenant: the host keeps the GPU, and its boot gives every brick a context (LPID 0),
        // which is where the fixed firmware sets VALID. The pre-fix firmware (skiboot 4724d2c07,
        // switch `atsd-no-valid-bdf`) leaves such a brick without a VALID entry, and the NPU still
        // forwards every ATSD to it: the shootdown never completes.
        if (!world.bugs.has('atsd-no-valid-bdf')) this.attach(bdf, HOST_LPID, MSR_HOST, b.linkIndex, b.bdf);
        continue;
      }
      const tenant = world.tenants[owner]!;
      const msr = tenant.lpid === 0 ? MSR_HOST : MSR_GUEST;
      this.msrOfLpid.set(tenant.lpid, msr);
      this.attach(bdf, tenant.lpid, msr, b.linkIndex, b.bdf);
    }
  }

  /** pnv_npu2_map_lpar_dev: skiboot map_lpar, then init_context (which sets VALID). */
  private attach(bdf: number, lpid: Lpid, msr: number, linkIndex: number, label: string): void {
    const r1 = this.nmmu.mapLpar(bdf, lpid, 0, linkIndex);
    const r2 = this.nmmu.initContext(bdf, msr);
    if (r1.rc !== 0 || r2.rc !== 0)
      throw new Error(`${this.env.name}: XTS setup of ${label}: ${r1.reason}${r2.reason}`);
    this.attachedBdfs.push(bdf);
  }

  /** The replica of every page table walked here: processes with a GPU behind this NPU. */
  private mapInitialPages(): void {
    const { world, socket } = this.env;
    world.processes.forEach((pr, i) => {
      if (!pr.npus.includes(socket)) return;
      const table = this.tables.table(pr.lpid, pr.pid as Pid);
      world.processPages[i]!.forEach((pa, k) => {
        table.map({
          va: (pr.vaBase + k * pr.pageSizeBytes) as VirtAddr,
          pa,
          sizeBytes: pr.pageSizeBytes,
          epoch: 0,
          writable: true,
          mappedAt: 0 as Tick,
        });
      });
    });
  }

  /** pnv_npu2_init_context of every process's mm on the first link of each of its GPUs here. */
  private attachContexts(): void {
    const { world, socket } = this.env;
    const t = world.topology;
    for (const pr of world.processes) {
      const tenant = world.tenants[pr.tenant]!;
      const flags = tenant.lpid === 0 ? MSR_HOST : MSR_GUEST;
      for (const g of pr.gpus) {
        const gpu = t.gpus[g]!;
        if (gpu.socket !== socket) continue;
        const link: GpuLinkRef = { npuIndex: socket, linkIndex: t.bridges[gpu.bridges[0]!]!.linkIndex };
        // The release callback and its data are the tenant's driver: the same for every GPU of the mm.
        const ctx = this.contexts.init(
          { id: `${tenant.id}:${pr.pid}`, contextId: pr.pid },
          link,
          flags,
          tenant.id,
          pr.pid,
        );
        this.attached.push({ ctx, link });
      }
    }
  }

  onAtsRequest(m: SimMessage, ctx: ActorContext): void {
    const r = AtsRequestMsg.decode(m);
    const gpu = this.env.gpuOfActor(m.source);
    const t = this.nmmu.translate(
      {
        bdf: this.bdfOfGpu.get(gpu)!,
        lpid: r.lpid as Lpid,
        pid: r.pid as Pid,
        va: r.va as VirtAddr,
        msr: this.msrOfLpid.get(r.lpid) ?? 0,
      },
      ctx.now as Tick,
    );
    const back = this.env.toGpu.get(gpu)!;
    const counters = this.env.counters;
    if (!t.ok) {
      counters.add(C.nmmuFaults);
      counters.add(`nmmu.fault.${t.reason}`);
      ctx.send(back, AtsResponseMsg.encode({ request: r.request, ok: false }), HEADER_BYTES, t.latencyTicks);
      return;
    }
    counters.add(C.nmmuTranslations);
    this.translateLatency.record(Math.max(1, t.latencyTicks));
    ctx.send(
      back,
      AtsResponseMsg.encode({
        request: r.request,
        ok: true,
        writable: t.writable,
        pageSizeBytes: t.pageSizeBytes,
        pa: t.pa - (t.pa % t.pageSizeBytes),
        epoch: t.epoch,
      }),
      HEADER_BYTES,
      t.latencyTicks,
    );
  }

  onPteClear(m: SimMessage, ctx: ActorContext): void {
    const c = PteClearMsg.decode(m);
    const table = this.tables.find(c.lpid as Lpid, c.pid as Pid);
    const size = this.env.processOf(c.pid).pageSizeBytes;
    for (let i = 0; i < c.pages; i++) {
      const va = (c.va + i * size) as VirtAddr;
      if (table?.lookup(va) !== undefined) table.unmap(va);
    }
    ctx.send(this.env.toCoordinator, PteClearedMsg.encode({ op: c.op }), HEADER_BYTES);
  }

  /** A fresh frame mapped at `va`; returns its address (the chip also learns its owner). */
  onPteSet(m: SimMessage): ReturnType<typeof PteSetMsg.decode> {
    const s = PteSetMsg.decode(m);
    const { socket, epochs } = this.env;
    const pr = this.env.processOf(s.pid);
    if (pr.npus.includes(socket)) {
      this.tables.table(s.lpid as Lpid, s.pid as Pid).map({
        va: s.va as VirtAddr,
        pa: s.pa as PhysAddr,
        sizeBytes: pr.pageSizeBytes,
        epoch: epochs.get(s.pa) ?? 0,
        writable: true,
        mappedAt: 0 as Tick,
      });
    }
    return s;
  }

  /** The tenants release their groups: every driver context, then every brick's XTS context. */
  release(): void {
    for (const a of this.attached) this.contexts.destroyNow(a.ctx, a.link);
    this.attached.length = 0;
    for (const bdf of this.attachedBdfs) {
      // A refusal here is a finding about the firmware model, not a reason to lose the run's result.
      if (this.nmmu.destroyContext(bdf).rc !== 0) this.env.counters.add('xts.destroyRefused');
    }
    this.attachedBdfs.length = 0;
  }

  /** Figures for the actor's state dump. */
  state(): Record<string, unknown> {
    return {
      nmmuWalkQueueTicks: this.nmmu.stats.walkQueueTicks,
      contextInits: this.contexts.stats.inits,
      contextAllocations: this.contexts.stats.allocations,
      contextFrees: this.contexts.stats.frees,
    };
  }
}
