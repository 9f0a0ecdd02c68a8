/**
 * The coordinator's page lifecycle when a migration's target socket is full (migrate_pages'
 * -ENOMEM): the new frame is secured before anything is unmapped, so a page the target cannot give
 * stays mapped where it was, no PTE_CLEAR or shootdown is issued for it, and
 * `pages.migrateFailedNoMemory` counts it. And the shootdowns of a request: a munmap's two over
 * its range, a migration's one per page. Driven by hand in one thread (no runtime), then the
 * whole machine inline on the workload that used to crash.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../../src/api/run-simulation.js';
import type { ActorContext } from '../../../../src/model/actors/actor.js';
import { CoordinatorEnv } from '../../../../src/model/actors/coordinator/coordinator-env.js';
import { PageLifecycle } from '../../../../src/model/actors/coordinator/page-lifecycle.js';
import { Counters } from '../../../../src/model/actors/counters.js';
import { buildWorld, type World } from '../../../../src/model/actors/world.js';
import type { OracleEvent } from '../../../../src/model/check/oracle-events.js';
import { PAGE_1G } from '../../../../src/model/host/page-table.js';
import { K } from '../../../../src/model/protocol/kinds.js';
import { AtsdAnswerMsg, AtsdOpMsg } from '../../../../src/model/protocol/messages/atsd.js';
import {
  PteClearedMsg,
  PteClearMsg,
  UnmapDoneMsg,
  UnmapRequestMsg,
} from '../../../../src/model/protocol/messages/page-lifecycle.js';
import { newMessage, type SendFields } from '../../../../src/model/protocol/sim-message.js';
import type { RunConfig } from '../../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { recordingOracle } from '../../../support/recording-oracle.js';

/**
 * A Redbud whose every process maps 127 1G pages: each socket's 256 GiB holds its two processes'
 * 254 pages and 2 free 1G frames (no TCE pages). A migration goes to the other socket.
 */
function fullConfig(extra: Record<string, unknown> = {}, tcePagesPerGpu = 0): RunConfig {
  const params = {
    topology: 'witherspoon-4',
    tenants: [
      {
        name: 'vm1',
        lpid: 1,
        groups: 'all',
        processesPerGpu: 1,
        pagesPerProcess: 127,
        pageSizes: ['1G'],
        tcePagesPerGpu,
      },
    ],
    ...extra,
  };
  return { workload: 'full-socket', seed: 1, bugs: [], params: parseParams(params, 'full-socket') };
}

interface Sent {
  edge: number;
  fields: SendFields;
}

/** A coordinator's page lifecycle alone, its sends and oracle events kept. */
function harness(world: World) {
  const { oracle, events } = recordingOracle();
  const counters = new Counters();
  const env = new CoordinatorEnv(world.coordinator, world, counters, oracle);
  const histogram = { record: () => {}, count: 0 };
  const lifecycle = new PageLifecycle(env, histogram);
  const sent: Sent[] = [];
  const ctx: ActorContext = {
    now: 1000,
    self: world.coordinator,
    chooser: {
      choose: () => {
        throw new Error('no choice expected');
      },
    },
    send: (edge, fields) => {
      sent.push({ edge, fields: { ...fields } });
      return 0;
    },
    schedule: () => {},
  };
  events.length = 0; // the initial mappings
  /** Chip `socket`'s CPU thread asks to munmap or migrate pages of process `proc`. */
  const request = (proc: number, firstPage: number, pages: number, migrate: boolean) => {
    const pr = world.processes[proc]!;
    const m = Object.assign(
      newMessage(),
      UnmapRequestMsg.encode({
        thread: 0,
        lpid: pr.lpid,
        pid: pr.pid,
        va: pr.vaBase + firstPage * pr.pageSizeBytes,
        pages,
        migrate,
      }),
      { source: world.chipActor[pr.homeSocket]! },
    );
    sent.length = 0;
    events.length = 0;
    lifecycle.onUnmapRequest(m, ctx);
  };
  const decoded = (kind: number) =>
    sent.filter((s) => s.fields.kind === kind).map((s) => Object.assign(newMessage(), s.fields));
  /**
   * Answer as the chips would until the request is done: every PTE_CLEAR cleared, every acquire
   * won (the first register it may take), every STAT poll 0. The events are kept from the request on.
   */
  const finish = () => {
    for (const m of decoded(K.PTE_CLEAR)) {
      const op = PteClearMsg.decode(m).op;
      lifecycle.onPteCleared(Object.assign(newMessage(), PteClearedMsg.encode({ op })), ctx);
    }
    for (let i = 0; i < sent.length; i++) {
      if (sent[i]!.fields.kind !== K.ATSD_OP) continue;
      const o = AtsdOpMsg.decode(Object.assign(newMessage(), sent[i]!.fields));
      if (o.op !== 'acquire' && o.op !== 'wait') continue;
      const reg = o.op === 'acquire' ? (o.registers?.[0] ?? 0) : 0;
      const a = AtsdAnswerMsg.encode({ shootdown: o.shootdown, op: o.op, reg });
      lifecycle.onAtsdAnswer(Object.assign(newMessage(), a), ctx);
    }
  };
  return { lifecycle, counters, env, sent, events, request, decoded, finish };
}

describe('page lifecycle: a migration to a full socket', () => {
  test('the world of the test leaves two free 1G frames per socket', () => {
    const world = buildWorld(fullConfig());
    expect(world.processes.map((p) => p.homeSocket)).toEqual([0, 0, 1, 1]);
    expect(world.processes.every((p) => p.pageSizeBytes === PAGE_1G)).toBe(true);
  });

  test('pages the target cannot give stay mapped where they are, unshot, and are counted', () => {
    const world = buildWorld(fullConfig());
    const h = harness(world);
    const [p2, p3] = [world.processes[2]!, world.processes[3]!];

    // Three pages of process 2 (socket 1) to socket 0, which has room for two: the first two
    // migrate (migrate_pages stops at the first -ENOMEM), the third stays.
    h.request(2, 0, 3, true);
    const clears = h.decoded(K.PTE_CLEAR).map((m) => PteClearMsg.decode(m));
    expect(p2.npus.length).toBeGreaterThan(0);
    expect(clears.length).toBe(p2.npus.length);
    for (const c of clears) expect(c.pages).toBe(2);
    expect(h.decoded(K.UNMAP_DONE)).toEqual([]);
    const unmapped = h.events.filter((e) => e.kind === 'page.unmap');
    expect(unmapped.map((e) => e.kind === 'page.unmap' && e.pa)).toEqual(world.processPages[2]!.slice(0, 2));
    expect(h.counters.get('pages.migrateFailedNoMemory')).toBe(1);
    expect(h.lifecycle.inFlight).toBe(1);

    // Socket 0's last two frames are promised to that migration: another one there gets nothing.
    // It is answered at once, done (not refused: the range was free), with nothing cleared.
    h.request(3, 5, 1, true);
    expect(h.decoded(K.PTE_CLEAR)).toEqual([]);
    const done = h.decoded(K.UNMAP_DONE).map((m) => UnmapDoneMsg.decode(m));
    expect(done).toEqual([{ thread: 0, refused: false }]);
    expect(h.sent[0]!.edge).toBe(h.env.toChip[p3.homeSocket]);
    expect(h.events.filter((e) => e.kind === 'page.unmap' || e.kind === 'page.free')).toEqual([]);
    expect(h.counters.get('pages.migrateFailedNoMemory')).toBe(2);
    expect(h.counters.get('pages.migrated')).toBe(0);
    expect(h.lifecycle.inFlight).toBe(1);

    // The page is still mapped at its first frame: a munmap of it unmaps exactly that frame.
    // So is process 2's third page, which the first request left behind (and did not hold).
    h.request(3, 5, 1, false);
    expect(
      h.events.filter((e) => e.kind === 'page.unmap').map((e) => e.kind === 'page.unmap' && e.pa),
    ).toEqual([world.processPages[3]![5]]);
    h.request(2, 2, 1, false);
    expect(
      h.events.filter((e) => e.kind === 'page.unmap').map((e) => e.kind === 'page.unmap' && e.pa),
    ).toEqual([world.processPages[2]![2]]);
    expect(h.lifecycle.inFlight).toBe(3);
  });

  test('a migration with room is started as before: every page cleared, nothing counted', () => {
    const world = buildWorld(fullConfig());
    const h = harness(world);
    h.request(0, 10, 2, true);
    const clears = h.decoded(K.PTE_CLEAR).map((m) => PteClearMsg.decode(m));
    // One PTE_CLEAR per NPU of the process, each for both pages.
    const npus = world.processes[0]!.npus.length;
    expect(npus).toBeGreaterThan(0);
    expect(clears.map((c) => c.pages)).toEqual(Array.from({ length: npus }, () => 2));
    expect(h.counters.get('pages.migrateFailedNoMemory')).toBe(0);
    expect(h.lifecycle.inFlight).toBe(1);
  });
});

/** A Redbud whose processes map 64K pages, none full. */
function roomyConfig(host: Record<string, unknown> = {}): RunConfig {
  const params = {
    topology: 'witherspoon-4',
    tenants: [{ name: 'vm1', lpid: 1, groups: 'all', processesPerGpu: 1, pagesPerProcess: 16 }],
    host,
  };
  return { workload: 'roomy', seed: 1, bugs: [], params: parseParams(params, 'roomy') };
}

describe('page lifecycle: the shootdowns Linux runs (two per munmap, one per migrated page)', () => {
  /** The oracle's shootdown and page events, in order, as `kind start+size` or `kind pa`. */
  const steps = (events: readonly OracleEvent[]) =>
    events.flatMap((e) =>
      e.kind === 'shootdown.start'
        ? [`start ${e.start}+${e.sizeBytes}`]
        : e.kind === 'shootdown.complete'
          ? ['complete']
          : e.kind === 'page.free'
            ? [`free ${e.pa}`]
            : [],
    );

  test('a munmap: two shootdowns of the whole range, one after the other, the pages freed after the second', () => {
    const world = buildWorld(roomyConfig());
    const h = harness(world);
    const pr = world.processes[0]!;
    h.request(0, 4, 2, false);
    h.finish();
    const range = `start ${pr.vaBase + 4 * pr.pageSizeBytes}+${2 * pr.pageSizeBytes}`;
    const [a, b] = [world.processPages[0]![4]!, world.processPages[0]![5]!];
    expect(steps(h.events)).toEqual([range, 'complete', range, 'complete', `free ${a}`, `free ${b}`]);
    const unmaps = h.events.filter((e) => e.kind === 'page.unmap');
    expect(unmaps.map((e) => e.kind === 'page.unmap' && e.shootdowns)).toEqual([2, 2]);
    expect(h.counters.get('shootdown.started')).toBe(2);
    expect(h.counters.get('shootdown.completed')).toBe(2);
    expect(h.counters.get('shootdown.requests')).toBe(1);
    expect(h.decoded(K.UNMAP_DONE).map((m) => UnmapDoneMsg.decode(m))).toEqual([
      { thread: 0, refused: false },
    ]);
    expect(h.lifecycle.inFlight).toBe(0);
  });

  test('host.unmapInvalidates 1: a munmap runs one shootdown, the pages freed after it', () => {
    const world = buildWorld(roomyConfig({ unmapInvalidates: 1 }));
    const h = harness(world);
    const pr = world.processes[0]!;
    h.request(0, 4, 2, false);
    h.finish();
    const range = `start ${pr.vaBase + 4 * pr.pageSizeBytes}+${2 * pr.pageSizeBytes}`;
    const [a, b] = [world.processPages[0]![4]!, world.processPages[0]![5]!];
    expect(steps(h.events)).toEqual([range, 'complete', `free ${a}`, `free ${b}`]);
    const unmaps = h.events.filter((e) => e.kind === 'page.unmap');
    expect(unmaps.map((e) => e.kind === 'page.unmap' && e.shootdowns)).toEqual([1, 1]);
    expect(h.counters.get('shootdown.completed')).toBe(1);
  });

  test('a migration: one shootdown per page at its own size, each page moved after its own', () => {
    const world = buildWorld(roomyConfig());
    const h = harness(world);
    const pr = world.processes[0]!;
    h.request(0, 4, 2, true);
    h.finish();
    const size = pr.pageSizeBytes;
    const [a, b] = [world.processPages[0]![4]!, world.processPages[0]![5]!];
    expect(steps(h.events)).toEqual([
      `start ${pr.vaBase + 4 * size}+${size}`,
      'complete',
      `free ${a}`,
      `start ${pr.vaBase + 5 * size}+${size}`,
      'complete',
      `free ${b}`,
    ]);
    const unmaps = h.events.filter((e) => e.kind === 'page.unmap');
    expect(unmaps.map((e) => e.kind === 'page.unmap' && e.shootdowns)).toEqual([1, 1]);
    expect(h.counters.get('shootdown.completed')).toBe(2);
    expect(h.counters.get('shootdown.requests')).toBe(1);
    expect(h.counters.get('pages.migrated')).toBe(2);
    expect(h.lifecycle.inFlight).toBe(0);
  });
});

describe('page lifecycle: the workload that crashed runs to its end', () => {
  test('127 1G pages per process, 200 us, seed 1: no crash, failed migrations counted', async () => {
    // The reported reproduction: with the TCE pages (256 per GPU) each socket has one free 1G frame.
    const config = fullConfig({ durationTicks: 200_000_000 }, 256);
    const r = await runSimulation(config, { host: 'inline' });
    expect(r.exitCode === 0 || r.exitCode === 1).toBe(true);
    expect(r.status).toBe('clean');
    expect(r.counts['pages.migrateFailedNoMemory']).toBeGreaterThan(0);
    expect(r.counts['pages.migrated']).toBeGreaterThan(0);
    expect(r.counts['pages.freed']).toBe(r.counts['pages.mapped']);
    expect(r.conservation.ok).toBe(true);
  });
});
