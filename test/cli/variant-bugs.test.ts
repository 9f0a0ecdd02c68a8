/**
 * A variant that switches bugs on (`bugs`, workload.ts): flush-race declares `single-flush`, so
 * its question ("Is one flush ATSD enough ...?") is answered by both sides at once, the two-flush
 * run and the one-flush variant, as firmware-update's profile variant is (QA: only `--bug
 * single-flush` tried one flush, and nothing said it was the question's other side). The variant's
 * switches join the command's wherever its configuration is built (the side-by-side run,
 * `--variant`, the library's `variant`, failure files and their replay), a run with exactly its
 * switches is that variant, and a definition that names a switch wrongly is refused at load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runWorkload } from '../../src/api/run-workload.js';
import { runLines } from '../../src/cli/list-command.js';
import { ConfigError } from '../../src/core/errors.js';
import { overridesText } from '../../src/model/scenario/matched-variant.js';
import { defineWorkload, validateWorkload } from '../../src/model/scenario/workload.js';
import type { RunResult } from '../../src/report/run-result.js';
import { readFailureFile } from '../../src/repro/failure-file-read.js';
import { workloads } from '../../workloads/index.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const flushRace = workloads.find((w) => w.name === 'flush-race')!;

/** The message validateWorkload refuses `variant` with, beside a minimal workload. */
function refusal(variant: Record<string, unknown>): string {
  try {
    validateWorkload(
      {
        name: 'w',
        description: 'd',
        variants: [{ name: 'v', ...variant }],
        params: { tenants: [{ name: 'h', lpid: 0, groups: 'all' }] },
      },
      'w.json',
    );
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the variant to be refused');
}

describe("a variant's bugs in its definition", () => {
  test('an unknown switch is refused as --bug refuses it, with the name it is a slip of', () => {
    expect(refusal({ bugs: ['single-flsh'] })).toMatch(
      /^w\.json: variants\[0\]\.bugs\[0\]: Expected one of .*single-flush.*, got `single-flsh` \(did you mean `single-flush`\?\)$/,
    );
  });

  test('a switch given twice is refused at the repeat', () => {
    expect(refusal({ bugs: ['single-flush', 'single-flush'] })).toBe(
      'w.json: variants[0].bugs[1]: Expected each bug switch once, got `single-flush` again (bugs[0] has it)',
    );
  });

  test("a switch the variant's own profile already carries is refused, as --profile with --bug is", () => {
    expect(refusal({ profile: 'as-shipped', bugs: ['tce-entire-kill-ignored'] })).toBe(
      "w.json: variants[0].bugs[0]: Expected a bug switch its profile as-shipped does not already carry, got `tce-entire-kill-ignored` (the profile switches it on; `npusim list` shows each profile's switches)",
    );
  });

  test('a known switch reads, and a variant without any has none', () => {
    const w = defineWorkload({
      name: 'w',
      description: 'd',
      variants: [{ name: 'one', bugs: ['single-flush'] }, { name: 'none' }],
      params: { tenants: [{ name: 'h', lpid: 0, groups: 'all' }] },
    });
    expect(w.variants.map((v) => v.bugs)).toEqual([['single-flush'], []]);
  });
});

const json = (stdout: string) => JSON.parse(stdout) as RunResult;

describe('flush-race: two flushes beside one, from the command line', () => {
  test('its own run and variant single-flush side by side, each as expected, exit 0', async () => {
    const out = await cli(['run', 'flush-race', '--seed', '1', '--inline']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('two flush ATSDs after the invalidate (this run)');
    // The variant is described with its switch, where a `set` would be.
    expect(out.stdout).toMatch(
      / {2}single-flush: one flush ATSD, as Linux before Feb 2018[\s\S]*\(--bug single-flush\)/,
    );
    expect(out.stdout.match(/: as expected/g)).toHaveLength(2);
  });

  test('--json: the variant carries its bugs, ran with them, and met its expectation', async () => {
    const out = await cli(['run', 'flush-race', '--seed', '1', '--inline', '--json']);
    expect(out.code).toBe(0);
    const r = json(out.stdout);
    expect(r.config.bugs).toEqual([]);
    expect(r.label).toBe('two flush ATSDs after the invalidate');
    expect(r.commandExitCode).toBe(0);
    const [v] = r.variants!;
    expect(v!.name).toBe('single-flush');
    expect(v!.bugs).toEqual(['single-flush']);
    expect(v!.expectation.met).toBe(true);
    // Not judged as the command's --bug: its own expect is what it is declared for.
    expect(v!.expectation.byBugs).toBeUndefined();
    expect(v!.reproduce).toContain('--variant single-flush');
    expect(v!.reproduce).toContain('--bug single-flush');
  });

  test('--bug single-flush makes the run variant single-flush, which is not run again', async () => {
    const out = await cli([
      'run',
      'flush-race',
      '--seed',
      '1',
      '--inline',
      '--bug',
      'single-flush',
      '--json',
    ]);
    expect(unwrapped(out.stderr, 8)).toContain(
      'variant single-flush not run: --bug single-flush makes this run that variant (the same parameters and bug switches)',
    );
    const r = json(out.stdout);
    expect(r.sameAsVariant).toEqual({ name: 'single-flush', by: '--bug single-flush' });
    expect(r.label).toBe('single-flush');
    expect(r.expectation?.met).toBe(true);
    expect(r.variants ?? []).toEqual([]);
  });

  test('--variant single-flush runs with its switch; its failure file replays exactly', async () => {
    const dir = testTempDir('npusim-variant-bugs-');
    const out = await cli([
      'run',
      '--failures',
      dir,
      'flush-race',
      '--variant',
      'single-flush',
      '--seed',
      '1',
      '--inline',
      '--json',
    ]);
    expect(out.code).toBe(1);
    const r = json(out.stdout);
    expect(r.config.bugs).toEqual(['single-flush']);
    expect(r.label).toBe('single-flush');
    expect(r.expectation?.met).toBe(true);
    // The reproduce line names the switch: it runs the same configuration, so the same digest.
    expect(r.reproduce).toMatch(/--variant single-flush .*--bug single-flush/);
    const again = await cli([...r.reproduce.split(' ').slice(1), '--json', '--failures', dir]);
    expect(json(again.stdout).digest).toBe(r.digest);
    const file = r.failureFile!;
    const recorded = JSON.parse(readFileSync(file, 'utf8'));
    expect(recorded.options).toMatchObject({
      variant: 'single-flush',
      bugs: ['single-flush'],
      variantBugs: ['single-flush'],
    });
    const replay = await cli(['replay', file]);
    expect(replay.stdout).toContain('reproduced exactly');

    // The workload's variant no longer switches the bug: refused as a changed `set` is.
    const changed = {
      ...flushRace,
      variants: flushRace.variants.map((v) => ({ ...v, bugs: [] })),
    };
    expect(() =>
      readFailureFile(readFileSync(file, 'utf8'), 'f.json', new Map([['flush-race', changed]])),
    ).toThrow(
      "f.json: options.variant: Expected variant `single-flush` of workload `flush-race` as it was when the failure was recorded, got a changed variant (it no longer switches on `single-flush`, which the run's variant did): the file cannot replay it exactly",
    );
  });
});

describe("the library's variant option", () => {
  test("runWorkload({ variant: 'single-flush' }) runs with its switch, judged by what it expects", async () => {
    const r = await runWorkload(flushRace, { variant: 'single-flush', seed: 1, durationTicks: 200_000_000 });
    expect(r.config.bugs).toEqual(['single-flush']);
    expect(r.label).toBe('single-flush');
    expect(r.expectation?.met).toBe(true);
  });

  test("bugs: ['single-flush'] makes the own run variant single-flush, as --bug does", async () => {
    const r = await runWorkload(flushRace, { bugs: ['single-flush'], seed: 1, durationTicks: 200_000_000 });
    // Said as the library's option, a list, as `set.policy=per-gpu` is (QA: `bugs=single-flush`
    // read as an option runWorkload does not take).
    expect(r.sameAsVariant).toEqual({ name: 'single-flush', by: 'bugs=["single-flush"]' });
  });

  test('a variant of several switches is said as one list, beside the other options as typed', () => {
    const text = overridesText([
      { path: 'profile', value: 'as-shipped', by: 'profile' },
      { path: 'bugs', value: 'single-flush', by: 'bugs' },
      { path: 'bugs', value: 'descending-order', by: 'bugs' },
      { path: 'policy', value: 'per-gpu', by: 'set.policy' },
    ]);
    expect(text).toBe('profile=as-shipped bugs=["single-flush","descending-order"] set.policy=per-gpu');
    // The command line's repeat --bug, as typed.
    expect(
      overridesText([
        { path: 'bugs', value: 'single-flush', by: '--bug' },
        { path: 'bugs', value: 'descending-order', by: '--bug' },
      ]),
    ).toBe('--bug single-flush --bug descending-order');
  });
});

describe('npusim list: a variant with bugs', () => {
  test("flush-race's single-flush names its switch where a profile variant names its profile", () => {
    const line = runLines(flushRace).find((l) => l.startsWith('variant single-flush: '));
    expect(line).toMatch(/ \(--bug single-flush, expects translation\.stale-ats or /);
  });

  test('one without a description says its switches, not `{}`', () => {
    const w = defineWorkload({
      name: 'w',
      description: 'd',
      variants: [
        { name: 'one', bugs: ['single-flush', 'descending-order'] },
        { name: 'set', set: { policy: 'per-gpu' }, bugs: ['single-flush'] },
      ],
      params: { tenants: [{ name: 'h', lpid: 0, groups: 'all' }] },
    });
    const [, one, set] = runLines(w);
    expect(one).toBe(
      'variant one: sets no parameter (--bug single-flush --bug descending-order, expects clean)',
    );
    expect(set).toBe('variant set: policy=per-gpu (--bug single-flush, expects clean)');
  });
});

describe("a failure file's variantBugs on replay", () => {
  /** A failure file of `--variant single-flush --bug single-flush`, as recorded now. */
  async function recorded(): Promise<{ file: string; text: string }> {
    const dir = testTempDir('npusim-variant-bugs-replay-');
    const out = await cli([
      'run',
      '--failures',
      dir,
      'flush-race',
      '--variant',
      'single-flush',
      '--bug',
      'single-flush',
      '--seed',
      '1',
      '--inline',
      '--json',
    ]);
    expect(out.code).toBe(1);
    const file = json(out.stdout).failureFile!;
    return { file, text: readFileSync(file, 'utf8') };
  }

  test('a file from before the variant had the switch, whose run had it by --bug, replays exactly', async () => {
    const { file, text } = await recorded();
    const old = JSON.parse(text);
    expect(old.options).toMatchObject({ bugs: ['single-flush'], variantBugs: ['single-flush'] });
    delete old.options.variantBugs;
    writeFileSync(file, JSON.stringify(old, null, 2));
    const replay = await cli(['replay', file]);
    expect(replay.stderr).not.toContain('changed variant');
    expect(replay.stdout).toContain('reproduced exactly');
    // A switch the run did not have is still a changed variant, and only that one is named.
    const more = {
      ...flushRace,
      variants: flushRace.variants.map((v) => ({ ...v, bugs: [...v.bugs, 'descending-order' as const] })),
    };
    expect(() => readFailureFile(JSON.stringify(old), 'f.json', new Map([['flush-race', more]]))).toThrow(
      "f.json: options.variant: Expected variant `single-flush` of workload `flush-race` as it was when the failure was recorded, got a changed variant (it switches on `descending-order` now, which the run's variant did not): the file cannot replay it exactly",
    );
  });

  test('a switch twice in variantBugs is refused at the repeat, exit 2', async () => {
    const { file, text } = await recorded();
    const edited = JSON.parse(text);
    edited.options.variantBugs = ['single-flush', 'single-flush'];
    writeFileSync(file, JSON.stringify(edited, null, 2));
    const replay = await cli(['replay', file]);
    expect(replay.code).toBe(2);
    expect(unwrapped(replay.stderr, 8)).toContain(
      `${file}: options.variantBugs[1]: Expected each bug switch once, got \`single-flush\` again (variantBugs[0] has it)`,
    );
  });
});

describe("a variant whose switches the command's profile carries", () => {
  test('is this run on that profile: not run again, and said so (QA: run twice, labelled as if it switched them)', async () => {
    const dir = testTempDir('npusim-variant-carried-');
    const file = `${dir}/w.json`;
    writeFileSync(
      file,
      JSON.stringify({
        name: 'my-tce',
        description: 'a variant whose switch as-shipped carries',
        variants: [{ name: 'unpin', bugs: ['unpin-before-kill'], expect: 'clean' }],
        params: { durationTicks: 20_000_000, tenants: [{ name: 'vm1', lpid: 1, groups: 'all' }] },
      }),
    );
    const r = await cli([
      'run',
      file,
      '--seed',
      '1',
      '--inline',
      '--profile',
      'as-shipped',
      '--no-failure-file',
    ]);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant unpin not run: --profile as-shipped already carries its --bug unpin-before-kill, so it is this run (the same machine)',
    );
    expect(r.stdout).not.toMatch(/answer \(this run and its 1 variant/);
    // On the default profile the variant is another machine, and runs beside the run.
    const fixed = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file']);
    expect(fixed.stderr).not.toContain('variant unpin not run');
    expect(fixed.stderr).toContain('npusim: variant 1 of 1, unpin');
  }, 60_000);
});

describe('a switch the workload does not expose, beside a variant', () => {
  test('is said whether the variant is named or made by its own --bug (one run, one digest, the same words; QA)', async () => {
    const args = [
      '--bug',
      'descending-order',
      '--seed',
      '1',
      '--inline',
      '--duration',
      '100us',
      '--no-failure-file',
    ];
    const named = await cli(['run', 'flush-race', '--variant', 'single-flush', ...args]);
    const made = await cli(['run', 'flush-race', '--bug', 'single-flush', ...args]);
    for (const r of [named, made])
      expect(unwrapped(r.stdout, 10)).toContain(
        'for runs without --bug descending-order, which flush-race does not expose): translation.stale-ats',
      );
    expect(unwrapped(made.stdout, 10)).toContain(
      'expected (variant single-flush, this run: --bug single-flush, for runs',
    );
  }, 60_000);
});
