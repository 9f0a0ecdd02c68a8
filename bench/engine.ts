/**
 * Engine benchmark: the stress workload (the default of `npusim run` when the figures in the
 * README were measured; `mixed` is now), a fixed seed and duration, run inline and
 * threaded in the same process, RUNS times each, interleaved so both hosts see the same machine
 * load. A run's rates are its own events and simulated time over its own wall time (RawRun.wallMs:
 * from planning to the last report, worker start-up included for threaded runs). Reported: the
 * median of each host's runs, and threaded/inline.
 *
 * Targets (npusim issue 5): inline >= 1 million events/s; threaded >= 1.5 x inline. Nothing here
 * asserts them; the table prints them beside the figures. Every run's digest is compared with the
 * first inline run's: a benchmark whose hosts disagree fails instead of printing a rate.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { RunConfig } from '../src/model/scenario/workload.js';
import { combineDigests } from '../src/runtime/digest.js';
import { runRaw } from '../src/runtime/engine.js';
import type { RawRun } from '../src/runtime/raw-run.js';
import { loadWorkloads } from '../src/runtime/workload-registry.js';
import type { BenchOptions } from './main.js';

const WORKLOAD = 'stress';
const SEED = 20_180_601;
/**
 * Two lengths of run: a short one (1 ms simulated, 5 runs per host), where the threaded host's
 * start-up (nine workers loading the code and building the world, each JIT-warming on its own) is
 * a large share of the wall time; and a long one (6 ms, 3 runs per host), closer to the steady
 * state a user sees in a real stress run.
 */
const LENGTHS = [
  { durationTicks: 1_000_000_000, runs: 5 },
  { durationTicks: 6_000_000_000, runs: 3 },
] as const;
const TARGET_INLINE_EVENTS_PER_SECOND = 1e6;
const TARGET_THREADED_OVER_INLINE = 1.5;

interface HostFigures {
  host: 'inline' | 'threaded';
  runs: { eventsPerSecond: number; simulatedNsPerWallSecond: number; wallMs: number }[];
  medianEventsPerSecond: number;
  medianSimulatedNsPerWallSecond: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function figuresOf(raw: RawRun) {
  const seconds = raw.wallMs / 1000;
  return {
    eventsPerSecond: raw.events / seconds,
    simulatedNsPerWallSecond: raw.reachedTick / 1000 / seconds,
    wallMs: raw.wallMs,
  };
}

export async function run(opts: BenchOptions): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const summaries = [];
  for (const { durationTicks, runs } of LENGTHS) summaries.push(await runLength(durationTicks, runs, opts));
  const loadAfter = loadavg()[0]!;
  const context = {
    cpus: availableParallelism(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'engine', lengths: summaries, ...context }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `(${context.cpus} CPUs, 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after)\n`,
  );
}

async function runLength(DURATION_TICKS: number, RUNS: number, opts: BenchOptions) {
  const workload = (await loadWorkloads()).get(WORKLOAD);
  if (workload === undefined)
    throw new Error(`Expected workload \`${WORKLOAD}\` in workloads/index, found none`);
  const config: RunConfig = {
    workload: WORKLOAD,
    seed: SEED,
    bugs: [],
    params: { ...workload.params, durationTicks: DURATION_TICKS },
  };
  const hosts: Record<'inline' | 'threaded', HostFigures> = {
    inline: { host: 'inline', runs: [], medianEventsPerSecond: 0, medianSimulatedNsPerWallSecond: 0 },
    threaded: { host: 'threaded', runs: [], medianEventsPerSecond: 0, medianSimulatedNsPerWallSecond: 0 },
  };
  let digest: string | undefined;
  let events = 0;
  for (let i = 0; i < RUNS; i++) {
    for (const host of ['inline', 'threaded'] as const) {
      const raw = await runRaw(config, { host });
      const d = combineDigests(raw.actorDigests);
      digest ??= d;
      events = raw.events;
      if (d !== digest) {
        throw new Error(
          `engine bench: ${host} run ${i} has digest ${d}, expected ${digest} (first inline run)`,
        );
      }
      hosts[host].runs.push(figuresOf(raw));
    }
  }
  for (const h of Object.values(hosts)) {
    h.medianEventsPerSecond = median(h.runs.map((r) => r.eventsPerSecond));
    h.medianSimulatedNsPerWallSecond = median(h.runs.map((r) => r.simulatedNsPerWallSecond));
  }
  const ratio = hosts.threaded.medianEventsPerSecond / hosts.inline.medianEventsPerSecond;
  const summary = {
    bench: 'engine',
    workload: WORKLOAD,
    seed: SEED,
    durationTicks: DURATION_TICKS,
    eventsPerRun: events,
    digest,
    runsPerHost: RUNS,
    inline: hosts.inline,
    threaded: hosts.threaded,
    threadedOverInline: ratio,
    targets: {
      inlineEventsPerSecond: TARGET_INLINE_EVENTS_PER_SECOND,
      threadedOverInline: TARGET_THREADED_OVER_INLINE,
      inlineMet: hosts.inline.medianEventsPerSecond >= TARGET_INLINE_EVENTS_PER_SECOND,
      threadedMet: ratio >= TARGET_THREADED_OVER_INLINE,
    },
  };
  if (opts.json) return summary;
  const fmt = (x: number): string => x.toExponential(3).padStart(12);
  process.stdout.write(
    `engine: workload ${WORKLOAD}, seed ${SEED}, ${DURATION_TICKS / 1e9} ms simulated, ${events} events per run, ` +
      `median of ${RUNS} runs per host, digest ${digest}\n`,
  );
  process.stdout.write(
    `${'host'.padEnd(10)}${'events/s'.padStart(12)}${'sim ns/s'.padStart(12)}${'wall ms'.padStart(10)}\n`,
  );
  for (const h of Object.values(hosts)) {
    const wall = median(h.runs.map((r) => r.wallMs));
    process.stdout.write(
      `${h.host.padEnd(10)}${fmt(h.medianEventsPerSecond)}${fmt(h.medianSimulatedNsPerWallSecond)}${wall.toFixed(0).padStart(10)}\n`,
    );
  }
  process.stdout.write(
    `threaded/inline: ${ratio.toFixed(2)} (target >= ${TARGET_THREADED_OVER_INLINE}: ${summary.targets.threadedMet ? 'met' : 'NOT met'}); ` +
      `inline target >= ${TARGET_INLINE_EVENTS_PER_SECOND.toExponential(0)} events/s: ${summary.targets.inlineMet ? 'met' : 'NOT met'}\n\n`,
  );
  return summary;
}
