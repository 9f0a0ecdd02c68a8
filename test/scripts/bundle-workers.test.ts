/**
 * The build's worker bundles (scripts/bundle-workers.ts) and how a built worker picks its entry
 * (src/runtime/worker-url.ts builtWorkerEntry, builtInlineBundles). The tests run from source and
 * never start a bundle of the real machine: so these bundle small workers written here, and check
 * what the real ones rely on: one file, the code cache accepted, the worker's exports callable in
 * this thread for the warm-up (awaited when it is async), its top level run in a worker, each
 * module's `import.meta.url` its own file's wherever the build is copied, and the inline host's
 * two ES modules sharing one copy of the modules both import.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundleImportMetaUrl, bundleInlineHost, bundleWorker } from '../../scripts/bundle-workers.js';
import { codeCacheState, WRAP_HEAD, WRAP_TAIL } from '../../src/runtime/worker-bundle.js';
import {
  builtInlineBundles,
  builtWorkerEntry,
  INLINE_HOST_BUNDLE,
  MACHINE_BUNDLE,
} from '../../src/runtime/worker-url.js';

/** Characters outside ASCII: one byte-pair each in UTF-16, and one astral (a surrogate pair). */
const NON_ASCII = 'n ≤ 2³² … é 😀';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npusim-bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A worker of two ES modules: answers workerData.n squared, plus what warmUp was called with. */
function writeWorker(): string {
  writeFileSync(join(dir, 'square.js'), 'export const square = (n) => n * n;\n');
  const entry = join(dir, 'probe.js');
  writeFileSync(
    entry,
    [
      "import { isMainThread, parentPort, workerData } from 'node:worker_threads';",
      "import { square } from './square.js';",
      'export let warmed = 0;',
      'export function warmUp(n) { warmed += square(n); }',
      // A sloppy-mode script would let this assignment create a global; strict mode throws.
      'export function strict() { try { undeclared = 1; return false; } catch { return true; } }',
      // Non-ASCII in a kept comment, a string, a template and regular expressions (one astral,
      // a surrogate pair in UTF-16): the bundle must hold ASCII and still mean the same.
      'export class Labels {',
      // esbuild keeps a member's comment (a top-level one it drops).
      `  /** kept: ${NON_ASCII} */`,
      `  static label() { return '${NON_ASCII}' + \`${NON_ASCII}\`; }`,
      '}',
      'const label = () => Labels.label();',
      `export const matches = () => /^n ≤ 2³²/.test('${NON_ASCII}') && /😀$/u.test('${NON_ASCII}');`,
      'if (!isMainThread) parentPort.postMessage({ square: square(workerData.n), strict: strict(), label: label(), matches: matches() });',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  return entry;
}

describe('bundle-workers', () => {
  test('bundle-workers: a bundled worker starts from its boot file and runs its ES modules, strict', async () => {
    const entry = writeWorker();
    let warmedWith: unknown;
    const out = await bundleWorker('probe', entry, dir, (exports) => {
      (exports.warmUp as (n: number) => void)(3);
      warmedWith = exports.warmed;
    });
    expect(warmedWith).toBe(9);
    expect(readFileSync(out.bundle, 'utf8')).not.toMatch(/\brequire\("\.\/square/);
    const worker = new Worker(out.boot, { workerData: { n: 7 } });
    const answer = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(answer).toEqual({ square: 49, strict: true, label: NON_ASCII.repeat(2), matches: true });
  });

  test("bundle-workers: the boot file's exports are the worker's (a piscina pool requires its task file)", async () => {
    const out = await bundleWorker('probe', writeWorker(), dir, () => undefined);
    const exports = createRequire(import.meta.url)(out.boot) as Record<string, unknown>;
    expect((exports.strict as () => boolean)()).toBe(true);
    expect((exports.matches as () => boolean)()).toBe(true);
  });

  test('bundle-workers: an async warm-up (the sweep task runs seeds) is awaited before the cache is taken', async () => {
    let warmed = false;
    await bundleWorker('probe', writeWorker(), dir, async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      warmed = true;
    });
    expect(warmed).toBe(true);
  });

  test('bundle-workers: the bundle file is the script V8 compiles, wrapped and all ASCII', async () => {
    const out = await bundleWorker('probe', writeWorker(), dir, () => undefined);
    const bytes = readFileSync(out.bundle);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    const text = bytes.toString('latin1');
    expect(text.startsWith(WRAP_HEAD)).toBe(true);
    expect(text.endsWith(WRAP_TAIL)).toBe(true);
    // The kept comment's characters are escaped, not dropped.
    expect(text).toContain('/** kept: n \\u2264 2\\u00b3\\u00b2 \\u2026 \\u00e9 \\ud83d\\ude00 */');
  });

  test('bundle-workers: the code cache is made from that very bundle, and V8 accepts it', async () => {
    const out = await bundleWorker('probe', writeWorker(), dir, () => undefined);
    const cachedData = readFileSync(out.cache);
    const script = new Script(readFileSync(out.bundle, 'latin1'), { filename: out.bundle, cachedData });
    expect(script.cachedDataRejected).toBe(false);
    expect(codeCacheState(dir, 'probe')).toBe('accepted');
    // A second build leaves one cache, and the boot file names it.
    await bundleWorker('probe', writeWorker(), dir, () => undefined);
    const caches = readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
    expect(caches).toHaveLength(1);
    expect(readFileSync(out.boot, 'utf8')).toContain(caches[0]);
  });
});

/** Write `files` (path under dir -> text) and a package.json making them ES modules. */
function writeModules(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
}

/** The first message of a worker started on `entry`. */
async function firstMessage(entry: string | URL, workerData?: unknown): Promise<unknown> {
  const worker = new Worker(entry, { workerData });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('bundle-workers: import.meta.url and the inline host', () => {
  test("bundle-workers: in a copied build each module's import.meta.url is its own file's, beside the copy", async () => {
    // The runtime finds its files by import.meta.url (worker-url.ts, engine.ts): a build layout.
    writeModules({
      'dist/src/where.js': 'export const here = () => import.meta.url;\n',
      'dist/workers/probe.js': [
        "import { parentPort } from 'node:worker_threads';",
        "import { here } from '../src/where.js';",
        'export function warmUp() { return here(); }',
        'parentPort?.postMessage(here());',
        '',
      ].join('\n'),
    });
    const built = join(dir, 'dist', 'workers');
    const out = await bundleWorker('probe', join(built, 'probe.js'), built, () => undefined, [
      bundleImportMetaUrl(built, 'cjs'),
    ]);
    const copy = join(dir, 'installed', 'dist');
    cpSync(join(dir, 'dist'), copy, { recursive: true });
    expect(await firstMessage(join(copy, 'workers', basename(out.boot)))).toBe(
      pathToFileURL(join(copy, 'src', 'where.js')).href,
    );
  });

  test('bundle-workers: the inline host and its machine share one copy of the modules both import (instanceof holds)', async () => {
    writeModules({
      'dist/src/errors.js': 'export class ConfigError extends Error {}\n',
      'dist/src/machine.js': [
        "import { ConfigError } from './errors.js';",
        "export function run() { throw new ConfigError('bad topology'); }",
        'export const url = () => import.meta.url;',
        '',
      ].join('\n'),
      'dist/src/host.js': [
        "import { parentPort, workerData } from 'node:worker_threads';",
        "import { ConfigError } from './errors.js';",
        'import(workerData.machineUrl).then((m) => {',
        '  try { m.run(); } catch (e) { parentPort.postMessage({ config: e instanceof ConfigError, url: m.url() }); }',
        '});',
        '',
      ].join('\n'),
    });
    const built = join(dir, 'dist', 'workers');
    mkdirSync(built);
    const files = await bundleInlineHost(
      join(dir, 'dist/src/host.js'),
      join(dir, 'dist/src/machine.js'),
      built,
      [bundleImportMetaUrl(built, 'esm')],
    );
    const names = files.map((f) => basename(f));
    expect(names).toHaveLength(3);
    expect(names).toEqual(
      expect.arrayContaining([
        INLINE_HOST_BUNDLE,
        MACHINE_BUNDLE,
        expect.stringMatching(/^inline-shared\.\w+\.mjs$/),
      ]),
    );
    const answer = await firstMessage(join(built, INLINE_HOST_BUNDLE), {
      machineUrl: pathToFileURL(join(built, MACHINE_BUNDLE)).href,
    });
    expect(answer).toEqual({ config: true, url: pathToFileURL(join(dir, 'dist/src/machine.js')).href });
    // A second build leaves one chunk, not one per build.
    await bundleInlineHost(join(dir, 'dist/src/host.js'), join(dir, 'dist/src/machine.js'), built);
    expect(readdirSync(built).filter((f) => f.startsWith('inline-shared.'))).toHaveLength(1);
  });
});

describe('worker-url', () => {
  // A build's layout: ROOT/dist/workers/, with ROOT/src/ in a checkout and not in a package.
  const workers = () => pathToFileURL(`${dir}/dist/workers/`);
  const touch = (file: string, seconds: number) => {
    const at = join(dir, 'dist', 'workers', file);
    mkdirSync(join(dir, 'dist', 'workers'), { recursive: true });
    writeFileSync(at, '');
    utimesSync(at, seconds, seconds);
  };
  const checkout = () => mkdirSync(join(dir, 'src'));

  test("bundle-workers: a copied build names no other directory in its stacks (V8 keeps the cache's name)", async () => {
    const entry = join(dir, 'thrower.js');
    writeFileSync(
      entry,
      [
        "import { isMainThread, parentPort } from 'node:worker_threads';",
        'export function warmUp() {}',
        "function fail() { return new Error('from the bundle').stack; }",
        'if (!isMainThread) parentPort.postMessage(fail());',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    mkdirSync(join(dir, 'built'));
    const out = await bundleWorker('thrower', entry, join(dir, 'built'), () => undefined);
    // Installed elsewhere: the three files copied as a package install copies them.
    const copy = join(dir, 'installed');
    cpSync(join(dir, 'built'), copy, { recursive: true });
    const worker = new Worker(join(copy, basename(out.boot)));
    const stack = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(codeCacheState(copy, 'thrower')).toBe('accepted');
    // Before, every frame named the build directory (the name the cache was made with).
    expect(stack).not.toContain(join(dir, 'built'));
    expect(stack).toMatch(/at fail \(thrower\.bundle\.cjs:\d+:\d+\)/);
  });

  test('worker-url: a built worker starts on its boot file when it is at least as new as tsc output', () => {
    touch('machine-host.js', 1_000);
    touch('machine-host.boot.cjs', 2_000);
    expect(builtWorkerEntry(workers(), 'machine-host').pathname).toMatch(/machine-host\.boot\.cjs$/);
  });

  test('worker-url: a boot file older than tsc output (a tsc without the bundling step) is ignored', () => {
    checkout();
    touch('machine-host.js', 2_000);
    touch('machine-host.boot.cjs', 1_000);
    expect(builtWorkerEntry(workers(), 'machine-host').pathname).toMatch(/machine-host\.js$/);
  });

  test('worker-url: an installed package (no src/ beside dist/) starts on its boot file, however npm dated it', () => {
    touch('machine-host.js', 2_000);
    touch('machine-host.boot.cjs', 1_000);
    expect(builtWorkerEntry(workers(), 'machine-host').pathname).toMatch(/machine-host\.boot\.cjs$/);
  });

  test("worker-url: a built sweep's pool task takes its boot file by the same rule", () => {
    checkout();
    touch('sweep-worker.js', 1_000);
    touch('sweep-worker.boot.cjs', 2_000);
    expect(builtWorkerEntry(workers(), 'sweep-worker').pathname).toMatch(/sweep-worker\.boot\.cjs$/);
    touch('sweep-worker.js', 3_000);
    expect(builtWorkerEntry(workers(), 'sweep-worker').pathname).toMatch(/sweep-worker\.js$/);
  });

  describe('the inline host', () => {
    const tsc = (rel: string, seconds: number) => {
      const at = join(dir, 'dist', 'src', rel);
      mkdirSync(join(at, '..'), { recursive: true });
      writeFileSync(at, '');
      utimesSync(at, seconds, seconds);
    };
    const built = () => {
      tsc('cli/inline-host.js', 1_000);
      tsc('model/actors/machine.js', 1_000);
      touch(INLINE_HOST_BUNDLE, 2_000);
      touch(MACHINE_BUNDLE, 2_000);
    };

    test('worker-url: a built inline run starts on the host and machine bundles when both are as new as tsc output', () => {
      checkout();
      built();
      expect(builtInlineBundles(workers())).toEqual({
        host: new URL(INLINE_HOST_BUNDLE, workers()),
        machine: new URL(MACHINE_BUNDLE, workers()),
      });
    });

    test('worker-url: in a checkout, either bundle older than its tsc output means the unbundled host', () => {
      checkout();
      built();
      tsc('model/actors/machine.js', 3_000);
      expect(builtInlineBundles(workers())).toBeUndefined();
      built();
      tsc('cli/inline-host.js', 3_000);
      expect(builtInlineBundles(workers())).toBeUndefined();
    });

    test('worker-url: an installed package takes the inline bundles however npm dated them; none there, none taken', () => {
      built();
      tsc('cli/inline-host.js', 3_000);
      tsc('model/actors/machine.js', 3_000);
      expect(builtInlineBundles(workers())?.host.pathname).toMatch(/inline-host\.bundle\.mjs$/);
      rmSync(join(dir, 'dist', 'workers', MACHINE_BUNDLE));
      expect(builtInlineBundles(workers())).toBeUndefined();
    });
  });

  test('worker-url: without a boot file a built worker starts on tsc output', () => {
    touch('actor-host.js', 1_000);
    expect(builtWorkerEntry(workers(), 'actor-host').pathname).toMatch(/actor-host\.js$/);
  });
});
