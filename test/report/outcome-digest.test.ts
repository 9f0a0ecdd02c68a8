import { describe, expect, it } from 'vitest';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import type { TopologySpec } from '../../src/model/platform/topology-spec.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { fullTopology, restatesPreset } from '../../src/report/full-topology.js';
import { outcomeDigest } from '../../src/report/outcome-digest.js';

const base: RunConfig = {
  workload: 'stress',
  seed: 42,
  bugs: [],
  params: parseParams(
    { durationTicks: 1_000_000, tenants: [{ name: 'host', lpid: 0, groups: 'all' }] },
    'test',
  ),
};

/** A run's digest with the same events and no findings: only the configuration differs. */
function digestWith(spec: TopologySpec | undefined): string {
  const config: RunConfig =
    spec === undefined ? base : { ...base, customTopology: { file: 'my.json', spec } };
  return outcomeDigest(config, '0123456789abcdef', [], [], 0);
}

/** The spec as `JSON.parse` of a file with every object's keys in reverse order would give. */
function keysReversed(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(keysReversed);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.entries(x)
      .reverse()
      .map(([k, v]) => [k, keysReversed(v)]),
  );
}

describe('a topology file in the digest', () => {
  const preset = TOPOLOGY_PRESETS['witherspoon-6'];

  it('a file that restates a preset (any key order) gives the preset run its digest', () => {
    const restated = structuredClone(preset);
    expect(restatesPreset(restated)).toBe(true);
    expect(digestWith(restated)).toBe(digestWith(undefined));
    const reordered = keysReversed(preset) as TopologySpec;
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(preset)[0]);
    expect(digestWith(reordered)).toBe(digestWith(undefined));
  });

  it('a file that keeps the name and changes one latency, or reorders GPUs, is another machine', () => {
    // As `npusim topo --json` writes it: every default written out, then one edited.
    const written = fullTopology(undefined, 'witherspoon-6')!;
    expect(restatesPreset(written)).toBe(true);
    expect(digestWith(written)).toBe(digestWith(undefined));
    const slower = structuredClone(written);
    slower.links!.xbus!.latencyTicks! += 1;
    expect(restatesPreset(slower)).toBe(false);
    expect(digestWith(slower)).not.toBe(digestWith(undefined));
    const reversedGpus = { ...preset, gpus: [...preset.gpus].reverse() };
    expect(restatesPreset(reversedGpus)).toBe(false);
    expect(digestWith(reversedGpus)).not.toBe(digestWith(undefined));
  });

  it('a custom machine: its key order and its defaults written out or not give one digest; a change, another', () => {
    // QA: reordering a custom file's keys, or writing out a default, changed its run's digest.
    const custom = { ...structuredClone(preset), name: 'my-machine' };
    const d = digestWith(custom);
    expect(digestWith(keysReversed(custom) as TopologySpec)).toBe(d);
    expect(digestWith(fullTopology(custom, custom.name)!)).toBe(d);
    const slower = fullTopology(custom, custom.name)!;
    slower.links!.xbus!.latencyTicks! += 1;
    expect(digestWith(slower)).not.toBe(d);
    const reversedGpus = { ...custom, gpus: [...custom.gpus].reverse() };
    expect(digestWith(reversedGpus)).not.toBe(d);
  });

  it("a preset's spec under another preset's name, or a name no preset has, is not a restatement", () => {
    expect(restatesPreset({ ...preset, name: 'witherspoon-4' })).toBe(false);
    expect(restatesPreset({ ...preset, name: 'my-machine' })).toBe(false);
    expect(digestWith({ ...preset, name: 'my-machine' })).not.toBe(digestWith(undefined));
  });
});

describe('a parameter added later (ADDED_PARAMS) at the value that keeps the old behaviour', () => {
  const withResets = (resets: Record<string, number>) =>
    outcomeDigest(
      {
        ...base,
        params: parseParams(
          { durationTicks: 1_000_000, tenants: [{ name: 'host', lpid: 0, groups: 'all' }], resets },
          'test',
        ),
      },
      '0123456789abcdef',
      [],
      [],
      0,
    );

  it('resets.relinkDelayTicks 0, default or written out, leaves the digest of a run with resets as before it existed', () => {
    // Printed by this test before resets.relinkDelayTicks was added.
    const before = 'abf42bc49ec297de';
    expect(withResets({ intervalTicks: 1000 })).toBe(before);
    expect(withResets({ intervalTicks: 1000, relinkDelayTicks: 0 })).toBe(before);
    expect(withResets({ intervalTicks: 1000, relinkDelayTicks: 5 })).not.toBe(before);
  });
});
