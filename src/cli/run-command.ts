/**
 * `npusim run`: one simulation, on the host asked for, with progress on stderr and Ctrl-C wired to
 * its stop; its result printed (summary or JSON) and written (--out); a failing run's failure file
 * written with the line that replays it. --check-hosts runs both hosts and compares them.
 *
 * The workload is a name from the registry or a user's file (.ts, .js, .json). A workload with
 * variants (its `variants`, workload.ts) has them run after its own run, one by one with the same
 * seed and options on the same host, so the summary sets their answers side by side; each is
 * judged against its `expect`. A variant that finds what it expects does not fail the command;
 * one that finds something it did not expect writes its own failure file, and its exit code
 * counts when it is worse than the workload's own run's. `--variant NAME` runs one variant alone.
 */

import { randomInt } from 'node:crypto';
import { countText } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { EXIT, worseExit } from '../core/exit-codes.js';
import { shellWord } from '../core/shell-word.js';
import { gotText } from '../core/shown-text.js';
import { wordList } from '../core/word-list.js';
import { peerDrawsIdle } from '../model/actors/peer-reach.js';
import { runProcesses } from '../model/actors/run-processes.js';
import type { World } from '../model/actors/world.js';
import { configBugsWarning, configPolicyWarning } from '../model/scenario/profile-policy.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { asMatchedVariant, describedResult } from '../report/described-result.js';
import { formatTime } from '../report/duration.js';
import { alignHeadlines, judgeExpectation } from '../report/headline.js';
import { lineLabel, reproduceCommand, reproduceLine } from '../report/reproduce-line.js';
import type { RunResult, VariantResult } from '../report/run-result.js';
import { pctLine, preparePct } from '../repro/pct-setup.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { WorkerSet } from '../runtime/worker-set.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { checkHosts, placementWords } from './check-hosts.js';
import type { RunArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { emitResult } from './emit-result.js';
import { replayFileLines, writeFailureFile, writeRecording } from './failure-output.js';
import { sayGpuReach } from './gpu-reach-notes.js';
import { askedHost, hostRun, type RunSession } from './host-run.js';
import { sayInertBugs } from './inert-bugs.js';
import { sayInertPolicy } from './inert-policy.js';
import { sayInertSets } from './inert-sets.js';
import { Interrupt } from './interrupt.js';
import { expectedText, labelOwnMissFor, sayOwnUnmet } from './own-verdict-line.js';
import { reportFailure } from './run-failure-report.js';
import { runFailureOf } from './run-outcome.js';
import { type PlannedVariant, planVariants, runVariants, type SameAsVariant } from './run-variants.js';
import { resolveWorkload, scenarioConfig } from './scenario-config.js';
import { statusLine } from './status-line.js';
import { anchoredRun, traceAndReportFiles, traceRecording } from './trace-outputs.js';

/**
 * Everything a run depends on, validated: the seed is drawn here when not given. `file`: the
 * workload was read from this file (its path as the user gave it).
 */
export function buildRunConfig(args: RunArgs, workload: Workload, file?: string): RunConfig {
  const config = scenarioConfig(workload, args, args.seed ?? randomInt(0, 2 ** 32), file);
  return args.crashAt === undefined ? config : { ...config, crashAt: args.crashAt };
}

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  // One set of worker threads for every threaded run of this command (the main run, --trace's
  // anchored run, the variants): each after the first starts on threads that are warm.
  const workers = new WorkerSet();
  try {
    return await runWithWorkers(args, io, workers);
  } finally {
    await workers.close();
  }
}

async function runWithWorkers(args: RunArgs, io: CliIo, workers: WorkerSet): Promise<number> {
  const { workload, file } = await resolveWorkload(args.workload, await loadWorkloads());
  let config = buildRunConfig(args, workload, file);
  const machine = await import('../model/actors/machine.js');
  // The plan builds the world: a workload that needs more than the topology has fails here, with
  // exit 2, before any thread starts.
  const plan: MachinePlan = machine.planMachine(config);
  const crashActor = checkCrashAt(config, plan);
  // The variants run after this run, side by side; their configurations are checked now.
  const { planned: variants, sameAs } =
    args.variant === undefined && !args.checkHosts
      ? planVariants(workload, args, config, file, io)
      : { planned: [], sameAs: undefined };
  if (args.checkHosts && args.variant === undefined && workload.variants.length > 0) {
    // Said, not silent: the hosts are compared on the workload's own run only.
    io.stderr.write(
      sayText(
        `--check-hosts compares the workload's own run; its ${countText(workload.variants.length, 'variant')} ${workload.variants.length === 1 ? 'is' : 'are'} not run ` +
          '(`--variant NAME --check-hosts` checks one)',
      ),
    );
  }
  if (args.seed === undefined) io.stderr.write(`npusim: seed ${config.seed} (drawn at random)\n`);
  // Said before the run, not refused: a what-if on a release is a fair question (profile-policy.ts).
  const policyWarning = configPolicyWarning(config);
  if (policyWarning !== undefined) io.stderr.write(sayText(`warning: ${policyWarning}`));
  const bugsWarning = configBugsWarning(config);
  if (bugsWarning !== undefined) io.stderr.write(sayText(`warning: ${bugsWarning}`));
  sayInertBugs(
    config,
    io,
    variants.map((v) => ({ name: v.variant.name, config: v.config })),
  );
  sayInertSets(
    args.set,
    config,
    io,
    variants.map((v) => ({ name: v.variant.name, config: v.config })),
  );
  sayInertPolicy(args.policy, config.params, io);
  sayIdlePeers(machine.worldOf, config, variants, io);
  sayGpuReach(
    machine.worldOf,
    config,
    io,
    variants.map((v) => ({ name: v.variant.name, config: v.config })),
  );
  const tooShort = shortRunText(args, plan);
  if (tooShort !== undefined) io.stderr.write(sayText(tooShort));
  const handOffs = shortLookaheadText(args, plan);
  if (handOffs !== undefined) io.stderr.write(sayText(handOffs));

  const interrupt = new Interrupt(io);
  const session: RunSession = { args, io, interrupt, workers };
  try {
    if (args.strategy === 'pct') {
      // After every check above: a usage error must not wait for a whole measuring run.
      const pct = await preparePct(config, args.pctDepth, (c) =>
        hostRun(session, c, 'inline', { label: 'PCT measuring run', showFindings: false }),
      );
      if (pct === undefined) {
        io.stderr.write(
          sayText(
            `interrupted during PCT's measuring run (seed ${config.seed} run once to count its scheduling steps), before the PCT run began: no summary, and no file written (exit 130)`,
          ),
        );
        return EXIT.interrupted;
      }
      config = { ...config, strategy: pct.strategy };
      io.stderr.write(sayText(pctLine(pct)));
    }
    return await runAndReport(session, { config, plan, workload, variants, sameAs, crashActor }, workers);
  } finally {
    await interrupt.close();
  }
}

/** The run itself (after any PCT measuring run), then its result, files and summary. */
async function runAndReport(
  session: RunSession,
  ctx: {
    config: RunConfig;
    plan: MachinePlan;
    workload: Workload;
    variants: readonly PlannedVariant[];
    sameAs: SameAsVariant | undefined;
    crashActor: number | undefined;
  },
  workers: WorkerSet,
): Promise<number> {
  const { args, io, interrupt } = session;
  const { config, plan, workload, variants, sameAs, crashActor } = ctx;
  const recording = await traceRecording(args, config, plan);
  const started = performance.now();
  let raw: RawRun;
  let traceRaw: RawRun | undefined;
  try {
    if (args.checkHosts) {
      const outcome = await checkHosts(session, { config, plan }, recording);
      if (typeof outcome !== 'object') return outcome;
      raw = outcome;
    } else {
      raw = await hostRun(session, config, askedHost(args), { trace: recording });
    }
    traceRaw = await anchoredRun(session, { config, plan, raw }, recording);
  } catch (error) {
    const code = await reportFailure(
      error,
      { config, workload, plan, wallMs: performance.now() - started, sameAs },
      session,
      recording,
    );
    // Variants run after the workload's own run, which ended here: say so, or they seem forgotten.
    if (variants.length > 0 && code !== EXIT.usage) {
      io.stderr.write(
        sayText(
          `the workload's ${countText(variants.length, 'variant')} ${variants.length === 1 ? 'was' : 'were'} not run: its own run ${runFailureOf(error)?.kind === 'stall' ? 'stalled' : 'crashed'} (each runs alone with --variant NAME)`,
        ),
      );
    }
    return code;
  }
  // A signal that came as the run ended stopped nothing: its result is whole (and a workload's
  // variants do not start: run-variants.ts).
  // Unless it stopped a threaded run's second pass to its first finding (runtime/threaded-runtime.ts):
  // the run is whole, its figures the first pass's (QA: "its result is whole" above a summary
  // saying they count past the stop).
  if (interrupt.stopped && raw.rerunToStop?.completed === false)
    io.stderr.write(
      sayText(
        'the signal stopped the run again to its first finding: its findings are whole, its figures those of the first run, which count what other threads handled past the stop (the summary says so)',
      ),
    );
  else if (interrupt.stopped && raw.stopped !== 'interrupted')
    io.stderr.write('npusim: the run ended before the signal could stop it: its result is whole\n');
  // Kept while the outputs are written: a signal now lets them finish (interrupt.ts).
  interrupt.runOver();
  return await reportRun(
    { config, plan, raw, traceRaw, workload, variants, sameAs, crashAt: crashActor, workers },
    session,
  );
}

/** The finished run's result, variants, files and summary; the command's exit code. */
async function reportRun(
  done: {
    config: RunConfig;
    plan: MachinePlan;
    raw: RawRun;
    traceRaw: RawRun | undefined;
    workload: Workload;
    variants: readonly PlannedVariant[];
    sameAs: SameAsVariant | undefined;
    crashAt: number | undefined;
    workers: WorkerSet;
  },
  session: RunSession,
): Promise<number> {
  const { config, plan, raw, traceRaw, workload, variants, sameAs, workers, crashAt: crashActor } = done;
  const { args, io, interrupt } = session;
  // Run alone (--variant), a variant's verdict on what it expects comes with its result.
  const result = describedResult(config, plan, raw, workload);
  // --check-hosts stopped before its comparison: the summary is one host's run so far, but the
  // command to run again is the check as asked (QA: it read `--inline`, the placement lost).
  if (args.checkHosts && raw.stopped === 'interrupted') {
    const asked = args.host === 'inline' ? 'inline' : 'threaded';
    const placement = asked === 'inline' ? '' : placementWords(args.placement);
    result.reproduce = `${reproduceCommand(config, asked)}${placement} --check-hosts`;
  }
  let variantCode: number = EXIT.clean;
  let variantFiles = new Map<string, string>();
  if (sameAs !== undefined) {
    // The options made this run one of the variants (run-variants.ts planVariants): judged by what
    // that variant expects, as `--variant NAME` alone would be, stopped or not, and named for it.
    asMatchedVariant(result, sameAs.variant, sameAs.by, workload.exposes);
  }
  if (variants.length > 0 && result.status !== 'interrupted') {
    if (sameAs === undefined) {
      result.expectation = judgeExpectation(
        workload.expect,
        result,
        workload.exposes ?? [],
        runProcesses(result.config),
      );
      result.label = workload.label ?? 'as declared';
    }
    const ran = await runVariants(workload, variants, args, io, workers, interrupt);
    interrupt.runOver();
    result.variants = ran.results;
    if (result.headline !== undefined) {
      // Every run's column the same rows (a counter one run never counted is its 0, not `-`).
      const [own, ...others] = alignHeadlines(workload.headline, [
        result.headline,
        ...ran.results.map((v) => v.headline),
      ]);
      result.headline = own;
      for (const [i, v] of ran.results.entries()) v.headline = others[i]!;
    }
    variantCode = ran.worstUnexpected;
    variantFiles = ran.files;
    result.commandExitCode = worseExit(result.exitCode, variantCode);
  }
  labelOwnMissFor(result, workload, args);
  if (config.crashAt !== undefined && crashActor !== undefined)
    sayCrashAtUnfired(config, raw, crashActor, io);
  const { recorded, failureFile } = writeRunFiles(result, config, workload, raw, args, io);
  const emitted = emitResult(
    result,
    args,
    io,
    await traceAndReportFiles({ plan, config, result, raw, traceRaw }, session),
  );
  // A --record file that could not be written is an output lost, as --out's: exit 2 at least.
  if (!recorded && emitted === EXIT.clean)
    io.stderr.write(`npusim: exit ${EXIT.usage}: the run was clean, but --record could not be written\n`);
  const code = worseExit(worseExit(emitted, variantCode), recorded ? EXIT.clean : EXIT.usage);
  if (result.exitCode !== EXIT.clean) sayStatus(result, config, args.json, failureFile !== undefined, io);
  sayOwnUnmet(result, io);
  for (const v of result.variants ?? [])
    sayVariantUnmet(
      v,
      result.workload,
      code,
      result.engine.placement === 'free',
      io,
      variantFiles.get(v.name),
    );
  // Last, where it does not scroll off before the summary (QA): replaying the file is faster than
  // the run line, and for PCT spares the measuring run; a --record file's command too (it was said
  // before the summary, which a user reads first and then looks below for the command to copy).
  io.stderr.write(
    replayFileLines({
      failureFile,
      recordFile: recorded && args.record !== undefined ? args.record : undefined,
      interrupted: result.status === 'interrupted',
    }),
  );
  return code;
}

/**
 * A variant whose verdict was not what it expected, on stderr after the summary: one that found
 * something else fails the command (its exit code and its reproduce line), one that expected a
 * finding and ran clean does not (a clean run is never a failure), but says so.
 */
function sayVariantUnmet(
  v: VariantResult,
  workload: string,
  commandExit: number,
  free: boolean,
  io: CliIo,
  file: string | undefined,
): void {
  if (v.expectation.met || v.status === 'interrupted') return;
  if (v.exitCode === EXIT.clean) {
    io.stderr.write(
      sayText(
        `variant ${v.name}: clean, NOT as expected (${expectedText(v.expectation, workload)}); a clean run does not fail the command`,
      ),
    );
    return;
  }
  // Its line is the replay of the failure file it left (QA: a deterministic variant's was its run
  // line, its file's replay scrolled away), else its run line (a free one's labelled a re-run).
  const line =
    file === undefined
      ? `${lineLabel(v.reproduce, free)}: ${v.reproduce}`
      : `reproduce: npusim replay ${shellWord(file)}`;
  io.stderr.write(
    `${sayText(`variant ${v.name}: ${v.status} (exit ${v.exitCode}), NOT as expected (${expectedText(v.expectation, workload)}): the command exits ${commandExit}`)}${line}\n`,
  );
}

/**
 * A `--duration` shorter than the fastest link of the run's topology takes (`--duration 5` is 5
 * ticks, ps): no message can arrive, so little or nothing happens. Said with what a unit does when
 * none was written, the likely slip; the bound is this run's links', a topology file's included.
 */
function shortRunText(args: RunArgs, plan: MachinePlan): string | undefined {
  if (args.durationTicks === undefined || plan.edges.length === 0) return undefined;
  const fastest = Math.min(...plan.edges.map((e) => e.latencyTicks));
  if (args.durationTicks >= fastest) return undefined;
  const unit = args.durationUnitless
    ? ' (a number without a unit counts picoseconds: `--duration 5` is 5 ps, `5us` five microseconds)'
    : '';
  return `--duration is ${formatTime(args.durationTicks)}: shorter than a message takes on any link of this run's topology (${formatTime(fastest)} or more), so little or nothing can happen${unit}`;
}

/** The fastest link of the presets (the X-bus, 150 ns): the lookahead the engine is tuned for. */
const PRESET_LOOKAHEAD_TICKS = 150_000;

/**
 * A threaded run on a topology whose fastest link is far quicker than the presets': each worker
 * may run only that far ahead of the others before it hands off, so it hands off that much more
 * often, said before the run (QA: a file's 1 ns NVLinks ran 60 x slower than inline, which only the
 * summary's engine section said, afterwards). Within a tenth of the presets' it says nothing.
 */
function shortLookaheadText(args: RunArgs, plan: MachinePlan): string | undefined {
  if (askedHost(args) !== 'threaded' || plan.edges.length === 0) return undefined;
  const fastest = Math.min(...plan.edges.map((e) => e.latencyTicks));
  if (fastest * 10 > PRESET_LOOKAHEAD_TICKS) return undefined;
  const times = Math.round(PRESET_LOOKAHEAD_TICKS / Math.max(1, fastest));
  return `the fastest link of this run's topology takes ${formatTime(fastest)} (the presets' ${formatTime(PRESET_LOOKAHEAD_TICKS)}): a thread may run only that far ahead of the others, so a threaded run here hands off about ${times} times as often and is far slower; --inline runs the same events in one thread`;
}

/**
 * --crash-at named an actor whose handler saw fewer events than the one to crash at. N counts the
 * events the actor's handler is given (machine.ts crashing); the engine's count of its events
 * (RawRun.actorEvents) also holds the link departures it deferred, which no handler sees, so it is
 * said as an upper bound, not as the count N is compared with (QA: `gpu2:2664 never fired: gpu2
 * handled 2664 events`, where 2577 and up never fired).
 */
function sayCrashAtUnfired(config: RunConfig, raw: RawRun, crashActor: number, io: CliIo): void {
  const crashAt = config.crashAt!;
  const events = raw.actorEvents[crashActor] ?? 0;
  io.stderr.write(
    sayText(
      `--crash-at ${crashAt.actor}:${crashAt.event} never fired: ` +
        `${crashAt.actor}'s handler saw fewer than ${crashAt.event} events in this run${raw.stopped === 'interrupted' ? ' before it was stopped' : ''} ` +
        `(N counts those; the ${countText(events, 'event')} the engine counts for ${crashAt.actor} also hold the link departures it deferred, which no handler sees)`,
    ),
  );
}

/**
 * The failure file of a run that found something and the --record file; a free run replays only
 * from its file, so that file becomes its reproduce line (without one, its line stays its own free
 * command, which the summary labels a re-run: reproduce-line.ts reproduceLabel). `recorded` false
 * when the --record file could not be written; `failureFile` its path; the caller says both last.
 */
function writeRunFiles(
  result: RunResult,
  config: RunConfig,
  workload: Workload,
  raw: RawRun,
  args: RunArgs,
  io: CliIo,
): { recorded: boolean; failureFile: string | undefined } {
  const freeLog = raw.free?.log;
  const failureFile = writeFailureFile(result, config, workload, args.failuresDir, io, freeLog, false);
  const recorded =
    args.record !== undefined && writeRecording(args.record, result, config, workload, io, freeLog);
  if (freeLog !== undefined) {
    const replayFile = failureFile ?? (recorded ? args.record : undefined);
    if (replayFile !== undefined) result.reproduce = `npusim replay ${shellWord(replayFile)}`;
  }
  // Set after the file is written (the file is not its own path). A script follows it to replay
  // or shrink without reading stderr (QA: only stderr named it, where a sweep's --json has it).
  result.failureFile = failureFile ?? null;
  return { recorded: args.record === undefined || recorded, failureFile };
}

/**
 * A run that was not clean: its status and its findings so far on stderr, and its reproduce line
 * where the summary, which ends with it, was not printed (--json), or where no failure file's
 * replay line follows (the summary's line is the only way back to the run otherwise; printed
 * twice it was the last thing seen, and the replay line had scrolled off: QA).
 */
function sayStatus(
  result: RunResult,
  config: RunConfig,
  json: boolean,
  fileFollows: boolean,
  io: CliIo,
): void {
  io.stderr.write(
    `${statusLine(result, config.params.durationTicks)}\n${json || !fileFollows ? `${reproduceLine(result)}\n` : ''}`,
  );
}

/**
 * `--crash-at ACTOR:N` names an actor of this run's machine (chip0.., gpu0.., coordinator, as
 * `npusim topo` lists them); returns its index. A name the machine lacks is refused with the list.
 */
function checkCrashAt(config: RunConfig, plan: MachinePlan): number | undefined {
  const crashAt = config.crashAt;
  if (crashAt === undefined) return undefined;
  const actor = plan.actors.find((a) => a.name === crashAt.actor);
  if (actor !== undefined) return actor.index;
  const names = plan.actors.map((a) => a.name);
  const lower = crashAt.actor.toLowerCase();
  const npu = /^npu(\d+)$/.exec(lower);
  // A topology file's own GPU ids (`left0`) are not actor names: actors are gpu0.. in the file's
  // order, as `npusim topo` prints beside each id (QA: the list alone did not say why).
  const specIndex = config.customTopology?.spec.gpus.findIndex((g) => g.id === crashAt.actor) ?? -1;
  const hint = names.includes(lower)
    ? `; actor names are lower case: \`${lower}\``
    : npu !== null && names.includes(`chip${npu[1]}`)
      ? `; an NPU is part of its chip's actor: \`chip${npu[1]}\``
      : specIndex >= 0
        ? `; \`${crashAt.actor}\` is the topology file's id of GPU ${specIndex}, whose actor is \`gpu${specIndex}\` (\`npusim topo\` prints both)`
        : '';
  throw new ConfigError(
    '--crash-at',
    `Expected an actor of ${config.params.topology} (${names.join(', ')}), got ${gotText(crashAt.actor)}${hint}`,
  );
}

/**
 * A peer share no GPU can send, said of each run it holds in (QA: of the workload's own run only,
 * where a variant's policy left each tenant one GPU and `--variant` said it of that variant): one
 * line for the runs it is the same in.
 */
function sayIdlePeers(
  worldOf: (c: RunConfig) => World,
  config: RunConfig,
  variants: readonly { variant: { name: string }; config: RunConfig }[],
  io: CliIo,
): void {
  const runs = [
    { where: variants.length > 0 ? "the workload's own run" : 'this run', config },
    ...variants.map((v) => ({ where: `variant ${v.variant.name}`, config: v.config })),
  ];
  const said = new Map<string, string[]>();
  const mark = '\u0000';
  for (const r of runs) {
    const text = peerDrawsIdle(worldOf(r.config), mark);
    if (text !== undefined) said.set(text, [...(said.get(text) ?? []), r.where]);
  }
  for (const [text, where] of said) io.stderr.write(sayText(text.replace(mark, wordList(where))));
}
