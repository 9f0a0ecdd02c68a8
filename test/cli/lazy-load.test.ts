/**
 * The commands that do not simulate (`--help`, `topo`, `compare`) must not load the simulator:
 * run-cli.ts imports run, sweep, replay and shrink only when chosen, and a static import slipped
 * back in would triple their start-up. Each child runs the CLI from source with a module hook
 * (node:module register) that logs every file it loads; a `run` is the control that the log
 * sees the engine when it is loaded.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD_TIMEOUT_MS = 50_000;
/** Modules only a simulating command needs: the machine and its chips and GPUs, the engine, zod. */
const SIMULATOR = [
  '/src/model/actors/machine.',
  '/src/model/actors/chip/',
  '/src/model/actors/gpu/',
  '/src/runtime/engine.',
  '/node_modules/zod/',
];

/** Every `file:` module the CLI loads for `args`, from source, and its exit code. */
async function loadedBy(args: string[]): Promise<{ code: number; files: string[] }> {
  const dir = testTempDir('npusim-lazy-');
  const log = join(dir, 'loaded.txt');
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';\n` +
      `export async function load(url, context, next) {\n` +
      `  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');\n` +
      `  return next(url, context);\n}\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  writeFileSync(log, '');
  let code = 0;
  try {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--import', pathToFileURL(register).href, 'src/cli/main.ts', ...args],
      { cwd: ROOT, timeout: CHILD_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } },
    );
  } catch (e) {
    code = (e as { code?: number }).code ?? -1;
  }
  return { code, files: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const simulatorFiles = (files: string[]) => files.filter((f) => SIMULATOR.some((s) => f.includes(s)));

describe('lazy loading', () => {
  test.each([[['--help']], [['topo']], [['run', '--help']]])(
    'npusim %j loads none of the simulator',
    async (args) => {
      const { code, files } = await loadedBy(args);
      expect(code).toBe(0);
      // It did load the CLI (the hook saw it), just not the simulator.
      expect(files.some((f) => f.endsWith('/src/cli/run-cli.ts'))).toBe(true);
      expect(simulatorFiles(files)).toEqual([]);
    },
  );

  test('the control: `npusim run` loads the engine, and the hook sees it', async () => {
    const dir = testTempDir('npusim-lazy-run-');
    const { code, files } = await loadedBy([
      'run',
      'stress',
      '--duration',
      '1ns',
      '--inline',
      '--failures',
      dir,
    ]);
    expect(code).toBe(0);
    expect(simulatorFiles(files).length).toBeGreaterThan(10);
  });
});
