import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { FAILURE_FORMAT, npusimFileKind } from '../core/npusim-files.js';
import { parseJsonFile, withoutBom } from '../core/parse-json.js';
import { codeText, escapeControls, gotText, shownText } from '../core/shown-text.js';
import { npusimVersion, VERSION_TEXT } from '../io/version.js';
import * as machine from '../model/actors/machine.js';
import { decodeChoices, MAX_LOGGED_CHOICES } from '../model/choice/choice-log.js';
import { checkOnePerActor } from '../model/choice/per-actor-logs.js';
import { SpecIssues } from '../model/platform/spec-issues.js';
import { buildTopology } from '../model/platform/topology.js';
import { validateTopologySpec } from '../model/platform/validate-topology.js';
import { parseParamPath, valueAtPath } from '../model/scenario/param-path.js';
import type { ProfileName } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { firstIssue, pathText, subField } from '../model/scenario/schema-issues.js';
import { variantRunBugs } from '../model/scenario/variant-bugs.js';
import { variantNamed } from '../model/scenario/variant-named.js';
import type { Variant, Workload } from '../model/scenario/workload.js';
import { applySets, parseParams, setsHold } from '../model/scenario/workload-params.js';
import { formatTime } from '../report/duration.js';
import { type ChangedParam, changedParam, optionParamsDiffering } from './changed-param.js';
import {
  definitionDigest,
  endedWithoutEnd,
  FAILURE_FORMAT_VERSION,
  type FailureFile,
  fileSchema,
  isInexactInteger,
  isShrunk,
  recordedStop,
  recordsInterruptedRun,
  shown,
} from './failure-file.js';

/**
 * Parse and check a failure file's text. `where` names the file in errors. `workloads` is the
 * registry now: a workload that no longer exists or whose declared parameters changed is refused.
 * A failure of a user's workload file (`workload.file`) is checked against `fileWorkload`, that
 * file as it loads now (the caller loads it: `workloadFileOf` says which).
 */
export function readFailureFile(
  text: string,
  where: string,
  workloads: ReadonlyMap<string, Workload>,
  fileWorkload?: Workload,
): { file: FailureFile; config: RunConfig; workload: Workload } {
  const file = parseFailureFile(text, where);
  const workload = checkWorkload(file, where, workloads, fileWorkload);
  return { file, config: configOf(file, where), workload };
}

/** The file's JSON checked against the schema and this npusim's version. */
function parseFailureFile(text: string, where: string): FailureFile {
  const json = parseJsonFile(text, where, 'a JSON failure file');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(
      where,
      `Expected a failure file (a JSON object of format \`${FAILURE_FORMAT}\`), got ${shown(json)}`,
    );
  }
  checkFormatAndVersion(json as Record<string, unknown>, where);
  const r = fileSchema.safeParse(json);
  if (!r.success) {
    const { field, message } = firstIssue(r.error, json, fileSchema);
    const value = valueAtPath(json, r.error.issues[0]!.path);
    throw new ConfigError(`${where}: ${field === '' ? '(file)' : field}`, withWhatArrived(message, value));
  }
  const file = r.data;
  checkExitClass(file, where);
  checkHost(file, where);
  checkTakeLogsText(file, where);
  return file;
}

/**
 * The format, its version and the npusim version, checked before the fields: a file from another
 * npusim (which may have other fields) is refused for what it is, not for a field it adds.
 */
function checkFormatAndVersion(json: Record<string, unknown>, where: string): void {
  if (json.format !== FAILURE_FORMAT) {
    // Another of npusim's files (a run result, a sweep summary, a topology) is named as such.
    const kind = npusimFileKind(json);
    if (kind !== undefined)
      throw new ConfigError(where, `Expected a failure file (format \`${FAILURE_FORMAT}\`), got ${kind}`);
    throw new ConfigError(`${where}: format`, `Expected \`${FAILURE_FORMAT}\`, got ${shown(json.format)}`);
  }
  const npusim = json.npusim as { version?: unknown; commit?: unknown } | undefined;
  // Said here in the words of the other version checks, not zod's "Invalid input".
  if (
    typeof npusim === 'object' &&
    npusim !== null &&
    !['string', 'undefined'].includes(typeof npusim.version)
  ) {
    throw new ConfigError(
      `${where}: npusim.version`,
      `Expected the version of npusim that wrote the file (a string such as \`${npusimVersion()}\`), got ${shown(npusim.version)}`,
    );
  }
  // A version no npusim has (`banana`) is no version to replay the file with: refused as the sweep
  // summary's is (summary-read.ts), not answered "replay it with that version" (QA).
  if (typeof npusim?.version === 'string' && !VERSION_TEXT.test(npusim.version)) {
    throw new ConfigError(
      `${where}: npusim.version`,
      `Expected a version such as 0.2.0, got ${shown(npusim.version)}`,
    );
  }
  const wrote =
    typeof npusim?.version === 'string'
      ? `npusim ${npusim.version}${typeof npusim.commit === 'string' ? ` (commit ${shownText(npusim.commit.slice(0, 12))})` : ''}`
      : undefined;
  if (json.formatVersion !== FAILURE_FORMAT_VERSION) {
    throw new ConfigError(
      `${where}: formatVersion`,
      `Expected format version ${FAILURE_FORMAT_VERSION} (npusim ${npusimVersion()}), got ${shown(json.formatVersion)}${wrote === undefined ? '' : ` from ${wrote}`}${wrote === undefined || npusim?.version === npusimVersion() ? '' : ': replay it with that version'}`,
    );
  }
  const version = npusimVersion();
  if (wrote !== undefined && npusim?.version !== version) {
    throw new ConfigError(
      `${where}: npusim.version`,
      `Expected a failure file from npusim ${version}, got one from ${wrote}: replay it with that version`,
    );
  }
}

/**
 * The message with what arrived, where it does not say already: schema-issues.ts adds it to zod's
 * type and size checks; a failure file's other checks (a literal, a refinement) get it here.
 */
function withWhatArrived(message: string, value: unknown): string {
  if (!/\bgot\b/.test(message)) return `${message}, got ${shown(value)}`;
  // An integer past 2^53-1 that schema-issues.ts said by its double's digits (`got
  // 1152921504606847000` for 2^60), which are not the file's: said as one too large to read.
  const read = `got ${String(value)}`;
  return isInexactInteger(value) && message.includes(read)
    ? message.replace(read, `got ${shown(value)}`)
    : message;
}

/**
 * The exit code each class has (core/exit-codes.ts); a recording written before the class
 * `interrupted` existed has `clean` with 130. A finding class names its first finding, and a clean
 * run has none: a file that says otherwise was changed by hand, and nothing in it can be trusted.
 */
const CODES_OF_CLASS: Record<FailureFile['exit']['class'], readonly number[]> = {
  clean: [EXIT.clean, EXIT.interrupted],
  violation: [EXIT.violation],
  liveness: [EXIT.liveness],
  crash: [EXIT.crash],
  interrupted: [EXIT.interrupted],
};

function checkExitClass(file: FailureFile, where: string): void {
  const { class: cls, code } = file.exit;
  const codes = CODES_OF_CLASS[cls];
  if (!codes.includes(code)) {
    throw new ConfigError(
      `${where}: exit.code`,
      `Expected ${codes.join(' or ')} for the exit class \`${cls}\`, got ${code}`,
    );
  }
  if (cls === 'clean' && file.first !== null) {
    throw new ConfigError(
      `${where}: first`,
      `Expected no first finding in a clean run's file, got rule ${file.first.rule}`,
    );
  }
  if ((cls === 'violation' || cls === 'liveness' || cls === 'crash') && file.first === null) {
    throw new ConfigError(`${where}: first`, `Expected the first finding of a ${cls} run, got null`);
  }
  // A crash is its own first finding, and only a crash is: a run that crashed found nothing after.
  if (file.first !== null && (cls === 'crash') !== (file.first.rule === 'crash')) {
    throw new ConfigError(
      `${where}: first.rule`,
      cls === 'crash'
        ? `Expected \`crash\` as the first finding of a crash run, got ${file.first.rule}`
        : `Expected a rule name for a ${cls} run (\`crash\` is the exit class crash's), got crash`,
    );
  }
}

/**
 * A free run replays from its take log: the host `free` and the log come together or not at all;
 * a placement goes only with threads.
 */
function checkHost(file: FailureFile, where: string): void {
  if (file.options.host === 'free' && file.free === null) {
    throw new ConfigError(
      `${where}: free`,
      'Expected the take log of a free run (options.host is `free`), got null: a free run replays only from its log',
    );
  }
  if (file.options.host !== 'free' && file.free !== null) {
    throw new ConfigError(
      `${where}: options.host`,
      `Expected \`free\` for a file with a take log (free), got ${gotText(file.options.host)}`,
    );
  }
  // Only threads are placed: a placement beside another host would be a file edited by hand.
  if (file.options.workers !== undefined && file.options.host !== 'threaded') {
    throw new ConfigError(
      `${where}: options.workers`,
      `Expected no --workers placement for a run on host \`${file.options.host}\` (only a threaded run has one), got ${gotText(file.options.workers)}`,
    );
  }
  // The log says how the run ended, and so do the exit class and --stop-on-first: one edited
  // without the others would replay to one stop and be judged against another.
  if (file.free !== null) {
    const cls = file.exit.class;
    const want = recordedStop(file);
    if (file.free.stopped !== want) {
      const why = recordsInterruptedRun(file)
        ? 'a run whose exit class is interrupted'
        : `a ${cls} run${file.options.stopOnFirst ? ' with --stop-on-first' : ' without --stop-on-first'}`;
      throw new ConfigError(
        `${where}: free.stopped`,
        `Expected \`${want}\` in the take log of ${why}, got ${gotText(file.free.stopped)}`,
      );
    }
  }
}

/** Text of base64 (take-log.ts readVarints reads a log's takes only when they are). */
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Each take log's `takes` is base64 text, as npusim writes it: one that is not was said to be a
 * log whose digest differs (take-log.ts checks the digest first), not what it is (QA).
 */
function checkTakeLogsText(file: FailureFile, where: string): void {
  const i = file.free?.actors.findIndex((a) => !BASE64_TEXT.test(a.takes)) ?? -1;
  if (i < 0) return;
  const chars = Array.from(file.free!.actors[i]!.takes);
  const bad = chars.findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
  const at = bad >= 0 ? bad : chars.indexOf('=');
  const why =
    bad >= 0
      ? `character ${bad + 1}, ${codeText(chars[bad]!)}, is no base64 digit`
      : `character ${at + 1} is an \`=\` before the end (only the last two may be padding)`;
  throw new ConfigError(
    `${where}: free.actors[${i}].takes`,
    `Expected base64 text (A-Z, a-z, 0-9, + and /, then at most two =), got ${gotText(shownText(chars.join(''), at))}: ${why}`,
  );
}

/** The file's workload must exist now (built in, or the user's file as loaded) and be unchanged. */
function checkWorkload(
  file: FailureFile,
  where: string,
  workloads: ReadonlyMap<string, Workload>,
  fileWorkload: Workload | undefined,
): Workload {
  const fromFile = file.workload.file;
  const workload = fromFile === undefined ? workloads.get(file.workload.name) : fileWorkload;
  if (workload === undefined) {
    throw new ConfigError(
      `${where}: workload.${fromFile === undefined ? 'name' : 'file'}`,
      fromFile === undefined
        ? `Expected a workload of this npusim, got ${gotText(file.workload.name)}, which is none of its built-in workloads (one defined in code is passed to the library's replay and shrink in their \`workloads\` option)`
        : `Expected the workload file ${codeText(fromFile)} loaded to check it, got none`,
    );
  }
  if (fromFile !== undefined && workload.name !== file.workload.name) {
    throw new ConfigError(
      `${where}: workload.file`,
      `Expected ${codeText(fromFile)} to declare workload ${codeText(file.workload.name)} as when the failure was recorded, got ${gotText(workload.name)}`,
    );
  }
  const digest = definitionDigest(workload);
  if (digest !== file.workload.definitionDigest) {
    // The digest is another built-in's: the name was edited, or the file is of that workload (QA:
    // `flush-race`'s file renamed `stress` was said to be of a changed `stress`, sending the user
    // after a change of the model that never happened).
    const other =
      fromFile === undefined
        ? [...workloads.values()].find(
            (w) => w.name !== workload.name && definitionDigest(w) === file.workload.definitionDigest,
          )
        : undefined;
    if (other !== undefined) {
      throw new ConfigError(
        `${where}: workload.name`,
        `Expected the workload whose definition the run used, got ${codeText(file.workload.name)}, but the file's definition digest is workload ${codeText(other.name)}'s: was the name edited? Give it back ${codeText(other.name)} to replay this failure`,
      );
    }
    const change = changeOf(file, workload);
    const named =
      fromFile === undefined
        ? `workload ${codeText(file.workload.name)}`
        : `the workload file ${codeText(fromFile)}`;
    if (typeof change !== 'string' && change.given.length === 0) {
      // No parameter differs at all: said with both digests, not as a change of the parameters
      // (QA: only the digest had been edited).
      throw new ConfigError(
        `${where}: workload.definitionDigest`,
        `Expected the definition digest ${named} gives now, ${digest}, got ${file.workload.definitionDigest}: every parameter of its definition is the one the run used, so the digest alone differs (was it edited?); the file cannot replay it exactly`,
      );
    }
    const what = typeof change === 'string' ? change : optionParamText(change.given);
    throw new ConfigError(
      `${where}: workload.definitionDigest`,
      fromFile === undefined
        ? `Expected ${named} as it was when the failure was recorded, got a changed definition (${what}): the file cannot replay it exactly`
        : `Expected ${named} as it was when the failure was recorded, got a changed file (${what}): restore it to replay this failure exactly`,
    );
  }
  const variant = file.options.variant;
  if (variant !== undefined) {
    variantNamed(workload, variant, `${where}: options.variant`);
    checkVariantUnchanged(file, where, workload, variant);
  }
  return workload;
}

/** A parameter's value as the refusals of a changed workload say it; `nothing` where it has none. */
function paramText(v: unknown): string {
  return v === undefined ? 'nothing' : escapeControls(JSON.stringify(v));
}

/**
 * What changed in the workload's parameters since the run (`host.unmapIntervalTicks` is 12000000
 * now, the run used 10000000), or that they differ where the recorded ones do not read; where no
 * parameter it compares differs, those an option of their own sets that do (optionParamsDiffering:
 * a value the run's option may have given), maybe none.
 */
function changeOf(file: FailureFile, workload: Workload): string | { given: ChangedParam[] } {
  let recorded: RunConfig['params'];
  try {
    recorded = parseParams(file.workload.params, 'workload.params');
  } catch {
    return 'its parameters differ'; // configOf names what is wrong with the recorded parameters
  }
  const variant = workload.variants.find((v) => v.name === file.options.variant);
  const sets = [...Object.keys(variant?.set ?? {}), ...(file.options.set ?? []).map((x) => x.path)].flatMap(
    (path) => {
      try {
        return [pathText(parseParamPath(path, path))];
      } catch {
        return [];
      }
    },
  );
  const c = changedParam(workload.params, recorded, sets);
  const given = c === undefined ? optionParamsDiffering(workload.params, recorded, sets) : [];
  // A shrink's result holds the parameters the shrink made, not the workload's: any of them may
  // differ by the shrink's own edits, so none is named as the definition's change (QA: a shrunk
  // file was said to differ in `tenants[0].groups`, which the shrink had cut from "all" to [0]).
  if (isShrunk(file) && (c !== undefined || given.length > 0))
    return "the file is shrunk: its parameters are the shrink's, so the change is not named";
  if (c === undefined) return { given };
  return `its \`${c.path}\` is ${paramText(c.now)} now, the run used ${paramText(c.was)}`;
}

/**
 * A parameter an option of its own sets that differs, where no other does (optionParamsDiffering):
 * a change of the definition there, unless the run's option gave it and the digest was edited.
 */
function optionParamText(given: readonly ChangedParam[]): string {
  const first = given[0]!;
  const more = given.length > 1 ? `, and ${given.length - 1} more such` : '';
  return `its \`${first.path}\` is ${paramText(first.now)} now, the run used ${paramText(first.was)}${more}; unless the run's own option gave that value and the digest was edited`;
}

/**
 * A variant's `set` as the workload declares it now must give the parameters the run used: each
 * of its paths at the value recorded. A value changed or a path added since is refused, as a
 * changed base parameter is (definitionDigest). A path removed since leaves no trace in the
 * recorded parameters (its value may be the base's or --set's), so it is not seen here; the
 * replay runs the recorded parameters either way.
 */
function checkVariantUnchanged(file: FailureFile, where: string, workload: Workload, name: string): void {
  const v = workload.variants.find((x) => x.name === name)!;
  checkVariantBugsUnchanged(file, where, workload, v);
  let recorded: RunConfig['params'];
  try {
    recorded = parseParams(file.workload.params, `${where}: workload.params`);
  } catch {
    return; // configOf names what is wrong with the recorded parameters
  }
  if (setsHold(recorded, v.set)) return;
  // Changed: which path it sets differently, for the message.
  let now: RunConfig['params'] | undefined;
  try {
    now = applySets(recorded, v.set, (path) => `variants.${name}.set.${path}`, true);
  } catch {
    now = undefined;
  }
  const differs = Object.entries(v.set).find(([path]) => {
    const keys = parseParamPath(path, path);
    return (
      now === undefined ||
      JSON.stringify(valueAtPath(now, keys)) !== JSON.stringify(valueAtPath(recorded, keys))
    );
  });
  const what =
    differs === undefined
      ? 'its `set` gives parameters the run did not use'
      : `it sets \`${differs[0]}\` to ${JSON.stringify(differs[1])}, the run used ${JSON.stringify(valueAtPath(recorded, parseParamPath(differs[0], differs[0])))}`;
  const fromFile = file.workload.file;
  throw new ConfigError(
    `${where}: options.variant`,
    fromFile === undefined
      ? `Expected variant \`${name}\` of workload \`${workload.name}\` as it was when the failure was recorded, got a changed variant (${what}): the file cannot replay it exactly`
      : `Expected variant \`${name}\` of the workload file \`${fromFile}\` as it was when the failure was recorded, got a changed variant (${what}): restore it to replay this failure exactly`,
  );
}

/**
 * A variant's `bugs` as the workload declares it now must be the switches the run's variant
 * turned on (`options.variantBugs`; absent, none): a switch dropped since, or one added that the
 * run did not have (`options.bugs`), makes the variant another machine, refused as a changed `set` is. The replay itself would run the
 * recorded `bugs` either way, but its reproduce line's `--variant` would then name a variant that
 * is no longer the one that ran.
 */
function checkVariantBugsUnchanged(file: FailureFile, where: string, workload: Workload, v: Variant): void {
  const was = file.options.variantBugs ?? [];
  // The run's switches hold the variant's (variant-bugs.ts): one the file says the variant turned
  // on that the run did not have is an edit the replay cannot honour.
  const missing = was.findIndex((b) => !file.options.bugs.includes(b));
  if (missing >= 0)
    throw new ConfigError(
      `${where}: options.variantBugs[${missing}]`,
      `Expected a switch the run had (options.bugs), got ${gotText(was[missing]!)}: the file contradicts itself`,
    );
  const now = variantRunBugs([], v, file.options.profile as ProfileName);
  // A switch the variant gained that the run had anyway (its `--bug`: a file written before the
  // variant switched it, or before variants had `bugs`) leaves the machine the run was: the replay
  // runs `options.bugs`, and the reproduce line reads back to the same list (variant-bugs.ts).
  // Only one the run did not have makes it another machine (QA: such a file was refused).
  const added = now.filter((b) => !was.includes(b) && !file.options.bugs.includes(b));
  const dropped = was.filter((b) => !(now as readonly string[]).includes(b));
  if (added.length === 0 && dropped.length === 0) return;
  const list = (bugs: readonly string[]) => bugs.map((b) => `\`${b}\``).join(', ');
  const what = [
    ...(added.length === 0 ? [] : [`it switches on ${list(added)} now, which the run's variant did not`]),
    ...(dropped.length === 0
      ? []
      : [`it no longer switches on ${list(dropped)}, which the run's variant did`]),
  ].join('; ');
  const fromFile = file.workload.file;
  throw new ConfigError(
    `${where}: options.variant`,
    fromFile === undefined
      ? `Expected variant \`${v.name}\` of workload \`${workload.name}\` as it was when the failure was recorded, got a changed variant (${what}): the file cannot replay it exactly`
      : `Expected variant \`${v.name}\` of the workload file \`${fromFile}\` as it was when the failure was recorded, got a changed variant (${what}): restore it to replay this failure exactly`,
  );
}

/**
 * Each `--set` the file records is one its parameters hold: the run's parameters are recorded
 * whole, the sets only for its reproduce line, so a set edited by hand (or one naming no
 * parameter) would have the replay print a command that runs another run (QA: replay took
 * `gpu.dmaBytes=1024` beside parameters of 512 and said nothing).
 */
function checkSetsHeld(file: FailureFile, where: string, params: RunConfig['params']): void {
  for (const [i, s] of (file.options.set ?? []).entries()) {
    if (setsHold(params, { [s.path]: s.value })) continue;
    let held: unknown;
    try {
      held = valueAtPath(params, parseParamPath(s.path, s.path));
    } catch {
      held = undefined;
    }
    throw new ConfigError(
      `${where}: options.set[${i}]`,
      `Expected a --set the run's parameters (workload.params) hold, got ${gotText(`${s.path}=${JSON.stringify(s.value)}`)}: ${held === undefined ? 'they have no such parameter' : `they give it ${paramText(held)}`}; the file contradicts itself`,
    );
  }
}

/** The run the file describes, its parameters, topology and choices checked against the machine. */
function configOf(file: FailureFile, where: string): RunConfig {
  const fromFile = file.workload.file;
  const params = paramsOf(file, where);
  checkSetsHeld(file, where, params);
  checkReach(file, where, params.durationTicks);
  const customTopology = customTopologyOf(file, where);
  checkTopologyName(file, where, params.topology, customTopology);
  const config: RunConfig = {
    workload: file.workload.name,
    ...(fromFile === undefined ? {} : { workloadFile: fromFile }),
    ...(file.options.variant === undefined ? {} : { variant: file.options.variant }),
    ...(file.options.set === undefined
      ? {}
      : { set: file.options.set.map((s) => ({ path: s.path, value: s.value })) }),
    seed: file.seed,
    bugs: file.options.bugs as RunConfig['bugs'],
    params,
    profile: file.options.profile as RunConfig['profile'],
    stopOnFirst: file.options.stopOnFirst,
    ...(file.options.crashAt === null ? {} : { crashAt: file.options.crashAt }),
    ...(customTopology === undefined ? {} : { customTopology }),
    ...(file.strategy.kind === 'replay'
      ? {
          strategy: {
            kind: 'replay' as const,
            choices: decodedChoices(file.strategy.choices, `${where}: strategy.choices`),
          },
        }
      : file.strategy.kind === 'pct'
        ? { strategy: file.strategy }
        : {}),
  };
  checkAgainstMachine(file, where, config);
  return config;
}

/**
 * No run reaches past its duration, so a file that says one did contradicts itself: refused. A
 * replay of a run interrupted on threads runs to the tick the file says it reached, so an edited
 * `figures.simulatedTicks` ran past the workload's end, or (1e15) for hours printing nothing (QA).
 * A run that stopped neither at a first finding nor by Ctrl-C, and did not crash or stall, ran
 * to its end: every host reports its duration as the tick reached then (inline-runtime.ts, the
 * threaded workers' stop.end, a free run's log). A file that says such a run stopped short has
 * had its duration edited (QA: 1000 s against a 200 us run, whose replay ran silently for hours).
 * Nor does a finding come after it (`first.tick`).
 */
function checkReach(file: FailureFile, where: string, durationTicks: number): void {
  const reached = file.figures.simulatedTicks;
  if (reached > durationTicks) {
    throw new ConfigError(
      `${where}: figures.simulatedTicks`,
      `Expected at most the run's duration, workload.params.durationTicks ${durationTicks} (${formatTime(durationTicks)}), got ${reached} (${by(reached, durationTicks)})`,
    );
  }
  // No finding comes after the run's end, as a sweep summary's earliestTick is refused past it
  // (summary-read.ts): a first.tick past it was judged by a replay that never reached it, NOT
  // reproduced (exit 5, "an npusim bug"), and shrunk "at 200 us" in a 100 us run (QA).
  const first = file.first;
  if (first !== null && first.tick > durationTicks) {
    throw new ConfigError(
      `${where}: first.tick`,
      `Expected at most the run's duration, workload.params.durationTicks ${durationTicks} (${formatTime(durationTicks)}): no finding comes after the run's end; got ${first.tick} (${by(first.tick, durationTicks)})`,
    );
  }
  // A run stopped at its first finding handled every event of the finding's tick and none after,
  // on every host (inline-runtime.ts; threaded and free workers end at the shared stop tick, the
  // threaded ones rolling back what they ran past it): it reached that tick + 1, or its duration
  // when the finding was in its last tick or at its end (files of `run --stop-on-first` inline,
  // threaded, free). A file that says otherwise had --stop-on-first (or its figures) edited: its
  // replay stopped at the finding and was reported NOT reproduced (exit 5), blaming npusim (QA).
  if (
    recordedStop(file) !== 'interrupted' &&
    file.options.stopOnFirst &&
    first !== null &&
    !endedWithoutEnd(file)
  ) {
    const stop = Math.min(first.tick + 1, durationTicks);
    if (reached !== stop) {
      const end = stop === durationTicks ? ` or the run's duration (workload.params.durationTicks)` : '';
      throw new ConfigError(
        `${where}: figures.simulatedTicks`,
        `Expected ${stop} (${formatTime(stop)}), the end of the tick of the first finding (first.tick ${first.tick})${end}, where a ${file.exit.class} run with --stop-on-first (options.stopOnFirst true) stops; got ${reached} (${by(reached, stop)})`,
      );
    }
  } else if (reached < durationTicks && recordedStop(file) === 'end' && !endedWithoutEnd(file)) {
    const run =
      file.exit.class === 'clean' ? 'a clean run' : `a ${file.exit.class} run without --stop-on-first`;
    throw new ConfigError(
      `${where}: figures.simulatedTicks`,
      `Expected the run's duration, workload.params.durationTicks ${durationTicks} (${formatTime(durationTicks)}): ${run}, not interrupted, ends there; got ${reached} (${by(reached, durationTicks)})`,
    );
  }
}

/** Tick `a` as time text; beside a tick `b` that reads alike, told apart by their difference. */
function by(a: number, b: number): string {
  const d = Math.abs(a - b);
  return formatTime(a) === formatTime(b)
    ? `${d} tick${d === 1 ? '' : 's'} ${a > b ? 'more' : 'less'}`
    : formatTime(a);
}

/**
 * A free run's take logs end where the file says its run ended: every actor of a run that ran to
 * its end finished at its duration, every actor of one stopped at its first finding at the tick
 * it stopped at (free-loop.ts finish: each worker ends at the stop every worker read, not at its
 * own clock, which only a Ctrl-C stop keeps), and the logs' events are the run's (figures.events:
 * the replay handles exactly each log's count). The logs of another run of the same workload and
 * seed (a 30 us run's in a 50 us file) decode and replay, stopping where their own run stopped,
 * and the replay was judged NOT reproduced (exit 5), blaming npusim for the file (QA; an actor's
 * finishTick edited in a --stop-on-first file too). Checked after each log is decoded (its digest
 * covers its event count: an edited count is named there first).
 */
export function checkTakeLogsEnd(file: FailureFile, where: string, durationTicks: number): void {
  const free = file.free;
  if (free === null || endedWithoutEnd(file)) return;
  if (free.stopped === 'end' || free.stopped === 'first-finding') {
    const end = free.stopped === 'end';
    const expected = end ? durationTicks : file.figures.simulatedTicks;
    const i = free.actors.findIndex((a) => a.finishTick !== expected);
    if (i >= 0) {
      const got = free.actors[i]!.finishTick;
      const at = end
        ? `the run's duration, workload.params.durationTicks ${durationTicks} (${formatTime(durationTicks)}), where each actor of a run that ran to its end (free.stopped \`end\`) finishes`
        : `the tick the run stopped at, figures.simulatedTicks ${expected} (${formatTime(expected)}), where each actor of a run stopped at its first finding (free.stopped \`first-finding\`) finishes`;
      throw new ConfigError(
        `${where}: free.actors[${i}].finishTick`,
        `Expected ${at}; got ${got} (${by(got, expected)}): a log of another run?`,
      );
    }
  }
  const events = free.actors.reduce((n, a) => n + a.events, 0);
  if (events !== file.figures.events) {
    throw new ConfigError(
      `${where}: free.actors`,
      `Expected take logs of ${file.figures.events} events in all (figures.events), got ${events}: a log of another run?`,
    );
  }
}

/** Each actor's choices decoded, all of them together within MAX_LOGGED_CHOICES. */
function decodedChoices(encoded: readonly (readonly number[])[], field: string): number[][] {
  let room = MAX_LOGGED_CHOICES;
  return encoded.map((a, i) => {
    const decoded = decodeChoices(a, `${field}[${i}]`, room);
    room -= decoded.length;
    return decoded;
  });
}

/**
 * The workload's parameters, checked as a workload's are (their fields and the rules across them).
 * A failure file records every parameter the run used: one the file lacks would be filled in with
 * today's default, which is not what ran, so a missing one is refused like a corrupted one.
 */
function paramsOf(file: FailureFile, where: string): RunConfig['params'] {
  const field = `${where}: workload.params`;
  const params = parseParams(file.workload.params, field);
  const missing = missingPath(params, file.workload.params);
  if (missing !== undefined) {
    throw new ConfigError(
      subField(field, missing),
      'Expected the value the run used (a failure file records every parameter), got nothing (the field is missing)',
    );
  }
  return params;
}

/** The first path (`gpu.engines`, `tenants[0].lpid`) that `parsed` has and `input` lacks. */
function missingPath(parsed: unknown, input: unknown, path = ''): string | undefined {
  if (Array.isArray(parsed)) {
    if (!Array.isArray(input)) return undefined;
    for (let i = 0; i < parsed.length; i++) {
      const m = missingPath(parsed[i], input[i], `${path}[${i}]`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  if (input === null || typeof input !== 'object') return path;
  for (const [key, value] of Object.entries(parsed)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (value !== undefined && !(key in input)) return at;
    const m = missingPath(value, (input as Record<string, unknown>)[key], at);
    if (m !== undefined) return m;
  }
  return undefined;
}

/** The topology's name is the parameters' `topology`, and a spec's own name (as `--topology FILE` makes it). */
function checkTopologyName(
  file: FailureFile,
  where: string,
  topology: string,
  custom: RunConfig['customTopology'],
): void {
  if (file.topology.name !== topology) {
    throw new ConfigError(
      `${where}: topology.name`,
      `Expected \`${topology}\`, the topology of workload.params, got ${gotText(file.topology.name)}`,
    );
  }
  if (custom !== undefined && custom.spec.name !== topology) {
    throw new ConfigError(
      `${where}: topology.spec.name`,
      `Expected \`${topology}\`, the topology of workload.params, got ${gotText(custom.spec.name)}`,
    );
  }
}

/**
 * The machine the file's run builds: its parameters against the topology (enough IOMMU groups,
 * host RAM for the pages, a preset that exists), a choice log and a take log with one entry per
 * actor, and the crash's actor among its actors. Each refused naming the file and the field,
 * before anything runs. A PCT strategy's steps are checked by `checkPctCounts`.
 */
function checkAgainstMachine(file: FailureFile, where: string, config: RunConfig): void {
  let plan: ReturnType<typeof machine.planMachine>;
  try {
    plan = machine.planMachine(config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const message = e.field === '' ? e.message : e.message.slice(e.field.length + 2);
    throw new ConfigError(subField(`${where}: workload.params`, e.field), message);
  }
  const names = plan.actors.map((a) => a.name);
  const machineName = config.params.topology;
  if (file.strategy.kind === 'replay')
    checkOnePerActor(
      file.strategy.choices.length,
      names.length,
      `${where}: strategy.choices`,
      'lists',
      machineName,
    );
  if (file.strategy.kind === 'pct')
    checkPctCounts(file.strategy, names.length, `${where}: strategy`, machineName);
  if (file.free !== null)
    checkOnePerActor(
      file.free.actors.length,
      names.length,
      `${where}: free.actors`,
      'take logs',
      machineName,
    );
  const crashAt = file.options.crashAt;
  if (crashAt !== null && !names.includes(crashAt.actor)) {
    throw new ConfigError(
      `${where}: options.crashAt.actor`,
      `Expected an actor of ${config.params.topology} (${names.join(', ')}), got ${gotText(crashAt.actor)}`,
    );
  }
}

/**
 * A PCT strategy's measured counts (pct-setup.ts): `steps`, k per actor of the measuring run, and
 * `agents`, n, the agents that made those steps. The steps need at least one count per actor of
 * the machine: with fewer, the last actors' steps were missing from the draw of the change points,
 * and the run was another one than the file's, judged "NOT reproduced" (exit 5) when the file was
 * what was wrong (QA). More than one per actor is a shrunk file's: shrink may move a PCT run to a
 * smaller topology and keeps the steps measured on the machine it came from (their change points
 * on actors the smaller machine lacks never fire), so that count is not refused.
 * `agents` does not steer the run (only the bound printed with it reads it); what it can be is
 * bounded by the steps: each agent made at least one step, and each actor that made a step has an
 * agent that made it. `agents: 0` against 74698 steps is a corrupted file, refused.
 */
function checkPctCounts(
  strategy: { steps: readonly number[]; agents: number },
  actors: number,
  where: string,
  machineName: string,
): void {
  const { steps, agents } = strategy;
  if (steps.length < actors) {
    throw new ConfigError(
      `${where}.steps`,
      `Expected ${actors} step counts (one per actor of ${machineName}; a shrunk file may keep more, one per actor of the machine it was shrunk from), got ${steps.length}`,
    );
  }
  const total = steps.reduce((sum, k) => sum + k, 0);
  const stepping = steps.filter((k) => k > 0).length;
  if (agents < stepping || agents > total) {
    const range =
      total === 0
        ? '0 (strategy.steps sum to 0: no agent made a step)'
        : `from ${stepping} (an agent for each actor with steps in strategy.steps) to ${total} (the steps' sum: each agent made at least one)`;
    throw new ConfigError(`${where}.agents`, `Expected ${range}, got ${agents}`);
  }
}

/** The file's own topology, checked, when it has one. */
function customTopologyOf(file: FailureFile, where: string): RunConfig['customTopology'] {
  if (file.topology.spec === null) return undefined;
  const fieldOf = (field: string) => subField(`${where}: topology.spec`, field);
  const spec = validateTopologySpec(file.topology.spec, fieldOf);
  // The machine's limits too (buildTopology), which the spec's check leaves to the world: there
  // they were named as the workload's parameters', the first line alone under the file's name (QA).
  // Not checkPresetName (report/topology-file-check.ts): the file replays the machine it recorded.
  const issues = new SpecIssues();
  issues.ok(() => {
    buildTopology(spec);
  });
  issues.throwIfAny(fieldOf);
  return { file: file.topology.file ?? where, spec };
}

/**
 * The user's workload file a failure file names (`workload.file`), read leniently so the caller
 * can load it before the strict read; undefined for a built-in workload or unreadable text.
 */
export function workloadFileOf(text: string): string | undefined {
  return fileNamedAt(text, 'workload');
}

/**
 * The user's topology file a failure file names (`topology.file`, as `--topology` gave it), read
 * leniently: a file an output of the replay must not be written over, as a run's must not.
 */
export function topologyFileOf(text: string): string | undefined {
  return fileNamedAt(text, 'topology');
}

function fileNamedAt(text: string, field: 'workload' | 'topology'): string | undefined {
  try {
    // A byte order mark is skipped here as the strict read skips it (parse-json.ts).
    const json = JSON.parse(withoutBom(text)) as Record<string, { file?: unknown } | undefined>;
    const file = json?.[field]?.file;
    return typeof file === 'string' ? file : undefined;
  } catch {
    return undefined;
  }
}
