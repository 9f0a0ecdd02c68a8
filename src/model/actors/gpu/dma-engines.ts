/**
 * The GPU's DMA engines (workload `gpu.engines`): each issues, every `issueIntervalTicks` on
 * average, a UT=0 DMA (through the ATS cache, asking the NPU on a miss), a UT=1 DMA (a bus address
 * in the GPU's TCE window, over NVLink or PCIe) or a peer write over NVLink, in the workload's
 * proportions. At most `maxOutstanding` are in flight: an engine that finds no slot stalls until a
 * completion frees one (no polling timer). Every DMA completes or faults with a reason, counted.
 *
 * Refills in flight inside the GPU (gpu/ats-cache.ts) move on at each engine issue, when a choice
 * says so ('ats.refill'): that is how slowly an old translation can still reach the L1.
 *
 * A GPU reset (reset-port.ts) first quiesces the engines (`pause`): an engine whose timer fires
 * then parks without issuing, the ring all-reduce gets no slot, and what is in flight completes;
 * `resume` restarts the parked ones and the collective.
 */
import type { AtsCache, AtsEntry } from '../../gpu/ats-cache.js';
import { pageFloor } from '../../host/page-floor.js';
import { PAGE_64K } from '../../host/page-table.js';
import type { ProcessInfo } from '../../host/process.js';
import type { PeerEdge } from '../../platform/peer-edges.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { AtsRequestMsg, AtsResponseMsg } from '../../protocol/messages/ats.js';
import {
  DmaCompleteMsg,
  DmaRequestMsg,
  DmaStatus,
  PeerAccessMsg,
  PeerCompleteMsg,
} from '../../protocol/messages/dma.js';
import { EngineTimerMsg } from '../../protocol/messages/timers.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { LatencyHistogram } from '../recorder.js';
import type { World } from '../world.js';
import { type DmaCounterSlots, dmaCounterSlots } from './dma-counter-slots.js';
import { DmaTags } from './dma-tags.js';
import type { GpuEnv } from './gpu-env.js';
import type { CollectivePort, RingAllReduce } from './ring-allreduce.js';

/** A DMA starts on a multiple of this many bytes in its page. */
const DMA_OFFSET_STEP = 256;

/**
 * How many offsets (multiples of DMA_OFFSET_STEP) a DMA of `bytes` may start at so that it lies
 * wholly in its page of `pageBytes`. The chip translates a DMA once, at its start (ATS or TCE),
 * and lands it as one block, so one request must not reach into a second page, whose translation
 * it never asked for (a real engine cuts a transfer into requests that each stay in one page: a
 * PCIe request does not even cross a 4 KiB boundary). The workload schema and the world builder
 * keep `bytes` from 1 to the smallest page (scenario/dma-bytes.ts), so there is at least one
 * offset, and none reaches the next page. A DMA of up to 256 bytes may start at any step, as every DMA could before the rule.
 */
export function offsetSteps(pageBytes: number, bytes: number): number {
  return Math.floor((pageBytes - Math.max(1, bytes)) / DMA_OFFSET_STEP) + 1;
}

export class DmaEngines implements CollectivePort {
  private readonly p: World['config']['params']['gpu'];
  private readonly procs: readonly ProcessInfo[];
  private readonly peers: readonly PeerEdge[];
  private readonly tcePages: number;
  /** Offsets at which a UT=1 DMA lies within its 64K TCE page (offsetSteps). */
  private readonly tceOffsetSteps: number;
  /** Every DMA, peer write and ATS request in flight, by tag. */
  private readonly tags: DmaTags;
  /** The ring all-reduce this GPU takes part in (gpu-actor.ts attaches it), if any. */
  collective: RingAllReduce | undefined;
  /** Engines waiting for an outstanding slot, in the order they stalled. */
  private readonly stalled: number[] = [];
  /** Quiesced for a reset: engines park instead of issuing. */
  private paused = false;
  /** Engines parked while paused, in the order they parked. */
  private readonly parked: number[] = [];
  /** Slots of the counters every DMA bumps (counters.ts): taken once, bumped by index. */
  private readonly slot: DmaCounterSlots;

  constructor(
    private readonly env: GpuEnv,
    private readonly ats: AtsCache,
    private readonly linkUp: (link: number) => boolean,
    private readonly dmaLatency: LatencyHistogram,
    private readonly peerLatency: LatencyHistogram,
    /** Called after every completion or fault: restart a stalled engine, release flush acks. */
    private readonly settle: (ctx: ActorContext) => void,
  ) {
    const w = env.world;
    this.p = w.config.params.gpu;
    this.tags = new DmaTags(this.p.maxOutstanding);
    this.procs = w.processes.filter((pr) => pr.gpus.includes(env.gpu));
    const hostile = env.tenantIndex >= 0 && w.tenants[env.tenantIndex]!.spec.hostile;
    // A well-behaved tenant sends peer traffic only to its own GPUs; a hostile one to any peer.
    this.peers = w.peerEdges[env.gpu]!.filter((pe) => hostile || w.gpuOwner[pe.peer] === env.tenantIndex);
    this.tcePages = w.tcePages[env.gpu]!.length;
    this.tceOffsetSteps = offsetSteps(PAGE_64K, this.p.dmaBytes);
    this.slot = dmaCounterSlots(env.counters);
  }

  /** The tag the next DMA will get: every DMA issued before a flush has a tag "below" it. */
  get nextTag(): number {
    return this.tags.nextTag;
  }

  get inFlightCount(): number {
    return this.tags.inFlight.size;
  }

  start(ctx: ActorContext): void {
    for (let e = 0; e < this.p.engines; e++) {
      ctx.schedule(
        1 + ctx.chooser.choose('gpu.start', this.p.issueIntervalTicks, e),
        EngineTimerMsg.encode({ engine: e }),
      );
    }
  }

  onTimer(m: SimMessage, ctx: ActorContext): void {
    const engine = EngineTimerMsg.decode(m).engine;
    if (this.paused) {
      this.parked.push(engine);
      return;
    }
    const ch = ctx.chooser;
    // The cache's clock (gpu/ats-cache.ts `now`): when a refill begins or lands.
    this.ats.now = ctx.now as Tick;
    const refills = this.ats.refillsInFlight;
    if (refills > 0 && ch.choose('ats.refill', 100) < this.p.refillAdvancePercent) {
      this.ats.advanceRefill(ch.choose('ats.refill.which', refills));
    }
    if (this.tags.outstanding >= this.p.maxOutstanding) {
      // Backpressure: the engine stalls until a completion frees a slot (no timer until then).
      this.env.counters.bump(this.slot.stalls);
      this.stalled.push(engine);
      return;
    }
    const interval = this.p.issueIntervalTicks;
    ctx.schedule(
      Math.max(1, Math.floor(interval / 2) + ch.choose('gpu.interval', interval, engine)),
      EngineTimerMsg.encode({ engine }),
    );
    const r = ch.choose('gpu.op', 100);
    const write = ch.choose('gpu.write', 100) < this.p.writePercent;
    // The draw picks the kind by the workload's shares. A kind this GPU cannot issue (no peer its
    // tenant may reach, no TCE window) becomes a UT=0 DMA, the GPU's ordinary traffic, never
    // another kind: a peer draw used to fall into the UT=1 share, so a GPU with no peer sent UT=1
    // DMA with `ut1Percent` 0, over the PCIe edges its chip had declared silent for that (a crash).
    const peer = r < this.p.peerPercent;
    const ut1 = !peer && r < this.p.peerPercent + this.p.ut1Percent;
    if (peer && this.peers.length > 0) this.issuePeer(ctx, write);
    else if (ut1 && this.tcePages > 0) this.issueUt1(ctx, write);
    else if (this.procs.length > 0) this.issueUt0(ctx, write);
  }

  /** Quiesce for a reset: no engine issues again until `resume`. */
  pause(): void {
    this.paused = true;
  }

  /** After a reset: every parked engine issues again after a drawn delay, and the collective goes on. */
  resume(ctx: ActorContext): void {
    this.paused = false;
    for (const engine of this.parked.splice(0, this.parked.length)) {
      ctx.schedule(
        1 + ctx.chooser.choose('gpu.resume', this.p.issueIntervalTicks),
        EngineTimerMsg.encode({ engine }),
      );
    }
    this.collective?.pump(ctx);
  }

  /**
   * The collective may hold half the outstanding slots (rounded up), the engines the rest
   * (ring-allreduce.ts); none while quiesced for a reset, or its writes would keep the GPU from
   * ever draining (a ring all-reduce under resets left every reset stuck at quiesce).
   */
  collectiveSlots(): number {
    if (this.paused) return 0;
    const total = this.p.maxOutstanding - this.tags.outstanding;
    const own = Math.ceil(this.p.maxOutstanding / 2) - this.tags.collective.size;
    return Math.max(0, Math.min(total, own));
  }

  issueCollectiveWrite(ctx: ActorContext, pe: PeerEdge, address: number, bytes: number): void {
    const dma = this.tags.newTag();
    this.env.counters.add(C.peerIssued);
    this.env.counters.add('allreduce.writes');
    this.tags.inFlight.set(dma, ctx.now);
    this.tags.peers.set(dma, ctx.now);
    this.tags.collective.add(dma);
    ctx.send(
      pe.edge,
      PeerAccessMsg.encode({
        dma,
        write: true,
        address,
        lpid: this.env.lpid,
        link: pe.links[0]!,
        lengthBytes: bytes,
        collective: true,
      }),
      HEADER_BYTES + bytes,
    );
  }

  /** Restart the engine that stalled first, if any. */
  restartStalled(ctx: ActorContext): void {
    const engine = this.stalled.shift();
    if (engine !== undefined) ctx.schedule(1, EngineTimerMsg.encode({ engine }));
  }

  private issueUt0(ctx: ActorContext, write: boolean): void {
    const ch = ctx.chooser;
    const pr = this.procs[ch.choose('gpu.proc', this.procs.length)]!;
    const size = pr.pageSizeBytes;
    const va =
      pr.vaBase +
      ch.choose('gpu.page', pr.pages) * size +
      ch.choose('gpu.offset', offsetSteps(size, this.p.dmaBytes)) * DMA_OFFSET_STEP;
    const dma = this.tags.newTag();
    const counters = this.env.counters;
    counters.bump(this.slot.issued);
    counters.bump(this.slot.ut0);
    const hit = this.ats.lookup(pr.lpid, pr.pid as Pid, va as VirtAddr);
    if (hit.hit) {
      counters.bump(this.slot.atsHits);
      this.tags.inFlight.set(dma, ctx.now);
      this.sendUt0(ctx, dma, hit.entry, va, write, hit.latencyTicks);
      return;
    }
    counters.bump(this.slot.atsMisses);
    // Each miss is its own request, even to a page whose walk is in flight (ASSUMED: how the
    // HSHUB merges misses is not public; docs/theory-of-operation.md section 8).
    const request = this.tags.newAtsRequest();
    this.tags.pendingAts.set(request, { dma, lpid: pr.lpid, pid: pr.pid, va, write });
    this.tags.inFlight.set(dma, ctx.now);
    ctx.send(
      this.env.toChipNvlink,
      AtsRequestMsg.encode({ request, lpid: pr.lpid, pid: pr.pid, va }),
      HEADER_BYTES,
    );
  }

  /** Send a translated UT=0 DMA; the caller has already put `dma` in flight (issue tick). */
  private sendUt0(
    ctx: ActorContext,
    dma: number,
    e: AtsEntry,
    va: number,
    write: boolean,
    delay: number,
  ): void {
    ctx.send(
      this.env.toChipNvlink,
      DmaRequestMsg.encode({
        dma,
        gpu: this.env.gpu,
        translation: 'ut0',
        path: 'nvlink',
        write,
        address: e.pa + (va - e.va),
        lpid: e.lpid,
        epoch: e.epoch,
        lengthBytes: this.p.dmaBytes,
      }),
      HEADER_BYTES + (write ? this.p.dmaBytes : 0),
      delay,
    );
  }

  private issueUt1(ctx: ActorContext, write: boolean): void {
    const ch = ctx.chooser;
    const dma = this.tags.newTag();
    this.env.counters.bump(this.slot.issued);
    this.env.counters.bump(this.slot.ut1);
    const pcie = ch.choose('gpu.ut1.path', 4) === 0;
    const bus =
      ch.choose('gpu.tce.page', this.tcePages) * PAGE_64K +
      ch.choose('gpu.offset', this.tceOffsetSteps) * DMA_OFFSET_STEP;
    this.tags.inFlight.set(dma, ctx.now);
    ctx.send(
      pcie ? this.env.toChipPcie : this.env.toChipNvlink,
      DmaRequestMsg.encode({
        dma,
        gpu: this.env.gpu,
        translation: 'ut1',
        path: pcie ? 'pcie' : 'nvlink',
        write,
        address: bus,
        lpid: this.env.lpid,
        epoch: 0,
        lengthBytes: this.p.dmaBytes,
      }),
      HEADER_BYTES + (write ? this.p.dmaBytes : 0),
    );
  }

  private issuePeer(ctx: ActorContext, write: boolean): void {
    const ch = ctx.chooser;
    const pe = this.peers[ch.choose('gpu.peer', this.peers.length)]!;
    // The link must be up on this side; the peer checks its own side when the write lands.
    if (!pe.links.some((l) => this.linkUp(l))) {
      this.env.counters.add('peer.blockedLocally');
      return;
    }
    const dma = this.tags.newTag();
    this.env.counters.bump(this.slot.peerIssued);
    this.tags.inFlight.set(dma, ctx.now);
    this.tags.peers.set(dma, ctx.now);
    const peer = this.env.world.topology.gpus[pe.peer]!;
    const address = peer.apertureBase + ch.choose('gpu.peer.page', 1024) * PAGE_64K;
    ctx.send(
      pe.edge,
      PeerAccessMsg.encode({
        dma,
        write,
        address,
        lpid: this.env.lpid,
        link: pe.links[0]!,
        lengthBytes: this.p.dmaBytes,
      }),
      // A read's request carries no data: the data comes back with its completion (peer-port.ts).
      HEADER_BYTES + (write ? this.p.dmaBytes : 0),
    );
  }

  onAtsResponse(m: SimMessage, ctx: ActorContext): void {
    const r = AtsResponseMsg.decode(m);
    const req = this.tags.pendingAts.get(r.request);
    if (req === undefined) throw new Error(`${this.env.name}: ATS response for unknown request ${r.request}`);
    this.tags.pendingAts.delete(r.request);
    if (!r.ok) {
      // No translation (the page is being unmapped or migrated): the DMA faults, reported.
      this.tags.inFlight.delete(req.dma);
      this.env.counters.add(C.dmaFaulted);
      this.env.counters.add('dma.fault.translation');
      this.settle(ctx);
      return;
    }
    const entry: AtsEntry = {
      lpid: req.lpid as Lpid,
      pid: req.pid as Pid,
      va: pageFloor(req.va, r.pageSizeBytes) as VirtAddr,
      pa: r.pa as PhysAddr,
      pageSizeBytes: r.pageSizeBytes,
      epoch: r.epoch,
      writable: r.writable,
      madeAt: ctx.now as Tick,
    };
    this.ats.now = ctx.now as Tick;
    this.ats.fill(entry);
    this.sendUt0(ctx, req.dma, entry, req.va, req.write, 0);
  }

  onComplete(m: SimMessage, ctx: ActorContext): void {
    const peer = m.kind === PeerCompleteMsg.kind;
    const c = peer ? PeerCompleteMsg.decode(m) : DmaCompleteMsg.decode(m);
    const issued = this.tags.inFlight.get(c.dma);
    if (issued === undefined) throw new Error(`${this.env.name}: completion for unknown DMA ${c.dma}`);
    this.tags.inFlight.delete(c.dma);
    const latency = Math.max(1, ctx.now - issued);
    const counters = this.env.counters;
    if (peer) {
      this.tags.peers.delete(c.dma);
      if (c.status === DmaStatus.ok) {
        counters.bump(this.slot.peerCompleted);
        this.peerLatency.record(latency);
      } else {
        counters.bump(this.slot.peerRefused);
      }
      if (this.tags.collective.delete(c.dma)) this.collective?.onWriteDone(ctx, c.status === DmaStatus.ok);
    } else if (c.status === DmaStatus.ok) {
      counters.bump(this.slot.completed);
      counters.bump(this.slot.bytes, this.p.dmaBytes);
      this.dmaLatency.record(latency);
    } else {
      counters.bump(this.slot.faulted);
      counters.add(
        `dma.fault.${c.status === DmaStatus.tceFault ? 'tce' : c.status === DmaStatus.notOwned ? 'not-owned' : 'other'}`,
      );
    }
    this.settle(ctx);
  }

  /** Is any DMA issued before tag `before` still in flight? (Tags wrap at TAG_SPAN; in-flight is small.) */
  olderInFlight(before: number): boolean {
    return this.tags.olderInFlight(before);
  }

  /**
   * Counters for the end of the run (conservation is judged on them), and each DMA and peer write
   * still in flight, as long as it had lasted, into `dmaUnfinished` and `peerUnfinished`: the
   * latency rows hear of an operation only when it completes, so under saturated links whose
   * completions all queued past the end the peer row read `0 - - - -` (QA). One issued past the
   * end (a threaded --stop-on-first run's actors go on past the stop) is left out.
   */
  finish(endTick: number, dmaUnfinished: LatencyHistogram, peerUnfinished: LatencyHistogram): void {
    this.env.counters.add('dma.inFlightAtEnd', this.tags.inFlight.size - this.tags.peerCount);
    this.env.counters.add('peer.inFlightAtEnd', this.tags.peerCount);
    const peers = this.tags.peers;
    this.tags.inFlight.forEach((tag, issued) => {
      if (issued > endTick) return;
      const age = Math.max(1, endTick - issued);
      if (peers.has(tag)) peerUnfinished.record(age);
      else dmaUnfinished.record(age);
    });
  }

  state(): Record<string, unknown> {
    return {
      inFlight: this.tags.inFlight.size,
      pendingAts: this.tags.pendingAts.size,
      stalledEngines: this.stalled.length,
    };
  }
}
