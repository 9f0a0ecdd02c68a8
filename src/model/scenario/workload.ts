/**
 * Workloads: user-facing scenarios as data (workloads/*.ts, one per file, each `defineWorkload`).
 *
 * A workload is plain data that every actor can read: which tenants own which IOMMU groups, how
 * hard the GPUs drive DMA (UT=0, UT=1, peer), how often the host unmaps and migrates pages, how
 * many CPU threads shoot down at once. No functions: the same object crosses into every worker, and
 * each actor derives its own behaviour from it and its chooser, which is what keeps a run
 * reproducible from (workload, seed, options) alone.
 *
 * Validation is zod (a well-kept library, not the simulator's core); every error names the field.
 */

import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { isRuleName, type RuleName } from '../check/rule-names.js';
import type { StrategySpec } from '../choice/strategy.js';
import type { TopologySpec } from '../platform/topology-spec.js';
import { BUG_NAMES, type BugName } from './bugs.js';
import type { ProfileName } from './profiles.js';

const percent = z.number().int().min(0).max(100);
const positiveInt = z.number().int().positive();

export const tenantSchema = z.strictObject({
  name: z.string().min(1),
  /** 0 is the host; a guest gets its KVM LPID (1..4095). */
  lpid: z.number().int().min(0).max(4095),
  /** IOMMU groups this tenant takes: indices into the policy's groups, or 'all' / 'rest'. */
  groups: z.union([z.array(z.number().int().min(0)).min(1), z.literal('all'), z.literal('rest')]),
  /** Processes (mm, one PID each) per GPU of the tenant doing UT=0 DMA. */
  processesPerGpu: z.number().int().min(1).max(64).default(2),
  /** 64 KiB pages mapped per process at start. */
  pagesPerProcess: z
    .number()
    .int()
    .min(1)
    .max(1 << 20)
    .default(256),
  /** TCE (UT=1) pages mapped per GPU at start. */
  tcePagesPerGpu: z
    .number()
    .int()
    .min(0)
    .max(1 << 20)
    .default(256),
  /** May this tenant update GPU firmware (an explicit admin option)? */
  allowFirmwareUpdate: z.boolean().default(false),
  /** Malicious guest: also aims peer writes and MMIO at what it does not own. */
  hostile: z.boolean().default(false),
});

export const workloadParamsSchema = z.strictObject({
  topology: z.string().default('witherspoon-6'),
  policy: z.enum(['per-socket', 'per-gpu', 'per-gpu-isolated']).default('per-socket'),
  durationTicks: positiveInt.default(2_000_000_000),
  tenants: z.array(tenantSchema).min(1),
  gpu: z
    .strictObject({
      /** Mean ticks between DMA issues per GPU engine. */
      issueIntervalTicks: positiveInt.default(40_000),
      engines: z.number().int().min(1).max(16).default(2),
      ut0Percent: percent.default(60),
      ut1Percent: percent.default(30),
      peerPercent: percent.default(10),
      writePercent: percent.default(50),
      dmaBytes: z
        .number()
        .int()
        .min(1)
        .max(1 << 20)
        .default(256),
      maxOutstanding: z.number().int().min(1).max(4096).default(64),
      /**
       * Chance, per engine issue, that one ATS refill in flight inside the GPU moves a stage
       * (ats-cache.ts). Lower: refills linger, and one flush ATSD is more often not enough.
       */
      refillAdvancePercent: percent.default(50),
    })
    .prefault({}),
  host: z
    .strictObject({
      /** Mean ticks between munmap/migrate operations, per CPU thread. */
      unmapIntervalTicks: positiveInt.default(2_000_000),
      migratePercent: percent.default(50),
      /** CPU threads running mmio_invalidate concurrently. */
      cpuThreads: z.number().int().min(1).max(64).default(4),
      /** Pages per munmap (64 KiB each): 1 -> 64K ATSD, 2..32 -> 2M, more -> 1G or PID. */
      pagesPerUnmap: z.number().int().min(1).max(16384).default(1),
      /** Mean ticks between TCE unmap/remap operations (0: none). */
      tceRemapIntervalTicks: z.number().int().min(0).default(4_000_000),
      /** ATSD registers per NPU exposed by firmware (8; 1 before Nov 2018). */
      atsdRegisters: z.number().int().min(1).max(8).default(8),
      sizeRule: z.enum(['v4.20', 'legacy']).default('v4.20'),
      /** Simulated ticks a shootdown may take before the liveness check reports it. */
      shootdownDeadlineTicks: positiveInt.default(1_000_000_000),
      /**
       * Mean ticks a driver holds each of its NPU contexts before it destroys it and inits it again
       * (absent: contexts are made at start and destroyed at the end). The new fields here and below
       * have no default, so a workload that does not use them parses to exactly the same params.
       */
      contextChurnIntervalTicks: positiveInt.optional(),
      /** Mean ticks between the steps of one context destroy (kref_put, release, kfree); default 1 us. */
      contextStepTicks: positiveInt.optional(),
      /**
       * The host booted through kexec (petitboot's kernel set up every brick's XTS context and
       * kexec'd without destroying them; skiboot ba1d95a1d, 7c977c734). Absent: a cold boot.
       */
      bootViaKexec: z.boolean().optional(),
      /**
       * Kernel threads per GPU that map its TCE window at start, in parallel (a guest's vCPUs
       * mapping its DMA window), instead of one map at construction. Absent: the one map.
       */
      tceMapThreads: z.number().int().min(1).max(16).optional(),
      /**
       * TCEs per indirect level of the TCE windows: two-level tables whose levels are allocated on
       * demand (Linux v5.0+). Absent: one pre-allocated level, as for a 2 GiB window.
       */
      tceLevelEntries: positiveInt.optional(),
    })
    .prefault({}),
  mmio: z
    .strictObject({
      /** Mean ticks between guest BAR0 accesses per tenant GPU (0: none). */
      accessIntervalTicks: z.number().int().min(0).default(0),
      /** Of those, percent that try a firmware update. */
      firmwarePercent: percent.default(0),
    })
    .prefault({}),
  /**
   * GPU resets ("nvidia-smi -r") asked by tenants (absent: none). Refused unless the whole NVLink
   * group of the GPU belongs to the caller (platform/iommu-groups.ts `nvlinkGroupOf`).
   */
  resets: z
    .strictObject({
      /** Mean ticks between reset requests (one tenant GPU each). */
      intervalTicks: positiveInt,
      /** Ticks the secondary bus reset is held asserted (ASSUMED, compressed from milliseconds). */
      sbrHoldTicks: positiveInt.default(5_000_000),
      /**
       * Ticks from the GPU's reset until the NPU's bricks are reset when the firmware does not do it
       * with the GPU (`gpu-reset-before-npu`): VFIO resets the NVLink bridges later (ASSUMED).
       */
      npuResetDelayTicks: positiveInt.default(10_000_000),
    })
    .optional(),
});

export type TenantSpec = z.infer<typeof tenantSchema>;
export type WorkloadParams = z.infer<typeof workloadParamsSchema>;
export type WorkloadInput = z.input<typeof workloadParamsSchema>;

export interface Workload {
  name: string;
  description: string;
  /** What a clean run of this workload should find: 'clean', or rule names a bug switch trips. */
  exposes?: { bug: BugName; rules: RuleName[] }[];
  params: WorkloadParams;
}

export interface WorkloadDefinition {
  name: string;
  description: string;
  exposes?: { bug: BugName; rules: RuleName[] }[];
  params: WorkloadInput;
}

/** Declare a workload; its parameters are validated now, so a bad file fails at load with the field. */
export function defineWorkload(def: WorkloadDefinition): Workload {
  if (!/^[a-z0-9-]+$/.test(def.name)) {
    throw new ConfigError('name', `Expected a kebab-case workload name, got \`${def.name}\``);
  }
  for (const e of def.exposes ?? []) {
    if (!BUG_NAMES.includes(e.bug)) throw new ConfigError(`${def.name}.exposes`, `unknown bug \`${e.bug}\``);
    for (const r of e.rules) {
      if (!isRuleName(r)) throw new ConfigError(`${def.name}.exposes`, `Expected a rule name, got \`${r}\``);
    }
  }
  return {
    name: def.name,
    description: def.description,
    exposes: def.exposes,
    params: parseParams(def.params, def.name),
  };
}

export function parseParams(input: unknown, where: string): WorkloadParams {
  const r = workloadParamsSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new ConfigError(`${where}${path}`, issue.message);
  }
  const p = r.data;
  if (p.gpu.ut0Percent + p.gpu.ut1Percent + p.gpu.peerPercent !== 100) {
    throw new ConfigError(
      `${where}.gpu`,
      `Expected ut0Percent + ut1Percent + peerPercent to be 100, got ${p.gpu.ut0Percent + p.gpu.ut1Percent + p.gpu.peerPercent}`,
    );
  }
  const names = new Set<string>();
  const lpids = new Set<number>();
  p.tenants.forEach((t, i) => {
    if (names.has(t.name))
      throw new ConfigError(`${where}.tenants[${i}].name`, `duplicate tenant \`${t.name}\``);
    if (lpids.has(t.lpid)) throw new ConfigError(`${where}.tenants[${i}].lpid`, `duplicate LPID ${t.lpid}`);
    names.add(t.name);
    lpids.add(t.lpid);
  });
  return p;
}

/** Everything a run depends on: with the seed, it determines the run bit for bit. */
export interface RunConfig {
  workload: string;
  seed: number;
  bugs: BugName[];
  params: WorkloadParams;
  /** Fault injection for tests of the crash path: this actor throws at its Nth event. */
  crashAt?: { actor: string; event: number };
  /**
   * A custom topology (a validated TopologySpec, topology-spec.ts) instead of the preset named by
   * params.topology, which then holds its name; `file` is where it was read from (reproduce line).
   */
  customTopology?: { file: string; spec: TopologySpec };
  /**
   * The release pairing (profiles.ts): its bug switches are added to `bugs` and its firmware
   * behaviours apply. Default `fixed`.
   */
  profile?: ProfileName;
  /** Which chooser every actor gets (choice/strategy.ts); default drawn from the seed. */
  strategy?: StrategySpec;
  /** End the run at the end of the tick of its first violation or liveness failure. */
  stopOnFirst?: boolean;
}
