/**
 * Placement (issue 15): actors on N workers, partitioned by socket, give the inline digest for
 * every placement and workload; the partition keeps a socket together and cuts the X-bus.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { planMachine } from '../../src/model/actors/machine.js';
import type { BugName } from '../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { combineDigests } from '../../src/runtime/digest.js';
import { runRaw } from '../../src/runtime/engine.js';
import { parsePlacement, placeActors } from '../../src/runtime/placement.js';
import { WorkerSet } from '../../src/runtime/worker-set.js';
import { workloads } from '../../workloads/index.js';

function config(
  name: string,
  seed: number,
  durationTicks: number,
  bugs: BugName[] = [],
  over = {},
): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, durationTicks, ...over }, name) };
}

describe('placement: the partition', () => {
  const plan = planMachine(config('stress', 1, 1_000));
  const names = (workerOf: number[], w: number) =>
    plan.actors.filter((a) => workerOf[a.index] === w).map((a) => a.name);

  test('placement: per-actor gives each actor a worker; 1 puts them all in one', () => {
    expect(placeActors(plan, { kind: 'per-actor' }, 2).workers).toBe(plan.actors.length);
    expect(placeActors(plan, { kind: 'workers', count: 1 }, 2).workers).toBe(1);
  });

  test('placement: 2 workers keep each socket together, so only the X-bus and control edges are cut', () => {
    const { workerOf, workers } = placeActors(plan, { kind: 'workers', count: 2 }, 2);
    expect(workers).toBe(2);
    expect(
      names(workerOf, 0)
        .filter((n) => n !== 'coordinator')
        .sort(),
    ).toEqual(['chip0', 'gpu0', 'gpu1', 'gpu2']);
    expect(names(workerOf, 1).sort()).toEqual(['chip1', 'gpu3', 'gpu4', 'gpu5']);
    const cut = plan.edges.filter((e) => workerOf[e.from] !== workerOf[e.to]);
    expect(new Set(cut.map((e) => e.kind))).toEqual(new Set(['xbus', 'control']));
  });

  test('placement: 4 workers split each socket by weight (a chip with one GPU, the other two GPUs); the coordinator joins a light group', () => {
    const { workerOf, workers } = placeActors(plan, { kind: 'workers', count: 4 }, 4);
    expect(workers).toBe(4);
    const groups = Array.from({ length: 4 }, (_, w) => names(workerOf, w).sort());
    expect(groups.filter((g) => !g.includes('coordinator')).length).toBe(3);
    const coordinatorGroup = groups.find((g) => g.includes('coordinator'))!;
    expect(coordinatorGroup.filter((n) => n.startsWith('gpu')).length).toBe(2);
    expect(groups.map((g) => g.filter((n) => n !== 'coordinator')).sort()).toEqual(
      [
        ['chip0', 'gpu0'],
        ['chip1', 'gpu3'],
        ['gpu1', 'gpu2'],
        ['gpu4', 'gpu5'],
      ].sort(),
    );
  });

  test('placement: 3 workers spread GPUs over the workers where halving a socket cannot balance them', () => {
    const { workerOf, workers } = placeActors(plan, { kind: 'workers', count: 3 }, 3);
    expect(workers).toBe(3);
    const weightOf = (n: string) => (n.startsWith('chip') ? 2 : n.startsWith('gpu') ? 1 : 0);
    const groups = Array.from({ length: 3 }, (_, w) => names(workerOf, w));
    // Two sockets of a chip (2) and three GPUs (1 each): 10 in all, so 4 at most; halving one
    // socket would leave the other whole (5).
    expect(Math.max(...groups.map((g) => g.reduce((s, n) => s + weightOf(n), 0)))).toBe(4);
    // Each chip still shares its worker with a GPU of its own socket.
    const socketOf = (n: string) => plan.actors.find((a) => a.name === n)!.socket;
    for (const g of groups.filter((x) => x.some((n) => n.startsWith('chip')))) {
      const chip = g.find((n) => n.startsWith('chip'))!;
      expect(g.some((n) => n.startsWith('gpu') && socketOf(n) === socketOf(chip))).toBe(true);
    }
  });

  test('placement: the coordinator has a worker of its own only once every other actor has one', () => {
    const others = plan.actors.length - 1;
    const eight = placeActors(plan, { kind: 'workers', count: others }, others);
    const coordinator = plan.actors.find((a) => a.kind === 'coordinator')!.index;
    const sharing = plan.actors.filter((a) => eight.workerOf[a.index] === eight.workerOf[coordinator]);
    expect(sharing.length).toBe(2);
    const all = placeActors(plan, { kind: 'workers', count: others + 1 }, others + 1);
    expect(new Set(all.workerOf).size).toBe(others + 1);
  });

  test('placement: auto takes the cores, never more workers than actors', () => {
    expect(placeActors(plan, { kind: 'auto' }, 2).workers).toBe(2);
    expect(placeActors(plan, { kind: 'auto' }, 64).workers).toBe(plan.actors.length);
  });

  test.each(['0', '-1', 'two', '257'])('placement: --workers %s is refused naming the option', (t) => {
    expect(() => parsePlacement(t)).toThrow(/--workers: Expected per-actor, auto or a number/);
  });

  test.each([
    ['Auto', 'auto'],
    ['per_actor', 'per-actor'],
    ['peractor', 'per-actor'],
    ['auot', 'auto'],
  ])('placement: --workers %s, a slip of a name, gets the nearest', (t, near) => {
    expect(() => parsePlacement(t)).toThrow(`got \`${t}\` (did you mean \`${near}\`?)`);
  });
});

describe('placement: one digest for every placement', () => {
  // Each placement's threads, kept from one workload's run to the next (src/runtime/worker-set.ts:
  // a kept worker's run gives the digest a fresh one gives, worker-set.test.ts): every run still
  // has its placement's partition, without starting its workers cold for every workload.
  const sets = new Map<number, WorkerSet>();
  const keptFor = (count: number): WorkerSet => {
    let set = sets.get(count);
    if (set === undefined) {
      set = new WorkerSet();
      sets.set(count, set);
    }
    return set;
  };
  afterAll(async () => {
    for (const set of sets.values()) await set.close();
  });

  test.each([
    ['stress', [] as BugName[], {}],
    ['flush-race', ['single-flush'] as BugName[], {}],
    ['tenant-isolation', [] as BugName[], { policy: 'per-gpu' }],
    // The host on a guest's ATSD register: its stale entries found by the same events everywhere.
    ['guest-atsd', ['host-atsd-ignores-lparid'] as BugName[], { durationTicks: 80_000_000 }],
  ])('placement: %s gives the inline digest on 1, 2, 3 and 4 workers', async (name, bugs, over) => {
    const c = config(name, 3, 30_000_000, bugs, over);
    const inline = combineDigests((await runRaw(c, { host: 'inline' })).actorDigests);
    for (const count of [1, 2, 3, 4]) {
      const t = await runRaw(c, {
        host: 'threaded',
        placement: { kind: 'workers', count },
        workerSet: keptFor(count),
      });
      expect({ count, digest: combineDigests(t.actorDigests) }).toEqual({ count, digest: inline });
    }
  });

  test('placement: the pre-fix stale ATSD index (atsd-deadlock, 2 registers) gives the inline digest on 2 workers and per-actor', async () => {
    // Clears of another shootdown's register and the LAUNCHes that follow cross actors (the
    // coordinator's stores, the chip's lock bits): the same events in every placement.
    const w = workloads.find((x) => x.name === 'atsd-deadlock')!;
    const over = { host: { ...w.params.host, atsdRegisters: 2 } };
    const c = config('atsd-deadlock', 1, 60_000_000, ['release-between-flushes'], over);
    const inline = combineDigests((await runRaw(c, { host: 'inline' })).actorDigests);
    for (const placement of [{ kind: 'workers', count: 2 }, { kind: 'per-actor' }] as const) {
      const kept = placement.kind === 'workers' ? { workerSet: keptFor(placement.count) } : {};
      const t = await runRaw(c, { host: 'threaded', placement, ...kept });
      expect({ placement, digest: combineDigests(t.actorDigests) }).toEqual({ placement, digest: inline });
    }
  });

  test('placement: stop-on-first on 2 workers gives the inline digest and stop tick', async () => {
    const c = { ...config('flush-race', 1, 800_000_000, ['single-flush']), stopOnFirst: true };
    const inline = await runRaw(c, { host: 'inline' });
    const two = await runRaw(c, {
      host: 'threaded',
      placement: { kind: 'workers', count: 2 },
      workerSet: keptFor(2),
    });
    expect(two.reachedTick).toBe(inline.reachedTick);
    expect(two.actorDigests).toEqual(inline.actorDigests);
  });

  test('placement: 2 spinning workers on tiny rings (records staged, safe times within slices) give the inline digest', async () => {
    // spinRounds set, so the loops spin and publish within slices whatever the cores here; rings of
    // 16 records fill, so sends are staged while safe times go out within slices (the bound itself
    // is unit-tested in safe-times.test.ts).
    const c = config('dma-storm', 4, 40_000_000);
    const inline = combineDigests((await runRaw(c, { host: 'inline' })).actorDigests);
    const two = await runRaw(c, {
      host: 'threaded',
      placement: { kind: 'workers', count: 2 },
      spinRounds: 500,
      ringCapacityRecords: 16,
    });
    expect(combineDigests(two.actorDigests)).toBe(inline);
  });
});
