/**
 * An unowned GPU issues nothing, but it answers what reaches it: a hostile guest's GPU writes to
 * every peer its links reach, owned or not, and the unowned GPU answers each write over the link
 * back. It once declared those links silent (gpu-actor.ts silentEdges), so the first answer
 * crashed the run: `gpu2 sent on edge 13 (gpu2->gpu1 nvlink x2), which it declared silent`.
 */
import { describe, expect, test } from 'vitest';
import * as machine from '../../../../src/model/actors/machine.js';
import type { RunConfig } from '../../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { combineDigests } from '../../../../src/runtime/digest.js';
import { runRaw } from '../../../../src/runtime/engine.js';

const config: RunConfig = {
  workload: 'unowned',
  seed: 1,
  bugs: [],
  params: parseParams(
    {
      policy: 'per-gpu',
      durationTicks: 20_000_000,
      tenants: [
        { name: 'vm1', lpid: 1, groups: [0], hostile: true },
        { name: 'vm2', lpid: 2, groups: [1], hostile: true },
      ],
      gpu: { ut0Percent: 40, ut1Percent: 20, peerPercent: 40 },
    },
    'unowned',
  ),
};

describe('an unowned GPU beside hostile guests', () => {
  test('answers the peer writes that reach it, on both hosts, with one digest', async () => {
    const inline = await runRaw(config, { host: 'inline' });
    expect(inline.stopped).toBe('end');
    // gpu2 is unowned (per-gpu: the guests took groups 0 and 1, gpu0 and gpu1); the guests' GPUs
    // wrote to it, and it answered each over the link back.
    const plan = machine.planMachine(config);
    const gpu2 = plan.actors.find((a) => a.name === 'gpu2')!.index;
    const guests = plan.actors.filter((a) => a.name === 'gpu0' || a.name === 'gpu1').map((a) => a.index);
    const answers = plan.edges
      .filter((e) => e.from === gpu2 && guests.includes(e.to))
      .reduce((n, e) => n + inline.sentPerEdge[e.index]!, 0);
    expect(answers).toBeGreaterThan(0);
    const threaded = await runRaw(config, { host: 'threaded' });
    expect(combineDigests(threaded.actorDigests)).toBe(combineDigests(inline.actorDigests));
  });
});
