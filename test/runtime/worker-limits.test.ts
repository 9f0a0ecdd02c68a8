/**
 * Every worker npusim starts reserves a small code range (worker-url.ts WORKER_CODE_RANGE_MB):
 * V8's default reservation, hundreds of MB of address space per worker, made a threaded run abort
 * under `ulimit -v` below about 7 GB. (A run under such a limit cannot be tested from source:
 * tsx's WebAssembly reserves more address space than the limit allows.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createWorkerAt, WORKER_CODE_RANGE_MB } from '../../src/runtime/worker-url.js';
import { testTempDir } from '../support/temp-dir.js';

/** Start a worker on `entry` that reports V8's code range limit, as the worker itself sees it. */
async function codeRangeSeen(options: Parameters<typeof createWorkerAt>[1]): Promise<number> {
  const entry = join(testTempDir('npusim-limits-'), 'limits.mjs');
  writeFileSync(
    entry,
    "import { parentPort, resourceLimits } from 'node:worker_threads';\n" +
      'parentPort.postMessage(resourceLimits.codeRangeSizeMb);\n',
  );
  const worker = createWorkerAt(pathToFileURL(entry), options);
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('worker resource limits', () => {
  test('a worker reserves WORKER_CODE_RANGE_MB of code range, with other limits given kept', async () => {
    expect(WORKER_CODE_RANGE_MB).toBeLessThanOrEqual(64);
    expect(await codeRangeSeen({})).toBe(WORKER_CODE_RANGE_MB);
    expect(await codeRangeSeen({ resourceLimits: { maxOldGenerationSizeMb: 256 } })).toBe(
      WORKER_CODE_RANGE_MB,
    );
  });
});
