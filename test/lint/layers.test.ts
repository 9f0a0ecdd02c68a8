/**
 * The one-way import rule (docs/theory-of-operation.md#layers-and-the-one-way-import-rule:
 * workloads -> src <- workers; core < model < metrics, transport < runtime < report < repro, sweep < cli, api;
 * core < io < cli, api) is
 * Biome's noRestrictedImports, configured per folder in biome.json and run by `npm run lint` inside
 * `npm test`. These tests write a probe file into a layer, lint it with the project's Biome, and
 * check that a wrong-way import fails and a right-way one passes, so the configuration cannot
 * silently stop matching.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

function lintProbe(folder: string, source: string): { code: number | null; output: string } {
  const file = join(ROOT, folder, `layer-probe-${process.pid}.ts`);
  writeFileSync(file, source);
  try {
    const r = spawnSync(BIOME, ['lint', file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(file, { force: true });
  }
}

describe('layers: biome refuses wrong-way imports', () => {
  test.each([
    ['src/model', "import { runRaw } from '../runtime/engine.js';\nexport const x = runRaw;\n"],
    ['src/model/actors', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['src/model', "import { formatSummary } from '../report/summary.js';\nexport const x = formatSummary;\n"],
    ['src/transport', "import { K } from '../model/protocol/kinds.js';\nexport const x = K;\n"],
    ['src/runtime', "import { runCli } from '../cli/run-cli.js';\nexport const x = runCli;\n"],
    ['src/report', "import { Doorbell } from '../transport/doorbell.js';\nexport const x = Doorbell;\n"],
    ['src/report', "import { runSeed } from '../sweep/run-seed.js';\nexport const x = runSeed;\n"],
    ['src/report', "import { shrinkFailure } from '../repro/shrink.js';\nexport const x = shrinkFailure;\n"],
    ['src/runtime', "import { replayFailure } from '../repro/replay.js';\nexport const x = replayFailure;\n"],
    ['src/cli', "import { workloads } from '../../workloads/index.js';\nexport const x = workloads;\n"],
    ['workloads', "import { x as y } from '../workers/actor-host.js';\nexport const x = y;\n"],
    ['src/core', "import { runSeed } from '../sweep/run-seed.js';\nexport const x = runSeed;\n"],
    ['src/core', "import { runSimulation } from '../index.js';\nexport const x = runSimulation;\n"],
    ['src/core', "import { readUserText } from '../io/bounded-file.js';\nexport const x = readUserText;\n"],
    ['src/io', "import { runCli } from '../cli/run-cli.js';\nexport const x = runCli;\n"],
    [
      'src/io',
      "import { readFailureFile } from '../repro/failure-file-read.js';\nexport const x = readFailureFile;\n",
    ],
    ['src/api', "import { runCli } from '../cli/run-cli.js';\nexport const x = runCli;\n"],
    ['src/repro', "import { runCli } from '../cli/run-cli.js';\nexport const x = runCli;\n"],
  ])('layers: a file in %s importing the wrong way fails npm run lint', (folder, source) => {
    const r = lintProbe(folder, source);
    expect(r.output).toContain('noRestrictedImports');
    expect(r.code).not.toBe(0);
  });

  test('layers: the library reading a failure file through src/io, src/io importing src/core, and report stamping the version from src/io, pass', () => {
    for (const [folder, source] of [
      [
        'src/api',
        "import { readFailureFileText } from '../io/failure-file-text.js';\nexport const x = readFailureFileText;\n",
      ],
      ['src/io', "import { ConfigError } from '../core/errors.js';\nexport const x = ConfigError;\n"],
      ['src/report', "import { npusimVersion } from '../io/version.js';\nexport const x = npusimVersion;\n"],
    ]) {
      const r = lintProbe(folder!, source!);
      expect(r.output).not.toContain('noRestrictedImports');
      expect(r.code).toBe(0);
    }
  });

  test('layers: a model file importing the model and src/core passes', () => {
    const r = lintProbe(
      'src/model',
      "import { assert } from '../core/errors.js';\nimport { tick } from './types.js';\n\nexport const x = [assert, tick];\n",
    );
    expect(r.output).not.toContain('noRestrictedImports');
    expect(r.code).toBe(0);
  });
});
