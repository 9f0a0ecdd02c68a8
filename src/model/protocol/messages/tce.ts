/**
 * TCE (UT=1) unmaps: the coordinator picks a range of a GPU's TCE window; the GPU's chip clears the
 * TCEs, kills the caches after the OPAL call, unpins and remaps (timers.ts has its two timers).
 *
 * | kind          | from -> to    | fields                                                   |
 * |---------------|---------------|----------------------------------------------------------|
 * | TCE_REMAP     | coord -> chip | tag = gpu, address = first TCE index, lengthBytes = pages, flags = window reset (killed by "invalidate entire") |
 * | TCE_REMAPPED  | chip -> coord | tag = gpu, address = first TCE index                      |
 */
import { K } from '../kinds.js';
import { messageType } from '../message-type.js';
import { fitField } from '../wire.js';
import type { TceKillTimer } from './timers.js';

export type TceRemap = TceKillTimer;

export const TceRemapMsg = messageType<TceRemap>({
  kind: K.TCE_REMAP,
  name: 'TCE_REMAP',
  encode: (r) => ({
    kind: K.TCE_REMAP,
    tag: fitField('TCE_REMAP', 'tag', r.gpu),
    address: r.firstIndex,
    lengthBytes: fitField('TCE_REMAP', 'lengthBytes', r.pages),
    flags: r.windowReset ? 1 : 0,
  }),
  decode: (m) => ({
    gpu: m.tag,
    firstIndex: m.address,
    pages: m.lengthBytes,
    windowReset: (m.flags & 1) !== 0,
  }),
});

export interface TceRemapped {
  readonly gpu: number;
  readonly firstIndex: number;
}

export const TceRemappedMsg = messageType<TceRemapped>({
  kind: K.TCE_REMAPPED,
  name: 'TCE_REMAPPED',
  encode: (r) => ({
    kind: K.TCE_REMAPPED,
    tag: fitField('TCE_REMAPPED', 'tag', r.gpu),
    address: r.firstIndex,
  }),
  decode: (m) => ({ gpu: m.tag, firstIndex: m.address }),
});
