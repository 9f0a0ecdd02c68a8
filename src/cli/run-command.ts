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
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import type { RunConfig, Variant, Workload } from '../model/scenario/workload.js';
import { assembleResult, failedRunResult, type RunFailure } from '../report/assemble-result.js';
import { formatTime } from '../report/duration.js';
import { evaluateHeadline, judgeExpectation } from '../report/headline.js';
import { reproduceCommand } from '../report/reproduce-line.js';
import type { RunResult, VariantResult } from '../report/run-result.js';
import { colorEnabled, formatSummary, violationTotal } from '../report/summary.js';
import { pctLine, preparePct } from '../repro/pct-setup.js';
import type { FreeLog } from '../runtime/free/free-log.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import type { TraceOptions } from '../runtime/trace-recorder.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import type { RunArgs } from './args.js';
import { type CliIo, errorText, indent } from './cli-io.js';
import { writeFailureFile, writeRecording } from './failure-output.js';
import { startInlineWorker } from './inline-worker.js';
import { Interrupt } from './interrupt.js';
import { writeOutputs } from './output-path.js';
import { createProgress } from './progress.js';
import { resolveWorkload, scenarioConfig } from './scenario-config.js';

/**
 * Everything a run depends on, validated: the seed is drawn here when not given. `file`: the
 * workload was read from this file (its path as the user gave it).
 */
export function buildRunConfig(args: RunArgs, workload: Workload, file?: string): RunConfig {
  const config = scenarioConfig(workload, args, args.seed ?? randomInt(0, 2 ** 32), file);
  return args.crashAt === undefined ? config : { ...config, crashAt: args.crashAt };
}

/** Events recorded per actor by --check-hosts, to name the first divergence. */
const CHECK_HOSTS_RECORD_EVENTS = 2_000_000;

/** Sample rows per run for the time series of --report (one every 0.25 % of the run). */
const REPORT_SAMPLES = 400;

/** What the recorders keep for --trace and --report (undefined: neither asked for). */
async function traceRecording(
  args: RunArgs,
  config: RunConfig,
  plan: MachinePlan,
): Promise<TraceOptions | undefined> {
  if (args.trace === undefined && args.report === undefined) return undefined;
  const { DEFAULT_TRACE_EVENTS, traceCapacityPerActor } = await import('../report/trace/trace-file.js');
  return {
    // --report alone needs only the samples: a ring of two records costs nothing.
    capacityRecords:
      args.trace === undefined
        ? 2
        : traceCapacityPerActor(args.traceEvents ?? DEFAULT_TRACE_EVENTS, plan.actors.length),
    sampleCount: REPORT_SAMPLES,
    endTick: config.params.durationTicks,
  };
}

type Host = 'inline' | 'threaded' | 'free';

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const { workload, file } = await resolveWorkload(args.workload, await loadWorkloads());
  let config = buildRunConfig(args, workload, file);
  const machine = await import('../model/actors/machine.js');
  // The plan builds the world: a workload that needs more than the topology has fails here, with
  // exit 2, before any thread starts.
  const plan: MachinePlan = machine.planMachine(config);
  if (args.strategy === 'pct') {
    const pct = await preparePct(config, args.pctDepth);
    config = { ...config, strategy: pct.strategy };
    io.stderr.write(`npusim: ${pctLine(pct)}\n`);
  }
  const crashActor = checkCrashAt(config, plan);
  if (args.seed === undefined) io.stderr.write(`npusim: seed ${config.seed} (drawn at random)\n`);

  const recording = await traceRecording(args, config, plan);
  const interrupt = new Interrupt(io);
  const started = performance.now();
  let raw: RawRun;
  let traceRaw: RawRun | undefined;
  try {
    if (args.checkHosts) {
      const outcome = await checkHosts(config, plan, args, io, interrupt, recording);
      if (typeof outcome !== 'object') return outcome;
      raw = outcome;
    } else {
      raw = await hostRun(
        config,
        args.free !== undefined ? 'free' : args.host,
        0,
        args,
        io,
        interrupt,
        recording,
      );
    }
    traceRaw = await anchoredRun(config, plan, raw, args, io, interrupt, recording);
  } catch (error) {
    return reportFailure(error, config, workload, plan, args, io, performance.now() - started);
  } finally {
    interrupt.dispose();
  }

  const result = describeRun(assembleResult(config, plan, raw), workload);
  let variantCode: number = EXIT.clean;
  const variants = args.variant === undefined && !args.checkHosts ? workload.variants : [];
  if (variants.length > 0 && result.status !== 'interrupted') {
    result.expectation = judgeExpectation(workload.expect, result);
    result.label = workload.label ?? 'as declared';
    const ran = await runVariants(workload, variants, args, config.seed, file, io);
    result.variants = ran.results;
    variantCode = ran.worstUnexpected;
  }
  if (config.crashAt !== undefined && crashActor !== undefined) {
    const handled = raw.actorEvents[crashActor] ?? 0;
    io.stderr.write(
      `npusim: --crash-at ${config.crashAt.actor}:${config.crashAt.event} never fired: ` +
        `${config.crashAt.actor} handled ${handled} event(s) in this run${raw.stopped === 'interrupted' ? ' before it was stopped' : ''}\n`,
    );
  }
  const freeLog = raw.free?.log;
  const failureFile = writeFailureFile(result, config, workload, args.failuresDir, io, freeLog);
  const recorded =
    args.record !== undefined && writeRecording(args.record, result, config, workload, io, freeLog);
  // A free run replays only from its file: that is its reproduce line.
  if (freeLog !== undefined) {
    const replayFile = failureFile ?? (recorded ? args.record : undefined);
    result.reproduce =
      replayFile !== undefined
        ? `npusim replay ${replayFile}`
        : `${result.reproduce}  (races anew; only a failure or --record file replays this very run)`;
  }
  const emitted = emitResult(
    result,
    args,
    io,
    await traceAndReportFiles(plan, config, result, raw, traceRaw, args, io),
  );
  const code = worseExit(emitted, variantCode);
  if (result.exitCode !== EXIT.clean) {
    const what =
      result.status === 'interrupted'
        ? `interrupted at ${formatTime(result.simulatedTicks)} of ${formatTime(config.params.durationTicks)} simulated`
        : result.status;
    io.stderr.write(
      `npusim: ${what} (exit ${result.exitCode}): ${violationTotal(result)} violation(s), ` +
        `${result.liveness.length} liveness failure(s) so far\nreproduce: ${result.reproduce}\n`,
    );
  }
  return code;
}

/** The workload's question and headline figures on its result (report/headline.ts). */
function describeRun(result: RunResult, workload: Workload): RunResult {
  if (workload.question !== undefined) result.question = workload.question;
  if (workload.headline.length > 0) result.headline = evaluateHeadline(workload.headline, result);
  return result;
}

/**
 * Each variant after the workload's own run: same seed and options, the variant's `set` applied
 * before the user's `--set` (scenario-config.ts). Returns their results and the worst exit code of
 * those that found what they did not expect (0 when none did).
 */
async function runVariants(
  workload: Workload,
  variants: readonly Variant[],
  args: RunArgs,
  seed: number,
  file: string | undefined,
  io: CliIo,
): Promise<{ results: VariantResult[]; worstUnexpected: number }> {
  const machine = await import('../model/actors/machine.js');
  const results: VariantResult[] = [];
  let worst: number = EXIT.clean;
  for (const [i, v] of variants.entries()) {
    const config = scenarioConfig(workload, { ...args, variant: v.name }, seed, file);
    io.stderr.write(
      `npusim: variant ${i + 1} of ${variants.length}, ${v.name}${v.description === undefined ? '' : `: ${v.description}`}\n`,
    );
    const plan = machine.planMachine(config);
    const interrupt = new Interrupt(io);
    let result: RunResult;
    let freeLog: FreeLog | undefined;
    const started = performance.now();
    try {
      const raw = await hostRun(
        config,
        args.free !== undefined ? 'free' : args.host,
        0,
        args,
        io,
        interrupt,
        undefined,
        `variant ${v.name}`,
      );
      freeLog = raw.free?.log;
      result = describeRun(assembleResult(config, plan, raw), workload);
    } catch (error) {
      if (!(error instanceof ActorCrashError || error instanceof EngineStallError)) throw error;
      const failure: RunFailure =
        error instanceof ActorCrashError
          ? { kind: 'crash', crash: error.crash }
          : { kind: 'stall', message: error.message, dump: error.dump };
      result = failedRunResult(config, plan, args.host, failure, performance.now() - started);
    } finally {
      interrupt.dispose();
    }
    const expectation = judgeExpectation(v.expect, result);
    results.push({
      name: v.name,
      ...(v.description === undefined ? {} : { description: v.description }),
      set: v.set,
      status: result.status,
      exitCode: result.exitCode,
      digest: result.digest,
      violationTotal: violationTotal(result),
      expectation,
      headline: result.headline ?? [],
      reproduce: result.reproduce,
    });
    if (result.status === 'interrupted') break;
    if (!expectation.met && result.exitCode !== EXIT.clean) {
      // Found what it did not expect: a finding like any run's, with its own failure file.
      worst = worseExit(worst, result.exitCode);
      writeFailureFile(result, config, workload, args.failuresDir, io, freeLog);
    }
  }
  return { results, worstUnexpected: worst };
}

/**
 * The worse of two exit codes: interrupted 130, then crash 4, liveness 3, violation 1, then a
 * result file not written 2 (a finding's code wins over it, core/exit-codes.ts), then clean 0.
 */
function worseExit(a: number, b: number): number {
  const order: readonly number[] = [
    EXIT.clean,
    EXIT.usage,
    EXIT.violation,
    EXIT.liveness,
    EXIT.crash,
    EXIT.interrupted,
  ];
  return order.indexOf(b) > order.indexOf(a) ? b : a;
}

/**
 * --trace keeps the window around the run's first finding. The recorders kept the end of the run;
 * when the first finding came before what they kept, the run is made again with the recorders
 * anchored at its tick: a run is deterministic (the same seed and options give the same events,
 * on either host), so the second run is the first one again, recorded where it matters. Returns
 * that run, or undefined when the first run's records serve.
 */
async function anchoredRun(
  config: RunConfig,
  plan: MachinePlan,
  raw: RawRun,
  args: RunArgs,
  io: CliIo,
  interrupt: Interrupt,
  recording: TraceOptions | undefined,
): Promise<RawRun | undefined> {
  // A free run races anew when run again: there is no second run to anchor.
  if (
    args.trace === undefined ||
    recording === undefined ||
    raw.stopped === 'interrupted' ||
    raw.free !== undefined
  )
    return undefined;
  const { needsAnchoredRun } = await import('../report/trace/trace-file.js');
  const need = needsAnchoredRun(raw, assembleResult(config, plan, raw));
  if (need === undefined) return undefined;
  io.stderr.write(
    `npusim: trace: the first finding (${formatTime(need.anchorTick)}) is outside what the trace could keep ` +
      `(${formatTime(need.keptFrom)} to ${formatTime(need.keptTo)}); running again to keep the window around it ` +
      '(the same seed gives the same run)\n',
  );
  const again = await hostRun(config, args.host, 0, args, io, interrupt, {
    ...recording,
    anchorTick: need.anchorTick,
  });
  if (again.stopped === 'interrupted') return undefined;
  const { combineDigests } = await import('../runtime/digest.js');
  if (combineDigests(again.actorDigests) !== combineDigests(raw.actorDigests)) {
    io.stderr.write(
      'npusim: trace: the second run differs from the first (an engine bug); the trace shows the second\n',
    );
  }
  return again;
}

/** The --trace and --report files of a run, built from its records (nothing if neither asked). */
async function traceAndReportFiles(
  plan: MachinePlan,
  config: RunConfig,
  result: RunResult,
  raw: RawRun,
  traceRaw: RawRun | undefined,
  args: RunArgs,
  io: CliIo,
): Promise<OutputText[]> {
  const files: OutputText[] = [];
  if (args.trace !== undefined) {
    const { buildTraceFile, DEFAULT_TRACE_EVENTS } = await import('../report/trace/trace-file.js');
    const trace = buildTraceFile(
      plan,
      config,
      result,
      traceRaw ?? raw,
      args.traceEvents ?? DEFAULT_TRACE_EVENTS,
    );
    io.stderr.write(`npusim: ${trace.note}\n`);
    files.push({ option: '--trace', path: args.trace, text: trace.bytes });
  }
  if (args.report !== undefined) {
    const { buildHtmlReport } = await import('../report/html-report.js');
    files.push({
      option: '--report',
      path: args.report,
      text: buildHtmlReport({ plan, config, result, raw }),
    });
  }
  return files;
}

interface OutputText {
  option: string;
  path: string;
  text: string | Uint8Array;
}

/**
 * One run on one host, with progress on stderr and Ctrl-C wired to its stop. An inline run goes
 * on a worker of its own, so this thread stays free to take Ctrl-C (inline-host.ts).
 */
async function hostRun(
  config: RunConfig,
  host: Host,
  recordEvents: number,
  args: RunArgs,
  io: CliIo,
  interrupt: Interrupt,
  trace?: TraceOptions,
  label?: string,
): Promise<RawRun> {
  const engine = await import('../runtime/engine.js');
  const progress = createProgress({
    durationTicks: config.params.durationTicks,
    stream: io.stderr,
    plain: args.json,
    ...(label === undefined ? {} : { label }),
  });
  interrupt.beforeExit = () => progress.stop();
  const onProgress = (tick: number, events: number, findings: number): void =>
    progress.update(tick, events, findings);
  try {
    if (host === 'threaded' || host === 'free') {
      const run = engine.startThreadedRun(config, {
        host: 'threaded',
        ...(args.placement === undefined ? {} : { placement: args.placement }),
        ...(host === 'free' ? { free: args.free } : {}),
        onProgress,
        shouldStop: () => interrupt.stopped,
        ...(recordEvents > 0 ? { recordEvents } : {}),
        ...(trace === undefined ? {} : { trace }),
      });
      interrupt.track(() => run.stop());
      return await run.result;
    }
    const run = startInlineWorker(config, {
      machineUrl: engine.machineModuleUrl(),
      seed: config.seed,
      strategy: config.strategy,
      stopOnFirst: config.stopOnFirst,
      endTick: config.params.durationTicks,
      onProgress,
      ...(recordEvents > 0 ? { recordEvents } : {}),
      ...(trace === undefined ? {} : { trace }),
    });
    interrupt.track(() => run.stop());
    return await run.result;
  } finally {
    progress.stop();
  }
}

/**
 * design.md: the same workload, seed and options give the same digest inline and threaded. Runs
 * each host ONCE, recording each actor's events; the result reported is the run of the host the
 * user asked for (--threads unless --inline). On a mismatch it names the first divergent event
 * (actor, index, both records) and reports a crash (exit 4): a divergence is a bug in npusim, not
 * in the machine. Interrupted, it reports the run in progress and compares nothing.
 */
async function checkHosts(
  config: RunConfig,
  plan: MachinePlan,
  args: RunArgs,
  io: CliIo,
  interrupt: Interrupt,
  recording: TraceOptions | undefined,
): Promise<RawRun | number> {
  const { combineDigests, firstDivergence } = await import('../runtime/digest.js');
  io.stderr.write('npusim: --check-hosts: running inline, then threaded, recording events\n');
  const started = performance.now();
  const inline = await hostRun(config, 'inline', CHECK_HOSTS_RECORD_EVENTS, args, io, interrupt, recording);
  if (inline.stopped === 'interrupted') return inline;
  const threaded = await hostRun(
    config,
    'threaded',
    CHECK_HOSTS_RECORD_EVENTS,
    args,
    io,
    interrupt,
    recording,
  );
  if (threaded.stopped === 'interrupted') return threaded;
  const a = combineDigests(inline.actorDigests);
  const b = combineDigests(threaded.actorDigests);
  if (a === b) {
    io.stderr.write(`npusim: hosts agree: event digest ${a}, ${inline.events} events each\n`);
    return args.host === 'inline' ? inline : threaded;
  }
  const d = firstDivergence(inline.recorded, threaded.recorded);
  const where =
    d === undefined
      ? `no divergence within the first ${CHECK_HOSTS_RECORD_EVENTS} events of each actor`
      : `actor ${plan.actors[d.actor]?.name ?? d.actor}, event #${d.index}: ` +
        `inline [time, kind, source, seq, address, tag] = ${JSON.stringify(d.a)}, threaded = ${JSON.stringify(d.b)}`;
  const message = `the hosts disagree: inline digest ${a}, threaded ${b}; first divergence: ${where}`;
  io.stderr.write(
    `npusim: crash (exit 4): ${message}\nreproduce: ${reproduceCommand(config, 'threaded')} --check-hosts\n`,
  );
  const crash = { actor: 'npusim', lastEvent: undefined, tick: 0, message, stack: '' };
  return emitResult(
    failedRunResult(config, plan, args.host, { kind: 'crash', crash }, performance.now() - started),
    args,
    io,
  );
}

/**
 * Print the result (JSON with --json, else the summary) on stdout, then write the result files.
 * A file that cannot be written is said on stderr; the exit code is then 2 unless the run found
 * something (core/exit-codes.ts: the finding's code wins).
 */
function emitResult(result: RunResult, args: RunArgs, io: CliIo, extra: readonly OutputText[] = []): number {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (args.json) io.stdout.write(json);
  else io.stdout.write(formatSummary(result, { color: colorEnabled(io.stdout, io.env) }));
  const files = [
    ...(args.out === undefined ? [] : [{ option: '--out', path: args.out, text: json }]),
    ...extra,
  ];
  const failed = writeOutputs(files, io.stderr);
  if (failed.length > 0 && result.exitCode === EXIT.clean) {
    io.stderr.write(
      `npusim: exit ${EXIT.usage}: the run was clean, but ${failed.join(', ')} could not be written\n`,
    );
    return EXIT.usage;
  }
  return result.exitCode;
}

function reportFailure(
  error: unknown,
  config: RunConfig,
  workload: Workload,
  plan: MachinePlan,
  args: RunArgs,
  io: CliIo,
  wallMs: number,
): number {
  const reproduce = reproduceCommand(config, args.host);
  let failure: RunFailure;
  if (error instanceof ActorCrashError) {
    const c = error.crash;
    io.stderr.write(
      `npusim: crash (exit 4): actor ${c.actor} crashed at tick ${c.tick}: ${c.message}\n` +
        `  last event: ${c.lastEvent === undefined ? 'none' : JSON.stringify(c.lastEvent)}\n` +
        `  seed: ${config.seed}\n${indent(c.stack)}\nreproduce: ${reproduce}\n`,
    );
    failure = { kind: 'crash', crash: c };
  } else if (error instanceof EngineStallError) {
    io.stderr.write(
      `npusim: liveness failure (exit 3): ${error.message}\n  seed: ${config.seed}\n` +
        `${indent(JSON.stringify(error.dump, null, 2))}\nreproduce: ${reproduce}\n`,
    );
    failure = { kind: 'stall', message: error.message, dump: error.dump };
  } else if (error instanceof ConfigError) {
    io.stderr.write(`npusim: ${error.message}\nRun \`npusim --help\` for usage.\n`);
    return EXIT.usage;
  } else {
    io.stderr.write(
      `npusim: unexpected error (exit 4):\n${indent(errorText(error))}\n  seed: ${config.seed}\nreproduce: ${reproduce}\n`,
    );
    const e = error instanceof Error ? error : new Error(String(error));
    failure = {
      kind: 'crash',
      crash: { actor: 'npusim', lastEvent: undefined, tick: 0, message: e.message, stack: e.stack ?? '' },
    };
  }
  const result = failedRunResult(config, plan, args.host, failure, wallMs);
  const unwritten = [
    args.trace === undefined ? [] : ['--trace'],
    args.report === undefined ? [] : ['--report'],
  ].flat();
  if (unwritten.length > 0) {
    io.stderr.write(
      `npusim: ${unwritten.join(' and ')}: not written: the run ended without figures to show\n`,
    );
  }
  if (args.free !== undefined) {
    // The crashed thread's take log went with it: no file could replay this very run.
    io.stderr.write(
      `npusim: a free run that crashes leaves no take log, so no failure file; run the scenario deterministically: ${reproduceCommand(config, 'threaded')}\n`,
    );
    return emitResult(result, args, io);
  }
  const code = emitResult(result, args, io);
  writeFailureFile(result, config, workload, args.failuresDir, io);
  return code;
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
  const hint = names.includes(lower)
    ? `; actor names are lower case: \`${lower}\``
    : npu !== null && names.includes(`chip${npu[1]}`)
      ? `; an NPU is part of its chip's actor: \`chip${npu[1]}\``
      : '';
  throw new ConfigError(
    '--crash-at',
    `Expected an actor of ${config.params.topology} (${names.join(', ')}), got \`${crashAt.actor}\`${hint}`,
  );
}
