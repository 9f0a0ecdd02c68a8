/**
 * NPU driver contexts that come and go under load (workload `host.contextChurnIntervalTicks`): the
 * GPU driver of each process (one instance per GPU link, an `attachment` of ats-service.ts) holds
 * its mm's context for a while, destroys it (pnv_npu2_destroy_context) and inits it again
 * (pnv_npu2_init_context), as guests' processes attach to and release their GPUs. Each attachment
 * is a CPU thread of this chip, on its own timer; the steps of a destroy (npu/npu-context.ts:
 * kref_put with the pointer's clear, then kfree after the SRCU sync) are separate events, a chosen
 * delay apart ('context.step').
 *
 * The race the fixed kernel prevents ("Add lock to prevent race in concurrent context
 * init/destroy"; `context-init-destroy-race` switches the lock off), with two threads A and B
 * holding the one context of an mm through two GPUs of this NPU (refcount 2):
 *   1. A destroys: kref_put 2 -> 1; A is detached.
 *   2. A inits again: it loads mm->context.npu_context, still B's live context.
 *      Fixed: the load and kref_get_unless_zero are one step under npu_context_lock.
 *      Pre-fix: the plain kref_get is its next step, a delay later ('context.step': in the
 *      kernel a few instructions, opened by an interrupt or a preemption; widened here so that a
 *      short run reaches the race).
 *   3. B destroys before that step: kref_put 1 -> 0, the last reference, clearing the pointer.
 *   4. A's kref_get takes the context from 0 back to 1 and returns it (after B's kfree, it writes
 *      freed memory); B's kfree frees the context A holds; A's later destroy writes freed memory.
 * The chip's oracle counts the references from the table's events and reports step 4's kref_get
 * (after the last put) as `order.context-use-after-free`, and a free while A holds one.
 * Inits of one mm are serialised (the kernel holds mmap_sem for write across init_context): a
 * thread whose mm another thread is initing waits a step and tries again.
 *
 * Translations do not go through the driver context here (the nest MMU walks through XTS), so the
 * churn does not change what DMA sees: it only exercises the context's lifetime.
 */
import { ContextTimerMsg } from '../../protocol/messages/timers.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import { ns } from '../../types.js';
import type { ActorContext } from '../actor.js';
import type { AtsService } from './ats-service.js';
import type { ChipEnv } from './chip-env.js';

/**
 * Default mean gap between the steps of a context destroy (kref_put, then kfree after the SRCU
 * sync) and, in the pre-fix kernel, of an init (its load and its kref_get): ASSUMED, and for the
 * init far wider than the few instructions it is in the kernel, so that a run reaches the race.
 */
const DEFAULT_CONTEXT_STEP_TICKS = ns(1000);

export class ContextChurn {
  private readonly holdTicks: number;
  private readonly stepTicks: number;

  constructor(
    private readonly env: ChipEnv,
    private readonly ats: AtsService,
  ) {
    const h = env.world.config.params.host;
    this.holdTicks = h.contextChurnIntervalTicks ?? 0;
    this.stepTicks = h.contextStepTicks ?? DEFAULT_CONTEXT_STEP_TICKS;
  }

  get enabled(): boolean {
    return this.holdTicks > 0 && this.ats.attachments.length > 0;
  }

  start(ctx: ActorContext): void {
    if (!this.enabled) return;
    this.ats.attachments.forEach((_, thread) => {
      ctx.schedule(
        1 + ctx.chooser.choose('context.start', this.holdTicks),
        ContextTimerMsg.encode({ thread }),
      );
    });
  }

  /** Thread `thread`'s next step: start a destroy, run its next step, or init again. */
  onTimer(m: SimMessage, ctx: ActorContext): void {
    const thread = ContextTimerMsg.decode(m).thread;
    const a = this.ats.attachments[thread];
    if (a === undefined)
      throw new Error(`${this.env.name}: CONTEXT_TIMER for unknown driver thread ${thread}`);
    const counters = this.env.counters;
    if (a.destroy === undefined && a.ctx === undefined) {
      if (a.init === undefined) {
        if (this.ats.attachments.some((o) => o.init !== undefined && o.mm.id === a.mm.id)) {
          // mmap_sem: another thread is initing this mm; try again a step later.
          this.scheduleStep(ctx, thread);
          return;
        }
        a.init = this.ats.beginInit(a);
        counters.add('context.inits');
      }
      this.ats.stepInit(a, ctx.now);
      if (a.init === undefined) this.schedule(ctx, thread, this.hold(ctx));
      else this.scheduleStep(ctx, thread);
      return;
    }
    if (a.destroy === undefined) {
      a.destroy = this.ats.contexts.destroy(a.ctx!, a.link);
      counters.add('context.destroys');
    }
    a.destroy.step();
    this.ats.observeContexts(ctx.now);
    if (a.destroy.done) {
      a.destroy = undefined;
      a.ctx = undefined;
      this.schedule(ctx, thread, this.hold(ctx));
    } else {
      this.scheduleStep(ctx, thread);
    }
  }

  private scheduleStep(ctx: ActorContext, thread: number): void {
    this.schedule(ctx, thread, 1 + ctx.chooser.choose('context.step', 2 * this.stepTicks));
  }

  private hold(ctx: ActorContext): number {
    return Math.max(1, Math.floor(this.holdTicks / 2) + ctx.chooser.choose('context.hold', this.holdTicks));
  }

  private schedule(ctx: ActorContext, thread: number, delay: number): void {
    ctx.schedule(delay, ContextTimerMsg.encode({ thread }));
  }
}
