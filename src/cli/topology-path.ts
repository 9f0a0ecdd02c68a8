/**
 * Which `--topology` value (and `npusim topo` argument) names a file rather than a preset, so that
 * the loader (topology-option.ts) and the check of outputs against inputs (input-files.ts) agree.
 * A preset's name is the preset, even beside a file of that name; any other value is a file when
 * it looks like a path (a slash, or a name ending in .json in any case: `w6.JSON`, which QA found
 * taken for an unknown preset) or names something that exists (`w6.txt`).
 */
import { existsSync } from 'node:fs';
import { isPresetName } from '../model/platform/topology-presets.js';

export function isTopologyPath(value: string): boolean {
  if (isPresetName(value)) return false;
  return value.includes('/') || value.toLowerCase().endsWith('.json') || existsSync(value);
}
