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

/** One `--name VALUE` option of a benchmark: `spec` as `name VALUE-HINT`, and what it does. */
interface BenchOption {
  spec: string;
  says: string;
}

interface BenchEntry {
  /** One line: what it measures (the list of every benchmark). */
  describe: string;
  /** The `--name VALUE` options it takes (`--json` is taken by all). */
  options: readonly BenchOption[];
  /** What its table's columns and closing lines mean (`NAME --help`). */
  columns: readonly string[];
  load: () => Promise<BenchModule>;
}

/** name -> loader; add a benchmark (e.g. `engine`) with one entry here. */
const BENCHMARKS: Record<string, BenchEntry> = {
  ring: {
    describe: 'SharedArrayBuffer ring vs ringbuf.js and postMessage, records/s',
    options: [
      {
        spec: 'runs N',
        // Measured: `/usr/bin/time node dist/bench/main.js ring --runs 1` (bench/README.md "Ring").
        says: 'rounds of the 16 cases, interleaved (default 7, 1 to 100); `--runs 1` took 47 s on 2 CPUs under a load average of 10, so 7 rounds take minutes',
      },
    ],
    columns: [
      'case: the transport (npusim ring, ringbuf.js, bare ring, postMessage), "raw" (store and sum eight words) or codec work (encode, decode, checksum), pairs and batch',
      'M rec/s (median): million records per second, median of the runs',
      'vs postMessage: over the postMessage row; vs ringbuf.js: over the ringbuf.js row with the same work and batch (ratio of medians); paired: median of the per-round ratios',
      'runs (M rec/s, N): every run, in round order; full-stalls and parks: per run, summed over pairs',
      "while it runs, stderr shows the numbered cases and each round's rates in that order",
    ],
    load: () => import('./ring.js'),
  },
  engine: {
    describe:
      'default workload inline, on 2 workers, one worker per actor, free mode and inline-pair, events/s',
    options: [
      {
        spec: 'baseline DIR',
        says: "add an older build's inline engine (a checkout with dist/), run beside inline",
      },
      { spec: 'workers LIST', says: 'worker counts of the workers-N rows, e.g. 2,4,8 (default 2)' },
      {
        spec: 'start warm|cold',
        says: 'cold: every run in a fresh node process, as `npusim run` (default warm)',
      },
      {
        spec: 'threads kept|fresh',
        says: 'fresh: threaded runs on new threads each run (default kept when warm, fresh when cold)',
      },
      {
        spec: 'warmup N',
        says: 'uncounted rounds first, 0 to 5 (default: as many as make 2 ms simulated when warm, none when cold)',
      },
      { spec: 'lengths LIST', says: 'simulated lengths, e.g. 1ms,6ms,20ms (default 1ms,6ms)' },
      { spec: 'runs N', says: 'counted runs per host at every length (default 5 up to 1 ms, 3 above)' },
      {
        spec: 'background N',
        says: 'N other processes running `stress` inline throughout, 0 to 16: a busy machine (default 0)',
      },
    ],
    columns: [
      'host: inline, workers-N (--workers N), per-actor (one worker per actor), free (--free), inline-pair (two inline runs at once: what two threads give), baseline-inline',
      'events/s and sim ns/s: median events and simulated ns per wall second (13.9k = 13 900); wall ms: median run wall time',
      'runs (k events/s, in order): every counted run',
      'A/B: the ratio of the two medians, "paired" the median of the per-round ratios, and the target\'s verdict (targets defined for 1 ms and 6 ms runs)',
    ],
    load: () => import('./engine.js'),
  },
  startup: {
    describe: 'threaded start-up: wall and CPU time of a 1 ns threaded run',
    options: [
      { spec: 'baseline DIR', says: 'an older build, side by side' },
      { spec: 'runs N', says: 'runs per build, 1 to 1000 (default 11)' },
      {
        spec: 'threads all|kept',
        says: 'kept: only the runs on kept threads, as a process that makes nothing else',
      },
    ],
    columns: [
      'build: this build, the baseline, and the same run on threads kept from the run before',
      'wall ms and cpu ms: medians of the runs (cpu: every thread of the process); runs (wall ms): every run',
      "baseline/this: the baseline's time over this build's, with the target's verdict",
    ],
    load: () => import('./startup.js'),
  },
  cli: {
    describe:
      'CLI start-up: wall time of `npusim --help`, `topo`, `list` and a 1 ns run (inline and threaded), each a fresh process',
    options: [
      { spec: 'baseline DIR', says: 'an older build, side by side' },
      { spec: 'runs N', says: 'runs per command and build, 1 to 1000 (default 9)' },
    ],
    columns: [
      'command: what was timed; this build and baseline: median wall ms from spawn to exit',
      "base/this: the baseline's median over this build's; paired: median of the per-round ratios",
      'node -e 0 (the floor): a bare node process, what no command can beat',
    ],
    load: () => import('./cli-start.js'),
  },
  bound: {
    describe:
      "speed-up bound of each placement from a run's own events and lookaheads (ideal engine, equal event costs)",
    options: [
      { spec: 'workload NAME', says: 'a built-in workload (default stress)' },
      { spec: 'duration-us N', says: 'simulated microseconds, 1 to 3000 (default 1000)' },
    ],
    columns: [
      'placement and workers; min cut: the smallest lookahead between workers',
      "busiest: the busiest worker's share of all events (or of all cost); balance: the bound from that share alone",
      "delay D us: the speed-up bound when a worker's progress reaches the others after D us",
    ],
    load: () => import('./bound.js'),
  },
  sweep: {
    describe: 'npusim sweep on 1 and 2 pool threads, seeds/s',
    options: [
      { spec: 'seeds N', says: 'seeds per sweep (default 96, or 12 with --mode free)' },
      { spec: 'runs N', says: 'sweeps per row, 1 to 100 (default 5)' },
      { spec: 'baseline DIR', says: 'an older build, side by side' },
      { spec: 'mode pool|free', says: 'free: free sweeps, threads kept from seed to seed (default pool)' },
    ],
    columns: [
      'threads: pool threads (or free); seeds/s and wall ms: medians of the sweeps',
      'cpu ms/seed: CPU time per seed; cores used: CPU time over wall time; runs (seeds/s): every sweep',
    ],
    load: () => import('./sweep.js'),
  },
  explore: {
    describe: 'seeds to the first failure of each bug switch, random vs PCT d=1..3; shrink ratio',
    options: [
      { spec: 'only BUG', says: 'one bug switch (default all)' },
      { spec: 'starts N', says: 'walks per strategy, each from its own start seed (default 5)' },
      { spec: 'cap N', says: 'at most this many seeds per walk (default 200)' },
      { spec: 'budget N', says: 'runs the shrinker may spend (default 150)' },
    ],
    columns: [
      "per strategy: the median seeds until the first failure of the switch's rule (>cap: none found), in brackets the median simulated time of that finding; other: seeds that failed another rule",
      'shrink: the seed, rule, runs spent, events before and after, their ratio, simulated time before and after',
    ],
    load: () => import('./explore.js'),
  },
};

function optionName(spec: string): string {
  return spec.split(' ')[0]!;
}

const USAGE_LINE =
  'usage: node dist/bench/main.js NAME [--json] [--OPTION VALUE]...  (or npm run bench -- NAME ...)';

/** Every benchmark, one line each: what a bare `--help` (or a usage error) prints. */
function usage(): string {
  const list = Object.entries(BENCHMARKS)
    .map(([name, b]) => {
      const options = b.options.length === 0 ? '' : ` (${b.options.map((o) => `--${o.spec}`).join(', ')})`;
      return `  ${name.padEnd(10)} ${b.describe}${options}`;
    })
    .join('\n');
  return `${USAGE_LINE}\nbenchmarks (NAME --help: one benchmark's options and columns):\n${list}\n`;
}

/** One benchmark's help: what `NAME --help` prints. */
function benchUsage(name: string, b: BenchEntry): string {
  const width = Math.max(6, ...b.options.map((o) => o.spec.length + 2));
  const options = [
    ...b.options.map((o) => `  --${o.spec.padEnd(width)} ${o.says}`),
    `  --${'json'.padEnd(width)} one JSON object on stdout instead of the table`,
  ];
  return (
    `usage: node dist/bench/main.js ${name} [--json]${b.options.map((o) => ` [--${o.spec}]`).join('')}\n` +
    `${b.describe}\noptions:\n${options.join('\n')}\ncolumns:\n${b.columns.map((c) => `  ${c}`).join('\n')}\n`
  );
}

/** What the command line asks for: one benchmark's run, or help (for one benchmark, or all). */
type Request = { help: false; name: string; opts: BenchOptions } | { help: true; text: string };

function parse(argv: readonly string[]): Request {
  // `--help` or `-h` anywhere is a request, not an error: checked before the options, which a
  // help request need not get right.
  if (argv.includes('--help') || argv.includes('-h')) {
    // A word that is no option's value is the benchmark asked about: one not named is an error
    // (`nosuch --help` listed every benchmark and exited 0, as if it were one).
    const words = argv.filter(
      (a, i) => !a.startsWith('-') && !(i > 0 && /^--(?!json$|help$)/.test(argv[i - 1]!)),
    );
    const unknown = words.find((a) => !Object.hasOwn(BENCHMARKS, a));
    if (unknown !== undefined) throw new UsageError(`Expected a benchmark name, got \`${unknown}\``);
    const name = words[0];
    return { help: true, text: name === undefined ? usage() : benchUsage(name, BENCHMARKS[name]!) };
  }
  let json = false;
  const values: Record<string, string> = {};
  const missing: string[] = [];
  const names: string[] = [];
  /** Words such as `-x` or `-runs`: unknown options (every option is `--name`), not names. */
  const singleDash: string[] = [];
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
    } else if (a.startsWith('-') && a.length > 1) singleDash.push(a);
    else names.push(a);
  }
  if (singleDash.length > 0) {
    // Refused as the `--` form is, before the word after it (`-runs 1`) is taken for a name.
    const entry =
      names[0] !== undefined && Object.hasOwn(BENCHMARKS, names[0]) ? BENCHMARKS[names[0]] : undefined;
    const known = entry?.options.map((o) => `--${optionName(o.spec)}`) ?? [];
    const takes =
      entry === undefined
        ? ''
        : `; it takes ${known.length === 0 ? 'no options but --json' : known.join(', ')}`;
    throw new UsageError(
      `Unknown option${singleDash.length > 1 ? 's' : ''} ${singleDash.map((k) => `\`${k}\``).join(', ')}` +
        `${entry === undefined ? '' : ` for benchmark ${names[0]}`}${takes} (options start with --)`,
    );
  }
  if (names.length !== 1)
    throw new UsageError(`Expected one benchmark name, got ${names.length === 0 ? 'none' : names.join(' ')}`);
  const name = names[0]!;
  const entry = BENCHMARKS[name];
  if (entry === undefined) throw new UsageError(`Expected a benchmark name, got \`${name}\``);
  const known = entry.options.map((o) => optionName(o.spec));
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
  return { help: false, name, opts: { json, values, whole, oneOf } };
}

async function main(argv: readonly string[]): Promise<number> {
  const request = parse(argv);
  if (request.help) {
    process.stdout.write(request.text);
    return 0;
  }
  await (await BENCHMARKS[request.name]!.load()).run(request.opts);
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
