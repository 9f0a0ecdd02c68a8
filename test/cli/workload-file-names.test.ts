/**
 * A workload file's own name and headline, and `--set`'s field names, as `npusim run` refuses
 * them: a file under a built-in workload's name (every output read as the built-in's run), two
 * headline items with one label (the table of variants dropped one), and a mistake inside a
 * `--set` object value named by one dotted path, as every other `--set` error and a file name it.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';
import { cli, STACK_FRAME } from './cli-harness.js';

const tenant = { name: 'vm1', lpid: 1, groups: 'all' };

/** `npusim run ARGS` refused with exit 2, before any run; its stderr. */
async function refused(args: string[]): Promise<string> {
  const r = await cli(['run', ...args, '--seed', '1', '--duration', '1us', '--inline', '--no-failure-file']);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stdout).toBe('');
  return r.stderr;
}

function file(name: string, text: string): string {
  const path = join(testTempDir('npusim-wl-names-'), name);
  writeFileSync(path, text);
  return path;
}

describe("a workload file under a built-in's name", () => {
  test('a JSON file is refused at its `name`, with its line and column', async () => {
    const json = file(
      'mine.json',
      `{\n  "name": "mixed",\n  "description": "d",\n  "params": {"tenants": [${JSON.stringify(tenant)}]}\n}\n`,
    );
    expect(await refused([json])).toBe(
      `npusim: ${json}:2:3: name: Expected a name no built-in workload has (\`npusim list\` shows them), got \`mixed\`, a built-in workload's: every output of the run (its summary, --json's \`workload\`, a failure file, \`npusim compare\`) would read as the built-in's; give the file's workload a name of its own\n`,
    );
  });

  test('a module is refused too; a name of its own runs', async () => {
    const def = (name: string) =>
      `export default ${JSON.stringify({ name, description: 'd', params: { tenants: [tenant] } })};\n`;
    expect(await refused([file('w.mjs', def('stress'))])).toMatch(
      /^npusim: \S+w\.mjs: name: Expected a name no built-in workload has .*got `stress`, a built-in workload's/,
    );
    const own = await cli([
      'run',
      file('w.mjs', def('my-stress')),
      '--seed',
      '1',
      '--duration',
      '1us',
      '--inline',
      '--no-failure-file',
    ]);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toContain('npusim my-stress  seed 1');
  });
});

describe('headline labels in a workload file', () => {
  test('two items with one label are refused at the later, with its line and column', async () => {
    const json = file(
      'labels.json',
      `{"name": "labels", "description": "d", "headline": [\n  {"label": "n", "param": "policy"},\n  {"label": "n", "param": "tenants"}\n], "params": {"tenants": [${JSON.stringify(tenant)}]}}\n`,
    );
    expect(await refused([json])).toBe(
      `npusim: ${json}:3:4: headline[1].label: Expected a label no other headline item has, got \`n\`: headline[0] has it too\n`,
    );
  });
});

describe('a headline param index in a workload file', () => {
  test("past the end of the list in every run it declares: refused at load, with its line and column (it printed `none (this run's list has 1)`)", async () => {
    const json = file(
      'index.json',
      `{"name": "index", "description": "d", "headline": [\n  {"label": "a", "param": "tenants.3.name"}\n], "params": {"tenants": [${JSON.stringify(tenant)}]}}\n`,
    );
    expect(await refused([json])).toMatch(
      /^npusim: \S+index\.json:2:18: headline\[0\]\.param: Expected an index of `tenants` from 0 to 0, got `3` in `tenants\.3\.name`/,
    );
  });
});

describe('--set: a mistake inside an object value', () => {
  test('is named by one dotted path (`--set resets.intervalTicks`), not the set and then the field', async () => {
    expect(await refused(['stress', '--set', 'resets={}'])).toMatch(
      /^npusim: --set resets\.intervalTicks: Expected an integer /,
    );
    expect(await refused(['stress', '--set', 'gpu={"dmaBytes":0}'])).toMatch(
      /^npusim: --set gpu\.dmaBytes: Expected an integer from 1 to 65536, got 0\n/,
    );
  });

  test('a mistake the machine finds in a --set list is named inside it too', async () => {
    const said = await refused([
      'stress',
      '--set',
      `tenants=[${JSON.stringify({ ...tenant, groups: [99] })}]`,
    ]);
    expect(said).toMatch(/^npusim: --set tenants\[0\]\.groups: /);
  });
});
