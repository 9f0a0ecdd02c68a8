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
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import type { RunArgs } from './args.js';
import { type CliIo, errorText, indent } from './cli-io.js';
import { writeFailureFile } from './failure-output.js';
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

type Host = 'inline' | 'threaded';

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const { workload, file } = await resolveWorkload(args.workload, await loadWorkloads());
  const config = buildRunConfig(args, workload, file);
  const machine = await import('../model/actors/machine.js');
  // The plan builds the world: a workload that needs more than the topology has fails here, with
  // exit 2, before any thread starts.
  const plan: MachinePlan = machine.planMachine(config);
  const crashActor = checkCrashAt(config, plan);
  if (args.seed === undefined) io.stderr.write(`npusim: seed ${config.seed} (drawn at random)\n`);

  const interrupt = new Interrupt(io);
  const started = performance.now();
  let raw: RawRun;
  try {
    if (args.checkHosts) {
      const outcome = await checkHosts(config, plan, args, io, interrupt);
      if (typeof outcome !== 'object') return outcome;
      raw = outcome;
    } else {
      raw = await hostRun(config, args.host, 0, args, io, interrupt);
    }
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
  const emitted = emitResult(result, args, io);
  const code = worseExit(emitted, variantCode);
  writeFailureFile(result, config, workload, args.failuresDir, io);
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
    const started = performance.now();
    try {
      const raw = await hostRun(config, args.host, 0, args, io, interrupt, `variant ${v.name}`);
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
      writeFailureFile(result, config, workload, args.failuresDir, io);
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
    if (host === 'threaded') {
      const run = engine.startThreadedRun(config, {
        host,
        onProgress,
        shouldStop: () => interrupt.stopped,
        ...(recordEvents > 0 ? { recordEvents } : {}),
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
): Promise<RawRun | number> {
  const { combineDigests, firstDivergence } = await import('../runtime/digest.js');
  io.stderr.write('npusim: --check-hosts: running inline, then threaded, recording events\n');
  const started = performance.now();
  const inline = await hostRun(config, 'inline', CHECK_HOSTS_RECORD_EVENTS, args, io, interrupt);
  if (inline.stopped === 'interrupted') return inline;
  const threaded = await hostRun(config, 'threaded', CHECK_HOSTS_RECORD_EVENTS, args, io, interrupt);
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
function emitResult(result: RunResult, args: RunArgs, io: CliIo): number {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (args.json) io.stdout.write(json);
  else io.stdout.write(formatSummary(result, { color: colorEnabled(io.stdout, io.env) }));
  const files = args.out === undefined ? [] : [{ option: '--out', path: args.out, text: json }];
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
