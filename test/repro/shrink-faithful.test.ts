/**
 * A shrink starts from the file's own run and writes a file that replays exactly:
 *   - a PCT failure: recording its choices dropped each choice's agent (model/choice/chooser.ts
 *     RecordingChooser), so the shrink measured (its `before` column) and wrote another run than
 *     the file's, and the shrunk file did not replay (exit 5); now its choices shrink too;
 *   - a file whose run no longer reproduces (same rule, another tick) is refused, not shrunk as if
 *     it were that run;
 *   - a crash: its `events` were the crash's tick, written into the shrunk file as its events;
 *   - a failure of a user's workload file could not be shrunk at all (`workload.file: Expected the
 *     workload file ... loaded to check it, got none`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FailureFile } from '../../src/repro/failure-file.js';
import { readFailureFile } from '../../src/repro/failure-file-read.js';
import { replayFailure } from '../../src/repro/replay.js';
import { shrinkFailure } from '../../src/repro/shrink.js';
import { shrunkOptions } from '../../src/repro/shrunk-options.js';
import { workloads } from '../../workloads/index.js';
import { cli } from '../cli/cli-harness.js';
import { testTempDir } from '../support/temp-dir.js';

const registry = new Map(workloads.map((w) => [w.name, w]));

/** `npusim run ARGS` that fails, and the failure file it wrote. */
async function failing(args: string[], code = 1): Promise<{ path: string; text: string; file: FailureFile }> {
  const dir = testTempDir('npusim-shrink-f-');
  const r = await cli(['run', ...args, '--inline', '--failures', dir]);
  expect(r.code, r.stderr).toBe(code);
  const path = join(dir, readdirSync(dir)[0]!);
  const text = readFileSync(path, 'utf8');
  return { path, text, file: JSON.parse(text) as FailureFile };
}

const FLUSH = ['flush-race', '--bug', 'single-flush', '--stop-on-first'];

describe('shrink: from the file’s own run, to a file that replays', () => {
  test('a PCT failure: `before` is the file’s run, and the shrunk file replays exactly', async () => {
    const { text, file } = await failing([...FLUSH, '--seed', '3', '--strategy', 'pct']);
    expect(file.strategy.kind).toBe('pct');
    const { config, workload } = readFailureFile(text, 'pct.json', registry);
    const out = await shrinkFailure(file, config, workload, { budget: 4 });
    expect(out.before.events).toBe(file.figures.events);
    expect(out.before.simulatedTicks).toBe(file.figures.simulatedTicks);
    expect(out.after.events).toBeLessThan(out.before.events);
    const replay = await replayFailure(JSON.stringify(out.file), 'shrunk.json', registry, 'inline', 1);
    expect(replay.mismatches).toEqual([]);
  });

  test('a variant whose parameters the shrink changed is left out of the shrunk file, which replays; one it left alone stays (QA)', async () => {
    const { text, file } = await failing([
      'multi-tenant',
      '--variant',
      'per-socket',
      '--bug',
      'single-flush',
      '--seed',
      '1',
      '--duration',
      '100us',
      '--stop-on-first',
    ]);
    expect(file.options.variant).toBe('per-socket');
    const { config, workload } = readFailureFile(text, 'variant.json', registry);
    const out = await shrinkFailure(file, config, workload, { budget: 20 });
    // The variant sets `tenants`, which the shrink cut to one: the file no longer says it ran that
    // variant, whose `set` would give other tenants (replay refused it as "a changed variant").
    expect(out.file.workload.params).not.toEqual(file.workload.params);
    expect(out.file.options.variant).toBeUndefined();
    const replay = await replayFailure(JSON.stringify(out.file), 'shrunk.json', registry, 'inline', 1);
    expect(replay.mismatches).toEqual([]);
    // A variant whose `set` still holds over the parameters (nothing the shrink changed) stays.
    expect(shrunkOptions(config, workload).variant).toBe('per-socket');
    // A --set the parameters no longer hold is left out (QA: `replay --json` showed a stale one
    // as the run's); one they do is kept.
    const stale = { path: 'gpu.engines', value: config.params.gpu.engines + 1 };
    const holding = { path: 'gpu.issueIntervalTicks', value: config.params.gpu.issueIntervalTicks };
    expect(shrunkOptions({ ...config, set: [stale] }, workload).set).toBeUndefined();
    expect(shrunkOptions({ ...config, set: [stale, holding] }, workload).set).toEqual([holding]);
  });

  test('a file whose run does not reproduce is refused, saying how it differs', async () => {
    const { path, file } = await failing([...FLUSH, '--seed', '1']);
    // Another seed fails with the same rule, at another tick: not the file's run. Without its
    // configDigest (a file from before 0.8.0 has none), which would say the seed was edited before
    // any run (shrink.test.ts).
    writeFileSync(path, JSON.stringify({ ...file, seed: 2, configDigest: undefined }));
    const r = await cli(['shrink', path, '--budget', '3', '--out', `${path}.s.json`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^npusim: ${path}: Expected the failure to reproduce before shrinking \\(order\\.atsd-released-early at tick ${file.first!.tick}, digest ${file.digest}\\), got order\\.atsd-released-early at tick \\d+, digest [0-9a-f]{16}: `,
        'm',
      ),
    );
    // The same run, its recorded finding's actors edited: replay says it does not reproduce, and
    // so does shrink, naming them (QA: the file was shrunk).
    const actors = ['gpu5'];
    writeFileSync(path, JSON.stringify({ ...file, first: { ...file.first, actors } }));
    const edited = await cli(['shrink', path, '--budget', '3', '--out', `${path}.s.json`]);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain(
      `(expected the finding's actors gpu5, got ${file.first!.actors.join(', ')}): \`npusim replay\` of the file says how it differs`,
    );
  });

  test('a crash: no count of events is made up, in the table or in the shrunk file', async () => {
    const { path } = await failing(
      ['stress', '--seed', '2', '--duration', '50us', '--crash-at', 'gpu1:300'],
      4,
    );
    const out = `${path}.s.json`;
    // Budget 10: the smaller topology is kept by then, so there is a table (3 runs kept nothing).
    const r = await cli(['shrink', path, '--budget', '10', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}events +- +-$/m);
    const none = await cli(['shrink', path, '--budget', '1', '--out', `${path}.n.json`]);
    expect(none.stdout).toMatch(
      /nothing was reduced: no candidates after the original's run, none kept \(\d/,
    );
    const shrunk = JSON.parse(readFileSync(out, 'utf8')) as FailureFile;
    expect(shrunk.first?.rule).toBe('crash');
    expect(shrunk.figures.events).toBe(0);
    expect((await cli(['replay', out])).code).toBe(4);
  });

  test('a failure of a user’s workload file shrinks, and its shrunk file replays', async () => {
    const dir = testTempDir('npusim-shrink-w-');
    const flush = registry.get('flush-race')!;
    const wl = join(dir, 'mine.json');
    writeFileSync(
      wl,
      JSON.stringify({ name: 'mine', description: 'flush-race, mine', params: flush.params }),
    );
    const { path } = await failing([wl, '--bug', 'single-flush', '--stop-on-first', '--seed', '1']);
    const out = join(dir, 's.json');
    const r = await cli(['shrink', path, '--budget', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const replay = await cli(['replay', out]);
    expect(replay.code, replay.stdout).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');
  });
});
