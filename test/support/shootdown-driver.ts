/**
 * A single-threaded reference driver for the ATSD protocol: N shootdowns (host/shootdown.ts) run
 * against the NPUs' register units (npu/atsd-unit.ts) in one thread, with a Chooser picking the
 * interleaving. Tests use it to show the Feb 2018 deadlock, the no-VALID-BDF hang, and that the
 * fixed protocol always finishes; the simulator itself drives shootdowns by messages instead.
 */
import { assert } from '../../src/core/errors.js';
import type { OracleEvent } from '../../src/model/check/oracle-events.js';
import type { Chooser } from '../../src/model/choice/chooser.js';
import {
  type AtsdBugs,
  type OpAnswer,
  Shootdown,
  type ShootdownOp,
  type ShootdownSpec,
} from '../../src/model/host/shootdown.js';
import type { AtsdDelivery, AtsdUnit } from '../../src/model/npu/atsd-unit.js';
import type { Tick } from '../../src/model/types.js';

/**
 * Perform `op` on the NPU's unit, in-thread. Returns the answer for resolve() and the deliveries a
 * launch produced (the engine sends each to its GPU and acks the unit when the GPU is done).
 */
export function performOp(
  op: Exclude<ShootdownOp, { kind: 'done' }>,
  owner: number,
  unit: AtsdUnit | undefined,
  now: Tick,
): { answer: OpAnswer; deliveries: AtsdDelivery[] } {
  if (op.kind === 'eieio') return { answer: null, deliveries: [] };
  assert(unit !== undefined && unit.npuIndex === op.npu, `no ATSD unit for npu ${op.npu}`);
  switch (op.kind) {
    case 'acquire':
      return { answer: { reg: unit.tryAcquire(owner, now, op.registers, op.guestLpid) }, deliveries: [] };
    case 'write-ava':
      unit.writeAva(op.reg, owner, op.ava);
      return { answer: null, deliveries: [] };
    case 'launch':
      return { answer: null, deliveries: unit.launch(op.reg, owner, op.params) };
    case 'wait':
      return { answer: { stat: unit.stat(op.reg) }, deliveries: [] };
    case 'release':
      unit.release(op.reg, owner, now);
      return { answer: null, deliveries: [] };
  }
}

export interface DriverOptions {
  units: readonly AtsdUnit[];
  shootdowns: readonly ShootdownSpec[];
  bugs?: AtsdBugs;
  chooser: Chooser;
  /** Bound on scheduling steps; default 100000. */
  maxSteps?: number;
  /** Simulated time per step; default 1 ns. */
  stepTicks?: number;
  /** Each delivery, handed to the caller's GPU model before it is acked (optional). */
  deliver?: (delivery: AtsdDelivery, npu: number) => void;
}

export interface RegisterReport {
  readonly npu: number;
  readonly reg: number;
  readonly holder: number | null;
  readonly waiters: readonly number[];
}

export interface DriverResult {
  readonly completed: readonly number[];
  readonly events: readonly OracleEvent[];
  readonly steps: number;
  /** Set when no actor could progress (or steps ran out): every register's holder and waiters. */
  readonly stuck: {
    readonly reason: 'deadlock' | 'hang' | 'step-limit';
    readonly registers: readonly RegisterReport[];
  } | null;
  readonly perShootdown: readonly {
    id: number;
    registerWaitTicks: number;
    statWaitTicks: number;
    spins: number;
  }[];
}

/**
 * Run N shootdowns concurrently in one thread. Each step the Chooser picks one runnable actor: a
 * shootdown (which performs its current op) or a pending GPU ack. Progress means an op that moved a
 * shootdown on or an ack; when every remaining shootdown only spins and no ack is pending, the run is
 * stuck: a deadlock if some spin on registers, a hang if some wait on a STAT that never clears.
 */
export function runShootdowns(options: DriverOptions): DriverResult {
  const step = options.stepTicks ?? 1000;
  const maxSteps = options.maxSteps ?? 100_000;
  const units = new Map(options.units.map((u) => [u.npuIndex, u]));
  const sds = options.shootdowns.map((s) => new Shootdown(s, options.bugs));
  const acks: { npu: number; reg: number; gpu: number }[] = [];
  const events: OracleEvent[] = [];
  const completed: number[] = [];
  let now = 0;
  let steps = 0;
  // Actors that only spun since the last progress; when all live ones did, nothing can change.
  const spunSinceProgress = new Set<number>();
  let stuck: DriverResult['stuck'] = null;
  for (; steps < maxSteps; steps++) {
    const live = sds.filter((s) => !s.done);
    if (live.length === 0) break;
    const runnable = [
      ...live.filter((s) => !spunSinceProgress.has(s.spec.id)).map((s) => ({ sd: s })),
      ...acks.map((_a, i) => ({ ack: i })),
    ];
    if (runnable.length === 0) {
      const waitingStat = live.some((s) => s.current().kind === 'wait');
      stuck = { reason: waitingStat ? 'hang' : 'deadlock', registers: registerReport(options.units, live) };
      break;
    }
    now += step;
    const pick = runnable[options.chooser.choose('atsd.driver.next', runnable.length)]!;
    if ('ack' in pick) {
      const [a] = acks.splice(pick.ack!, 1);
      units.get(a!.npu)!.ack(a!.reg, a!.gpu);
      spunSinceProgress.clear();
      continue;
    }
    const sd = pick.sd!;
    const op = sd.current();
    assert(op.kind !== 'done', 'a live shootdown has no op');
    const { answer, deliveries } = performOp(
      op,
      sd.spec.id,
      op.kind === 'eieio' ? undefined : units.get(op.npu),
      now as Tick,
    );
    for (const d of deliveries) {
      options.deliver?.(d, (op as { npu: number }).npu);
      acks.push({ npu: (op as { npu: number }).npu, reg: (op as { reg: number }).reg, gpu: d.gpu });
    }
    events.push(...sd.resolve(answer, now as Tick));
    const spun =
      (op.kind === 'acquire' && answer !== null && 'reg' in answer && answer.reg === null) ||
      (op.kind === 'wait' && answer !== null && 'stat' in answer && answer.stat !== 0);
    if (spun) spunSinceProgress.add(sd.spec.id);
    else spunSinceProgress.clear();
    if (sd.done) completed.push(sd.spec.id);
  }
  if (stuck === null && sds.some((s) => !s.done)) {
    stuck = {
      reason: 'step-limit',
      registers: registerReport(
        options.units,
        sds.filter((s) => !s.done),
      ),
    };
  }
  return {
    completed,
    events,
    steps,
    stuck,
    perShootdown: sds.map((s) => ({
      id: s.spec.id,
      registerWaitTicks: s.stats.registerWaitTicks,
      statWaitTicks: s.stats.statWaitTicks,
      spins: s.stats.spins,
    })),
  };
}

function registerReport(units: readonly AtsdUnit[], live: readonly Shootdown[]): RegisterReport[] {
  const out: RegisterReport[] = [];
  for (const u of units) {
    for (const r of u.snapshot()) {
      const waiters = live
        .filter((s) => {
          const op = s.current();
          return (
            op.kind === 'acquire' &&
            op.npu === u.npuIndex &&
            (op.registers === undefined || op.registers.includes(r.index))
          );
        })
        .map((s) => s.spec.id);
      out.push({ npu: u.npuIndex, reg: r.index, holder: r.owner, waiters });
    }
  }
  return out;
}

/** Describe a stuck run in one line per register that has a holder or waiters. */
export function describeStuck(stuck: NonNullable<DriverResult['stuck']>): string {
  const lines = stuck.registers
    .filter((r) => r.holder !== null || r.waiters.length > 0)
    .map(
      (r) =>
        `npu ${r.npu} reg ${r.reg}: held by ${r.holder ?? 'nobody'}, waited on by [${r.waiters.join(', ')}]`,
    );
  return `${stuck.reason}: ${lines.join('; ')}`;
}
