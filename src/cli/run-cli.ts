/**
 * The `npusim` command: parse (args.ts, from the command table), check every file it will write
 * (output-path.ts), validate names against the real lists (workloads, bugs, topologies, policies,
 * the machine's actors), run, print, and map every outcome to its exit code (core/exit-codes.ts):
 *   0 clean, 1 invariant violated, 2 usage or config error (nothing runs), 3 liveness failure,
 *   4 crash (an actor threw, the engine failed, or --check-hosts found the hosts disagree),
 *   130 interrupted (Ctrl-C).
 * Every run that starts ends with a result: a crashed or stalled run still gives one (status
 * 'crash' or 'liveness', assemble-result.ts failedRunResult), printed with --json and written
 * with --out, so a script always has something to parse.
 *
 * `runCli` returns the exit code instead of exiting: the caller sets process.exitCode so output
 * is flushed and every worker has been terminated (the runtimes do that) before the process
 * ends. Only a second Ctrl-C exits at once (130).
 *
 * The engine and the machine are imported lazily, so `list`, `topo` and `--help` start fast and
 * do not load the simulator.
 */
import { randomInt } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { computeGroups, GROUP_POLICIES, type GroupPolicy } from '../model/platform/iommu-groups.js';
import {
  actorNames,
  buildTopology,
  describeTopology,
  gpuActorName,
  TOPOLOGY_PRESETS,
} from '../model/platform/topology.js';
import { isPresetName, type TopologySpec, validateTopologySpec } from '../model/platform/topology-spec.js';
import { BUG_NAMES, BUGS, isBugName } from '../model/scenario/bugs.js';
import { parseParams, type RunConfig, type Workload } from '../model/scenario/workload.js';
import { assembleResult, failedRunResult, type RunFailure } from '../report/assemble-result.js';
import { formatTime } from '../report/duration.js';
import { reproduceCommand } from '../report/reproduce-line.js';
import type { RunResult } from '../report/run-result.js';
import { colorEnabled, formatSummary, violationTotal } from '../report/summary.js';
import type { MachinePlan } from '../runtime/machine-module.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { type CliArgs, parseCli, type RunArgs } from './args.js';
import { helpText } from './help.js';
import { startInlineWorker } from './inline-worker.js';
import { checkOutputFiles, writeOutputs } from './output-path.js';
import { createProgress } from './progress.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export { EXIT } from '../core/exit-codes.js';

/**
 * Largest topology file read (a 48-GPU machine's spec is a few KiB): a bigger file is refused
 * before it is read, so a stray multi-megabyte file costs nothing.
 */
export const MAX_TOPOLOGY_FILE_BYTES = 1 << 20;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args: CliArgs = parseCli(argv);
    // Before anything runs: a bad output path fails now, not after the simulation.
    if ('outputs' in args) checkOutputFiles(args.outputs);
    switch (args.command) {
      case 'help':
        io.stdout.write(helpText(args.topic));
        return EXIT.clean;
      case 'version':
        io.stdout.write(`npusim ${packageVersion()}\n`);
        return EXIT.clean;
      case 'list':
        io.stdout.write(await listText());
        return EXIT.clean;
      case 'topo':
        io.stdout.write(topoText(args.topology ?? 'witherspoon-6', args.policy ?? 'per-socket'));
        return EXIT.clean;
      case 'run':
        return await runCommand(args, io);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`npusim: ${error.message}\nRun \`npusim --help\` for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`npusim: unexpected error (exit 4):\n${errorText(error)}\n`);
    return EXIT.crash;
  }
}

/** Everything a run depends on, validated: the seed is drawn here when not given. */
export function buildRunConfig(args: RunArgs, workloads: ReadonlyMap<string, Workload>): RunConfig {
  const workload = workloads.get(args.workload);
  if (workload === undefined) {
    throw new ConfigError(
      'workload',
      `Expected one of ${[...workloads.keys()].join(', ')}, got \`${args.workload}\``,
    );
  }
  for (const bug of args.bugs) {
    if (!isBugName(bug))
      throw new ConfigError('--bug', `Expected one of ${BUG_NAMES.join(', ')}, got \`${bug}\``);
  }
  const custom = args.topology === undefined ? undefined : loadTopologyOption(args.topology, '--topology');
  if (args.policy !== undefined) checkPolicy(args.policy, '--policy');
  const params = parseParams(
    {
      ...workload.params,
      ...(args.topology === undefined ? {} : { topology: custom?.spec.name ?? args.topology }),
      ...(args.policy === undefined ? {} : { policy: args.policy }),
      ...(args.durationTicks === undefined ? {} : { durationTicks: args.durationTicks }),
    },
    workload.name,
  );
  return {
    workload: workload.name,
    seed: args.seed ?? randomInt(0, 2 ** 32),
    bugs: [...new Set(args.bugs)].filter(isBugName),
    params,
    ...(args.crashAt === undefined ? {} : { crashAt: args.crashAt }),
    ...(custom === undefined ? {} : { customTopology: custom }),
  };
}

/**
 * `--topology` is a preset name, or a path to a JSON TopologySpec (a name that ends in .json or
 * contains a slash). A file is read, parsed and validated here, and every error names the file and
 * the field; a preset name returns undefined (the world builds the preset).
 */
export function loadTopologyOption(
  value: string,
  option: string,
): { file: string; spec: TopologySpec } | undefined {
  if (!value.endsWith('.json') && !value.includes('/')) {
    checkTopology(value, option);
    return undefined;
  }
  let text: string;
  try {
    const bytes = statSync(value).size;
    if (bytes > MAX_TOPOLOGY_FILE_BYTES) {
      throw new ConfigError(
        option,
        `Expected a topology file of at most ${MAX_TOPOLOGY_FILE_BYTES} bytes, got \`${value}\` of ${bytes} bytes`,
      );
    }
    text = readFileSync(value, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(
      option,
      `Expected a readable topology file, got \`${value}\` (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      option,
      `Expected JSON in \`${value}\`, got a syntax error: ${(e as Error).message}`,
    );
  }
  try {
    const spec = validateTopologySpec(json);
    buildTopology(spec); // the cross-field checks (peers, sockets, encodable sizes) run here
    return { file: value, spec };
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError(
        `${value}${e.field === '' ? '' : `: ${e.field}`}`,
        e.message.replace(`${e.field}: `, ''),
      );
    throw e;
  }
}

/** Events recorded per actor by --check-hosts, to name the first divergence. */
const CHECK_HOSTS_RECORD_EVENTS = 2_000_000;

type Host = 'inline' | 'threaded';

/**
 * Ctrl-C for the whole command: the first stops the run in progress (and any run not yet started
 * does not start), the second exits at once with 130.
 */
class Interrupt {
  stopped = false;
  private stopRun: () => void = () => {};
  private readonly onSigint = (): void => {
    if (this.stopped) {
      this.beforeExit();
      this.io.stderr.write('\nnpusim: second interrupt, exiting (exit 130)\n');
      process.exit(EXIT.interrupted);
    }
    this.stopped = true;
    this.io.stderr.write('\nnpusim: stopping (Ctrl-C again to quit at once)\n');
    this.stopRun();
  };
  beforeExit: () => void = () => {};

  constructor(private readonly io: CliIo) {
    process.on('SIGINT', this.onSigint);
  }

  /** The run now in progress; stopped at once if Ctrl-C came while it was starting. */
  track(stop: () => void): void {
    this.stopRun = stop;
    if (this.stopped) stop();
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}

async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const config = buildRunConfig(args, await loadWorkloads());
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
    return reportFailure(error, config, plan, args, io, performance.now() - started);
  } finally {
    interrupt.dispose();
  }

  const result = assembleResult(config, plan, raw);
  if (config.crashAt !== undefined && crashActor !== undefined) {
    const handled = raw.actorEvents[crashActor] ?? 0;
    io.stderr.write(
      `npusim: --crash-at ${config.crashAt.actor}:${config.crashAt.event} never fired: ` +
        `${config.crashAt.actor} handled ${handled} event(s) in this run${raw.stopped === 'interrupted' ? ' before it was stopped' : ''}\n`,
    );
  }
  const code = emitResult(result, args, io);
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
): Promise<RawRun> {
  const engine = await import('../runtime/engine.js');
  const progress = createProgress({
    durationTicks: config.params.durationTicks,
    stream: io.stderr,
    plain: args.json,
  });
  interrupt.beforeExit = () => progress.stop();
  const onProgress = (tick: number, events: number): void => progress.update(tick, events);
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
  return emitResult(failedRunResult(config, plan, args.host, failure, wallMs), args, io);
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

async function listText(): Promise<string> {
  const workloads = await loadWorkloads();
  const out = ['workloads:'];
  const wWidth = Math.max(0, ...[...workloads.keys()].map((n) => n.length));
  for (const w of workloads.values()) {
    out.push(`  ${w.name.padEnd(wWidth)}  ${w.description}`);
    for (const e of w.exposes ?? [])
      out.push(`  ${''.padEnd(wWidth)}    exposes --bug ${e.bug}: ${e.rules.join(', ')}`);
  }
  out.push('bugs (--bug NAME):');
  const bWidth = Math.max(...BUG_NAMES.map((n) => n.length));
  for (const b of BUG_NAMES) out.push(`  ${b.padEnd(bWidth)}  ${BUGS[b]}`);
  out.push('topologies (--topology NAME):');
  for (const name of Object.keys(TOPOLOGY_PRESETS)) {
    const t = buildTopology(name as keyof typeof TOPOLOGY_PRESETS);
    out.push(`  ${name.padEnd(bWidth)}  ${t.gpus.length} GPUs on ${t.sockets.length} sockets`);
  }
  out.push(`policies (--policy P): ${GROUP_POLICIES.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function topoText(name: string, policy: string): string {
  const custom = loadTopologyOption(name, 'topology');
  checkPolicy(policy, '--policy');
  const t = buildTopology(custom?.spec ?? (name as keyof typeof TOPOLOGY_PRESETS));
  const out = [describeTopology(t), `IOMMU groups (${policy}):`];
  for (const g of computeGroups(t, policy as GroupPolicy)) {
    const disable = [...g.requiredDisableMask].map(
      ([gpu, mask]) => `${gpuActorName(gpu)} links 0x${mask.toString(16)}`,
    );
    out.push(
      `  group ${g.id}: socket ${g.socket}, GPUs ${g.gpus.map(gpuActorName).join(' ')}, ` +
        `${g.bridges.length} NVLink bridges${disable.length > 0 ? `; must disable ${disable.join(', ')}` : ''}`,
    );
  }
  out.push(`actors (as runs, --crash-at and the summary name them): ${actorNames(t).join(' ')}`);
  return `${out.join('\n')}\n`;
}

function checkTopology(name: string, option: string): void {
  if (!isPresetName(name)) {
    throw new ConfigError(
      option,
      `Expected one of ${Object.keys(TOPOLOGY_PRESETS).join(', ')} or a JSON file, got \`${name}\``,
    );
  }
}

function checkPolicy(policy: string, option: string): void {
  if (!(GROUP_POLICIES as readonly string[]).includes(policy)) {
    throw new ConfigError(option, `Expected one of ${GROUP_POLICIES.join(', ')}, got \`${policy}\``);
  }
}

function packageVersion(): string {
  // src/cli/run-cli.ts and dist/src/cli/run-cli.js both sit two or three levels below package.json.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'npusim' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not at this level; try the next.
    }
  }
  return 'unknown';
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
