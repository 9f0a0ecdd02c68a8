/**
 * Benchmark dispatcher: `node dist/bench/main.js NAME [--json] [--OPTION VALUE]...` (or
 * `npm run bench -- NAME ...`). Each benchmark is a module registered below by name, with the
 * `--OPTION VALUE` pairs it takes; it runs, prints a table (or one JSON object with --json) and
 * returns. Benchmarks are measurements, not tests: nothing here asserts a speed.
 */
import { UsageError } from './bench-run.js';
export interface BenchOptions {
  json: boolean;
  /** `--name VALUE` options, already checked against the benchmark's list (e.g. `--baseline DIR`). */
  values: Record<string, string>;
  /** The value of `--name` as a whole number from `min` to `max`, or `fallback` when not given. */
  whole(name: string, fallback: number, min: number, max: number): number;
  /** The value of `--name`, which must be one of `allowed`, or undefined when not given. */
  oneOf(name: string, allowed: readonly string[]): string | undefined;
}
export type BenchModule = { run(opts: BenchOptions): Promise<void> };

interface BenchEntry {
  describe: string;
  /** The `--name VALUE` options it takes, as `name VALUE-HINT`. */
  options: readonly string[];
  load: () => Promise<BenchModule>;
}

/** name -> loader; add a benchmark (e.g. `engine`) with one line here. */
const BENCHMARKS: Record<string, BenchEntry> = {
  ring: {
    describe: 'SharedArrayBuffer ring vs postMessage, records/s',
    options: [],
    load: () => import('./ring.js'),
  },
  engine: {
    describe:
      'default workload inline, on 2 workers and one worker per actor (--baseline DIR: an older build; --workers 2,4,8: more rows; --start cold: every run in a fresh node process; --threads fresh: threaded runs on new threads each run, not kept; --warmup N: uncounted rounds first, by default as many as make 2 ms simulated (1 to 5) when warm; --lengths 1ms,6ms,20ms: other lengths; --runs N: counted runs per host, by default 5 up to 1 ms and 3 above), events/s',
    options: [
      'baseline DIR',
      'workers LIST',
      'start warm|cold',
      'threads kept|fresh',
      'warmup N',
      'lengths LIST',
      'runs N',
    ],
    load: () => import('./engine.js'),
  },
  startup: {
    describe:
      'threaded start-up: wall and CPU time of a 1 ns threaded run (--baseline DIR: an older build, side by side; --threads kept: only the runs on kept threads, as a process that makes nothing else)',
    options: ['baseline DIR', 'runs N', 'threads all|kept'],
    load: () => import('./startup.js'),
  },
  cli: {
    describe:
      'CLI start-up: wall time of `npusim --help`, `topo`, `list` and a 1 ns run (inline and threaded), each a fresh process (--baseline DIR: an older build, side by side)',
    options: ['baseline DIR', 'runs N'],
    load: () => import('./cli-start.js'),
  },
  bound: {
    describe:
      "speed-up bound of each placement from a run's own events and lookaheads (ideal engine, equal event costs)",
    options: ['workload NAME', 'duration-us N'],
    load: () => import('./bound.js'),
  },
  sweep: {
    describe:
      'npusim sweep on 1 and 2 pool threads, seeds/s (--baseline DIR: an older build, side by side; --mode free: free sweeps, threads kept from seed to seed)',
    options: ['seeds N', 'runs N', 'baseline DIR', 'mode pool|free'],
    load: () => import('./sweep.js'),
  },
  explore: {
    describe: 'seeds to the first failure of each bug switch, random vs PCT d=1..3; shrink ratio',
    options: ['only BUG', 'starts N', 'cap N', 'budget N'],
    load: () => import('./explore.js'),
  },
};

function optionName(spec: string): string {
  return spec.split(' ')[0]!;
}

function usage(): string {
  const list = Object.entries(BENCHMARKS)
    .map(([name, b]) => {
      const options = b.options.map((o) => ` [--${o}]`).join('');
      return `  ${name.padEnd(10)} ${b.describe}${options === '' ? '' : `\n  ${''.padEnd(10)}${options}`}`;
    })
    .join('\n');
  return `usage: node dist/bench/main.js NAME [--json] [--OPTION VALUE]...\nbenchmarks:\n${list}\n`;
}

function parse(argv: readonly string[]): { name: string; opts: BenchOptions } {
  let json = false;
  const values: Record<string, string> = {};
  const missing: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') {
      if (json) throw new UsageError('Expected `--json` once, got it twice');
      json = true;
    } else if (a.startsWith('--')) {
      const key = a.slice(2);
      if (Object.hasOwn(values, key) || missing.includes(key))
        throw new UsageError(`Expected \`${a}\` once, got it twice`);
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) missing.push(key);
      else values[key] = argv[++i]!;
    } else names.push(a);
  }
  if (names.length !== 1)
    throw new UsageError(`Expected one benchmark name, got ${names.length === 0 ? 'none' : names.join(' ')}`);
  const name = names[0]!;
  const entry = BENCHMARKS[name];
  if (entry === undefined) throw new UsageError(`Expected a benchmark name, got \`${name}\``);
  const known = entry.options.map(optionName);
  const unknown = [...Object.keys(values), ...missing].filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const takes = known.length === 0 ? 'no options but --json' : known.map((k) => `--${k}`).join(', ');
    throw new UsageError(
      `Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `\`--${k}\``).join(', ')} for benchmark ${name}; it takes ${takes}`,
    );
  }
  if (missing.length > 0) throw new UsageError(`Expected a value after \`--${missing[0]}\`, got none`);
  const whole = (option: string, fallback: number, min: number, max: number): number => {
    const text = values[option];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max)
      throw new UsageError(
        `Expected \`--${option}\` to be a whole number from ${min} to ${max}, got \`${text}\``,
      );
    return n;
  };
  const oneOf = (option: string, allowed: readonly string[]): string | undefined => {
    const text = values[option];
    if (text !== undefined && !allowed.includes(text))
      throw new UsageError(`Expected \`--${option}\` to be one of ${allowed.join(', ')}, got \`${text}\``);
    return text;
  };
  return { name, opts: { json, values, whole, oneOf } };
}

async function main(argv: readonly string[]): Promise<number> {
  const { name, opts } = parse(argv);
  await (await BENCHMARKS[name]!.load()).run(opts);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${usage()}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 4;
  },
);
