/**
 * The URL by which the threaded tests hand the mesh fixture machine (test/fixtures/mesh-machine.ts)
 * to their workers: its ES-module bundle in the directory NPUSIM_SOURCE_BUNDLES names, made from
 * the fixture when the test run starts (source-bundles.ts), so the fixtures' worker host (also
 * bundled there) imports it with no TypeScript loader in the thread; the .ts file itself where
 * there is no such bundle (a test run without the suite's setup: each worker then goes through tsx).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esmBundleFileName, SOURCE_BUNDLES_ENV } from '../../src/runtime/worker-url.js';

export const MESH_MACHINE = 'mesh-machine';

export function meshMachineUrl(): URL {
  const dir = process.env[SOURCE_BUNDLES_ENV];
  const bundle = dir === undefined || dir === '' ? undefined : join(dir, esmBundleFileName(MESH_MACHINE));
  return bundle !== undefined && existsSync(bundle)
    ? pathToFileURL(bundle)
    : new URL('../fixtures/mesh-machine.ts', import.meta.url);
}
