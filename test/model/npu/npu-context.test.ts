import { describe, expect, test } from 'vitest';
import { ModelRefusal } from '../../../src/core/errors.js';
import { MSR_DR, MSR_HV, MSR_PR, MSR_SF } from '../../../src/model/npu/nest-mmu.js';
import { NpuContextTable } from '../../../src/model/npu/npu-context.js';

const mm = { id: 'proc-a', contextId: 12 };
const gpu = { npuIndex: 0, linkIndex: 1 };
const cb = () => undefined;
const FLAGS = MSR_DR | MSR_PR | MSR_HV;

describe('npu-context: pnv_npu2_init_context / destroy_context (v4.12-v5.2)', () => {
  test('context: one refcounted context per mm', () => {
    const t = new NpuContextTable();
    const a = t.init(mm, gpu, FLAGS, cb, 1);
    const b = t.init(mm, { npuIndex: 1, linkIndex: 0 }, FLAGS, cb, 1);
    expect(b).toBe(a);
    expect(a.refcount).toBe(2);
    expect(t.isCopro(mm.id)).toBe(true);
    t.destroyNow(a, gpu);
    expect(a.refcount).toBe(1);
    expect(a.freed).toBe(false);
    t.destroyNow(a, { npuIndex: 1, linkIndex: 0 });
    expect(a.freed).toBe(true);
    expect(t.contextOf(mm.id)).toBeUndefined();
    expect(t.isCopro(mm.id)).toBe(false);
  });

  test('context: a different cb or priv for the same mm is EINVAL', () => {
    const t = new NpuContextTable();
    t.init(mm, gpu, FLAGS, cb, 1);
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return e instanceof ModelRefusal ? e.code : String(e);
      }
    };
    expect(code(() => t.init(mm, gpu, FLAGS, cb, 2))).toBe('EINVAL');
    expect(code(() => t.init(mm, gpu, FLAGS, () => 0, 1))).toBe('EINVAL');
    expect(code(() => t.init({ id: 'z', contextId: 0 }, gpu, FLAGS, cb, 1))).toBe('EINVAL');
    expect(code(() => t.init({ id: 'y', contextId: 3 }, gpu, FLAGS | MSR_SF, cb, 1))).toBe('EINVAL');
    expect(t.contextOf(mm.id)?.refcount).toBe(1);
  });

  test('context race: with the lock, an init racing the final destroy gets a fresh context', () => {
    const t = new NpuContextTable();
    const old = t.init(mm, gpu, FLAGS, cb, 1);
    const d = t.destroy(old, gpu);
    expect(d.step()).toBe('kref-put');
    const got = t.init(mm, gpu, FLAGS, cb, 1);
    expect(d.step()).toBe('kfree');
    expect(got).not.toBe(old);
    expect(got.freed).toBe(false);
    expect(got.dying).toBe(false);
    expect(old.freed).toBe(true);
  });

  test('context race: without the lock (contextRaceUnlocked), an init that loaded the pointer before the last put gets the context being freed', () => {
    const t = new NpuContextTable({ contextRaceUnlocked: true });
    const old = t.init(mm, gpu, FLAGS, cb, 1);
    const init = t.beginInit(mm, gpu, FLAGS, cb, 1);
    expect(init.step()).toBe('load');
    expect(init.done).toBe(false);
    const d = t.destroy(old, gpu);
    // The release function clears the pointer with the last put: a later init allocates afresh.
    expect(d.step()).toBe('kref-put');
    expect(t.contextOf(mm.id)).toBeUndefined();
    expect(init.step()).toBe('get');
    expect(init.context).toBe(old);
    expect(old.dying).toBe(true);
    expect(old.refcount).toBe(1);
    expect(d.step()).toBe('kfree');
    expect(old.freed).toBe(true);
    expect(t.stats.raceReturnsDying).toBe(1);
  });

  test('context race: without the lock, an init whose load finds no context allocates in that step, and one done whole cannot race', () => {
    const t = new NpuContextTable({ contextRaceUnlocked: true });
    const first = t.beginInit(mm, gpu, FLAGS, cb, 1);
    expect(first.step()).toBe('load');
    expect(first.done).toBe(true);
    const old = first.context!;
    const d = t.destroy(old, gpu);
    d.step();
    const fresh = t.init(mm, gpu, FLAGS, cb, 1);
    expect(fresh).not.toBe(old);
    expect(fresh.dying).toBe(false);
    expect(t.stats.raceReturnsDying).toBe(0);
  });

  test('context race: the pre-fix holder’s later destroy writes freed memory, counted, not asserted', () => {
    const t = new NpuContextTable({ contextRaceUnlocked: true });
    const old = t.init(mm, gpu, FLAGS, cb, 1);
    const init = t.beginInit(mm, gpu, FLAGS, cb, 1);
    init.step(); // load
    const d = t.destroy(old, gpu);
    d.step(); // kref_put 1 -> 0, the pointer cleared
    init.step(); // kref_get 0 -> 1
    d.step(); // kfree
    t.destroyNow(init.context!, gpu);
    expect(t.stats.useAfterFree).toBe(1);
    expect(t.stats.doubleFrees).toBe(1);
  });

  test('context: with the lock an init is one step, whatever a destroy does around it', () => {
    const t = new NpuContextTable();
    const old = t.init(mm, gpu, FLAGS, cb, 1);
    const init = t.beginInit(mm, gpu, FLAGS, cb, 1);
    expect(init.step()).toBe('load');
    expect(init.done).toBe(true);
    expect(init.context).toBe(old);
    expect(old.refcount).toBe(2);
  });

  test('context: with the lock a destroy of a freed context cannot happen, and is an assertion', () => {
    const t = new NpuContextTable();
    const c = t.init(mm, gpu, FLAGS, cb, 1);
    t.destroyNow(c, gpu);
    expect(() => t.destroyNow(c, gpu)).toThrow(/already freed/);
  });

  test('context: every reference operation is logged for the oracle only when asked', () => {
    const quiet = new NpuContextTable();
    quiet.destroyNow(quiet.init(mm, gpu, FLAGS, cb, 1), gpu);
    expect(quiet.drainEvents()).toEqual([]);
    const t = new NpuContextTable({ recordEvents: true });
    const c = t.init(mm, gpu, FLAGS, cb, 1);
    t.init(mm, gpu, FLAGS, cb, 1);
    t.destroyNow(c, gpu);
    t.destroyNow(c, gpu);
    expect(t.drainEvents().map((e) => [e.op, e.refcount])).toEqual([
      ['alloc', 1],
      ['get', 2],
      ['put', 1],
      ['put', 0],
      ['free', 0],
    ]);
    expect(t.drainEvents()).toEqual([]);
  });
});
