/**
 * The NPU's translation side on one chip: the XTS tables and driver contexts of every tenant
 * attached here, the nest MMU walking a replica of the page tables, and the PTE stores that keep
 * the replica current.
 *
 * How it works:
 *   1. attach (constructor), as KVM attach and host boot do it (Linux v5.0+ pci-ioda.c and
 *      npu-dma.c, KVM attach through VFIO_GROUP_NOTIFY_SET_KVM;
 *      docs/theory-of-operation.md#3-the-mechanisms-and-what-they-model, "Chip"): for every bridge
 *      of a GPU a tenant owns, `pnv_npu2_map_lpar_dev` = skiboot map_lpar + init_context (the
 *      brick's XTS_BDF entry becomes VALID only here); for every process with a GPU behind this
 *      NPU, `pnv_npu2_init_context` of its mm on that GPU's link (one refcounted npu_context per
 *      mm, the mm marked copro);
 *   2. ATS_REQUEST: the nest MMU checks the brick's BDF entry, LPID and MSR and takes a walker;
 *      when the walk is done (WALK_TIMER) it reads the process's table and the answer leaves, with
 *      the page's epoch (the oracle's "made at");
 *   3. PTE_CLEAR / PTE_SET from the coordinator: the kernel's PTE stores, visible to the walk from
 *      their arrival;
 *   4. release (`release`, at the end of the run): the tenants let go of their groups:
 *      `pnv_npu2_destroy_context` of every mm, then skiboot destroy_context of every brick.
 * With `host.contextChurnIntervalTicks` the drivers also destroy and re-init their mm contexts
 * during the run (context-churn.ts drives the `attachments` here).
 *
 * Boot through kexec (`host.bootViaKexec`; skiboot 7c977c734): before step 1, petitboot's kernel
 * gave every brick a host context (map_lpar + init_context, LPID 0) and kexec'd without destroying
 * them. skiboot's `ctx_ref[]` lives in firmware memory and survives, and so do the XTS registers
 * (nothing resets them). Step 1's map_lpar then finds each brick's entry and rewrites it without
 * VALID. The fixed map_lpar also resets the wildcard and its refcount, so init_context programs the
 * entry; the pre-fix one (`xts-stale-after-kexec`) keeps both, init_context trusts the stale count
 * and skips programming (`if (!p->ctx_ref[id])`), and the brick never becomes VALID. A guest's
 * init there (DR|PR against petitboot's DR|PR|HV wildcard) is refused, "Unexpected MSR value": the
 * kernel logs it and goes on (`attach`), its GPU left without VALID.
 *
 * What the oracle hears here: every driver-context reference operation (`context.ref`), every
 * OPAL init/destroy_context (`xts.context`) and every ATS request the NPU refuses (`ats.refused`).
 */
import { PAGE_64K, PageTables, PhysPages } from '../../host/page-table.js';
import {
  MSR_GUEST,
  MSR_HOST,
  NestMmu,
  type SettledWalk,
  type TranslateRefusal,
  type TranslateRequest,
} from '../../npu/nest-mmu.js';
import {
  type ContextDestroy,
  type ContextInit,
  type GpuLinkRef,
  type MmRef,
  type NpuContext,
  NpuContextTable,
} from '../../npu/npu-context.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { AtsRequestMsg, AtsResponseMsg, WalkTimerMsg } from '../../protocol/messages/ats.js';
import { PteClearedMsg, PteClearMsg, PteSetMsg } from '../../protocol/messages/page-lifecycle.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import { HOST_LPID, type Lpid, type PhysAddr, type Pid, type Tick, type VirtAddr } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { LatencyHistogram } from '../recorder.js';
import type { ChipEnv } from './chip-env.js';

/**
 * One driver's hold on an mm's context through one GPU link (the GPU driver's per-GPU instance for
 * that process): attached (`ctx`), being destroyed (`destroy`), or neither (detached).
 */
export interface DriverAttachment {
  readonly mm: MmRef;
  readonly link: GpuLinkRef;
  readonly flags: number;
  /** release_cb and priv: the tenant's driver, the same for every GPU of the mm. */
  readonly releaseCb: unknown;
  readonly priv: unknown;
  ctx: NpuContext | undefined;
  /** An init in progress (the pre-fix kernel's load and kref_get are two steps). */
  init?: ContextInit | undefined;
  destroy: ContextDestroy | undefined;
}

export class AtsService {
  private readonly tables = new PageTables(new PhysPages({ baseAddr: 0, sizeBytes: PAGE_64K }));
  readonly nmmu: NestMmu;
  readonly contexts: NpuContextTable;
  /** Every driver's hold on an mm context here, in the order they were made (context-churn.ts). */
  readonly attachments: DriverAttachment[] = [];
  /** Bridge BDFs of every attached brick, for destroy_context at release. */
  private readonly attachedBdfs: number[] = [];
  /** Bridge BDF (as an int) of each GPU's first link, for XTS lookups. */
  private readonly bdfOfGpu = new Map<number, number>();
  private readonly msrOfLpid = new Map<number, number>();

  constructor(
    private readonly env: ChipEnv,
    private readonly translateLatency: LatencyHistogram,
  ) {
    const bugs = env.world.bugs;
    this.nmmu = new NestMmu(this.tables, {
      npuIndex: env.socket,
      staleXtsAfterKexec: bugs.has('xts-stale-after-kexec'),
      validAtMapLpar: bugs.has('atsd-no-valid-bdf'),
    });
    this.contexts = new NpuContextTable({
      contextRaceUnlocked: bugs.has('context-init-destroy-race'),
      recordEvents: true,
    });
    if (env.world.config.params.host.bootViaKexec === true) this.bootThroughKexec();
    this.attachBricks();
    this.mapInitialPages();
    this.attachContexts();
  }

  /**
   * Petitboot's kernel gave every brick a host context, then kexec'd into this one without
   * destroying them: skiboot's ctx_ref and the XTS registers stay as it left them (header). Nothing
   * here is the run's kernel: the oracle is not told.
   */
  private bootThroughKexec(): void {
    const t = this.env.world.topology;
    for (const b of t.sockets[this.env.socket]!.bridges.map((i) => t.bridges[i]!)) {
      const bdf = b.pci.bus * 256 + b.pci.device * 8 + b.pci.fn;
      this.nmmu.mapLpar(bdf, HOST_LPID, 0, b.linkIndex);
      this.nmmu.initContext(bdf, MSR_HOST);
    }
  }

  /** Tell the oracle every driver-context reference operation made since the last call. */
  observeContexts(tick: number): void {
    for (const e of this.contexts.drainEvents()) {
      this.env.oracle.observe({
        kind: 'context.ref',
        tick: tick as Tick,
        npu: this.env.socket,
        op: e.op,
        serial: e.serial,
        pid: e.mm.contextId,
      });
    }
  }

  /** pnv_npu2_init_context for one driver's hold (it must be detached). */
  initAttachment(a: DriverAttachment, tick: number): void {
    a.ctx = this.contexts.init(a.mm, a.link, a.flags, a.releaseCb, a.priv);
    this.observeContexts(tick);
  }

  /** The driver's init_context again, as steps (context-churn.ts): `stepInit` runs each. */
  beginInit(a: DriverAttachment): ContextInit {
    return this.contexts.beginInit(a.mm, a.link, a.flags, a.releaseCb, a.priv);
  }

  /** The next step of `a`'s init; once done, `a` holds its context and no init. */
  stepInit(a: DriverAttachment, tick: number): void {
    const init = a.init!;
    init.step();
    this.observeContexts(tick);
    if (!init.done) return;
    a.ctx = init.context;
    a.init = undefined;
  }

  /** map_lpar + init_context for every brick of an owned GPU (host at boot, a guest at KVM attach). */
  private attachBricks(): void {
    const { world, socket } = this.env;
    const t = world.topology;
    const untrained = new Set(world.config.params.gpu.untrained ?? []);
    for (const b of t.sockets[socket]!.bridges.map((i) => t.bridges[i]!)) {
      const bdf = b.pci.bus * 256 + b.pci.device * 8 + b.pci.fn;
      if (!this.bdfOfGpu.has(b.gpu)) this.bdfOfGpu.set(b.gpu, bdf);
      const owner = world.gpuOwner[b.gpu]!;
      if (owner < 0) {
        // No tenant: the host keeps the GPU. Its boot maps every GPU to LPID 0 (pnv_npu2_init), and
        // its driver gives the GPU a context, where the fixed firmware sets VALID. A GPU whose
        // NVLinks never trained (`gpu.untrained`) gets no context: mapped only, it stays without
        // VALID, and ATSDs pass it by; the firmware before skiboot 4724d2c07 (switch
        // `atsd-no-valid-bdf`) set VALID at the map, so ATSDs go to it and never complete.
        if (untrained.has(b.gpu)) this.mapOnly(bdf, b.linkIndex, b.bdf);
        else this.attach(bdf, HOST_LPID, MSR_HOST, b.linkIndex, b.bdf);
        continue;
      }
      const tenant = world.tenants[owner]!;
      const msr = tenant.lpid === 0 ? MSR_HOST : MSR_GUEST;
      this.msrOfLpid.set(tenant.lpid, msr);
      this.attach(bdf, tenant.lpid, msr, b.linkIndex, b.bdf);
    }
  }

  /** The host's boot-time map_lpar of a GPU that never gets a context (its links never trained). */
  private mapOnly(bdf: number, linkIndex: number, label: string): void {
    const r = this.nmmu.mapLpar(bdf, HOST_LPID, 0, linkIndex);
    if (r.rc !== 0) throw new Error(`${this.env.name}: XTS map of ${label}: ${r.reason}`);
  }

  /** pnv_npu2_map_lpar_dev: skiboot map_lpar, then init_context (which sets VALID). */
  private attach(bdf: number, lpid: Lpid, msr: number, linkIndex: number, label: string): void {
    const r1 = this.nmmu.mapLpar(bdf, lpid, 0, linkIndex);
    const r2 = this.nmmu.initContext(bdf, msr);
    // init_context's success is the LPARSHORT (0 or more): Linux tests `rc < 0`. After a kexec
    // the pre-fix firmware refuses a guest's init on petitboot's stale wildcard (header); Linux's
    // pnv_npu2_map_lpar_dev logs "Failed to init context" and the attach goes on, the brick
    // without VALID (the oracle hears the refusal's rc and counts no context). A cold boot's init
    // is never refused: a refusal there is the model's error.
    const initRefusedAfterKexec = r2.rc < 0 && this.env.world.config.params.host.bootViaKexec === true;
    if (r1.rc !== 0 || (r2.rc < 0 && !initRefusedAfterKexec))
      throw new Error(`${this.env.name}: XTS setup of ${label}: ${r1.reason}${r2.reason}`);
    this.env.oracle.observe({
      kind: 'xts.context',
      tick: 0 as Tick,
      npu: this.env.socket,
      bdf,
      op: 'init',
      rc: r2.rc,
    });
    this.attachedBdfs.push(bdf);
  }

  /** The replica of every page table walked here: processes with a GPU behind this NPU. */
  private mapInitialPages(): void {
    const { world, socket } = this.env;
    // Indexed loops: once per page, in code still cold (ChipActor.tellOracleTheOwners).
    for (let i = 0; i < world.processes.length; i++) {
      const pr = world.processes[i]!;
      if (!pr.npus.includes(socket)) continue;
      const table = this.tables.table(pr.lpid, pr.pid as Pid);
      const pages = world.processPages[i]!;
      for (let k = 0; k < pages.length; k++) {
        table.map({
          va: (pr.vaBase + k * pr.pageSizeBytes) as VirtAddr,
          pa: pages[k]!,
          sizeBytes: pr.pageSizeBytes,
          epoch: 0,
          writable: true,
          mappedAt: 0 as Tick,
        });
      }
    }
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
        const a: DriverAttachment = {
          mm: { id: `${tenant.id}:${pr.pid}`, contextId: pr.pid },
          link,
          flags,
          releaseCb: tenant.id,
          priv: pr.pid,
          ctx: undefined,
          destroy: undefined,
        };
        this.initAttachment(a, 0);
        this.attachments.push(a);
      }
    }
  }

  /**
   * A walk that finished (settled at its WALK_TIMER, or at the run's end): its latency, queueing
   * behind busy walkers plus the walk, whether or not it found a PTE, recorded only once it is
   * done (nest-mmu.ts header), so a run's figures hold no walk its end cut off.
   */
  private readonly walkDone = (w: SettledWalk): void => {
    this.translateLatency.record(Math.max(1, w.latencyTicks));
  };

  /**
   * An ATS request: the XTS checks at once (a refusal answers now), then a walker; the walk reads
   * the table when it is done (onWalkDone), and the answer leaves then.
   */
  onAtsRequest(m: SimMessage, ctx: ActorContext): void {
    const r = AtsRequestMsg.decode(m);
    const gpu = this.env.gpuOfActor(m.source);
    const s = this.nmmu.startWalk(this.requestOf(gpu, r.lpid, r.pid, r.va), ctx.now as Tick);
    if (!s.ok) {
      this.refused(gpu, r.request, s.reason, ctx);
      return;
    }
    ctx.schedule(s.latencyTicks, WalkTimerMsg.encode({ ...r, gpu }));
  }

  /** A walk done: the table as it is now, and the answer on the GPU's link. */
  onWalkDone(m: SimMessage, ctx: ActorContext): void {
    const w = WalkTimerMsg.decode(m);
    const t = this.nmmu.finishWalk(this.requestOf(w.gpu, w.lpid, w.pid, w.va), 0 as Tick);
    this.nmmu.settle(ctx.now as Tick, this.walkDone);
    if (!t.ok) {
      this.refused(w.gpu, w.request, t.reason, ctx);
      return;
    }
    this.env.counters.add(C.nmmuTranslations);
    ctx.send(
      this.env.toGpu.get(w.gpu)!,
      AtsResponseMsg.encode({
        request: w.request,
        ok: true,
        writable: t.writable,
        pageSizeBytes: t.pageSizeBytes,
        pa: t.pa - (t.pa % t.pageSizeBytes),
        epoch: t.epoch,
      }),
      HEADER_BYTES,
    );
  }

  private requestOf(gpu: number, lpid: number, pid: number, va: number): TranslateRequest {
    return {
      bdf: this.bdfOfGpu.get(gpu)!,
      lpid: lpid as Lpid,
      pid: pid as Pid,
      va: va as VirtAddr,
      msr: this.msrOfLpid.get(lpid) ?? 0,
    };
  }

  /** The nest MMU refused request `request` of `gpu`: counted, told to the oracle, answered. */
  private refused(gpu: number, request: number, reason: TranslateRefusal, ctx: ActorContext): void {
    const counters = this.env.counters;
    counters.add(C.nmmuFaults);
    counters.add(`nmmu.fault.${reason}`);
    this.env.oracle.observe({
      kind: 'ats.refused',
      tick: ctx.now as Tick,
      npu: this.env.socket,
      bdf: this.bdfOfGpu.get(gpu)!,
      gpu,
      reason,
    });
    ctx.send(this.env.toGpu.get(gpu)!, AtsResponseMsg.encode({ request, ok: false }), HEADER_BYTES);
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

  /**
   * The tenants release their groups at `tick`: every driver context (a destroy in progress runs
   * its remaining steps), then every brick's XTS context.
   */
  release(tick: number): void {
    for (const a of this.attachments) {
      if (a.destroy !== undefined) {
        for (let i = 0; i < 3 && !a.destroy.done; i++) a.destroy.step();
      } else if (a.ctx !== undefined) {
        this.contexts.destroyNow(a.ctx, a.link);
      }
      a.ctx = undefined;
      a.destroy = undefined;
    }
    this.observeContexts(tick);
    for (const bdf of this.attachedBdfs) {
      // A refusal here is a finding about the firmware model, not a reason to lose the run's result.
      const r = this.nmmu.destroyContext(bdf);
      if (r.rc !== 0) this.env.counters.add('xts.destroyRefused');
      this.env.oracle.observe({
        kind: 'xts.context',
        tick: tick as Tick,
        npu: this.env.socket,
        bdf,
        op: 'destroy',
        rc: r.rc,
      });
    }
    this.attachedBdfs.length = 0;
  }

  /**
   * The run ended at `endTick`: the walks done by then count (those still queued or walking go into
   * `unfinished`, each as long as it had lasted since its request: nest-mmu.ts `unfinished`), and the
   * walkers' busy share of [0, endTick], a walk that straddles it counting up to it (of a longer
   * span where this chip ran past the end before it heard of a stop: nest-mmu.ts `walkerShare`).
   */
  finish(endTick: number, unfinished: LatencyHistogram): { nmmuWalkerUtilisation: number } {
    this.nmmu.settle(endTick as Tick, this.walkDone);
    this.nmmu.unfinished(endTick as Tick, (age) => unfinished.record(Math.max(1, age)));
    return { nmmuWalkerUtilisation: this.nmmu.walkerShare(endTick as Tick) };
  }

  /**
   * The XTS_BDF table as it stands (ChipActor.finish takes it at the run's end, before the tenants'
   * release): every entry map_lpar wrote, with the bridge it is (topology's label, its GPU and
   * brick), VALID, LPARID, LPARSHORT and skiboot's `ctx_ref` of that LPARSHORT; and how often
   * init_context trusted a stale ctx_ref and programmed nothing (`xts-stale-after-kexec`).
   */
  xtsState(): { xtsBdf: Record<string, unknown>[]; xtsInitSkippedProgramming: number } {
    const t = this.env.world.topology;
    const bridges = t.sockets[this.env.socket]!.bridges.map((i) => t.bridges[i]!);
    const xtsBdf = this.nmmu
      .bdfEntries()
      .filter((e) => e.used)
      .map((e) => {
        const b = bridges.find((x) => x.pci.bus * 256 + x.pci.device * 8 + x.pci.fn === e.bdf);
        return {
          bdf: e.bdf,
          bridge: b?.bdf ?? null,
          gpu: b?.gpu ?? null,
          brick: e.brick,
          valid: e.valid,
          lparid: e.lparid,
          lparshort: e.lparshort,
          ctxRef: this.nmmu.contextRefs(e.lparshort),
        };
      });
    return { xtsBdf, xtsInitSkippedProgramming: this.nmmu.stats.initSkippedProgramming };
  }

  /** Figures for the actor's state dump. */
  state(): Record<string, unknown> {
    return {
      nmmuWalkQueueTicks: this.nmmu.stats.walkQueueTicks,
      contextInits: this.contexts.stats.inits,
      contextAllocations: this.contexts.stats.allocations,
      contextFrees: this.contexts.stats.frees,
      contextUseAfterFree: this.contexts.stats.useAfterFree,
    };
  }
}
