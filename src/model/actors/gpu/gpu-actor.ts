/**
 * A V100 as an actor. Each concern is a part of its own:
 * - dma-engines.ts: the DMA engines issuing UT=0 (through the ATS cache), UT=1 and peer traffic,
 *   and their completions;
 * - invalidation-port.ts: ATSD invalidations and flushes from the NPU, and the flush's membar;
 * - peer-port.ts: NVLink peer writes landing in this GPU's RAM;
 * - bar0-port.ts: BAR0 behind the MMIO filter (firmware update, link disable);
 * - reset-port.ts: the GPU's side of a reset (quiesce, secondary bus reset, links back up).
 * The oracle of this GPU (check/oracle.ts) hears every peer write that lands and every MMIO access.
 */
import { Oracle } from '../../check/oracle.js';
import { AtsCache } from '../../gpu/ats-cache.js';
import { K } from '../../protocol/kinds.js';
import type { Tick } from '../../types.js';
import type { Actor, ActorContext, ActorReport } from '../actor.js';
import { Counters } from '../counters.js';
import { Dispatch } from '../dispatch.js';
import { MachineActor } from '../machine-actor.js';
import { C, H } from '../metric-names.js';
import type { LatencyHistogram, Recorder } from '../recorder.js';
import { mayUpdateFirmware, type World } from '../world.js';
import { Bar0Port } from './bar0-port.js';
import { DmaEngines } from './dma-engines.js';
import { GpuEnv } from './gpu-env.js';
import { InvalidationPort } from './invalidation-port.js';
import { PeerPort } from './peer-port.js';
import { ResetPort } from './reset-port.js';
import { RingAllReduce, ringOf } from './ring-allreduce.js';

export class GpuActor extends MachineActor<GpuEnv> implements Actor {
  readonly kind = 'gpu' as const;
  protected readonly dispatch: Dispatch;
  private readonly ats: AtsCache;
  private readonly dmaLatency: LatencyHistogram;
  private readonly peerLatency: LatencyHistogram;
  /** DMAs and peer writes still in flight when the run ends, as long as they had lasted (finish). */
  private readonly dmaUnfinished: LatencyHistogram;
  private readonly peerUnfinished: LatencyHistogram;
  private readonly bar0: Bar0Port;
  private readonly engines: DmaEngines;
  private readonly invalidations: InvalidationPort;
  private readonly peers: PeerPort;
  private readonly resets: ResetPort;
  private readonly collective: RingAllReduce | undefined;

  constructor(index: number, world: World, recorder: Recorder) {
    super(new GpuEnv(index, world, new Counters(Object.values(C)), new Oracle()));
    this.ats = new AtsCache({ gpu: this.env.gpu });
    // How a stale translation survived, kept in the oracle's history of its page; the cache tells
    // only of refills an invalidate of their page missed, so the hot path makes no events.
    const oracle = this.env.oracle;
    this.ats.witness = (ev) => oracle.observe(ev);
    this.dmaLatency = recorder.histogram();
    this.peerLatency = recorder.histogram();
    this.dmaUnfinished = recorder.histogram();
    this.peerUnfinished = recorder.histogram();
    this.bar0 = new Bar0Port(this.env);
    const linkUp = (l: number) => this.bar0.linkUp(l);
    const settle = (ctx: ActorContext) => this.settle(ctx);
    this.engines = new DmaEngines(this.env, this.ats, linkUp, this.dmaLatency, this.peerLatency, settle);
    this.invalidations = new InvalidationPort(
      this.env,
      this.ats,
      this.engines,
      settle,
      () => this.bar0.bar0.inReset,
    );
    this.peers = new PeerPort(this.env, linkUp);
    this.resets = new ResetPort(this.env, this.bar0, this.ats, this.engines, this.invalidations);
    this.collective = this.joinRing(recorder);
    this.tellOracleTheOwners();
    this.dispatch = new Dispatch(this.name, {
      [K.ENGINE_TIMER]: (m, ctx) => this.engines.onTimer(m, ctx),
      [K.COLLECTIVE_TIMER]: (_m, ctx) => this.collective?.onTimer(ctx),
      [K.ATS_RESPONSE]: (m, ctx) => this.engines.onAtsResponse(m, ctx),
      [K.DMA_COMPLETE]: (m, ctx) => this.engines.onComplete(m, ctx),
      [K.PEER_COMPLETE]: (m, ctx) => this.engines.onComplete(m, ctx),
      [K.ATSD_INVALIDATE]: (m, ctx) => this.invalidations.onInvalidate(m, ctx),
      [K.PEER_ACCESS]: (m, ctx) => this.peers.onPeerAccess(m, ctx),
      [K.MMIO_ACCESS]: (m, ctx) => this.bar0.onMmio(m, ctx),
      [K.RESET_STEP]: (m, ctx) => this.resets.onStep(m, ctx),
    });
  }

  /** This GPU's part in the ring all-reduce (workload `p2p-allreduce`), when its tenant runs one. */
  private joinRing(recorder: Recorder): RingAllReduce | undefined {
    const world = this.env.world;
    if (world.config.params.gpu.collective !== 'ring-allreduce' || this.env.tenantIndex < 0) return undefined;
    const ring = ringOf(world, this.env.gpu);
    if (ring === undefined) {
      this.env.counters.add('allreduce.noRing');
      return undefined;
    }
    const collective = new RingAllReduce(this.env, ring, this.engines, recorder.histogram());
    this.engines.collective = collective;
    this.peers.collective = collective;
    return collective;
  }

  /** Who owns every GPU, as the oracle judges peer writes and MMIO by it. */
  private tellOracleTheOwners(): void {
    const world = this.env.world;
    for (const g of world.topology.gpus) {
      const t = world.gpuOwner[g.index]!;
      const tenant = t >= 0 ? world.tenants[t] : undefined;
      this.env.oracle.observe({
        kind: 'tenant.gpu',
        tick: 0 as Tick,
        gpu: g.index,
        tenant: tenant?.id,
        lpid: tenant?.lpid,
        mayUpdateFirmware: tenant !== undefined && mayUpdateFirmware(tenant),
      });
    }
  }

  /**
   * After a completion or a flush: restart a stalled engine, release the flush acks due, and, when
   * a reset is waiting for this GPU to drain, say so.
   */
  private settle(ctx: ActorContext): void {
    this.engines.restartStalled(ctx);
    this.collective?.pump(ctx);
    this.invalidations.releaseFlushAcks(ctx);
    this.resets.afterSettle(ctx);
  }

  start(ctx: ActorContext): void {
    if (this.env.tenantIndex < 0) return; // an unowned GPU sits idle
    this.engines.start(ctx);
    this.collective?.start(ctx);
  }

  progress(): number {
    return this.env.counters.get(C.dmaCompleted);
  }

  /**
   * A GPU never writes to the coordinator; an idle (unowned) GPU issues nothing, and only answers:
   * the ATSDs its NPU forwards to every brick (over NVLink to its chip), and the peer writes that
   * reach it (a hostile guest's GPU writes to every peer its links reach, owned or not: peer-port.ts
   * answers each over the link back), so its links to owned GPUs stay open. Only its links to other
   * idle GPUs, which write nothing, are silent.
   */
  silentEdges(): number[] {
    const world = this.env.world;
    const out = world.edges.filter((e) => e.from === this.index);
    if (this.env.tenantIndex >= 0) return [this.env.toCoordinator];
    const mayWriteHere = (actor: number): boolean => {
      const gpu = world.actors[actor]!.gpu;
      return gpu !== undefined && world.gpuOwner[gpu]! >= 0;
    };
    return out.filter((e) => e.index !== this.env.toChipNvlink && !mayWriteHere(e.to)).map((e) => e.index);
  }

  sample(): Record<string, number> {
    const e = this.engines.state();
    const c = this.env.counters;
    return {
      // DMAs and peer writes: both hold a tag of the engines (the report's chart says so).
      dmaInFlight: e.inFlight as number,
      // DMAs alone, from their issue (a UT=0 DMA's translation included) to their completion or
      // fault: what `dma.inFlightAtEnd` counts at the end (dma-engines.ts), and the trace's `DMA
      // outstanding` counter (src/runtime/trace-recorder.ts TRACE_LEVELS).
      dmaOutstanding: c.get(C.dmaIssued) - c.get(C.dmaCompleted) - c.get(C.dmaFaulted),
      atsPending: e.pendingAts as number,
      stalledEngines: e.stalledEngines as number,
      refillsInFlight: this.ats.refillsInFlight,
    };
  }

  finish(endTick: number): ActorReport {
    this.engines.finish(endTick, this.dmaUnfinished, this.peerUnfinished);
    const s = this.ats.stats;
    return this.report({
      extraCounters: { 'ats.evictions': s.evictions, 'ats.fills': s.fills },
      histograms: {
        [H.dmaLatencyTicks]: this.dmaLatency,
        [H.peerLatencyTicks]: this.peerLatency,
        [H.dmaUnfinishedTicks]: this.dmaUnfinished,
        [H.peerUnfinishedTicks]: this.peerUnfinished,
        // Only a GPU in a ring reports one: runs without a collective keep their figures as before.
        ...(this.collective === undefined ? {} : { [H.allreduceTicks]: this.collective.roundLatency }),
      },
      state: {
        ...this.engines.state(),
        pendingFlushAcks: this.invalidations.pendingCount,
        atsL1: this.ats.sizeEntries.l1,
        atsL2: this.ats.sizeEntries.l2,
        refillsInFlight: this.ats.refillsInFlight,
        disabledLinkMask: this.bar0.bar0.disabledLinkMask,
        firmwareVersion: this.bar0.bar0.firmwareVersion,
        ...(this.env.world.config.params.resets === undefined
          ? {}
          : { secondaryBusResets: this.bar0.bar0.stats.secondaryBusResets }),
        ...this.collective?.state(),
      },
    });
  }
}
