/**
 * runWorkload and runSimulation take their input as `npusim run` takes its options: every option
 * (the engine's included) checked before anything runs, each refusal a ConfigError naming the
 * option as the caller wrote it, and a result whose reproduce line runs the same run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/api/run-simulation.js';
import { runWorkload, workloadConfig } from '../../src/api/run-workload.js';
import { runCli } from '../../src/cli/run-cli.js';
import { ConfigError } from '../../src/core/errors.js';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import { BUG_NAMES } from '../../src/model/scenario/bugs.js';
import { defineWorkload, validateWorkload, type Workload } from '../../src/model/scenario/workload.js';
import { loadWorkloadFile } from '../../src/runtime/workload-file.js';
import { testTempDir } from '../support/temp-dir.js';

const definition = {
  name: 'api-input',
  description: 'probe',
  params: {
    topology: 'witherspoon-4',
    durationTicks: 1_000_000,
    tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
  },
};
const w = defineWorkload(definition as Parameters<typeof defineWorkload>[0]);

/** What a JavaScript caller (or a value computed at run time) can pass past the types. */
const bad = (options: object, workload: unknown = w) =>
  runWorkload(workload as Workload, options as Parameters<typeof runWorkload>[1]);

/** The refusal `p` rejects with: a ConfigError, as `field: message`. */
async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a refusal').toBeInstanceOf(ConfigError);
  return (e as ConfigError).message;
}

describe('runWorkload input', () => {
  it('a parameter given both by set and by its own option is refused, as --set with --duration or --topology is', async () => {
    expect(() => workloadConfig(w, { durationTicks: 2_000_000, set: { durationTicks: 3_000_000 } })).toThrow(
      /^set\.durationTicks: Expected durationTicks either by set or by the durationTicks option, got both$/,
    );
    const spec = { ...TOPOLOGY_PRESETS['witherspoon-4']!, name: 'my-four' };
    expect(await refusal(bad({ topology: spec, set: { topology: 'witherspoon-6' } }))).toBe(
      'set.topology: Expected topology either by set or by the topology option, got both',
    );
    // Each alone is taken, and the reproduce line says the one given.
    const bySet = await runWorkload(w, { set: { durationTicks: 2_000_000 } });
    expect(bySet.reproduce).toContain('--set durationTicks=2000000');
  });

  it("a topology spec's unknown key, misspelt link kind and link that is no object are refused together, each at its place", async () => {
    const spec = {
      ...TOPOLOGY_PRESETS['witherspoon-4']!,
      name: 'my-four',
      nvlinkSped: 9,
      links: { nvlinkBrik: {}, pcie: 'fast' },
    };
    expect((await refusal(bad({ topology: spec }))).split('\n')).toEqual([
      'topology.nvlinkSped: Expected a topology field (one of: name, sockets, gpus, gpuMemMap, gpuRamBytes, nvlinkSpeed, links), got unknown key `nvlinkSped` (did you mean `nvlinkSpeed`?)',
      '  topology.links.nvlinkBrik: Expected a link kind (one of: nvlinkBrick, pcie, xbus), got unknown key `nvlinkBrik` (did you mean `nvlinkBrick`?)',
      '  topology.links.pcie: Expected an object (latencyTicks, bytesPerSecond), got the string "fast"',
    ]);
  });

  it("a topology spec whose machine breaks npusim's limits and whose name is a preset's for another machine is refused once, with both (QA: the name only once the machine was fixed)", async () => {
    const preset = TOPOLOGY_PRESETS['witherspoon-4']!;
    // On 64 KiB boundaries (the spec's check passes), but inside socket 0's host RAM.
    const spec = {
      ...preset,
      sockets: [
        { ...preset.sockets[0]!, npuRegsBase: 0x1_0000 },
        { ...preset.sockets[1]!, npuRegsBase: 0x2_0000 },
      ],
    };
    // In the spec's order (QA: the name, its first key, came after the machine's limits).
    expect((await refusal(bad({ topology: spec }))).split('\n')).toEqual([
      'topology.name: Expected a name no preset has, or the preset unchanged (as `npusim topo witherspoon-4 --json` prints it), got `witherspoon-4` for another machine: it differs from the preset at sockets[0].npuRegsBase',
      '  topology.sockets[0].npuRegsBase: Expected address windows that do not overlap, got the NPU registers of socket 0 at 0x10000 inside the host RAM of socket 0 (chip id 0) (0x0..0x4000000000)',
      '  topology.sockets[1].npuRegsBase: Expected address windows that do not overlap, got the NPU registers of socket 1 at 0x20000 inside the host RAM of socket 0 (chip id 0) (0x0..0x4000000000)',
    ]);
  });

  it("a workload loadWorkloadFile read: the reproduce line names its file, and that line is the same run (its digest); a copy gets the workload's name", async () => {
    const dir = testTempDir('npusim-api-input-');
    const file = join(dir, 'my-load.json');
    writeFileSync(file, JSON.stringify({ ...definition, name: 'my-load' }));
    const loaded = await loadWorkloadFile(file);
    const r = await runWorkload(loaded, { seed: 3 });
    expect(r.reproduce).toMatch(new RegExp(`^npusim run ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    let out = '';
    const code = await runCli([...r.reproduce.split(' ').slice(1), '--json'], {
      stdout: new Writable({
        write(chunk, _encoding, done) {
          out += String(chunk);
          done();
        },
      }),
      stderr: new Writable({ write: (_c, _e, done) => done() }),
      env: { NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    expect((JSON.parse(out) as { digest: string }).digest).toBe(r.digest);
    // An edited copy is no longer the file's workload.
    const copy = await runWorkload(
      { ...loaded, params: { ...loaded.params, durationTicks: 2_000_000 } },
      {
        seed: 3,
      },
    );
    expect(copy.reproduce).toMatch(/^npusim run my-load /);
  });

  it('every engine option is checked before anything runs: its type, its range and whether the host reads it', async () => {
    const cases: [object, string][] = [
      [
        { host: 'threaded', stopAfterEvents: 10 },
        "stopAfterEvents: Expected stopAfterEvents only with host 'inline', got host 'threaded'",
      ],
      [
        { host: 'threaded', timeEvents: true },
        "timeEvents: Expected timeEvents only with host 'inline', got host 'threaded'",
      ],
      [{ shouldStop: true }, 'shouldStop: Expected a function, got true'],
      [{ onProgress: 5 }, 'onProgress: Expected a function, got 5'],
      [
        { host: 'threaded', workerSet: {} },
        'workerSet: Expected a WorkerSet (`new WorkerSet()`), got an object',
      ],
      [
        { host: 'threaded', ringCapacityRecords: 0 },
        'ringCapacityRecords: Expected a power of two from 2 to 2^24 (records per ring), got 0',
      ],
      [
        { host: 'threaded', ringCapacityRecords: 48 },
        'ringCapacityRecords: Expected a power of two from 2 to 2^24 (records per ring), got 48',
      ],
      [{ trace: 5 }, 'trace: Expected { capacityRecords, sampleCount, endTick, anchorTick? }, got 5'],
      [
        { trace: { capacityRecords: 1, sampleCount: 0, endTick: 10 } },
        'trace.capacityRecords: Expected a whole number of records each actor keeps from 2, got 1',
      ],
      [
        { trace: { capacityRecords: 8, sampleCount: 0, endTick: 10, anchorTik: 3 } },
        'trace.anchorTik: Expected a trace field (one of: capacityRecords, sampleCount, endTick, anchorTick), got unknown key `anchorTik` (did you mean `anchorTick`?)',
      ],
      [
        { free: { windowTicks: 1000 } },
        "free: Expected no free with host `inline` (free mode is worker threads racing), got one: pass host 'threaded'",
      ],
      [
        { workerSet: {} },
        "workerSet: Expected no workerSet with host `inline` (no worker threads), got one: pass host 'threaded'",
      ],
      [
        { watchdogMs: 'x' },
        "watchdogMs: Expected no watchdogMs with host `inline` (it watches worker threads), got one: pass host 'threaded'",
      ],
      [
        { host: 'threaded', watchdogMs: 'x' },
        'watchdogMs: Expected a whole number of milliseconds from 1, got "x" (a string)',
      ],
      [
        { host: 'threaded', watchdogMs: -1 },
        'watchdogMs: Expected a whole number of milliseconds from 1, got -1',
      ],
      [{ recordEvents: -1 }, 'recordEvents: Expected a whole number of events from 0, got -1'],
      [{ tailEvents: 1.5 }, 'tailEvents: Expected a whole number of events from 0, got 1.5'],
      [{ stopAfterEvents: 0 }, 'stopAfterEvents: Expected a whole number of events from 1, got 0'],
      [{ host: 'threaded', spinRounds: -3 }, 'spinRounds: Expected a whole number of rounds from 0, got -3'],
      [{ recordChoices: 'yes' }, 'recordChoices: Expected true or false, got "yes" (a string)'],
      [{ host: 'threaded', free: 5 }, 'free: Expected { windowTicks }, got 5'],
      // A slip named, with the key it is a slip of (QA: `free.windowTicks: ... got undefined`).
      [
        { host: 'threaded', free: { windowTick: 5 } },
        'free: Expected a free field (one of: windowTicks), got unknown key `windowTick` (did you mean `windowTicks`?)',
      ],
      // A placement of another shape's keys ran without a word, and a free run's non-per-actor
      // placement was refused in the command line's words (`--workers`: QA).
      [
        { host: 'threaded', placement: { kind: 'auto', count: 3 } },
        'placement.count: Expected only `kind` in a placement of kind `auto`, got `count`',
      ],
      [
        { host: 'threaded', placement: 'foo' },
        `placement: Expected { kind: 'per-actor' }, { kind: 'auto' } or { kind: 'workers', count } with a whole count from 1 to 256, got "foo" (a string)`,
      ],
      [
        { host: 'threaded', free: { windowTicks: 1_000_000 }, placement: { kind: 'workers', count: 2 } },
        "placement: Expected { kind: 'per-actor' } or no placement with `free` (a free run is one worker per actor), got kind `workers`",
      ],
    ];
    for (const [options, message] of cases) {
      expect(await refusal(bad(options)), JSON.stringify(options)).toBe(message);
      // The same from runSimulation, which takes the engine options alone.
      const config = workloadConfig(w);
      const engine = { host: 'inline', ...options } as Parameters<typeof runSimulation>[1];
      expect(await refusal(runSimulation(config, engine)), JSON.stringify(options)).toBe(message);
    }
    // Refused before PCT's measuring run, which would otherwise run first.
    expect(await refusal(bad({ strategy: 'pct', recordEvents: -1 }))).toMatch(/^recordEvents: /);
  });

  it('a workload that was never validated is validated, its refusal the validator’s under `workload`; a validated one validates to itself', async () => {
    const tenants = [{ name: 'vm1', lpid: 1, groups: 'all' }];
    // Without a description: a TypeError deep in the run, before.
    expect(await refusal(bad({ durationTicks: 1_000_000 }, { name: 'x', params: { tenants } }))).toMatch(
      /^workload: description: /,
    );
    // Its parameters' refusal named `set.durationTicks`, an option the caller never gave.
    expect(
      await refusal(bad({ durationTicks: 1_000_000 }, { name: 'x', description: 'd', params: {} })),
    ).toMatch(/^workload: params\.tenants: /);
    const plain = JSON.parse(JSON.stringify(w)) as Workload;
    expect((await runWorkload(plain)).digest).toBe((await runWorkload(w)).digest);
    const { workloads } = await import('../../workloads/index.js');
    for (const builtIn of workloads) expect(validateWorkload(builtIn, 'workload')).toEqual(builtIn);
  });

  it('a misspelt option gets the nearest name; a seed or duration is refused as the command line words it', async () => {
    expect(await refusal(bad({ seeed: 3 }))).toMatch(
      /^seeed: Expected an option runWorkload takes \(seed, bugs, .*\), got `seeed` \(did you mean `seed`\?\)$/,
    );
    expect(await refusal(runSimulation(workloadConfig(w), { host: 'inline', hots: 1 } as never))).toMatch(
      /^hots: Expected an option runSimulation takes \(host, .*\), got `hots` \(did you mean `host`\?\)$/,
    );
    expect(await refusal(bad({ durationTicks: -5 }))).toBe(
      'durationTicks: Expected a whole number of ticks from 1 to 1000000000000000, got -5: negative durations are not allowed',
    );
    expect(await refusal(bad({ durationTicks: 1.5 }))).toMatch(/^durationTicks: /);
    expect(await refusal(bad({ seed: 7n }))).toMatch(
      /^seed: Expected an integer seed .*, got 7n \(a bigint\)$/,
    );
    expect(await refusal(bad({ seed: -1 }))).toMatch(
      /^seed: Expected an integer seed .*, got -1: negative seeds are not allowed$/,
    );
    // A null seed or host is the wrong type, as a null duration is (QA: they ran seed 1, inline).
    expect(await refusal(bad({ seed: null } as never))).toMatch(
      /^seed: Expected an integer seed .*, got null$/,
    );
    expect(await refusal(bad({ host: null } as never))).toBe(
      'host: Expected `inline` or `threaded`, got null',
    );
    // runSimulation with no options runs inline; null ones are refused, not a TypeError.
    const config = workloadConfig(w);
    expect((await runSimulation(config)).digest).toBe((await runWorkload(w)).digest);
    expect(await refusal(runSimulation(config, null as never))).toMatch(
      /^options: Expected a plain object of options \(\{ host: .inline. \} at least\), got null$/,
    );
  });

  it("a bug switch the run's profile already carries is refused, given by profile or by a variant's, as the command line refuses it", () => {
    const shipped = defineWorkload({
      ...(definition as Parameters<typeof defineWorkload>[0]),
      variants: [{ name: 'shipped', profile: 'as-shipped', expect: 'clean' }],
    });
    // It ran with a digest of its own and a reproduce line (`--bug X --profile as-shipped`) that
    // `npusim run` refuses.
    expect(() => workloadConfig(shipped, { profile: 'as-shipped', bugs: ['unpin-before-kill'] })).toThrow(
      /^bugs: Expected a bug switch profile as-shipped does not already carry, got `unpin-before-kill` /,
    );
    expect(() =>
      workloadConfig(shipped, { variant: 'shipped', bugs: ['unpin-before-kill', 'tce-entire-kill-ignored'] }),
    ).toThrow(
      "bugs: Expected a bug switch profile as-shipped of variant shipped does not already carry, got `unpin-before-kill` (the profile switches it on; `npusim list` shows each profile's switches)\n" +
        '  bugs: Expected a bug switch profile as-shipped of variant shipped does not already carry, got `tce-entire-kill-ignored`',
    );
    // One it does not carry runs on it, and the reproduce line says both.
    const config = workloadConfig(shipped, { variant: 'shipped', bugs: ['single-flush'] });
    expect(config.bugs).toEqual(['single-flush']);
    expect(config.profile).toBe('as-shipped');
  });
});

describe('runSimulation input', () => {
  it("a RunConfig's fields that make its reproduce line, and its flags, are checked: of another kind each ran as its line did not say (QA)", async () => {
    const config = workloadConfig(w, { seed: 3 });
    const sim = (extra: object) =>
      refusal(runSimulation({ ...config, ...extra } as typeof config, { host: 'inline' }));
    expect(await sim({ bugs: ['single-flush', 'single-flush'] })).toBe(
      'bugs: Expected each bug switch once, got `single-flush` twice',
    );
    expect(await sim({ stopOnFirst: 'yes' })).toBe(
      'stopOnFirst: Expected true or false, got "yes" (a string)',
    );
    expect(await sim({ set: [1, 2] })).toBe(
      "set[0]: Expected { path, value } with a parameter's path, got 1",
    );
    expect(await sim({ set: 'x' })).toMatch(/^set: Expected a list of \{ path, value \}/);
    expect(await sim({ workload: 5 })).toBe("workload: Expected the workload's name, got 5");
    expect(await sim({ variant: '' })).toMatch(/^variant: Expected a non-empty string/);
    expect(await sim({ customTopology: 'x' })).toMatch(/^customTopology: Expected \{ file, spec \}/);
    expect(await sim({ customTopology: { file: 'x.json', spec: TOPOLOGY_PRESETS['witherspoon-6'] } })).toBe(
      'customTopology.spec.name: Expected the topology the parameters name (`witherspoon-4`), got "witherspoon-6" (a string)',
    );
    expect(
      await sim({
        strategy: {
          kind: 'replay',
          choices: [
            [0, 1],
            ['a', null],
          ],
        },
      }),
    ).toBe('strategy.choices[1][0]: Expected a whole number from 0, got "a" (a string)');
    // runWorkload's set: a path set to undefined, as its own field.
    expect(await refusal(runWorkload(w, { set: { 'gpu.dmaBytes': undefined } }))).toBe(
      'set.gpu.dmaBytes: Expected a value for the parameter, got undefined (leave the path out to keep its value)',
    );
    expect(await refusal(runWorkload(w, { bugs: ['single-flush', 'single-flush'] }))).toBe(
      'bugs: Expected each bug switch once, got `single-flush` twice',
    );
    // An undefined name or a hole: it ran, another digest, `--bug undefined` in its reproduce line.
    const every = `Expected bug switches among ${BUG_NAMES.join(', ')}, got`;
    expect(await sim({ bugs: [undefined] })).toBe(`bugs: ${every} undefined`);
    expect(await refusal(runWorkload(w, { bugs: ['single-flush', undefined] as never }))).toBe(
      `bugs: ${every} undefined at bugs[1]`,
    );
    expect(await refusal(runWorkload(w, { bugs: new Array(2) }))).toBe(`bugs: ${every} undefined at bugs[0]`);
  });

  it("a RunConfig's crashAt is checked as --crash-at is, and a key no run reads is refused, before anything runs (QA Q9)", async () => {
    const config = workloadConfig(w, { seed: 3 });
    const sim = (extra: object) =>
      refusal(runSimulation({ ...config, ...extra } as typeof config, { host: 'inline' }));
    expect(await sim({ crashAt: 'x' })).toBe('crashAt: Expected { actor, event }, got "x" (a string)');
    expect(await sim({ crashAt: { actor: 'chip0', event: 0 } })).toBe(
      'crashAt.event: Expected a whole number of events from 1, got 0',
    );
    expect(await sim({ crashAt: { actor: 'chip0', evnt: 1 } })).toBe(
      'crashAt.evnt: Expected only `actor` and `event`, got `evnt` too',
    );
    expect(await sim({ crashAt: { actor: 'chip9', event: 1 } })).toMatch(
      /^crashAt\.actor: Expected an actor of witherspoon-4 \(.*chip0.*\), got `chip9`$/,
    );
    expect(await sim({ seeed: 4 })).toMatch(
      /^seeed: Expected a RunConfig field \(one of: workload, .*\), got unknown key `seeed` \(did you mean `seed`\?\)$/,
    );
    // A good one still crashes where it says.
    await expect(
      runSimulation({ ...config, crashAt: { actor: 'chip0', event: 1 } }, { host: 'inline' }),
    ).rejects.toThrow(/injected crash/);
  });
});

describe('workloadConfig input', () => {
  it("an engine option, strategy 'pct' or a bad seed is refused, not dropped: the config is the run runWorkload makes (QA Q9)", () => {
    const wc = (options: object) => () => workloadConfig(w, options as Parameters<typeof workloadConfig>[1]);
    expect(wc({ host: 'bogus' })).toThrow(
      /^host: Expected only the options a RunConfig holds \(seed, bugs, .*\), got the engine option `host`: give it to runSimulation or recordRun with the config$/,
    );
    expect(wc({ onProgress: () => {} })).toThrow(/^onProgress: Expected only the options a RunConfig holds/);
    expect(wc({ strategy: 'pct' })).toThrow(
      /^strategy: Expected `random` or no strategy, got `pct`: PCT runs over/,
    );
    expect(wc({ seed: -1 })).toThrow(/^seed: Expected an integer seed .*negative seeds are not allowed$/);
    expect(workloadConfig(w, { seed: 4, strategy: 'random' }).seed).toBe(4);
  });

  it("its options type refuses an engine option and strategy 'pct' at compile time, as the call does at run time", () => {
    // Type tests: tsc (which checks this file) fails on a @ts-expect-error that has no error below
    // it, so this file stops type-checking if workloadConfig's options are widened again.
    const engine = () =>
      // @ts-expect-error an engine option is the run's (runSimulation's or recordRun's), not the config's
      workloadConfig(w, { host: 'threaded', onProgress() {} });
    const pct = () =>
      // @ts-expect-error PCT needs the measuring run only runWorkload makes
      workloadConfig(w, { strategy: 'pct' });
    expect(engine).toThrow(ConfigError);
    expect(pct).toThrow(ConfigError);
  });
});

describe('runWorkload option types', () => {
  it('a set that is no object, and a variant or topologyFile that is no string, are refused naming the option (QA Q9)', async () => {
    expect(await refusal(bad({ set: null }))).toBe(
      "set: Expected an object of parameter paths and values, such as { 'gpu.dmaBytes': 4096 }, got null",
    );
    expect(await refusal(bad({ set: 'policy=per-gpu' }))).toMatch(
      /^set: Expected an object .*, got "policy=per-gpu" \(a string\)$/,
    );
    expect(await refusal(bad({ set: [['policy', 'per-gpu']] }))).toMatch(
      /^set: Expected an object .*, got a list of 1$/,
    );
    expect(await refusal(bad({ variant: { name: 'x' } }))).toBe(
      'variant: Expected a non-empty string, got an object',
    );
    const spec = { ...TOPOLOGY_PRESETS['witherspoon-4']!, name: 'my-four' };
    expect(await refusal(bad({ topology: spec, topologyFile: 5 }))).toBe(
      'topologyFile: Expected a non-empty string, got 5',
    );
  });
});
