/**
 * A finished run's result as `npusim run` reports it: the raw run assembled (assemble-result.ts)
 * with its workload's question and headline on it (headline.ts), and a variant's verdict on what
 * it expects. `run`, each of its variants, and a sweep writing its seeds' results (`sweep
 * --results DIR`) share it, so a sweep's result for a seed is the one `npusim run --seed N
 * --inline --out FILE` writes, and the two compare alike (less what `run` adds when it runs a
 * workload's variants after its own run: run-command.ts).
 */

import { worldOf } from '../model/actors/machine.js';
import { crossTenantLinksUp } from '../model/actors/peer-reach.js';
import { runProcesses } from '../model/actors/run-processes.js';
import { expectationUnderBugs } from '../model/scenario/bug-expectation.js';
import { bugsWithNothingToActOn } from '../model/scenario/bug-reach.js';
import { premiseRunOf, premisesOf } from '../model/scenario/premises.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { declaredBugs, judgedBugs } from '../model/scenario/variant-bugs.js';
import type { Variant, Workload } from '../model/scenario/workload.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { assembleResult } from './assemble-result.js';
import { firmwareVoid } from './firmware-void.js';
import { evaluateHeadline, judgeExpectation } from './headline.js';
import type { RunResult } from './run-result.js';

/** The result of a run that ended, with its workload's answer. */
export function describedResult(
  config: RunConfig,
  plan: MachinePlan,
  raw: RawRun,
  workload: Workload,
): RunResult {
  return withAnswer(assembleResult(config, plan, raw), config, workload);
}

/**
 * `result` (of `config`, a run of `workload`) with its workload's answer put on it: what
 * describedResult adds, for a result assembled elsewhere (the library's runWorkload).
 */
export function withAnswer(result: RunResult, config: RunConfig, workload: Workload): RunResult {
  if (workload.question !== undefined) result.question = workload.question;
  if (workload.headline.length > 0) result.headline = evaluateHeadline(workload.headline, result);
  if (workload.premises !== undefined) {
    // The world the run was built from (cached per config: machine.ts worldOf) says which links it
    // disabled, which (b) and (d) lean on only where there was one, and which it left up between
    // tenants, where a clean run leans on no tenant aiming at another's GPU.
    const world = worldOf(config);
    const run = premiseRunOf(config, world.linkDisableMask, crossTenantLinksUp(world));
    const premises = premisesOf(workload.premises, run);
    if (premises.length > 0) result.premises = premises;
    const voided = firmwareVoid(result);
    if (voided !== undefined) {
      const { gpus, findings, allKept } = voided;
      for (const p of result.premises ?? [])
        if (voided.premises.includes(p.name))
          p.voidOn = { reason: 'firmware-updated', gpus, findings, allKept };
    }
  }
  // A switch with nothing to act on runs as without it: said in the result, not on stderr alone
  // (QA: a library caller's run under `--bug local-npu-only` came back clean with no word).
  const inert = bugsWithNothingToActOn(config.params, config.bugs, runProcesses(config));
  if (inert.length > 0) result.inertBugs = inert;
  // A variant run on its own is a run like any other (its findings set its exit code), but what
  // it was declared to find is still the answer's context: judged, shown, and kept in the result.
  // A stopped run is judged too (met: false, as a stopped variant's), and its summary says `not
  // judged (interrupted)` beside what it expected, as a variant's does: it said nothing (QA).
  return asItsVariant(result, config, workload, undefined);
}

/**
 * `result`, a run of the workload's own that its options made one of its variants
 * (model/scenario/matched-variant.ts; `by`: those options, as typed), judged by what that variant
 * expects and named for it, as `--variant NAME` alone would be: ended, stopped, crashed or
 * stalled (QA: a crashed one was left to the workload's own declaration). `npusim run` and the
 * library's runWorkload both put it on.
 */
export function asMatchedVariant(
  result: RunResult,
  variant: Variant,
  by: string,
  exposes: Workload['exposes'],
): RunResult {
  result.expectation = judgeExpectation(
    variant.expect,
    result,
    exposes ?? [],
    runProcesses(result.config),
    declaredBugs(variant),
  );
  result.label = variant.name;
  result.sameAsVariant = { name: variant.name, by };
  return result;
}

/**
 * `result` judged as the variant it is, ended or not: the one its options made it (`sameAs`:
 * asMatchedVariant), else the one it ran alone (`config.variant`, `--variant NAME`), by what that
 * variant expects; when it is none, as the workload's own run, by what the workload expects. A
 * run that ended (withAnswer) and one that crashed or stalled (cli/run-failure-report.ts) ask this
 * one function, so they are judged alike (QA: a `--variant` run that crashed carried no verdict,
 * and a crashed run of the workload's own none either).
 */
export function asItsVariant(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  sameAs: { variant: Variant; by: string } | undefined,
): RunResult {
  if (sameAs !== undefined) return asMatchedVariant(result, sameAs.variant, sameAs.by, workload.exposes);
  const variant =
    config.variant === undefined ? undefined : workload.variants.find((v) => v.name === config.variant);
  if (variant !== undefined) {
    result.expectation = judgeExpectation(
      variant.expect,
      result,
      workload.exposes ?? [],
      runProcesses(config),
      declaredBugs(variant),
    );
    // Named for it, as a run the options made that variant is (asMatchedVariant): `--variant
    // per-gpu` left `label` out where `--policy per-gpu`, the same run, had `per-gpu` (QA).
    result.label = variant.name;
  } else if (
    config.variant === undefined &&
    expectationUnderBugs(
      workload.expect,
      workload.exposes,
      { bugs: judgedBugs(config), params: config.params },
      runProcesses(config),
    ) !== 'clean'
  ) {
    // A workload whose own run is declared to find rules is judged against them with or without
    // variants (QA: `expect` was judged only beside variants, and without them said nothing). The
    // default, clean, is every run's: judged only in a table of variants (run-command.ts).
    // So is one whose --bug switch the workload exposes: expected to find that switch's rules.
    result.expectation = judgeExpectation(
      workload.expect,
      result,
      workload.exposes ?? [],
      runProcesses(config),
    );
  }
  return result;
}
