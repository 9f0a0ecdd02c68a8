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
 * This file is the workload as a file declares it (its question, headline, expectations and
 * variants); its parameters are workload-params.ts, and a run's whole configuration run-config.ts.
 */

import { z } from 'zod';
import { didYouMean } from '../../core/edit-distance.js';
import { ConfigError } from '../../core/errors.js';
import { inFieldOrder } from '../../core/field-order.js';
import { issuesMessage } from '../../core/issues-message.js';
import { gotText } from '../../core/shown-text.js';
import { shown } from '../../core/shown-value.js';
import { H } from '../actors/metric-names.js';
import { isRuleName, RULE_NAMES, type RuleName } from '../check/rule-names.js';
import { isRecord } from '../platform/spec-fields.js';
import { BUG_NAMES, type BugName, isBugName } from './bugs.js';
import { carriedBugMessage, carriedBugs } from './carried-bugs.js';
import { COMMAND_KEYS } from './command-keys.js';
import { counterPatternProblem } from './headline-counters.js';
import { paramIndexProblem, paramPathProblem } from './headline-params.js';
import { PREMISE_NAMES, type PremiseName } from './premises.js';
import { PROFILE_NAMES, type ProfileName } from './profiles.js';
import { allIssues, type ChooseOption, joinField, strictFields, subField } from './schema-issues.js';

/** A workload's name: kebab-case, as `npusim list` and failure file names show it. */
const WORKLOAD_NAME = /^[a-z0-9][a-z0-9-]*$/;

import { paramsIssues, setsIssues, type WorkloadInput, type WorkloadParams } from './workload-params.js';

// Page sizes live in page-sizes.ts (no zod there, so worker threads need not load it).
export { PAGE_SIZE_BYTES, PAGE_SIZE_NAMES, type PageSizeName } from './page-sizes.js';
// The run's configuration and the tenants' type, where the actors (world.ts, machine.ts) import them.
export type { RunConfig } from './run-config.js';
export type { TenantSpec } from './workload-params.js';

/**
 * Longest workload or variant name: it names the failure files (with the seed, the rule and the
 * digest, under the 255 bytes a file name may have) and heads every summary.
 */
export const MAX_WORKLOAD_NAME_LENGTH = 64;

const kebabName = z
  .string()
  .regex(WORKLOAD_NAME, { message: 'Expected a kebab-case name (a-z, 0-9, -)' })
  .max(MAX_WORKLOAD_NAME_LENGTH, {
    error: (issue) =>
      `Expected a name of at most ${MAX_WORKLOAD_NAME_LENGTH} characters, got ${String((issue.input as string).length)}`,
  });
const ruleName = z.string().refine(isRuleName, {
  error: (issue) =>
    `Expected a rule name (\`npusim list\` shows them), got ${gotText(String(issue.input))}${didYouMean(String(issue.input), RULE_NAMES, { shortened: true })}`,
});

/**
 * What a run is expected to find: 'clean', or the rules it must report (a variant built to show a
 * failure, such as per-GPU groups with their links up). Nothing outside the list may be found.
 */
export const expectationSchema = z.union([z.literal('clean'), z.array(ruleName).min(1)]);
export type Expectation = 'clean' | RuleName[];

const HISTOGRAM_NAMES = Object.values(H) as [string, ...string[]];

/**
 * Text a workload shows on a line of the summary or of a table (its description, question,
 * labels): printable, one line. A newline, a tab or an escape sequence in it broke the summary's
 * lines and the tables' columns, or reached the terminal as a command.
 */
const textLine = z
  .string()
  .min(1)
  .refine((text) => !/\p{Cc}/u.test(text), {
    error: (issue) =>
      `Expected one line of printable text, got ${JSON.stringify(issue.input)} (a control character in it: a newline, a tab or an escape)`,
  });

/**
 * One figure of a workload's headline, the first thing its summary prints (report/headline.ts
 * reads it from the run result). Data, not code, so a workload file in JSON can have one too:
 * - `counter`: a counter (`firmware.updates`), a sum (`atsd.guest.reg6+atsd.guest.reg7`), or every
 *   counter under a prefix (`atsd.invalidate.*`, one figure each); `per: 'simulated-second'`
 *   divides by the simulated time, and `unit: 'bytes'` prints bytes (or bytes per second as a
 *   bandwidth). Each name must be one a run can report (metric-names.ts), so a typo is refused at
 *   load rather than printed as 0 for ever;
 * - `latency`: a percentile of a histogram (metric-names.ts H);
 * - `links`: the busiest (or mean) utilisation of the links between GPUs, GPU to chip, chip to
 *   GPU, or chip to chip;
 * - `rate`: the ATS or TCE cache hit rate;
 * - `nmmu`: the busiest (or mean) nest MMU's walker utilisation over the sockets: the bottleneck
 *   of ATS-heavy runs, which no link's utilisation shows (QA68);
 * - `param`: a parameter of the run (`policy`, `gpu.dmaBytes`; a list counts its entries:
 *   `tenants`), so variants show what differs between them.
 * The kinds are the options of a union, in HEADLINE_KINDS' order.
 */
export const headlineItemSchema = z.union([
  strictFields('a field of a counter figure', {
    label: textLine,
    counter: z.string().superRefine((pattern, ctx) => {
      const problem = counterPatternProblem(pattern);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
    per: z.enum(['run', 'simulated-second']).default('run'),
    unit: z.enum(['count', 'bytes']).default('count'),
  }),
  strictFields('a field of a latency figure', {
    label: textLine,
    latency: z.enum(HISTOGRAM_NAMES),
    stat: z.enum(['count', 'p50', 'p99', 'p999', 'max']).default('p99'),
  }),
  strictFields('a field of a links figure', {
    label: textLine,
    links: z.enum(['gpu-gpu', 'gpu-chip', 'chip-gpu', 'chip-chip']),
    stat: z.enum(['busiest', 'mean']).default('busiest'),
  }),
  strictFields('a field of a rate figure', {
    label: textLine,
    rate: z.enum(['ats-hit', 'tce-hit']),
  }),
  strictFields('a field of a nest MMU figure', {
    label: textLine,
    nmmu: z.enum(['busiest', 'mean']),
  }),
  strictFields('a field of a param figure', { label: textLine, param: z.string().min(1) }),
]);
export type HeadlineItem = z.infer<typeof headlineItemSchema>;
/**
 * A headline item as a workload writes it, defaults left out (`stat`, `per`, `unit`):
 * HeadlineItem is the validated form, so a user's list typed with it demanded every default.
 */
export type HeadlineItemInput = z.input<typeof headlineItemSchema>;

/** The key that makes a headline item each kind, in the order of headlineItemSchema's options. */
const HEADLINE_KINDS = ['counter', 'latency', 'links', 'rate', 'nmmu', 'param'] as const;

/**
 * A headline item that fits no kind is judged as the kind whose key it has (zod alone would say
 * `Invalid input`, having tried all six): ``headline[0].stat: Expected one of count, ..., got `p98` ``.
 */
const headlineKind: ChooseOption = (path, value) => {
  if (path.length !== 2 || path[0] !== 'headline') return undefined;
  const figure = `a figure with a label and one of ${HEADLINE_KINDS.map((k) => `\`${k}\``).join(', ')}`;
  // Not an object at all: what a figure is (QA: `an object` six times over, one per kind).
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { message: `Expected ${figure}, got ${shown(value)}` };
  const option = HEADLINE_KINDS.findIndex((k) => Object.hasOwn(value, k));
  if (option >= 0) return { option };
  // A kind's key misspelt (`countr`) is hinted as an unknown key is (QA: the keys alone were listed).
  const keys = Object.keys(value);
  const hint = keys.map((k) => didYouMean(k, HEADLINE_KINDS, { shortened: true })).find((h) => h !== '');
  return {
    message: `Expected ${figure}, got the keys ${
      keys.map((k) => `\`${k}\``).join(', ') || '(none)'
    }${hint ?? ''}`,
  };
};

/** A bug switch's name, refused as `--bug` refuses one (cli/scenario-config.ts), with the name it is a slip of. */
const bugName = z.string().refine(isBugName, {
  error: (issue) =>
    `Expected one of ${BUG_NAMES.join(', ')}, got ${gotText(String(issue.input))}${didYouMean(String(issue.input), BUG_NAMES, { shortened: true })}`,
});

/**
 * A variant: the same workload with some parameters changed (`set`: PATH -> value, as `--set`
 * takes them, by the same rules: applySets merges an object into the group it names and refuses
 * two paths of one parameter), run after the workload's own run by `npusim run` so its summary can set the answers
 * side by side (multi-tenant: each IOMMU policy's verdict), each judged against its `expect`.
 * `profile` runs it on another release pairing (profiles.ts, as `--profile` does), so a workload
 * can declare what the shipped machine finds beside what the fixed one does; absent, the variant
 * runs on the command's profile, as the workload's own run does. `bugs` switches bugs on in it
 * (bugs.ts, as `--bug` does, besides the command's own), so a workload can set the fixed machine's
 * answer beside the bug's (flush-race: two flushes, then `single-flush`).
 */
export const variantSchema = strictFields('a field of a variant', {
  name: kebabName,
  description: textLine.optional(),
  // A key `__proto__` (JSON.parse makes it an own key) is skipped by zod's record, and the variant
  // set nothing without a word (QA): refused, as `--set __proto__` is (param-path.ts).
  set: z
    .preprocess(
      (v, ctx) => {
        if (v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__'))
          ctx.addIssue({
            code: 'custom',
            path: ['__proto__'],
            message: 'Expected a parameter, got unknown key `__proto__`',
          });
        return v;
      },
      z.record(z.string().min(1), z.unknown()),
    )
    .default({}),
  profile: z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]).optional(),
  // Each once and none its profile carries: checked with the workload (validateWorkload), where
  // the message can name the first place the switch is given.
  bugs: z.array(bugName).default([]),
  expect: expectationSchema.default('clean'),
});
export type Variant = z.infer<typeof variantSchema>;
/**
 * A variant as a workload writes it (`set` and `expect` optional): Variant is the validated form,
 * so a user's `const variants: Variant[]` without `expect` was refused by tsc and ran (QA Q23).
 */
export type VariantInput = z.input<typeof variantSchema>;

const exposureSchema = strictFields('a field of an exposure', {
  bug: z.enum(BUG_NAMES as [BugName, ...BugName[]]),
  rules: z.array(ruleName).min(1),
});

/** A workload as a file declares it (workloads/*.ts, or a user's .ts, .js or .json file, or .mts, .cts, .mjs, .cjs). */
export const workloadDefinitionSchema = strictFields(
  'a workload field',
  {
    name: kebabName,
    description: textLine,
    /** The question the workload answers: the first line of its summary. */
    question: textLine.optional(),
    /** The name of the workload's own run in its table of variants (default `as declared`). */
    label: textLine.optional(),
    /** What the workload's own run should find (default clean). */
    expect: expectationSchema.default('clean'),
    /** Bug switches this workload is built to catch, and the rules each trips (`npusim list`). */
    exposes: z.array(exposureSchema).optional(),
    /** The figures that answer the question, printed first in the summary. */
    headline: z.array(headlineItemSchema).default([]),
    /** The premises its answer rests on (premises.ts), printed under the answer as `rests on:`. */
    premises: z.array(z.enum(PREMISE_NAMES as [PremiseName, ...PremiseName[]])).optional(),
    variants: z.array(variantSchema).default([]),
    // Checked by paramsIssues once the rest passes; left out, zod's word for it was `Expected a
    // value`, which says nothing of what the field holds (QA Q2).
    params: z.unknown().nonoptional({
      error:
        'Expected the workload\'s parameters, an object with at least `tenants`, such as {"tenants": [{"name": "vm1", "lpid": 1, "groups": "all"}]} (README.md "Your own workloads and topologies"), got nothing (the field is missing)',
    }),
  },
  COMMAND_KEYS,
);

export interface Workload {
  name: string;
  description: string;
  question?: string;
  label?: string;
  expect: Expectation;
  /** What a clean run of this workload should find: 'clean', or rule names a bug switch trips. */
  exposes?: { bug: BugName; rules: RuleName[] }[];
  headline: HeadlineItem[];
  premises?: PremiseName[];
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
  headline?: HeadlineItemInput[];
  premises?: PremiseName[];
  variants?: VariantInput[];
  params: WorkloadInput;
}

/** Declare a workload; its parameters are validated now, so a bad file fails at load with the field. */
export function defineWorkload(def: WorkloadDefinition): Workload {
  // Errors are laid under the workload's name, unless the name is what is wrong: then under
  // `workload` (a file's loader puts the file there: `w.ts: name: Expected a kebab-case name`, not
  // `w.ts: my_load: name:`).
  const name = typeof def?.name === 'string' && WORKLOAD_NAME.test(def.name) ? def.name : 'workload';
  return validateWorkload(def, name);
}

/**
 * Headline items after the first with its label, each at `headline[i].label`: the summary's table
 * of variants and `npusim compare` key a run's figures by label (report/summary-answer.ts,
 * report/compare-results.ts), so of two with one label, one figure was dropped without a word.
 */
function headlineLabelIssues(headline: readonly HeadlineItem[]): { field: string; message: string }[] {
  return headline.flatMap((item, i) => {
    const first = headline.findIndex((o) => o.label === item.label);
    return first === i
      ? []
      : [
          {
            field: `headline[${i}].label`,
            message: `Expected a label no other headline item has, got ${gotText(item.label)}: headline[${first}] has it too`,
          },
        ];
  });
}

/**
 * A `param` item whose index is past the end of its list in every run the workload declares (its
 * own and each variant's: `runs`), each at `headline[i].param` (headline-params.ts).
 */
function headlineIndexIssues(
  headline: readonly HeadlineItem[],
  runs: readonly WorkloadParams[],
): { field: string; message: string }[] {
  return headline.flatMap((item, i) => {
    // Only a path that names a parameter has indices to check (headlineParamIssues says the rest).
    const problem =
      'param' in item && paramPathProblem(item.param) === undefined
        ? paramIndexProblem(item.param, runs)
        : undefined;
    return problem === undefined ? [] : [{ field: `headline[${i}].param`, message: problem }];
  });
}

/** A `param` item's path that names no parameter, each at `at[i].param` (the schema took its shape). */
function headlineParamIssues(
  headline: readonly HeadlineItem[],
  at: string,
): { field: string; message: string }[] {
  return headline.flatMap((item, i) => {
    const problem = 'param' in item ? paramPathProblem(item.param) : undefined;
    return problem === undefined ? [] : [{ field: `${at}[${i}].param`, message: problem }];
  });
}

/**
 * Check a headline list as validateWorkload checks a workload's, and fill in its defaults, for a
 * caller that holds one apart from any workload (the package's `evaluateHeadline`): a mistake is a
 * ConfigError at `where[i].field`, all of them said together.
 */
export function validateHeadline(items: unknown, where = 'headline'): HeadlineItem[] {
  // Checked as a workload's `headline` field, so that an item that fits no kind is judged as the
  // kind whose key it has (headlineKind), then named at `where`.
  const schema = z.object({ headline: z.array(headlineItemSchema) });
  const input = { headline: items };
  const r = schema.safeParse(input);
  const refuse = (issues: { field: string; message: string }[]): never => {
    throw new ConfigError(
      issues[0]!.field,
      issuesMessage(issues, (f) => f),
    );
  };
  if (!r.success) {
    const at = (field: string) => where + field.slice('headline'.length);
    return refuse(allIssues(r.error, input, schema, headlineKind).map((i) => ({ ...i, field: at(i.field) })));
  }
  const issues = headlineParamIssues(r.data.headline, where);
  if (issues.length > 0) refuse(issues);
  return r.data.headline;
}

/**
 * Check a workload definition (from defineWorkload, or a user's file read as data) and fill in
 * every default. `where` prefixes every error's field: `my.json: params.gpu.dmaBytes`; a library
 * caller who leaves it out reads `workload: ...`, not `undefined: ...` (QA Q9).
 */
export function validateWorkload(def: unknown, where = 'workload'): Workload {
  // Exported to library users: a `where` that is no string was used as text, so
  // `validateWorkload({}, {})` named its field `[object Object]: name` (QA). Refused as parseParams
  // refuses its own.
  if (typeof where !== 'string')
    throw new ConfigError(
      'where',
      `Expected the name its errors give the workload (a string such as 'workload'), got ${shown(where)}`,
    );
  const r = workloadDefinitionSchema.safeParse(def);
  if (!r.success) {
    // The parameters are checked apart from the schema (it takes them as they come), so their
    // mistakes are said beside the schema's, in the file's order (QA: a headline's slip hid every
    // mistake in `params`). A variant's `set` waits for both: it is judged by the parameters.
    refuseInFileOrder(
      [...allIssues(r.error, def, workloadDefinitionSchema, headlineKind), ...rawParamsIssues(def)],
      def,
      where,
    );
  }
  const d = r.data;
  // The checks after the schema, each apart from the others, their mistakes refused together in
  // the file's order, each at its whole field.
  const issues = [...headlineLabelIssues(d.headline), ...headlineParamIssues(d.headline, 'headline')];
  const p = paramsIssues(d.params);
  // The parameters of each run the workload declares, its own and each variant's, for the
  // headline's indices; none while a variant's set is refused (it may be the one that lengthens).
  let runs: WorkloadParams[] | undefined = p.params === undefined ? undefined : [p.params];
  for (const issue of p.issues) {
    issues.push({ field: subField('params', issue.field), message: issue.message });
  }
  d.variants.forEach((v, i) => {
    const at = `variants[${i}]`;
    const first = d.variants.findIndex((o) => o.name === v.name);
    if (first !== i)
      issues.push({
        field: `${at}.name`,
        message: `Expected a variant name no other variant has, got ${gotText(v.name)}: variants[${first}] has it too`,
      });
    v.bugs.forEach((bug, j) => {
      const once = v.bugs.indexOf(bug);
      if (once !== j)
        issues.push({
          field: `${at}.bugs[${j}]`,
          message: `Expected each bug switch once, got ${gotText(bug)} again (bugs[${once}] has it)`,
        });
    });
    // The variant's own profile already switches it on: one machine, named two ways, with two
    // digests (carried-bugs.ts), as `--profile P --bug B` is refused.
    if (v.profile !== undefined)
      for (const bug of carriedBugs(v.bugs, v.profile))
        issues.push({
          field: `${at}.bugs[${(v.bugs as string[]).indexOf(bug)}]`,
          message: carriedBugMessage(bug, `its profile ${v.profile}`),
        });
    // A variant's set is judged against the parameters it changes: none to judge it by while
    // those are refused.
    if (p.params !== undefined) {
      const s = setsIssues(p.params, v.set, (path) => `${at}.set.${path}`, true);
      issues.push(...s.issues);
      if (s.params === undefined) runs = undefined;
      else runs?.push(s.params);
    }
  });
  if (runs !== undefined) issues.push(...headlineIndexIssues(d.headline, runs));
  if (issues.length > 0) refuseInFileOrder(issues, def, where);
  const params = p.params!;
  return {
    name: d.name,
    description: d.description,
    ...(d.question === undefined ? {} : { question: d.question }),
    ...(d.label === undefined ? {} : { label: d.label }),
    expect: d.expect as Expectation,
    ...(d.exposes === undefined ? {} : { exposes: d.exposes as Workload['exposes'] }),
    headline: d.headline,
    ...(d.premises === undefined ? {} : { premises: d.premises }),
    variants: d.variants as Variant[],
    params,
  };
}

/**
 * Refuse a definition with `issues` (fields of the definition) in the order its file has them
 * (core/field-order.ts), not pass by pass, each field under `where` (`w.json: params.gpu.dmaBytes`).
 */
function refuseInFileOrder(issues: { field: string; message: string }[], def: unknown, where: string): never {
  const ordered = inFieldOrder(issues, def);
  const at = (field: string) => joinField(where, field);
  throw new ConfigError(at(ordered[0]!.field), issuesMessage(ordered, at));
}

/** The mistakes in a definition's `params`, as fields of the definition (`params.gpu.dmaBytes`). */
function rawParamsIssues(def: unknown): { field: string; message: string }[] {
  if (!isRecord(def) || def.params === undefined) return [];
  return paramsIssues(def.params).issues.map((i) => ({
    field: subField('params', i.field),
    message: i.message,
  }));
}
