/**
 * A failure file that contradicts itself, or that the machine it names cannot run, is refused
 * before anything runs, with exit 2 naming the file, the field, what was expected and what
 * arrived. Each of these was run before (and exited 1, 5, or 2 without the file's name) or was
 * refused for a field when it should have been for its version:
 *   - a crash class whose first finding is a rule, or a violation whose first finding is `crash`;
 *   - a free run without its take log, or a take log under another host;
 *   - parameters that miss a field (filled with today's default, not what ran), break a rule
 *     across fields (ut0 + ut1 + peer = 100), or ask for more than the machine has (IOMMU groups),
 *     a topology that does not exist, or a run longer than 1000 s (a replay that ran for ever);
 *   - a recorded topology outside the machine's limits (named as the parameters', its other lines
 *     without the file's name);
 *   - a topology name that is not the parameters', a crash at an actor the machine lacks, a
 *     variant the workload does not declare;
 *   - a file from another format version with fields of its own;
 *   - zod's words without what arrived (`Too big: expected int to be <=...`).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import type { FailureFile } from '../../src/repro/failure-file.js';
import { readFailureFile } from '../../src/repro/failure-file-read.js';
import { runSeed } from '../../src/sweep/run-seed.js';
import { workloads } from '../../workloads/index.js';

const registry = new Map(workloads.map((w) => [w.name, w]));
let file: FailureFile;

beforeAll(async () => {
  const w = registry.get('flush-race')!;
  const o = await runSeed({
    config: { workload: w.name, seed: 1, bugs: ['single-flush'], params: w.params, stopOnFirst: true },
    workload: w,
    seed: 1,
  });
  file = o.failure!;
});

/** The message `f.json` is refused with (as the CLI prints it after `npusim: `). */
const refused = (f: unknown): string => {
  try {
    readFailureFile(typeof f === 'string' ? f : JSON.stringify(f), 'f.json', registry);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the file to be refused');
};

type Json = Record<string, unknown>;
/** The file as plain JSON, changed by `edit`. */
const tampered = (edit: (f: Json & { workload: { params: Json } }) => void): Json => {
  const f = JSON.parse(JSON.stringify(file)) as Json & { workload: { params: Json } };
  edit(f);
  return f;
};
const params = (f: { workload: { params: Json } }) =>
  f.workload.params as Json & { gpu?: Json; tenants: Json[] };

describe('failure files that contradict themselves are refused, naming the field', () => {
  test('the honest file reads', () => {
    expect(readFailureFile(JSON.stringify(file), 'f.json', registry).config.seed).toBe(1);
  });

  test("PCT steps of a larger machine (a shrunk file keeps its original's) and agents within the steps' bounds read", () => {
    const strategy = { kind: 'pct', depth: 2, steps: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], agents: 30 };
    const read = readFailureFile(
      JSON.stringify(tampered((f) => Object.assign(f, { strategy }))),
      'f.json',
      registry,
    );
    expect(read.config.strategy).toEqual(strategy);
  });

  test('a seed edited in above the old one is refused at the second (not replayed with the old seed); a version must be text', () => {
    // JSON.parse keeps the last of a repeated key: this file would replay seed 1, not 7.
    const text = JSON.stringify(file, null, 2).replace('{\n', '{\n  "seed": 7,\n');
    expect(text).toMatch(/"seed": 7,[\s\S]*"seed": 1,/);
    expect(refused(text)).toMatch(
      /^f\.json: Expected a JSON failure file, got a key given twice: f\.json:\d+:3: Expected each key once in an object, got `seed` a second time/,
    );
    // A version that is not text is named in the words of the other version checks.
    expect(refused(tampered((f) => Object.assign(f.npusim as Json, { version: 5 })))).toMatch(
      /^f\.json: npusim\.version: Expected the version of npusim that wrote the file \(a string such as `\d+\.\d+\.\d+`\), got 5$/,
    );
    // A byte order mark (a Windows editor's save) is skipped, as in a workload file.
    expect(readFailureFile(`\uFEFF${JSON.stringify(file)}`, 'f.json', registry).config.seed).toBe(1);
  });

  test.each<[string, (f: Json & { workload: { params: Json } }) => void, string | RegExp]>([
    [
      'the exit class crash with a rule as its first finding',
      (f) => {
        f.exit = { class: 'crash', code: 4 };
      },
      'f.json: first.rule: Expected `crash` as the first finding of a crash run, got order.atsd-released-early',
    ],
    [
      'a violation whose first finding is a crash',
      (f) => {
        (f.first as Json).rule = 'crash';
      },
      "f.json: first.rule: Expected a rule name for a violation run (`crash` is the exit class crash's), got crash",
    ],
    [
      'a free run without its take log',
      (f) => {
        (f.options as Json).host = 'free';
      },
      'f.json: free: Expected the take log of a free run (options.host is `free`), got null: a free run replays only from its log',
    ],
    [
      'a bug switch twice (another configuration, whose replay said "not reproduced", exit 5: QA)',
      (f) => {
        const o = f.options as Json & { bugs: string[] };
        o.bugs = [...o.bugs, ...o.bugs];
      },
      'f.json: options.bugs[1]: Expected each bug switch once, got `single-flush` again (bugs[0] has it)',
    ],
    [
      'a run that reached past its duration (a threaded interrupted replay ran to it, for hours at 1e15: QA)',
      (f) => {
        (f.figures as Json).simulatedTicks = 1e15;
      },
      "f.json: figures.simulatedTicks: Expected at most the run's duration, workload.params.durationTicks 800000000 (800 us), got 1000000000000000 (1000 s)",
    ],
    [
      'a run that reached one tick past its duration (both read 800 us: QA)',
      (f) => {
        (f.figures as Json).simulatedTicks = 800_000_001;
      },
      "f.json: figures.simulatedTicks: Expected at most the run's duration, workload.params.durationTicks 800000000 (800 us), got 800000001 (1 tick more)",
    ],
    [
      'a choice log whose run of zeros no memory holds (V8 aborted the replay: QA)',
      (f) => {
        f.strategy = { kind: 'replay', choices: [[3, -(2 ** 24)], [], [], [], [], [], []] };
      },
      'f.json: strategy.choices[0][1]: Expected at most 16777216 choices in the log over all its actors (room for 16777215 more here; -k is a run of k zeros), got a run of 16777216 zeros',
    ],
    [
      'a choice log of 10 lists for the 9 actors (an actor that does not exist changed the digest: QA)',
      (f) => {
        f.strategy = { kind: 'replay', choices: [[-2], [], [5], [], [], [], [], [], [], [1]] };
      },
      'f.json: strategy.choices: Expected 9 lists (one per actor of witherspoon-6), got 10',
    ],
    [
      'a choice log of one list (the other actors were left to defaults, NOT reproduced: QA)',
      (f) => {
        f.strategy = { kind: 'replay', choices: [[-2]] };
      },
      'f.json: strategy.choices: Expected 9 lists (one per actor of witherspoon-6), got 1',
    ],
    [
      'a choice log of no lists',
      (f) => {
        f.strategy = { kind: 'replay', choices: [] };
      },
      'f.json: strategy.choices: Expected 9 lists (one per actor of witherspoon-6), got 0',
    ],
    [
      "PCT steps short of an actor (the last actor left out of the change points' draw: exit 5, QA)",
      (f) => {
        f.strategy = { kind: 'pct', depth: 2, steps: [5, 5, 5, 5, 5, 5, 5, 5], agents: 8 };
      },
      'f.json: strategy.steps: Expected 9 step counts (one per actor of witherspoon-6; a shrunk file may keep more, one per actor of the machine it was shrunk from), got 8',
    ],
    [
      'PCT steps of no actor',
      (f) => {
        f.strategy = { kind: 'pct', depth: 2, steps: [], agents: 0 };
      },
      'f.json: strategy.steps: Expected 9 step counts (one per actor of witherspoon-6; a shrunk file may keep more, one per actor of the machine it was shrunk from), got 0',
    ],
    [
      'PCT agents 0 against steps (it steers nothing, but no run of steps has no agent: QA)',
      (f) => {
        f.strategy = { kind: 'pct', depth: 2, steps: [5, 5, 5, 0, 5, 5, 5, 5, 5], agents: 0 };
      },
      "f.json: strategy.agents: Expected from 8 (an agent for each actor with steps in strategy.steps) to 40 (the steps' sum: each agent made at least one), got 0",
    ],
    [
      'PCT steps all 0 with agents (zeros edited in: QA)',
      (f) => {
        f.strategy = { kind: 'pct', depth: 2, steps: [0, 0, 0, 0, 0, 0, 0, 0, 0], agents: 49 };
      },
      'f.json: strategy.agents: Expected 0 (strategy.steps sum to 0: no agent made a step), got 49',
    ],
    [
      'a take log short of an actor (refused before the replay starts)',
      (f) => {
        (f.options as Json).host = 'free';
        (f.exit as Json) = { class: 'violation', code: 1 };
        f.free = { windowTicks: 1000, stopped: 'first-finding', actors: [] };
      },
      'f.json: free.actors: Expected 9 take logs (one per actor of witherspoon-6), got 0',
    ],
    [
      'a placement of no workers',
      (f) => {
        (f.options as Json).workers = '0';
      },
      'f.json: options.workers: Expected per-actor, auto or a number of workers from 1 to 256, got "0"',
    ],
    [
      // QA: passed these checks, and the replay printed its header before it was refused.
      'a placement of more workers than --workers takes',
      (f) => {
        (f.options as Json).host = 'threaded';
        (f.options as Json).workers = '300';
      },
      'f.json: options.workers: Expected per-actor, auto or a number of workers from 1 to 256, got "300"',
    ],
    [
      'a placement for a run that was not on threads',
      (f) => {
        (f.options as Json).host = 'inline';
        (f.options as Json).workers = '3';
      },
      'f.json: options.workers: Expected no --workers placement for a run on host `inline` (only a threaded run has one), got `3`',
    ],
    [
      'a take log whose drift window is 0 (its reproduce line would be refused)',
      (f) => {
        (f.options as Json).host = 'free';
        f.free = { windowTicks: 0, stopped: 'end', actors: [] };
      },
      'f.json: free.windowTicks: Expected a drift window above 0 ticks (--free-window), got 0',
    ],
    [
      'a parameter section missing (today’s defaults are not what ran)',
      (f) => {
        delete params(f).gpu;
      },
      'f.json: workload.params.gpu: Expected the value the run used (a failure file records every parameter), got nothing (the field is missing)',
    ],
    [
      'one parameter missing',
      (f) => {
        delete params(f).tenants[0]!.pagesPerProcess;
      },
      'f.json: workload.params.tenants[0].pagesPerProcess: Expected the value the run used (a failure file records every parameter), got nothing (the field is missing)',
    ],
    [
      'traffic shares that do not add up to 100',
      (f) => {
        params(f).gpu!.ut0Percent = 50;
      },
      'f.json: workload.params.gpu: Expected ut0Percent + ut1Percent + peerPercent to be 100, got 50',
    ],
    [
      'a tenant field of the wrong type (its path as a workload file error writes it)',
      (f) => {
        params(f).tenants[0]!.pagesPerProcess = 'x';
      },
      /^f\.json: workload\.params\.tenants\[0\]\.pagesPerProcess: Expected an integer from 1 to 1048576, got the string "x"$/,
    ],
    [
      'an unknown parameter',
      (f) => {
        params(f).zzz = 1;
      },
      'f.json: workload.params.zzz: Expected a workload parameter (one of: topology, policy, durationTicks, tenants, gpu, host, mmio, resets), got unknown key `zzz`',
    ],
    [
      'more IOMMU groups than the machine has',
      (f) => {
        params(f).tenants[0]!.groups = [7];
      },
      'f.json: workload.params.tenants[0].groups: Expected IOMMU groups from 0 to 1 (witherspoon-6 under per-socket has 2), got group 7 for tenant `host` (`npusim topo witherspoon-6 --policy per-socket` lists the groups)',
    ],
    [
      'a preset name misspelt, with the preset it is near',
      (f) => {
        params(f).topology = 'witherspon-6';
        (f.topology as Json).name = 'witherspon-6';
      },
      'f.json: workload.params.topology: Expected a preset, one of witherspoon-6, witherspoon-4, got `witherspon-6` (did you mean `witherspoon-6`?) (a topology file is given by `--topology FILE`, not by this parameter)',
    ],
    [
      "a recorded topology's unknown key, misspelt link kind and link that is no object, in one refusal",
      (f) => {
        const spec = JSON.parse(JSON.stringify(TOPOLOGY_PRESETS['witherspoon-6'])) as Json;
        Object.assign(spec, { gpuRamByts: 32 * 2 ** 30, links: { pice: {}, xbus: 5 } });
        (f.topology as Json).spec = spec;
      },
      [
        'f.json: topology.spec.gpuRamByts: Expected a topology field (one of: name, sockets, gpus, gpuMemMap, gpuRamBytes, nvlinkSpeed, links), got unknown key `gpuRamByts` (did you mean `gpuRamBytes`?)',
        '  f.json: topology.spec.links.pice: Expected a link kind (one of: nvlinkBrick, pcie, xbus), got unknown key `pice` (did you mean `pcie`?)',
        '  f.json: topology.spec.links.xbus: Expected an object (latencyTicks, bytesPerSecond), got 5',
      ].join('\n'),
    ],
    [
      "a recorded topology the spec's check passes but the machine's limits refuse: each window at its place, every line under the file's name (QA: named as the parameters')",
      (f) => {
        const spec = JSON.parse(JSON.stringify(TOPOLOGY_PRESETS['witherspoon-6'])) as Json & {
          sockets: Json[];
        };
        // On 64 KiB boundaries (the spec's check), but inside socket 0's host RAM.
        spec.sockets[0]!.npuRegsBase = 0x1_0000;
        spec.sockets[1]!.npuRegsBase = 0x2_0000;
        (f.topology as Json).spec = spec;
      },
      [
        'f.json: topology.spec.sockets[0].npuRegsBase: Expected address windows that do not overlap, got the NPU registers of socket 0 at 0x10000 inside the host RAM of socket 0 (chip id 0) (0x0..0x4000000000)',
        '  f.json: topology.spec.sockets[1].npuRegsBase: Expected address windows that do not overlap, got the NPU registers of socket 1 at 0x20000 inside the host RAM of socket 0 (chip id 0) (0x0..0x4000000000)',
      ].join('\n'),
    ],
    [
      'a topology that does not exist',
      (f) => {
        params(f).topology = 'foo';
        (f.topology as Json).name = 'foo';
      },
      'f.json: workload.params.topology: Expected a preset, one of witherspoon-6, witherspoon-4, got `foo` (a topology file is given by `--topology FILE`, not by this parameter)',
    ],
    [
      'a run longer than any npusim makes (1000 s)',
      (f) => {
        params(f).durationTicks = 1e15 + 1;
      },
      /^f\.json: workload\.params\.durationTicks: Expected at most 1000 s.*, got 1000000000000001$/,
    ],
    [
      'a topology name that is not the parameters’',
      (f) => {
        (f.topology as Json).name = 'witherspoon-4';
      },
      'f.json: topology.name: Expected `witherspoon-6`, the topology of workload.params, got `witherspoon-4`',
    ],
    [
      'a crash at an actor the machine does not have',
      (f) => {
        (f.options as Json).crashAt = { actor: 'gpu9', event: 1 };
      },
      'f.json: options.crashAt.actor: Expected an actor of witherspoon-6 (chip0, chip1, gpu0, gpu1, gpu2, gpu3, gpu4, gpu5, coordinator), got `gpu9`',
    ],
    [
      'a variant the workload does not declare',
      (f) => {
        (f.options as Json).variant = 'nope';
      },
      'f.json: options.variant: Expected a variant of `flush-race` (single-flush), got `nope`',
    ],
    [
      'a --set the recorded parameters do not hold (its reproduce line would name another run)',
      (f) => {
        const dma = params(f).gpu!.dmaBytes as number;
        (f.options as Json).set = [{ path: 'gpu.dmaBytes', value: dma * 2 }];
      },
      /^f\.json: options\.set\[0\]: Expected a --set the run's parameters \(workload\.params\) hold, got `gpu\.dmaBytes=\d+`: they give it \d+; the file contradicts itself$/,
    ],
    [
      'a --set of no parameter',
      (f) => {
        (f.options as Json).set = [{ path: 'gpu.linkCount', value: 3 }];
      },
      "f.json: options.set[0]: Expected a --set the run's parameters (workload.params) hold, got `gpu.linkCount=3`: they have no such parameter; the file contradicts itself",
    ],
  ])('%s', (_what, edit, message) => {
    const said = refused(tampered(edit));
    if (typeof message === 'string') expect(said).toBe(message);
    else expect(said).toMatch(message);
  });
});

describe('what arrived is said, and a file from elsewhere is refused for what it is', () => {
  test.each<[string, unknown, string]>([
    [
      'a list instead of an object',
      [1, 2],
      'f.json: Expected a failure file (a JSON object of format `npusim-failure`), got a list',
    ],
    [
      'no format at all',
      { seed: 1 },
      'f.json: format: Expected `npusim-failure`, got nothing (the field is missing)',
    ],
  ])('%s', (_what, json, message) => {
    expect(refused(json)).toBe(message);
  });

  test('a file of a later format version, with fields of its own, is refused for its version', () => {
    const later = tampered((f) => {
      f.formatVersion = 2;
      f.newField = {};
    });
    expect(refused(later)).toMatch(
      /^f\.json: formatVersion: Expected format version 1 \(npusim [^)]+\), got 2 from npusim [^:]+$/,
    );
    const otherNpusim = tampered((f) => {
      f.formatVersion = 2;
      (f.npusim as Json) = { version: '9.9.9', commit: null };
    });
    expect(refused(otherNpusim)).toMatch(/got 2 from npusim 9\.9\.9: replay it with that version$/);
  });

  test.each<[string, (f: Json & { workload: { params: Json } }) => void, string | RegExp]>([
    [
      'a seed out of range',
      (f) => {
        f.seed = 1e300;
      },
      'f.json: seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got a number past 2^53-1 (about 1.00e+300), too large for its digits to be read exactly',
    ],
    [
      'a seed one past 2^53-1 (it would read back as another seed)',
      (f) => {
        f.seed = 2 ** 53;
      },
      'f.json: seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got a number past 2^53-1 (about 9.01e+15), too large for its digits to be read exactly',
    ],
    [
      'a negative seed',
      (f) => {
        f.seed = -1;
      },
      'f.json: seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got -1',
    ],
    [
      // QA67 F2: a string had another wording (`Expected an integer from 0 to 9007199254740991`).
      'a seed as a string',
      (f) => {
        (f as Json).seed = '1';
      },
      'f.json: seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got "1"',
    ],
    [
      // QA67 F2: zod's own `Invalid string: must match pattern /^[0-9a-f]{16}$/`.
      'a digest that is no digest',
      (f) => {
        (f as Json).digest = 'zz';
      },
      `f.json: digest: Expected the run's digest: 16 hex digits (0-9, a-f), got "zz"`,
    ],
    [
      'an unknown bug',
      (f) => {
        (f.options as Json).bugs = ['nope'];
      },
      ', got `nope`',
    ],
    [
      'a missing digest',
      (f) => {
        delete f.digest;
      },
      /^f\.json: digest: .*got nothing \(the field is missing\)$/,
    ],
    [
      // QA Q11: zod's own `Unrecognized key: "x"`, which says neither what the object is nor its keys.
      "a strategy's unknown key",
      (f) => {
        f.strategy = { kind: 'random', seed: 1 };
      },
      'f.json: strategy.seed: Expected a random strategy field (one of: kind), got unknown key `seed`',
    ],
    [
      // QA Q11: zod's own `Invalid discriminator value. Expected 'random' | 'replay' | 'pct'`.
      'a strategy of no kind npusim has',
      (f) => {
        f.strategy = { kind: 'rnd' };
      },
      'f.json: strategy.kind: Expected a strategy kind (one of random, replay, pct), got "rnd"',
    ],
    [
      'a strategy without its kind',
      (f) => {
        f.strategy = {};
      },
      'f.json: strategy.kind: Expected a strategy kind (one of random, replay, pct), got nothing (the field is missing)',
    ],
    [
      "a crashAt's unknown key",
      (f) => {
        (f.options as Json).crashAt = { actor: 'gpu0', evnt: 3 };
      },
      /^f\.json: options\.crashAt\.evnt: Expected a crashAt field \(one of: actor, event\), got unknown key `evnt` \(did you mean `event`\?\)/,
    ],
    [
      // QA Q11: zod's own `Unrecognized key` and `Invalid string: must match pattern /^[0-9a-f]{16}$/`.
      "a take log's unknown key",
      (f) => {
        f.free = {
          windowTicks: 1000,
          stopped: 'end',
          actors: [{ events: 0, takes: '', check: '0123456789abcdef', finishTick: 0, note: 1 }],
        };
      },
      'f.json: free.actors[0].note: Expected a take log field (one of: events, takes, check, finishTick), got unknown key `note`',
    ],
    [
      "a take log's check that is none",
      (f) => {
        f.free = {
          windowTicks: 1000,
          stopped: 'end',
          actors: [{ events: 0, takes: '', check: '', finishTick: 0 }],
        };
      },
      `f.json: free.actors[0].check: Expected the take log's check: 16 hex digits (0-9, a-f), got ""`,
    ],
    [
      'an unknown rule',
      (f) => {
        (f.first as Json).rule = 'foo.bar';
      },
      'f.json: first.rule: Expected a rule name (npusim list) or `crash`, got "foo.bar"',
    ],
  ])('%s', (_what, edit, message) => {
    const said = refused(tampered(edit));
    if (typeof message !== 'string') expect(said).toMatch(message);
    else if (message.startsWith(', ')) expect(said.endsWith(message)).toBe(true);
    else expect(said).toBe(message);
  });
});

describe('a hand-edited file is refused in words that never misstate it (QA)', () => {
  /** What a refusal may not hold: a raw control character (C0 but the newline, DEL, C1). */
  const RAW_CONTROL = /(?!\n)\p{Cc}/u;

  test.each<[string, (f: Json & { workload: { params: Json } }) => void, string]>([
    [
      'a profile with escape sequences',
      (f) => {
        (f.options as Json).profile = 'fixed\u001b]0;pwned\u0007\u001b[2J';
      },
      'f.json: options.profile: Expected one of as-shipped, fixed, got "fixed\\u001b]0;pwned\\u0007\\u001b[2J"',
    ],
    [
      'a bug switch with a C1 control',
      (f) => {
        (f.options as Json).bugs = ['single-flush\u009b2J'];
      },
      ', got "single-flush\\u009b2J"',
    ],
    [
      'a workload name with a NUL',
      (f) => {
        (f.workload as Json).name = 'flush\u0000race\u001b[2J';
      },
      'f.json: workload.name: Expected a workload of this npusim, got "flush\\u0000race\\u001b[2J", which is none of its built-in workloads (one defined in code is passed to the library\'s replay and shrink in their `workloads` option)',
    ],
    [
      'a topology name with an escape',
      (f) => {
        (f.topology as Json).name = 'witherspoon-6\u001b[2J';
      },
      'f.json: topology.name: Expected `witherspoon-6`, the topology of workload.params, got "witherspoon-6\\u001b[2J"',
    ],
    [
      'a host with an escape',
      (f) => {
        (f.options as Json).host = 'inline\u001b[2J';
      },
      'f.json: options.host: Expected one of inline, threaded, free, got "inline\\u001b[2J"',
    ],
    [
      'a seed of text with DEL and a C1 control (JSON.stringify leaves them raw)',
      (f) => {
        f.seed = '2\u007f\u009b2J';
      },
      ', got "2\\u007f\\u009b2J"',
    ],
    [
      // QA: "got one from npusim banana (commit ...): replay it with that version".
      'a version that is none',
      (f) => {
        (f.npusim as Json).version = 'banana';
      },
      'f.json: npusim.version: Expected a version such as 0.2.0, got "banana"',
    ],
    [
      // QA: replayed, and said NOT reproduced (exit 5, "an npusim bug").
      'a first finding past the run’s end, in a run without --stop-on-first',
      (f) => {
        (f.options as Json).stopOnFirst = false;
        (f.first as Json).tick = 900_000_000;
        (f.figures as Json).simulatedTicks = 800_000_000;
      },
      "f.json: first.tick: Expected at most the run's duration, workload.params.durationTicks 800000000 (800 us): no finding comes after the run's end; got 900000000 (900 us)",
    ],
    [
      // QA: shrink began "shrinking ...: at 200 us" on a 100 us run.
      'a first finding past the run’s end, with --stop-on-first',
      (f) => {
        (f.first as Json).tick = 900_000_000;
      },
      "f.json: first.tick: Expected at most the run's duration, workload.params.durationTicks 800000000 (800 us): no finding comes after the run's end; got 900000000 (900 us)",
    ],
    [
      'a take log whose takes are not base64',
      (f) => {
        (f.options as Json).host = 'free';
        f.free = {
          windowTicks: 1000,
          stopped: 'first-finding',
          actors: [{ events: 0, takes: 'AAAA!!!not base64!!!', check: '0123456789abcdef', finishTick: 0 }],
        };
      },
      'f.json: free.actors[0].takes: Expected base64 text (A-Z, a-z, 0-9, + and /, then at most two =), got `AAAA!!!not base64!!!`: character 5, `!`, is no base64 digit',
    ],
  ])('%s', (_what, edit, message) => {
    const said = refused(tampered(edit));
    if (message.startsWith(', ')) expect(said.endsWith(message), said).toBe(true);
    else expect(said).toBe(message);
    expect(said).not.toMatch(RAW_CONTROL);
  });

  test('a seed past 2^53-1 is said to be one, not by digits the file does not hold (QA: 2^60 said as 1152921504606847000)', () => {
    const text = JSON.stringify(file).replace(/"seed":1,/, '"seed":1152921504606846976,');
    expect(text).toContain('"seed":1152921504606846976,');
    const said = refused(text);
    expect(said).toBe(
      'f.json: seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got a number past 2^53-1 (about 1.15e+18), too large for its digits to be read exactly',
    );
    // A tick too: zod's own bound said the double's digits.
    const tick = refused(JSON.stringify(file).replace(/"tick":\d+,/, '"tick":1152921504606846976,'));
    expect(tick).toMatch(
      /^f\.json: first\.tick: Expected .*, got a number past 2\^53-1 \(about 1\.15e\+18\)/,
    );
    expect(tick).not.toContain('1152921504606847000');
  });
});

describe('a run that ran to its end reached its duration', () => {
  // The fixture stopped at its first finding (tick 25864880 of 800 us): short of its duration.
  const toEnd = (f: Json & { workload: { params: Json } }) => {
    (f.options as Json).stopOnFirst = false;
  };

  test.each<[string, (f: Json & { workload: { params: Json } }) => void, string]>([
    [
      'a violation without --stop-on-first that stopped short of its duration',
      toEnd,
      "f.json: figures.simulatedTicks: Expected the run's duration, workload.params.durationTicks 800000000 (800 us): a violation run without --stop-on-first, not interrupted, ends there; got 25864880 (25.86 us)",
    ],
    [
      'a duration edited to 1000 s (its replay ran for hours printing nothing: QA)',
      (f) => {
        toEnd(f);
        (f.figures as Json).simulatedTicks = 800_000_000;
        params(f).durationTicks = 1e15;
      },
      "f.json: figures.simulatedTicks: Expected the run's duration, workload.params.durationTicks 1000000000000000 (1000 s): a violation run without --stop-on-first, not interrupted, ends there; got 800000000 (800 us)",
    ],
    [
      'a clean recording one tick short (both read 800 us)',
      (f) => {
        f.exit = { class: 'clean', code: 0 };
        f.first = null;
        (f.figures as Json).simulatedTicks = 799_999_999;
      },
      "f.json: figures.simulatedTicks: Expected the run's duration, workload.params.durationTicks 800000000 (800 us): a clean run, not interrupted, ends there; got 799999999 (1 tick less)",
    ],
  ])('refused: %s', (_what, edit, message) => {
    expect(refused(tampered(edit))).toBe(message);
  });

  // Every way a run ends short of its duration reads: the stop at a first finding (the fixture),
  // Ctrl-C (in the class or, before that class, code 130 under clean), a crash, an engine stall.
  test.each<[string, (f: Json & { workload: { params: Json } }) => void]>([
    ['stopped at its first finding', () => {}],
    [
      'interrupted',
      (f) => {
        toEnd(f);
        f.exit = { class: 'interrupted', code: 130 };
      },
    ],
    [
      'interrupted, recorded before the class existed',
      (f) => {
        toEnd(f);
        f.exit = { class: 'clean', code: 130 };
        f.first = null;
      },
    ],
    [
      'a crash',
      (f) => {
        toEnd(f);
        f.exit = { class: 'crash', code: 4 };
        f.first = { rule: 'crash', tick: 5000, actors: ['gpu2'], addresses: [], message: 'told to' };
        (f.figures as Json).simulatedTicks = 5000;
      },
    ],
    [
      'a stalled engine (liveness at tick 0, no figures)',
      (f) => {
        toEnd(f);
        f.exit = { class: 'liveness', code: 3 };
        f.first = { rule: 'liveness.engine-stall', tick: 0, actors: [], addresses: [], message: 'stalled' };
        f.figures = { simulatedTicks: 0, events: 0 };
      },
    ],
  ])('read: %s', (_what, edit) => {
    expect(readFailureFile(JSON.stringify(tampered(edit)), 'f.json', registry).config.seed).toBe(1);
  });

  // The fixture stopped at its first finding, at tick 25864879: it reached 25864880.
  test.each<[string, (f: Json & { workload: { params: Json } }) => void, string]>([
    [
      // QA: a file of a run to its end with --stop-on-first switched on by hand replayed to the
      // finding and was reported NOT reproduced (exit 5), blaming npusim.
      '--stop-on-first switched on in the file of a run that ran to its end',
      (f) => {
        (f.figures as Json).simulatedTicks = 800_000_000;
      },
      'f.json: figures.simulatedTicks: Expected 25864880 (25.86 us), the end of the tick of the first finding (first.tick 25864879), where a violation run with --stop-on-first (options.stopOnFirst true) stops; got 800000000 (800 us)',
    ],
    [
      "a stop one tick past the finding's",
      (f) => {
        (f.figures as Json).simulatedTicks = 25_864_881;
      },
      'f.json: figures.simulatedTicks: Expected 25864880 (25.86 us), the end of the tick of the first finding (first.tick 25864879), where a violation run with --stop-on-first (options.stopOnFirst true) stops; got 25864881 (1 tick more)',
    ],
  ])('refused: %s', (_what, edit, message) => {
    expect(refused(tampered(edit))).toBe(message);
  });

  // The runs' own ends: a finding in the last tick ends the run at its duration, and one found at
  // the end (the watchdog's last look) is at the duration itself.
  test.each<[string, (f: Json & { workload: { params: Json } }) => void]>([
    [
      'a finding in the last tick',
      (f) => {
        params(f).durationTicks = 25_864_880;
      },
    ],
    [
      'a liveness failure found at the end',
      (f) => {
        f.exit = { class: 'liveness', code: 3 };
        f.first = { ...(f.first as Json), rule: 'liveness.shootdown', tick: 800_000_000 };
        (f.figures as Json).simulatedTicks = 800_000_000;
      },
    ],
  ])('read: %s', (_what, edit) => {
    expect(readFailureFile(JSON.stringify(tampered(edit)), 'f.json', registry).config.seed).toBe(1);
  });

  test('read: the failure files of real runs that stopped short (a crash, a liveness failure) and of one that ran to its end', async () => {
    const read = async (name: string, over: Partial<RunConfig>, duration: number) => {
      const w = registry.get(name)!;
      const o = await runSeed({
        config: {
          workload: name,
          seed: 1,
          bugs: [],
          params: { ...w.params, durationTicks: duration },
          ...over,
        },
        workload: w,
        seed: 1,
      });
      const f = o.failure!;
      expect(readFailureFile(JSON.stringify(f), 'f.json', registry).file).toEqual(f);
      return f;
    };
    const crash = await read('stress', { crashAt: { actor: 'gpu2', event: 100 } }, 100_000_000);
    expect(crash.exit.class).toBe('crash');
    expect(crash.figures.simulatedTicks).toBeLessThan(100_000_000);
    const whole = await read('flush-race', { bugs: ['single-flush'] }, 100_000_000);
    expect([whole.exit.class, whole.options.stopOnFirst, whole.figures.simulatedTicks]).toEqual([
      'violation',
      false,
      100_000_000,
    ]);
  });
});
