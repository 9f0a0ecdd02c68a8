// Where each host's CPU time goes, side by side: what limits one worker per actor and --workers 2
// against one thread (npusim issue 15: "where a target is missed, say ... what limits it").
//   node scripts/cpu-by-host.mjs [DIST=dist] [duration=3ms] [rounds=1]
// Runs `npusim run stress --seed 20180601 --duration D` from DIST inline, with --workers 2, with
// one worker per actor and free-running (--free), each under Linux `perf record` (cpu-clock, one sample per 250 us of CPU time
// on every thread, with call stacks), `rounds` times in turn. Every sample is put in one category
// (scripts/cpu-categories.mjs: JavaScript, V8's builtins, its optimising compiler, its garbage
// collector, thread waits and wakes, the kernel's futex work, the rest of the kernel, other native
// code), and each host's CPU seconds per category are printed as CPU microseconds per simulated
// event (every host but free runs the same events: their digests are checked equal; a free run
// races anew, and its own events count), then each threaded
// host's excess over inline per category. Samples are CPU time, not wall time: a thread that waits
// for a core is not sampled. perf's own overhead is in every host alike.
// Needs `perf` (Debian: linux-perf). Every file it makes is in a fresh temporary directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES, categoryOf, samplesOf } from './cpu-categories.mjs';
import { perfRunArgs } from './perf-script-args.mjs';

const {
  dist,
  cli,
  duration,
  count: rounds,
} = perfRunArgs(process.argv.slice(2), {
  script: 'cpu-by-host',
  usage: 'node scripts/cpu-by-host.mjs [DIST=dist] [duration=3ms] [rounds=1]',
  duration: '3ms',
  count: { name: 'rounds', default: 1, min: 1, max: 20 },
});

/** The one row of the function list that stands for all compiled JavaScript. */
const JAVASCRIPT_ROW = 'compiled JavaScript';
/** How many functions each threaded host's excess lists. */
const TOP_SYMBOLS = 8;
/** A run under perf that takes longer than this is ended (the engine's watchdog should end it first). */
const RUN_TIMEOUT_MS = 30 * 60_000;
/** One sample per this many ns of CPU time, on each thread. */
const PERIOD_NS = 250_000;
const HOSTS = [
  { name: 'inline', args: ['--inline'] },
  { name: 'workers-2', args: ['--workers', '2'] },
  { name: 'per-actor', args: [] },
  // Free-running threads race anew each run: their event order, so their digest, is their own.
  { name: 'free', args: ['--free'], ownDigest: true },
];

// Not named /tmp/perf-…: perf takes any file there for a JIT map of its own.
const dir = mkdtempSync(join(tmpdir(), 'npusim-cpu-by-host-'));
const loadBefore = loadavg()[0];
try {
  const totals = new Map(
    HOSTS.map((h) => [h.name, { runs: 0, wallMs: 0, events: 0, cpu: new Map(), bySymbol: new Map() }]),
  );
  let digest;
  for (let r = 0; r < rounds; r++) {
    for (const host of HOSTS) {
      const run = spawnSync(
        'perf',
        [
          'record',
          '-g',
          '-e',
          'cpu-clock',
          '-c',
          String(PERIOD_NS),
          '-o',
          'perf.data',
          '--',
          process.execPath,
          cli,
        ]
          .concat(['run', 'stress', '--seed', '20180601', '--duration', duration])
          .concat(['--json', '--no-failure-file', ...host.args]),
        { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, timeout: RUN_TIMEOUT_MS },
      );
      if (run.error !== undefined)
        throw new Error(`${host.name}: perf record did not finish: ${run.error.message}`);
      if (run.status !== 0)
        throw new Error(`${host.name}: perf record failed (exit ${run.status}):\n${run.stderr}`);
      const result = JSON.parse(run.stdout);
      if (digest === undefined) digest = result.eventDigest;
      if (!host.ownDigest && result.eventDigest !== digest) {
        throw new Error(
          `${host.name}: expected event digest ${digest} (the first run's), got ${result.eventDigest}`,
        );
      }
      const script = spawnSync('perf', ['script', '-i', 'perf.data', '-F', 'tid,ip,sym,dso'], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      if (script.status !== 0)
        throw new Error(`perf script failed (exit ${script.status}):\n${script.stderr}`);
      const t = totals.get(host.name);
      t.runs++;
      t.wallMs += result.wallMs;
      t.events += result.engine.events;
      for (const frames of samplesOf(script.stdout)) {
        const c = categoryOf(frames);
        t.cpu.set(c, (t.cpu.get(c) ?? 0) + PERIOD_NS / 1e9);
        const sym = symbolOf(frames[0]);
        t.bySymbol.set(sym, (t.bySymbol.get(sym) ?? 0) + PERIOD_NS / 1e9);
      }
    }
  }
  const usPerEvent = (t, c) => (1e6 * (t.cpu.get(c) ?? 0)) / t.events;
  const cpuSeconds = (t) => [...t.cpu.values()].reduce((a, b) => a + b, 0);
  console.log(
    `cpu-by-host: stress, seed 20180601, ${duration}, ${dist}, ${rounds} round(s); event digest ${digest} on every host but free`,
  );
  console.log(
    'CPU us per simulated event, by what the CPU was doing (perf cpu-clock samples, every thread)\n',
  );
  const names = HOSTS.map((h) => h.name);
  const row = (label, cells) =>
    console.log(label.padEnd(38) + cells.map((c) => String(c).padStart(11)).join(''));
  row('', names);
  row(
    'wall s under perf (start-up included)',
    names.map((n) => (totals.get(n).wallMs / 1000 / totals.get(n).runs).toFixed(2)),
  );
  row(
    'CPU s',
    names.map((n) => (cpuSeconds(totals.get(n)) / totals.get(n).runs).toFixed(2)),
  );
  row(
    'events per run',
    names.map((n) => Math.round(totals.get(n).events / totals.get(n).runs)),
  );
  for (const c of CATEGORIES)
    row(
      c,
      names.map((n) => usPerEvent(totals.get(n), c).toFixed(3)),
    );
  row(
    'all',
    names.map((n) => ((1e6 * cpuSeconds(totals.get(n))) / totals.get(n).events).toFixed(3)),
  );
  const inline = totals.get('inline');
  for (const n of names.slice(1)) {
    const t = totals.get(n);
    const extra = (1e6 * cpuSeconds(t)) / t.events - (1e6 * cpuSeconds(inline)) / inline.events;
    const parts = CATEGORIES.map((c) => [c, usPerEvent(t, c) - usPerEvent(inline, c)])
      .filter(([, d]) => Math.abs(d) >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([c, d]) => `${c} ${d >= 0 ? '+' : ''}${d.toFixed(3)} (${((100 * d) / extra).toFixed(0)} %)`);
    console.log(
      `\n${n} over inline: ${extra >= 0 ? '+' : ''}${extra.toFixed(3)} CPU us per event: ${parts.join(', ')}`,
    );
    const perEvent = (x, sym) => (1e6 * (x.bySymbol.get(sym) ?? 0)) / x.events;
    const symbols = [...t.bySymbol.keys()]
      .map((sym) => [sym, perEvent(t, sym) - perEvent(inline, sym)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_SYMBOLS);
    console.log(
      `  the ${TOP_SYMBOLS} functions that grew most (CPU us per event over inline's, with its category):`,
    );
    for (const [sym, d] of symbols) {
      // A leaf alone cannot tell the kernel's futex work from the rest of it (that needs the stack).
      const c =
        sym === JAVASCRIPT_ROW
          ? 'javascript'
          : categoryOf([sym]).startsWith('kernel')
            ? 'kernel'
            : categoryOf([sym]);
      console.log(`    ${d >= 0 ? '+' : ''}${d.toFixed(3)}  ${sym}  [${c}]`);
    }
  }
  console.log(
    `\n(${availableParallelism()} CPUs, 1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** A leaf frame without its address: `symbol (dso)`; compiled JavaScript as one row (its names
 * would need `node --perf-prof`, which slows every host). */
function symbolOf(frame) {
  const f = frame.replace(/^[0-9a-f]+\s+/, '');
  return categoryOf([f]) === 'javascript' ? JAVASCRIPT_ROW : f;
}
