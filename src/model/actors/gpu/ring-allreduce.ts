/**
 * A ring all-reduce over NVLink among a tenant's GPUs of one socket (workload `gpu.collective:
 * 'ring-allreduce'`), the pattern NCCL uses for gradients: each of the n GPUs of the ring splits its
 * `collectiveBytes` into n chunks; in 2(n-1) steps (n-1 of reduce-scatter, n-1 of all-gather) it
 * sends one chunk to the next GPU of the ring as peer writes of `dmaBytes` each, and it may start
 * step s+1 only when its own writes of step s completed AND the chunk of step s from the previous
 * GPU arrived (that is the data dependency that makes a ring as slow as its slowest link). Then the
 * next all-reduce starts `collectiveGapTicks` later (the compute between two all-reduces of a
 * training loop; 0: at once), for as long as the run goes.
 *
 * The writes travel as the engines' peer writes do (dma-engines.ts: tags, the membar rule of
 * flushes, conservation, the isolation.peer check where they land), flagged `collective` so the
 * receiver counts them toward its ring step. They share the GPU's outstanding slots with the
 * engines' host traffic (`maxOutstanding`): the collective takes at most half of them, so neither
 * starves the other. That shared budget is where host traffic slows the collective down; the
 * GPU-GPU bundles themselves carry nothing else.
 *
 * A GPU reset quiesces the collective with the engines: while paused it gets no slot
 * (dma-engines.ts `collectiveSlots`), its writes in flight complete, and it goes on at `resume`;
 * the previous GPU's writes that meet the reset's dropped links are refused and end their part on
 * both sides (the sender counts `allreduce.refused`; the model carries no data, so the round goes
 * on where NCCL would have lost the chunk).
 *
 * The ring is the tenant's GPUs of the socket in index order, when there are at least two and each
 * has a bundle to the next with a link up at start (links disabled between IOMMU groups break it:
 * then no GPU of that socket runs the collective, counted as `allreduce.noRing`).
 */
import type { PeerEdge } from '../../platform/peer-edges.js';
import { CollectiveTimerMsg } from '../../protocol/messages/timers.js';
import type { ActorContext } from '../actor.js';
import type { LatencyHistogram } from '../recorder.js';
import type { World } from '../world.js';
import type { GpuEnv } from './gpu-env.js';

/** What the collective needs from the DMA engines. */
export interface CollectivePort {
  /** Outstanding slots free for the collective now. */
  collectiveSlots(): number;
  /** Send one flagged peer write over `edge`; its completion comes back to `onWriteDone`. */
  issueCollectiveWrite(ctx: ActorContext, edge: PeerEdge, address: number, bytes: number): void;
}

/** The ring of `gpu` (its tenant's GPUs of its socket), or undefined when it has none. */
export function ringOf(world: World, gpu: number): number[] | undefined {
  const owner = world.gpuOwner[gpu]!;
  if (owner < 0) return undefined;
  const socket = world.topology.gpus[gpu]!.socket;
  const ring = world.tenants[owner]!.gpus.filter((g) => world.topology.gpus[g]!.socket === socket);
  if (ring.length < 2) return undefined;
  for (let i = 0; i < ring.length; i++) {
    const from = ring[i]!;
    const to = ring[(i + 1) % ring.length]!;
    const bundle = world.peerEdges[from]!.find((pe) => pe.peer === to);
    const up = (g: number, links: readonly number[]) =>
      links.some((l) => ((world.linkDisableMask[g]! >> l) & 1) === 0);
    if (bundle === undefined || !up(from, bundle.links) || !up(to, bundle.peerLinks)) return undefined;
  }
  return ring;
}

export class RingAllReduce {
  private readonly next: PeerEdge;
  private readonly ringSize: number;
  private readonly writeBytes: number;
  private readonly writesPerStep: number;
  private readonly stepsPerRound: number;
  private readonly chunkBytes: number;
  private readonly collectiveBytes: number;
  private readonly apertureBase: number;
  /** Steps finished since the run began (all rounds): the previous GPU's writes are counted the same way. */
  private stepsDone = 0;
  private issuedInStep = 0;
  private completedInStep = 0;
  /** Collective writes received from the previous GPU, since the run began. */
  private received = 0;
  private roundStartedAt = 0;
  /** Between two all-reduces (collectiveGapTicks): nothing is issued until the timer. */
  private resting = false;
  private readonly gapTicks: number;

  constructor(
    private readonly env: GpuEnv,
    ring: readonly number[],
    private readonly port: CollectivePort,
    /** Ticks per all-reduce round (the GPU's report names it allreduceTicks). */
    readonly roundLatency: LatencyHistogram,
  ) {
    const w = env.world;
    const p = w.config.params.gpu;
    const at = ring.indexOf(env.gpu);
    const nextGpu = ring[(at + 1) % ring.length]!;
    this.next = w.peerEdges[env.gpu]!.find((pe) => pe.peer === nextGpu)!;
    this.ringSize = ring.length;
    this.writeBytes = p.dmaBytes;
    this.collectiveBytes = p.collectiveBytes;
    this.chunkBytes = Math.ceil(p.collectiveBytes / ring.length);
    this.writesPerStep = Math.ceil(this.chunkBytes / this.writeBytes);
    this.stepsPerRound = 2 * (ring.length - 1);
    this.apertureBase = w.topology.gpus[nextGpu]!.apertureBase;
    this.gapTicks = p.collectiveGapTicks;
  }

  start(ctx: ActorContext): void {
    this.roundStartedAt = ctx.now;
    this.pump(ctx);
  }

  /** The gap after an all-reduce is over: the next one starts. */
  onTimer(ctx: ActorContext): void {
    this.resting = false;
    this.roundStartedAt = ctx.now;
    this.advance(ctx);
  }

  /** Issue this step's writes while slots are free. */
  pump(ctx: ActorContext): void {
    if (this.resting) return;
    let slots = this.port.collectiveSlots();
    while (slots-- > 0 && this.issuedInStep < this.writesPerStep) {
      // The chunk this step sends lands in the next GPU's copy of the buffer (the address only
      // names where; the model carries no data).
      const chunk = (this.stepsDone + this.ringSize - 1) % this.ringSize;
      const offset = chunk * this.chunkBytes + this.issuedInStep * this.writeBytes;
      this.issuedInStep++;
      this.port.issueCollectiveWrite(ctx, this.next, this.apertureBase + offset, this.writeBytes);
    }
  }

  /** One of this GPU's collective writes completed (or was refused: it still ends its part). */
  onWriteDone(ctx: ActorContext, ok: boolean): void {
    if (!ok) this.env.counters.add('allreduce.refused');
    this.completedInStep++;
    this.advance(ctx);
  }

  /** A collective write from the previous GPU of the ring landed here. */
  onReceived(ctx: ActorContext): void {
    this.received++;
    this.advance(ctx);
  }

  /** Move on while this step is done on both sides; each finished round is one all-reduce. */
  private advance(ctx: ActorContext): void {
    while (
      !this.resting &&
      this.completedInStep === this.writesPerStep &&
      this.received >= (this.stepsDone + 1) * this.writesPerStep
    ) {
      this.stepsDone++;
      this.issuedInStep = 0;
      this.completedInStep = 0;
      if (this.stepsDone % this.stepsPerRound === 0) {
        const counters = this.env.counters;
        counters.add('allreduce.completed');
        // The collective's own size, what the headline's "all-reduce data" means: the ring moves
        // ceil(size / n) bytes a chunk, so chunks times n overstated it (1048578 for 1 MiB on 3).
        counters.add('allreduce.bytes', this.collectiveBytes);
        this.roundLatency.record(Math.max(1, ctx.now - this.roundStartedAt));
        this.roundStartedAt = ctx.now;
        if (this.gapTicks > 0) {
          // The next round's writes wait for the timer; the previous GPU's may already arrive
          // (it may have finished first) and are counted, as a real ring buffers them.
          this.resting = true;
          ctx.schedule(this.gapTicks, CollectiveTimerMsg.encode({}));
        }
      }
    }
    this.pump(ctx);
  }

  state(): Record<string, unknown> {
    return {
      allreduceStepsDone: this.stepsDone,
      allreduceIssuedInStep: this.issuedInStep,
      allreduceReceived: this.received,
    };
  }
}
