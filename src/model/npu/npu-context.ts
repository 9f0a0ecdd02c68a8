/**
 * The Linux v4.12-v5.2 NPU driver context (arch/powerpc/platforms/powernv/npu-dma.c,
 * pnv_npu2_init_context / pnv_npu2_destroy_context;
 * docs/theory/ats-atsd-oracle.md#3-the-driver-context-npunpu-contextts-linux-v412-v52-npu-dmac).
 *
 * One `npu_context` per mm, refcounted with a kref and looked up under `npu_context_lock`:
 * - init: flags must be within DR|PR|HV; `mm->context.id` 0 is refused ("context id 0 is reserved on
 *   the GPU"); an existing context with a different release_cb/priv gives -EINVAL ("Prevent
 *   overwriting of pnv_npu2_init_contex() callback parameters"); otherwise kref_get_unless_zero and
 *   publish npdev[npu][link]. A new context is allocated, published in mm->context.npu_context and,
 *   the nest MMU lacking "ibm,nmmu-flush" (skiboot never sets it), the mm is marked copro
 *   (mm_context_add_copro) so CPU TLB invalidations are global.
 * - destroy: clear the npdev slot, kref_put; on the last reference the release function clears
 *   mm->context.npu_context and mm_context_remove_copro at once; then mmu_notifier_unregister
 *   (which sleeps in SRCU) and kfree.
 *
 * The race ("Add lock to prevent race in concurrent context init/destroy"), made explicit as steps
 * the engine or a test can interleave. Destroy is a `ContextDestroy` with two steps:
 *   1. 'kref-put'  : refcount drops; on the last reference mm->context.npu_context = NULL and
 *                    mm_context_remove_copro, in the same step (the pre-fix release function
 *                    clears the pointer first, a few instructions after the decrement; the fix runs
 *                    kref_put under npu_context_lock)
 *   2. 'kfree'     : mmu_notifier_unregister, kfree (the context is gone), after the SRCU sync
 * Fixed kernel (default): init reads the pointer and does kref_get_unless_zero under the same
 * lock, in one step (`init`), so an init either sees a live context (refcount > 0) or no context
 * and allocates a new one.
 * With `contextRaceUnlocked` (the pre-fix kernel): init's load of mm->context.npu_context and its
 * plain kref_get are apart (`beginInit`, a `ContextInit` with steps 'load' and 'get'): in the
 * kernel a few instructions, opened by an interrupt or a preemption between them; the engine
 * widens that gap so the race is reached in a short run. Scenario:
 *   1. thread B: init loads mm->context.npu_context (set: A's reference keeps it alive)
 *   2. thread A: destroy, kref-put: refcount 1 -> 0, the pointer cleared
 *   3. thread B: kref_get on the context it loaded: 0 -> 1 (or, after A's kfree, on freed memory)
 *   4. thread A: kfree frees the context B holds
 * The returned context has `freed` (after step 4) or `dying` (refcount went through 0) set, which is
 * what a test observes as the use-after-free. Thread B later destroys the context it holds: its
 * kref_put and kfree then write freed memory (a use-after-free and a double free). The pre-fix
 * kernel lets that happen, so with `contextRaceUnlocked` the model lets it happen too and counts it
 * (`stats.useAfterFree`, `stats.doubleFrees`); in the fixed kernel it cannot, and is an assertion.
 *
 * Every reference operation (allocation, kref_get, kref_put, kfree) is logged when `recordEvents` is
 * set, for the chip to tell its oracle (check/rules/npu-rules.ts keeps its own count of references,
 * so the rule does not trust the table's `dying`/`freed` flags): `drainEvents()` hands them over.
 */

import { AssertionFailure, assert, ConfigError, ModelRefusal } from '../../core/errors.js';
import { MSR_DR, MSR_HV, MSR_PR } from './nest-mmu.js';

/** The mm as the driver sees it: mm->context.id is the PID the GPU will use. */
export interface MmRef {
  /** Identity of the mm (e.g. the process label). */
  readonly id: string;
  /** mm->context.id (the PID); 0 is refused. */
  readonly contextId: number;
}

/** A GPU link device as pnv_npu2_init_context knows it (plain numbers: no topology dependency). */
export interface GpuLinkRef {
  readonly npuIndex: number;
  readonly linkIndex: number;
}

export interface NpuContext {
  readonly serial: number;
  readonly mm: MmRef;
  readonly flags: number;
  readonly releaseCb: unknown;
  readonly priv: unknown;
  refcount: number;
  /** The refcount went through 0: the context is being torn down. */
  dying: boolean;
  /** kfree done: any holder is using freed memory. */
  freed: boolean;
  /** npdev[npu][link] slots published by init (keys "npu:link"). */
  readonly npdev: Set<string>;
}

export type ContextDestroyStep = 'kref-put' | 'kfree' | 'done';
export type ContextInitStep = 'load' | 'get' | 'done';

/** One reference operation on a context, as the table made it (`refcount` after it). */
export interface ContextEvent {
  readonly op: 'alloc' | 'get' | 'put' | 'free';
  readonly serial: number;
  readonly mm: MmRef;
  readonly refcount: number;
}

export interface NpuContextTableOptions {
  /** Bug switch: the pre-fix kernel without npu_context_lock around init/destroy. Default false. */
  contextRaceUnlocked?: boolean;
  /** Bound on live contexts (one per mm); default 4096. */
  maxContexts?: number;
  /** Log every reference operation for `drainEvents()` (the chip tells its oracle). Default false. */
  recordEvents?: boolean;
}

const FLAGS_ALLOWED = MSR_DR | MSR_PR | MSR_HV;

/** The driver's global state: mm -> context, plus the copro marks. */
export class NpuContextTable {
  private readonly byMm = new Map<string, NpuContext>();
  private readonly copro = new Set<string>();
  private nextSerial = 1;
  readonly contextRaceUnlocked: boolean;
  private readonly maxContexts: number;
  private readonly events: ContextEvent[] | undefined;
  readonly stats = {
    inits: 0,
    allocations: 0,
    einval: 0,
    frees: 0,
    raceReturnsDying: 0,
    /** kref_put on a context already freed (pre-fix kernel only). */
    useAfterFree: 0,
    /** kfree of a context already freed (pre-fix kernel only). */
    doubleFrees: 0,
  };

  constructor(options: NpuContextTableOptions = {}) {
    this.contextRaceUnlocked = options.contextRaceUnlocked ?? false;
    this.events = options.recordEvents === true ? [] : undefined;
    this.maxContexts = options.maxContexts ?? 4096;
    if (!Number.isInteger(this.maxContexts) || this.maxContexts < 1) {
      throw new ConfigError('maxContexts', `Expected a positive integer, got \`${this.maxContexts}\``);
    }
  }

  /**
   * pnv_npu2_init_context(gpdev, flags, cb, priv). Throws ModelRefusal('EINVAL') as the kernel
   * returns ERR_PTR(-EINVAL); ENOSPC when the model's context bound is reached.
   */
  init(mm: MmRef, gpu: GpuLinkRef, flags: number, releaseCb: unknown, priv: unknown): NpuContext {
    const init = this.beginInit(mm, gpu, flags, releaseCb, priv);
    while (!init.done) init.step();
    return init.context!;
  }

  /**
   * pnv_npu2_init_context as steps (header): with the lock, one step; without it (the pre-fix
   * kernel), the load of the mm's context and the kref_get on it are two, so a destroy can land
   * between them. Init is serialised per mm by mmap_sem held for write, so two inits of one mm
   * never load a missing context both: an absent one is allocated in the load's own step.
   */
  beginInit(mm: MmRef, gpu: GpuLinkRef, flags: number, releaseCb: unknown, priv: unknown): ContextInit {
    this.stats.inits++;
    this.checkInitArgs(mm, flags);
    return new ContextInit(this, { mm, gpu, flags, releaseCb, priv });
  }

  /** @internal used by ContextInit: the context published for the mm now, if any. */
  _published(mm: MmRef): NpuContext | undefined {
    return this.byMm.get(mm.id);
  }

  /** @internal used by ContextInit: a reference on `existing`, or a new context when there is none. */
  _take(existing: NpuContext | undefined, a: InitArgs): NpuContext {
    if (existing !== undefined) return this.getExisting(existing, a.mm, a.gpu, a.releaseCb, a.priv);
    return this.allocate(a.mm, a.gpu, a.flags, a.releaseCb, a.priv);
  }

  /** The flags and the mm's context id, each an EINVAL when wrong. */
  private checkInitArgs(mm: MmRef, flags: number): void {
    if ((flags & ~FLAGS_ALLOWED) !== 0) {
      this.stats.einval++;
      throw new ModelRefusal(
        'EINVAL',
        `Expected flags within MSR_DR|MSR_PR|MSR_HV for mm ${mm.id}, got ${flags}`,
      );
    }
    if (mm.contextId === 0) {
      this.stats.einval++;
      throw new ModelRefusal(
        'EINVAL',
        `Expected mm ${mm.id} context id other than 0 (context id 0 is reserved on the GPU)`,
      );
    }
  }

  /** A second init for an mm: a reference on its published context (same release_cb/priv). */
  private getExisting(
    existing: NpuContext,
    mm: MmRef,
    gpu: GpuLinkRef,
    releaseCb: unknown,
    priv: unknown,
  ): NpuContext {
    if (existing.releaseCb !== releaseCb || existing.priv !== priv) {
      this.stats.einval++;
      throw new ModelRefusal(
        'EINVAL',
        `Expected the same release_cb/priv as the existing context of mm ${mm.id}, got different ones`,
      );
    }
    if (this.contextRaceUnlocked) {
      // Pre-fix: plain kref_get on whatever pointer was read, even at refcount 0 or freed.
      if (existing.refcount === 0) this.stats.raceReturnsDying++;
      existing.refcount++;
      existing.npdev.add(`${gpu.npuIndex}:${gpu.linkIndex}`);
      this._log('get', existing);
      return existing;
    }
    // Fixed kernel: under the lock the pointer is cleared together with the last kref_put, so a
    // context still published here always has refcount > 0 (kref_get_unless_zero succeeds).
    assert(existing.refcount > 0, `published npu_context of mm ${mm.id} has refcount 0 under the lock`);
    existing.refcount++;
    existing.npdev.add(`${gpu.npuIndex}:${gpu.linkIndex}`);
    this._log('get', existing);
    return existing;
  }

  /** A first init for an mm: a new context, published, refcount 1 (ENOSPC at the model's bound). */
  private allocate(mm: MmRef, gpu: GpuLinkRef, flags: number, releaseCb: unknown, priv: unknown): NpuContext {
    if (this.byMm.size >= this.maxContexts) {
      throw new ModelRefusal(
        'ENOSPC',
        `Expected fewer than ${this.maxContexts} NPU contexts, got ${this.byMm.size}`,
      );
    }
    const ctx: NpuContext = {
      serial: this.nextSerial++,
      mm,
      flags,
      releaseCb,
      priv,
      refcount: 1,
      dying: false,
      freed: false,
      npdev: new Set([`${gpu.npuIndex}:${gpu.linkIndex}`]),
    };
    this.byMm.set(mm.id, ctx);
    this.copro.add(mm.id);
    this.stats.allocations++;
    this._log('alloc', ctx);
    return ctx;
  }

  /** The reference operations logged since the last drain (empty unless `recordEvents`). */
  drainEvents(): ContextEvent[] {
    if (this.events === undefined || this.events.length === 0) return [];
    return this.events.splice(0, this.events.length);
  }

  /** pnv_npu2_destroy_context, as explicit steps (see header). */
  destroy(ctx: NpuContext, gpu: GpuLinkRef): ContextDestroy {
    return new ContextDestroy(this, ctx, gpu);
  }

  /** Run a whole destroy at once (no interleaving). */
  destroyNow(ctx: NpuContext, gpu: GpuLinkRef): void {
    const d = this.destroy(ctx, gpu);
    for (let i = 0; i < 3 && !d.done; i++) d.step();
    assert(d.done, 'context destroy did not finish in 2 steps');
  }

  contextOf(mmId: string): NpuContext | undefined {
    return this.byMm.get(mmId);
  }

  /** mm_context_add_copro state: CPU TLB invalidations for this mm are global. */
  isCopro(mmId: string): boolean {
    return this.copro.has(mmId);
  }

  /** @internal used by ContextDestroy. */
  _release(ctx: NpuContext): void {
    if (this.byMm.get(ctx.mm.id) === ctx) {
      this.byMm.delete(ctx.mm.id);
      this.copro.delete(ctx.mm.id);
    }
  }

  /** @internal */
  _freed(): void {
    this.stats.frees++;
  }

  /** @internal */
  _log(op: ContextEvent['op'], ctx: NpuContext): void {
    this.events?.push({ op, serial: ctx.serial, mm: ctx.mm, refcount: ctx.refcount });
  }
}

/** One destroy in progress; `step()` runs the next step and says which it ran. */
export class ContextDestroy {
  private next: ContextDestroyStep = 'kref-put';
  private last = false;

  constructor(
    private readonly table: NpuContextTable,
    readonly ctx: NpuContext,
    private readonly gpu: GpuLinkRef,
  ) {}

  get done(): boolean {
    return this.next === 'done';
  }

  /** The step that `step()` will run next. */
  get pending(): ContextDestroyStep {
    return this.next;
  }

  step(): ContextDestroyStep {
    const ran = this.next;
    switch (ran) {
      case 'kref-put': {
        if (this.ctx.freed) {
          // Only the pre-fix kernel gets here: the context it holds was freed under it (header).
          assert(
            this.table.contextRaceUnlocked,
            `destroy of npu_context #${this.ctx.serial} that is already freed`,
          );
          this.table.stats.useAfterFree++;
        }
        this.ctx.npdev.delete(`${this.gpu.npuIndex}:${this.gpu.linkIndex}`);
        if (!(this.ctx.refcount > 0))
          throw new AssertionFailure(`kref_put on npu_context #${this.ctx.serial} at refcount 0`);
        this.ctx.refcount--;
        this.table._log('put', this.ctx);
        this.last = this.ctx.refcount === 0;
        if (!this.last) {
          this.next = 'done';
        } else {
          this.ctx.dying = true;
          // The release function, inside kref_put: the pointer is cleared at once (under
          // npu_context_lock in the fixed kernel, a few instructions later without it).
          this.table._release(this.ctx);
          this.next = 'kfree';
        }
        break;
      }
      case 'kfree':
        // mmu_notifier_unregister then kfree, outside the spinlock.
        if (this.ctx.freed) {
          assert(this.table.contextRaceUnlocked, `double kfree of npu_context #${this.ctx.serial}`);
          this.table.stats.doubleFrees++;
        }
        this.ctx.freed = true;
        this.table._freed();
        this.table._log('free', this.ctx);
        this.next = 'done';
        break;
      case 'done':
        assert(false, 'step() on a finished context destroy');
    }
    return ran;
  }
}

/** What pnv_npu2_init_context was called with. */
interface InitArgs {
  readonly mm: MmRef;
  readonly gpu: GpuLinkRef;
  readonly flags: number;
  readonly releaseCb: unknown;
  readonly priv: unknown;
}

/** One init in progress; `step()` runs the next step and says which it ran. */
export class ContextInit {
  private next: ContextInitStep = 'load';
  private loaded: NpuContext | undefined;
  /** The context this init returned, once done. */
  context: NpuContext | undefined;

  constructor(
    private readonly table: NpuContextTable,
    private readonly args: InitArgs,
  ) {}

  get done(): boolean {
    return this.next === 'done';
  }

  step(): ContextInitStep {
    const ran = this.next;
    switch (ran) {
      case 'load':
        this.loaded = this.table._published(this.args.mm);
        // With the lock (or nothing published: allocated under mmap_sem), the get is this step.
        if (this.loaded === undefined || !this.table.contextRaceUnlocked) this.take();
        else this.next = 'get';
        break;
      case 'get':
        this.take();
        break;
      case 'done':
        assert(false, 'step() on a finished context init');
    }
    return ran;
  }

  private take(): void {
    this.context = this.table._take(this.loaded, this.args);
    this.next = 'done';
  }
}
