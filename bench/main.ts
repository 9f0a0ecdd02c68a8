/**
 * Benchmark dispatcher: `node dist/bench/main.js NAME [--json]` (or `npm run bench -- NAME`).
 * Each benchmark is a module registered below by name; it runs, prints a table (or one JSON object
 * with --json) and returns. Benchmarks are measurements, not tests: nothing here asserts a speed.
 */
export interface BenchOptions {
  json: boolean;
  /** `--name VALUE` options (e.g. `--baseline DIR` for the engine bench). */
  values: Record<string, string>;
}
export type BenchModule = { run(opts: BenchOptions): Promise<void> };

/** name -> loader; add a benchmark (e.g. `engine`) with one line here. */
const BENCHMARKS: Record<string, { describe: string; load: () => Promise<BenchModule> }> = {
  ring: { describe: 'SharedArrayBuffer ring vs postMessage, records/s', load: () => import('./ring.js') },
  engine: {
    describe:
      'default workload inline, on 2 workers and one worker per actor (--baseline DIR: an older build), events/s',
    load: () => import('./engine.js'),
  },
};

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const values: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--baseline') {
      const v = argv[++i];
      if (v === undefined) {
        process.stderr.write('Expected a directory after --baseline, got none\n');
        return 2;
      }
      values.baseline = v;
    } else rest.push(a);
  }
  const names = rest.filter((a) => !a.startsWith('--'));
  const unknownFlags = rest.filter((a) => a.startsWith('--') && a !== '--json');
  const list = Object.entries(BENCHMARKS)
    .map(([name, b]) => `  ${name.padEnd(10)} ${b.describe}`)
    .join('\n');
  if (names.length !== 1 || unknownFlags.length > 0) {
    process.stderr.write(
      `usage: node dist/bench/main.js NAME [--json] [--baseline DIR]\nbenchmarks:\n${list}\n`,
    );
    return 2;
  }
  const name = names[0]!;
  const entry = BENCHMARKS[name];
  if (entry === undefined) {
    process.stderr.write(`Expected a benchmark name, got \`${name}\`; benchmarks:\n${list}\n`);
    return 2;
  }
  await (await entry.load()).run({ json, values });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 4;
  },
);
