/**
 * A workload with variants from the command line: its own run, then each variant with the same
 * seed and options, side by side in the answer, each judged against what it expects. A variant that
 * finds what it expects does not fail the command; one that finds what it did not expect does,
 * with a failure file whose replay line names the variant. An option that replaces a variant's
 * parameter skips that variant (side by side) or is refused (with --variant); every variant's
 * configuration is checked before the workload's own run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../src/report/run-result.js';
import { formatSummary } from '../../src/report/summary.js';
import { answerTable } from '../fixtures/answer-table.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const tmp = () => testTempDir('npusim-variants-');

/**
 * A workload file in `dir`: two hostile guests, one GPU each, on a Redbud under per-gpu-isolated
 * groups (so its own run is clean), peer writes at each other, and the `variants` given; 20 us
 * long unless `durationTicks` says otherwise (a variant with the links up leaks within 10 us).
 */
function isolatedGuestsWorkload(
  dir: string,
  name: string,
  description: string,
  variants: unknown[],
  durationTicks = 20_000_000,
): string {
  const file = join(dir, `${name}.json`);
  const guest = (i: number) => ({
    name: `vm${i}`,
    lpid: i,
    groups: [i - 1],
    pagesPerProcess: 16,
    tcePagesPerGpu: 0,
    hostile: true,
  });
  writeFileSync(
    file,
    JSON.stringify({
      name,
      description,
      variants,
      params: {
        topology: 'witherspoon-4',
        policy: 'per-gpu-isolated',
        durationTicks,
        tenants: [guest(1), guest(2)],
        gpu: { ut0Percent: 50, ut1Percent: 0, peerPercent: 50 },
      },
    }),
  );
  return file;
}

describe('variants', () => {
  test('a variant that sets nothing (a control run) says so in the answer, with or without a description', async () => {
    const dir = testTempDir('npusim-variants-control-');
    const file = isolatedGuestsWorkload(
      dir,
      'controls',
      'control runs',
      [
        { name: 'again', set: {} },
        { name: 'again-described', description: 'the same run', set: {} },
        // A set that restates the workload's own values is the same run too (QA: it ran silently).
        { name: 'restated', set: { policy: 'per-gpu-isolated', 'gpu.peerPercent': 50 } },
        { name: 'changed', set: { policy: 'per-gpu-isolated', 'gpu.peerPercent': 40, 'gpu.ut0Percent': 60 } },
      ],
      10_000_000,
    );
    const r = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('  again: sets nothing');
    expect(lines).toContain('  again-described: the same run (sets nothing)');
    expect(lines).toContain(
      "  restated: policy=per-gpu-isolated gpu.peerPercent=50, the workload's own: sets nothing",
    );
    expect(lines).toContain('  changed: policy=per-gpu-isolated gpu.peerPercent=40 gpu.ut0Percent=60');
    const json = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file', '--json']);
    const variants = (JSON.parse(json.stdout) as { variants: { name: string; restatesOwn?: boolean }[] })
      .variants;
    expect(variants.map((v) => [v.name, v.restatesOwn])).toEqual([
      ['again', undefined],
      ['again-described', undefined],
      ['restated', true],
      ['changed', undefined],
    ]);
  });

  test('a --bug the workload exposes: its runs are expected to find the rules it declares for it, and found them (QA: clean, NOT as expected)', async () => {
    const r = await cli([
      ...['run', 'tce-storm', '--bug', 'tce-kill-no-advance', '--seed', '1', '--duration', '20us'],
      ...['--inline', '--no-failure-file', '--json'],
    ]);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as RunResult;
    const verdicts = [result.expectation, ...(result.variants ?? []).map((v) => v.expectation)];
    // The switch made the expectation of the runs declared clean (the own run and page-kills); the
    // as-shipped runs were declared to find its rule already, so it changed nothing there (QA: all
    // four were said to be expected so under the switch).
    const made = [true, true, false, false];
    expect(verdicts.map((v) => [v?.expect, v?.met, v?.byBugs])).toEqual(
      made.map((m) => [['translation.stale-tce'], true, m ? ['tce-kill-no-advance'] : undefined]),
    );
    expect(r.stderr).not.toContain('NOT as expected');
    // The table's cells name no switch: the line under it says which columns it made.
    const text = await cli([
      ...['run', 'tce-storm', '--bug', 'tce-kill-no-advance', '--seed', '1', '--duration', '20us'],
      ...['--inline', '--no-failure-file'],
    ]);
    expect(unwrapped(text.stdout, 4)).toContain(
      '  expected under --bug tce-kill-no-advance, which the workload exposes: as declared (this run), page-kills\n',
    );
    // Without variants, the own run's line names the switch its expectation comes from
    // (shootdown-storm: flush-race's `single-flush` variant would make the run that variant).
    const alone = await cli([
      ...['run', 'shootdown-storm', '--bug', 'single-flush', '--seed', '1', '--duration', '50us'],
      ...['--inline', '--no-failure-file'],
    ]);
    expect(unwrapped(alone.stdout, 10)).toContain(
      'expected (as declared, exposes --bug single-flush): order.free-before-flushes or order.atsd-released-early: as expected\n',
    );
  });

  test('a --bug the workload does not expose: its expectation is said to be for runs without it, in the result and beside `expected` (QA: NOT as expected read as a fault of the model)', async () => {
    const args = ['run', 'multi-tenant', '--bug', 'single-flush', '--seed', '1', '--duration', '50us'];
    const r = await cli([...args, '--inline', '--no-failure-file', '--json']);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.expectation?.notExposed).toEqual(['single-flush']);
    expect(result.variants?.map((v) => v.expectation.notExposed)).toEqual([
      ['single-flush'],
      ['single-flush'],
    ]);
    const text = await cli([...args, '--inline', '--no-failure-file']);
    expect(unwrapped(text.stdout, 4)).toContain(
      '  expected as declared for runs without --bug single-flush, which multi-tenant does not expose\n',
    );
    // Alone (a variant, no table): inside its expected line.
    const alone = await cli([
      ...['run', 'guest-atsd', '--variant', 'first-link', '--bug', 'single-flush', '--seed', '1'],
      ...['--duration', '100us', '--inline', '--no-failure-file'],
    ]);
    expect(unwrapped(alone.stdout, 10)).toContain(
      'expected (variant first-link, for runs without --bug single-flush, which guest-atsd does not expose): clean: NOT as expected\n',
    );
    // And on stderr, which read as an unqualified failure without it (QA).
    expect(unwrapped(alone.stderr, 8)).toContain(
      'npusim: variant first-link: violation, NOT as expected (expected clean, for runs without --bug single-flush, which guest-atsd does not expose)\n',
    );
    // A workload that declares no `exposes` at all exposes none: said so too (QA: only where it
    // declared `exposes: []`).
    const none = await cli([
      ...['run', 'p2p-allreduce', '--bug', 'single-flush', '--seed', '1', '--duration', '30us'],
      ...['--inline', '--no-failure-file', '--json'],
    ]);
    const noneResult = JSON.parse(none.stdout) as RunResult;
    expect(noneResult.expectation?.notExposed).toEqual(['single-flush']);
    expect(noneResult.variants?.map((v) => v.expectation.notExposed)).toEqual([['single-flush']]);
    // An exposed switch is not said so, even where it leaves the declaration as it was.
    const exposed = await cli([
      ...['run', 'tce-storm', '--variant', 'as-shipped', '--bug', 'tce-kill-no-advance', '--seed', '1'],
      ...['--duration', '100us', '--inline', '--no-failure-file', '--json'],
    ]);
    expect((JSON.parse(exposed.stdout) as RunResult).expectation?.notExposed).toBeUndefined();
  });

  test("a crash of the workload's own run says its variants were not run", async () => {
    const r = await cli(
      'run multi-tenant --seed 1 --duration 20us --crash-at gpu2:20 --inline --no-failure-file'.split(' '),
    );
    expect(r.code).toBe(4);
    expect(unwrapped(r.stderr, 8)).toContain(
      "npusim: the workload's 2 variants were not run: its own run crashed (each runs alone with --variant NAME)\n",
    );
    expect(r.stderr).not.toContain('variant 1 of 2');
  });

  test('multi-tenant: each policy has its verdict in the answer; the expected leak of per-gpu does not fail the run', async () => {
    const r = await cli([
      'run',
      'multi-tenant',
      '--seed',
      '1',
      '--duration',
      '30us',
      '--inline',
      '--no-failure-file',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('answer (this run and its 2 variants'));
    expect(at).toBeGreaterThan(0);
    // The three runs side by side in one table of 100 columns, cells wrapped under their own.
    expect(lines[at + 1]).toMatch(/^\s+per-gpu-isolated\s+per-gpu\s+per-socket$/);
    const table = answerTable(r.stdout);
    expect(table.get('')).toEqual(['per-gpu-isolated (this run)', 'per-gpu', 'per-socket']);
    expect(table.get('verdict')).toEqual([
      'clean',
      expect.stringMatching(/^violation: \d+ \(isolation\.peer\)$/),
      'clean',
    ]);
    expect(table.get('expected')).toEqual([
      'clean: as expected',
      'isolation.peer: as expected',
      'clean: as expected',
    ]);
    expect(table.get('guests')).toEqual(['6', '6', '2']);
    // Each variant's engine figures, a row each under the own run's, wrapped under its figures.
    const engine = lines.indexOf('  variants (same seed and options):');
    expect(engine).toBeGreaterThan(lines.indexOf('engine:'));
    const rows = unwrapped(lines.slice(engine + 1).join('\n'), 16, '  ').split('\n');
    for (const [i, name] of ['per-gpu', 'per-socket'].entries()) {
      expect(rows[i]).toMatch(
        new RegExp(
          `^ {4}${name}\\s+simulated 30 us in \\S+ m?s wall\\s+\\d+ events\\s+\\S+ events/s\\s+\\S+ simulated ns per wall second\\s+inline$`,
        ),
      );
    }
    expect(r.stderr).toContain(
      'npusim: variant 1 of 2, per-gpu: the 2018 RFC: one group per GPU, links left up\n',
    );
  });

  test('multi-tenant --policy per-gpu: the run is variant per-gpu, judged by what it expects and not run again (QA: twice, one NOT as expected)', async () => {
    const args = [
      'run',
      'multi-tenant',
      '--seed',
      '1',
      '--duration',
      '10us',
      '--inline',
      '--no-failure-file',
    ];
    const r = await cli([...args, '--policy', 'per-gpu', '--json']);
    const alone = await cli([...args, '--variant', 'per-gpu', '--json']);
    // Its findings set its exit code, as the variant's run alone.
    expect(r.code, r.stderr).toBe(alone.code);
    expect(r.code).toBe(1);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant per-gpu not run: --policy per-gpu makes this run that variant (the same parameters), judged by what it expects\n',
    );
    expect(r.stderr).not.toContain('NOT as expected');
    expect(r.stderr).not.toContain('variant 1 of');
    const result = JSON.parse(r.stdout) as RunResult;
    const variant = JSON.parse(alone.stdout) as RunResult;
    expect(result.digest).toBe(variant.digest);
    expect(result.label).toBe('per-gpu');
    // The variant run alone is named for it too (it had no label: QA).
    expect(variant.label).toBe('per-gpu');
    expect(result.sameAsVariant).toEqual({ name: 'per-gpu', by: '--policy per-gpu' });
    expect(result.expectation).toEqual(variant.expectation);
    expect(result.expectation?.met).toBe(true);
    // per-socket is skipped too (--policy overrides it): no variant left, no table.
    expect(result.variants).toBeUndefined();
    expect(result.config.variant).toBeUndefined();
    const text = await cli([...args, '--policy', 'per-gpu']);
    expect(text.stdout).toContain(
      'expected (variant per-gpu, this run: --policy per-gpu): isolation.peer: as expected\n',
    );
    expect(text.stdout).not.toContain('answer (this run and its');
  });

  test('multi-tenant --policy per-gpu that crashes: judged by what variant per-gpu expects, not by the workload (QA: left to its own declaration)', async () => {
    const args = [
      'run',
      'multi-tenant',
      '--seed',
      '2',
      '--duration',
      '20us',
      '--inline',
      '--no-failure-file',
    ];
    const crash = [...args, '--policy', 'per-gpu', '--crash-at', 'chip0:5'];
    const r = await cli([...crash, '--json']);
    expect(r.code, r.stderr).toBe(4);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('crash');
    expect(result.sameAsVariant).toEqual({ name: 'per-gpu', by: '--policy per-gpu' });
    expect(result.label).toBe('per-gpu');
    // The variant expects isolation.peer (the workload's own run, clean); a crash never meets it.
    expect(result.expectation).toEqual({ expect: ['isolation.peer'], found: {}, met: false });
    const text = await cli(crash);
    expect(text.stdout).toContain(
      'expected (variant per-gpu, this run: --policy per-gpu): isolation.peer: NOT as expected\n',
    );
    // On stderr too, as a run that ended says a missed verdict (QA: summary and JSON only).
    for (const out of [r, text])
      expect(unwrapped(out.stderr, 8)).toContain(
        'npusim: variant per-gpu (this run: --policy per-gpu): crash, NOT as expected (expected isolation.peer)\n',
      );
  });

  test('multi-tenant --variant per-gpu that crashes: judged by what the variant expects, in the result and on stderr (QA: no verdict)', async () => {
    const args =
      'run multi-tenant --variant per-gpu --seed 2 --duration 20us --inline --no-failure-file'.split(' ');
    const r = await cli([...args, '--crash-at', 'chip0:5', '--json']);
    expect(r.code, r.stderr).toBe(4);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('crash');
    expect(result.config.variant).toBe('per-gpu');
    expect(result.sameAsVariant).toBeUndefined();
    expect(result.expectation).toEqual({ expect: ['isolation.peer'], found: {}, met: false });
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant per-gpu: crash, NOT as expected (expected isolation.peer)\n',
    );
    const text = await cli([...args, '--crash-at', 'chip0:5']);
    expect(text.stdout).toContain('expected (variant per-gpu): isolation.peer: NOT as expected\n');
    // The verdict's line after the summary, as a run that ended has it.
    expect(unwrapped(text.stderr, 8).indexOf('NOT as expected')).toBeGreaterThan(
      unwrapped(text.stderr, 8).indexOf('npusim: crash (exit 4)'),
    );
  });

  test('guest-atsd --set host.guestAtsd=first-link: the run is variant first-link, not run again', async () => {
    const r = await cli(
      'run guest-atsd --seed 1 --duration 10us --inline --no-failure-file --set host.guestAtsd=first-link'.split(
        ' ',
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant first-link not run: --set host.guestAtsd=first-link makes this run that variant (the same parameters), judged by what it expects\n',
    );
    // The as-shipped variant runs per-GPU groups, which v5.12 never formed: said, as for a run.
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: warning: variant as-shipped: policy per-gpu is not in profile as-shipped (Linux v5.12 formed per-socket only)',
    );
    // Its column is named for the variant, beside the as-shipped variant still run.
    expect(answerTable(r.stdout).get('')).toEqual([
      'first-link (this run: --set host.guestAtsd=first-link)',
      'as-shipped',
    ]);
    expect(answerTable(r.stdout).get('expected')?.[0]).toBe('clean: as expected');
  });

  test('a run the options make one variant has its column named for it, beside the variants still run', async () => {
    const dir = tmp();
    const file = isolatedGuestsWorkload(dir, 'two', 'two variants', [
      { name: 'fewer-pages', set: { 'tenants[0].pagesPerProcess': 8 } },
      { name: 'per-gpu', set: { policy: 'per-gpu' }, expect: ['isolation.peer'] },
    ]);
    const r = await cli([
      'run',
      file,
      '--seed',
      '1',
      '--duration',
      '10us',
      '--inline',
      '--no-failure-file',
      '--set',
      'tenants[0].pagesPerProcess=8',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'npusim: variant fewer-pages not run: --set tenants[0].pagesPerProcess=8 makes this run that variant',
    );
    expect(r.stderr).toContain('npusim: variant 1 of 1, per-gpu');
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('answer (this run and its 1 variant'));
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(answerTable(r.stdout).get('')).toEqual([
      'fewer-pages (this run: --set tenants[0].pagesPerProcess=8)',
      'per-gpu',
    ]);
  });

  test("options that change the own run but make it no variant: a missed expectation says it was declared for the workload's own values", async () => {
    const dir = tmp();
    const file = isolatedGuestsWorkload(dir, 'slow', 'one variant', [
      {
        name: 'per-gpu-slow',
        set: { policy: 'per-gpu', 'gpu.issueIntervalTicks': 90_000 },
        expect: ['isolation.peer'],
      },
    ]);
    const r = await cli([
      ...['run', file, '--seed', '1', '--duration', '10us', '--inline', '--no-failure-file'],
      ...['--policy', 'per-gpu'],
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('npusim: variant 1 of 1, per-gpu-slow');
    expect(unwrapped(r.stderr, 8)).toContain(
      "npusim: the workload's own run (as declared, for policy per-gpu-isolated): violation, NOT as expected (expected clean)\n",
    );
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('answer (this run and its 1 variant'));
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(
      /^\s+as declared, for policy per-gpu-isolated \(this run\)\s+per-gpu-slow$/,
    );
  });

  test('--inline, short runs: Ctrl-C as a variant starts stops it and skips the rest, exit 130 (QA: each ran whole)', async () => {
    let sent = false;
    // In this process: the line naming variant 1 is written as it starts, so the signal lands
    // then, every time; the inline run polls its stop before its first event.
    const r = await cli(
      ['run', 'multi-tenant', '--seed', '1', '--duration', '10us', '--inline', '--no-failure-file', '--json'],
      (soFar) => {
        if (!sent && soFar.includes('npusim: variant 1 of 2')) {
          sent = true;
          process.emit('SIGINT', 'SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      'npusim: variant per-gpu interrupted; the 1 variant after it did not run (exit 130)',
    );
    expect(r.stderr).not.toContain('variant 2 of 2');
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.variants?.map((v) => [v.name, v.status])).toEqual([['per-gpu', 'interrupted']]);
    expect(result.commandExitCode).toBe(130);
  });

  test('--json: the variants are in the result with their verdicts and reproduce lines; --variant runs one alone', async () => {
    const r = await cli([
      'run',
      'multi-tenant',
      '--seed',
      '2',
      '--duration',
      '20us',
      '--inline',
      '--json',
      '--no-failure-file',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.expectation?.met).toBe(true);
    expect(result.variants?.map((v) => [v.name, v.expectation.met])).toEqual([
      ['per-gpu', true],
      ['per-socket', true],
    ]);
    const perGpu = result.variants![0]!;
    expect(perGpu.reproduce).toContain('npusim run multi-tenant --variant per-gpu --seed 2 --duration 20us');
    const alone = await cli([
      ...perGpu.reproduce.replace(/^npusim /, '').split(' '),
      '--json',
      '--no-failure-file',
    ]);
    expect(alone.code).toBe(1); // run alone, a variant is a run like any other: its leak is exit 1
    const again = JSON.parse(alone.stdout) as RunResult;
    expect(again.digest).toBe(perGpu.digest);
    expect(again.variants).toBeUndefined();
    // ... but what it was declared to find is judged and shown, as in the side by side.
    expect(again.expectation).toMatchObject({ expect: ['isolation.peer'], met: true });
    const text = await cli([...perGpu.reproduce.replace(/^npusim /, '').split(' '), '--no-failure-file']);
    expect(text.stdout).toContain('expected (variant per-gpu): isolation.peer: as expected');
  });

  test('threaded, the variants run on the threads the run before them left, and give the inline digests', async () => {
    const argv = ['run', 'multi-tenant', '--seed', '3', '--duration', '20us', '--json', '--no-failure-file'];
    const inline = JSON.parse((await cli([...argv, '--inline'])).stdout) as RunResult;
    const threaded = JSON.parse((await cli([...argv, '--workers', '2'])).stdout) as RunResult;
    expect(threaded.host).toBe('threaded');
    expect(threaded.engine.placement).toBe('2');
    expect(inline.variants).toHaveLength(2);
    expect(threaded.digest).toBe(inline.digest);
    expect(threaded.variants?.map((v) => v.digest)).toEqual(inline.variants?.map((v) => v.digest));
    // Each variant's engine figures are its own run's, as the own run's are (`engine`, in --json).
    for (const [i, v] of threaded.variants!.entries()) {
      expect(v.simulatedTicks).toBe(20_000_000);
      expect(v.engine?.placement).toBe('2');
      expect(v.engine?.workers).toHaveLength(2);
      expect(v.engine?.events).toBe(inline.variants![i]!.engine?.events);
      expect(v.engine?.events).toBeGreaterThan(0);
      expect(v.engine?.workers.every((w) => w.lambda !== undefined)).toBe(true);
    }
    // ... and in the summary's engine section, a row each with its workers' lambda.
    // Each row joined again where it wrapped under its first figure (past `per-socket`).
    const rows = unwrapped(formatSummary(threaded, { color: false }), 16, '  ').split('\n');
    const at = rows.indexOf('  variants (same seed and options):');
    expect(at).toBeGreaterThan(rows.indexOf('engine:'));
    expect(rows[at + 1]).toMatch(
      /^ {4}per-gpu\s+simulated 20 us in .* wall\s+\d+ events\s+.*rings: .* stalled\s+lambda [\d.]+( to [\d.]+)?$/,
    );
    expect(rows[at + 2]).toMatch(/^ {4}per-socket\s+simulated 20 us in .* lambda [\d.]+( to [\d.]+)?$/);
  });

  test('a variant that finds what it did not expect fails the command with its own failure file', async () => {
    const dir = tmp();
    const file = isolatedGuestsWorkload(
      dir,
      'leaky',
      'a variant wrongly expected clean',
      [{ name: 'links-up', set: { policy: 'per-gpu' } }],
      10_000_000,
    );
    const failures = join(dir, 'failures');
    const r = await cli(['run', file, '--seed', '1', '--inline', '--failures', failures]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/expected\s+clean: as expected\s+clean: NOT as expected/);
    // The header says at once that the command exits otherwise than its own (clean) run, and
    // stderr names the variant, its code and the replay of the failure file it left (QA65 F7:
    // its run line, the file's replay having scrolled away); without a file, the line that runs
    // it alone.
    expect(r.stdout).toMatch(
      /status clean \(exit 0; the command exits 1: a variant found what it did not expect\)/,
    );
    const [name] = readdirSync(failures);
    expect(r.stderr).toContain(
      `\nnpusim: variant links-up: violation (exit 1), NOT as expected (expected clean): the command exits 1\nreproduce: npusim replay ${join(failures, name!)}\n`,
    );
    const none = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file']);
    expect(none.stderr).toMatch(
      /\nnpusim: variant links-up: violation \(exit 1\), NOT as expected \(expected clean\): the command exits 1\nreproduce: npusim run \S+leaky\.json --variant links-up /,
    );
    // Named as the variant's run results are (WORKLOAD.VARIANT), so the variants' files differ.
    expect(name).toMatch(/^leaky\.links-up-seed1-isolation\.peer-[0-9a-f]{8}\.json$/);
    const recorded = JSON.parse(readFileSync(join(failures, name!), 'utf8')) as {
      workload: { file: string };
      options: { variant: string };
      first: { rule: string };
    };
    expect(recorded.options.variant).toBe('links-up');
    expect(recorded.workload.file).toBe(file);
    expect(recorded.first.rule).toBe('isolation.peer');
    const replay = await cli(['replay', join(failures, name!)]);
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');
  });

  test("free: a failing variant's line is the replay of its failure file; without one, a re-run labelled so", async () => {
    const dir = tmp();
    const file = isolatedGuestsWorkload(dir, 'leaky-free', 'a free variant wrongly expected clean', [
      { name: 'links-up', set: { policy: 'per-gpu' } },
    ]);
    const failures = join(dir, 'failures');
    const argv = ['run', file, '--seed', '1', '--free', '--duration', '10us'];
    const kept = await cli([...argv, '--failures', failures, '--json']);
    expect(kept.code, kept.stderr).toBe(1);
    const [name] = readdirSync(failures);
    const replayLine = `npusim replay ${join(failures, name!)}`;
    // Its own free command races anew (QA: it was printed under `reproduce:`).
    expect(kept.stderr).toContain(`the command exits 1\nreproduce: ${replayLine}\n`);
    const result = JSON.parse(kept.stdout) as RunResult;
    expect(result.variants?.[0]?.reproduce).toBe(replayLine);
    // The variant's failure file in --json; the own run, clean as expected, wrote none.
    expect(result.variants?.[0]?.failureFile).toBe(join(failures, name!));
    expect(result.failureFile).toBeNull();
    const replay = await cli(['replay', join(failures, name!)]);
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');
    const none = await cli([...argv, '--no-failure-file']);
    expect(none.code, none.stderr).toBe(1);
    expect(none.stderr).toMatch(
      /the command exits 1\nre-run in free mode \(races anew, so not this very run\): npusim run \S+leaky-free\.json --variant links-up /,
    );
  }, 120_000);

  test('--json: commandExitCode is what the process exits with; a variant that expected a finding and ran clean says so without failing', async () => {
    const file = isolatedGuestsWorkload(
      tmp(),
      'mixed-verdicts',
      'one variant leaks unexpectedly, one expects a leak that cannot happen',
      [
        { name: 'links-up', set: { policy: 'per-gpu' } },
        { name: 'still-isolated', set: { policy: 'per-gpu-isolated' }, expect: ['isolation.peer'] },
      ],
      10_000_000,
    );
    const r = await cli(['run', file, '--seed', '1', '--inline', '--json', '--no-failure-file']);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.exitCode).toBe(0);
    expect(result.commandExitCode).toBe(1);
    expect(result.variants!.map((v) => [v.name, v.exitCode, v.expectation.met])).toEqual([
      ['links-up', 1, false],
      ['still-isolated', 0, false],
    ]);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant still-isolated: clean, NOT as expected (expected isolation.peer); a clean run does not fail the command\n',
    );
  });

  test('an option that replaces what a variant sets: the variant is not run (side by side) or refused (alone)', async () => {
    const argv = ['--seed', '1', '--duration', '10us', '--inline', '--no-failure-file'];
    // Side by side: --policy would turn both variants (each sets the policy) into this run again,
    // judged by what they expect (per-gpu's "isolation.peer: NOT as expected" under per-gpu-isolated).
    const side = await cli(['run', 'multi-tenant', '--policy', 'per-gpu-isolated', '--json', ...argv]);
    expect(side.code, side.stderr).toBe(0);
    expect(unwrapped(side.stderr, 8)).toContain(
      'npusim: variant per-gpu not run: it sets `policy` (given by --policy) to another value (`--variant per-gpu` runs it alone, without those options)\n',
    );
    expect(side.stderr).toContain(
      'npusim: variant per-socket not run: it sets `policy` (given by --policy) to another value',
    );
    expect((JSON.parse(side.stdout) as RunResult).variants ?? []).toEqual([]);
    // A --set of the path, or of a path above it, replaces it too; one below it refines it.
    const above = await cli(['run', 'guest-atsd', '--set', 'host={"guestAtsd":"every-link"}', ...argv]);
    expect(above.stderr).toContain(
      'npusim: variant first-link not run: it sets `host.guestAtsd` (given by --set host) to another value',
    );
    const below = await cli([
      'run',
      'multi-tenant',
      '--set',
      'tenants[0].pagesPerProcess=8',
      '--json',
      ...argv,
    ]);
    expect(below.code, below.stderr).toBe(0);
    expect((JSON.parse(below.stdout) as RunResult).variants?.map((v) => v.name)).toEqual([
      'per-gpu',
      'per-socket',
    ]);
    // Alone, the variant and the option contradict each other: refused before anything runs.
    const alone = await cli([
      'run',
      'multi-tenant',
      '--variant',
      'per-gpu',
      '--policy',
      'per-socket',
      ...argv,
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stdout).toBe('');
    expect(alone.stderr.split('\n')[0]).toBe(
      'npusim: --policy: Expected no --policy with --variant per-gpu, which sets `policy` to another value (the run would not be the variant it names, nor be judged by what it expects), got both',
    );
  });

  test('a --variant the workload does not declare is refused, a slip of one offered the nearest, by run and sweep alike (QA: no hint)', async () => {
    for (const command of [
      ['run', 'multi-tenant', '--seed', '1', '--inline'],
      ['sweep', 'multi-tenant', '--seeds', '1..2'],
    ]) {
      const slip = await cli([...command, '--variant', 'per-gpuu', '--duration', '1us']);
      expect(slip.code).toBe(2);
      expect(slip.stdout).toBe('');
      expect(slip.stderr.split('\n')[0]).toBe(
        'npusim: --variant: Expected a variant of `multi-tenant` (per-gpu, per-socket), got `per-gpuu` (did you mean `per-gpu`?)',
      );
    }
    const none = await cli(['run', 'stress', '--variant', 'x', '--duration', '1us', '--inline']);
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n')[0]).toBe(
      'npusim: --variant: Expected no variant: workload `stress` has none, got `x`',
    );
  });

  test('--variant with several options that override it names each of them, not only the first', async () => {
    const file = join(tmp(), 'three-sets.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'three-sets',
        description: 'a variant that sets the policy, the topology and the duration',
        variants: [
          {
            name: 'big',
            set: { policy: 'per-socket', topology: 'witherspoon-6', durationTicks: 20_000_000 },
          },
        ],
        params: {
          topology: 'witherspoon-4',
          policy: 'per-gpu',
          durationTicks: 10_000_000,
          tenants: [{ name: 'host', lpid: 0, groups: 'all' }],
        },
      }),
    );
    const r = await cli([
      'run',
      file,
      '--variant',
      'big',
      '--policy',
      'per-gpu',
      '--topology',
      'witherspoon-4',
      '--duration',
      '10us',
      '--inline',
      '--no-failure-file',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      'npusim: --policy: Expected no --policy with --variant big, which sets `policy` to another value (the run would not be the variant it names, nor be judged by what it expects), got both',
    );
    expect(lines.slice(1, 3)).toEqual([
      '  --topology: Expected no --topology with --variant big, which sets `topology` to another value (the run would not be the variant it names, nor be judged by what it expects), got both',
      '  --duration: Expected no --duration with --variant big, which sets `durationTicks` to another value (the run would not be the variant it names, nor be judged by what it expects), got both',
    ]);
  });

  test("a variant the machine cannot run is refused before the workload's own run", async () => {
    const dir = tmp();
    const file = join(dir, 'three-guests.json');
    const guest = (i: number) => ({
      name: `vm${i}`,
      lpid: i,
      groups: [i - 1],
      pagesPerProcess: 8,
      tcePagesPerGpu: 0,
    });
    writeFileSync(
      file,
      JSON.stringify({
        name: 'three-guests',
        description: 'three guests, one GPU each; per socket there are only two groups',
        variants: [{ name: 'per-socket', set: { policy: 'per-socket' } }],
        params: {
          topology: 'witherspoon-4',
          policy: 'per-gpu',
          durationTicks: 5_000_000,
          tenants: [1, 2, 3].map(guest),
        },
      }),
    );
    // Before, the workload's own run went first and the variant's error came after it.
    const r = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // The place first, as every error of a file names it (its line and column where it has them),
    // then what the variant sets that makes it (QA: the variant led, the place named the tenant).
    expect(r.stderr.split('\n')[0]!.replace(/^(npusim: [^:]+)(:\d+:\d+)?: /, '$1: ')).toBe(
      `npusim: ${file}: params.tenants[2].groups: Expected a topology and policy with 3 IOMMU groups or more (workload \`three-guests\` needs them: one per tenant), got witherspoon-4 under per-socket, which has 2 (in variant per-socket of three-guests, with policy=per-socket: the workload's own run is fine)`,
    );
  });

  test('--strategy pct: the variants run under PCT too, each measured on its own run', async () => {
    const argv = ['run', 'multi-tenant', '--seed', '1', '--duration', '10us', '--inline', '--json'];
    const json = async (extra: string[]) => {
      const r = await cli([...argv, ...extra, '--no-failure-file']);
      expect([0, 1], r.stderr).toContain(r.code);
      return { result: JSON.parse(r.stdout) as RunResult, stderr: r.stderr };
    };
    const random = await json([]);
    const pct = await json(['--strategy', 'pct', '--pct-depth', '2']);
    const variants = pct.result.variants ?? [];
    expect(variants.length).toBe(2);
    for (const [i, v] of variants.entries()) {
      expect(pct.stderr).toContain(`npusim: variant ${v.name}: strategy pct depth 2: n = `);
      expect(v.reproduce).toContain('--strategy pct --pct-depth 2');
      expect(v.digest).not.toBe(random.result.variants![i]!.digest);
    }
  });
});

describe("a variant's profile", () => {
  const short = ['--seed', '1', '--duration', '10us', '--inline', '--no-failure-file'];
  // single-flush finds nothing in firmware-update's first 10 us: its test runs 20 us.
  const short20us = ['--seed', '1', '--duration', '20us', '--inline', '--no-failure-file'];

  test('firmware-update: its as-shipped variant runs side by side on that profile, judged by what it expects', async () => {
    const r = await cli(['run', 'firmware-update', ...short, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.config.profile).toBeUndefined();
    const [v] = result.variants!;
    expect(v!.name).toBe('as-shipped');
    expect(v!.profile).toBe('as-shipped');
    expect(v!.expectation.met).toBe(true);
    expect(Object.keys(v!.expectation.found)).toEqual(['isolation.firmware']);
    // Its line runs it again alone: the variant and its profile, which --variant accepts beside it.
    expect(v!.reproduce).toMatch(
      /^npusim run firmware-update --variant as-shipped --seed 1 .*--profile as-shipped --inline$/,
    );
    const again = await cli([...v!.reproduce.split(' ').slice(1), '--json', '--no-failure-file']);
    expect((JSON.parse(again.stdout) as RunResult).digest).toBe(v!.digest);
    // The summary names the profile under the table, and `npusim list` beside the variant.
    const text = await cli(['run', 'firmware-update', ...short]);
    expect(text.stdout).toMatch(/^\s+expected\s+clean: as expected\s+isolation\.firmware: as expected$/m);
    // The own run's column is named by the machine it ran, as the variant's is (not `as declared`):
    // by its label's name, its description under the table (the whole label ran to 114 columns).
    expect(text.stdout).toMatch(/^ {2}\s+fixed \(this run\)\s+as-shipped$/m);
    expect(text.stdout).toContain("\n  fixed (this run): the model's BAR0 filter, in no release\n");
    expect(result.label).toBe("fixed: the model's BAR0 filter, in no release");
    // Its description wraps at 100 columns, under its text: joined again.
    expect(unwrapped(text.stdout, 4)).toMatch(/^ {2}as-shipped: .* \(profile as-shipped\)$/m);
    const list = await cli(['list']);
    // The line wraps at 100 columns (its words in order, whatever the breaks).
    expect(list.stdout.replace(/\s+/g, ' ')).toMatch(
      /variant as-shipped: [^()]* \(--profile as-shipped, expects isolation\.firmware\) /,
    );
  });

  test('multi-tenant --profile as-shipped: each variant whose policy v5.12 never formed is warned of as its run alone is (QA: per-gpu ran as a what-if unsaid)', async () => {
    const r = await cli(['run', 'multi-tenant', ...short, '--profile', 'as-shipped', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    const perGpu = result.variants!.find((v) => v.name === 'per-gpu')!;
    const perSocket = result.variants!.find((v) => v.name === 'per-socket')!;
    // The warning `--variant per-gpu` alone carries, the same run (its digest).
    const alone = await cli([
      'run',
      'multi-tenant',
      ...short,
      '--profile',
      'as-shipped',
      '--variant',
      'per-gpu',
      '--json',
    ]);
    const aloneResult = JSON.parse(alone.stdout) as RunResult;
    expect(aloneResult.digest).toBe(perGpu.digest);
    expect(aloneResult.policyNotInProfile).toMatch(/^policy per-gpu is not in profile as-shipped /);
    expect(perGpu.policyNotInProfile).toBe(aloneResult.policyNotInProfile);
    // v5.0's per-socket groups are v5.12's too: nothing to say of that variant.
    expect(perSocket.policyNotInProfile).toBeUndefined();
    const stderr = unwrapped(r.stderr, 8);
    expect(stderr).toContain(`npusim: warning: variant per-gpu: ${perGpu.policyNotInProfile}\n`);
    expect(stderr).not.toContain('variant per-socket: policy');
    // Under the summary's header, named, beside the own run's.
    const header = unwrapped(formatSummary(result), '  warning: '.length);
    expect(header).toContain(`\n  warning: ${result.policyNotInProfile}\n`);
    expect(header).toContain(`\n  warning: variant per-gpu: ${perGpu.policyNotInProfile}\n`);
    expect(header).not.toContain('variant per-socket: policy');
  });

  test("guest-atsd: its as-shipped variant's per-GPU groups are a what-if said in --json and the summary, not on stderr alone", async () => {
    const r = await cli(['run', 'guest-atsd', ...short, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.policyNotInProfile).toBeUndefined();
    const shipped = result.variants!.find((v) => v.name === 'as-shipped')!;
    expect(shipped.policyNotInProfile).toMatch(/^policy per-gpu is not in profile as-shipped /);
    expect(result.variants!.find((v) => v.name === 'first-link')!.policyNotInProfile).toBeUndefined();
    expect(unwrapped(formatSummary(result), '  warning: '.length)).toContain(
      `\n  warning: variant as-shipped: ${shipped.policyNotInProfile}\n`,
    );
  });

  test('--profile as-shipped alone makes the run that variant (not run again); another --profile with --variant is refused', async () => {
    const r = await cli(['run', 'firmware-update', ...short, '--profile', 'as-shipped', '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.sameAsVariant).toEqual({ name: 'as-shipped', by: '--profile as-shipped' });
    expect(result.expectation?.met).toBe(true);
    expect(result.variants ?? []).toEqual([]);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant as-shipped not run: --profile as-shipped makes this run that variant (the same parameters), judged by what it expects\n',
    );
    const alone = await cli(['run', 'firmware-update', ...short, '--variant', 'as-shipped', '--json']);
    expect((JSON.parse(alone.stdout) as RunResult).digest).toBe(result.digest);
    const refused = await cli([
      'run',
      'firmware-update',
      ...short,
      '--variant',
      'as-shipped',
      '--profile',
      'fixed',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(
      'npusim: --profile: Expected no --profile with --variant as-shipped, which runs profile as-shipped (the run would not be the variant it names, nor be judged by what it expects), got both',
    );
    // Side by side, --profile fixed given: the variant is not run, with a line that says why.
    const side = await cli(['run', 'firmware-update', ...short, '--profile', 'fixed', '--json']);
    expect(side.code, side.stderr).toBe(0);
    expect(unwrapped(side.stderr, 8)).toContain(
      'npusim: variant as-shipped not run: it runs profile as-shipped (--profile gives another) (`--variant as-shipped` runs it alone, without those options)\n',
    );
  });

  test('tce-storm --profile as-shipped: the run is variant as-shipped; page-kills is its as-shipped twin, run once', async () => {
    const r = await cli(['run', 'tce-storm', ...short, '--profile', 'as-shipped', '--json']);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.sameAsVariant).toEqual({ name: 'as-shipped', by: '--profile as-shipped' });
    // page-kills on that profile is page-kills-as-shipped: one run, judged by what that expects.
    expect(result.variants?.map((v) => v.name)).toEqual(['page-kills-as-shipped']);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant page-kills not run: on --profile as-shipped it is variant page-kills-as-shipped (the same parameters), which runs, judged by what it expects\n',
    );
    // With the sets of page-kills, the run is the variant declared for that profile, not its fixed twin.
    const sets = await cli([
      'run',
      'tce-storm',
      ...short,
      '--profile',
      'as-shipped',
      '--set',
      'tenants[0].tceContainer=none',
      '--set',
      'host.tceWindowResetPercent=0',
      '--json',
    ]);
    const matched = JSON.parse(sets.stdout) as RunResult;
    expect(matched.sameAsVariant).toEqual({
      name: 'page-kills-as-shipped',
      by: '--profile as-shipped --set tenants[0].tceContainer=none --set host.tceWindowResetPercent=0',
    });
  });

  test("a --bug the variant's profile already carries: refused with --variant, as with --profile; side by side the variant runs without it and says so (QA: dropped in silence)", async () => {
    const refused = await cli([
      'run',
      'firmware-update',
      ...short20us,
      '--variant',
      'as-shipped',
      '--bug',
      'tce-entire-kill-ignored',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(
      "npusim: --bug: Expected a bug switch profile as-shipped of --variant as-shipped does not already carry, got `tce-entire-kill-ignored` (the profile switches it on; `npusim list` shows each profile's switches)",
    );
    const r = await cli([
      'run',
      'firmware-update',
      ...short20us,
      '--bug',
      'tce-entire-kill-ignored',
      '--bug',
      'single-flush',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(unwrapped(r.stderr, 8)).toContain(
      'npusim: variant as-shipped runs without --bug tce-entire-kill-ignored: its profile as-shipped already carries it (the same machine; its reproduce line leaves it out)\n',
    );
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.config.bugs).toEqual(['tce-entire-kill-ignored', 'single-flush']);
    const [v] = result.variants!;
    // The switch it does not carry is applied, and its line says so; its line replays its digest.
    expect(v!.reproduce).toMatch(/ --bug single-flush --profile as-shipped /);
    expect(v!.reproduce).not.toContain('tce-entire-kill-ignored');
    const again = await cli([...v!.reproduce.split(' ').slice(1), '--json', '--no-failure-file']);
    expect((JSON.parse(again.stdout) as RunResult).digest).toBe(v!.digest);
  });

  test("a profile variant's failure writes its failure file, and the file replays it exactly", async () => {
    const { default: fw } = await import('../../workloads/firmware-update.js');
    const dir = tmp();
    const file = join(dir, 'shipped-guests.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'shipped-guests',
        description: 'firmware-update whose as-shipped variant wrongly expects clean',
        params: { ...fw.params, durationTicks: 10_000_000 },
        variants: [{ name: 'shipped', profile: 'as-shipped' }],
      }),
    );
    const failures = join(dir, 'failures');
    const r = await cli(['run', file, '--seed', '1', '--inline', '--failures', failures]);
    expect(r.code, r.stderr).toBe(1);
    const [name] = readdirSync(failures);
    expect(name).toMatch(/^shipped-guests\.shipped-seed1-isolation\.firmware-[0-9a-f]{8}\.json$/);
    // Its line is its file's replay; without a file, its run line, with the variant's profile.
    expect(r.stderr).toContain(`\nreproduce: npusim replay ${join(failures, name!)}\n`);
    const none = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file']);
    expect(none.stderr).toMatch(
      /\nreproduce: npusim run \S+shipped-guests\.json --variant shipped .*--profile as-shipped /,
    );
    const recorded = JSON.parse(readFileSync(join(failures, name!), 'utf8')) as {
      options: { variant: string; profile: string };
    };
    expect(recorded.options).toMatchObject({ variant: 'shipped', profile: 'as-shipped' });
    const replay = await cli(['replay', join(failures, name!)]);
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');
  });
});
