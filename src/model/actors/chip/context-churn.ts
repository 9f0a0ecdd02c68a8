/**
 * NPU driver contexts that come and go under load (workload `host.contextChurnIntervalTicks`): the
 * GPU driver of each process (one instance per GPU link, an `attachment` of ats-service.ts) holds
 * its mm's context for a while, destroys it (pnv_npu2_destroy_context) and inits it again
 * (pnv_npu2_init_context), as guests' processes attach to and release their GPUs. Each attachment
 * is a CPU thread of this chip, on its own timer; the steps of a destroy (npu/npu-context.ts:
 * kref_put, release, kfree) are separate events, a chosen delay apart ('context.step'), so another
 * thread's init on the same mm can land between them.
 *
 * The race the fixed kernel prevents ("Add lock to prevent race in concurrent context
 * init/destroy"; `context-init-destroy-race` switches the lock off), with two threads A and B
 * holding the one context of an mm through two GPUs of this NPU (refcount 2):
 *   1. A destroys: kref_put 2 -> 1; A is detached.
 *   2. B destroys: kref_put 1 -> 0, the last reference; B's release (clearing
 *      mm->context.npu_context) is its next step, a delay later.
 *   3. A inits again before that step: it reads the still-published pointer.
 *      Fixed: the lookup and the last kref_put are both under npu_context_lock, so at step 2 the
 *      pointer was cleared with the kref_put (one step) and A allocates a fresh context.
 *      Pre-fix: A's plain kref_get takes the context from 0 back to 1 and returns it.
 *   4. B's release and kfree run: the context A holds is freed; A's later destroy writes freed
 *      memory.
 * The chip's oracle counts the references from the table's events and reports step 3 (a kref_get
 * after the last put) as `order.context-use-after-free`, and step 4 (a free while A holds one).
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

/** Default mean gap between the steps of one context destroy (ASSUMED: a spinlock and an SRCU sync). */
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
      this.ats.initAttachment(a, ctx.now);
      counters.add('context.inits');
      this.schedule(ctx, thread, this.hold(ctx));
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
      this.schedule(ctx, thread, 1 + ctx.chooser.choose('context.step', 2 * this.stepTicks));
    }
  }

  private hold(ctx: ActorContext): number {
    return Math.max(1, Math.floor(this.holdTicks / 2) + ctx.chooser.choose('context.hold', this.holdTicks));
  }

  private schedule(ctx: ActorContext, thread: number, delay: number): void {
    ctx.schedule(delay, ContextTimerMsg.encode({ thread }));
  }
}
