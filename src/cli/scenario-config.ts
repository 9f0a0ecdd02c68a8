/**
 * A run's configuration from the command line: the workload by name or file, then every option that
 * changes what the run does (variant, --set, duration, topology, policy, bugs, profile,
 * stop-on-first), each checked against the real lists so the error can list the valid names. `run`
 * and `sweep` build theirs here.
 *
 * Parameters are layered, each layer validated by the workload schema: the workload's own, then
 * the variant's `set` (--variant), then each `--set` in order, then --topology, --policy and
 * --duration. A parameter may not be given both by `--set` and by its own option. The result is
 * then checked against the machine (the world is built), and an error about a parameter names the
 * layer it came from: `my.json: params.tenants[0].groups`, `--set topology`, `--policy`.
 */

import { readFileSync, statSync } from 'node:fs';
import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { issuesMessage } from '../core/issues-message.js';
import { placedInJsonFile } from '../core/json-place.js';
import { codeText, gotText } from '../core/shown-text.js';
import { worldOf } from '../model/actors/machine.js';
import { BUG_NAMES, isBugName } from '../model/scenario/bugs.js';
import { carriedBugMessage, carriedBugs } from '../model/scenario/carried-bugs.js';
import { PROFILES, type ProfileName } from '../model/scenario/profiles.js';
import { OPTION_OF_PARAM, type ParamWithOption, type RunConfig } from '../model/scenario/run-config.js';
import { fieldWithin, joinField, subField } from '../model/scenario/schema-issues.js';
import { variantRunBugs } from '../model/scenario/variant-bugs.js';
import { variantNamed } from '../model/scenario/variant-named.js';
import {
  variantOverrides as overridesOfVariant,
  type ParamOverride,
  profileOverride,
} from '../model/scenario/variant-overrides.js';
import type { Variant, Workload } from '../model/scenario/workload.js';
import {
  applySets,
  deepestSet,
  detailUnder,
  fieldBelow,
  parseParams,
  setsIssues,
  workloadParamsSchema,
} from '../model/scenario/workload-params.js';
import { isWorkloadPath, loadWorkloadFile } from '../runtime/workload-file.js';
import type { ScenarioArgs } from './cli-args.js';
import { checkPolicy, loadTopologyOption } from './topology-option.js';

/** A workload by name from the registry, or from the user's file when the argument is a path. */
export async function resolveWorkload(
  arg: string,
  workloads: ReadonlyMap<string, Workload>,
): Promise<{ workload: Workload; file: string | undefined }> {
  // A built-in's name is the built-in, even beside a file of that name (README "Options").
  if (!workloads.has(arg) && isWorkloadPath(arg)) return { workload: await loadWorkloadFile(arg), file: arg };
  return { workload: findWorkload(arg, workloads), file: undefined };
}

export function findWorkload(name: string, workloads: ReadonlyMap<string, Workload>): Workload {
  const workload = workloads.get(name);
  if (workload === undefined) {
    throw new ConfigError(
      'workload',
      `Expected a built-in workload (${[...workloads.keys()].join(', ')}) or a path to an existing workload file (.ts, .js, .json), got ${gotText(name)}: no workload has that name and no such file exists${didYouMean(name, [...workloads.keys()])}`,
    );
  }
  return workload;
}

/** A parameter that has an option of its own, and whether the command line gave that option. */
function optionOf(param: string, args: ScenarioArgs): string | undefined {
  if (!Object.hasOwn(OPTION_OF_PARAM, param)) return undefined;
  // ScenarioArgs names each such option's value after its parameter.
  return args[param as ParamWithOption] === undefined ? undefined : OPTION_OF_PARAM[param as ParamWithOption];
}

export function scenarioConfig(
  workload: Workload,
  args: ScenarioArgs,
  seed: number,
  workloadFile?: string,
): RunConfig {
  checkBugsAndProfile(workload, args);
  let params = workload.params;
  let variantProfile: ProfileName | undefined;
  if (args.variant !== undefined) {
    params = withVariant(workload, args.variant, params);
    const variant = workload.variants.find((v) => v.name === args.variant)!;
    variantProfile = variant.profile;
    // Every option that overrides the variant, each on its own line: dropping one to see the next refused would take a run each.
    const over = variantOverrides(workload, variant, args);
    if (over.length > 0) {
      const issues = over.map((o) => ({
        field: o.by,
        message:
          `Expected no ${o.by} with --variant ${args.variant}, which ${o.path === 'profile' ? `runs profile ${variant.profile}` : `sets \`${o.path}\` to another value`} ` +
          `(the run would not be the variant it names, nor be judged by what it expects), got both`,
      }));
      throw new ConfigError(
        issues[0]!.field,
        issuesMessage(issues, (field) => field),
      );
    }
  }
  if (args.set.length > 0) params = withSets(args, params);
  const custom = args.topology === undefined ? undefined : loadTopologyOption(args.topology, '--topology');
  if (args.policy !== undefined) checkPolicy(args.policy, '--policy');
  // The variant's profile, unless --profile gives the same one (another was refused above).
  const profile = (args.profile as ProfileName | undefined) ?? variantProfile;
  const origin = { workload, args, file: workloadFile };
  params = inTermsOf(origin, () =>
    parseParams(
      {
        ...params,
        ...(args.topology === undefined ? {} : { topology: custom?.spec.name ?? args.topology }),
        ...(args.policy === undefined ? {} : { policy: args.policy }),
        ...(args.durationTicks === undefined ? {} : { durationTicks: args.durationTicks }),
      },
      '',
    ),
  );
  const config: RunConfig = {
    workload: workload.name,
    ...(workloadFile === undefined ? {} : { workloadFile }),
    ...(args.variant === undefined ? {} : { variant: args.variant }),
    ...(args.set.length === 0 ? {} : { set: args.set.map((s) => ({ path: s.path, value: s.value })) }),
    seed,
    // None the profile carries: refused above (checkBugsAndProfile), and left out, with a line
    // saying so, of a variant run after the own run (run-variants.ts).
    // The variant's own switches after them (variant-bugs.ts).
    bugs: variantRunBugs(
      [...new Set(args.bugs)].filter(isBugName),
      args.variant === undefined ? undefined : workload.variants.find((v) => v.name === args.variant),
      profile,
    ),
    params,
    ...(profile === undefined ? {} : { profile }),
    ...(args.stopOnFirst ? { stopOnFirst: true } : {}),
    ...(custom === undefined ? {} : { customTopology: custom }),
  };
  // Building the world checks the parameters against the machine (a preset that exists, enough
  // IOMMU groups, pages at start the world can build in seconds, host RAM for them): here, so its errors name where each parameter came
  // from, before anything runs. The world is kept for this config (machine.ts), not built twice.
  inTermsOf(origin, () => worldOf(config));
  return config;
}

/** Where a run's parameters came from: the workload (a file, or built in) and the options. */
interface ParamOrigin {
  workload: Workload;
  args: ScenarioArgs;
  file: string | undefined;
}

/**
 * `f()`, with a ConfigError about a parameter (its field a path in the parameters, as the world
 * builder gives it: `tenants[0].groups`) named where that parameter came from: its own option
 * (`--topology`), the deepest `--set` that reached it, the variant's `set`, or else the workload
 * (`my.json: params.tenants[0].groups`). Any other error passes as it is.
 */
function inTermsOf<T>(origin: ParamOrigin, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = e.field;
    const key = field.split(/[.[]/)[0]!;
    if (!Object.hasOwn(workloadParamsSchema.shape, key)) throw e;
    const detail = e.message.slice(field.length + 2);
    throw inJsonFile(origin.file, new ConfigError(...placeOf(origin, field, detail)));
  }
}

/**
 * `error`, when it names a field of the JSON workload file `file`, at that field's line and column
 * (`my.json:19:9: params.tenants[0].pagesPerProcess`: json-place.ts), as the load placed the
 * schema's refusals. The file is read again (the load keeps no text): one that cannot be read now,
 * or no longer holds the field, leaves the error as it is.
 */
function inJsonFile(file: string | undefined, error: ConfigError): ConfigError {
  if (file === undefined || !file.toLowerCase().endsWith('.json') || !error.field.startsWith(`${file}: `))
    return error;
  let text: string;
  try {
    // A regular file only: a pipe or FIFO read once at the load has nothing more to give, and a
    // read of one would wait (the load's bounded read is over).
    if (!statSync(file).isFile()) return error;
    text = readFileSync(file, 'utf8');
  } catch {
    return error;
  }
  return placedInJsonFile(error, file, text);
}

/** The field and message of an error about parameter `field`, at the layer that set it. */
function placeOf(origin: ParamOrigin, field: string, detail: string): [string, string] {
  const { workload, args, file } = origin;
  const option = optionOf(field, args);
  if (option !== undefined) return [option, detail];
  const set = deepestSet(
    args.set.map((s) => s.path),
    field,
  );
  if (set !== undefined) {
    // A field inside the set's value by one path (`--set tenants[0].groups`), as withSets names it.
    const at = `--set ${set.path}`;
    if (!fieldWithin(field, set.text)) return [at, detailUnder(set, field, detail)];
    return [subField(at, fieldBelow(set, field)), detail];
  }
  const where = file ?? workload.name;
  const v = args.variant === undefined ? -1 : workload.variants.findIndex((x) => x.name === args.variant);
  const variantSet = v < 0 ? undefined : deepestSet(Object.keys(workload.variants[v]!.set), field);
  if (variantSet !== undefined) {
    // In the file, one path to the field (`variants[0].set.tenants[0].groups`), as its other errors.
    const at = `${where}: variants[${v}].set.${variantSet.path}`;
    if (!fieldWithin(field, variantSet.text)) return [at, detailUnder(variantSet, field, detail)];
    return [subField(at, fieldBelow(variantSet, field)), detail];
  }
  // The workload's own value, refused beside what this run changed (a guest tenant given by
  // `--set tenants` needs more ATSD registers than the workload's `host.atsdRegisters`): the
  // message names the workload's field, so the --set paths are said too, or the user looks for the
  // mistake in a workload they never edited (QA Q15).
  const sets = args.set.map((s) => s.path);
  const beside =
    sets.length === 0
      ? ''
      : ` (the workload's own value, refused beside ${sets.map((p) => `--set ${p}`).join(', ')})`;
  return [joinField(where, subField('params', field)), `${detail}${beside}`];
}

/**
 * Every --bug and the --profile must be one of the real names, and no --bug one the run's profile
 * (`--profile`, or the `--variant`'s) already carries.
 */
function checkBugsAndProfile(workload: Workload, args: ScenarioArgs): void {
  // Each --bug and the --profile apart from the others, all refused at once (issuesMessage).
  const found: { field: string; message: string }[] = [];
  args.bugs.forEach((bug, i) => {
    const first = args.bugs.indexOf(bug);
    // As a --set path given twice is refused: a repeat is a slip (another bug meant), not a
    // setting; said once, at the second, whether the name is known or not (QA: an unknown name
    // given twice had its whole list of names said twice, the repeat named nowhere).
    if (first !== i) {
      const times = args.bugs.filter((b) => b === bug).length;
      if (args.bugs.indexOf(bug, first + 1) === i)
        found.push({
          field: '--bug',
          message: `Expected each bug switch once, got ${gotText(bug)} ${times === 2 ? 'twice' : `${times} times`}`,
        });
    } else if (!isBugName(bug))
      found.push({
        field: '--bug',
        message: `Expected one of ${BUG_NAMES.join(', ')}, got ${gotText(bug)}${listHint(bug) ?? didYouMean(bug, BUG_NAMES, { shortened: true })}`,
      });
  });
  if (args.profile !== undefined && !Object.hasOwn(PROFILES, args.profile)) {
    found.push({
      field: '--profile',
      message: `Expected one of ${Object.keys(PROFILES).join(', ')}, got ${gotText(args.profile)}${didYouMean(args.profile, Object.keys(PROFILES), { shortened: true })}`,
    });
  } else {
    // A switch the run's profile already carries, typed or its variant's (carried-bugs.ts):
    // refused as a repeated --bug is, for --variant as for --profile (it was dropped in silence).
    const variant = workload.variants.find((v) => v.name === args.variant);
    const profile = (args.profile as ProfileName | undefined) ?? variant?.profile;
    const profileText =
      args.profile !== undefined
        ? `--profile ${args.profile}`
        : `profile ${profile} of --variant ${args.variant}`;
    for (const bug of profile === undefined ? [] : carriedBugs(args.bugs, profile))
      found.push({ field: '--bug', message: carriedBugMessage(bug, profileText) });
  }
  if (found.length > 0)
    throw new ConfigError(
      found[0]!.field,
      issuesMessage(found, (field) => field),
    );
}

/** The parameters with the workload's variant `name` applied (--variant). */
function withVariant(workload: Workload, name: string, params: Workload['params']): Workload['params'] {
  const v = variantNamed(workload, name, '--variant');
  return applySets(params, v.set, (path) => `${workload.name}: variants.${v.name}.set.${path}`, true);
}

/**
 * The parameters a variant sets that the command line replaces, each with the option that does:
 * the parameter's own option (`--policy`) or a `--set` of the path or of a path above it, giving
 * it another value than the variant's. Options apply after the variant's `set`, so each of these
 * would silently make the run something else than the variant. A `--set` below the path
 * (`tenants[0].pagesPerProcess` under a variant's `tenants`) refines the variant's value, and an
 * option that restates it (a variant's reproduce line names `--policy`) changes nothing: neither
 * is an override. Parameters that do not parse are left to scenarioConfig to refuse. A
 * `--profile` other than the one the variant names overrides it too (path `profile`).
 */
export function variantOverrides(
  workload: Workload,
  v: Variant,
  args: ScenarioArgs,
): { path: string; by: string }[] {
  const profile = profileOverride(
    v,
    args.profile === undefined ? undefined : { name: args.profile, by: '--profile' },
  );
  return [
    ...(profile === undefined ? [] : [profile]),
    ...overridesOfVariant(workload.params, v, commandLineOverrides(args)),
  ];
}

/**
 * The parameters the command line gives, in the order the run applies them: every --set, then
 * the options (`--policy`, `--topology`, `--duration`), each named by what gave it.
 */
export function commandLineOverrides(args: ScenarioArgs): ParamOverride[] {
  const overrides: ParamOverride[] = args.set.map((x) => ({
    path: x.path,
    value: x.value,
    by: `--set ${x.path}`,
  }));
  for (const param of Object.keys(OPTION_OF_PARAM) as ParamWithOption[]) {
    const value = args[param];
    if (value === undefined) continue;
    overrides.push({
      path: param,
      value: param === 'topology' ? topologyName(String(value)) : value,
      by: OPTION_OF_PARAM[param],
    });
  }
  return overrides;
}

/** The profile `--profile` gives, named by it, for matchedVariant (a name it refuses matches none). */
export function commandLineProfile(args: ScenarioArgs): { name: ProfileName; by: string } | undefined {
  return args.profile === undefined || !Object.hasOwn(PROFILES, args.profile)
    ? undefined
    : { name: args.profile as ProfileName, by: '--profile' };
}

/** The `--bug` switches, named by the option, for matchedVariant (a variant's must all be among them). */
export function commandLineBugs(args: ScenarioArgs): { names: readonly string[]; by: string } {
  return { names: args.bugs, by: '--bug' };
}

/** The topology parameter `--topology VALUE` gives: a preset's name, or a file's topology name. */
function topologyName(value: string): string {
  return loadTopologyOption(value, '--topology')?.spec.name ?? value;
}

/**
 * The parameters with each --set applied; a parameter set twice, or also by its own option, is
 * refused. A path typed twice is caught here (the sets are keyed by it); two paths of one
 * parameter (`gpu` and `gpu.dmaBytes`, `tenants[0]` and `tenants.0`) by applySets, whose rule a
 * variant's `set` and runWorkload's `set` follow too, as they follow its merge of an object value.
 */
function withSets(args: ScenarioArgs, params: Workload['params']): Workload['params'] {
  // No prototype: `sets['__proto__'] = v` on a plain object sets its prototype and the set is lost
  // (QA: `--set __proto__=1` ran as if not given); here it is a key, which applySets refuses.
  const sets: Record<string, unknown> = Object.create(null);
  // Every --set's mistakes in one refusal, in the order typed: each tagged with its --set's place.
  const found: { field: string; message: string; order: number }[] = [];
  args.set.forEach((s, order) => {
    const field = `--set ${s.path}`;
    if (Object.hasOwn(sets, s.path)) {
      found.push({ field, message: `Expected each parameter set once, got ${gotText(s.path)} twice`, order });
      return;
    }
    const option = optionOf(s.path, args);
    if (option !== undefined) {
      found.push({
        field,
        message: `Expected ${codeText(s.path)} either by --set or by ${option}, got both`,
        order,
      });
      return;
    }
    sets[s.path] = s.value;
  });
  // A field inside a set's value is named by one dotted path (`--set resets.intervalTicks`), as
  // every other --set error and the same mistake in a file (`params.resets.intervalTicks`) are.
  const r = setsIssues(params, sets, (path) => `--set ${path}`, true);
  for (const issue of r.issues) {
    const order = args.set.findIndex((s) => s.path === issue.path);
    found.push({
      field: issue.field,
      message: withTextHint(issue, args),
      order: order < 0 ? args.set.length : order,
    });
  }
  if (found.length === 0 && r.params !== undefined) return r.params;
  found.sort((a, b) => a.order - b.order);
  throw new ConfigError(
    found[0]!.field,
    issuesMessage(found, (field) => field),
  );
}

/**
 * `--set tenants[0].name=123` reads 123 as JSON, a number: the schema's `Expected a string`
 * then says how to give the text instead. Only a number, a boolean or null: quoting an object or
 * a list would give its text with the quotes inside. (`--set durationTicks=20us`, a span with a
 * unit where the parameter counts ticks, is hinted by the schema's message itself,
 * model/scenario/schema-issues.ts, as in a workload file.)
 */
function withTextHint(issue: { field: string; message: string }, args: ScenarioArgs): string {
  const set = args.set.find((s) => issue.field === `--set ${s.path}`);
  const scalar = typeof set?.value === 'number' || typeof set?.value === 'boolean' || set?.value === null;
  if (set === undefined || !scalar || !/Expected a string, got /.test(issue.message)) return issue.message;
  return `${issue.message} (--set reads VALUE as JSON when it is JSON; for the text, quote it: --set '${set.path}="${JSON.stringify(set.value)}"')`;
}

/**
 * Switches given as one list (`--bug single-flush,local-npu-only`, as other tools take them): each
 * is its own `--bug` (QA: the whole list of names said, and no word of the comma).
 */
function listHint(bug: string): string | undefined {
  const parts = bug.split(/[,\s]+/).filter((p) => p !== '');
  if (parts.length < 2 || !parts.every(isBugName)) return undefined;
  return ` (one switch each: ${parts.map((p) => `--bug ${p}`).join(' ')})`;
}
