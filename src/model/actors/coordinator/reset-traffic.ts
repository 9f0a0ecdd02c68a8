/**
 * Tenants' GPU resets, "nvidia-smi -r" (workload `resets`): every `resets.intervalTicks` on average
 * the tenant owning a GPU, drawn at random among the owned ones, asks the kernel to reset it.
 *
 * The kernel refuses unless the whole NVLink group of the GPU belongs to the caller
 * (platform/iommu-groups.ts `nvlinkGroupOf`: the GPUs it reaches over NVLinks enabled on both
 * ends). That refusal is the model's ASSUMED (proposed) policy, not a sourced kernel check: VFIO
 * checks a reset per PCI slot or bus, and a V100 sits alone behind its PHB4 root port, so under
 * per-GPU groups the real kernel would reset the GPU and its NVLinks would drop under the peers'
 * tenants (skiboot 68d11e446), which is not modelled. The policy's reason: a reset drops the GPU's
 * NVLinks under every peer on them, so a tenant may only reset a GPU whose peers are all its own: under `per-socket` groups the socket group is the NVLink group and
 * the owner may; under the RFC's `per-gpu` groups with the links up, peers belong to other tenants
 * (or none) and the reset is refused; under `per-gpu-isolated` the links to other groups are
 * disabled and the GPU is its own NVLink group. Refusals are counted (`gpu.resetRefused`), done
 * resets too (`gpu.resets`, on RESET_DONE); a GPU already being reset is not asked again
 * (`gpu.resetBusy`). The chip of the GPU's socket runs the reset (chip/gpu-resets.ts).
 */
import { nvlinkGroupOf } from '../../platform/iommu-groups.js';
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { ResetDoneMsg, ResetRequestMsg } from '../../protocol/messages/reset.js';
import { ResetTimerMsg } from '../../protocol/messages/timers.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { ActorContext } from '../actor.js';
import { C } from '../metric-names.js';
import type { CoordinatorEnv } from './coordinator-env.js';
import { PeriodicGenerator } from './periodic-generator.js';

export class ResetTraffic extends PeriodicGenerator {
  /** GPUs being reset now. */
  private readonly busy = new Set<number>();
  /** The NVLink group of every GPU, from the links enabled at start. */
  private readonly nvlinkGroup: number[][];
  private readonly owned: number[];

  constructor(env: CoordinatorEnv) {
    super(env, 'reset', ResetTimerMsg.encode({}));
    const w = env.world;
    this.nvlinkGroup = w.topology.gpus.map((g) => nvlinkGroupOf(w.topology, w.linkDisableMask, g.index));
    this.owned = w.topology.gpus.filter((g) => w.gpuOwner[g.index]! >= 0).map((g) => g.index);
    if (this.enabled) for (const c of [C.gpuResets, C.gpuResetRefused]) env.counters.add(c, 0);
  }

  get enabled(): boolean {
    return this.env.params.resets !== undefined && this.owned.length > 0;
  }

  protected get meanTicks(): number {
    return this.env.params.resets!.intervalTicks;
  }

  protected fire(ctx: ActorContext): void {
    const w = this.env.world;
    const counters = this.env.counters;
    const gpu = this.owned[ctx.chooser.choose('reset.gpu', this.owned.length)]!;
    const caller = w.gpuOwner[gpu]!;
    if (this.busy.has(gpu)) {
      counters.add('gpu.resetBusy');
      return;
    }
    if (this.nvlinkGroup[gpu]!.some((g) => w.gpuOwner[g] !== caller)) {
      counters.add(C.gpuResetRefused);
      return;
    }
    this.busy.add(gpu);
    counters.add('gpu.resetRequested');
    ctx.send(
      this.env.toChip[w.topology.gpus[gpu]!.socket]!,
      ResetRequestMsg.encode({ gpu, lpid: w.tenants[caller]!.lpid }),
      HEADER_BYTES,
    );
  }

  onDone(m: SimMessage): void {
    const d = ResetDoneMsg.decode(m);
    if (!this.busy.delete(d.gpu)) throw new Error(`coordinator: RESET_DONE for gpu${d.gpu}, never asked`);
    this.env.counters.add(C.gpuResets);
  }
}
