/**
 * `--crash-at` names actors (gpu0.., as `npusim topo` lists them), not a topology file's own GPU
 * ids: a file's id is refused with the actor it stands for (QA: the list of actors alone did not
 * say why `left0`, the file's name for gpu0, was not one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test("--crash-at with a topology file's GPU id: exit 2, naming the actor that id is", async () => {
  const text = readFileSync(join(ROOT, 'examples', 'my-topology.json'), 'utf8');
  const file = join(testTempDir('npusim-crash-id-'), 'ids.json');
  writeFileSync(file, text.replaceAll('"gpu0"', '"left0"').replaceAll('"gpu1"', '"left1"'));
  const r = await cli([
    'run',
    'stress',
    '--topology',
    file,
    '--inline',
    '--duration',
    '5us',
    '--crash-at',
    'left1:10',
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('got `left1`');
  expect(r.stderr).toContain("`left1` is the topology file's id of GPU 1, whose actor is `gpu1`");
});
