/**
 * CLI start-up benchmark: how long `npusim` takes, as a user's shell runs it, for commands whose
 * work is small enough that loading the CLI is most of it: `--help`, `topo`, `list` and a 1 ns
 * `run` (a few hundred events), inline and with one worker per actor (the workers' start-up on
 * top). Every run is a fresh `node dist/src/cli/main.js ...`
 * process, timed from spawn to exit (performance.now around spawnSync), so the figure holds Node's
 * own start, the module loading and the command. With `--baseline DIR` (an older build's checkout,
 * built with `npm run build`, worker bundle included: without it the baseline's workers load
 * tsc's output module by module and its threaded row is slower for that alone) each command runs on both builds, interleaved, alternating which goes first.
 * A bare `node -e 0` row is Node's own floor.
 *
 * Options: `--runs N` runs per command and build (default 9), `--baseline DIR`.
 * Reported: each command's median wall time per build and the ratio baseline over this build, as
 * the ratio of the medians and as the median of the per-round ratios ("paired", bench-run.ts).
 * Every command runs in a temporary working directory (a failure file would land there). Before
 * any timing the baseline must print a version for `--version` and run every command once: one
 * that does not is refused (exit 2, naming the baseline, the command and its stderr). A command
 * that still exits non-zero during timing fails the bench (exit 4, its stderr shown).
 * Nothing here asserts a speed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countText } from '../src/core/count-text.js';
import { contextText, machineContext, median, pairedRatio, UsageError } from './bench-run.js';
import type { BenchOptions } from './main.js';

const DEFAULT_RUNS = 9;
const CHILD_TIMEOUT_MS = 60_000;
const MAIN = 'dist/src/cli/main.js';
/** The commands timed, as a user types them after `npusim`. */
const COMMANDS: readonly (readonly string[])[] = [
  ['--help'],
  ['topo'],
  ['list'],
  // No `--no-failure-file`, which older builds (622ba01) refuse: every command runs in a temporary
  // working directory instead, where a failure file (./npusim-failures) would land and be removed.
  ['run', 'stress', '--seed', '1', '--duration', '1ns', '--inline'],
  // One worker per actor (the default placement): the workers' start-up on top of the command's.
  ['run', 'stress', '--seed', '1', '--duration', '1ns'],
];

interface Build {
  name: string;
  /** The checkout whose `dist/src/cli/main.js` runs; undefined: `node -e 0`, the floor. */
  root: string | undefined;
}

export async function run(opts: BenchOptions): Promise<void> {
  const runs = opts.whole('runs', DEFAULT_RUNS, 1, 1_000);
  const here = fileURLToPath(new URL('../../', import.meta.url));
  const builds: Build[] = [{ name: 'this build', root: here }];
  const baselineDir = opts.values.baseline;
  if (baselineDir !== undefined) builds.push({ name: 'baseline', root: baselineRoot(baselineDir) });
  const cwd = mkdtempSync(join(tmpdir(), 'npusim-bench-cli-'));
  try {
    // Before any timing: the baseline is an npusim build and takes every command.
    if (baselineDir !== undefined) checkBaseline(baselineDir, builds[1]!.root!, cwd);
    await measure(opts, runs, builds, cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function measure(
  opts: BenchOptions,
  runs: number,
  builds: readonly Build[],
  cwd: string,
): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const floor: number[] = [];
  const wall = new Map<string, number[]>();
  const key = (build: Build, command: readonly string[]) => `${build.name}\u0000${command.join(' ')}`;
  for (let i = 0; i < runs; i++) {
    floor.push(timedRun(undefined, ['-e', '0'], cwd));
    for (const command of COMMANDS) {
      // Alternate which build goes first, so neither always starts right after the other.
      for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
        const list = wall.get(key(b, command)) ?? [];
        list.push(timedRun(b.root, command, cwd));
        wall.set(key(b, command), list);
      }
    }
  }
  const rows = COMMANDS.map((command) => {
    const mineRuns = wall.get(key(builds[0]!, command))!;
    const baseRuns = builds[1] === undefined ? undefined : wall.get(key(builds[1], command))!;
    const mine = median(mineRuns);
    const base = baseRuns === undefined ? undefined : median(baseRuns);
    return {
      command: `npusim ${command.join(' ')}`,
      thisBuildMs: mine,
      baselineMs: base ?? null,
      baselineOverThis: base === undefined ? null : base / mine,
      /** The median of the per-round ratios (bench-run.ts pairedRatio). */
      baselineOverThisPaired: baseRuns === undefined ? null : pairedRatio(baseRuns, mineRuns),
    };
  });
  const context = machineContext(loadBefore);
  if (opts.json) {
    const summary = { bench: 'cli', runsPerCommand: runs, nodeFloorMs: median(floor), rows, ...context };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(cliHeading(runs));
  const width = Math.max(...rows.map((r) => r.command.length)) + 2;
  out(
    `${'command'.padEnd(width)}${'this build'.padStart(11)}${'baseline'.padStart(10)}${'base/this'.padStart(11)}${'paired'.padStart(9)}`,
  );
  for (const r of rows) {
    out(
      `${r.command.padEnd(width)}${r.thisBuildMs.toFixed(0).padStart(11)}` +
        `${(r.baselineMs === null ? '-' : r.baselineMs.toFixed(0)).padStart(10)}` +
        `${(r.baselineOverThis === null ? '-' : `${r.baselineOverThis.toFixed(2)} x`).padStart(11)}` +
        `${(r.baselineOverThisPaired === null ? '-' : `${r.baselineOverThisPaired.toFixed(2)} x`).padStart(9)}`,
    );
  }
  out(`${'node -e 0 (the floor)'.padEnd(width)}${median(floor).toFixed(0).padStart(11)}`);
  if (builds[1] === undefined) out('(no baseline: --baseline DIR runs an older build side by side)');
  else out(`(baseline ${opts.values.baseline})`);
  out(`(${contextText(context)})`);
}

/** The table's first line: the median of `runs` runs per build. */
export function cliHeading(runs: number): string {
  return `cli: each command in a fresh node process, median wall ms of ${countText(runs, 'run')} per build, interleaved`;
}

/**
 * The checkout `--baseline DIR` names, resolved, or a UsageError (exit 2) before anything runs: a
 * wrong path is a usage error, not a failed spawn later.
 */
export function baselineRoot(dir: string): string {
  if (dir.trim() === '')
    throw new UsageError('Expected `--baseline` to name a directory, got an empty string');
  const root = resolve(dir);
  if (!existsSync(join(root, MAIN)))
    throw new UsageError(
      `Expected \`--baseline\` to name a checkout holding a built CLI (${MAIN}; build it with \`npm run build\`), got \`${dir}\` without it`,
    );
  return root;
}

/**
 * The baseline checkout `root` (`--baseline dir`), checked before any timing, in the working
 * directory `cwd`: its CLI prints a version for `--version` (an npusim build, not any main.js) and
 * runs every timed command. A UsageError (exit 2) names the baseline, the command and its exit.
 */
export function checkBaseline(dir: string, root: string, cwd: string): void {
  const version = spawnCli(root, ['--version'], cwd);
  if (version.failure !== undefined || !/\d+\.\d+/.test(version.stdout))
    throw new UsageError(
      `Expected \`--baseline\` ${dir} to be an npusim build (\`${MAIN} --version\` printing its version), got ` +
        `${version.failure ?? (version.stdout.trim() === '' ? 'no output' : `\`${version.stdout.trim().split('\n')[0]}\``)}`,
    );
  for (const command of COMMANDS) {
    const r = spawnCli(root, command, cwd);
    if (r.failure !== undefined)
      throw new UsageError(
        `Expected the baseline ${dir} to take \`npusim ${command.join(' ')}\`, got ${r.failure.replace(/^exited /, 'exit ')}${r.stderr.trim() === '' ? '' : `:\n${r.stderr.trimEnd()}`}`,
      );
  }
}

/** One `node` process of the CLI of `root` (or bare node), in `cwd`: its wall ms, output and failure. */
function spawnCli(
  root: string | undefined,
  args: readonly string[],
  cwd: string,
): { ms: number; argv: string[]; stdout: string; stderr: string; failure: string | undefined } {
  const argv = root === undefined ? [...args] : [join(root, MAIN), ...args];
  const started = performance.now();
  const r = spawnSync(process.execPath, argv, {
    cwd,
    timeout: CHILD_TIMEOUT_MS,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - started;
  const failure =
    r.error !== undefined
      ? `failed: ${r.error.message}`
      : r.status !== 0
        ? `exited ${r.status ?? r.signal}`
        : undefined;
  return { ms, argv, stdout: r.stdout ?? '', stderr: r.stderr ?? '', failure };
}

/**
 * Wall ms of one `node` process: the CLI of the checkout `root` with `args`, or bare node, in the
 * working directory `cwd`. A run that exits non-zero (or cannot start) throws, naming the command,
 * the exit and its stderr.
 */
export function timedRun(root: string | undefined, args: readonly string[], cwd: string): number {
  const r = spawnCli(root, args, cwd);
  if (r.failure !== undefined)
    throw new Error(`cli bench: \`node ${r.argv.join(' ')}\` in ${cwd} ${r.failure}:\n${r.stderr}`);
  return r.ms;
}
