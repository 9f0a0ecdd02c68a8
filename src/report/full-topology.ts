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
import { ConfigError } from '../core/errors.js';
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

/**
 * Refuse a topology file that takes a preset's name for another machine: the summary, the result
 * and a failure file's `params.topology` would call a 4-GPU machine `witherspoon-6` (QA). The
 * preset restated, as `npusim topo NAME --json` prints it, keeps its name and the preset's digest.
 */
export function checkPresetName(spec: TopologySpec): void {
  // A preset's name but for case or surrounding space reads as the preset in every header (QA:
  // `witherspoon-6 ` and `WITHERSPOON-6` on a 4-GPU machine): refused, whatever the machine.
  const like = Object.keys(TOPOLOGY_PRESETS).find((p) => p === spec.name.trim().toLowerCase());
  if (like !== undefined && like !== spec.name) {
    throw new ConfigError(
      'name',
      `Expected a name no preset has, got \`${spec.name}\`, which reads as the preset \`${like}\` (it differs from that name only in case or surrounding space)`,
    );
  }
  if (!isPresetName(spec.name) || restatesPreset(spec)) return;
  const where = firstDifference(fullTopology(spec, spec.name), fullTopology(undefined, spec.name), '');
  throw new ConfigError(
    'name',
    `Expected a name no preset has, or the preset unchanged (as \`npusim topo ${spec.name} --json\` prints it), got \`${spec.name}\` for another machine: it differs from the preset at ${where === '' ? 'its top level' : where}`,
  );
}

/** The path of the first place two JSON values differ (`gpus`, `sockets[0].chipId`); '' for the whole. */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      if (!isDeepStrictEqual(a[i], b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
    }
    return path;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    const key = keys.find(
      (k) => !isDeepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    );
    if (key === undefined) return path;
    const at = path === '' ? key : `${path}.${key}`;
    return firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], at);
  }
  return path;
}
