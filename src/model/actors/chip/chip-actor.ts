/**
 * A POWER9 chip as an actor: its NPU (XTS tables, driver contexts, ATSD registers, the NPU2 PHB and
 * the GPUs' PHB4 with their TCE caches), its nest MMU, its share of host memory, and the host CPU
 * threads that run there. Each concern is a part of its own:
 * - host-threads.ts: the CPU threads that munmap and migrate (they ask the coordinator);
 * - ats-service.ts: attach/release of tenants (XTS, contexts), ATS translation, the PTE stores;
 * - context-churn.ts: drivers destroying and re-initing their mm contexts during the run;
 * - atsd-port.ts: the ATSD registers as the coordinator's shootdowns reach them;
 * - dma-landing.ts: UT=1 translation, forwarding to the home chip, DMA landing in this RAM;
 * - tce-unmap.ts: the TCE tables and caches of this socket's GPUs and the kernel's unmap cycle;
 * - tce-mappers.ts: kernel threads mapping the GPUs' TCE windows in parallel at start;
 * - gpu-resets.ts: GPU resets on this socket (secondary bus reset, the NPU's brick reset).
 * The oracle of this chip (check/oracle.ts) hears what happens to the pages homed here (owners,
 * frees, TCE clears and unpins) and every DMA that lands or is translated here.
 */
import { Oracle } from '../../check/oracle.js';
import { homeSocketOf } from '../../host/host-ram.js';
import { PAGE_64K } from '../../host/page-table.js';
import { K } from '../../protocol/kinds.js';
import { PageFreeMsg, UnmapDoneMsg } from '../../protocol/messages/page-lifecycle.js';
import { HostTimerMsg } from '../../protocol/messages/timers.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { PhysAddr, Tick } from '../../types.js';
import type { Actor, ActorContext, ActorReport } from '../actor.js';
import { Counters } from '../counters.js';
import { Dispatch } from '../dispatch.js';
import { MachineActor } from '../machine-actor.js';
import { C, H } from '../metric-names.js';
import type { LatencyHistogram, Recorder } from '../recorder.js';
import type { World } from '../world.js';
import { AtsService } from './ats-service.js';
import { AtsdPort } from './atsd-port.js';
import { ChipEnv } from './chip-env.js';
import { ContextChurn } from './context-churn.js';
import { DmaLanding } from './dma-landing.js';
import { GpuResets } from './gpu-resets.js';
import { HostThreads } from './host-threads.js';
import { TceMappers } from './tce-mappers.js';
import { TceUnmaps } from './tce-unmap.js';

export class ChipActor extends MachineActor<ChipEnv> implements Actor {
  readonly kind = 'chip' as const;
  protected readonly dispatch: Dispatch;
  private readonly translateLatency: LatencyHistogram;
  private readonly translateUnfinished: LatencyHistogram;
  private readonly registerWait: LatencyHistogram;
  private readonly registerHold: LatencyHistogram;
  private readonly registerWaitUnfinished: LatencyHistogram;
  private readonly registerHoldUnfinished: LatencyHistogram;
  private readonly tceUnmapLatency: LatencyHistogram;
  private readonly tceUnmapUnfinished: LatencyHistogram;
  private readonly threads: HostThreads;
  private readonly ats: AtsService;
  private readonly churn: ContextChurn;
  private readonly atsd: AtsdPort;
  private readonly resets: GpuResets;
  private readonly tce: TceUnmaps;
  private readonly mappers: TceMappers;
  private readonly dma: DmaLanding;

  constructor(index: number, world: World, recorder: Recorder) {
    const counters = new Counters([C.tceHits, C.tceMisses, C.nmmuTranslations, C.nmmuFaults]);
    super(new ChipEnv(index, world, counters, new Oracle()));
    this.translateLatency = recorder.histogram();
    this.translateUnfinished = recorder.histogram();
    this.registerWait = recorder.histogram();
    this.registerHold = recorder.histogram();
    this.registerWaitUnfinished = recorder.histogram();
    this.registerHoldUnfinished = recorder.histogram();
    this.tceUnmapLatency = recorder.histogram();
    this.tceUnmapUnfinished = recorder.histogram();
    this.threads = new HostThreads(this.env);
    this.ats = new AtsService(this.env, this.translateLatency);
    this.churn = new ContextChurn(this.env, this.ats);
    this.resets = new GpuResets(this.env);
    this.atsd = new AtsdPort(this.env, this.ats.nmmu, this.registerWait, this.registerHold, this.resets);
    this.tce = new TceUnmaps(this.env, this.tceUnmapLatency);
    this.mappers = new TceMappers(this.env, this.tce.tce, this.tce.kills, (gpu, ctx) =>
      this.tce.windowMapped(gpu, ctx),
    );
    this.dma = new DmaLanding(this.env, this.tce.tce);
    this.tellOracleTheOwners();
    this.dispatch = new Dispatch(this.name, {
      [K.ATS_REQUEST]: (m, ctx) => this.ats.onAtsRequest(m, ctx),
      [K.WALK_TIMER]: (m, ctx) => this.ats.onWalkDone(m, ctx),
      [K.DMA]: (m, ctx) => this.dma.onDma(m, ctx),
      [K.DMA_COMPLETE]: (m, ctx) => this.dma.onForwardedComplete(m, ctx),
      [K.ATSD_OP]: (m, ctx) => this.atsd.onOp(m, ctx),
      [K.ATSD_ACK]: (m, ctx) => this.atsd.onAck(m, ctx),
      [K.PTE_CLEAR]: (m, ctx) => this.ats.onPteClear(m, ctx),
      [K.PTE_SET]: (m, ctx) => this.onPteSet(m, ctx),
      [K.PAGE_FREE]: (m, ctx) => this.onPageFree(m, ctx),
      [K.HOST_TIMER]: (m, ctx) => this.threads.onTimer(HostTimerMsg.decode(m).thread, ctx),
      [K.UNMAP_DONE]: (m, ctx) => this.threads.onDone(UnmapDoneMsg.decode(m).thread, ctx),
      [K.TCE_REMAP]: (m, ctx) => this.tce.onRemap(m, ctx),
      [K.TCE_KILL_TIMER]: (m, ctx) => this.tce.onKill(m, ctx),
      [K.TCE_MAP_TIMER]: (m, ctx) => this.tce.onMapTimer(m, ctx),
      [K.CONTEXT_TIMER]: (m, ctx) => this.churn.onTimer(m, ctx),
      [K.RESET_REQUEST]: (m, ctx) => this.resets.onRequest(m, ctx),
      [K.RESET_ACK]: (m, ctx) => this.resets.onAck(m, ctx),
      [K.SBR_TIMER]: (m, ctx) => this.resets.onTimer(m, ctx),
      [K.TCE_MAPPER_TIMER]: (m, ctx) => this.mappers.onTimer(m, ctx),
    });
  }

  /** Who owns each page homed here at start: processes' pages and the TCE pages of local GPUs. */
  private tellOracleTheOwners(): void {
    const w = this.env.world;
    const socket = this.env.socket;
    const oracle = this.env.oracle;
    // Once per page, in a worker whose code is still cold: indexed loops and no object spread,
    // which cost far more than the work itself before V8 has compiled this (Oracle.observe).
    const owner = (pa: PhysAddr, lpid: number, sizeBytes: number) =>
      oracle.observe(
        sizeBytes === PAGE_64K
          ? { kind: 'page.owner', tick: 0 as Tick, pa, lpid }
          : { kind: 'page.owner', tick: 0 as Tick, pa, lpid, sizeBytes },
      );
    for (let i = 0; i < w.processes.length; i++) {
      const pr = w.processes[i]!;
      if (pr.homeSocket !== socket) continue;
      const pages = w.processPages[i]!;
      for (let k = 0; k < pages.length; k++) owner(pages[k]!, pr.lpid, pr.pageSizeBytes);
    }
    const gpus = w.topology.sockets[socket]!.gpus;
    for (let j = 0; j < gpus.length; j++) {
      const t = w.gpuOwner[gpus[j]!]!;
      if (t < 0) continue;
      const pages = w.tcePages[gpus[j]!]!;
      const lpid = w.tenants[t]!.lpid;
      for (let k = 0; k < pages.length; k++) owner(pages[k]!, lpid, PAGE_64K);
    }
  }

  start(ctx: ActorContext): void {
    this.threads.start(ctx);
    this.churn.start(ctx);
    this.mappers.start(ctx);
  }

  progress(): number {
    return this.atsd.unit.stats.launches;
  }

  /**
   * Invalidations and the completions of DMA over NVLink go back over NVLink; the PCIe edges to
   * the GPUs carry the secondary bus reset of GPU resets and the completions of UT=1 DMA that came
   * over PCIe (dma-landing.ts). With neither in the workload they stay silent.
   */
  silentEdges(): number[] {
    if (this.resets.enabled || this.env.world.config.params.gpu.ut1Percent > 0) return [];
    return this.env.world.edges.filter((e) => e.from === this.index && e.kind === 'pcie').map((e) => e.index);
  }

  /** A fresh frame mapped: the nest MMU's replica, and the home chip learns the frame's owner. */
  private onPteSet(m: SimMessage, ctx: ActorContext): void {
    const s = this.ats.onPteSet(m);
    if (homeSocketOf(this.env.world.topology, s.pa) === this.env.socket) {
      const size = this.env.processOf(s.pid).pageSizeBytes;
      this.env.oracle.observe({
        kind: 'page.owner',
        tick: ctx.now as Tick,
        pa: s.pa as PhysAddr,
        lpid: s.lpid,
        ...(size === PAGE_64K ? {} : { sizeBytes: size }),
      });
    }
  }

  /** A page freed somewhere: its epoch moves on here too (translations made from now carry it). */
  private onPageFree(m: SimMessage, ctx: ActorContext): void {
    const f = PageFreeMsg.decode(m);
    this.env.epochs.set(f.pa, f.epoch);
    this.env.oracle.observe({
      kind: 'page.free.seen',
      tick: ctx.now as Tick,
      pa: f.pa as PhysAddr,
      epoch: f.epoch,
    });
  }

  /**
   * sample()'s figures, a view made once whose every read reads the state then. A traced run reads
   * the registers held at every tick it records on (src/runtime/trace-recorder.ts TRACE_LEVELS):
   * the port's state (a copy of every register) there doubled the run's time, and an object made
   * per call with the figures the report alone reads as getters still added a fifth.
   */
  private figures: Record<string, number> | undefined;

  sample(): Record<string, number> {
    if (this.figures !== undefined) return this.figures;
    const atsd = this.atsd;
    const unit = atsd.unit;
    const holds = this.registerHold;
    this.figures = {
      // A register is locked only by an acquisition (npu/atsd-unit.ts tryLock) and freed only by a
      // release that found it held, each of which the hold histogram records (atsd-port.ts): the
      // ones taken and not freed are the ones locked, counted without copying a register.
      get atsdRegistersLocked(): number {
        return unit.stats.acquisitions - holds.count;
      },
      // Read only by the report's sample rows, a few hundred a run: from the port's state.
      get atsdWaiters(): number {
        return atsd.state().atsdWaiters as number;
      },
      get atsdStatWaiters(): number {
        return atsd.state().atsdStatWaiters as number;
      },
      get atsdLaunches(): number {
        return unit.stats.launches;
      },
    };
    return this.figures;
  }

  finish(endTick: number): ActorReport {
    // The XTS_BDF table as the run left it: the release below takes every context back down.
    const xts = this.ats.xtsState();
    this.ats.release(endTick);
    const nmmu = this.ats.finish(endTick, this.translateUnfinished);
    this.atsd.recordUnfinished(endTick, this.registerWaitUnfinished, this.registerHoldUnfinished);
    this.tce.recordUnfinished(endTick, this.tceUnmapUnfinished);
    const tceStats = this.tce.tce.stats as unknown as Record<string, number>;
    // The PHBs' kills by what they did (tce/phb.ts): the kill-all from 128 pages, a PHB4 page kill
    // escalated to a PE kill, a kill type rejected; said nowhere before (QA: a firmware engineer
    // could not see the no-advance loop or the escalation in any output).
    const phbs = [...this.tce.tce.phbs.values()].map((p) => p.stats);
    const sum = (k: 'killsPages' | 'killsPe' | 'killsAll' | 'killsRejected') =>
      phbs.reduce((n, s) => n + s[k], 0);
    return this.report({
      extraCounters: {
        'atsd.launches': this.atsd.unit.stats.launches,
        'tce.ignoredKillFailures': tceStats.ignoredKillFailures ?? 0,
        'tce.killsPages': sum('killsPages'),
        'tce.killsPe': sum('killsPe'),
        'tce.killsAll': sum('killsAll'),
        'tce.killsRejected': sum('killsRejected'),
      },
      histograms: {
        [H.nmmuTranslateTicks]: this.translateLatency,
        [H.nmmuTranslateUnfinishedTicks]: this.translateUnfinished,
        [H.atsdRegisterWaitTicks]: this.registerWait,
        [H.atsdHoldTicks]: this.registerHold,
        [H.atsdRegisterWaitUnfinishedTicks]: this.registerWaitUnfinished,
        [H.atsdHoldUnfinishedTicks]: this.registerHoldUnfinished,
        // Only where TCE ranges are unmapped: elsewhere the row would say nothing in every summary.
        ...(this.env.world.config.params.host.tceRemapIntervalTicks > 0
          ? {
              [H.tceUnmapLatencyTicks]: this.tceUnmapLatency,
              [H.tceUnmapUnfinishedTicks]: this.tceUnmapUnfinished,
            }
          : {}),
      },
      state: {
        ...this.atsd.state(),
        ...this.ats.state(),
        ...nmmu,
        ...xts,
        ...(this.resets.enabled ? this.resets.state() : {}),
        ...(this.mappers.enabled ? this.mappers.state() : {}),
      },
    });
  }
}
