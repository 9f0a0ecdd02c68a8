/**
 * The topology as a header names it (the summary's, the HTML report's): a preset's name, or the
 * file `--topology` read with the name it gives itself (`my.json (named my-redbud)`): a file may
 * restate a preset under its name (topology-option.ts refuses the name on any other machine), and
 * the header still says where the machine came from.
 */
import type { RunConfig } from '../model/scenario/run-config.js';

export function topologyText(config: RunConfig): string {
  const custom = config.customTopology;
  return custom === undefined ? config.params.topology : `${custom.file} (named ${custom.spec.name})`;
}
