/**
 * The `npusim` command: parse, validate against the real lists (workloads, bugs, topologies,
 * policies), run, print, and map every outcome to its exit code (design.md):
 *   0 clean, 1 invariant violated, 2 usage or config error, 3 liveness failure (result status
 *   'liveness' or EngineStallError), 4 crash (ActorCrashError or any unexpected exception).
 *
 * `runCli` returns the exit code instead of exiting: the caller sets process.exitCode so output
 * is flushed and every worker has been terminated (the runtime does that) before the process
 * ends. Only a second Ctrl-C exits at once (130).
 *
 * The engine and the machine are imported lazily, so `list`, `topo` and `--help` start fast and
 * do not load the simulator.
 */
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { computeGroups, GROUP_POLICIES, type GroupPolicy } from '../model/platform/iommu-groups.js';
import { buildTopology, describeTopology, TOPOLOGY_PRESETS } from '../model/platform/topology.js';
import { isPresetName, type TopologySpec, validateTopologySpec } from '../model/platform/topology-spec.js';
import { BUG_NAMES, BUGS, isBugName } from '../model/scenario/bugs.js';
import { parseParams, type RunConfig, type Workload } from '../model/scenario/workload.js';
import { assembleResult } from '../report/assemble-result.js';
import { reproduceCommand } from '../report/reproduce-line.js';
import type { RunResult } from '../report/run-result.js';
import { colorEnabled, formatSummary, violationTotal } from '../report/summary.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError, EngineStallError } from '../runtime/run-errors.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import { parseCli, type RunArgs } from './args.js';
import { HELP_TEXT } from './help.js';
import { startInlineWorker } from './inline-worker.js';
import { createProgress } from './progress.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT = {
  clean: 0,
  violation: 1,
  usage: 2,
  liveness: 3,
  crash: 4,
  secondInterrupt: 130,
} as const;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseCli(argv);
    switch (args.command) {
      case 'help':
        io.stdout.write(HELP_TEXT);
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
    text = readFileSync(value, 'utf8');
  } catch (e) {
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
    buildTopology(spec); // the cross-field checks (peers, sockets, latencies) run here
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

async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const config = buildRunConfig(args, await loadWorkloads());
  if (args.seed === undefined) io.stderr.write(`npusim: seed ${config.seed} (drawn at random)\n`);
  if (args.checkHosts) {
    const failed = await checkHosts(config, io);
    if (failed !== undefined) return failed;
  }
  const engine = await import('../runtime/engine.js');
  const machine = await import('../model/actors/machine.js');

  const progress = createProgress({
    durationTicks: config.params.durationTicks,
    stream: io.stderr,
    plain: args.json,
  });
  let interrupted = false;
  let stopRun: () => void = () => {};
  const onSigint = (): void => {
    if (interrupted) {
      progress.stop();
      io.stderr.write('\nnpusim: second interrupt, exiting\n');
      process.exit(EXIT.secondInterrupt);
    }
    interrupted = true;
    io.stderr.write('\nnpusim: stopping (Ctrl-C again to quit at once)\n');
    stopRun();
  };
  process.on('SIGINT', onSigint);
  const options = {
    host: args.host,
    onProgress: (tick: number, events: number) => progress.update(tick, events),
    shouldStop: () => interrupted,
  };
  let raw: RawRun;
  try {
    if (args.host === 'threaded') {
      const run = engine.startThreadedRun(config, options);
      stopRun = () => run.stop();
      if (interrupted) run.stop(); // Ctrl-C while the run was starting
      raw = await run.result;
    } else {
      // On a worker of its own, so this thread stays free to take Ctrl-C (inline-host.ts).
      const run = startInlineWorker(config, {
        machineUrl: engine.machineModuleUrl(),
        seed: config.seed,
        endTick: config.params.durationTicks,
        onProgress: options.onProgress,
      });
      stopRun = () => run.stop();
      if (interrupted) run.stop(); // Ctrl-C while the run was starting
      raw = await run.result;
    }
  } catch (error) {
    progress.stop();
    return reportFailure(error, config, args, io);
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress.stop();

  const result: RunResult = assembleResult(config, machine.planMachine(config), raw);
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (args.out !== undefined) writeFileSync(args.out, json);
  if (args.json) io.stdout.write(json);
  else io.stdout.write(formatSummary(result, { color: colorEnabled(io.stdout, io.env) }));
  if (result.exitCode !== EXIT.clean) {
    io.stderr.write(
      `npusim: ${result.status}: ${violationTotal(result)} violation(s), ${result.liveness.length} liveness failure(s)` +
        `${args.out === undefined ? '' : `; result written to ${args.out}`}\nreproduce: ${result.reproduce}\n`,
    );
  }
  return result.exitCode;
}

/**
 * design.md: the same workload, seed and options give the same digest inline and threaded. Runs
 * both, recording each actor's events, and on a mismatch prints the first divergent event (actor,
 * index, both records) and returns exit 4: a divergence is a bug in npusim, not in the machine.
 */
async function checkHosts(config: RunConfig, io: CliIo): Promise<number | undefined> {
  const engine = await import('../runtime/engine.js');
  const { combineDigests, firstDivergence } = await import('../runtime/digest.js');
  io.stderr.write('npusim: --check-hosts: running inline and threaded, recording events\n');
  const opts = { recordEvents: CHECK_HOSTS_RECORD_EVENTS };
  let inline: RawRun;
  let threaded: RawRun;
  try {
    inline = await engine.runRaw(config, { host: 'inline', ...opts });
    threaded = await engine.runRaw(config, { host: 'threaded', ...opts });
  } catch (error) {
    return reportFailure(error, config, { checkHosts: true } as RunArgs, io);
  }
  const a = combineDigests(inline.actorDigests);
  const b = combineDigests(threaded.actorDigests);
  if (a === b) {
    io.stderr.write(`npusim: hosts agree: event digest ${a}, ${inline.events} events each\n`);
    return undefined;
  }
  const plan = (await import('../model/actors/machine.js')).planMachine(config);
  const d = firstDivergence(inline.recorded, threaded.recorded);
  const where =
    d === undefined
      ? `no divergence within the first ${CHECK_HOSTS_RECORD_EVENTS} events of each actor`
      : `actor ${plan.actors[d.actor]?.name ?? d.actor}, event #${d.index}: ` +
        `inline [time, kind, source, seq, address, tag] = ${JSON.stringify(d.a)}, threaded = ${JSON.stringify(d.b)}`;
  io.stderr.write(
    `npusim: crash (exit 4): the hosts disagree: inline digest ${a}, threaded ${b}\n  first divergence: ${where}\n` +
      `reproduce: ${reproduceCommand(config, 'threaded')} --check-hosts\n`,
  );
  return EXIT.crash;
}

function reportFailure(error: unknown, config: RunConfig, args: RunArgs, io: CliIo): number {
  const reproduce = reproduceCommand(config, args.host);
  if (error instanceof ActorCrashError) {
    const c = error.crash;
    io.stderr.write(
      `npusim: crash (exit 4): actor ${c.actor} crashed at tick ${c.tick}: ${c.message}\n` +
        `  last event: ${c.lastEvent === undefined ? 'none' : JSON.stringify(c.lastEvent)}\n` +
        `  seed: ${config.seed}\n${indent(c.stack)}\nreproduce: ${reproduce}\n`,
    );
    return EXIT.crash;
  }
  if (error instanceof EngineStallError) {
    io.stderr.write(
      `npusim: liveness failure (exit 3): ${error.message}\n  seed: ${config.seed}\n` +
        `${indent(JSON.stringify(error.dump, null, 2))}\nreproduce: ${reproduce}\n`,
    );
    return EXIT.liveness;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`npusim: ${error.message}\nRun \`npusim --help\` for usage.\n`);
    return EXIT.usage;
  }
  io.stderr.write(
    `npusim: unexpected error (exit 4):\n${indent(errorText(error))}\n  seed: ${config.seed}\nreproduce: ${reproduce}\n`,
  );
  return EXIT.crash;
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
    const disable = [...g.requiredDisableMask].map(([gpu, mask]) => `GPU${gpu} links 0x${mask.toString(16)}`);
    out.push(
      `  group ${g.id}: socket ${g.socket}, GPUs ${g.gpus.map((i) => `GPU${i}`).join(' ')}, ` +
        `${g.bridges.length} NVLink bridges${disable.length > 0 ? `; must disable ${disable.join(', ')}` : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}

function checkTopology(name: string, option: string): void {
  if (!isPresetName(name)) {
    throw new ConfigError(
      option,
      `Expected one of ${Object.keys(TOPOLOGY_PRESETS).join(', ')}, got \`${name}\``,
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
