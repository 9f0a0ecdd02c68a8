// The arguments the scripts that run a build under Linux `perf` share (perf-inline.mjs,
// cpu-by-host.mjs): `[DIST=dist] [duration] [COUNT]`, each checked before anything runs. A refusal
// names what was expected and what arrived, prints the script's usage line and exits 2.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `args`: the script's own arguments. `spec`: its name, its usage line, the default duration, and
 * its third argument (a whole number: name, default, range). Returns the build's dist/ directory,
 * its CLI entry, the duration and the count; `perf` must be on the PATH.
 */
export function perfRunArgs(args, spec) {
  const usage = (why) => {
    process.stderr.write(`${spec.script}: ${why}\nusage: ${spec.usage}\n`);
    process.exit(2);
  };
  const [distArg = 'dist', duration = spec.duration, countArg = String(spec.count.default)] = args;
  const dist = resolve(distArg);
  const cli = join(dist, 'src', 'cli', 'main.js');
  if (!existsSync(cli))
    usage(`expected DIST to be a build's dist/ directory (holding src/cli/main.js), got \`${distArg}\``);
  if (!/^\d+(\.\d+)?(ns|us|ms|s)$/.test(duration))
    usage(`expected a duration such as ${spec.duration} or 500us, got \`${duration}\``);
  const { name, min, max } = spec.count;
  const count = Number(countArg);
  if (!Number.isInteger(count) || count < min || count > max)
    usage(`expected ${name} to be an integer from ${min} to ${max}, got \`${countArg}\``);
  if (spawnSync('perf', ['--version']).status !== 0)
    usage('expected Linux `perf` on the PATH (Debian: apt-get install linux-perf), found none');
  return { dist, cli, duration, count };
}
