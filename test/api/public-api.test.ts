/**
 * The package as a user installs it: `import ... from 'npusim'` resolves through package.json
 * "exports" (its own name, from a file in this repository: Node's package self-reference), and
 * what it exports is enough to declare a workload, run it and read the answer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ActorCrashError,
  AssertionFailure,
  BUG_NAMES,
  BUGS,
  ConfigError,
  colorEnabled,
  compareResults,
  compareSets,
  defineWorkload,
  EngineStallError,
  EXIT,
  EXIT_CODES,
  findWorkload,
  formatComparison,
  formatSummary,
  loadWorkloadFile,
  loadWorkloads,
  PAGE_SIZE_NAMES,
  PROFILE_NAMES,
  parseRunResult,
  RULE_NAMES,
  runSimulation,
  runWorkload,
  TOPOLOGY_PRESETS,
  validateTopologySpec,
  validateWorkload,
  WorkerLostError,
  WorkerSet,
  workloadConfig,
  workloadParamsSchema,
} from 'npusim';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { testTempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Exports {
  types: string;
  exports: Record<string, Record<string, string>>;
  files: string[];
  dependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Exports;

/** README's library example: its one ```ts block that imports from 'npusim' and calls runWorkload. */
function readmeExample(): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => b.includes("from 'npusim'") && b.includes('runWorkload('));
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

/** Runs `code` as an ES module of this repository, `npusim` resolved to the sources. */
function runModule(code: string) {
  return spawnSync(
    process.execPath,
    ['--conditions=npusim-source', '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: ROOT, encoding: 'utf8', timeout: 50_000 },
  );
}

describe('public API', () => {
  it("api: package.json exports the built entry, its types, and the sources under the 'npusim-source' condition", () => {
    const dot = pkg.exports['.']!;
    expect(Object.keys(dot)).toEqual(['npusim-source', 'types', 'import', 'default']);
    expect(dot['npusim-source']).toBe('./src/index.ts');
    expect(existsSync(`${ROOT}src/index.ts`)).toBe(true);
    // tsconfig.build.json compiles src/index.ts (rootDir .) to dist/src/index.js and .d.ts.
    expect(dot.import).toBe('./dist/src/index.js');
    // A workload file in a project without "type": "module" is CommonJS to tsx, which then
    // resolves the package with `require` conditions: `default` is what it finds.
    expect(dot.default).toBe('./dist/src/index.js');
    expect(dot.types).toBe('./dist/src/index.d.ts');
    expect(pkg.types).toBe(dot.types);
    expect(pkg.files).toContain('dist/src');
    expect(pkg.files).toContain('examples'); // a user copies them out of node_modules/npusim
    // `npusim run ./w.ts` loads TypeScript through tsx for whoever installed the package.
    expect(Object.keys(pkg.dependencies)).toContain('tsx');
  });

  it("api: Node resolves the package's own name from a file in the repository (self-reference)", () => {
    const script =
      "import('npusim').then((m) => { const w = m.defineWorkload({ name: 'probe', description: 'd', " +
      "params: { tenants: [{ name: 'h', lpid: 0, groups: 'all' }] } }); " +
      'console.log(JSON.stringify({ exports: Object.keys(m).length, name: w.name, gpu: w.params.gpu.engines })); })';
    const r = spawnSync(
      process.execPath,
      ['--conditions=npusim-source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8', timeout: 50_000 },
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { exports: number; name: string; gpu: number };
    expect(out.name).toBe('probe');
    expect(out.gpu).toBe(2);
    expect(out.exports).toBeGreaterThan(10);
  });

  it('api: a workload declared and run through the package: its answer comes back on the result', async () => {
    const w = defineWorkload({
      name: 'api-probe',
      description: 'probe',
      question: 'Does DMA complete?',
      headline: [{ label: 'DMA completed', counter: 'dma.completed' }],
      params: {
        topology: 'witherspoon-4',
        durationTicks: 10_000_000,
        tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
      },
    });
    const a = await runWorkload(w, { seed: 3 });
    const b = await runWorkload(w, { seed: 3, set: { 'gpu.dmaBytes': 512 } });
    expect(a.status).toBe('clean');
    expect(a.question).toBe('Does DMA complete?');
    expect(a.headline?.[0]?.label).toBe('DMA completed');
    expect(a.headline?.[0]?.value).toBe(a.counts['dma.completed']);
    expect(a.headline?.[0]?.value).toBeGreaterThan(0);
    expect(b.config.params.gpu.dmaBytes).toBe(512);
    expect(b.digest).not.toBe(a.digest);
    expect(b.reproduce).toContain('--set gpu.dmaBytes=512');
  });

  it('api: a switch with nothing to act on is on the result (`inertBugs`), with why, as `npusim run` says it on stderr (QA: a clean run, no word)', async () => {
    const flushRace = await findWorkload('flush-race');
    const r = await runWorkload(flushRace, { seed: 1, bugs: ['local-npu-only'], durationTicks: 1_000_000 });
    expect(r.status).toBe('clean');
    expect(r.inertBugs).toEqual([
      {
        bug: 'local-npu-only',
        why: "every shootdown goes to one NPU (each process's GPUs sit on one socket), so there is no other NPU for it to leave out",
      },
    ]);
    // A switch that acts is not there.
    const acting = await runWorkload(flushRace, {
      seed: 1,
      bugs: ['single-flush'],
      durationTicks: 1_000_000,
    });
    expect(acting.inertBugs).toBeUndefined();
  });

  it('api: threaded runs through the package keep their threads in a WorkerSet and agree with inline', async () => {
    const w = defineWorkload({
      name: 'api-kept-threads',
      description: 'probe',
      params: {
        topology: 'witherspoon-4',
        durationTicks: 10_000_000,
        tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
      },
    });
    const workers = new WorkerSet();
    try {
      for (const seed of [4, 5]) {
        const threaded = await runWorkload(w, { seed, host: 'threaded', workerSet: workers });
        const inline = await runWorkload(w, { seed });
        expect(threaded.host).toBe('threaded');
        expect(threaded.digest).toBe(inline.digest);
        // The run ended by itself: its workers (one per actor of witherspoon-4) wait for the next.
        expect(workers.size).toBe(threaded.actors.length);
      }
    } finally {
      await workers.close();
    }
    expect(workers.size).toBe(0);
  });

  it('api: the presets are TopologySpecs the validator takes back; the parameter schema is exported', () => {
    for (const spec of Object.values(TOPOLOGY_PRESETS)) expect(validateTopologySpec(spec)).toEqual(spec);
    expect(workloadParamsSchema.safeParse({ tenants: [] }).success).toBe(false);
  });

  it('api: a seed, bugs, host, placement or free window the command line would refuse is refused before any run, naming the field', async () => {
    const w = defineWorkload({
      name: 'api-input',
      description: 'probe',
      params: {
        topology: 'witherspoon-4',
        durationTicks: 1_000_000,
        tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
      },
    });
    // What a JavaScript caller (or a value computed at run time) can pass past the types.
    const bad = (options: object) => runWorkload(w, options as Parameters<typeof runWorkload>[1]);
    const cases: [object, RegExp][] = [
      [
        { seed: -1 },
        /^seed: Expected an integer seed from 0 to 2\^53-1 \(9007199254740991, the largest a JSON failure file reads back exactly\), got -1: negative seeds are not allowed$/,
      ],
      [{ seed: 1.5 }, /^seed: .* got 1\.5$/],
      [{ seed: Number.NaN }, /^seed: .* got NaN$/],
      [{ seed: 2 ** 64 }, /^seed: .* got 18446744073709552000$/],
      [{ seed: '7' }, /^seed: .* got "7" \(a string\)$/],
      [{ bugs: ['nope'] }, /^bugs: Expected bug switches among .*single-flush.*, got "nope" \(a string\)$/],
      [
        { bugs: 'single-flush' },
        /^bugs: Expected a list of bug switch names, got "single-flush" \(a string\)$/,
      ],
      [{ host: 'gpu' }, /^host: Expected `inline` or `threaded`, got "gpu" \(a string\)$/],
      [{ host: 'threaded', placement: { kind: 'workers', count: 0 } }, /^placement: .* got a count of 0$/],
      [
        { host: 'threaded', placement: { kind: 'workers', count: 1.5 } },
        /^placement: .* got a count of 1\.5$/,
      ],
      [{ host: 'threaded', placement: { kind: 'nope' } }, /^placement: .* got kind "nope" \(a string\)$/],
      [
        { host: 'threaded', free: { windowTicks: -1 } },
        /^free\.windowTicks: Expected a whole number of ticks from 1, got -1$/,
      ],
      [{ variant: 'nope' }, /^variant: Expected no variant: workload `api-input` has none, got `nope`$/],
      [{ durationTicks: -5 }, /^durationTicks: .*: negative durations are not allowed$/],
      [{ placement: { kind: 'workers', count: 2 } }, /^placement: Expected no placement with host `inline`/],
      [{ topologyFile: 'm.json' }, /^topologyFile: Expected it only with `topology`/],
      // A misspelt or unknown option was dropped, and the run went on as if it were not given.
      [
        { seeed: 5 },
        /^seeed: Expected an option runWorkload takes \(seed, bugs, .*\), got `seeed` \(did you mean `seed`\?\)$/,
      ],
      [{ strategy: 'PCT' }, /^strategy: Expected `random` or `pct`, got "PCT"$/],
      [{ pctDepth: 3 }, /^pctDepth: Expected it only with strategy 'pct', got it without$/],
      [{ strategy: 'pct', pctDepth: 17 }, /^pctDepth: Expected a depth from 1 to 16, got `17`$/],
      [{ stopOnFirst: 'yes' }, /^stopOnFirst: Expected true or false, got "yes"$/],
    ];
    for (const [options, message] of cases) {
      await expect(bad(options), JSON.stringify(options)).rejects.toThrow(message);
    }
    // runSimulation takes a whole RunConfig: its parameters and strategy are checked too.
    const config = workloadConfig(w, { durationTicks: 1_000_000 });
    const sim = (c: object) => runSimulation(c as typeof config, { host: 'inline' });
    await expect(sim({ ...config, params: { ...config.params, durationTicks: -5 } })).rejects.toThrow(
      /^params\.durationTicks: /,
    );
    await expect(sim({ ...config, strategy: { kind: 'pctx' } })).rejects.toThrow(
      /^strategy: .* got kind "pctx"/,
    );
    await expect(
      sim({ ...config, strategy: { kind: 'pct', depth: -2, steps: [], agents: 1 } }),
    ).rejects.toThrow(/^strategy\.depth: Expected a whole number from 1 to 16, got -2$/);
    // Only a strategy's own fields, as a failure file's (a random one with a depth ran as random).
    await expect(sim({ ...config, strategy: { kind: 'random', depth: 3 } })).rejects.toThrow(
      /^strategy\.depth: Expected only `kind` in a random strategy, got `depth` too$/,
    );
    await expect(
      sim({ ...config, strategy: { kind: 'pct', depth: 2, steps: [5], agents: 1, changePoints: [1] } }),
    ).rejects.toThrow(
      /^strategy\.changePoints: Expected only `kind`, `depth`, `steps`, `agents` in a pct strategy/,
    );
    await expect(runWorkload('mixed' as never)).rejects.toThrow(
      /^workload: Expected a workload .* got the string "mixed"$/,
    );
    // A summary needs no options: plain text by default.
    const ok = await runWorkload(w, { seed: 2 });
    expect(formatSummary(ok)).toContain('status clean (exit 0)');
    // Nor `color` among those it is given (QA: the .d.ts required it, so tsc refused this call).
    const fewRows = formatSummary(ok, { maxRows: 2 });
    expect(fewRows).toContain('status clean (exit 0)');
    expect(fewRows).not.toContain('\x1b[');
  });

  it('api: a machine of your own through runWorkload is the run `--topology FILE` makes, the same digest; a bad spec names its field', async () => {
    const spec = JSON.parse(readFileSync(`${ROOT}examples/my-topology.json`, 'utf8'));
    const w = (await import('../../examples/my-workload.js')).default;
    const lib = await runWorkload(w, {
      seed: 7,
      durationTicks: 30_000_000,
      topology: spec,
      topologyFile: 'examples/my-topology.json',
    });
    let out = '';
    const sink = (write: (text: string) => void) =>
      new Writable({
        write(chunk, _encoding, done) {
          write(String(chunk));
          done();
        },
      });
    const cli = await runCli(
      [
        'run',
        'examples/my-workload.ts',
        '--topology',
        'examples/my-topology.json',
        '--seed',
        '7',
        '--duration',
        '30us',
        '--json',
      ],
      {
        stdout: sink((t) => {
          out += t;
        }),
        stderr: sink(() => {}),
        env: { NO_COLOR: '1' },
      },
    );
    expect(cli).toBe(0);
    const fromCli = JSON.parse(out) as { digest: string };
    expect(lib.digest).toBe(fromCli.digest);
    expect(lib.reproduce).toContain('--topology examples/my-topology.json');
    await expect(runWorkload(w, { topology: { ...spec, gpus: [] } })).rejects.toThrow(/^topology\.gpus/);
    // my-redbud under the preset's name (it has 32 GiB GPUs): refused, as a file is.
    await expect(runWorkload(w, { topology: { ...spec, name: 'witherspoon-4' } })).rejects.toThrow(
      /^topology\.name: Expected a name no preset has, .* got `witherspoon-4` for another machine: it differs from the preset at /,
    );
  });

  it("api: a variant's run carries its verdict on what it expects; an option changing what the variant sets is refused, as --variant refuses it", async () => {
    const { workloads } = await import('../../workloads/index.js');
    const w = workloads.find((x) => x.name === 'multi-tenant')!;
    const short = { seed: 1, durationTicks: 5_000_000 };
    const perGpu = await runWorkload(w, { ...short, variant: 'per-gpu' });
    expect(perGpu.expectation?.expect).toEqual(['isolation.peer']);
    expect(perGpu.expectation?.met).toBe(perGpu.status === 'violation');
    // It ran, judged as the variant: the variant's policy replaced by another.
    await expect(
      runWorkload(w, { ...short, variant: 'per-socket', set: { policy: 'per-gpu' } }),
    ).rejects.toThrow(
      /^set\.policy: Expected no override of `policy` with variant per-socket, which sets it to another value/,
    );
    // Every override of the variant is named, each on its own line, not only the first.
    const host = [{ name: 'host', lpid: 0, groups: 'all' }];
    const both = runWorkload(w, {
      ...short,
      variant: 'per-socket',
      set: { policy: 'per-gpu', tenants: host },
    });
    await expect(both).rejects.toThrow(
      /^set\.policy: Expected no override of `policy` with variant per-socket, .*\n {2}set\.tenants: Expected no override of `tenants` with variant per-socket, which sets it to another value/,
    );
    // An override that restates the variant's value changes nothing, and is not refused.
    const refined = await runWorkload(w, { ...short, variant: 'per-socket', set: { policy: 'per-socket' } });
    expect(refined.config.params.policy).toBe('per-socket');
  });

  it('api: options that make the own run a variant make it that variant, judged by what it expects, as `npusim run --policy` does', async () => {
    const { workloads } = await import('../../workloads/index.js');
    const w = workloads.find((x) => x.name === 'multi-tenant')!;
    const short = { seed: 1, durationTicks: 5_000_000 };
    const asOwn = await runWorkload(w, { ...short, set: { policy: 'per-gpu' } });
    const alone = await runWorkload(w, { ...short, variant: 'per-gpu' });
    // The same run as the variant alone, and judged as it (the workload's own run expects clean).
    expect(asOwn.digest).toBe(alone.digest);
    expect(asOwn.sameAsVariant).toEqual({ name: 'per-gpu', by: 'set.policy=per-gpu' });
    expect(asOwn.label).toBe('per-gpu');
    expect(asOwn.expectation).toEqual(alone.expectation);
    expect(asOwn.expectation?.expect).toEqual(['isolation.peer']);
    // The command line matches it alike (one function decides for both).
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const argv = ['run', 'multi-tenant', '--seed', '1', '--duration', '5us', '--policy', 'per-gpu'];
    await runCli([...argv, '--inline', '--json', '--no-failure-file'], {
      stdout: sink,
      stderr: quiet,
      env: {},
    });
    const fromCli = JSON.parse(out) as typeof asOwn;
    expect(fromCli.sameAsVariant?.name).toBe(asOwn.sameAsVariant?.name);
    expect(fromCli.expectation).toEqual(asOwn.expectation);
    // An option that changes nothing of a variant's own leaves the run the workload's own.
    const own = await runWorkload(w, { ...short, set: { policy: 'per-gpu-isolated' } });
    expect(own.sameAsVariant).toBeUndefined();
  });

  it("api: a variant's profile is the run's; `profile` alone makes the run that variant; another with it is refused", async () => {
    const { workloads } = await import('../../workloads/index.js');
    const w = workloads.find((x) => x.name === 'firmware-update')!;
    const short = { seed: 1, durationTicks: 5_000_000 };
    const alone = await runWorkload(w, { ...short, variant: 'as-shipped' });
    expect(alone.config.profile).toBe('as-shipped');
    expect(alone.expectation).toMatchObject({ expect: ['isolation.firmware'], met: true });
    expect(alone.reproduce).toContain('--variant as-shipped');
    expect(alone.reproduce).toContain('--profile as-shipped');
    const asOwn = await runWorkload(w, { ...short, profile: 'as-shipped' });
    expect(asOwn.sameAsVariant).toEqual({ name: 'as-shipped', by: 'profile=as-shipped' });
    expect(asOwn.digest).toBe(alone.digest);
    await expect(runWorkload(w, { ...short, variant: 'as-shipped', profile: 'fixed' })).rejects.toThrow(
      /^profile: Expected no other profile with variant as-shipped, which runs profile as-shipped .*got `fixed`/,
    );
  });

  it("api: runWorkload's strategy 'pct' and stopOnFirst are the command line's --strategy pct and --stop-on-first, the same digest", async () => {
    const { workloads } = await import('../../workloads/index.js');
    const w = workloads.find((x) => x.name === 'flush-race')!;
    const options = {
      seed: 1,
      bugs: ['single-flush' as const],
      durationTicks: 20_000_000,
      stopOnFirst: true,
    };
    const pct = await runWorkload(w, { ...options, strategy: 'pct', pctDepth: 2 });
    const random = await runWorkload(w, options);
    // Both were ignored before: the PCT run was the random one, and ran past its first finding.
    expect(pct.config.strategy?.kind).toBe('pct');
    expect(pct.digest).not.toBe(random.digest);
    expect(random.config.stopOnFirst).toBe(true);
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const argv = ['run', 'flush-race', '--bug', 'single-flush', '--seed', '1', '--duration', '20us'];
    const code = await runCli(
      [
        ...argv,
        '--stop-on-first',
        '--strategy',
        'pct',
        '--pct-depth',
        '2',
        '--inline',
        '--json',
        '--no-failure-file',
      ],
      { stdout: sink, stderr: quiet, env: { NO_COLOR: '1' } },
    );
    expect(code).toBe(pct.exitCode);
    expect((JSON.parse(out) as { digest: string }).digest).toBe(pct.digest);
  });

  it("api: README's library example runs as written, printing the summary and the digest of the run it names; a misspelt name takes its ConfigError branch", async () => {
    const example = readmeExample();
    const r = runModule(example);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const own = await runWorkload(await findWorkload('stress'), { seed: 7, durationTicks: 30_000_000 });
    expect(r.stdout).toContain('status clean (exit 0)');
    expect(r.stdout).toContain(`digest ${own.digest}, exit code 0`);
    const slip = runModule(example.replace("findWorkload('stress')", "findWorkload('strss')"));
    expect(slip.stdout).toBe('');
    expect(slip.stderr).toContain('npusim: workload: Expected one of ');
    expect(slip.stderr).toContain('got `strss` (did you mean `stress`?)');
    expect(slip.status).toBe(2);
  });

  it("api: README's table of exports names every value the package exports", async () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const table = readme.slice(
      readme.indexOf('What the package exports'),
      readme.indexOf('A program that makes many threaded runs'),
    );
    // `name` or `name(args)`.
    const named = new Set([...table.matchAll(/`([A-Za-z_]+)[`(]/g)].map((m) => m[1]!));
    const missing = Object.keys(await import('npusim')).filter((name) => !named.has(name));
    expect(missing).toEqual([]);
  });

  it('api: the errors are exported classes: a bad seed is a ConfigError, a crash rejects with ActorCrashError; EXIT maps outcomes to exit codes', async () => {
    const stress = await findWorkload('stress');
    const bad = await runWorkload(stress, { seed: -1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).field).toBe('seed');
    const config = {
      ...workloadConfig(stress, { durationTicks: 1_000_000 }),
      crashAt: { actor: 'gpu2', event: 5 },
    };
    const crash = await runSimulation(config, { host: 'inline' }).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(ActorCrashError);
    expect((crash as ActorCrashError).crash.actor).toBe('gpu2');
    for (const c of [EngineStallError, WorkerLostError, AssertionFailure])
      expect(c.prototype).toBeInstanceOf(Error);
    expect(EXIT.crash).toBe(4);
    expect(EXIT.liveness).toBe(3);
    expect(EXIT_CODES.map((e) => e.code)).toEqual([0, 1, 2, 3, 4, 5, 130]);
  });

  it("api: loadWorkloads refuses what is no module URL, and a module's item that is no workload, naming it (QA)", async () => {
    // A path as a string said only `Cannot find package 'undefined'`.
    const path = await loadWorkloads('workloads/index.ts' as never).catch((e: unknown) => e);
    expect(path).toBeInstanceOf(ConfigError);
    expect((path as ConfigError).field).toBe('url');
    expect((path as Error).message).toContain('got the string "workloads/index.ts"');
    const mod = new URL('data:text/javascript,export const workloads = [5];');
    const item = await loadWorkloads(mod).catch((e: unknown) => e);
    expect(item).toBeInstanceOf(ConfigError);
    expect((item as ConfigError).field).toBe(`${mod.href}: workloads[0]`);
    expect((item as Error).message).toContain(
      'Expected a workload (what defineWorkload returns), got number',
    );
    // A file that is not there was Node's `Cannot find module ... imported from
    // .../workload-registry.js`, a plain Error blaming npusim's own file.
    const gone = pathToFileURL(join(testTempDir('npusim-no-module-'), 'gone.mjs'));
    const missing = await loadWorkloads(gone).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).field).toBe(fileURLToPath(gone));
    expect((missing as Error).message).toContain('Expected a module exporting `workloads`, got no such file');
  });

  it('api: findWorkload gives a built-in by name, and refuses a slip with the names and the nearest one', async () => {
    const all = await loadWorkloads();
    const stress = await findWorkload('stress');
    expect(stress).toBe(all.get('stress'));
    // Frozen to the leaves: an edit meant for one run changed every later one (QA).
    expect(Object.isFrozen(stress) && Object.isFrozen(stress.params.gpu)).toBe(true);
    expect(() => {
      (stress.params.gpu as { dmaBytes: number }).dmaBytes = 4096;
    }).toThrow(TypeError);
    expect(stress.params.gpu.dmaBytes).not.toBe(4096);
    const slip = await findWorkload('strss').catch((e: unknown) => e);
    expect(slip).toBeInstanceOf(ConfigError);
    expect((slip as ConfigError).field).toBe('workload');
    expect((slip as Error).message).toBe(
      `workload: Expected one of ${[...all.keys()].join(', ')}, got \`strss\` (did you mean \`stress\`?)`,
    );
    // Far from every name: listed without a guess. A map of your own is searched instead (an
    // empty one said `Expected one of , got ...` before QA Q9: test below).
    await expect(findWorkload('zzzzzz')).rejects.toThrow(/, got `zzzzzz`$/);
    const one = new Map([['stress', all.get('stress')!]]);
    await expect(findWorkload('mixed', one)).rejects.toThrow(
      /^workload: Expected one of stress, got `mixed`$/,
    );
  });

  it('api: the topology presets and the tables of names are frozen to the leaves: an edit throws, and a later run of the preset is the same (QA)', async () => {
    const stress = await findWorkload('stress');
    const before = await runWorkload(stress, { seed: 1, durationTicks: 2_000_000 });
    const six = TOPOLOGY_PRESETS['witherspoon-6'];
    // Before, both went through and changed every later run of witherspoon-6 in the process,
    // under a reproduce line naming the preset.
    expect(() => {
      (six as { name: string }).name = 'my-six';
    }).toThrow(TypeError);
    expect(() => (six.gpus[0]!.links as unknown[]).reverse()).toThrow(TypeError);
    expect(() => {
      (EXIT as Record<string, number>).clean = 7;
    }).toThrow(TypeError);
    expect(() => (EXIT_CODES as unknown as unknown[]).pop()).toThrow(TypeError);
    for (const table of [BUGS, BUG_NAMES, RULE_NAMES, PROFILE_NAMES, PAGE_SIZE_NAMES])
      expect(Object.isFrozen(table)).toBe(true);
    // A copy is the caller's to edit, and runs as a topology of its own beside the preset.
    const mine = { ...structuredClone(six), name: 'my-six' };
    (mine.gpus[0]!.links as unknown[]).reverse();
    const own = await runWorkload(stress, { seed: 1, durationTicks: 2_000_000, topology: mine });
    expect(own.digest).not.toBe(before.digest);
    const after = await runWorkload(stress, { seed: 1, durationTicks: 2_000_000 });
    expect(after.digest).toBe(before.digest);
  });

  it('api: loadWorkloadFile of a module whose top-level await never settles is refused, and the program goes on (QA)', () => {
    const file = join(testTempDir('npusim-never-loads-'), 'never.mjs');
    writeFileSync(file, 'await new Promise(() => {});\nexport default {};\n');
    // Before, the process ended at once with exit 0 (exit 13 under a top-level await), no handler
    // run and nothing said.
    const r = runModule(
      `import { loadWorkloadFile } from 'npusim';\n` +
        `try { await loadWorkloadFile(${JSON.stringify(file)}); console.log('loaded'); }\n` +
        `catch (e) { console.log(e.constructor.name + ' ' + e.message); }\n` +
        `console.log('after');\n`,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `ConfigError ${file}: Expected a workload module that finishes loading, got one that never does: its top-level \`await\` waits on a promise that nothing is left to settle (nothing ran)\nafter\n`,
    );
  });

  it('api: findWorkload given no Map, or loadWorkloadFile no path, is a ConfigError naming the argument, not a TypeError (QA Q9)', async () => {
    await expect(findWorkload('stress', {} as never)).rejects.toThrow(
      /^workloads: Expected a Map of workloads by name \(what loadWorkloads\(\) gives\), got an object$/,
    );
    await expect(findWorkload('stress', [] as never)).rejects.toBeInstanceOf(ConfigError);
    await expect(loadWorkloadFile(5 as never)).rejects.toThrow(
      /^file: Expected a workload file's path, got 5$/,
    );
    await expect(loadWorkloadFile('')).rejects.toThrow(
      /^file: Expected a workload file's path, got an empty string$/,
    );
    // An empty map said `Expected one of , got ...`.
    await expect(findWorkload('stress', new Map())).rejects.toThrow(
      /^workload: Expected a workload of the map given, which holds none, got `stress`$/,
    );
    // validateWorkload without `where`: the fields are the workload's, not `undefined`'s.
    expect(() => validateWorkload('x')).toThrow(/^workload: Expected /);
  });

  it('api: a result compared with itself has nothing changed, read back from its JSON too; two sets of seeds compare', async () => {
    const stress = await findWorkload('stress');
    const short = { durationTicks: 2_000_000 };
    const [a, b] = [
      await runWorkload(stress, { ...short, seed: 1 }),
      await runWorkload(stress, { ...short, seed: 2 }),
    ];
    const self = compareResults('a.json', a, 'a.json', a);
    expect(self.changed).toBe(0);
    expect(self.identical).toBe(true);
    expect(self.judged).toBeGreaterThan(0);
    expect(formatComparison(self)).toContain('digest');
    const back = parseRunResult(JSON.stringify(a), 'a.json');
    expect(compareResults('a.json', a, 'back.json', back).changed).toBe(0);
    expect(() => parseRunResult('{"schemaVersion": 0}', 'x.json')).toThrow(ConfigError);
    const sets = compareSets(
      [
        { file: 'A/1.json', result: a },
        { file: 'A/2.json', result: b },
      ],
      [
        { file: 'B/1.json', result: a },
        { file: 'B/2.json', result: b },
      ],
    );
    expect(sets.changed).toBe(0);
  });

  it('api: the seed defaults to 1; shouldStop, polled, stops a run as interrupted; a summary is plain unless asked', async () => {
    const stress = await findWorkload('stress');
    const short = { durationTicks: 2_000_000 };
    expect((await runWorkload(stress, short)).digest).toBe(
      (await runWorkload(stress, { ...short, seed: 1 })).digest,
    );
    let polls = 0;
    const stopped = await runWorkload(stress, {
      seed: 1,
      durationTicks: 300_000_000,
      shouldStop: () => ++polls > 2,
    });
    expect(stopped.status).toBe('interrupted');
    expect(stopped.exitCode).toBe(EXIT.interrupted);
    expect(stopped.simulatedTicks).toBeLessThan(300_000_000);
    expect(colorEnabled({ isTTY: false })).toBe(false);
    expect(formatSummary(stopped, { color: false })).not.toContain('\x1b[');
    // Any truthy answer stops, at the first poll as at every later one (QA: `() => 1` ran 4096
    // events past the first poll, another digest than `() => true`).
    for (const answer of [true, 1, 'yes']) {
      const r = await runWorkload(stress, {
        seed: 1,
        durationTicks: 60_000_000,
        shouldStop: () => answer as boolean,
      });
      expect([answer, r.status, r.engine.events]).toEqual([answer, 'interrupted', 0]);
    }
  });
});
