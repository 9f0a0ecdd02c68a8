/**
 * A V100 as an actor: DMA engines issuing UT=0, UT=1 and peer traffic; the ATS translation cache
 * (ats-cache.ts) with its refill pipeline; ATSD invalidations and flushes from the NPU; BAR0 behind
 * the MMIO filter; the peer side of NVLink (isolation is judged here, where a peer write lands).
 *
 * Flush as a memory barrier (the GPU side of "bit 39 = 0"): an ATSD that flushes is acknowledged
 * only once every DMA this GPU issued before it has completed. That is what lets the host free a
 * page right after the last flush completes: no DMA issued through an old translation can still be
 * on its way to that page. Without it an in-flight DMA would race the free, which the real
 * hardware's membar rules out.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { ViolationLog } from '../../check/violation.js';
import { AtsCache, type AtsEntry, type AtsInvalidate } from '../../gpu/ats-cache.js';
import { PAGE_64K, type PageSize } from '../../host/page-table.js';
import { applyLinkDisable, GpuBar0 } from '../../platform/gpu-bar0.js';
import { MmioFilter } from '../../platform/mmio-filter.js';
import { DmaFlags, DmaStatus, HEADER_BYTES, K } from '../../protocol/message-kinds.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../types.js';
import type { Actor, ActorContext, ActorReport } from '../actor.js';
import { C, H } from '../metric-names.js';
import { edgeOf, type PeerEdge, type ProcessInfo, type World } from '../world.js';

const TAG_SPAN = 2 ** 22;

interface PendingAts {
  dma: number;
  lpid: number;
  pid: number;
  va: number;
  write: boolean;
}

export class GpuActor implements Actor {
  readonly kind = 'gpu' as const;
  readonly name: string;
  private readonly gpu: number;
  private readonly ats: AtsCache;
  private readonly bar0: GpuBar0;
  private readonly filter: MmioFilter;
  private readonly tenantIndex: number;
  private readonly procs: ProcessInfo[];
  private readonly peers: PeerEdge[];
  private readonly toChipNvlink: number;
  private readonly toChipPcie: number;
  private readonly toCoordinator: number;
  private readonly p: World['config']['params']['gpu'];
  private readonly tcePages: number;
  private nextDma = 0;
  private nextAts = 0;
  /** DMA tag -> issue tick, for every DMA and peer write in flight. */
  private readonly inFlight = new Map<number, number>();
  /** Engines waiting for an outstanding slot, in the order they stalled. */
  private readonly stalledEngines: number[] = [];
  /** The subset of inFlight that are peer writes. */
  private readonly peerTags = new Set<number>();
  private readonly pendingAts = new Map<number, PendingAts>();
  /** Deferred flush acks: [ack tag, last DMA tag issued before the flush]. */
  private readonly pendingFlushAcks: { tag: number; toChip: number; before: number }[] = [];
  private readonly counters: Record<string, number> = {};
  private readonly dmaLatency: RecordableHistogram = createHistogram();
  private readonly peerLatency: RecordableHistogram = createHistogram();
  private readonly violations = new ViolationLog();
  private readonly tenantOfGpu: number[];

  constructor(
    readonly index: number,
    private readonly world: World,
  ) {
    const slot = world.actors[index]!;
    this.gpu = slot.gpu!;
    this.name = slot.name;
    this.ats = new AtsCache({ gpu: this.gpu });
    this.bar0 = new GpuBar0(this.gpu);
    if (world.linkDisableMask[this.gpu]! !== 0)
      applyLinkDisable(this.bar0, world.linkDisableMask[this.gpu]!, 0 as Tick);
    this.tenantIndex = world.gpuOwner[this.gpu]!;
    const tenants = world.tenants.filter((t) => t.spec.allowFirmwareUpdate).map((t) => t.id);
    this.filter = new MmioFilter({ firmwareUpdateTenants: tenants });
    this.procs = world.processes.filter((pr) => pr.gpus.includes(this.gpu));
    this.tenantOfGpu = world.gpuOwner;
    const hostile = this.tenantIndex >= 0 && world.tenants[this.tenantIndex]!.spec.hostile;
    // A well-behaved tenant sends peer traffic only to its own GPUs; a hostile one to any peer.
    this.peers = world.peerEdges[this.gpu]!.filter(
      (pe) => hostile || world.gpuOwner[pe.peer] === this.tenantIndex,
    );
    const socket = world.topology.gpus[this.gpu]!.socket;
    const chip = world.chipActor[socket]!;
    this.toChipNvlink = edgeOf(world, index, chip, 'nvlink');
    this.toChipPcie = edgeOf(world, index, chip, 'pcie');
    this.toCoordinator = edgeOf(world, index, world.coordinator, 'control');
    this.p = world.config.params.gpu;
    this.tcePages = world.tcePages[this.gpu]!.length;
    for (const c of Object.values(C)) this.counters[c] = 0;
  }

  start(ctx: ActorContext): void {
    if (this.tenantIndex < 0) return; // an unowned GPU sits idle
    for (let e = 0; e < this.p.engines; e++) {
      ctx.schedule(1 + ctx.chooser.choose('gpu.start', this.p.issueIntervalTicks), {
        kind: K.ENGINE_TIMER,
        tag: e,
      });
    }
  }

  progress(): number {
    return this.counters[C.dmaCompleted]!;
  }

  /** A GPU never writes to the coordinator; an idle (unowned) GPU sends nothing at all. */
  silentEdges(): number[] {
    const out = this.world.edges.filter((e) => e.from === this.index);
    if (this.tenantIndex < 0) return out.map((e) => e.index);
    return [this.toCoordinator];
  }

  handle(m: SimMessage, ctx: ActorContext): void {
    switch (m.kind) {
      case K.ENGINE_TIMER:
        this.onEngineTimer(m, ctx);
        return;
      case K.ATS_RESPONSE:
        this.onAtsResponse(m, ctx);
        return;
      case K.DMA_COMPLETE:
      case K.PEER_COMPLETE:
        this.onComplete(m, ctx);
        return;
      case K.ATSD_INVALIDATE:
        this.onInvalidate(m, ctx);
        return;
      case K.PEER_WRITE:
        this.onPeerWrite(m, ctx);
        return;
      case K.MMIO_ACCESS:
        this.onMmio(m, ctx);
        return;
      default:
        throw new Error(
          `${this.name}: unexpected message kind 0x${m.kind.toString(16)} from actor ${m.source}`,
        );
    }
  }

  private count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  private onEngineTimer(m: SimMessage, ctx: ActorContext): void {
    const ch = ctx.chooser;
    // Refills in flight inside the GPU progress on their own (ats-cache.ts); when is a choice.
    const refills = this.ats.refillsInFlight;
    if (refills > 0 && ch.choose('ats.refill', 100) < this.p.refillAdvancePercent) {
      this.ats.advanceRefill(ch.choose('ats.refill.which', refills));
    }
    if (this.inFlight.size + this.pendingAts.size >= this.p.maxOutstanding) {
      // Backpressure: the engine stalls until a completion frees a slot (no timer until then).
      this.count('dma.stalls');
      this.stalledEngines.push(m.tag);
      return;
    }
    const interval = this.p.issueIntervalTicks;
    ctx.schedule(Math.max(1, Math.floor(interval / 2) + ch.choose('gpu.interval', interval)), {
      kind: K.ENGINE_TIMER,
      tag: m.tag,
    });
    const r = ch.choose('gpu.op', 100);
    const write = ch.choose('gpu.write', 100) < this.p.writePercent;
    if (r < this.p.peerPercent && this.peers.length > 0) {
      this.issuePeer(ctx, write);
      return;
    }
    if (r < this.p.peerPercent + this.p.ut1Percent && this.tcePages > 0) {
      this.issueUt1(ctx, write);
      return;
    }
    if (this.procs.length > 0) {
      this.issueUt0(ctx, write);
      return;
    }
  }

  private newTag(): number {
    const tag = this.nextDma;
    this.nextDma = (this.nextDma + 1) % TAG_SPAN;
    return tag;
  }

  private issueUt0(ctx: ActorContext, write: boolean): void {
    const ch = ctx.chooser;
    const pr = this.procs[ch.choose('gpu.proc', this.procs.length)]!;
    const va =
      pr.vaBase + ch.choose('gpu.page', pr.pages) * PAGE_64K + ch.choose('gpu.offset', PAGE_64K / 256) * 256;
    const dma = this.newTag();
    this.count(C.dmaIssued);
    this.count(C.dmaUt0);
    const hit = this.ats.lookup(pr.lpid, pr.pid as Pid, va as VirtAddr);
    if (hit.hit) {
      this.count(C.atsHits);
      this.sendUt0(ctx, dma, hit.entry, va, write, hit.latencyTicks);
      return;
    }
    this.count(C.atsMisses);
    const req = this.nextAts;
    this.nextAts = (this.nextAts + 1) % TAG_SPAN;
    this.pendingAts.set(req, { dma, lpid: pr.lpid, pid: pr.pid, va, write });
    this.inFlight.set(dma, ctx.now);
    ctx.send(
      this.toChipNvlink,
      { kind: K.ATS_REQUEST, tag: req, lpid: pr.lpid, pid: pr.pid, address: va },
      HEADER_BYTES,
    );
  }

  private sendUt0(
    ctx: ActorContext,
    dma: number,
    e: AtsEntry,
    va: number,
    write: boolean,
    delay: number,
  ): void {
    if (!this.inFlight.has(dma)) this.inFlight.set(dma, ctx.now);
    const pa = e.pa + (va - e.va);
    ctx.send(
      this.toChipNvlink,
      {
        kind: K.DMA,
        tag: dma,
        flags: DmaFlags.UT0 | (write ? DmaFlags.WRITE : 0) | (this.gpu << DmaFlags.gpuShift),
        address: pa,
        lpid: e.lpid,
        pid: e.epoch & 0xfffff,
        lengthBytes: this.p.dmaBytes,
      },
      HEADER_BYTES + (write ? this.p.dmaBytes : 0),
      delay,
    );
  }

  private issueUt1(ctx: ActorContext, write: boolean): void {
    const ch = ctx.chooser;
    const dma = this.newTag();
    this.count(C.dmaIssued);
    this.count(C.dmaUt1);
    const pcie = ch.choose('gpu.ut1.path', 4) === 0;
    const bus =
      ch.choose('gpu.tce.page', this.tcePages) * PAGE_64K + ch.choose('gpu.offset', PAGE_64K / 256) * 256;
    this.inFlight.set(dma, ctx.now);
    const lpid = this.world.tenants[this.tenantIndex]!.lpid;
    ctx.send(
      pcie ? this.toChipPcie : this.toChipNvlink,
      {
        kind: K.DMA,
        tag: dma,
        flags:
          DmaFlags.UT1 |
          (pcie ? DmaFlags.PCIE : 0) |
          (write ? DmaFlags.WRITE : 0) |
          (this.gpu << DmaFlags.gpuShift),
        address: bus,
        lpid,
        lengthBytes: this.p.dmaBytes,
      },
      HEADER_BYTES + (write ? this.p.dmaBytes : 0),
    );
  }

  private issuePeer(ctx: ActorContext, write: boolean): void {
    const ch = ctx.chooser;
    const pe = this.peers[ch.choose('gpu.peer', this.peers.length)]!;
    // The link must be up on this side; the peer checks its own side when the write lands.
    if (!pe.links.some((l) => this.bar0.isLinkEnabled(l))) {
      this.count('peer.blockedLocally');
      return;
    }
    const dma = this.newTag();
    this.count(C.peerIssued);
    this.inFlight.set(dma, ctx.now);
    this.peerTags.add(dma);
    const peer = this.world.topology.gpus[pe.peer]!;
    const address = peer.apertureBase + ch.choose('gpu.peer.page', 1024) * PAGE_64K;
    ctx.send(
      pe.edge,
      {
        kind: K.PEER_WRITE,
        tag: dma,
        flags: write ? DmaFlags.WRITE : 0,
        address,
        lpid: this.world.tenants[this.tenantIndex]!.lpid,
        pid: pe.links[0]!,
        lengthBytes: this.p.dmaBytes,
      },
      HEADER_BYTES + this.p.dmaBytes,
    );
  }

  private onAtsResponse(m: SimMessage, ctx: ActorContext): void {
    const req = this.pendingAts.get(m.tag);
    if (req === undefined) throw new Error(`${this.name}: ATS response for unknown request ${m.tag}`);
    this.pendingAts.delete(m.tag);
    const ok = (m.flags & 1) !== 0;
    if (!ok) {
      // No translation (the page is being unmapped or migrated): the DMA faults, reported.
      this.inFlight.delete(req.dma);
      this.count(C.dmaFaulted);
      this.count('dma.fault.translation');
      this.releaseFlushAcks(ctx);
      return;
    }
    const sizeBytes = (2 ** (16 + (m.flags >> 2))) as PageSize;
    const entry: AtsEntry = {
      lpid: req.lpid as Lpid,
      pid: req.pid as Pid,
      va: (req.va - (req.va % sizeBytes)) as VirtAddr,
      pa: m.address as PhysAddr,
      pageSizeBytes: sizeBytes,
      epoch: m.lengthBytes,
      writable: (m.flags & 2) !== 0,
      madeAt: ctx.now as Tick,
    };
    this.ats.fill(entry);
    this.sendUt0(ctx, req.dma, entry, req.va, req.write, 0);
  }

  private onComplete(m: SimMessage, ctx: ActorContext): void {
    const issued = this.inFlight.get(m.tag);
    if (issued === undefined) throw new Error(`${this.name}: completion for unknown DMA ${m.tag}`);
    this.inFlight.delete(m.tag);
    const latency = Math.max(1, ctx.now - issued);
    const status = m.flags & 0xf;
    if (m.kind === K.PEER_COMPLETE) {
      this.peerTags.delete(m.tag);
      if (status === DmaStatus.ok) {
        this.count(C.peerCompleted);
        this.peerLatency.record(latency);
      } else {
        this.count(C.peerRefused);
      }
    } else if (status === DmaStatus.ok) {
      this.count(C.dmaCompleted);
      this.dmaLatency.record(latency);
    } else {
      this.count(C.dmaFaulted);
      this.count(
        `dma.fault.${status === DmaStatus.tceFault ? 'tce' : status === DmaStatus.notOwned ? 'not-owned' : 'other'}`,
      );
    }
    this.releaseFlushAcks(ctx);
  }

  private onInvalidate(m: SimMessage, ctx: ActorContext): void {
    const kind = m.flags & 3;
    const flush = (m.flags & 4) !== 0;
    let inv: AtsInvalidate;
    if (kind === 2) inv = { kind: 'flush' };
    else if (kind === 1) inv = { kind: 'pid', lpid: m.lpid as Lpid, pid: m.pid as Pid };
    else
      inv = {
        kind: 'range',
        lpid: m.lpid as Lpid,
        pid: m.pid as Pid,
        start: m.address,
        sizeBytes: (2 ** m.lengthBytes) as PageSize,
      };
    this.ats.apply(inv, flush);
    if (kind === 2) this.count(C.atsFlushes);
    else this.count(C.atsInvalidations);
    if (!flush) {
      ctx.send(this.replyEdge(m), { kind: K.ATSD_ACK, tag: m.tag }, HEADER_BYTES);
      return;
    }
    // Membar: acknowledge once every DMA issued before this flush has completed.
    this.pendingFlushAcks.push({ tag: m.tag, toChip: this.replyEdge(m), before: this.nextDma });
    this.releaseFlushAcks(ctx);
  }

  private replyEdge(m: SimMessage): number {
    return edgeOf(this.world, this.index, m.source, 'nvlink');
  }

  /** Send every flush ack whose earlier DMAs have all completed; restart a stalled engine. */
  private releaseFlushAcks(ctx: ActorContext): void {
    const stalled = this.stalledEngines.shift();
    if (stalled !== undefined) ctx.schedule(1, { kind: K.ENGINE_TIMER, tag: stalled });
    while (this.pendingFlushAcks.length > 0) {
      const f = this.pendingFlushAcks[0]!;
      if (this.olderInFlight(f.before)) return;
      this.pendingFlushAcks.shift();
      ctx.send(f.toChip, { kind: K.ATSD_ACK, tag: f.tag }, HEADER_BYTES);
    }
  }

  /** Is any DMA issued before tag `before` still in flight? (Tags grow mod 2^22; in-flight is small.) */
  private olderInFlight(before: number): boolean {
    for (const tag of this.inFlight.keys()) {
      const age = (before - tag + TAG_SPAN) % TAG_SPAN;
      if (age > 0 && age < TAG_SPAN / 2) return true;
    }
    return false;
  }

  private onPeerWrite(m: SimMessage, ctx: ActorContext): void {
    const back = edgeOf(this.world, this.index, m.source, 'nvlink');
    const srcGpu = this.world.actors[m.source]!.gpu!;
    const pe = this.world.peerEdges[this.gpu]!.find((x) => x.peer === srcGpu);
    const up = pe !== undefined && pe.links.some((l) => this.bar0.isLinkEnabled(l));
    if (!up) {
      ctx.send(back, { kind: K.PEER_COMPLETE, tag: m.tag, flags: DmaStatus.linkDisabled }, HEADER_BYTES);
      return;
    }
    const owner = this.tenantIndex;
    const srcOwner = this.tenantOfGpu[srcGpu]!;
    if (owner !== srcOwner) {
      // Nothing in the hardware stops it: the write lands in this tenant's GPU RAM. That is the
      // isolation failure the 2018 thread feared, and the oracle's to report.
      const t = this.world.tenants;
      this.violations.push({
        rule: 'isolation.peer',
        message: `Expected peer writes only between GPUs of one tenant, got gpu${srcGpu} (${t[srcOwner]?.id ?? 'none'}) writing ${m.lengthBytes} bytes into gpu${this.gpu} RAM (${t[owner]?.id ?? 'none'}) over NVLink`,
        tick: ctx.now,
        actors: [`gpu${srcGpu}`, `gpu${this.gpu}`],
        addresses: [m.address],
        history: [`link ${m.pid} of gpu${srcGpu}`, `policy ${this.world.config.params.policy}`],
      });
    }
    ctx.send(back, { kind: K.PEER_COMPLETE, tag: m.tag, flags: DmaStatus.ok }, HEADER_BYTES);
  }

  private onMmio(m: SimMessage, ctx: ActorContext): void {
    const tenant = this.world.tenants.find((t) => t.lpid === m.lpid);
    if (tenant === undefined) throw new Error(`${this.name}: MMIO from unknown LPID ${m.lpid}`);
    const d = this.filter.access(tenant.tenant, m.address);
    if (d.kind === 'blocked') {
      this.count(C.mmioBlocked);
      if (d.reason === 'firmware update') this.count(C.firmwareBlocked);
      return;
    }
    this.count(C.mmioAllowed);
    const before = this.bar0.firmwareVersion;
    if ((m.flags & 1) !== 0) this.bar0.write(m.address, m.tag, ctx.now as Tick);
    else this.bar0.read(m.address);
    if (this.bar0.firmwareVersion !== before) this.count(C.firmwareUpdates);
    if (this.tenantIndex >= 0 && this.world.tenants[this.tenantIndex]!.lpid !== m.lpid) {
      this.violations.push({
        rule: 'isolation.mmio',
        message: `Expected BAR0 of gpu${this.gpu} reached only by its owner, got LPID ${m.lpid}`,
        tick: ctx.now,
        actors: [`gpu${this.gpu}`, `lpid ${m.lpid}`],
        addresses: [m.address],
        history: [],
      });
    }
  }

  finish(_endTick: number): ActorReport {
    this.count('dma.inFlightAtEnd', this.inFlight.size - this.peerTags.size);
    this.count('peer.inFlightAtEnd', this.peerTags.size);
    const s = this.ats.stats;
    return {
      index: this.index,
      name: this.name,
      kind: this.kind,
      counters: {
        ...this.counters,
        'ats.evictions': s.evictions,
        'ats.fills': s.fills,
        'violations.notKept': this.violations.notKept,
      },
      histograms: { [H.dmaLatencyTicks]: this.dmaLatency, [H.peerLatencyTicks]: this.peerLatency },
      violations: this.violations.list(),
      liveness: [],
      state: {
        inFlight: this.inFlight.size,
        pendingAts: this.pendingAts.size,
        pendingFlushAcks: this.pendingFlushAcks.length,
        atsL1: this.ats.sizeEntries.l1,
        atsL2: this.ats.sizeEntries.l2,
        refillsInFlight: this.ats.refillsInFlight,
        disabledLinkMask: this.bar0.disabledLinkMask,
        firmwareVersion: this.bar0.firmwareVersion,
      },
    };
  }
}
