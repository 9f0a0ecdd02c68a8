/**
 * The two Witherspoon (AC922) variants as topology specs
 * (docs/theory/topology-groups-tce.md#1-topology-topology-spects-topologyts): six GPUs
 * ("Sequoia", three per socket) or four ("Redbud", two per socket), each GPU's NVLinks listed as
 * skiboot's "ibm,nvlink-peers" table lists them (platforms/astbmc/witherspoon.c). They run
 * through the same validation and builder as a user's own spec.
 */
import { deepFreeze } from '../../core/deep-freeze.js';
import type { GpuSpec, SocketSpec, TopologySpec } from './topology-spec.js';

export type PresetName = 'witherspoon-6' | 'witherspoon-4';

const WITHERSPOON_SOCKETS: SocketSpec[] = [
  { chipId: 0, npuPciDomain: 0x0006, gpuPciDomain: 0x0004, gpuFirstBus: 0x04 },
  { chipId: 8, npuPciDomain: 0x0007, gpuPciDomain: 0x0035, gpuFirstBus: 0x03 },
];

type Entry = number | `b${number}`;
/** Turn a per-socket table (G index or bN) into GpuSpecs with global ids. */
function socketGpus(socket: number, table: Entry[][]): GpuSpec[] {
  const base = socket * table.length;
  return table.map((row, i) => ({
    id: `gpu${base + i}`,
    socket,
    links: row.map((e) =>
      typeof e === 'number' ? { gpu: `gpu${base + e}` } : { brick: Number(e.slice(1)) },
    ),
  }));
}

// ibm,nvlink-peers of skiboot platforms/astbmc/witherspoon.c, design workbook figures 16 and 17.
const SEQUOIA_TABLE: Entry[][] = [
  [1, 'b0', 2, 2, 1, 'b1'],
  [0, 'b2', 2, 2, 0, 'b3'],
  [1, 0, 1, 'b4', 0, 'b5'],
];
const REDBUD_TABLE: Entry[][] = [
  [1, 'b0', 1, 'b1', 1, 'b2'],
  [0, 'b3', 0, 'b4', 0, 'b5'],
];

/**
 * The two Witherspoon variants, as plain specs run through the same builder as custom ones. Frozen
 * whole: the package exports them, and an edit of one (`TOPOLOGY_PRESETS['witherspoon-6'].gpus[0]
 * ...`) changed every later run of the preset in the process, under a reproduce line naming it
 * (QA). `structuredClone` gives a copy to edit.
 */
export const TOPOLOGY_PRESETS: Readonly<Record<PresetName, TopologySpec>> = deepFreeze({
  'witherspoon-6': {
    name: 'witherspoon-6',
    sockets: WITHERSPOON_SOCKETS,
    gpus: [...socketGpus(0, SEQUOIA_TABLE), ...socketGpus(1, SEQUOIA_TABLE)],
  },
  'witherspoon-4': {
    name: 'witherspoon-4',
    sockets: WITHERSPOON_SOCKETS,
    gpus: [...socketGpus(0, REDBUD_TABLE), ...socketGpus(1, REDBUD_TABLE)],
  },
});

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(TOPOLOGY_PRESETS, name);
}
