/**
 * TCE (UT=1) unmaps: the coordinator picks a range of a GPU's TCE window; the GPU's chip clears the
 * TCEs, kills the caches after the OPAL call, unpins and remaps (two timers of its own).
 *
 * | kind           | from -> to    | fields                                                   |
 * |----------------|---------------|----------------------------------------------------------|
 * | TCE_REMAP      | coord -> chip | tag = gpu, address = first TCE index, lengthBytes = pages, flags = window reset (killed by "invalidate entire") |
 * | TCE_KILL_TIMER | chip self     | as TCE_REMAP                                             |
 * | TCE_MAP_TIMER  | chip self     | tag = gpu, address = first TCE index, lengthBytes = pages |
 * | TCE_REMAPPED   | chip -> coord | tag = gpu, address = first TCE index                      |
 * | TCE_MAPPER_TIMER | chip self   | tag = gpu, lengthBytes = mapping thread                    |
 *
 * TCE_MAPPER_TIMER drives the kernel threads that map a GPU's window at start (chip/tce-mappers.ts).
 */
import { plainMessage } from '../message-type.js';

/** A range of a GPU's TCE window. */
export interface TceRange {
  readonly gpu: number;
  readonly firstIndex: number;
  readonly pages: number;
}
const RANGE_FIELDS = { tag: 'gpu', address: 'firstIndex', lengthBytes: 'pages' } as const;

export interface TceRemap extends TceRange {
  /** Killed by "invalidate entire" (a window reset), not page by page. */
  readonly windowReset: boolean;
}

export const TceRemapMsg = plainMessage<TceRemap>('TCE_REMAP', RANGE_FIELDS, 'windowReset');
export const TceKillTimerMsg = plainMessage<TceRemap>('TCE_KILL_TIMER', RANGE_FIELDS, 'windowReset');
export const TceMapTimerMsg = plainMessage<TceRange>('TCE_MAP_TIMER', RANGE_FIELDS);

export interface TceMapperTimer {
  readonly gpu: number;
  readonly thread: number;
}
export const TceMapperTimerMsg = plainMessage<TceMapperTimer>('TCE_MAPPER_TIMER', {
  tag: 'gpu',
  lengthBytes: 'thread',
});

export interface TceRemapped {
  readonly gpu: number;
  readonly firstIndex: number;
}
export const TceRemappedMsg = plainMessage<TceRemapped>('TCE_REMAPPED', {
  tag: 'gpu',
  address: 'firstIndex',
});
