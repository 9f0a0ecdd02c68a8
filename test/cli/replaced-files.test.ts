/**
 * A run's or replay's output that will replace one of npusim's files of another kind is said on
 * stderr before the run (cli/replaced-files.ts). QA wrote `--out`, `--trace`, `--report` and
 * `--record` over a shrunk failure file, a sweep's failure file and a sweep summary: each was
 * replaced without a word. A file of the kind the option writes (a result written again) is
 * replaced with no note.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';
import { cli, FAILING_RUN } from './cli-harness.js';

const SHORT = ['run', 'stress', '--seed', '1', '--duration', '10us', '--inline', '--no-failure-file'];

test('a failure file, a summary, a workload and a result, each told before the run that replaces it', async () => {
  const dir = testTempDir('npusim-replaced-');
  const failures = join(dir, 'failures');
  const failing = await cli([...FAILING_RUN, '--stop-on-first', '--inline', '--failures', failures]);
  expect(failing.code, failing.stderr).toBe(1);
  const [name] = readdirSync(failures).filter((f) => f.endsWith('.json'));
  const failure = readFileSync(join(failures, name!), 'utf8');

  // --out over a failure file: said, before the run's header, and the result replaces it.
  const victim = join(dir, 'victim.json');
  writeFileSync(victim, failure);
  const out = await cli([...SHORT, '--out', victim]);
  expect(out.code, out.stderr).toBe(0);
  expect(out.stderr.replace(/\s+/g, ' ')).toContain(
    `npusim: --out ${victim} holds an npusim failure file or --record file (format \`npusim-failure\`: \`npusim replay\` and \`npusim shrink\` take it); the run result will replace it`,
  );
  expect(JSON.parse(readFileSync(victim, 'utf8')).schemaVersion).toBe(1);

  // The same --out again holds a result now: replaced with no note.
  const again = await cli([...SHORT, '--out', victim]);
  expect(again.stderr).not.toContain('will replace it');

  // --record over a sweep summary; --trace over a workload file; --report over a result.
  const summary = join(dir, 'summary.json');
  writeFileSync(summary, JSON.stringify({ format: 'npusim-sweep-summary', seeds: [] }));
  const workload = join(dir, 'w.json');
  writeFileSync(workload, JSON.stringify({ name: 'w', description: 'd', params: {} }));
  const r = await cli([...SHORT, '--record', summary, '--trace', workload, '--report', victim]);
  expect(r.code, r.stderr).toBe(0);
  const said = r.stderr.replace(/\s+/g, ' ');
  expect(said).toContain(`--record ${summary} holds an npusim sweep summary`);
  expect(said).toContain("the run's recording will replace it");
  expect(said).toContain(`--trace ${workload} holds a workload`);
  expect(said).toContain('the trace will replace it');
  expect(said).toContain(`--report ${victim} holds an npusim run result`);
  expect(said).toContain('the HTML report will replace it');

  // A --record file over a failure file is a failure file again: no note.
  writeFileSync(victim, failure);
  const rec = await cli([...SHORT, '--record', victim]);
  expect(rec.code, rec.stderr).toBe(0);
  expect(rec.stderr).not.toContain('will replace it');
});
