/**
 * A workload's parameters (workload.ts): tenants and their IOMMU groups, how the GPUs drive DMA,
 * how the host unmaps and migrates, the policy and topology; their zod schema with every default,
 * their checks across fields, `--set`-style changes on top, and the form run digests hash.
 */

import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { issuesMessage } from '../../core/issues-message.js';
import { gotText } from '../../core/shown-text.js';
import { shown } from '../../core/shown-value.js';
import { TOPOLOGY_PRESETS } from '../platform/topology-presets.js';
import { COMMAND_KEYS } from './command-keys.js';
import { dmaBytesTooLarge, MAX_DMA_BYTES } from './dma-bytes.js';
import { PAGE_SIZE_NAMES } from './page-sizes.js';
import { parseParamPath, setAtPath } from './param-path.js';
import { allIssues, fieldWithin, joinField, pathText, strictFields, subField } from './schema-issues.js';
import { TCE_CONTAINERS } from './tce-container.js';

const percent = z.number().int().min(0).max(100);

const positiveInt = z.number().int().positive();

/**
 * Longest run, in ticks: 1000 s, as `--duration` (report/duration.ts MAX_DURATION_TICKS, which the
 * model may not import; a test holds them equal). A longer run, from a workload file or `--set`,
 * would leave no headroom below 2^53 ticks for what is computed from its last tick (a message sent
 * then arrives up to a link latency and its queue later) and would outlast any session anyway.
 */
export const MAX_RUN_TICKS = 1e15;

/**
 * A span of simulated time a workload sets (an interval, a hold, a deadline): at least `min`
 * ticks, and no longer than the longest run (an interval past it only means "never"), which keeps
 * the draws made from it (up to twice it, choice/rng.ts) exact.
 */
function ticks(min: 0 | 1) {
  // The bound first: above 2^53 zod's int check would speak first, of the wrong limit.
  return z
    .number()
    .max(MAX_RUN_TICKS, {
      error: (issue) =>
        `Expected at most 1000 s (${MAX_RUN_TICKS} ticks, the longest run), got ${String(issue.input)}`,
    })
    .int()
    .min(min);
}

/**
 * The smallest tenant, as a refusal of a workload without one shows it (QA: `Expected a list, got
 * nothing` said neither that a tenant is needed nor what one looks like): the only parameter with
 * no default. JSON, so it reads right in a JSON file and in a module alike.
 */
const TENANT_SHAPE =
  'a list of at least one tenant, such as [{"name": "vm1", "lpid": 1, "groups": "all"}] (README.md "Your own workloads and topologies")';

/** Longest tenant name: it is printed in summaries, findings and errors, aligned in tables. */
export const MAX_TENANT_NAME_LENGTH = 64;

export const tenantSchema = strictFields('a tenant field', {
  name: z
    .string()
    .min(1)
    .max(MAX_TENANT_NAME_LENGTH)
    .refine((name) => !/\p{Cc}/u.test(name), {
      error: (issue) =>
        `Expected a name of printable characters, got ${JSON.stringify(issue.input)} (a control character in it)`,
    }),
  /** 0 is the host (world.ts); a guest gets its KVM LPID (1..4095). A hostile tenant is a guest. */
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
  /**
   * Who clears the tenant's TCEs (tce-container.ts): `none`, the host kernel's DMA API; `v1`, a
   * VFIO SPAPR TCE v1 container (unpins before its kill with `unpin-before-kill`); `v2`, a v2
   * container as QEMU guests use. Default: `none` for the host (LPID 0), `v2` for a guest.
   */
  tceContainer: z.enum(TCE_CONTAINERS).optional(),
  /**
   * Malicious guest: also aims peer accesses at GPUs it does not own, and writes its own GPUs'
   * link-disable mask (trying to turn its NVLinks back on).
   */
  hostile: z.boolean().default(false),
  /**
   * Page sizes of the tenant's processes, in turn: process j of each GPU maps `pagesPerProcess`
   * pages of `pageSizes[j % length]` (the radix leaf sizes of POWER9: 64K, 2M, 1G). A munmap of
   * 2M or 1G pages is shot down with a 2M, 1G or whole-PID ATSD (atsd-size-rule.ts).
   */
  pageSizes: z.array(z.enum(PAGE_SIZE_NAMES)).min(1).max(8).default(['64K']),
});

export const workloadParamsSchema = strictFields(
  'a workload parameter',
  {
    // A preset's name, checked against the presets when the world is built (world.ts), where a
    // topology file's own name may stand too. Anything but a name is said the same way here
    // (QA: `topo --json`'s object pasted in read `Expected a string, got an object`).
    topology: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? undefined
            : `Expected a preset, one of ${Object.keys(TOPOLOGY_PRESETS).join(', ')}, got ${shown(issue.input)} (a topology file is given by \`--topology FILE\`, not by this parameter)`,
      })
      .default('witherspoon-6'),
    policy: z.enum(['per-socket', 'per-gpu', 'per-gpu-isolated']).default('per-socket'),
    durationTicks: z
      .number()
      .max(MAX_RUN_TICKS, {
        error: (issue) => `Expected at most 1000 s (${MAX_RUN_TICKS} ticks), got ${String(issue.input)}`,
      })
      .int()
      .positive()
      .default(2_000_000_000),
    tenants: z
      .array(tenantSchema, {
        error: (issue) =>
          issue.input === undefined
            ? `Expected ${TENANT_SHAPE}, got nothing (the field is missing)`
            : undefined,
      })
      .min(1, { error: `Expected ${TENANT_SHAPE}, got an empty list` }),
    gpu: strictFields('a gpu parameter', {
      /** Mean ticks between DMA issues per GPU engine. */
      issueIntervalTicks: ticks(1).default(40_000),
      /** DMA engines (host traffic: UT=0, UT=1, random peer writes); 0 leaves only a collective. */
      engines: z.number().int().min(0).max(16).default(2),
      /**
       * The shares of each engine issue, summing to 100: UT=0 DMA (ATS-translated), UT=1 DMA
       * (TCE-translated; a quarter over PCIe), peer accesses over NVLink to a GPU the tenant may
       * reach (any, for a hostile one). A draw of a kind the GPU cannot issue (no such peer, no TCE
       * window) is a UT=0 DMA instead.
       */
      ut0Percent: percent.default(60),
      ut1Percent: percent.default(30),
      peerPercent: percent.default(10),
      writePercent: percent.default(50),
      /**
       * Bytes of one DMA request. The chip translates a request once (ATS or TCE: one page) and lands
       * it as one block, so a request lies within one page: the engines draw its offset where it fits
       * (dma-engines.ts offsetSteps), and it can be no larger than 64K, the smallest page it reaches.
       */
      dmaBytes: z
        .number()
        .int()
        .min(1)
        .max(MAX_DMA_BYTES, { error: (issue) => dmaBytesTooLarge(issue.input) })
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
      collectiveGapTicks: ticks(0).default(0),
      /**
       * GPUs whose NVLinks never trained at boot (a bad GPU; skiboot 4724d2c07): the host maps them
       * to its partition at boot as every GPU, but no driver ever gives them a context, and a brick
       * of theirs never answers an ATSD. Such a GPU can belong to no tenant (world.ts checks).
       */
      untrained: z.array(z.number().int().min(0)).max(64).default([]),
    }).prefault({}),
    host: strictFields('a host parameter', {
      /** Mean ticks between munmap/migrate operations, per CPU thread. */
      unmapIntervalTicks: ticks(1).default(2_000_000),
      migratePercent: percent.default(50),
      /** CPU threads running mmio_invalidate concurrently. */
      cpuThreads: z.number().int().min(1).max(64).default(4),
      /**
       * Pages per munmap, of the process's page size. With 64K pages: 1 -> 64K ATSD, 2..32 -> 2M,
       * more -> 1G or PID; one 2M page -> 2M, one 1G page -> 1G, two 1G pages -> PID.
       */
      pagesPerUnmap: z.number().int().min(1).max(16384).default(1),
      /** Mean ticks between TCE unmap/remap operations (0: none). */
      tceRemapIntervalTicks: ticks(0).default(4_000_000),
      /**
       * Percent of TCE unmaps that are a window reset (killed by PE kill and "invalidate entire");
       * the others are killed page by page. 0 leaves only page kills: the PHB4's kill queue
       * (HW560152, tce/phb.ts) without `tce-entire-kill-ignored`.
       */
      tceWindowResetPercent: percent.default(25),
      /** ATSD registers per NPU exposed by firmware (8; 1 before Nov 2018). */
      atsdRegisters: z.number().int().min(1).max(8).default(8),
      /**
       * What one shootdown's invalidates cover: 'v4.20' (one of 64K, 2M, 1G or the whole PID) or
       * 'legacy' (v4.17-4.19: up to 2M one call per 64K page without a flush, then a flushing one).
       */
      sizeRule: z.enum(['v4.20', 'legacy']).default('v4.20'),
      /**
       * mmio_invalidate calls per munmap, one after the other, the pages freed after the last
       * (absent: 2, Linux v4.14..v5.12: mmu_notifier_invalidate_range_end in unmap_vmas, then
       * tlb_flush_mmu_tlbonly after the tlbie; actors/coordinator/page-lifecycle.ts). 1: a kernel
       * that calls it once, as npusim before 0.10.0 modelled. A migration calls it once per page.
       */
      unmapInvalidates: z.union([z.literal(1), z.literal(2)]).optional(),
      /** Simulated ticks a shootdown may take before the liveness check reports it. */
      shootdownDeadlineTicks: ticks(1).default(1_000_000_000),
      /**
       * Mean ticks a driver holds each of its NPU contexts before it destroys it and inits it again
       * (absent: contexts are made at start and destroyed at the end). The new fields here and below
       * have no default, so a workload that does not use them parses to exactly the same params.
       */
      contextChurnIntervalTicks: ticks(1).optional(),
      /**
       * Mean ticks between the steps of one context destroy (kref_put, kfree) and, with the
       * pre-fix kernel (`context-init-destroy-race`), of one init (its load and kref_get: a few
       * instructions in the kernel, widened here); default 1 us.
       */
      contextStepTicks: ticks(1).optional(),
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
       * demand (Linux v4.19+, a68bd1267b72). Absent: one pre-allocated level, as for a 2 GiB window.
       */
      tceLevelEntries: positiveInt.optional(),
      /** Draw each munmap's page count from 1..pagesPerUnmap instead of always pagesPerUnmap. */
      varyPagesPerUnmap: z.boolean().default(false),
      /**
       * Which ATSD registers a guest's own shootdowns use on an NPU (the host hands ATSD[link index]
       * of every bridge to the guest, Linux vfio_pci_nvlink2.c;
       * docs/theory-of-operation.md#3-the-mechanisms-and-what-they-model, "Chip"): 'first-link', the
       * register of its GPU's first bridge only, or 'every-link', any register of its bridges there
       * (its own acquire_atsd_reg spins over them). Never 6 or 7, which stay with the host.
       */
      guestAtsd: z.enum(['first-link', 'every-link']).default('first-link'),
    }).prefault({}),
    mmio: strictFields('an mmio parameter', {
      /** Mean ticks between guest BAR0 accesses per tenant GPU (0: none). */
      accessIntervalTicks: ticks(0).default(0),
      /** Of those, percent that try a firmware update. */
      firmwarePercent: percent.default(0),
    }).prefault({}),
    /**
     * GPU resets ("nvidia-smi -r") asked by tenants (absent: none). Refused unless the whole NVLink
     * group of the GPU belongs to the caller (platform/iommu-groups.ts `nvlinkGroupOf`; the model's
     * policy, not a sourced kernel check: coordinator/reset-traffic.ts).
     */
    resets: strictFields('a resets parameter', {
      /** Mean ticks between reset requests (one tenant GPU each). */
      intervalTicks: ticks(1),
      /** Ticks the secondary bus reset is held asserted (ASSUMED, compressed from milliseconds). */
      sbrHoldTicks: ticks(1).default(5_000_000),
      /**
       * Ticks from the GPU's reset until the NPU's bricks are reset when the firmware does not do it
       * with the GPU (`gpu-reset-before-npu`): VFIO resets the NVLink bridges later (ASSUMED).
       */
      npuResetDelayTicks: ticks(1).default(10_000_000),
      /**
       * Ticks from the end of the reset until the host writes the link-disable mask again (0: at
       * once, premise (d), as the 2019 series' v2 and v3 did in the SBR handler). Its RFC did it
       * from vfio-pci's reset_done, which runs only while vfio-pci is the driver: a longer gap
       * explores a host where the links come back unfiltered.
       */
      relinkDelayTicks: ticks(0).default(0),
    }).optional(),
  },
  COMMAND_KEYS,
);

export type TenantSpec = z.infer<typeof tenantSchema>;
/** A tenant as a workload writes it, defaults left out: TenantSpec is the validated form. */
export type TenantInput = z.input<typeof tenantSchema>;
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
  gpu: { collective: 'none', collectiveBytes: 1 << 20, collectiveGapTicks: 0, untrained: [] },
  host: { varyPagesPerUnmap: false, guestAtsd: 'first-link' },
  resets: { relinkDelayTicks: 0 },
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

/**
 * Whether `sets` applied over `params` leave them as they are (as digests see them): a variant's
 * `set`, or a `--set`, that the parameters already hold. False when a set does not apply.
 */
export function setsHold(params: WorkloadParams, sets: Readonly<Record<string, unknown>>): boolean {
  const same = (p: WorkloadParams) => JSON.stringify(digestableParams(p));
  try {
    return same(applySets(params, sets)) === same(params);
  } catch {
    return false;
  }
}

/** The parameters as digests hash them: `ADDED_PARAMS` left out while at their old behaviour. */
export function digestableParams(p: WorkloadParams): Record<string, unknown> {
  return {
    ...p,
    tenants: p.tenants.map((t) => withoutDefaults(t, ADDED_PARAMS.tenant)),
    gpu: withoutDefaults(p.gpu, ADDED_PARAMS.gpu),
    host: withoutDefaults(p.host, ADDED_PARAMS.host),
    ...(p.resets !== undefined && { resets: withoutDefaults(p.resets, ADDED_PARAMS.resets) }),
  };
}

/**
 * The parameters with each `PATH -> value` of `sets` applied in order (param-path.ts: an object
 * merges into the object there, anything else replaces it), no path reaching another's parameter
 * (checkOwnParameter), validated again; `fieldOf(path)` names the field of an error (`--set gpu.dmaBytes`, `variants[0].set.policy`).
 * An error is laid at the set that reached its field (or that the field stopped short of, as
 * `--set foo.bar` at an unknown `foo`), with the field inside it when that is somewhere else.
 */
export function applySets(
  params: WorkloadParams,
  sets: Readonly<Record<string, unknown>>,
  /** How an error names the field a PATH sets (`--set PATH` on the command line); the path itself by default. */
  fieldOf: (path: string) => string = (path) => path,
  /**
   * Name the field inside the set as one path (`variants[0].set.gpu.dmaBytes: Expected ...`,
   * `--set gpu.dmaBytes: Expected ...` for `--set 'gpu={"dmaBytes":0}'`), as the command line,
   * runWorkload and a file's variants do; without it the set is the field and the rest leads the
   * message (`gpu: dmaBytes: Expected ...`). With it, a field the set's path goes past is named by
   * that path alone (`variants[0].set.foo.bar: Expected a workload parameter (...), got unknown
   * key \`foo\``), not the path and then the field.
   */
  nest = false,
): WorkloadParams {
  // The package exports this for workload writers: a call of theirs with no parameters or no
  // sets threw a TypeError from inside (QA); the command line's and the variants' calls pass these.
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(params))
    throw new ConfigError(
      'params',
      `Expected the parameters (what parseParams returns), got ${shown(params)}`,
    );
  if (!isObject(sets))
    throw new ConfigError(
      'sets',
      `Expected an object of PATH: value, such as { 'gpu.dmaBytes': 4096 }, got ${shown(sets)}`,
    );
  if (typeof fieldOf !== 'function')
    throw new ConfigError(
      'fieldOf',
      `Expected a function from a PATH to the field its errors name, got ${shown(fieldOf)}`,
    );
  const r = setsIssues(params, sets, fieldOf, nest);
  if (r.params === undefined) {
    throw new ConfigError(
      r.issues[0]!.field,
      issuesMessage(r.issues, (field) => field),
    );
  }
  return r.params;
}

/** One mistake of a `PATH -> value` list: its whole field, its message, and the set it is laid at. */
export interface SetIssue {
  field: string;
  message: string;
  /** The path of the set it is laid at (a key of the sets). */
  path: string;
}

/**
 * applySets' parameters, or every mistake of the sets, in the order of the sets: each set's own
 * (a path that does not parse or does not exist, a parameter another set reaches) and, of the
 * sets that applied, every one the schema or a check across fields finds in the result, each laid
 * at the set that reached its field (applySets). A set refused on its own is left out of the
 * result, so the mistakes of the others are still found: a user fixes all of them in one run.
 */
export function setsIssues(
  params: WorkloadParams,
  sets: Readonly<Record<string, unknown>>,
  fieldOf: (path: string) => string,
  nest = false,
): { params: WorkloadParams; issues: [] } | { params: undefined; issues: SetIssue[] } {
  const paths = Object.keys(sets);
  const found: (SetIssue & { order: number })[] = [];
  let input: unknown = params;
  const earlier: { path: string; keys: (string | number)[] }[] = [];
  paths.forEach((path, order) => {
    try {
      const keys = parseParamPath(path, fieldOf(path));
      checkOwnParameter(earlier, { path, keys }, fieldOf(path));
      input = setAtPath(input, path, sets[path], fieldOf(path));
      earlier.push({ path, keys });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      found.push({ field: e.field, message: messageBelowField(e), path, order });
    }
  });
  const r = paramsIssues(input);
  const applied = earlier.map((e) => e.path);
  for (const issue of r.issues) {
    // A clash is told at the field a set changed, where only the other one was.
    const told =
      issue.other !== undefined &&
      deepestSet(applied, issue.field, fieldOf) === undefined &&
      deepestSet(applied, issue.other.field, fieldOf) !== undefined
        ? issue.other
        : issue;
    const { field, message: detail } = told;
    const owner = deepestSet(applied, field, fieldOf);
    if (owner === undefined) {
      const path = applied.at(-1) ?? paths.at(-1);
      const at = path === undefined ? field : fieldOf(path);
      found.push({ field: at, message: joinField(field, detail), path: path ?? '', order: paths.length });
      continue;
    }
    const order = paths.indexOf(owner.path);
    if (nest && fieldWithin(field, owner.text)) {
      const at = subField(fieldOf(owner.path), fieldBelow(owner, field));
      found.push({ field: at, message: detail, path: owner.path, order });
    } else if (nest) {
      // A field the set's path goes past (`foo` of `foo.bar`, a key the parameters lack): the
      // set's own path already names it, and the message says which key (`got unknown key
      // \`foo\``); `variants[1].set.foo.bar: foo: ...` named it twice, the second time as if a
      // field below the first (QA).
      found.push({ field: fieldOf(owner.path), message: detail, path: owner.path, order });
    } else {
      found.push({
        field: fieldOf(owner.path),
        message: detailUnder(owner, field, detail),
        path: owner.path,
        order,
      });
    }
  }
  if (found.length === 0 && r.params !== undefined) return { params: r.params, issues: [] };
  // Stable: a set's own mistakes before those the schema found in its value, each set in turn.
  found.sort((a, b) => a.order - b.order);
  return { params: undefined, issues: found.map(({ order: _, ...issue }) => issue) };
}

/** A ConfigError's message without the field it starts with. */
function messageBelowField(e: ConfigError): string {
  return e.field === '' ? e.message : e.message.slice(e.field.length + 2);
}

/**
 * One rule for every `PATH -> value` list (`--set`, a variant's `set`, runWorkload's `set`): each
 * path names a parameter no other path of the list reaches, neither the same one spelled otherwise
 * (`tenants[0].name`, `tenants.0.name`) nor one inside the other (`gpu`, `gpu.dmaBytes`). Sets
 * apply in order, so of two such the later silently undid the earlier or not, by the order typed
 * alone (QA: `--set gpu.dmaBytes=512 --set 'gpu={"engines":1}'` ran with 256, the other order
 * with 512). Refused at the later one, naming both, as a path given twice is.
 */
function checkOwnParameter(
  earlier: readonly { path: string; keys: readonly (string | number)[] }[],
  set: { path: string; keys: readonly (string | number)[] },
  field: string,
): void {
  const within = (inner: readonly unknown[], outer: readonly unknown[]) =>
    outer.length <= inner.length && outer.every((k, i) => k === inner[i]);
  for (const e of earlier) {
    if (!within(e.keys, set.keys) && !within(set.keys, e.keys)) continue;
    const both = `got ${gotText(e.path)} and ${gotText(set.path)}`;
    if (e.keys.length === set.keys.length)
      throw new ConfigError(field, `Expected each parameter set once, ${both}: one parameter twice`);
    const [outer, inner] = e.keys.length < set.keys.length ? [e.path, set.path] : [set.path, e.path];
    throw new ConfigError(
      field,
      `Expected each parameter set once, ${both}, one inside the other: give \`${inner}\` inside the value of \`${outer}\`, or each field by its own path`,
    );
  }
}

/**
 * The message of an error at `field` told under the set that owns it (deepestSet): the part of
 * the field below the set's own path, so `--set tenants[0].pageSizes` with an error at
 * `tenants[0].pageSizes[0]` says `[0]: ...`, not the whole path a second time; a field the set's
 * path goes past (a set of `gpu.dmaBytes` refused as a whole `gpu`) is named whole.
 */
export function detailUnder(owner: { text: string }, field: string, detail: string): string {
  if (!fieldWithin(field, owner.text)) return joinField(field, detail);
  return joinField(fieldBelow(owner, field), detail);
}

/** The part of `field` below the set's own path (`[0]` of `tenants[0].pageSizes[0]` under `tenants[0].pageSizes`). */
export function fieldBelow(owner: { text: string }, field: string): string {
  return field.slice(owner.text.length).replace(/^\./, '');
}

/**
 * Of the paths set, the deepest that reached `field` or that `field` stopped short of, with its
 * path as errors spell it (`tenants.0.lpid` is `tenants[0].lpid`).
 */
export function deepestSet(
  paths: readonly string[],
  field: string,
  fieldOf: (path: string) => string = (path) => path,
): { path: string; text: string } | undefined {
  return paths
    .map((path) => ({ path, text: pathText(parseParamPath(path, fieldOf(path))) }))
    .filter(({ text }) => fieldWithin(field, text) || fieldWithin(text, field))
    .sort((a, b) => b.text.length - a.text.length)[0];
}

export function parseParams(input: unknown, where = 'params'): WorkloadParams {
  // Exported for workload writers: a JavaScript caller that left `where` out read `undefined.tenants`.
  if (typeof where !== 'string')
    throw new ConfigError(
      'where',
      `Expected the name its errors give the parameters (a string such as 'params'), got ${shown(where)}`,
    );
  const r = paramsIssues(input);
  if (r.params === undefined) {
    const at = (field: string) => subField(where, field);
    throw new ConfigError(at(r.issues[0]!.field), issuesMessage(r.issues, at));
  }
  return r.params;
}

/**
 * One mistake of the parameters at its field. A clash between two fields (two tenants with one
 * name or LPID) is laid at the later one; `other` is the same clash told at the earlier, for a
 * `--set` that changed that one (QA: `--set tenants[0].lpid=2` beside a tenant 1 with LPID 2 was
 * refused as `tenants[1].lpid: ... got 2 (tenants[0] has it)`, as if tenant 1's own value were
 * the mistake).
 */
export interface ParamsIssue {
  field: string;
  message: string;
  other?: { field: string; message: string };
}

/**
 * The parameters, or every mistake in them, each at its field under the parameters
 * (`tenants[1].lpid`): the schema's, and when it passes, every check across fields (the GPU's
 * percentages, each tenant's name and LPID), each apart from the others.
 */
export function paramsIssues(
  input: unknown,
): { params: WorkloadParams; issues: [] } | { params: undefined; issues: ParamsIssue[] } {
  const r = workloadParamsSchema.safeParse(input);
  if (!r.success) {
    // One mistake a field: a value two checks refuse (above the longest run and above 2^53) is
    // one value to fix, said by the first check, which is the one that says what is expected.
    const all = allIssues(r.error, input, workloadParamsSchema);
    return {
      params: undefined,
      issues: all.filter((i, n) => all.findIndex((o) => o.field === i.field) === n),
    };
  }
  const p = r.data;
  const issues: ParamsIssue[] = [];
  if (p.gpu.ut0Percent + p.gpu.ut1Percent + p.gpu.peerPercent !== 100) {
    issues.push({
      field: 'gpu',
      message: `Expected ut0Percent + ut1Percent + peerPercent to be 100, got ${p.gpu.ut0Percent + p.gpu.ut1Percent + p.gpu.peerPercent}`,
    });
  }
  // Each name and LPID to the first tenant that has it: a later one is refused naming that
  // tenant, so the user sees which two clash.
  const names = new Map<string, number>();
  const lpids = new Map<number, number>();
  p.tenants.forEach((t, i) => {
    const sameName = names.get(t.name);
    if (sameName === undefined) names.set(t.name, i);
    else
      issues.push({
        field: `tenants[${i}].name`,
        message: `Expected a name no other tenant has, got ${gotText(t.name)} (tenants[${sameName}] has it)`,
        other: {
          field: `tenants[${sameName}].name`,
          message: `Expected a name no other tenant has, got ${gotText(t.name)} (tenants[${i}] has it)`,
        },
      });
    const sameLpid = lpids.get(t.lpid);
    if (sameLpid === undefined) lpids.set(t.lpid, i);
    // LPID 0 makes a tenant the host (world.ts): a hostile one so given went past the BAR0 MMIO
    // filter and its firmware updates counted as allowed, with no word (QA). A host tenant (LPID
    // 0, not hostile) is the built-ins' own, and stays.
    if (t.lpid === 0 && t.hostile)
      issues.push({
        field: `tenants[${i}].lpid`,
        message:
          "Expected a guest's LPID, from 1 to 4095, for a hostile tenant, got 0: LPID 0 is the host's, and a tenant with it runs as the host (past the BAR0 MMIO filter, its firmware updates allowed); give it an LPID from 1 to 4095 no other tenant has",
      });
    else if (sameLpid !== undefined)
      issues.push({
        field: `tenants[${i}].lpid`,
        message: `Expected an LPID no other tenant has, got ${t.lpid} (tenants[${sameLpid}] has it)`,
        other: {
          field: `tenants[${sameLpid}].lpid`,
          message: `Expected an LPID no other tenant has, got ${t.lpid} (tenants[${i}] has it)`,
        },
      });
  });
  issues.push(...groupIssues(p.tenants));
  return issues.length === 0 ? { params: p, issues: [] } : { params: undefined, issues };
}

/**
 * The tenants' IOMMU groups across tenants: a guest takes whole groups, each group one guest's
 * (VFIO), and a list names each group once. A clash was the model's refusal (`IOMMU group 1 is
 * already owned by tenant vm0`), of its first tenant only, after every other check had passed;
 * a group named twice ran with no word (QA67 E). `all` takes every group; `rest` what the tenants
 * before it left, so it clashes with none (one left nothing is refused when the run is built, where
 * the topology says how many groups there are, as is a group past the last).
 */
function groupIssues(tenants: WorkloadParams['tenants']): ParamsIssue[] {
  const issues: ParamsIssue[] = [];
  const clash = (ids: string) => `Expected IOMMU groups no other tenant takes, got ${ids}`;
  // Each group to the first tenant that takes it; `all` at the first that takes every group.
  const takenBy = new Map<number, number>();
  let allBy: number | undefined;
  tenants.forEach((t, i) => {
    const field = `tenants[${i}].groups`;
    if (t.groups === 'rest') return;
    if (t.groups === 'all') {
      // Named by the earliest tenant that took a group before it, and that group.
      const taken = [...takenBy].sort(([ga, a], [gb, b]) => a - b || ga - gb)[0];
      const by =
        allBy !== undefined
          ? takesText(tenants, allBy)
          : taken === undefined
            ? undefined
            : `tenants[${taken[1]}] takes group ${taken[0]}`;
      const owner = allBy ?? taken?.[1];
      if (by !== undefined && owner !== undefined) {
        issues.push({
          field,
          message: clash(`"all" (${by})`),
          other: {
            field: `tenants[${owner}].groups`,
            message: clash(`${allBy !== undefined ? '"all"' : taken![0]} (tenants[${i}] takes them all)`),
          },
        });
      }
      allBy ??= i;
      return;
    }
    const seen = new Set<number>();
    const twice = new Set<number>();
    const clashes: string[] = [];
    const owners = new Map<number, number[]>();
    for (const id of t.groups) {
      if (seen.has(id)) {
        twice.add(id);
        continue;
      }
      seen.add(id);
      const owner = allBy ?? takenBy.get(id);
      if (owner !== undefined) {
        clashes.push(`${id} (${takesText(tenants, owner)})`);
        owners.set(owner, [...(owners.get(owner) ?? []), id]);
      } else takenBy.set(id, i);
    }
    if (twice.size > 0) {
      issues.push({
        field,
        message: `Expected each group once, got ${[...twice].map((id) => `${id} twice`).join(', ')}`,
      });
    }
    if (clashes.length > 0) {
      // Told at the one tenant it clashes with, where that is one: `all`, or the groups both take.
      const [one] = owners.size === 1 ? [...owners] : [];
      issues.push({
        field,
        message: clash(clashes.join(', ')),
        ...(one === undefined
          ? {}
          : {
              other: {
                field: `tenants[${one[0]}].groups`,
                message: clash(
                  tenants[one[0]]!.groups === 'all'
                    ? `"all" (tenants[${i}] takes ${one[1].length === 1 ? 'group' : 'groups'} ${one[1].join(', ')})`
                    : `${one[1].join(', ')} (tenants[${i}] takes ${one[1].length === 1 ? 'it' : 'them'})`,
                ),
              },
            }),
      });
    }
  });
  return issues;
}

/** Tenant `i` as a clash names it: `tenants[0] takes it`, or `tenants[0] takes them all` for `all`. */
function takesText(tenants: WorkloadParams['tenants'], i: number): string {
  return tenants[i]!.groups === 'all' ? `tenants[${i}] takes them all` : `tenants[${i}] takes it`;
}
