/**
 * `npusim topo FILE` at the limits a topology file may reach (QA Q40): 16 GPUs, 5 of them on one
 * socket, each of those with a single brick to its NPU. The presets give every GPU 2 or 3 bricks,
 * so a group of one bridge never showed there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topoText } from '../../src/cli/topo-command.js';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import type { GpuSpec, TopologySpec } from '../../src/model/platform/topology-spec.js';
import { largestTopologySpec } from '../fixtures/largest-topology.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli } from './cli-harness.js';

/**
 * Five GPUs on socket 0, each one brick to the NPU (gpu0 a second, brick 5: five GPUs of five peer
 * links each would be an odd sum of link ends), K5 between them and gpu1-gpu2, gpu3-gpu4 doubled;
 * then the largest fixture's sockets of 2 GPUs and one of 1: 16 GPUs on 7 sockets. Chip id 0x79,
 * high (long addresses), shares its tgt bits (chip-id bits 0, 3, 4) with no chip of the fixture's.
 */
function fiveOnOneSocket(): TopologySpec {
  const peers: Record<number, number[]> = {
    0: [1, 2, 3, 4],
    1: [0, 2, 3, 4, 2],
    2: [0, 1, 3, 4, 1],
    3: [0, 1, 2, 4, 4],
    4: [0, 1, 2, 3, 3],
  };
  const five: GpuSpec[] = [0, 1, 2, 3, 4].map((k) => ({
    id: `gpu${k}`,
    socket: 0,
    links: [{ brick: k }, ...(k === 0 ? [{ brick: 5 }] : []), ...peers[k]!.map((p) => ({ gpu: `gpu${p}` }))],
  }));
  const rest = largestTopologySpec([2, 2, 2, 2, 2, 1]);
  const shifted = rest.gpus.map((g) => ({
    id: `gpu${Number(g.id.slice(3)) + 5}`,
    socket: g.socket + 1,
    links: g.links.map((l) => ('gpu' in l ? { gpu: `gpu${Number(l.gpu.slice(3)) + 5}` } : l)),
  }));
  return {
    name: 'five-on-one',
    sockets: [{ chipId: 0x79, npuPciDomain: 0x1ff, gpuPciDomain: 0x2ff, gpuFirstBus: 1 }, ...rest.sockets],
    gpus: [...five, ...shifted],
  };
}

describe('npusim topo at the limits of a topology file', () => {
  it('topo: a group of one NVLink bridge says "1 NVLink bridge", and every line fits at 16 GPUs', () => {
    const file = join(testTempDir('npusim-topo-'), 'five.json');
    const spec = fiveOnOneSocket();
    expect(spec.gpus).toHaveLength(16);
    writeFileSync(file, JSON.stringify(spec));
    const text = topoText(file, 'per-gpu');
    expect(text).toContain('topology five-on-one (16 GPUs, 7 sockets');
    expect(text).toContain('group 0: socket 0, GPUs gpu0, 2 NVLink bridges');
    expect(text).toContain('group 1: socket 0, GPUs gpu1, 1 NVLink bridge\n');
    expect(text).not.toContain('1 NVLink bridges');
    expect(text).toContain('group 15: socket 6, GPUs gpu15, 6 NVLink bridges');
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(TEXT_COLUMNS);
  });
});

describe('--policy given a slip of a policy', () => {
  // `--set policy=` and `--profile` named the policy meant; `--policy` did not (QA).
  it('is refused naming the nearest, by topo and by run, before anything runs', async () => {
    for (const argv of [
      ['topo', '--policy', 'per-gpu-isolate'],
      ['run', 'tenant-isolation', '--policy', 'per-gpu-isolate', '--duration', '1us', '--inline'],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'npusim: --policy: Expected one of per-socket, per-gpu, per-gpu-isolated, got `per-gpu-isolate` (did you mean `per-gpu-isolated`?)',
      );
    }
  });
});
