/**
 * The whole machine, inline (single-threaded, deterministic): every bug switch is caught by the
 * rule it breaks on the workload that exposes it, and the same seed finds nothing with the switch
 * off, and every rule it breaks there is one the workload's `exposes` lists (what `npusim list`
 * prints). Durations are short; each run takes well under a second.
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { buildWorld } from '../../../src/model/actors/world.js';
import { BUG_NAMES, type BugName } from '../../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { formatSummary } from '../../../src/report/summary.js';
import { workloads } from '../../../workloads/index.js';

function config(
  name: string,
  seed: number,
  bugs: BugName[] = [],
  overrides: Record<string, unknown> = {},
): RunConfig {
  const w = workloads.find((x) => x.name === name);
  if (w === undefined) throw new Error(`no workload ${name}`);
  return { workload: name, seed, bugs, params: parseParams({ ...w.params, ...overrides }, name) };
}

async function inline(c: RunConfig) {
  return runSimulation(c, { host: 'inline' });
}

/**
 * A workload's run at its own parameters, made once for every test that asks for the same
 * workload, seed and bug switches (read only: the same result each test would have made again;
 * several switches share a workload, whose run without them is the same run).
 */
const shared = new Map<string, ReturnType<typeof inline>>();
function sharedRun(name: string, seed: number, bugs: BugName[] = []): ReturnType<typeof inline> {
  const key = `${name} ${seed} ${bugs.join(',')}`;
  let run = shared.get(key);
  if (run === undefined) {
    run = inline(config(name, seed, bugs));
    shared.set(key, run);
  }
  return run;
}

describe('machine: clean runs', () => {
  test('intervals above 2^32 ticks (4.3 ms) run: each draw of twice the interval is a wide one', async () => {
    const w = workloads.find((x) => x.name === 'stress')!;
    const long = 2 ** 32 + 1;
    const r = await inline(
      config('stress', 1, [], {
        durationTicks: 20_000_000,
        gpu: { ...w.params.gpu, issueIntervalTicks: long },
        host: { ...w.params.host, contextStepTicks: long, contextChurnIntervalTicks: 1_000_000 },
      }),
    );
    // Before, the first draw of twice such an interval threw (exit 4): a crash, not a clean run.
    expect(r.status).toBe('clean');
    expect(r.counts['context.destroys']).toBeGreaterThan(0);
  });

  test('stress: DMA of every kind completes, shootdowns complete, and nothing is violated', async () => {
    const r = await inline(config('stress', 1, [], { durationTicks: 200_000_000 }));
    expect(r.status).toBe('clean');
    expect(r.violations).toEqual([]);
    expect(r.counts['dma.completed']).toBeGreaterThan(1000);
    expect(r.counts['dma.ut0']).toBeGreaterThan(0);
    expect(r.counts['dma.ut1']).toBeGreaterThan(0);
    expect(r.counts['peer.completed']).toBeGreaterThan(0);
    expect(r.counts['shootdown.completed']).toBeGreaterThan(5);
    expect(r.counts['pages.freed']).toBe(r.counts['pages.mapped']);
    expect(r.conservation.ok).toBe(true);
  });

  test('TCE remaps wait for the threads that map the window at start: no frame under two TCEs', async () => {
    // Before, tce-storm's remaps began at once while 16 threads still wrote the window into 3-entry
    // levels: a frame a remap had moved to index 15 was written again at index 3 by its thread, and
    // index 3's unmap unpinned it under index 15 (8 translation.stale-tce with no bug switch).
    const w = workloads.find((x) => x.name === 'tce-storm')!;
    const r = await inline(
      config('tce-storm', 1, [], {
        durationTicks: 200_000_000,
        host: { ...w.params.host, tceLevelEntries: 3, tceMapThreads: 16 },
      }),
    );
    expect(r.violations).toEqual([]);
    expect(r.status).toBe('clean');
    expect(r.counts['tce.unmaps']).toBeGreaterThan(100);
  });

  test('the same seed gives the same digest; another seed another', async () => {
    const a = await inline(config('stress', 3, [], { durationTicks: 100_000_000 }));
    const b = await inline(config('stress', 3, [], { durationTicks: 100_000_000 }));
    const c = await inline(config('stress', 4, [], { durationTicks: 100_000_000 }));
    expect(a.digest).toBe(b.digest);
    expect(a.counts).toEqual(b.counts);
    expect(c.digest).not.toBe(a.digest);
  });

  test('every DMA completed, faulted with a reason, or is still in flight at the end', async () => {
    const r = await inline(config('stress', 5, [], { durationTicks: 150_000_000 }));
    const c = r.counts;
    const faultsByReason = Object.entries(c)
      .filter(([k]) => k.startsWith('dma.fault.'))
      .reduce((s, [, v]) => s + v, 0);
    expect(faultsByReason).toBe(c['dma.faulted']);
    expect(c['dma.completed']! + c['dma.faulted']! + c['dma.inFlightAtEnd']!).toBe(c['dma.issued']);
    expect(c['peer.completed']! + c['peer.refused']! + c['peer.inFlightAtEnd']!).toBe(c['peer.issued']);
  });

  test('every shootdown started completed or is still in flight at the end', async () => {
    // guest-atsd at seed 42 ends with unmaps still clearing their PTEs, whose shootdown has not
    // started: they counted as in flight, so started + 1 = completed + in flight.
    const r = await inline(config('guest-atsd', 42, [], { durationTicks: 300_000_000 }));
    const c = r.counts;
    expect(c['shootdown.started']).toBeGreaterThan(100);
    expect(c['shootdown.inFlightAtEnd']).toBeGreaterThan(0);
    expect(c['shootdown.completed']! + c['shootdown.inFlightAtEnd']!).toBe(c['shootdown.started']);
  });
});

const exposures: { workload: string; bug: BugName; rule: string; status: string }[] = [
  {
    workload: 'shootdown-storm',
    bug: 'single-flush',
    rule: 'order.free-before-flushes',
    status: 'violation',
  },
  {
    workload: 'shootdown-storm',
    bug: 'free-before-shootdown',
    rule: 'order.free-before-shootdown',
    status: 'violation',
  },
  { workload: 'shootdown-storm', bug: 'local-npu-only', rule: 'translation.stale-ats', status: 'violation' },
  {
    workload: 'shootdown-storm',
    bug: 'descending-order',
    rule: 'order.atsd-descending',
    status: 'violation',
  },
  { workload: 'tce-storm', bug: 'tce-kill-no-advance', rule: 'translation.stale-tce', status: 'violation' },
  { workload: 'tce-storm', bug: 'unpin-before-kill', rule: 'translation.stale-tce', status: 'violation' },
  {
    workload: 'tce-storm',
    bug: 'tce-entire-kill-ignored',
    rule: 'translation.stale-tce',
    status: 'violation',
  },
  { workload: 'tenant-isolation', bug: 'links-enabled-per-gpu', rule: 'isolation.peer', status: 'violation' },
  // The host's shootdowns for gpu2 win a guest's register on NPU 0 and miss the host's entries.
  {
    workload: 'guest-atsd',
    bug: 'host-atsd-ignores-lparid',
    rule: 'translation.stale-ats',
    status: 'violation',
  },
  {
    workload: 'atsd-deadlock',
    bug: 'release-between-flushes',
    rule: 'liveness.shootdown',
    status: 'liveness',
  },
  { workload: 'atsd-hang', bug: 'atsd-no-valid-bdf', rule: 'liveness.shootdown', status: 'liveness' },
  {
    workload: 'context-churn',
    bug: 'context-init-destroy-race',
    rule: 'order.context-use-after-free',
    status: 'violation',
  },
  {
    workload: 'gpu-reset',
    bug: 'gpu-reset-before-npu',
    rule: 'order.npu-use-after-gpu-reset',
    status: 'violation',
  },
  {
    workload: 'tce-parallel-map',
    bug: 'tce-level-alloc-race',
    rule: 'translation.lost-tce',
    status: 'violation',
  },
  // ATS refused at once; ATSDs pass the unprogrammed bricks by (skiboot 4724d2c07), so no hang.
  {
    workload: 'kexec-boot',
    bug: 'xts-stale-after-kexec',
    rule: 'translation.ats-refused',
    status: 'violation',
  },
];

describe('machine: bugs as switches', () => {
  test('every bug switch has a row in `exposures` (this file): a new one is caught and is clean without itself', () => {
    const rowed = new Set(exposures.map((e) => e.bug));
    expect(
      BUG_NAMES.filter((b) => !rowed.has(b)),
      'add { workload, bug, rule, status } to `exposures` in test/model/actors/machine.test.ts for each switch named (docs/extending.md)',
    ).toEqual([]);
  });

  for (const e of exposures) {
    test(`${e.bug}: ${e.workload} reports ${e.rule}, and the same seed is clean without the switch`, async () => {
      const bad = await sharedRun(e.workload, 1, [e.bug]);
      const rules = [...bad.violations, ...bad.liveness].map((v) => v.rule);
      expect(rules).toContain(e.rule);
      expect(bad.status).toBe(e.status);
      // `npusim list` says which rules the switch breaks there (the workload's `exposes`): all of them.
      const listed = workloads
        .find((w) => w.name === e.workload)
        ?.exposes?.find((x) => x.bug === e.bug)?.rules;
      expect([...new Set(rules)].filter((r) => !listed?.includes(r as never))).toEqual([]);
      const good = await sharedRun(e.workload, 1);
      expect(good.status).toBe('clean');
      expect([...good.violations, ...good.liveness]).toEqual([]);
    });
  }

  test('single-flush: in flush-race a GPU uses a translation after its page was freed; two flushes never let it', async () => {
    // The race itself, not only the protocol rule: a refill in flight survives one flush (ats-cache.ts).
    // 600 us of the workload's 800: the stale use comes at 516 us in seed 1 and 130 us in seed 2, so
    // both still show it, and the seeds without the switch are clean over the same span.
    const durationTicks = 600_000_000;
    for (const seed of [1, 2]) {
      const bad = await inline(config('flush-race', seed, ['single-flush'], { durationTicks }));
      expect(bad.violations.map((v) => v.rule)).toContain('translation.stale-ats');
    }
    for (const seed of [1, 2, 3]) {
      const good = await inline(config('flush-race', seed, [], { durationTicks }));
      expect(good.violations).toEqual([]);
    }
  });

  test('context-churn: without the switch contexts really come and go, and each init finds a live context or a fresh one', async () => {
    const r = await inline(config('context-churn', 2, [], { durationTicks: 100_000_000 }));
    expect(r.status).toBe('clean');
    expect(r.counts['context.inits']).toBeGreaterThan(50);
    expect(r.counts['context.destroys']).toBeGreaterThan(50);
    expect(r.counts['dma.completed']).toBeGreaterThan(1000);
    expect(r.counts['shootdown.completed']).toBeGreaterThan(5);
  });

  test('kexec-boot: without the switch the host kernel’s contexts are programmed and ATS works', async () => {
    const r = await sharedRun('kexec-boot', 1);
    expect(r.status).toBe('clean');
    expect(r.counts['nmmu.fault.bdf-not-valid'] ?? 0).toBe(0);
    expect(r.counts['dma.completed']).toBeGreaterThan(1000);
  });

  test('tce-parallel-map: without the switch the threads race for the level and the cmpxchg settles it', async () => {
    const r = await sharedRun('tce-parallel-map', 1);
    expect(r.status).toBe('clean');
    // Every GPU's 256 pages mapped, 16 per chunk, in one level per window.
    expect(r.counts['tce.maps']).toBe(6 * 16);
    const chips = [r.actorStates.chip0!, r.actorStates.chip1!];
    expect(chips.reduce((n, c) => n + (c.tceLevelsFreedOnRace as number), 0)).toBeGreaterThan(0);
    expect(chips.map((c) => c.tceEntriesLost)).toEqual([0, 0]);
    expect(r.counts['dma.completed']).toBeGreaterThan(1000);
  });

  test('atsd-hang without the switch: the GPU whose links never trained gets no ATSD, and every shootdown completes', async () => {
    const r = await sharedRun('atsd-hang', 1);
    expect(r.status).toBe('clean');
    expect(r.counts['shootdown.completed']).toBeGreaterThan(10);
    const regs = r.actorStates.chip0?.registers as { hung: boolean }[];
    expect(regs.some((x) => x.hung)).toBe(false);
  });

  test('kexec-boot with the stale refcount: ATS is refused, but ATSDs pass the bricks without VALID and shootdowns complete', async () => {
    const r = await sharedRun('kexec-boot', 1, ['xts-stale-after-kexec']);
    expect(r.violations.map((v) => v.rule)).toContain('translation.ats-refused');
    expect(r.liveness).toEqual([]);
    expect(r.counts['shootdown.completed']).toBeGreaterThan(0);
  });

  test('a hung ATSD leaves its register locked and hung in the result, for the liveness report', async () => {
    const r = await sharedRun('atsd-hang', 1, ['atsd-no-valid-bdf']);
    const regs = r.actorStates.chip0?.registers as {
      locked: boolean;
      hung: boolean;
      untrainedGpus: number[];
    }[];
    const hung = regs.filter((x) => x.locked && x.hung);
    expect(hung.length).toBeGreaterThan(0);
    // It names the GPU whose NVLinks never trained (the workload's `gpu.untrained`), not just "hung".
    const untrained = workloads.find((w) => w.name === 'atsd-hang')!.params.gpu.untrained;
    expect(untrained?.length).toBeGreaterThan(0);
    for (const x of hung) expect(x.untrainedGpus).toEqual(untrained);
    expect(formatSummary(r, { color: false })).toMatch(
      new RegExp(
        `chip0: reg\\d locked by shootdown \\d+(, acks pending from gpu [\\d,]+)? HUNG \\(its ATSD went to gpu ${untrained!.join(',')}, whose NVLinks never trained`,
      ),
    );
  });

  test('the deadlock report names the cycle: each shootdown holds one NPU and waits for the other', async () => {
    const r = await sharedRun('atsd-deadlock', 1, ['release-between-flushes']);
    const text = r.liveness.map((v) => v.message).join('\n');
    expect(text).toMatch(/holds \[npu1\.reg0\], waits to acquire on npu0/);
    expect(text).toMatch(/holds \[npu0\.reg0\], waits to acquire on npu1/);
  });
});

describe('machine: the pre-fix stale ATSD register index', () => {
  // atsd-deadlock with 2 registers per NPU: the flush of the pre-Feb-2018 code may take another
  // index than its invalidate, and the second wait clears the old one (host/shootdown.ts).
  const twoRegisters = (bugs: BugName[]) => {
    const w = workloads.find((x) => x.name === 'atsd-deadlock')!;
    return config('atsd-deadlock', 1, bugs, {
      durationTicks: 60_000_000,
      host: { ...w.params.host, atsdRegisters: 2 },
    });
  };

  test('release-between-flushes with 2 registers: a shootdown clears a register another holds, and the chip reports it within 60 us', async () => {
    const r = await inline(twoRegisters(['release-between-flushes']));
    const shared = r.violations.filter((v) => v.rule === 'order.atsd-shared-register');
    expect(shared.length).toBeGreaterThan(0);
    expect(shared[0]!.message).toMatch(
      /^Expected shootdown \d+ to clear only an ATSD register it holds, got a clear of npu\d\.reg\d held by shootdown \d+$/,
    );
    expect(r.counts['atsd.sharedRegister']).toBe(r.rules?.['order.atsd-shared-register']?.count);
  });

  test('release-between-flushes with 2 registers: a LAUNCH while STAT != 0 names the shootdown whose ATSD is in flight, not only the holder', async () => {
    const r = await inline(twoRegisters(['release-between-flushes']));
    const busy = r.violations.filter(
      (v) => v.rule === 'order.atsd-shared-register' && v.message.includes('while STAT != 0'),
    );
    expect(busy.length).toBeGreaterThan(0);
    // Seed 1: stale clears (by shootdowns 1 and 4) leave npu1.reg0 to shootdown 1 while shootdown 3
    // still drives it: 3 launches there, then 1 does under 3's ATSD.
    expect(busy[0]!.message).toMatch(
      /got one by shootdown 1 while STAT != 0: the ATSD shootdown 3 launched there is still in flight \(the register now held by shootdown 1\)$/,
    );
    expect(busy[0]!.history.join('\n')).toContain('"launchedBy":3');
  });

  test('a LAUNCH the NPU dropped (STAT != 0) is counted by what it covers no more than as a launch (QA: 26 invalidates + 21 flushes beside 40 launches)', async () => {
    const w = workloads.find((x) => x.name === 'atsd-deadlock')!;
    const r = await inline(
      config('atsd-deadlock', 1, ['release-between-flushes'], {
        durationTicks: 300_000_000,
        host: { ...w.params.host, atsdRegisters: 2 },
      }),
    );
    const covered = Object.entries(r.counts)
      .filter(([k]) => k.startsWith('atsd.invalidate.') || k === 'atsd.flush')
      .reduce((s, [, v]) => s + v, 0);
    // The run drives a register another shootdown holds, so some LAUNCH meets STAT != 0.
    expect(r.counts['atsd.sharedRegister']).toBeGreaterThan(0);
    expect(covered).toBe(r.counts['atsd.launches']);
    const perSocket = r.contention.sockets.reduce((s, x) => s + x.atsdLaunches, 0);
    expect(covered).toBe(perSocket);
  });

  test('the same seed and registers without the switch: clean', async () => {
    const r = await inline(twoRegisters([]));
    expect(r.status).toBe('clean');
    expect(r.counts['atsd.sharedRegister']).toBeUndefined();
  });
});

describe('machine: isolation and firmware', () => {
  test("per-gpu without link disable lets a guest write into another guest's GPU; per-gpu-isolated does not", async () => {
    const open = await inline(config('tenant-isolation', 2, [], { policy: 'per-gpu' }));
    expect(open.violations.map((v) => v.rule)).toContain('isolation.peer');
    const isolated = await inline(config('tenant-isolation', 2));
    expect(isolated.violations).toEqual([]);
    expect(isolated.counts['peer.blockedLocally']).toBeGreaterThan(0);
    expect(isolated.counts['mmio.blocked']).toBeGreaterThan(0);
  });

  test('only the tenant the admin allowed updates firmware; the other is blocked by the MMIO filter', async () => {
    const r = await inline(config('firmware-update', 1));
    expect(r.counts['firmware.updates']).toBeGreaterThan(0);
    expect(r.counts['firmware.blocked']).toBeGreaterThan(0);
    const gpuStates = Object.entries(r.contention.perActor).filter(([k]) => k.startsWith('gpu'));
    const versions = gpuStates.map(([, s]) => s.firmwareVersion);
    expect(versions.filter((v) => v !== 1).length).toBeGreaterThan(0);
    expect(versions.filter((v) => v === 1).length).toBeGreaterThan(0);
    expect(r.counts['firmware.updatesUnallowed'] ?? 0).toBe(0);
    expect(r.status).toBe('clean');
    // Every access blocked is counted by what it hit, so they add up (QA: 46 of 99 unexplained).
    const blocked = (k: string) => r.counts[k] ?? 0;
    expect(blocked('mmio.blocked.linkDisable')).toBeGreaterThan(0);
    expect(
      blocked('firmware.blocked') + blocked('mmio.blocked.linkDisable') + blocked('mmio.blocked.sharedPage'),
    ).toBe(blocked('mmio.blocked'));
  });

  test('as shipped (no BAR0 filter in v5.12), the guest the admin did not allow updates firmware too: isolation.firmware, once per update', async () => {
    const r = await inline({ ...config('firmware-update', 1), profile: 'as-shipped' });
    expect(r.status).toBe('violation');
    expect(new Set(r.violations.map((v) => v.rule))).toEqual(new Set(['isolation.firmware']));
    expect(r.rules?.['isolation.firmware']?.count).toBe(r.counts['firmware.updatesUnallowed']);
    expect(r.counts['mmio.blocked'] ?? 0).toBe(0);
    expect(r.counts['firmware.blocked'] ?? 0).toBe(0);
    expect(r.counts['firmware.updatesUnallowed']).toBeGreaterThan(0);
    const versions = Object.entries(r.contention.perActor)
      .filter(([k]) => k.startsWith('gpu'))
      .map(([, s]) => s.firmwareVersion);
    // Every GPU (two per guest: one group per socket) moved off version 1, the other guest's too.
    expect(versions).toHaveLength(4);
    expect(versions.filter((v) => v === 1)).toEqual([]);
  });
});

describe('machine: who clears the TCEs decides whether unpin-before-kill bites (tceContainer)', () => {
  const tceStorm = workloads.find((x) => x.name === 'tce-storm')!;
  const withTenant = (tenant: Record<string, unknown>) =>
    config('tce-storm', 1, ['unpin-before-kill'], {
      durationTicks: 100_000_000,
      tenants: [{ ...tceStorm.params.tenants[0], ...tenant }],
    });
  const rules = (r: Awaited<ReturnType<typeof inline>>) => [...new Set(r.violations.map((v) => v.rule))];

  test("a VFIO v1 container (tce-storm's user-space driver) unpins before the kill: stale TCE", async () => {
    expect(rules(await inline(withTenant({ tceContainer: 'v1' })))).toEqual(['translation.stale-tce']);
  });

  test("the host kernel's own DMA unmap (__iommu_free) and a v2 container keep the page pinned: clean", async () => {
    const kernel = await inline(withTenant({ tceContainer: undefined }));
    expect(kernel.status).toBe('clean');
    expect(kernel.counts['tce.unmaps']).toBeGreaterThan(0);
    const guest = await inline(withTenant({ name: 'vm1', lpid: 1, tceContainer: undefined }));
    expect(guest.status).toBe('clean');
    expect(guest.counts['tce.unmaps']).toBeGreaterThan(0);
  });

  test('a guest without a VFIO container is refused, naming its field', () => {
    expect(() => buildWorld(withTenant({ name: 'vm1', lpid: 1, tceContainer: 'none' }))).toThrow(
      /tenants\[0\]\.tceContainer.*Expected `v1` or `v2` for guest `vm1` \(LPID 1/,
    );
  });
});

describe('machine: GPU resets ("nvidia-smi -r")', () => {
  const resetsOf = (r: Awaited<ReturnType<typeof inline>>) =>
    Object.fromEntries(
      Object.entries(r.actorStates)
        .filter(([k]) => k.startsWith('gpu'))
        .map(([k, v]) => [k, v.secondaryBusResets as number]),
    );

  test('gpu-reset: resets of a GPU whose whole NVLink group is the caller’s are done, the others refused', async () => {
    const r = await sharedRun('gpu-reset', 1);
    expect(r.status).toBe('clean');
    expect(r.counts['gpu.resets']).toBeGreaterThan(3);
    expect(r.counts['gpu.resetRefused']).toBeGreaterThan(3);
    expect(r.counts['hmi.count']).toBe(0);
    expect(r.conservation.ok).toBe(true);
    // `train` owns socket 0's three GPUs, its whole NVLink group; vm3..vm5 share socket 1's.
    const sbr = resetsOf(r);
    expect(sbr.gpu0! + sbr.gpu1! + sbr.gpu2!).toBe(r.counts['gpu.resets']);
    expect([sbr.gpu3, sbr.gpu4, sbr.gpu5]).toEqual([0, 0, 0]);
    // Traffic went on around the resets.
    expect(r.counts['dma.completed']).toBeGreaterThan(1000);
    expect(r.counts['shootdown.completed']).toBeGreaterThan(5);
  });

  test('gpu-reset: with per-socket groups the owner of a socket owns its NVLink group: nothing is refused', async () => {
    const r = await inline(
      config('gpu-reset', 1, [], {
        policy: 'per-socket',
        tenants: [{ name: 'host', lpid: 0, groups: 'all', processesPerGpu: 1, pagesPerProcess: 32 }],
      }),
    );
    expect(r.status).toBe('clean');
    expect(r.counts['gpu.resets']).toBeGreaterThan(3);
    expect(r.counts['gpu.resetRefused']).toBe(0);
  });

  test('gpu-reset: under per-gpu-isolated each GPU is its own NVLink group, and its reset keeps the links disabled', async () => {
    const r = await inline(config('gpu-reset', 1, [], { policy: 'per-gpu-isolated' }));
    expect(r.status).toBe('clean');
    expect(r.violations).toEqual([]);
    expect(r.counts['gpu.resets']).toBeGreaterThan(3);
    expect(r.counts['gpu.resetRefused']).toBe(0);
    expect(Object.values(resetsOf(r)).filter((n) => n > 0).length).toBeGreaterThan(3);
    // The mask was applied again after every secondary bus reset.
    for (const [name, st] of Object.entries(r.actorStates).filter(([k]) => k.startsWith('gpu')))
      expect({ name, mask: st.disabledLinkMask }).not.toEqual({ name, mask: 0 });
  });

  // tenant-isolation's six hostile guests, each resetting its GPU about every 2 us.
  const resetting = (relinkDelayTicks: number) =>
    config('tenant-isolation', 1, [], {
      durationTicks: 200_000_000,
      resets: { intervalTicks: 2_000_000, relinkDelayTicks },
    });

  test('tenant-isolation with resets: the mask applied again as each reset ends keeps the guests apart', async () => {
    const r = await inline(resetting(0));
    expect(r.status).toBe('clean');
    expect(r.counts['gpu.resets']).toBeGreaterThan(10);
    expect(r.counts['peer.completed'] ?? 0).toBe(0);
  });

  test('tenant-isolation with resets: a mask applied again only later leaves the links up, and peer writes cross (isolation.peer)', async () => {
    // Later than the run: each link is open from the moment both its GPUs have been reset.
    const r = await inline(resetting(1_000_000_000));
    expect(r.status).toBe('violation');
    expect(new Set(r.violations.map((v) => v.rule))).toEqual(new Set(['isolation.peer']));
    expect(r.counts['peer.completed']).toBeGreaterThan(0);
  });
});

describe('machine: profiles', () => {
  test("tce-storm's page-kills variant: as-shipped (skiboot v6.8) drops PHB4 page kills (HW560152) and DMA uses the stale TCE; fixed escalates, clean", async () => {
    const w = workloads.find((x) => x.name === 'tce-storm')!;
    const pageKills = {
      durationTicks: 100_000_000,
      tenants: [{ ...w.params.tenants[0]!, tceContainer: 'none' }],
      host: { ...w.params.host, tceWindowResetPercent: 0 },
    };
    const shipped = await inline({ ...config('tce-storm', 1, [], pageKills), profile: 'as-shipped' });
    expect(shipped.status).toBe('violation');
    expect(new Set(shipped.violations.map((v) => v.rule))).toEqual(new Set(['translation.stale-tce']));
    expect(shipped.counts['tce.killsDropped']).toBeGreaterThan(0);
    // Neither of as-shipped's TCE bugs can act here: no window reset, no VFIO container.
    expect(shipped.counts['tce.entireKills'] ?? 0).toBe(0);
    const fixed = await inline(config('tce-storm', 1, [], pageKills));
    expect(fixed.status).toBe('clean');
    expect(fixed.counts['tce.killsDropped'] ?? 0).toBe(0);
  });

  test('a run config names its profile; the world carries its bug switches and firmware knobs (default fixed)', () => {
    const plain = buildWorld(config('tce-storm', 1));
    expect(plain.firmware.phb4EscalatePageKills).toBe(true);
    expect(plain.bugs.has('tce-entire-kill-ignored')).toBe(false);
    const shipped = buildWorld({ ...config('tce-storm', 1), profile: 'as-shipped' });
    expect(shipped.firmware.phb4EscalatePageKills).toBe(false);
    expect(plain.kernel.vfioBar0Filter).toBe(true);
    expect(shipped.kernel.vfioBar0Filter).toBe(false);
    expect([...shipped.bugs].sort()).toEqual([
      'host-atsd-ignores-lparid',
      'tce-entire-kill-ignored',
      'unpin-before-kill',
    ]);
  });
});
