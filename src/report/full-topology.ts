/**
 * A run's machine as its whole topology spec, every default written out (as `npusim topo --json`
 * prints it), and whether a topology file only restates a preset.
 *
 * Why both. `npusim compare` lists a file's spec field by field against another run's, so it
 * needs the preset's spec in the same form; and a file that `npusim topo witherspoon-6 --json`
 * wrote, unedited, builds the very machine the preset does, so the run's digest must not tell them
 * apart (outcome-digest.ts): a user who copies a preset to edit it later gets the preset's digest
 * until they change something.
 */
import { isDeepStrictEqual } from 'node:util';
import { npuRegsBase } from '../model/platform/address-map.js';
import { isPresetName, TOPOLOGY_PRESETS } from '../model/platform/topology-presets.js';
import { specWithDefaults, type TopologySpec } from '../model/platform/topology-spec.js';

/**
 * The spec a run's machine was built from: the file's (`custom`), else the preset named `name`;
 * undefined for a preset this npusim does not have.
 */
export function fullTopology(custom: TopologySpec | undefined, name: string): TopologySpec | undefined {
  const spec = custom ?? (isPresetName(name) ? TOPOLOGY_PRESETS[name] : undefined);
  if (spec === undefined) return undefined;
  const full = specWithDefaults(spec);
  return {
    ...full,
    sockets: full.sockets.map((s) => ({ ...s, npuRegsBase: s.npuRegsBase ?? npuRegsBase(s.chipId) })),
  };
}

/**
 * Whether a topology file's spec is exactly the preset whose name it carries, defaults written out
 * on both sides and the order of an object's keys ignored (a list's order is the machine's: GPU
 * and link order name actors and edges).
 */
export function restatesPreset(spec: TopologySpec): boolean {
  if (!isPresetName(spec.name)) return false;
  return isDeepStrictEqual(fullTopology(spec, spec.name), fullTopology(undefined, spec.name));
}
