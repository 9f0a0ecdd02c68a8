/**
 * A guest's (or the host's) access to a GPU's BAR0, through the MMIO filter.
 *
 * | kind        | from -> to   | fields                                                       |
 * |-------------|--------------|--------------------------------------------------------------|
 * | MMIO_ACCESS | coord -> gpu | address = BAR0 offset, tag = value written, lpid = tenant, flags = write |
 */
import { plainMessage } from '../message-type.js';

export interface MmioAccess {
  readonly offset: number;
  readonly write: boolean;
  readonly value: number;
  readonly lpid: number;
}
export const MmioAccessMsg = plainMessage<MmioAccess>(
  'MMIO_ACCESS',
  { address: 'offset', tag: 'value', lpid: 'lpid' },
  'write',
);
