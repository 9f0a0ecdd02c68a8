// What the in-process A/B scripts (ab-inline.mjs, ab-busy.mjs) share: their usage exit, the check
// that A_DIST and B_DIST are builds, their rounds argument, their rounds of child processes, and
// the median they report.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A function that prints `script: why` and the usage line, then exits 2. */
export function usageExit(script, usageLine) {
  return (why) => {
    process.stderr.write(`${script}: ${why}\nusage: ${usageLine}\n`);
    process.exit(2);
  };
}

/** Exits through `usage` unless `a` and `b` are builds' dist/ directories (src/runtime/engine.js). */
export function checkDists(usage, a, b) {
  for (const [name, dir] of [
    ['A_DIST', a],
    ['B_DIST', b],
  ]) {
    if (dir === undefined) usage(`expected ${name}, a build's dist/ directory, got none`);
    if (!existsSync(join(dir, 'src', 'runtime', 'engine.js')))
      usage(
        `expected ${name} to be a build's dist/ directory (holding src/runtime/engine.js), got \`${dir}\``,
      );
  }
}

/** The rounds argument: a whole number from 1 (default `fallback`), or exit through `usage`. */
export function roundsArgument(usage, text, fallback) {
  const rounds = Number(text ?? fallback);
  if (!Number.isSafeInteger(rounds) || rounds < 1)
    usage(`expected rounds to be a whole number from 1, got \`${text}\``);
  return rounds;
}

/**
 * Per round, the median of A's runs over the median of B's for `field` (a cost: B's speed-up), and
 * those ratios' median and range. A round runs both builds back to back, so its ratio moves less
 * with the machine's drift than the ratio of the builds' medians does; the range says how far one
 * round's ratio strays (two A/Bs of one pair of builds printed 0.961 and 1.059 for the medians).
 */
export function pairedRatios(res, field) {
  const rounds = [...new Set(res.A.map((x) => x.round))].sort((p, q) => p - q);
  const of = (k, r) => median(res[k].filter((x) => x.round === r).map((x) => x[field]));
  const ratios = rounds.map((r) => of('A', r) / of('B', r));
  return { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
}

/** `1.025 (0.951 to 1.102)`: a pairedRatios result as the A/B scripts print it. */
export function pairedText(p) {
  return `${p.median.toFixed(3)} (${p.low.toFixed(3)} to ${p.high.toFixed(3)})`;
}

export function median(xs) {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `rounds` rounds of one child process per build, A first in even rounds and B first in odd ones,
 * so neither always runs on the machine as the other left it. Each child is this script again
 * with AB_CHILD set to its build's dist/ (and `env`'s variables), printing a JSON array of runs,
 * each with a `digest`. Returns the runs of each build and every digest seen.
 */
export function alternateRounds(rounds, a, b, env = {}) {
  const res = { A: [], B: [] };
  const digests = new Set();
  for (let i = 0; i < rounds; i++) {
    const order =
      i % 2 === 0
        ? [
            ['A', a],
            ['B', b],
          ]
        : [
            ['B', b],
            ['A', a],
          ];
    for (const [k, dist] of order) {
      const childEnv = { ...process.env, ...env, AB_CHILD: resolve(dist) };
      for (const x of JSON.parse(execFileSync('node', [process.argv[1]], { env: childEnv }).toString())) {
        res[k].push({ ...x, round: i });
        digests.add(x.digest);
      }
    }
  }
  return { res, digests };
}
