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
import { H } from '../actors/metric-names.js';
import { isRuleName, type RuleName } from '../check/rule-names.js';
import type { StrategySpec } from '../choice/strategy.js';
import type { TopologySpec } from '../platform/topology-spec.js';
import { BUG_NAMES, type BugName } from './bugs.js';
import { PAGE_SIZE_NAMES } from './page-sizes.js';
import { setAtPath } from './param-path.js';
import type { ProfileName } from './profiles.js';

const percent = z.number().int().min(0).max(100);

// Page sizes live in page-sizes.ts (no zod there, so worker threads need not load it).
export { PAGE_SIZE_BYTES, PAGE_SIZE_NAMES, type PageSizeName } from './page-sizes.js';

const positiveInt = z.number().int().positive();

export const tenantSchema = z.strictObject({
  name: z.string().min(1),
  /** 0 is the host; a guest gets its KVM LPID (1..4095). */
  lpid: z.number().int().min(0).max(4095),
  /** IOMMU groups this tenant takes: indices into the policy's groups, or 'all' / 'rest'. */
  groups: z.union([z.array(z.number().int().min(0)).min(1), z.literal('all'), z.literal('rest')]),
  /** Processes (mm, one PID each) per GPU of the tenant doing UT=0 DMA. */
  processesPerGpu: z.number().int().min(1).max(64).default(2),
  /** Pages mapped per process at start, each of the process's page size (`pageSizes`). */
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
  /**
   * Page sizes of the tenant's processes, in turn: process j of each GPU maps `pagesPerProcess`
   * pages of `pageSizes[j % length]` (the radix leaf sizes of POWER9: 64K, 2M, 1G). A munmap of
   * 2M or 1G pages is shot down with a 2M, 1G or whole-PID ATSD (atsd-size-rule.ts).
   */
  pageSizes: z.array(z.enum(PAGE_SIZE_NAMES)).min(1).max(8).default(['64K']),
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
      /** DMA engines (host traffic: UT=0, UT=1, random peer writes); 0 leaves only a collective. */
      engines: z.number().int().min(0).max(16).default(2),
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
      /**
       * A collective over NVLink besides the engines' traffic (actors/gpu/ring-allreduce.ts):
       * 'ring-allreduce' runs NCCL-style ring all-reduces among each tenant's GPUs of a socket, one
       * after another, on the GPU's outstanding slots (`maxOutstanding`) shared with the engines.
       */
      collective: z.enum(['none', 'ring-allreduce']).default('none'),
      /** Bytes each GPU contributes to one all-reduce (split into one chunk per GPU of the ring). */
      collectiveBytes: z
        .number()
        .int()
        .min(1)
        .max(1 << 30)
        .default(1 << 20),
      /** Simulated ticks of compute between one all-reduce's end and the next one's start. */
      collectiveGapTicks: z.number().int().min(0).default(0),
    })
    .prefault({}),
  host: z
    .strictObject({
      /** Mean ticks between munmap/migrate operations, per CPU thread. */
      unmapIntervalTicks: positiveInt.default(2_000_000),
      migratePercent: percent.default(50),
      /** CPU threads running mmio_invalidate concurrently. */
      cpuThreads: z.number().int().min(1).max(64).default(4),
      /**
       * Pages per munmap, of the process's page size. With 64K pages: 1 -> 64K ATSD, 2..32 -> 2M,
       * more -> 1G or PID; one 2M page -> 2M, one 1G page -> 1G, two 1G pages -> PID.
       */
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
      /** Draw each munmap's page count from 1..pagesPerUnmap instead of always pagesPerUnmap. */
      varyPagesPerUnmap: z.boolean().default(false),
      /**
       * Which ATSD registers a guest's own shootdowns use on an NPU (domain.md §4: the host hands
       * ATSD[link index] of every bridge to the guest): 'first-link', the register of its GPU's
       * first bridge only, or 'every-link', any register of its bridges there (its own
       * acquire_atsd_reg spins over them). Never 6 or 7, which stay with the host.
       */
      guestAtsd: z.enum(['first-link', 'every-link']).default('first-link'),
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

/**
 * Parameters added after run digests were first published, with the value that reproduces the
 * behaviour from before each existed. A run's digest (report/outcome-digest.ts) and a workload's
 * definition digest (repro/failure-file.ts) hash the parameters without these keys while they hold
 * that value, so a new parameter never changes the digest of a run that does not use it, and a
 * failure file written before it still replays. A parameter added later goes here too.
 */
const ADDED_PARAMS = {
  tenant: { pageSizes: ['64K'] },
  gpu: { collective: 'none', collectiveBytes: 1 << 20, collectiveGapTicks: 0 },
  host: { varyPagesPerUnmap: false, guestAtsd: 'first-link' },
} as const;

function withoutDefaults(
  o: Record<string, unknown>,
  added: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (Object.hasOwn(added, k) && JSON.stringify(v) === JSON.stringify(added[k])) continue;
    out[k] = v;
  }
  return out;
}

/** The parameters as digests hash them: `ADDED_PARAMS` left out while at their old behaviour. */
export function digestableParams(p: WorkloadParams): Record<string, unknown> {
  return {
    ...p,
    tenants: p.tenants.map((t) => withoutDefaults(t, ADDED_PARAMS.tenant)),
    gpu: withoutDefaults(p.gpu, ADDED_PARAMS.gpu),
    host: withoutDefaults(p.host, ADDED_PARAMS.host),
  };
}

const kebabName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'Expected a kebab-case name (a-z, 0-9, -)' });
const ruleName = z
  .string()
  .refine(isRuleName, { message: 'Expected a rule name (`npusim list` shows them)' });

/**
 * What a run is expected to find: 'clean', or the rules it must report (a variant built to show a
 * failure, such as per-GPU groups with their links up). Nothing outside the list may be found.
 */
export const expectationSchema = z.union([z.literal('clean'), z.array(ruleName).min(1)]);
export type Expectation = 'clean' | RuleName[];

const HISTOGRAM_NAMES = Object.values(H) as [string, ...string[]];

/**
 * One figure of a workload's headline, the first thing its summary prints (report/headline.ts
 * reads it from the run result). Data, not code, so a workload file in JSON can have one too:
 * - `counter`: a counter (`firmware.updates`), a sum (`atsd.guest.reg6+atsd.guest.reg7`), or every
 *   counter under a prefix (`atsd.size.*`, one figure each); `per: 'simulated-second'` divides by
 *   the simulated time, and `unit: 'bytes'` prints bytes (or bytes per second as a bandwidth);
 * - `latency`: a percentile of a histogram (metric-names.ts H);
 * - `links`: the busiest (or mean) utilisation of the links between GPUs, GPU to chip, chip to
 *   GPU, or chip to chip;
 * - `rate`: the ATS or TCE cache hit rate;
 * - `param`: a parameter of the run (`policy`, `gpu.dmaBytes`; a list counts its entries:
 *   `tenants`), so variants show what differs between them.
 */
export const headlineItemSchema = z.union([
  z.strictObject({
    label: z.string().min(1),
    counter: z.string().regex(/^[A-Za-z0-9.*-]+(\+[A-Za-z0-9.-]+)*$/, {
      message: 'Expected a counter name, `a+b`, or `prefix.*`',
    }),
    per: z.enum(['run', 'simulated-second']).default('run'),
    unit: z.enum(['count', 'bytes']).default('count'),
  }),
  z.strictObject({
    label: z.string().min(1),
    latency: z.enum(HISTOGRAM_NAMES),
    stat: z.enum(['count', 'p50', 'p99', 'p999', 'max']).default('p99'),
  }),
  z.strictObject({
    label: z.string().min(1),
    links: z.enum(['gpu-gpu', 'gpu-chip', 'chip-gpu', 'chip-chip']),
    stat: z.enum(['busiest', 'mean']).default('busiest'),
  }),
  z.strictObject({ label: z.string().min(1), rate: z.enum(['ats-hit', 'tce-hit']) }),
  z.strictObject({ label: z.string().min(1), param: z.string().min(1) }),
]);
export type HeadlineItem = z.infer<typeof headlineItemSchema>;

/**
 * A variant: the same workload with some parameters changed (`set`: PATH -> value, as `--set`
 * takes them), run after the workload's own run by `npusim run` so its summary can set the answers
 * side by side (multi-tenant: each IOMMU policy's verdict), each judged against its `expect`.
 */
export const variantSchema = z.strictObject({
  name: kebabName,
  description: z.string().min(1).optional(),
  set: z.record(z.string().min(1), z.unknown()),
  expect: expectationSchema.default('clean'),
});
export type Variant = z.infer<typeof variantSchema>;

const exposureSchema = z.strictObject({
  bug: z.enum(BUG_NAMES as [BugName, ...BugName[]]),
  rules: z.array(ruleName).min(1),
});

/** A workload as a file declares it (workloads/*.ts, or a user's .ts, .js or .json file). */
export const workloadDefinitionSchema = z.strictObject({
  name: kebabName,
  description: z.string().min(1),
  /** The question the workload answers: the first line of its summary. */
  question: z.string().min(1).optional(),
  /** The name of the workload's own run in its table of variants (default `as declared`). */
  label: z.string().min(1).optional(),
  /** What the workload's own run should find (default clean). */
  expect: expectationSchema.default('clean'),
  /** Bug switches this workload is built to catch, and the rules each trips (`npusim list`). */
  exposes: z.array(exposureSchema).optional(),
  /** The figures that answer the question, printed first in the summary. */
  headline: z.array(headlineItemSchema).default([]),
  variants: z.array(variantSchema).default([]),
  params: z.unknown(),
});

export interface Workload {
  name: string;
  description: string;
  question?: string;
  label?: string;
  expect: Expectation;
  /** What a clean run of this workload should find: 'clean', or rule names a bug switch trips. */
  exposes?: { bug: BugName; rules: RuleName[] }[];
  headline: HeadlineItem[];
  variants: Variant[];
  params: WorkloadParams;
}

export interface WorkloadDefinition {
  name: string;
  description: string;
  question?: string;
  label?: string;
  expect?: Expectation;
  exposes?: { bug: BugName; rules: RuleName[] }[];
  headline?: z.input<typeof headlineItemSchema>[];
  variants?: z.input<typeof variantSchema>[];
  params: WorkloadInput;
}

/** Declare a workload; its parameters are validated now, so a bad file fails at load with the field. */
export function defineWorkload(def: WorkloadDefinition): Workload {
  return validateWorkload(def, typeof def?.name === 'string' ? def.name : 'workload');
}

/**
 * Check a workload definition (from defineWorkload, or a user's file read as data) and fill in
 * every default. `where` prefixes every error's field: `my.json: params.gpu.dmaBytes`.
 */
export function validateWorkload(def: unknown, where: string): Workload {
  const r = workloadDefinitionSchema.safeParse(def);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(joinField(where, pathText(issue.path)), issue.message);
  }
  const d = r.data;
  const params = parseParams(d.params, joinField(where, 'params'));
  d.variants.forEach((v, i) => {
    const at = joinField(where, `variants[${i}]`);
    if (d.variants.findIndex((o) => o.name === v.name) !== i)
      throw new ConfigError(`${at}.name`, `duplicate variant \`${v.name}\``);
    applySets(params, v.set, (path) => `${at}.set.${path}`);
  });
  return {
    name: d.name,
    description: d.description,
    ...(d.question === undefined ? {} : { question: d.question }),
    ...(d.label === undefined ? {} : { label: d.label }),
    expect: d.expect as Expectation,
    ...(d.exposes === undefined ? {} : { exposes: d.exposes as Workload['exposes'] }),
    headline: d.headline,
    variants: d.variants as Variant[],
    params,
  };
}

/**
 * The parameters with each `PATH -> value` of `sets` applied in order (param-path.ts), validated
 * again; `fieldOf(path)` names the field of an error (`--set gpu.dmaBytes`, `variants[0].set.policy`).
 */
export function applySets(
  params: WorkloadParams,
  sets: Readonly<Record<string, unknown>>,
  fieldOf: (path: string) => string,
): WorkloadParams {
  let input: unknown = params;
  for (const [path, value] of Object.entries(sets)) input = setAtPath(input, path, value, fieldOf(path));
  try {
    return parseParams(input, '');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = e.field.replace(/^\./, '');
    const owner = Object.keys(sets).find(
      (p) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`),
    );
    const detail = e.message.slice(e.field.length + 2);
    throw new ConfigError(fieldOf(owner ?? Object.keys(sets).at(-1) ?? field), `${field}: ${detail}`);
  }
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

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function joinField(where: string, field: string): string {
  if (field === '') return where;
  return where === '' ? field : `${where}: ${field}`;
}

/** Everything a run depends on: with the seed, it determines the run bit for bit. */
export interface RunConfig {
  workload: string;
  /** A workload read from a user's file (`npusim run ./w.ts`): the path as given. */
  workloadFile?: string;
  /** The variant of the workload this run is (`--variant`), its `set` already in `params`. */
  variant?: string;
  /**
   * `--set PATH=VALUE` overrides, in order, already applied to `params`: kept so the reproduce
   * line and failure files say them (the digest covers `params`).
   */
  set?: { path: string; value: unknown }[];
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
