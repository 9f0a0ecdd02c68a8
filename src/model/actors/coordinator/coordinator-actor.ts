/**
 * The coordinator: the host (and guest) kernels' CPU side. Each concern is a part of its own:
 * - page-lifecycle.ts: munmap and migrate requests from the chips' CPU threads, run as
 *   PTE clear -> shootdown (shootdown-runner.ts, the kernel's mmio_invalidate) -> free -> remap;
 * - watchdog.ts: the liveness rule, over the shootdowns in flight;
 * - tce-traffic.ts: the kernel's TCE unmaps;
 * - mmio-traffic.ts: tenants' BAR0 accesses;
 * - reset-traffic.ts: tenants' GPU resets ("nvidia-smi -r"), refused unless the caller owns the
 *   GPU's whole NVLink group (the model's policy, not a sourced kernel check).
 * The oracle of the coordinator (check/oracle.ts) hears every unmap, free and shootdown step and
 * judges the protocol-order rules.
 */
import { Oracle } from '../../check/oracle.js';
import { K } from '../../protocol/kinds.js';
import type { Actor, ActorContext, ActorReport } from '../actor.js';
import { Counters } from '../counters.js';
import { Dispatch } from '../dispatch.js';
import { MachineActor } from '../machine-actor.js';
import { C, H } from '../metric-names.js';
import type { LatencyHistogram, Recorder } from '../recorder.js';
import type { World } from '../world.js';
import { CoordinatorEnv } from './coordinator-env.js';
import { MmioTraffic } from './mmio-traffic.js';
import { PageLifecycle } from './page-lifecycle.js';
import { ResetTraffic } from './reset-traffic.js';
import { TceTraffic } from './tce-traffic.js';
import { Watchdog } from './watchdog.js';

/** The coordinator's own counters, which its report always carries (zero or not). */
const COUNTERS = [C.shootdownsStarted, C.shootdownsCompleted, C.pagesFreed, C.pagesMapped, C.migrations];

export class CoordinatorActor extends MachineActor<CoordinatorEnv> implements Actor {
  readonly kind = 'coordinator' as const;
  protected readonly dispatch: Dispatch;
  private readonly shootdownLatency: LatencyHistogram;
  /** Requests still in flight when the run ends, as long as they had taken (finish). */
  private readonly shootdownUnfinished: LatencyHistogram;
  private readonly lifecycle: PageLifecycle;
  private readonly watchdog: Watchdog;
  private readonly tce: TceTraffic;
  private readonly mmio: MmioTraffic;
  private readonly resets: ResetTraffic;

  constructor(index: number, world: World, recorder: Recorder) {
    const gpuNpus = new Map<number, number[]>();
    for (const g of world.topology.gpus) gpuNpus.set(g.index, [g.socket]);
    super(new CoordinatorEnv(index, world, new Counters(COUNTERS), new Oracle({ gpuNpus })));
    this.shootdownLatency = recorder.histogram();
    this.shootdownUnfinished = recorder.histogram();
    this.lifecycle = new PageLifecycle(this.env, this.shootdownLatency);
    this.watchdog = new Watchdog(this.lifecycle, world.config.params.host.shootdownDeadlineTicks);
    this.tce = new TceTraffic(this.env);
    this.mmio = new MmioTraffic(this.env);
    this.resets = new ResetTraffic(this.env);
    this.dispatch = new Dispatch(this.name, {
      [K.UNMAP_REQUEST]: (m, ctx) => {
        this.watchdog.check(ctx.now);
        this.lifecycle.onUnmapRequest(m, ctx);
      },
      [K.WATCHDOG_TIMER]: (_m, ctx) => this.watchdog.onTimer(ctx),
      [K.TCE_TIMER]: (_m, ctx) => this.tce.onTimer(ctx),
      [K.MMIO_TIMER]: (_m, ctx) => this.mmio.onTimer(ctx),
      [K.PTE_CLEARED]: (m, ctx) => this.lifecycle.onPteCleared(m, ctx),
      [K.TCE_REMAPPED]: (m) => this.tce.onRemapped(m),
      [K.ATSD_ANSWER]: (m, ctx) => this.lifecycle.onAtsdAnswer(m, ctx),
      [K.RESET_TIMER]: (_m, ctx) => this.resets.onTimer(ctx),
      [K.RESET_DONE]: (m) => this.resets.onDone(m),
    });
  }

  start(ctx: ActorContext): void {
    this.tce.start(ctx);
    this.watchdog.start(ctx);
    this.mmio.start(ctx);
    this.resets.start(ctx);
  }

  /** The oracle's violations and the watchdog's liveness findings. */
  override findings(): number {
    return super.findings() + this.watchdog.found.length + this.watchdog.notKept;
  }

  progress(): number {
    return this.env.counters.get(C.shootdownsCompleted);
  }

  /** The coordinator writes to GPUs only for guest BAR0 accesses; without them those edges are silent. */
  silentEdges(): number[] {
    return this.mmio.enabled ? [] : this.env.toGpu;
  }

  sample(): Record<string, number> {
    return { shootdownsInFlight: this.lifecycle.inFlightShootdowns().length };
  }

  finish(endTick: number): ActorReport {
    this.watchdog.check(endTick);
    const inFlight = this.lifecycle.inFlightShootdowns();
    // Begun past the end (a threaded --stop-on-first run's actors go on past the stop): not there.
    for (const o of inFlight)
      if (o.startedAt <= endTick) this.shootdownUnfinished.record(Math.max(1, endTick - o.startedAt));
    return this.report({
      extraCounters: {
        'shootdown.inFlightAtEnd': this.lifecycle.shootdownsStarted(),
        // Only when some were counted: a result without them reads as before.
        ...(this.watchdog.notKept > 0 ? { 'liveness.notKept': this.watchdog.notKept } : {}),
      },
      histograms: {
        [H.shootdownLatencyTicks]: this.shootdownLatency,
        [H.shootdownUnfinishedTicks]: this.shootdownUnfinished,
      },
      liveness: this.watchdog.found,
      state: { shootdownsInFlight: inFlight.length, ops: inFlight.map((o) => o.describe) },
    });
  }
}
