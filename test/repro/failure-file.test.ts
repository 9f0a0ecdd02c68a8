/**
 * Failure files are read strictly: a tampered, corrupted or foreign file is refused with a
 * ConfigError naming the field, and an honest one gives back the run's configuration.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { decodeChoices, deviations, encodeChoices } from '../../src/model/choice/choice-log.js';
import { defineWorkload } from '../../src/model/scenario/workload.js';
import type { FailureFile } from '../../src/repro/failure-file.js';
import { readFailureFile } from '../../src/repro/failure-file-read.js';
import { runSeed } from '../../src/sweep/run-seed.js';
import { workloads } from '../../workloads/index.js';

const registry = new Map(workloads.map((w) => [w.name, w]));
let file: FailureFile;

beforeAll(async () => {
  const w = registry.get('tce-storm')!;
  const o = await runSeed({
    config: { workload: w.name, seed: 1, bugs: ['unpin-before-kill'], params: w.params, stopOnFirst: true },
    workload: w,
    seed: 1,
  });
  file = o.failure!;
});

const refused = (f: unknown, reg = registry): string => {
  try {
    readFailureFile(typeof f === 'string' ? f : JSON.stringify(f), 'f.json', reg);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the file to be refused');
};

describe('failure files', () => {
  test('failure file: an honest file gives back the run it recorded', () => {
    const { config } = readFailureFile(JSON.stringify(file), 'f.json', registry);
    expect(config.seed).toBe(1);
    expect(config.bugs).toEqual(['unpin-before-kill']);
    expect(config.stopOnFirst).toBe(true);
    expect(config.params).toEqual(registry.get('tce-storm')!.params);
    expect(file.first?.rule).toBe('translation.stale-tce');
  });

  test.each([
    [
      'a file from another npusim version',
      (f: FailureFile) => ({ ...f, npusim: { ...f.npusim, version: '0.0.1' } }),
      /npusim\.version/,
    ],
    ['another format version', (f: FailureFile) => ({ ...f, formatVersion: 2 }), /formatVersion/],
    [
      'not a failure file',
      (f: FailureFile) => ({ ...f, format: 'other' }),
      /format: Expected `npusim-failure`/,
    ],
    ['a missing seed', (f: FailureFile) => ({ ...f, seed: undefined }), /seed/],
    ['a corrupted digest', (f: FailureFile) => ({ ...f, digest: 'zz' }), /digest/],
    [
      'an unknown bug',
      (f: FailureFile) => ({ ...f, options: { ...f.options, bugs: ['no-such-bug'] } }),
      /options\.bugs\[0\]/,
    ],
    [
      'an unknown rule',
      (f: FailureFile) => ({ ...f, first: { ...f.first, rule: 'made.up' } }),
      /first\.rule/,
    ],
    [
      'a parameter out of range',
      (f: FailureFile) => ({
        ...f,
        workload: { ...f.workload, params: { ...(f.workload.params as object), durationTicks: -5 } },
      }),
      /workload\.params\.durationTicks/,
    ],
    [
      'a workload that is no built-in (it no longer exists, or was defined in code)',
      (f: FailureFile) => ({ ...f, workload: { ...f.workload, name: 'gone' } }),
      /workload\.name: Expected a workload of this npusim, got `gone`, which is none of its built-in workloads/,
    ],
    ['an extra field', (f: FailureFile) => ({ ...f, extra: 1 }), /Unrecognized key|extra/],
    [
      'a corrupted choice log',
      (f: FailureFile) => ({ ...f, strategy: { kind: 'replay', choices: [[1, 'x']] } }),
      /strategy/,
    ],
  ])('failure file: %s is refused, naming the field', (_what, tamper, field) => {
    expect(refused(tamper(file))).toMatch(field);
  });

  test('failure file: broken JSON and a workload whose definition changed are refused', () => {
    expect(refused('{"format": ')).toMatch(/syntax error/);
    const changed = new Map(registry);
    const w = registry.get('tce-storm')!;
    changed.set(
      'tce-storm',
      defineWorkload({
        name: w.name,
        description: w.description,
        params: { ...w.params, durationTicks: 1_000 },
      }),
    );
    expect(refused(file, changed)).toMatch(
      /got a changed definition \(its `durationTicks` is 1000 now, .*unless the run's own option gave that value and the digest was edited\)/,
    );
  });

  test('failure file: a definition digest edited alone is said with both digests, not as parameters that differ (QA)', () => {
    const now = file.workload.definitionDigest;
    const said = refused({ ...file, workload: { ...file.workload, definitionDigest: '0000000000000000' } });
    expect(said).toBe(
      `f.json: workload.definitionDigest: Expected the definition digest workload \`tce-storm\` gives now, ${now}, got 0000000000000000: every parameter of its definition is the one the run used, so the digest alone differs (was it edited?); the file cannot replay it exactly`,
    );
    expect(said).not.toMatch(/parameters differ/);
  });

  test("failure file: another built-in's name given to it is said as the name edited, naming the workload it is of (QA)", () => {
    const said = refused({ ...file, workload: { ...file.workload, name: 'stress' } });
    expect(said).toBe(
      "f.json: workload.name: Expected the workload whose definition the run used, got `stress`, but the file's definition digest is workload `tce-storm`'s: was the name edited? Give it back `tce-storm` to replay this failure",
    );
  });

  test('failure file: a changed workload parameter is named with its value now and the run’s (QA: only "its parameters differ")', () => {
    const w = registry.get('tce-storm')!;
    const edited = (params: typeof w.params) =>
      new Map(registry).set(
        'tce-storm',
        defineWorkload({ name: w.name, description: w.description, params }),
      );
    const was = w.params.host!.unmapIntervalTicks;
    expect(
      refused(file, edited({ ...w.params, host: { ...w.params.host, unmapIntervalTicks: 12_000_000 } })),
    ).toContain(
      `got a changed definition (its \`host.unmapIntervalTicks\` is 12000000 now, the run used ${was})`,
    );
    const t = w.params.tenants[0]!;
    expect(
      refused(
        file,
        edited({ ...w.params, tenants: [{ ...t, lpid: t.lpid + 7 }, ...w.params.tenants.slice(1)] }),
      ),
    ).toContain(`its \`tenants[0].lpid\` is ${t.lpid + 7} now, the run used ${t.lpid}`);
    // A length the run may have had from --duration (a failure file does not say): a change, unless
    // the option gave it and the digest was edited.
    const said = refused(file, edited({ ...w.params, durationTicks: 1_000 }));
    expect(said).toContain(
      `got a changed definition (its \`durationTicks\` is 1000 now, the run used ${w.params.durationTicks}; unless the run's own option gave that value and the digest was edited)`,
    );
    expect(said).not.toMatch(/parameters differ/);
  });
});

describe('a changed definition against a shrunk or list-valued parameter', () => {
  const w = registry.get('tce-storm')!;
  const t = w.params.tenants[0]!;
  const edited = (params: typeof w.params) =>
    new Map(registry).set('tce-storm', defineWorkload({ name: w.name, description: w.description, params }));

  test('failure file: a parameter that is a scalar on one side and a list on the other is one change, with both values (QA)', () => {
    expect(t.groups).toBe('all');
    const said = refused(
      file,
      edited({ ...w.params, tenants: [{ ...t, groups: [0] }, ...w.params.tenants.slice(1)] }),
    );
    expect(said).toContain(
      'got a changed definition (its `tenants[0].groups` is [0] now, the run used "all")',
    );
    expect(said).not.toMatch(/nothing/);
  });

  test('failure file: a shrunk file whose definition changed does not name a parameter the shrink changed (QA)', () => {
    // A shrink's result: its parameters the shrink's (groups cut to [0]), its strategy a choice log.
    const params = file.workload.params as { tenants: object[] };
    const shrunk = {
      ...file,
      workload: {
        ...file.workload,
        definitionDigest: '0123456789abcdef',
        params: { ...params, tenants: [{ ...params.tenants[0], groups: [0] }, ...params.tenants.slice(1)] },
      },
      strategy: { kind: 'replay', choices: [] },
    };
    const said = refused(shrunk);
    expect(said).toContain(
      "got a changed definition (the file is shrunk: its parameters are the shrink's, so the change is not named)",
    );
    expect(said).not.toMatch(/groups/);
    // The same parameters in a file of a seed's run are named: nothing but the definition explains them.
    expect(refused({ ...shrunk, strategy: { kind: 'random' } })).toContain(
      'its `tenants[0].groups` is "all" now, the run used [0]',
    );
    // A shrink whose budget ran out before its choice passes keeps the seed's strategy: its mark
    // says it is shrunk (QA: it was taken for a seed's run and named `groups`).
    const marked = {
      ...shrunk,
      strategy: { kind: 'random' },
      shrink: { from: { digest: file.digest, events: 10, simulatedTicks: 20 }, runs: 4, ended: 'budget' },
    };
    expect(refused(marked)).toContain(
      "got a changed definition (the file is shrunk: its parameters are the shrink's, so the change is not named)",
    );
  });

  test.each([
    [
      { from: { digest: 'x', events: 1, simulatedTicks: 1 }, runs: 1, ended: 'done' },
      /shrink\.from\.digest: Expected/,
    ],
    [
      { from: { digest: '0123456789abcdef', events: 1, simulatedTicks: 1 }, runs: 0, ended: 'done' },
      /shrink\.runs/,
    ],
    [
      { from: { digest: '0123456789abcdef', events: 1, simulatedTicks: 1 }, runs: 2, ended: 'dun' },
      /shrink\.ended: Expected one of done, budget, stopped, got `dun`/,
    ],
    [
      {
        from: { digest: '0123456789abcdef', events: 1, simulatedTicks: 1 },
        runs: 2,
        ended: 'done',
        by: 'me',
      },
      /shrink/,
    ],
  ])('failure file: a shrink mark that is not one is refused, by its field (%j)', (mark, said) => {
    expect(refused({ ...file, shrink: mark })).toMatch(said);
  });
});

describe('failure files of user workload files', () => {
  const w = registry.get('tce-storm')!;
  const mine = defineWorkload({ name: 'mine', description: 'd', params: w.params });
  const ofFile = () => ({ ...file, workload: { ...file.workload, name: 'mine', file: 'w/mine.ts' } });

  test('failure file: a user file is checked against that file as it loads now, by name and definition', () => {
    const { config } = readFailureFile(JSON.stringify(ofFile()), 'f.json', registry, mine);
    expect(config.workload).toBe('mine');
    expect(config.workloadFile).toBe('w/mine.ts');
    const renamed = defineWorkload({ name: 'other', description: 'd', params: w.params });
    expect(() => readFailureFile(JSON.stringify(ofFile()), 'f.json', registry, renamed)).toThrow(
      /workload\.file: Expected `w\/mine\.ts` to declare workload `mine`/,
    );
    const edited = defineWorkload({
      name: 'mine',
      description: 'd',
      params: { ...w.params, durationTicks: 9 },
    });
    expect(() => readFailureFile(JSON.stringify(ofFile()), 'f.json', registry, edited)).toThrow(
      /workload\.definitionDigest: Expected the workload file `w\/mine\.ts` as it was when the failure was recorded, got a changed file \(its `durationTicks` is 9 now.*\): restore it to replay this failure exactly/,
    );
    // A registry workload of the same name does not stand in for the file.
    expect(() => readFailureFile(JSON.stringify(ofFile()), 'f.json', new Map([['mine', mine]]))).toThrow(
      /workload\.file: Expected the workload file `w\/mine\.ts` loaded/,
    );
  });

  test('failure file: --set and --variant are read back for the reproduce line; a file without them still reads', () => {
    // The recorded parameters are the run's: the variant's (and --set's) values in them.
    const params = file.workload.params as { gpu: Record<string, unknown> };
    const withSet = {
      ...file,
      workload: { ...file.workload, params: { ...params, gpu: { ...params.gpu, dmaBytes: 512 } } },
      options: { ...file.options, set: [{ path: 'gpu.dmaBytes', value: 512 }], variant: 'v' },
    };
    // The variant must be one the workload declares (a variant's parameters are in the file).
    const w = registry.get('tce-storm')!;
    const withVariant = new Map(registry).set(
      'tce-storm',
      defineWorkload({
        name: w.name,
        description: w.description,
        params: w.params,
        variants: [{ name: 'v', set: { 'gpu.dmaBytes': 512 } }],
      }),
    );
    const { config } = readFailureFile(JSON.stringify(withSet), 'f.json', withVariant);
    expect(config.set).toEqual([{ path: 'gpu.dmaBytes', value: 512 }]);
    expect(config.variant).toBe('v');
    // The registry's own tce-storm declares other variants (page-kills, as-shipped, ...), none named `v`.
    const declared = (w.variants ?? []).map((v) => v.name).join(', ');
    expect(declared).not.toBe('');
    expect(refused(withSet)).toBe(
      `f.json: options.variant: Expected a variant of \`tce-storm\` (${declared}), got \`v\``,
    );
    // A slip of a declared variant is offered the nearest, as `--variant` is on the command line.
    expect(declared).toContain('page-kills');
    expect(refused({ ...withSet, options: { ...withSet.options, variant: 'page-kill' } })).toBe(
      `f.json: options.variant: Expected a variant of \`tce-storm\` (${declared}), got \`page-kill\` (did you mean \`page-kills\`?)`,
    );
    expect(readFailureFile(JSON.stringify(file), 'f.json', registry).config.set).toBeUndefined();
    expect(refused({ ...file, options: { ...file.options, set: [{ path: '', value: 1 }] } })).toMatch(
      /options\.set\[0\]\.path/,
    );
  });
});

describe('choice logs', () => {
  test('choice log: runs of zeros are written as one negative count, and read back exactly', () => {
    const v = [0, 0, 0, 5, 1, 0, 2, 0, 0];
    expect(encodeChoices(v)).toEqual([-3, 5, 1, -1, 2, -2]);
    expect(decodeChoices(encodeChoices(v), 'x')).toEqual(v);
    expect(deviations([v, [0, 3]])).toBe(4);
    expect(() => decodeChoices([1, 1.5], 'choices')).toThrow(/choices\[1\]/);
  });

  test('choice log: a log decodes only within the room left of MAX_LOGGED_CHOICES, a run of zeros counting each', () => {
    expect(decodeChoices([4, -3, 2], 'c', 5)).toEqual([4, 0, 0, 0, 2]);
    expect(() => decodeChoices([4, -5, 2], 'c', 5)).toThrow(
      'c[1]: Expected at most 16777216 choices in the log over all its actors (room for 4 more here; -k is a run of k zeros), got a run of 5 zeros',
    );
    expect(() => decodeChoices([-5, 1], 'c', 5)).toThrow(
      'c[1]: Expected at most 16777216 choices in the log over all its actors (room for 0 more here; -k is a run of k zeros), got one more',
    );
  });
});
