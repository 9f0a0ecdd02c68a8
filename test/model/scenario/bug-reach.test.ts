/**
 * A bug switch said to have nothing to act on (scenario/bug-reach.ts) leaves the run exactly as
 * without it: the same events and the same findings, seed for seed; one said to act changes one
 * or the other (unpin-before-kill only what the oracle sees: a page freed before its kill). And on the workload built to expose it, it is
 * never said to have nothing to act on. QA found switches that silently did nothing (`--bug
 * links-enabled-per-gpu` under per-socket groups ran clean and said nothing).
 */
import { describe, expect, test } from 'vitest';
import { runSimulation } from '../../../src/api/run-simulation.js';
import { runProcesses } from '../../../src/model/actors/run-processes.js';
import { BUGS_WITH_REACH, bugsWithNothingToActOn } from '../../../src/model/scenario/bug-reach.js';
import { BUG_NAMES, type BugName } from '../../../src/model/scenario/bugs.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams, type WorkloadParams } from '../../../src/model/scenario/workload-params.js';
import { violationTotal } from '../../../src/report/run-result.js';
import { workloads } from '../../../workloads/index.js';

const DURATION = 60_000_000;
const ACTIVE_DURATION = 200_000_000;

/** Each listed switch: its workload, and the change to its parameters that leaves it nothing. */
const CASES: { bug: BugName; workload: string; inert: (p: WorkloadParams) => object }[] = [
  { bug: 'links-enabled-per-gpu', workload: 'tenant-isolation', inert: () => ({ policy: 'per-gpu' }) },
  { bug: 'gpu-reset-before-npu', workload: 'gpu-reset', inert: () => ({ resets: undefined }) },
  {
    bug: 'host-atsd-ignores-lparid',
    workload: 'guest-atsd',
    inert: (p) => ({ tenants: p.tenants.filter((t) => t.lpid !== 0) }),
  },
  {
    bug: 'tce-kill-no-advance',
    workload: 'tce-storm',
    inert: (p) => ({ host: { ...p.host, tceRemapIntervalTicks: 0 } }),
  },
  {
    bug: 'tce-entire-kill-ignored',
    workload: 'tce-storm',
    // Fewer than one unmap's four pages: never unmapped (QA: 2 pages were said to have a step).
    inert: (p) => ({ tenants: p.tenants.map((t) => ({ ...t, tcePagesPerGpu: 2 })) }),
  },
  {
    bug: 'unpin-before-kill',
    workload: 'tce-storm',
    inert: (p) => ({ tenants: p.tenants.map((t) => ({ ...t, tceContainer: 'none' })) }),
  },
  { bug: 'atsd-no-valid-bdf', workload: 'atsd-hang', inert: (p) => ({ gpu: { ...p.gpu, untrained: [] } }) },
  {
    bug: 'xts-stale-after-kexec',
    workload: 'kexec-boot',
    inert: (p) => ({ host: { ...p.host, bootViaKexec: false } }),
  },
  {
    bug: 'tce-level-alloc-race',
    workload: 'tce-parallel-map',
    inert: (p) => ({ host: { ...p.host, tceMapThreads: 1 } }),
  },
  {
    bug: 'context-init-destroy-race',
    workload: 'context-churn',
    inert: (p) => ({ host: { ...p.host, contextChurnIntervalTicks: undefined } }),
  },
  // One process per GPU: each on its GPU's socket alone, so each shootdown reaches one NPU (QA:
  // flush-race, all on socket 0, ran both switches unchanged and said nothing).
  {
    bug: 'local-npu-only',
    workload: 'large-pages',
    inert: (p) => ({ tenants: p.tenants.map((t) => ({ ...t, processesPerGpu: 1 })) }),
  },
  {
    bug: 'descending-order',
    workload: 'shootdown-storm',
    inert: (p) => ({ tenants: p.tenants.map((t) => ({ ...t, processesPerGpu: 1 })) }),
  },
];

/**
 * The switches with no reach rule: each acts in any run that makes shootdowns, which every
 * workload does (its ATSD sequence or its free's place in it).
 */
const ACTS_ON_ANY_SHOOTDOWN: BugName[] = ['release-between-flushes', 'single-flush', 'free-before-shootdown'];

test('every bug switch either has a reach rule with a row in CASES, or acts on any shootdown (a new switch is placed, not forgotten)', () => {
  expect(
    CASES.map((c) => c.bug).sort(),
    'a switch with a REACH entry in src/model/scenario/bug-reach.ts needs a CASES row here: its workload and the change that leaves it nothing',
  ).toEqual([...BUGS_WITH_REACH].sort());
  expect(
    BUG_NAMES.filter((b) => !BUGS_WITH_REACH.includes(b)).sort(),
    'a switch that needs something a run may lack (TCE unmaps, guests, resets, a second NPU) needs a REACH entry in src/model/scenario/bug-reach.ts, so a run without it says it has nothing to act on; one that acts on any shootdown goes in ACTS_ON_ANY_SHOOTDOWN here (docs/extending.md)',
  ).toEqual([...ACTS_ON_ANY_SHOOTDOWN].sort());
});

function config(
  workload: string,
  params: object,
  bugs: BugName[],
  seed: number,
  durationTicks = DURATION,
): RunConfig {
  return { workload, seed, bugs, params: parseParams({ ...params, durationTicks }, workload) };
}

/** What a run did and found: its events, and every finding's rule and tick. */
async function behaviour(c: RunConfig): Promise<string> {
  const r = await runSimulation(c, { host: 'inline' });
  const findings = [...r.violations, ...r.liveness].map((v) => `${v.rule}@${v.tick}`);
  return `${r.eventDigest} ${violationTotal(r)} ${findings.join(',')}`;
}

/**
 * `bug` said to act on `workload` and acting (its run differs from the one without it); said to
 * have nothing to act on once `inert` changes the parameters, and then leaving the run as it is.
 */
async function checkReach({ bug, workload, inert }: (typeof CASES)[number]): Promise<void> {
  const w = workloads.find((x) => x.name === workload)!;
  const own = parseParams(w.params, workload);
  expect(bugsWithNothingToActOn(own, [bug], runProcesses(config(workload, own, [bug], 1)))).toEqual([]);
  // Said to act, it does: its events or findings differ from the run without it.
  expect(await behaviour(config(workload, own, [bug], 1, ACTIVE_DURATION))).not.toBe(
    await behaviour(config(workload, own, [], 1, ACTIVE_DURATION)),
  );
  const changed = { ...own, ...inert(own) };
  const [said] = bugsWithNothingToActOn(
    parseParams(changed, workload),
    [bug],
    runProcesses(config(workload, changed, [bug], 1)),
  );
  expect(said?.bug).toBe(bug);
  for (const seed of [1, 2]) {
    expect(await behaviour(config(workload, changed, [bug], seed))).toBe(
      await behaviour(config(workload, changed, [], seed)),
    );
  }
}

describe('bug switches with nothing to act on', () => {
  test.each(CASES)('$bug: said to act on $workload, inert once its step is left out', checkReach);

  test('tce-entire-kill-ignored: inert with no window reset (`host.tceWindowResetPercent` 0): every unmap is killed page by page', async () => {
    await checkReach({
      bug: 'tce-entire-kill-ignored',
      workload: 'tce-storm',
      inert: (p) => ({ host: { ...p.host, tceWindowResetPercent: 0 } }),
    });
    const p = parseParams(workloads.find((x) => x.name === 'tce-storm')!.params, 'tce-storm');
    expect(
      bugsWithNothingToActOn({ ...p, host: { ...p.host, tceWindowResetPercent: 0 } }, [
        'tce-entire-kill-ignored',
      ]),
    ).toEqual([
      {
        bug: 'tce-entire-kill-ignored',
        why: 'no TCE unmap is a window reset, whose "invalidate entire" kill it ignores (`host.tceWindowResetPercent` 0)',
      },
    ]);
  });

  test('flush-race, whose processes all sit on socket 0, gives the two switches about several NPUs nothing; the others act', () => {
    const w = workloads.find((x) => x.name === 'flush-race')!;
    const p = parseParams(w.params, w.name);
    const processes = runProcesses(config(w.name, p, [], 1));
    const all: BugName[] = ['local-npu-only', 'descending-order', 'single-flush', 'release-between-flushes'];
    expect(bugsWithNothingToActOn(p, all, processes)).toEqual([
      {
        bug: 'local-npu-only',
        why: "every shootdown goes to one NPU (each process's GPUs sit on one socket), so there is no other NPU for it to leave out",
      },
      {
        bug: 'descending-order',
        why: "every shootdown goes to one NPU (each process's GPUs sit on one socket), so there is no order of NPUs for it to reverse",
      },
    ]);
    // Without the processes (a caller with no machine) nothing is said of them.
    expect(bugsWithNothingToActOn(p, all)).toEqual([]);
  });

  test('atsd-no-valid-bdf acts after a kexec boot: it re-validates the entries init_context skips, and hides xts-stale-after-kexec (it was said to have nothing to act on)', async () => {
    const w = workloads.find((x) => x.name === 'kexec-boot')!;
    const p = parseParams(w.params, w.name);
    expect(p.gpu.untrained).toEqual([]);
    const both: BugName[] = ['xts-stale-after-kexec', 'atsd-no-valid-bdf'];
    expect(bugsWithNothingToActOn(p, both, runProcesses(config(w.name, p, both, 1)))).toEqual([]);
    // It changes the run: the stale refcount's entries stay VALID, so ATS works again.
    expect(await behaviour(config(w.name, p, both, 1))).not.toBe(
      await behaviour(config(w.name, p, ['xts-stale-after-kexec'], 1)),
    );
  });

  test('the shootdown switches always have something to act on', () => {
    const p = parseParams(workloads.find((x) => x.name === 'stress')!.params, 'stress');
    const shootdown: BugName[] = [
      'release-between-flushes',
      'single-flush',
      'local-npu-only',
      'descending-order',
      'free-before-shootdown',
    ];
    expect(bugsWithNothingToActOn(p, shootdown, runProcesses(config('stress', p, [], 1)))).toEqual([]);
  });
});
