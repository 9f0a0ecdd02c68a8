/**
 * The NPU's view of the NVLinks of the GPUs behind it, as far as a GPU reset cares (skiboot
 * 68d11e446 "npu2: Reset NVLinks when resetting a GPU", d4f2f7737, fca2b2b83;
 * docs/theory/topology-groups-tce.md#3-gpu-bar0-gpu-bar0ts).
 *
 * "Resetting a V100 GPU brings its NVLinks down and if an NPU tries using those, an HMI occurs."
 * The fixed firmware installs a bus control filter on the GPU's PCI slot, so the secondary bus
 * reset of the slot also resets the GPU's bricks at the NPU: they are fenced (the NPU stops using
 * them) before the links drop, retrained (with the L2/L3 purge) after, and the fence is lifted
 * once the GPU's side is up (actors/chip/gpu-resets.ts says when).
 * Before the fix the NPU's bricks were reset only when their own device was (VFIO resets the
 * NVLink bridges, after the GPU in the QEMU order that showed it), and any use in between was an
 * HMI.
 *
 * Per GPU: `fenced` (the NPU does not use the bricks) and `dropped` (the GPU's reset took the links
 * down and the bricks were not reset since). `use` says what one use of the links does: go through,
 * be skipped (fenced), or raise an HMI (dropped and not fenced). Time comes in as `now`; HMIs are
 * returned and logged, never thrown (as in platform/gpu-bar0.ts).
 */
import { AssertionFailure } from '../../core/errors.js';
import type { HmiEvent } from '../platform/gpu-bar0.js';
import type { Tick } from '../types.js';

export type LinkUse =
  | { readonly kind: 'ok' }
  | { readonly kind: 'fenced' }
  | { readonly kind: 'hmi'; readonly event: HmiEvent };

interface GpuLinkState {
  fenced: boolean;
  dropped: boolean;
}

/** Bound on the HMI log kept (the counter keeps counting past it). */
const HMI_LOG_CAPACITY = 256;

export class NpuLinks {
  private readonly state = new Map<number, GpuLinkState>();
  private readonly pending: HmiEvent[] = [];
  readonly hmiLog: HmiEvent[] = [];
  readonly stats = { hmis: 0, fencedSkips: 0, fences: 0, gpuResets: 0, linkResets: 0 };

  /** `gpus`: the GPUs behind this NPU. */
  constructor(gpus: readonly number[]) {
    for (const g of gpus) this.state.set(g, { fenced: false, dropped: false });
  }

  private of(gpu: number): GpuLinkState {
    const s = this.state.get(gpu);
    if (s === undefined)
      throw new AssertionFailure(`NPU link state asked for gpu ${gpu}, which is not behind this NPU`);
    return s;
  }

  /** The NPU stops using the GPU's bricks (the fixed firmware, before the secondary bus reset). */
  fence(gpu: number): void {
    this.of(gpu).fenced = true;
    this.stats.fences++;
  }

  /** The GPU's slot was reset: its NVLinks are down until the bricks are reset. */
  gpuReset(gpu: number): void {
    this.of(gpu).dropped = true;
    this.stats.gpuResets++;
  }

  /** skiboot resets the GPU's bricks: retrain, purge L2/L3. The links are up again at the NPU. */
  linkReset(gpu: number): void {
    this.of(gpu).dropped = false;
    this.stats.linkResets++;
  }

  /** The NPU uses the GPU's bricks again (once the GPU's side of the links is up). */
  unfence(gpu: number): void {
    this.of(gpu).fenced = false;
  }

  isFenced(gpu: number): boolean {
    return this.of(gpu).fenced;
  }

  isDropped(gpu: number): boolean {
    return this.of(gpu).dropped;
  }

  /** One use of the GPU's links by the NPU (`what`: an ATSD, a completion, ...). */
  use(gpu: number, now: Tick, what: string): LinkUse {
    const s = this.state.get(gpu);
    if (s === undefined) return { kind: 'ok' };
    if (s.fenced) {
      this.stats.fencedSkips++;
      return { kind: 'fenced' };
    }
    if (!s.dropped) return { kind: 'ok' };
    const event: HmiEvent = {
      at: now,
      gpu,
      reason: 'npu-use-after-gpu-reset',
      detail: `${what} to gpu${gpu} on NVLinks a GPU reset dropped, before the NPU's bricks were reset`,
    };
    this.stats.hmis++;
    if (this.hmiLog.length < HMI_LOG_CAPACITY) this.hmiLog.push(event);
    this.pending.push(event);
    return { kind: 'hmi', event };
  }

  /** The HMIs raised since the last call (for the chip's oracle). */
  drainHmis(): HmiEvent[] {
    return this.pending.length === 0 ? [] : this.pending.splice(0, this.pending.length);
  }
}
