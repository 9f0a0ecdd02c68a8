/**
 * What every part of a chip actor shares: the world, its socket, its edges, its counters, its
 * oracle (every check this chip can judge is fed through it), and the model state two parts use:
 * the epochs of host pages (the nest MMU stamps translations with them; TCE unpins bump them).
 */
import type { Oracle } from '../../check/oracle.js';
import type { ProcessInfo } from '../../host/process.js';
import { ActorEnv } from '../actor-env.js';
import type { Counters } from '../counters.js';
import { edgeOf, type World } from '../world.js';

export class ChipEnv extends ActorEnv {
  readonly socket: number;
  /** Edge to each GPU of this socket (NVLink: completions and invalidations go back that way). */
  readonly toGpu = new Map<number, number>();
  /** PCIe edge to each GPU of this socket (a DMA that came over PCIe is answered over it). */
  readonly toGpuPcie = new Map<number, number>();
  /** Edge to each other chip (X-bus), by socket. */
  readonly toOtherChip = new Map<number, number>();
  /** Epoch of every host page this chip has heard freed (default 0): model state, not a check. */
  readonly epochs = new Map<number, number>();

  constructor(index: number, world: World, counters: Counters, oracle: Oracle) {
    super(index, world, counters, oracle);
    this.socket = this.slot.socket!;
    const t = world.topology;
    for (const g of t.sockets[this.socket]!.gpus) {
      this.toGpu.set(g, edgeOf(world, index, world.gpuActor[g]!, 'nvlink'));
      this.toGpuPcie.set(g, edgeOf(world, index, world.gpuActor[g]!, 'pcie'));
    }
    for (const other of t.sockets) {
      if (other.socket !== this.socket) {
        this.toOtherChip.set(other.socket, edgeOf(world, index, world.chipActor[other.socket]!, 'xbus'));
      }
    }
  }

  /** The process of PID `pid` (PIDs are process index + 1, host/process.ts). */
  processOf(pid: number): ProcessInfo {
    const pr = this.world.processes[pid - 1];
    if (pr?.pid !== pid) throw new Error(`${this.name}: no process with pid ${pid}`);
    return pr;
  }

  /** The GPU index of the actor that sent `source`. */
  gpuOfActor(source: number): number {
    return this.world.actors[source]!.gpu!;
  }
}
