/**
 * A guest's (or the host's) access to a GPU's BAR0, through the MMIO filter.
 *
 * | kind        | from -> to   | fields                                                       |
 * |-------------|--------------|--------------------------------------------------------------|
 * | MMIO_ACCESS | coord -> gpu | address = BAR0 offset, tag = value written, lpid = tenant, flags = write |
 */
import { K } from '../kinds.js';
import { messageType } from '../message-type.js';
import { fitField } from '../wire.js';

export interface MmioAccess {
  readonly offset: number;
  readonly write: boolean;
  readonly value: number;
  readonly lpid: number;
}

export const MmioAccessMsg = messageType<MmioAccess>({
  kind: K.MMIO_ACCESS,
  name: 'MMIO_ACCESS',
  encode: (a) => ({
    kind: K.MMIO_ACCESS,
    address: a.offset,
    tag: fitField('MMIO_ACCESS', 'tag', a.value),
    lpid: fitField('MMIO_ACCESS', 'lpid', a.lpid),
    flags: a.write ? 1 : 0,
  }),
  decode: (m) => ({ offset: m.address, write: (m.flags & 1) !== 0, value: m.tag, lpid: m.lpid }),
});
