/**
 * From source, a worker starts on a bundle of the current sources when NPUSIM_SOURCE_BUNDLES names
 * a directory holding it (the suite's global setup makes them for machine-host, the sweep's pool
 * task and the inline host with its machine: test/support/source-bundles.ts), and through tsx
 * otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { bootFileName } from '../../src/runtime/worker-bundle.js';
import {
  INLINE_HOST_BUNDLE,
  inlineBundles,
  inlineSourceBundles,
  MACHINE_BUNDLE,
  SOURCE_BUNDLES_ENV,
  workerEntryUrl,
} from '../../src/runtime/worker-url.js';
import { sweepWorkerFile } from '../../src/sweep/sweep.js';
import { cli } from '../cli/cli-harness.js';

const suiteBundles = process.env[SOURCE_BUNDLES_ENV];
afterEach(() => {
  if (suiteBundles === undefined) delete process.env[SOURCE_BUNDLES_ENV];
  else process.env[SOURCE_BUNDLES_ENV] = suiteBundles;
});

describe('source bundles', () => {
  test('this test run starts machine-host workers on the bundle its global setup made', () => {
    expect(suiteBundles).toBeTruthy();
    expect(workerEntryUrl('machine-host').href).toBe(
      pathToFileURL(join(suiteBundles!, bootFileName('machine-host'))).href,
    );
  });

  test("this test run starts a sweep's pool threads and `run --inline`'s host on its bundles too", () => {
    expect(sweepWorkerFile()).toBe(join(suiteBundles!, bootFileName('sweep-worker')));
    const suite = {
      host: pathToFileURL(join(suiteBundles!, INLINE_HOST_BUNDLE)),
      machine: pathToFileURL(join(suiteBundles!, MACHINE_BUNDLE)),
    };
    expect(inlineSourceBundles()).toEqual(suite);
    // What inline-worker.ts asks: from source, the suite's (the build's only from the build).
    expect(inlineBundles()).toEqual(suite);
    // Without the setting, both start from the sources through tsx.
    delete process.env[SOURCE_BUNDLES_ENV];
    expect(sweepWorkerFile()).toMatch(/\/workers\/sweep-worker\.ts$/);
    expect(inlineSourceBundles()).toBeUndefined();
    expect(inlineBundles()).toBeUndefined();
  });

  test('a directory with a boot file for the worker is used; one without it, or none, means tsx', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npusim-source-bundles-test-'));
    try {
      writeFileSync(join(dir, bootFileName('actor-host')), '');
      process.env[SOURCE_BUNDLES_ENV] = dir;
      expect(workerEntryUrl('actor-host').href).toBe(
        pathToFileURL(join(dir, bootFileName('actor-host'))).href,
      );
      expect(workerEntryUrl('machine-host').pathname).toMatch(/\/workers\/machine-host\.ts$/);
      delete process.env[SOURCE_BUNDLES_ENV];
      expect(workerEntryUrl('actor-host').pathname).toMatch(/\/workers\/actor-host\.ts$/);
      process.env[SOURCE_BUNDLES_ENV] = '';
      expect(workerEntryUrl('actor-host').pathname).toMatch(/\/workers\/actor-host\.ts$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(['/nonexistent/npusim-bundles', 'relative-nowhere', 'package.json'])(
    'a setting that names no directory (%s) is refused, naming the variable and the value',
    (bad) => {
      process.env[SOURCE_BUNDLES_ENV] = bad;
      expect(() => workerEntryUrl('machine-host')).toThrow(
        `Expected ${SOURCE_BUNDLES_ENV} to name a directory of worker bundles, got \`${bad}\` (no such directory)`,
      );
    },
  );

  test.each(['/nonexistent/npusim-bundles', 'relative-nowhere', 'package.json'])(
    'npusim run with %s as the setting exits 2 naming the variable and the value, before any run',
    async (bad) => {
      process.env[SOURCE_BUNDLES_ENV] = bad;
      const r = await cli(['run', 'stress', '--seed', '1', '--duration', '1us', '--no-failure-file']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `Expected ${SOURCE_BUNDLES_ENV} to name a directory of worker bundles, got \`${bad}\``,
      );
      expect(r.stdout).not.toContain('simulated');
    },
  );
});
