// Where an inline run spends its time, down to V8's builtins and the runtime's C++:
//   node scripts/perf-inline.mjs [DIST=dist] [duration=6ms] [top=30]
// Runs `npusim run stress --seed 20180601 --duration D --inline` from DIST under Linux `perf record`
// (CPU-clock samples with call stacks) with `node --perf-prof`, so V8 writes a map of its compiled
// functions (a jitdump) that `perf inject --jit` folds in; then prints the top symbols by self
// samples, and for each V8 builtin or C++ frame among them, the JavaScript functions that called it
// (which `node --cpu-prof` cannot show: it charges a builtin's time to its caller, or to nothing).
// Needs `perf` (Debian: linux-perf). Every file it makes is in a fresh temporary directory.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perfRunArgs } from './perf-script-args.mjs';

const {
  dist,
  cli,
  duration,
  count: top,
} = perfRunArgs(process.argv.slice(2), {
  script: 'perf-inline',
  usage: 'node scripts/perf-inline.mjs [DIST=dist] [duration=6ms] [top=30]',
  duration: '6ms',
  count: { name: 'top', default: 30, min: 1, max: 500 },
});

// Not named /tmp/perf-…: perf takes any file there for a JIT map of its own (perf-PID.map), and
// the jitted objects `perf inject` writes beside the data then resolve to nothing ([unknown]).
const dir = mkdtempSync(join(tmpdir(), 'npusim-jit-profile-'));
try {
  const record = spawnSync(
    'perf',
    [
      'record',
      '-g',
      '-k',
      '1',
      '-e',
      'cpu-clock',
      '-F',
      '3000',
      '-o',
      'perf.data',
      process.execPath,
      '--perf-prof',
      '--perf-prof-unwinding-info',
      cli,
      'run',
      'stress',
      '--seed',
      '20180601',
      '--duration',
      duration,
      '--inline',
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (record.status !== 0) throw new Error(`perf record failed (exit ${record.status}):\n${record.stderr}`);
  execFileSync('perf', ['inject', '--jit', '-i', 'perf.data', '-o', 'perf.jit.data'], {
    cwd: dir,
    stdio: 'ignore',
  });
  // One block per sample: its frames, leaf first, each `address symbol`.
  const script = execFileSync('perf', ['script', '-i', 'perf.jit.data', '-F', 'ip,sym'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const self = new Map();
  const callers = new Map();
  let samples = 0;
  for (const block of script.split(/\n\s*\n/)) {
    const frames = block
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(1).join(' '))
      .filter((f) => f !== '');
    if (frames.length === 0) continue;
    samples++;
    const leaf = shorten(frames[0]);
    self.set(leaf, (self.get(leaf) ?? 0) + 1);
    if (!leaf.startsWith('JS:')) {
      const js = frames.find((f) => f.startsWith('JS:'));
      const byCaller = callers.get(leaf) ?? new Map();
      const c = js === undefined ? '(no JavaScript frame)' : shorten(js);
      byCaller.set(c, (byCaller.get(c) ?? 0) + 1);
      callers.set(leaf, byCaller);
    }
  }
  const pct = (n) => `${((100 * n) / samples).toFixed(2).padStart(6)} %`;
  console.log(
    `perf-inline: stress, seed 20180601, ${duration} inline, ${dist}: ${samples} samples (every thread)`,
  );
  const ranked = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [sym, n] of ranked) console.log(`${pct(n)}  ${sym}`);
  console.log('\ncallers of the native frames above (first JavaScript frame up the stack):');
  for (const [sym] of ranked) {
    const byCaller = callers.get(sym);
    if (byCaller === undefined) continue;
    const list = [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`  ${sym}: ${list.map(([c, n]) => `${c} ${pct(n).trim()}`).join('; ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** `JS:*name file:///…/dist/src/x/y.js:12:3` -> `JS:*name x/y.js:12`; native symbols as they are. */
function shorten(frame) {
  const m = /^(JS:\S*)\s+\S*?([^/]+\/[^/]+\.js):(\d+)/.exec(frame);
  return m === null ? frame : `${m[1]} ${m[2]}:${m[3]}`;
}
