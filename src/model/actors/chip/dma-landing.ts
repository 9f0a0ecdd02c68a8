/**
 * DMA reaching this chip: UT=1 DMA translated by the TCE cache of the GPU's PHB (PCIe) or NPU
 * (NVLink), a miss paying one memory access per table level to fetch the TCE, then every DMA
 * either forwarded over the X-bus to the home chip of its address or landed in this chip's RAM,
 * and completed. Every TCE cache lookup counts as a hit or a miss (`tce.hits`, `tce.misses`), one
 * that ends in a fault too (as the ATS cache counts every lookup), and a faulting miss is completed
 * after the table fetch it made; a fault before the lookup (`outside-window`) counts neither.
 *
 * What the oracle is told, where it happens: a UT=1 translation (`tce.access`, stale or not) by the
 * chip that translates it; a DMA landing (`dma.land`, with the epoch a UT=0 translation carried) by
 * the chip whose RAM it reaches, which hears every free and every change of owner of its pages.
 */

import { homeSocketOf } from '../../host/host-ram.js';
import { pageFloor } from '../../host/page-floor.js';
import { PAGE_64K } from '../../host/page-table.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import {
  DmaCompleteMsg,
  type DmaRequest,
  DmaRequestMsg,
  DmaStatus,
  type DmaStatusCode,
  returnedBytes,
} from '../../protocol/messages/dma.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { TceSystem } from '../../tce/tce.js';
import type { BusAddr, PhysAddr, Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import { edgeOf } from '../world.js';
import type { ChipEnv } from './chip-env.js';

/** ASSUMED memory access latency at the home chip. */
const MEMORY_LATENCY_TICKS = 100_000;
/**
 * ASSUMED cost of a TCE cache miss, per table level the PHB reads to fill it: one memory access
 * each (the PHB4's and NPU2's table walks are not public). A miss is charged before the DMA's own
 * access, so TCE cache contention shows in UT=1 DMA latency. A miss that finds no valid TCE read
 * the table to find it so: its fault is completed after that fetch.
 */
export const TCE_FETCH_TICKS_PER_LEVEL = MEMORY_LATENCY_TICKS;

export class DmaLanding {
  /**
   * Counter slots of a TCE cache hit and miss (counters.ts), bumped on every UT=1 DMA's lookup,
   * the faulting ones included.
   */
  private readonly tceHits: number;
  private readonly tceMisses: number;
  /**
   * The X-bus edge back to each chip actor, by actor index, filled on first use: `edgeOf` builds
   * and hashes a string per call, and every DMA forwarded here is completed over it.
   */
  private readonly xbusBack: number[] = [];
  /**
   * Whether each actor (by index) is a chip: asked of every DMA's sender, and `world.actors`'
   * records are two loads and a string compare away (1 % of the inline engine's samples).
   */
  private readonly isChip: boolean[];

  constructor(
    private readonly env: ChipEnv,
    private readonly tce: TceSystem,
  ) {
    this.tceHits = env.counters.slot(C.tceHits);
    this.tceMisses = env.counters.slot(C.tceMisses);
    this.isChip = env.world.actors.map((a) => a.kind === 'chip');
  }

  onDma(m: SimMessage, ctx: ActorContext): void {
    const d = DmaRequestMsg.decode(m);
    const fromChip = this.isChip[m.source] === true;
    let pa = d.address;
    /** The TCE fetch of a cache miss, paid before the DMA goes on (forwarded, landed or faulted). */
    let fetchTicks = 0;
    if (d.translation === 'ut1') {
      const r = this.tce.dma(d.gpu, d.path, d.address as BusAddr, d.write ? 'write' : 'read');
      if (r.kind === 'fault') {
        this.env.counters.add(`tce.fault.${r.reason}`);
        // A fault the lookup found (invalid-entry, no-permission) counts its hit or miss and pays
        // its fetch; one before the lookup (outside-window, no TVE) made none.
        if ('cacheHit' in r) {
          this.env.counters.bump(r.cacheHit ? this.tceHits : this.tceMisses);
          fetchTicks = r.fetchLevels * TCE_FETCH_TICKS_PER_LEVEL;
        }
        if (r.reason === 'invalid-entry') {
          this.env.oracle.observe({
            kind: 'tce.fault',
            tick: ctx.now as Tick,
            gpu: d.gpu,
            index: this.tce.table(d.gpu).indexOf(d.address as BusAddr)!,
          });
        }
        this.complete(d, m.source, ctx, fromChip, DmaStatus.tceFault, fetchTicks);
        return;
      }
      this.env.counters.bump(r.cacheHit ? this.tceHits : this.tceMisses);
      fetchTicks = r.fetchLevels * TCE_FETCH_TICKS_PER_LEVEL;
      pa = r.physAddr;
      this.env.oracle.observe({
        kind: 'tce.access',
        tick: ctx.now as Tick,
        gpu: d.gpu,
        index: r.index,
        busAddr: d.address,
        pa: pa as PhysAddr,
        stale: r.stale,
        generation: r.generation,
        currentGeneration: r.currentGeneration,
      });
    }
    const home = homeSocketOf(this.env.world.topology, pa);
    if (home >= 0 && home !== this.env.socket) {
      // Not ours: across the X-bus to the home chip, already translated; it answers the same way
      // (a write's data goes with the request, a read's comes back with the completion).
      ctx.send(
        this.env.toOtherChip.get(home)!,
        DmaRequestMsg.encode({ ...d, address: pa, translation: d.translation === 'ut0' ? 'ut0' : 'none' }),
        HEADER_BYTES + (d.write ? d.lengthBytes : 0),
        fetchTicks,
      );
      return;
    }
    if (home >= 0) {
      this.env.oracle.observe({
        kind: 'dma.land',
        tick: ctx.now as Tick,
        gpu: d.gpu,
        lpid: d.lpid,
        pa: pageFloor(pa, PAGE_64K) as PhysAddr,
        lengthBytes: d.lengthBytes,
        write: d.write,
        epoch: d.translation === 'ut0' ? d.epoch : undefined,
      });
    }
    this.complete(d, m.source, ctx, fromChip, DmaStatus.ok, fetchTicks + MEMORY_LATENCY_TICKS);
  }

  private complete(
    d: DmaRequest,
    source: number,
    ctx: ActorContext,
    fromChip: boolean,
    status: DmaStatusCode,
    delay: number,
  ): void {
    // Answered the way it came: to the chip that forwarded it, else over the GPU's link it took.
    const pcie = d.path === 'pcie';
    const edge = fromChip ? this.xbusTo(source) : this.gpuEdge(d.gpu, pcie);
    const dataBytes = returnedBytes(d.write, status, d.lengthBytes);
    ctx.send(
      edge,
      DmaCompleteMsg.encode({ dma: d.dma, status, gpu: d.gpu, dataBytes, pcie }),
      HEADER_BYTES + dataBytes,
      delay,
    );
  }

  private gpuEdge(gpu: number, pcie: boolean): number {
    return (pcie ? this.env.toGpuPcie : this.env.toGpu).get(gpu)!;
  }

  private xbusTo(chip: number): number {
    let e = this.xbusBack[chip];
    if (e === undefined) {
      e = edgeOf(this.env.world, this.env.index, chip, 'xbus');
      this.xbusBack[chip] = e;
    }
    return e;
  }

  /** A completion from the home chip for a DMA forwarded from here: hand it (and any read data) to the GPU. */
  onForwardedComplete(m: SimMessage, ctx: ActorContext): void {
    const c = DmaCompleteMsg.decode(m);
    ctx.send(
      this.gpuEdge(c.gpu!, c.pcie),
      DmaCompleteMsg.encode({
        dma: c.dma,
        status: c.status,
        gpu: undefined,
        dataBytes: c.dataBytes,
        pcie: c.pcie,
      }),
      HEADER_BYTES + c.dataBytes,
    );
  }
}
