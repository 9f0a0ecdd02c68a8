/**
 * What every part of a GPU actor shares: the world, its GPU index, its edges, its counters, its
 * oracle, and the tenant that owns it (-1: none; an unowned GPU sits idle).
 */
import type { Oracle } from '../../check/oracle.js';
import { ActorEnv } from '../actor-env.js';
import type { Counters } from '../counters.js';
import { edgeOf, type World } from '../world.js';

export class GpuEnv extends ActorEnv {
  readonly gpu: number;
  readonly tenantIndex: number;
  readonly toChipNvlink: number;
  readonly toChipPcie: number;

  constructor(index: number, world: World, counters: Counters, oracle: Oracle) {
    super(index, world, counters, oracle);
    this.gpu = this.slot.gpu!;
    this.tenantIndex = world.gpuOwner[this.gpu]!;
    const chip = world.chipActor[world.topology.gpus[this.gpu]!.socket]!;
    this.toChipNvlink = edgeOf(world, index, chip, 'nvlink');
    this.toChipPcie = edgeOf(world, index, chip, 'pcie');
  }

  /** The owning tenant's LPID (only asked of an owned GPU). */
  get lpid(): number {
    return this.world.tenants[this.tenantIndex]!.lpid;
  }

  /**
   * The NVLink edge back to the actor that sent a message (a chip or a peer GPU). Kept by actor
   * index once found: `edgeOf` builds and hashes a string per call, and every peer write and ATSD
   * is answered over this edge.
   */
  nvlinkTo(actor: number): number {
    let e = this.nvlinkBack[actor];
    if (e === undefined) {
      e = edgeOf(this.world, this.index, actor, 'nvlink');
      this.nvlinkBack[actor] = e;
    }
    return e;
  }

  private readonly nvlinkBack: number[] = [];
}
