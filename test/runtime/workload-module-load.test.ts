/**
 * loadWorkloads(url) on a caller's module: loaded as loadWorkloadFile loads a workload module (a
 * .ts file through tsx, an error while it loads placed and said as a ConfigError naming the file),
 * a JSON file refused naming loadWorkloadFile, and each workload validated as a file's is (QA: a
 * `[{ name: 'x' }]` loaded, and was refused only when run).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findWorkload } from '../../src/api/find-workload.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadWorkloads } from '../../src/runtime/workload-registry.js';
import { testTempDir } from '../support/temp-dir.js';

/** The refusal `p` rejects with, checked to be a ConfigError. */
async function refusal(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

function moduleFile(name: string, text: string): { path: string; url: URL } {
  const path = join(testTempDir('npusim-workloads-module-'), name);
  writeFileSync(path, text);
  return { path, url: pathToFileURL(path) };
}

describe('loadWorkloads(url): a caller module', () => {
  it("validates each workload as a workload file's is, naming the module and the workload's place", async () => {
    const bad = moduleFile('badwl.mjs', 'export const workloads = [{ name: "x" }];\n');
    const e = await refusal(loadWorkloads(bad.url));
    expect(e.message).toMatch(
      new RegExp(`^${bad.path.replaceAll('.', '\\.')}: workloads\\[0\\]: description: Expected a string`),
    );
    // A whole workload loads, filled in as validateWorkload fills it.
    const stress = await findWorkload('stress');
    const { variants: _v, ...rest } = JSON.parse(JSON.stringify(stress)) as Record<string, unknown>;
    const good = moduleFile(
      'good.mjs',
      `export const workloads = [${JSON.stringify({ ...rest, name: 'mine' })}];\n`,
    );
    const mine = (await loadWorkloads(good.url)).get('mine');
    expect(mine?.params).toEqual(stress.params);
  });

  it('loads a .ts module through tsx, and refuses a module that throws, and a .json file, as ConfigErrors', async () => {
    const ts = moduleFile('wl.ts', 'const none: unknown[] = [];\nexport const workloads = none;\n');
    expect((await loadWorkloads(ts.url)).size).toBe(0);
    const tsBad = moduleFile('bad.mts', 'export const workloads: unknown[] = [{ name: "y" }];\n');
    expect((await refusal(loadWorkloads(tsBad.url))).field).toBe(`${tsBad.path}: workloads[0]: description`);
    const throws = moduleFile(
      'throws.mjs',
      'const x = 1;\nthrow new Error("kaboom");\nexport const workloads = [x];\n',
    );
    expect((await refusal(loadWorkloads(throws.url))).message).toBe(
      `${throws.path}: Expected a module that loads, got an error: ${throws.path}:2:7: kaboom`,
    );
    const json = moduleFile('wl.json', '{ "workloads": [] }\n');
    expect((await refusal(loadWorkloads(json.url))).message).toBe(
      `${json.path}: Expected a module exporting \`workloads\` (.ts, .js; .mts, .cts, .mjs, .cjs), got a JSON file (a JSON file holds one workload: load it with loadWorkloadFile)`,
    );
    const data = new URL('data:text/javascript,throw new Error("kaboom");');
    expect((await refusal(loadWorkloads(data))).message).toBe(
      `${data.href}: Expected a module that loads, got an error: kaboom`,
    );
  });
});
