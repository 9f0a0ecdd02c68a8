/**
 * The world the threaded runtime builds once and clones to every worker (machine.ts sharedWorld /
 * adoptWorld): a structured clone of it, adopted with its config, is the world a worker would have
 * built itself. (That threaded runs, which adopt it, give the inline digest is runtime tests' job.)
 */
import { describe, expect, test } from 'vitest';
import { adoptWorld, planMachine, sharedWorld, worldOf } from '../../../src/model/actors/machine.js';
import { buildWorld } from '../../../src/model/actors/world.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';

function configOf(name: string): RunConfig {
  const w = workloads.find((x) => x.name === name)!;
  return { workload: name, seed: 3, bugs: [], params: parseParams({ ...w.params }, name) };
}

describe('shared world', () => {
  test.each(workloads.map((w) => w.name))(
    '%s: the clone a worker adopts equals the world it would build, and is the one it then uses',
    (name) => {
      const main = configOf(name);
      // What a worker receives: config and world in one structured clone, as workerData is.
      const arrived = structuredClone({ config: main, world: sharedWorld(main) });
      adoptWorld(arrived.config, arrived.world);
      expect(worldOf(arrived.config)).toBe(arrived.world);
      expect(arrived.world).toEqual(buildWorld(structuredClone(main)));
      expect(planMachine(arrived.config)).toEqual(planMachine(main));
    },
  );

  test('a world built from another config object is refused', () => {
    const a = configOf('stress');
    const b = structuredClone(a);
    expect(() => adoptWorld(b, sharedWorld(a))).toThrow(/expected the world built from this config/);
  });
});
