/**
 * What every benchmark here shares: the median of its runs, and the run configuration of a
 * built-in workload at a given seed and length (so each bench runs exactly what `npusim run`
 * would, with the workload's own defaults).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { ScenarioArgs } from '../src/cli/cli-args.js';
import type { RunConfig } from '../src/model/scenario/workload.js';
import { loadWorkloads } from '../src/runtime/workload-registry.js';

/** A bad command line (an option, or a baseline directory without a build): printed without a stack, exit 2. */
export class UsageError extends Error {}

/** The median of `xs` (the upper one of an even count): what every bench row reports. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/**
 * The median over rounds of a's run over b's run in the same round ("paired"): besides the ratio
 * of the two medians, what the benches report for a ratio of two rows whose runs are interleaved
 * round by round. A drift of the machine's speed over the bench (other processes' load) moves the
 * medians of two rows measured at different moments apart; each round's ratio compares runs
 * seconds apart, so it moves less.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `Expected two rows with the same number of runs (one per round), got ${a.length} and ${b.length}`,
    );
  }
  return median(a.map((x, r) => x / b[r]!));
}

/**
 * A target's verdict as the benches print it: "target >= T: met" (or "NOT met") on the ratio of
 * medians `x`, and, when the paired ratio `paired` falls on the other side of T, what it says too.
 */
export function targetVerdict(x: number, paired: number, target: number): string {
  const said = (r: number) => (r >= target ? 'met' : 'NOT met');
  return `target >= ${target}: ${said(x)}${(paired >= target) !== (x >= target) ? `; paired ${said(paired)}` : ''}`;
}

/** Built-in workload `name` at `seed`, run for `durationTicks`, with no bug switch. */
export async function workloadConfig(name: string, seed: number, durationTicks: number): Promise<RunConfig> {
  const workload = (await loadWorkloads()).get(name);
  if (workload === undefined) throw new Error(`Expected workload \`${name}\` in workloads/index, found none`);
  return { workload: name, seed, bugs: [], params: { ...workload.params, durationTicks } };
}

/** How long settle() samples the process's CPU, and at most how many samples it takes. */
const SETTLE_SAMPLE_MS = 50;
const SETTLE_MAX_SAMPLES = 60;
/** Below this share of one core, the process counts as quiet (an idle kept worker costs ~0). */
const SETTLE_QUIET_CORES = 0.2;

/**
 * Wait until this process is quiet: what a run left behind (worker threads terminating and
 * freeing their heaps, which on this VM outlasts the run by hundreds of milliseconds) would
 * otherwise fall on the next host's run, and the hosts that follow a fresh-thread run (the
 * baseline after inline-pair) would be measured on a busier machine than the others. Samples
 * process.cpuUsage (every thread) over 50 ms windows until one is under a fifth of a core, at
 * most 3 s; returns the milliseconds waited.
 */
export async function settle(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < SETTLE_MAX_SAMPLES; i++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await new Promise((r) => setTimeout(r, SETTLE_SAMPLE_MS));
    const used = process.cpuUsage(cpu);
    if ((used.user + used.system) / 1000 / (performance.now() - wall) < SETTLE_QUIET_CORES) break;
  }
  return performance.now() - started;
}

/** The machine a bench ran on: cores and the 1-minute load average before and after (it counts the bench's own threads). */
export interface MachineContext {
  cpus: number;
  loadAverageBefore: number;
  loadAverageAfter: number;
}

/** The context of a bench that began with load average `loadBefore` (take it with `loadavg()[0]`). */
export function machineContext(loadBefore: number): MachineContext {
  return { cpus: availableParallelism(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg()[0]! };
}

/** `2 CPUs, 1-min load average 3.0 before, 4.1 after`: the closing line of every bench's table. */
export function contextText(c: MachineContext): string {
  return `${c.cpus} CPUs, 1-min load average ${c.loadAverageBefore.toFixed(1)} before, ${c.loadAverageAfter.toFixed(1)} after`;
}

/**
 * A note when other processes held more than the CPUs as the bench began (1-min load average
 * above the CPU count): every rate is then low, and a ratio between rows holds only if that load
 * fell on every row alike. Undefined when the machine was not oversubscribed.
 */
export function loadNote(c: MachineContext): string | undefined {
  if (c.loadAverageBefore <= c.cpus) return undefined;
  return `note: the load average (${c.loadAverageBefore.toFixed(1)}) was above the CPU count (${c.cpus}) as the bench began: other processes shared the CPUs, so every rate is low, and ratios between rows hold only if that load fell on every row alike`;
}

/**
 * The scenario of `npusim sweep W --bug BUG` (with `--stop-on-first` when asked), every other
 * option left to its default: what the sweep and explore benches run.
 */
export function bugScenarioArgs(bug: string, stopOnFirst: boolean): ScenarioArgs {
  return {
    durationTicks: undefined,
    topology: undefined,
    policy: undefined,
    bugs: [bug],
    profile: undefined,
    stopOnFirst,
    failuresDir: undefined,
    set: [],
    variant: undefined,
    free: undefined,
    strategy: 'random',
    pctDepth: 3,
  };
}
