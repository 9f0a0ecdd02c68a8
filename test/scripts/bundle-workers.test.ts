/**
 * The build's worker bundles (scripts/bundle-workers.ts) and how a built worker picks its entry
 * (src/runtime/worker-url.ts builtWorkerEntry). The tests run from source and never start a
 * bundle of the real machine: so these bundle a two-module worker written here, and check what the
 * real one relies on: one file, the code cache accepted, the worker's exports callable in this
 * thread for the warm-up, and its top level run in a worker.
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
import { bundleWorker } from '../../scripts/bundle-workers.js';
import { codeCacheState, WRAP_HEAD, WRAP_TAIL } from '../../src/runtime/worker-bundle.js';
import { builtWorkerEntry } from '../../src/runtime/worker-url.js';

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

  test('worker-url: without a boot file a built worker starts on tsc output', () => {
    touch('actor-host.js', 1_000);
    expect(builtWorkerEntry(workers(), 'actor-host').pathname).toMatch(/actor-host\.js$/);
  });
});
