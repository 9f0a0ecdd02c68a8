// What the in-process A/B scripts (ab-inline.mjs, ab-busy.mjs) share: their usage exit, the check
// that A_DIST and B_DIST are builds, their rounds argument, and the median they report.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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

export function median(xs) {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
