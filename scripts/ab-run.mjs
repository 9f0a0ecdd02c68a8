// A/B of two builds through the command a user runs, for any host (inline, --workers N, one
// worker per actor, --free):
//   node scripts/ab-run.mjs A_DIST B_DIST [rounds=5] -- RUN_ARGS...
// Each round runs `node DIST/src/cli/main.js run RUN_ARGS --json` once per build, the order
// alternating between rounds, every run in a fresh process (cold, as `npusim run` starts), one at a
// time. It prints each run's events per second (the run's own figure: events over its wall time),
// the median of each build, B over A (ratio of the medians, and the median of the rounds' own
// ratios, each round's two runs being back to back), and the event digest, which must be the same
// for every run: two builds that simulate differently are not an A/B of speed. scripts/ab-inline.mjs
// measures CPU per event of the inline engine within warm processes; this one measures what a
// user sees, and is the one for threaded hosts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const USAGE = 'usage: node scripts/ab-run.mjs A_DIST B_DIST [rounds=5] -- RUN_ARGS...';
const RUN_TIMEOUT_MS = 600_000;

// Checked before any run: a wrong argument ends here, exit 2, naming what was expected.
function usage(why) {
  process.stderr.write(`ab-run: ${why}\n${USAGE}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
if (dash < 0) usage(`expected \`--\` and then the arguments of \`npusim run\`, got \`${argv.join(' ')}\``);
const own = argv.slice(0, dash);
const runArgs = argv.slice(dash + 1);
const [a, b, roundsArg, ...extra] = own;
for (const [name, dir] of [
  ['A_DIST', a],
  ['B_DIST', b],
]) {
  if (dir === undefined) usage(`expected ${name}, a build's dist/ directory, got none`);
  if (!existsSync(join(dir, 'src', 'cli', 'main.js')))
    usage(`expected ${name} to be a build's dist/ directory (holding src/cli/main.js), got \`${dir}\``);
}
if (extra.length > 0) usage(`expected nothing between rounds and \`--\`, got \`${extra.join(' ')}\``);
const rounds = roundsArg === undefined ? 5 : Number(roundsArg);
if (!/^[1-9][0-9]*$/.test(roundsArg ?? '5') || !Number.isSafeInteger(rounds) || rounds > 1000)
  usage(`expected rounds to be a whole number from 1 to 1000, got \`${roundsArg}\``);
if (runArgs.length === 0)
  usage('expected the arguments of `npusim run` after `--` (a workload at least), got none');
if (runArgs.includes('--json')) usage('expected RUN_ARGS without --json (ab-run adds it), got `--json`');

/** One run of `dist`: its events per second and event digest; exits on a run that gives none. */
function runOnce(label, dist) {
  const r = spawnSync(
    process.execPath,
    [join(resolve(dist), 'src', 'cli', 'main.js'), 'run', ...runArgs, '--json'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: RUN_TIMEOUT_MS,
    },
  );
  const command = `node ${join(dist, 'src', 'cli', 'main.js')} run ${runArgs.join(' ')} --json`;
  if (r.error !== undefined) {
    process.stderr.write(`ab-run: ${label}: \`${command}\` did not finish: ${r.error.message}\n`);
    process.exit(1);
  }
  // npusim's exit 2 is a refused argument: the same for the other build, so it is ours to report.
  if (r.status === 2) {
    process.stderr.write(
      `ab-run: ${label}: \`npusim run\` refused RUN_ARGS (exit 2):\n${r.stderr}${USAGE}\n`,
    );
    process.exit(2);
  }
  let result;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    process.stderr.write(
      `ab-run: ${label}: expected a JSON result from \`${command}\`, got exit ${r.status} and:\n${r.stderr.slice(-2000)}\n`,
    );
    process.exit(1);
  }
  const eps = result?.engine?.eventsPerSecond;
  if (typeof eps !== 'number' || typeof result.eventDigest !== 'string') {
    process.stderr.write(
      `ab-run: ${label}: expected engine.eventsPerSecond and eventDigest in the result of \`${command}\`, got neither\n`,
    );
    process.exit(1);
  }
  return { eps, digest: result.eventDigest };
}

const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const k = (x) => `${(x / 1000).toFixed(1)}k`;

const runs = { A: [], B: [] };
const pairs = [];
const digests = new Map();
process.stdout.write(
  `ab-run: npusim run ${runArgs.join(' ')} --json, ${rounds} round(s), each run in a fresh process, the order alternating\n`,
);
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
  const round = {};
  for (const label of order) {
    const r = runOnce(label, label === 'A' ? a : b);
    runs[label].push(r.eps);
    round[label] = r.eps;
    digests.set(r.digest, [...(digests.get(r.digest) ?? []), `${label}${i + 1}`]);
  }
  pairs.push(round.B / round.A);
  process.stdout.write(`round ${i + 1}: A ${k(round.A)}  B ${k(round.B)} events/s\n`);
}
if (digests.size > 1) {
  const seen = [...digests].map(([d, who]) => `${d} (${who.join(' ')})`).join(', ');
  process.stderr.write(
    `ab-run: expected one event digest for every run, got ${seen}: the builds simulate differently\n`,
  );
  process.exit(1);
}
const mA = median(runs.A);
const mB = median(runs.B);
process.stdout.write(
  `A ${a}: median ${k(mA)} events/s (${runs.A.map(k).join(' ')})\n` +
    `B ${b}: median ${k(mB)} events/s (${runs.B.map(k).join(' ')})\n` +
    `B/A: ${(mB / mA).toFixed(3)} (medians), paired ${median(pairs).toFixed(3)} (median of the rounds' ratios); event digest ${[...digests.keys()][0]} in every run\n`,
);
