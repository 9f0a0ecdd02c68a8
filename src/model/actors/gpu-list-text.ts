/**
 * GPUs named in a note before a run (ring-reach.ts, tenant-reach.ts): by the names the summary's
 * tables give them (the actors' `gpu<index>`, world.ts), with the topology's own id beside one
 * where a topology file named it otherwise, so a note can be read against either. Three or more
 * in a row, named as the actors are, read as a span (`gpu6 to gpu15`): a 16-GPU machine's ten
 * tenantless GPUs fit a line.
 */
import { wordList } from '../../core/word-list.js';
import type { Topology } from '../platform/topology.js';

/** One GPU: `gpu4`, or `gpu1 (gpu3 in the topology)`. */
export function gpuText(topology: Topology, gpu: number): string {
  const id = topology.gpus[gpu]!.id;
  return id === `gpu${gpu}` ? id : `gpu${gpu} (${id} in the topology)`;
}

/** `gpus` (GPU indices) in index order: `gpu4`, `gpu4 and gpu5`, `gpu0, gpu2 and gpu4`, `gpu6 to gpu15`. */
export function gpuListText(topology: Topology, gpus: readonly number[]): string {
  const sorted = [...new Set(gpus)].sort((a, b) => a - b);
  const plain = (g: number) => topology.gpus[g]!.id === `gpu${g}`;
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1 && plain(sorted[j + 1]!)) j++;
    if (j - i >= 2 && plain(sorted[i]!)) {
      parts.push(`gpu${sorted[i]} to gpu${sorted[j]}`);
      i = j + 1;
    } else {
      parts.push(gpuText(topology, sorted[i]!));
      i++;
    }
  }
  return wordList(parts);
}
