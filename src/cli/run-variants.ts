/**
 * A workload's variants (its `variants`, workload.ts), run after the workload's own run, one by
 * one with the same seed and options on the same host (one that names a profile on it, which the
 * headers over them say: report/variants-alike.ts), so the summary sets their answers side by
 * side. Each is judged against its `expect`: a variant that finds what it expects does not fail
 * the command; one that finds something it did not expect writes its own failure file, and its
 * exit code counts when it is worse than the workload's own run's; one stopped by Ctrl-C makes
 * the command's exit 130. The threaded ones run on the threads the run before left (the
 * command's WorkerSet).
 */

import { countText } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { EXIT, worseExit } from '../core/exit-codes.js';
import { shellWord } from '../core/shell-word.js';
import { runProcesses } from '../model/actors/run-processes.js';
import { carriedBugs } from '../model/scenario/carried-bugs.js';
import { matchedVariant, overridesText } from '../model/scenario/matched-variant.js';
import { parseParamPath, valueAtPath } from '../model/scenario/param-path.js';
import { configPolicyWarning } from '../model/scenario/profile-policy.js';
import type { ProfileName } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { sameJson } from '../model/scenario/same-json.js';
import { declaredBugs } from '../model/scenario/variant-bugs.js';
import type { Variant, Workload } from '../model/scenario/workload.js';
import { applySets } from '../model/scenario/workload-params.js';
import { failedRunResult } from '../report/assemble-result.js';
import { describedResult } from '../report/described-result.js';
import { judgeExpectation } from '../report/headline.js';
import { type RunResult, type VariantResult, violationTotal } from '../report/run-result.js';
import { variantSetText } from '../report/variant-set-text.js';
import { pctLine, preparePct } from '../repro/pct-setup.js';
import type { FreeLog } from '../runtime/free/free-log.js';
import { placementName } from '../runtime/placement.js';
import type { WorkerSet } from '../runtime/worker-set.js';
import type { RunArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { writeFailureFile } from './failure-output.js';
import { askedHost, hostRun } from './host-run.js';
import type { Interrupt } from './interrupt.js';
import { runFailureOf } from './run-outcome.js';
import {
  commandLineBugs,
  commandLineOverrides,
  commandLineProfile,
  scenarioConfig,
  variantOverrides,
} from './scenario-config.js';

/** A variant to run after the workload's own run, with its configuration, checked. */
export interface PlannedVariant {
  variant: Variant;
  config: RunConfig;
}

/**
 * The variant the command's options make the workload's own run: its parameters are exactly that
 * variant's, so the run is presented and judged as it, and the variant is not run again. `by`: the
 * options that did it, as typed (`--policy per-gpu`).
 */
export interface SameAsVariant {
  variant: Variant;
  by: string;
}

/** The variants to run after the workload's own run, and the one that run already is, if any. */
export interface VariantPlan {
  planned: PlannedVariant[];
  sameAs: SameAsVariant | undefined;
}

/**
 * The variants' configurations, built (and so checked against the machine) before the workload's
 * own run starts, so a variant the options make impossible is refused before anything runs: same
 * seed and options, the variant's `set` applied before the user's `--set` (scenario-config.ts). A
 * variant one of the options would override (`--policy` for a variant that sets the policy) is
 * not run, with a line saying so: it would be the workload's own run again under the variant's
 * name, judged by what the variant expects. The variant the options make the own run
 * (model/scenario/matched-variant.ts, which the library's runWorkload asks too: `--policy per-gpu`
 * for a variant that sets only that) is not run either: the own run is that variant, and is
 * judged by what it expects, whether it ends, crashes or stalls.
 */
export function planVariants(
  workload: Workload,
  args: RunArgs,
  own: RunConfig,
  file: string | undefined,
  io: CliIo,
): VariantPlan {
  const planned: PlannedVariant[] = [];
  const match = matchedVariant(
    workload,
    commandLineOverrides(args),
    commandLineProfile(args),
    commandLineBugs(args),
  );
  const sameAs = match === undefined ? undefined : { variant: match.variant, by: overridesText(match.by) };
  for (const v of workload.variants) {
    const over = variantOverrides(workload, v, args);
    if (over.length > 0) {
      const params = over.filter((o) => o.path !== 'profile');
      const profile = over.find((o) => o.path === 'profile');
      const what = [
        ...(profile === undefined ? [] : [`runs profile ${v.profile} (${profile.by} gives another)`]),
        ...(params.length === 0
          ? []
          : [`sets ${params.map((o) => `\`${o.path}\` (given by ${o.by})`).join(', ')} to another value`]),
      ].join(' and ');
      io.stderr.write(
        sayText(
          `variant ${v.name} not run: it ${what} (\`--variant ${v.name}\` runs it alone, without those options)`,
        ),
      );
      continue;
    }
    const twin = profileTwin(workload, v, args.profile);
    if (twin !== undefined) {
      io.stderr.write(
        sayText(
          `variant ${v.name} not run: on --profile ${args.profile} it is variant ${twin.name} (the same parameters), which runs, judged by what it expects`,
        ),
      );
      continue;
    }
    if (v === sameAs?.variant) {
      io.stderr.write(
        sayText(
          `variant ${v.name} not run: ${sameAs.by} makes this run that variant (the same parameters${sameAs.variant.bugs.length > 0 ? ' and bug switches' : ''}), judged by what it expects`,
        ),
      );
      continue;
    }
    // A variant whose own switches the command's --profile carries, all of them, and whose `set`
    // changes nothing: its run is this run (variant-bugs.ts leaves carried switches out), which
    // the table showed twice, labelled as if it switched them, with two failure files (QA).
    const ownCarried = args.profile === undefined ? [] : carriedBugs(v.bugs, args.profile as ProfileName);
    if (
      v.profile === undefined &&
      v.bugs.length > 0 &&
      ownCarried.length === v.bugs.length &&
      sameJson(
        applySets(workload.params, v.set, (path) => path),
        applySets(workload.params, {}, (path) => path),
      )
    ) {
      io.stderr.write(
        sayText(
          `variant ${v.name} not run: --profile ${args.profile} already carries its ${ownCarried.map((bug) => `--bug ${bug}`).join(', ')}, so it is this run (the same machine)`,
        ),
      );
      continue;
    }
    // A --bug the variant's profile already carries: the variant's machine has it, and its run
    // leaves the name out (one machine, one digest; `--variant` with it is refused), said here.
    const carried = v.profile === undefined ? [] : carriedBugs(args.bugs, v.profile);
    if (carried.length > 0) {
      io.stderr.write(
        sayText(
          `variant ${v.name} runs without ${carried.map((bug) => `--bug ${bug}`).join(', ')}: its profile ${v.profile} already carries ${carried.length === 1 ? 'it' : 'them'} (the same machine; its reproduce line leaves ${carried.length === 1 ? 'it' : 'them'} out)`,
        ),
      );
    }
    const bugs = args.bugs.filter((bug) => !carried.includes(bug));
    let config: RunConfig;
    try {
      config = scenarioConfig(workload, { ...args, variant: v.name, bugs }, own.seed, file);
    } catch (e) {
      // The workload's own run would have been fine: say that it is the variant that cannot run,
      // and what of it, after the place as every error of a file names it first (QA: the variant
      // led, and the place named the tenant, not the variant's set that changed the topology).
      if (!(e instanceof ConfigError)) throw e;
      const what = e.field === '' ? e.message : e.message.slice(e.field.length + 2);
      const sets = [v.profile === undefined ? '' : `profile ${v.profile}`, variantSetText(v.set, v.bugs)]
        .filter((x) => x !== '')
        .join(' ');
      throw new ConfigError(
        e.field,
        `${what} (in variant ${v.name} of ${workload.name}, with ${sets || 'nothing set'}: the workload's own run is fine)`,
      );
    }
    planned.push({ variant: v, config });
  }
  return { planned, sameAs };
}

/**
 * The variant that names `profile` (the command's `--profile`) and has the same parameters as `v`,
 * a variant that names none: on that profile the two are one run, which the workload declared
 * what to expect of for that profile (tce-storm's `page-kills` under `--profile as-shipped` is
 * `page-kills-as-shipped`). Without it the table showed the one run twice, judged two ways.
 */
function profileTwin(workload: Workload, v: Variant, profile: string | undefined): Variant | undefined {
  if (profile === undefined || v.profile !== undefined) return undefined;
  const params = (x: Variant) => applySets(workload.params, x.set, (path) => path);
  // The same switches too: one that switches a bug on is another machine (variant-bugs.ts).
  const bugs = (x: Variant) => [...x.bugs].sort();
  return workload.variants.find(
    (w) => w.profile === profile && sameJson(params(w), params(v)) && sameJson(bugs(w), bugs(v)),
  );
}

/**
 * The workload's own values of the parameters the options change (`--duration` aside: a run's
 * length is not what its expectation is declared for), as `policy per-socket`; empty when they
 * change nothing. A run whose options change them is judged by an expectation declared for those
 * values, and its label says so (run-command.ts). A value too long to read in a label is named
 * alone (`its own tenants`).
 */
export function declaredValues(workload: Workload, args: RunArgs): string[] {
  const out: string[] = [];
  for (const o of commandLineOverrides(args)) {
    if (o.path === 'durationTicks') continue;
    try {
      const keys = parseParamPath(o.path, o.by);
      const own = valueAtPath(
        applySets(workload.params, {}, (path) => path),
        keys,
      );
      const asRun = valueAtPath(
        applySets(workload.params, { [o.path]: o.value }, (path) => path),
        keys,
      );
      if (sameJson(own, asRun)) continue;
      const text = typeof own === 'string' ? own : JSON.stringify(own);
      out.push(text === undefined || text.length > 40 ? `its own ${o.path}` : `${o.path} ${text}`);
    } catch (e) {
      // A value that does not apply was refused before the run; nothing to say here.
      if (!(e instanceof ConfigError)) throw e;
    }
  }
  return out;
}

/**
 * Each planned variant after the workload's own run. Returns their results and the worst exit code
 * of those that found what they did not expect (0 when none did), or 130 when Ctrl-C stopped one
 * (the variants after it are not run).
 */
export async function runVariants(
  workload: Workload,
  variants: readonly PlannedVariant[],
  args: RunArgs,
  io: CliIo,
  workers: WorkerSet,
  /** The command's signals (interrupt.ts): each variant's run is tracked in turn. */
  interrupt: Interrupt,
): Promise<{ results: VariantResult[]; worstUnexpected: number; files: Map<string, string> }> {
  const machine = await import('../model/actors/machine.js');
  const results: VariantResult[] = [];
  // Each unmet variant's failure file, by name: its stderr line replays it (run-command.ts).
  const files = new Map<string, string>();
  let worst: number = EXIT.clean;
  for (const [i, { variant: v, config: planned }] of variants.entries()) {
    // Ctrl-C after the run before this one ended (or while its outputs were written): the rest do
    // not start (README: "Ctrl-C during a variant stops it, skips the rest and exits 130").
    if (interrupt.stopped) {
      worst = worseExit(worst, EXIT.interrupted);
      io.stderr.write(
        sayText(
          `interrupted before variant ${v.name}: the ${countText(variants.length - i, 'variant')} from it did not run (exit 130)`,
        ),
      );
      break;
    }
    let config = planned;
    // In 100 columns, a continuation under `variant` (firmware-update's ran to 124).
    const starting = `variant ${i + 1} of ${variants.length}, ${v.name}${v.description === undefined ? '' : `: ${v.description}`}`;
    io.stderr.write(sayText(starting));
    // A variant may run a policy its profile's releases never formed, on its own profile
    // (guest-atsd's as-shipped, per-GPU groups) or the command's (`multi-tenant --profile
    // as-shipped`: per-gpu): said as for the own run (run-command.ts), and as `--variant NAME` alone
    // says it (QA: only a variant naming a profile was warned of, on stderr alone).
    const policyWarning = configPolicyWarning(planned);
    if (policyWarning !== undefined) io.stderr.write(sayText(`warning: variant ${v.name}: ${policyWarning}`));
    if (args.strategy === 'pct') {
      // The same strategy as the workload's own run, measured on this variant's own run: its
      // parameters differ, and so do its agents and scheduling steps.
      const pct = await preparePct(config, args.pctDepth, (c) =>
        hostRun({ args, io, interrupt, workers }, c, 'inline', {
          label: `variant ${v.name} PCT measuring run`,
          showFindings: false,
        }),
      );
      if (pct === undefined) {
        // Ctrl-C before this variant's own run began: nothing of it to report.
        worst = worseExit(worst, EXIT.interrupted);
        const left = variants.length - i - 1;
        io.stderr.write(
          sayText(
            `variant ${v.name} interrupted during its PCT measuring run, before its run began${left > 0 ? `; the ${countText(left, 'variant')} after it did not run` : ''} (exit 130)`,
          ),
        );
        break;
      }
      config = { ...config, strategy: pct.strategy };
      io.stderr.write(sayText(`variant ${v.name}: ${pctLine(pct)}`));
    }
    const plan = machine.planMachine(config);
    let result: RunResult;
    let freeLog: FreeLog | undefined;
    const started = performance.now();
    try {
      const raw = await hostRun({ args, io, interrupt, workers }, config, askedHost(args), {
        label: `variant ${v.name}`,
      });
      freeLog = raw.free?.log;
      result = describedResult(config, plan, raw, workload);
    } catch (error) {
      const failure = runFailureOf(error);
      if (failure === undefined) throw error;
      result = failedRunResult(
        config,
        plan,
        askedHost(args),
        failure,
        performance.now() - started,
        args.free?.windowTicks,
        args.placement === undefined ? undefined : placementName(args.placement),
      );
    }
    const expectation = judgeExpectation(
      v.expect,
      result,
      workload.exposes ?? [],
      runProcesses(result.config),
      declaredBugs(v),
    );
    const entry = variantResult(v, result, expectation, restatesOwn(workload, v));
    results.push(entry);
    if (result.status === 'interrupted') {
      // Ctrl-C stopped this variant: the command is interrupted (exit 130), as a stopped run is.
      // What it found by then that it did not expect keeps its file, as the workload's own run's.
      // (A stopped run never meets its expectation: judged here by the rules it found.)
      const expected = v.expect === 'clean' ? [] : (v.expect as readonly string[]);
      if (Object.keys(expectation.found).some((rule) => !expected.includes(rule)))
        replayedBy(entry, writeFailureFile(result, config, workload, args.failuresDir, io, freeLog), freeLog);
      worst = worseExit(worst, EXIT.interrupted);
      const left = variants.length - i - 1;
      io.stderr.write(
        sayText(
          `variant ${v.name} interrupted${left > 0 ? `; the ${countText(left, 'variant')} after it did not run` : ''} (exit 130)`,
        ),
      );
      break;
    }
    if (!expectation.met && result.exitCode !== EXIT.clean) {
      // Found what it did not expect: a finding like any run's, with its own failure file.
      worst = worseExit(worst, result.exitCode);
      const file = writeFailureFile(result, config, workload, args.failuresDir, io, freeLog);
      if (file !== undefined) files.set(v.name, file);
      replayedBy(entry, file, freeLog);
    }
  }
  return { results, worstUnexpected: worst, files };
}

/**
 * A free variant replays only from the failure file it left: that file becomes its reproduce line,
 * as the workload's own run's does (run-command.ts writeRunFiles). Its own free command races anew
 * (QA: a failing free variant was given it under `reproduce:`).
 */
function replayedBy(entry: VariantResult, file: string | undefined, freeLog: FreeLog | undefined): void {
  entry.failureFile = file ?? null;
  if (freeLog !== undefined && file !== undefined) entry.reproduce = `npusim replay ${shellWord(file)}`;
}

/**
 * Whether a variant's `set` gives each parameter it names the workload's own value, on the
 * command's profile: the workload's own run again, as one that sets nothing is (a control run),
 * and said so where its set is listed (QA: it ran as if it changed something, without a word).
 */
function restatesOwn(workload: Workload, v: Variant): boolean {
  if (v.profile !== undefined || v.bugs.length > 0 || Object.keys(v.set).length === 0) return false;
  return sameJson(
    applySets(workload.params, v.set, (path) => path),
    workload.params,
  );
}

/** One variant's line in its workload's result. */
function variantResult(
  v: Variant,
  result: RunResult,
  expectation: VariantResult['expectation'],
  restates: boolean,
): VariantResult {
  return {
    name: v.name,
    ...(v.description === undefined ? {} : { description: v.description }),
    set: v.set,
    ...(restates ? { restatesOwn: true } : {}),
    ...(v.bugs.length === 0 ? {} : { bugs: [...v.bugs] }),
    ...(v.profile === undefined ? {} : { profile: v.profile }),
    ...(result.policyNotInProfile === undefined ? {} : { policyNotInProfile: result.policyNotInProfile }),
    status: result.status,
    exitCode: result.exitCode,
    digest: result.digest,
    violationTotal: violationTotal(result),
    expectation,
    headline: result.headline ?? [],
    reproduce: result.reproduce,
    failureFile: null,
    simulatedTicks: result.simulatedTicks,
    wallMs: result.wallMs,
    engine: result.engine,
  };
}
