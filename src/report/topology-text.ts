/**
 * The topology as a header names it (the summary's, the HTML report's): a preset's name, or the
 * file `--topology` read with the name it gives itself (`my.json (named witherspoon-6)`): an edited
 * copy of a preset keeps the preset's name, and its run is not the preset's.
 */
import type { RunConfig } from '../model/scenario/run-config.js';

export function topologyText(config: RunConfig): string {
  const custom = config.customTopology;
  return custom === undefined ? config.params.topology : `${custom.file} (named ${custom.spec.name})`;
}
