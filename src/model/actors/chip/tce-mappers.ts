/**
 * Kernel threads that map each GPU's TCE window at start, in parallel (workload
 * `host.tceMapThreads`): a guest's vCPUs mapping its DMA window (VFIO map ioctls, H_PUT_TCE_INDIRECT
 * in virtual mode), each taking the next chunk of bus pages from the window's allocator, writing
 * its TCEs one by one through pnv_tce (tce/tce-level-write.ts), then killing the chunk. Bus page i
 * of GPU g maps the world's TCE page i (`world.tcePages[g][i]`), as the one-step map does.
 *
 * In a two-level window (`host.tceLevelEntries`) the first TCE of a level allocates the level:
 * that allocation takes `LEVEL_ALLOC_TICKS`, during which another thread can find the root slot
 * still empty and allocate too. The fixed kernel publishes with a cmpxchg; before 56090a3902c8
 * (`tce-level-alloc-race`) with a plain store, and the TCEs the first thread wrote into its level
 * are lost (tce-level-write.ts has the step-by-step scenario). The oracle hears every TCE written
 * (`tce.write`) and every UT=1 DMA that finds none (`tce.fault`, dma-landing.ts), and reports a
 * fault at a written index: `translation.lost-tce`.
 *
 * Until a bus page is mapped, a GPU's DMA to it faults (`invalid-entry`), which is not a finding:
 * the kernel never said it was mapped.
 */
import { TceMapperTimerMsg } from '../../protocol/messages/tce.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { TceSystem } from '../../tce/tce.js';
import { TceLevelWrite } from '../../tce/tce-level-write.js';
import { ns, type PhysAddr, type Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { ChipEnv } from './chip-env.js';
import type { TceKillWitness } from './tce-kill-witness.js';

/** TCEs one thread writes per call (ASSUMED; H_PUT_TCE_INDIRECT takes up to 512). */
const CHUNK_PAGES = 16;
/** ASSUMED time between two chunks of one thread (the hypercall and its kill). */
const CHUNK_TICKS = ns(500);
/** ASSUMED time pnv_alloc_tce_level takes (a 64 KiB page allocated and zeroed). */
const LEVEL_ALLOC_TICKS = ns(1000);

interface MapperThread {
  readonly gpu: number;
  readonly thread: number;
  /** The chunk being written: its first window index and page count, and the next to write. */
  first: number;
  pages: number;
  next: number;
  /** A TCE write waiting for its level allocation. */
  waiting: TceLevelWrite | undefined;
}

export class TceMappers {
  private readonly threads: MapperThread[] = [];
  private readonly cmpxchg: boolean;
  /** TCEs of each GPU's window not yet written (a lost one counts as written: the kernel wrote it). */
  private readonly unwritten = new Map<number, number>();

  /**
   * @param windowMapped called once a GPU's window has every TCE written and killed (tce-unmap.ts
   *   holds the remaps of a window until then).
   */
  constructor(
    private readonly env: ChipEnv,
    private readonly tce: TceSystem,
    private readonly kills: TceKillWitness,
    private readonly windowMapped: (gpu: number, ctx: ActorContext) => void,
  ) {
    const { world, socket } = env;
    this.cmpxchg = !world.bugs.has('tce-level-alloc-race');
    const n = world.config.params.host.tceMapThreads ?? 0;
    for (const g of world.topology.sockets[socket]!.gpus) {
      if (world.tcePages[g]!.length === 0) continue;
      if (n > 0) this.unwritten.set(g, world.tcePages[g]!.length);
      for (let t = 0; t < n; t++)
        this.threads.push({ gpu: g, thread: t, first: 0, pages: 0, next: 0, waiting: undefined });
    }
  }

  get enabled(): boolean {
    return this.threads.length > 0;
  }

  start(ctx: ActorContext): void {
    for (const th of this.threads) {
      ctx.schedule(1 + ctx.chooser.choose('tce.map.start', CHUNK_TICKS), TceMapperTimerMsg.encode(th));
    }
  }

  onTimer(m: SimMessage, ctx: ActorContext): void {
    const t = TceMapperTimerMsg.decode(m);
    const th = this.threads.find((x) => x.gpu === t.gpu && x.thread === t.thread);
    if (th === undefined)
      throw new Error(`${this.env.name}: TCE_MAPPER_TIMER for unknown thread ${t.gpu}:${t.thread}`);
    if (th.waiting !== undefined) {
      // The level allocation is done: publish it, write, go on with the chunk.
      const w = th.waiting;
      th.waiting = undefined;
      w.runUntil('done');
      this.written(th, w.index, w.physAddr, ctx);
    } else if (th.next === th.first + th.pages) {
      // A new chunk from the window's allocator (iommu_alloc), if any pages are left.
      const table = this.tce.table(th.gpu);
      const left = this.env.world.tcePages[th.gpu]!.length - table.allocatedPages;
      if (left === 0) return;
      const pages = Math.min(CHUNK_PAGES, left);
      const first = table.allocPages(pages);
      if (first === undefined)
        throw new Error(`${this.env.name}: no ${pages} bus pages left for gpu${th.gpu}`);
      th.first = first;
      th.pages = pages;
      th.next = first;
    }
    this.writeChunk(th, ctx);
  }

  /** Write the chunk's TCEs in order until one needs a level allocated, or the chunk is done. */
  private writeChunk(th: MapperThread, ctx: ActorContext): void {
    const table = this.tce.table(th.gpu);
    const pages = this.env.world.tcePages[th.gpu]!;
    while (th.next < th.first + th.pages) {
      const w = new TceLevelWrite(table, th.next, pages[th.next]!, this.cmpxchg);
      if (w.runUntil('alloc') === 'alloc') {
        w.step(); // pnv_alloc_tce_level: takes a while, and the slot may be taken meanwhile
        th.waiting = w;
        ctx.schedule(LEVEL_ALLOC_TICKS, TceMapperTimerMsg.encode(th));
        return;
      }
      this.written(th, w.index, w.physAddr, ctx);
    }
    // The chunk is written: one kill for it (iommu_tce_kill), then the next chunk.
    this.tce.kill(th.gpu, th.first, th.pages);
    this.kills.drain(th.gpu, table, ctx.now);
    this.env.counters.add(C.tceMaps);
    if (this.unwritten.get(th.gpu) === 0) {
      this.unwritten.delete(th.gpu);
      this.windowMapped(th.gpu, ctx);
    }
    ctx.schedule(CHUNK_TICKS, TceMapperTimerMsg.encode(th));
  }

  private written(th: MapperThread, index: number, pa: PhysAddr, ctx: ActorContext): void {
    this.env.oracle.observe({ kind: 'tce.write', tick: ctx.now as Tick, gpu: th.gpu, index, pa });
    this.unwritten.set(th.gpu, this.unwritten.get(th.gpu)! - 1);
    th.next = index + 1;
  }

  /** Levels allocated and lost, summed over this socket's windows, for the report. */
  state(): Record<string, number> {
    const out = { tceLevelsAllocated: 0, tceLevelsFreedOnRace: 0, tceLevelsReplaced: 0, tceEntriesLost: 0 };
    for (const g of new Set(this.threads.map((t) => t.gpu))) {
      const s = this.tce.table(g).levelStats;
      out.tceLevelsAllocated += s.allocated;
      out.tceLevelsFreedOnRace += s.freedOnRace;
      out.tceLevelsReplaced += s.replaced;
      out.tceEntriesLost += s.entriesLost;
    }
    return out;
  }
}
