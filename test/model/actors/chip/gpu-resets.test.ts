/**
 * A chip's GPU resets driven by hand (no runtime), with `resets.relinkDelayTicks` at 0 and above:
 * what the chip tells its oracle (the relink as a step of its own, at sbr-deassert + N), and that
 * the relink is part of the reset (RESET_DONE waits for it, and the chip refuses another reset of
 * the GPU until then). Then the whole machine inline, where resets come faster than the delay.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../../src/api/run-simulation.js';
import type { ActorContext } from '../../../../src/model/actors/actor.js';
import { ChipEnv } from '../../../../src/model/actors/chip/chip-env.js';
import { GpuResets } from '../../../../src/model/actors/chip/gpu-resets.js';
import { Counters } from '../../../../src/model/actors/counters.js';
import { buildWorld } from '../../../../src/model/actors/world.js';
import { K } from '../../../../src/model/protocol/kinds.js';
import {
  ResetAckMsg,
  type ResetAckState,
  ResetRequestMsg,
  ResetStepMsg,
  SbrTimerMsg,
} from '../../../../src/model/protocol/messages/reset.js';
import { newMessage, type SendFields } from '../../../../src/model/protocol/sim-message.js';
import type { RunConfig } from '../../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../../workloads/index.js';
import { recordingOracle } from '../../../support/recording-oracle.js';

const HOLD = 5_000_000;

function config(relinkDelayTicks: number, intervalTicks = 2_000_000): RunConfig {
  const w = workloads.find((x) => x.name === 'tenant-isolation')!;
  const params = {
    ...w.params,
    durationTicks: 200_000_000,
    resets: { intervalTicks, sbrHoldTicks: HOLD, relinkDelayTicks },
  };
  return { workload: 'tenant-isolation', seed: 1, bugs: [], params: parseParams(params, 'tenant-isolation') };
}

/** Chip 0's resets alone: its oracle events, its sends, its timers, and a clock set by hand. */
function harness(relinkDelayTicks: number) {
  const world = buildWorld(config(relinkDelayTicks));
  const { oracle, events } = recordingOracle();
  const env = new ChipEnv(world.chipActor[0]!, world, new Counters(), oracle);
  const resets = new GpuResets(env);
  const sent: SendFields[] = [];
  const timers: { at: number; fields: SendFields }[] = [];
  const ctx = {
    now: 0,
    self: world.chipActor[0]!,
    chooser: {
      choose: () => {
        throw new Error('no choice expected');
      },
    },
    send: (_edge: number, fields: SendFields) => {
      sent.push({ ...fields });
    },
    schedule: (delay: number, fields: SendFields) => {
      timers.push({ at: ctx.now + delay, fields: { ...fields } });
    },
  } satisfies ActorContext & { now: number };
  const msg = (fields: SendFields) => Object.assign(newMessage(), fields);
  const at = (tick: number) => {
    ctx.now = tick;
  };
  /** Fire the timer due first, at its tick. */
  const fireNext = () => {
    timers.sort((a, b) => a.at - b.at);
    const t = timers.shift()!;
    at(t.at);
    resets.onTimer(msg(t.fields), ctx);
    return SbrTimerMsg.decode(msg(t.fields)).step;
  };
  const request = (gpu: number) => resets.onRequest(msg(ResetRequestMsg.encode({ gpu, lpid: 1 })), ctx);
  const ack = (gpu: number, state: ResetAckState) =>
    resets.onAck(msg(ResetAckMsg.encode({ gpu, state })), ctx);
  const done = () => sent.filter((f) => f.kind === K.RESET_DONE).length;
  const steps = () =>
    sent.filter((f) => f.kind === K.RESET_STEP).map((f) => ResetStepMsg.decode(msg(f)).step);
  const resetEvents = () =>
    events.flatMap((e) => (e.kind === 'gpu.reset' ? [{ tick: e.tick as number, step: e.step }] : []));
  return { resets, ctx, at, fireNext, request, ack, done, steps, resetEvents };
}

describe('chip GPU resets: the relink', () => {
  test('delayed by N: the oracle sees it as a step of its own at sbr-deassert + N, and RESET_DONE waits for it', () => {
    const N = 3_000_000;
    const h = harness(N);
    h.at(1000);
    h.request(0);
    h.at(2000);
    h.ack(0, 'quiesced');
    expect(h.fireNext()).toBe('sbr-deassert'); // at 2000 + HOLD
    h.at(2000 + HOLD + 1500);
    h.ack(0, 'links-up');
    // The links are up, but the mask is not back: the reset is not done, and no other may start.
    expect(h.done()).toBe(0);
    expect(() => h.request(0)).toThrow(/already resetting/);
    expect(h.fireNext()).toBe('relink');
    expect(h.done()).toBe(1);
    expect(h.steps()).toEqual(['quiesce', 'sbr-assert', 'sbr-deassert', 'link-reset', 'relink']);
    const deassert = 2000 + HOLD;
    expect(h.resetEvents()).toEqual([
      { tick: 2000, step: 'fence' },
      { tick: 2000, step: 'sbr-assert' },
      { tick: deassert, step: 'sbr-deassert' },
      { tick: deassert, step: 'npu-reset' },
      { tick: deassert + 1500, step: 'unfence' },
      { tick: deassert + N, step: 'relink' },
    ]);
    // Done, the GPU may be reset again.
    h.request(0);
    expect(h.steps().at(-1)).toBe('quiesce');
  });

  test('delayed less than the links take to come up: RESET_DONE on links-up, after the relink', () => {
    const h = harness(1);
    h.request(0);
    h.ack(0, 'quiesced');
    h.fireNext();
    expect(h.fireNext()).toBe('relink');
    expect(h.done()).toBe(0);
    h.ack(0, 'links-up');
    expect(h.done()).toBe(1);
  });

  test('at 0 the mask comes back with sbr-deassert: no relink step, none observed, RESET_DONE on links-up', () => {
    const h = harness(0);
    h.request(0);
    h.ack(0, 'quiesced');
    expect(h.fireNext()).toBe('sbr-deassert');
    h.ack(0, 'links-up');
    expect(h.done()).toBe(1);
    expect(h.steps()).toEqual(['quiesce', 'sbr-assert', 'sbr-deassert', 'link-reset']);
    expect(h.resetEvents().map((e) => e.step)).toEqual([
      'fence',
      'sbr-assert',
      'sbr-deassert',
      'npu-reset',
      'unfence',
    ]);
  });
});

describe('the machine with a relink delayed past the reset interval', () => {
  // Six guests each resetting its GPU about every 2 us (one in 12 us per GPU), the mask back 3 us
  // after each deassert. Answering at links-up let a GPU's next reset begin in that window: the
  // GPU's reset port refused it (a crash, "a reset began before the last one's relink").
  test('every relink lands before the GPU is reset again; isolation.peer histories show the receiver’s window', async () => {
    const r = await runSimulation(config(3_000_000), { host: 'inline' });
    expect(r.status).toBe('violation');
    expect(new Set(r.violations.map((v) => v.rule))).toEqual(new Set(['isolation.peer']));
    expect(r.counts['gpu.resets']).toBeGreaterThan(10);
    expect(r.counts['gpu.resetBusy']).toBeGreaterThan(0);
    // Each access landed in its receiver's window: its sbr-deassert is in the history, and no relink
    // of that GPU after it (its reset steps have a history key of their own, so a burst of peer
    // accesses in one window does not push them out).
    for (const v of r.violations) {
      const receiver = Number(v.actors[1]!.replace('gpu', ''));
      const own = v.history.filter((l) => l.includes('gpu.reset') && l.includes(`"gpu":${receiver},`));
      expect({ v: v.message, last: own.at(-1) }).toEqual({
        v: v.message,
        last: expect.stringContaining('"step":"sbr-deassert"'),
      });
    }
  });
});
