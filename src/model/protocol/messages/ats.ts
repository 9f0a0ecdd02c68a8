/**
 * ATS translation requests (UT=0): the GPU asks its NPU, the nest MMU walks the process's table.
 *
 * | kind          | from -> to   | fields                                                         |
 * |---------------|--------------|----------------------------------------------------------------|
 * | ATS_REQUEST   | gpu -> chip  | tag = request id, lpid, pid, address = va                      |
 * | ATS_RESPONSE  | chip -> gpu  | tag = request id, flags = ok + writable << 1 + (log2 page size - 16) << 2, address = pa of the page, lengthBytes = page epoch (wire width) |
 */
import type { PageSize } from '../../host/page-table.js';
import { messageType, plainMessage } from '../message-type.js';
import { wireEpoch } from '../wire.js';

const PAGE_SHIFT_BASE = 16;

export interface AtsRequest {
  readonly request: number;
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
}

export const AtsRequestMsg = plainMessage<AtsRequest>('ATS_REQUEST', {
  tag: 'request',
  lpid: 'lpid',
  pid: 'pid',
  address: 'va',
});

export type AtsResponse =
  | { readonly request: number; readonly ok: false }
  | {
      readonly request: number;
      readonly ok: true;
      readonly writable: boolean;
      readonly pageSizeBytes: PageSize;
      /** Physical address of the page (aligned to its size). */
      readonly pa: number;
      readonly epoch: number;
    };

export const AtsResponseMsg = messageType<AtsResponse>('ATS_RESPONSE', {
  encode: (r, wire, out) => {
    out.tag = wire('tag', r.request);
    if (!r.ok) return;
    out.flags = wire(
      'flags',
      1 | (r.writable ? 2 : 0) | ((Math.round(Math.log2(r.pageSizeBytes)) - PAGE_SHIFT_BASE) << 2),
    );
    out.address = r.pa;
    out.lengthBytes = wireEpoch(r.epoch);
  },
  decode: (m) =>
    (m.flags & 1) === 0
      ? { request: m.tag, ok: false }
      : {
          request: m.tag,
          ok: true,
          writable: (m.flags & 2) !== 0,
          pageSizeBytes: (2 ** (PAGE_SHIFT_BASE + (m.flags >> 2))) as PageSize,
          pa: m.address,
          epoch: m.lengthBytes,
        },
});
