/**
 * ATS translation requests (UT=0): the GPU asks its NPU, the nest MMU walks the process's table.
 *
 * | kind          | from -> to   | fields                                                         |
 * |---------------|--------------|----------------------------------------------------------------|
 * | ATS_REQUEST   | gpu -> chip  | tag = request id, lpid, pid, address = va                      |
 * | ATS_RESPONSE  | chip -> gpu  | tag = request id, flags = ok + writable << 1 + (log2 page size - 16) << 2, address = pa of the page, lengthBytes = page epoch (wire width) |
 */
import type { PageSize } from '../../host/page-table.js';
import { K } from '../kinds.js';
import { messageType } from '../message-type.js';
import { fitField, wireEpoch } from '../wire.js';

const PAGE_SHIFT_BASE = 16;

export interface AtsRequest {
  readonly request: number;
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
}

export const AtsRequestMsg = messageType<AtsRequest>({
  kind: K.ATS_REQUEST,
  name: 'ATS_REQUEST',
  encode: (r) => ({
    kind: K.ATS_REQUEST,
    tag: fitField('ATS_REQUEST', 'tag', r.request),
    lpid: fitField('ATS_REQUEST', 'lpid', r.lpid),
    pid: fitField('ATS_REQUEST', 'pid', r.pid),
    address: r.va,
  }),
  decode: (m) => ({ request: m.tag, lpid: m.lpid, pid: m.pid, va: m.address }),
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

export const AtsResponseMsg = messageType<AtsResponse>({
  kind: K.ATS_RESPONSE,
  name: 'ATS_RESPONSE',
  encode: (r) =>
    r.ok
      ? {
          kind: K.ATS_RESPONSE,
          tag: fitField('ATS_RESPONSE', 'tag', r.request),
          flags: fitField(
            'ATS_RESPONSE',
            'flags',
            1 | (r.writable ? 2 : 0) | ((Math.round(Math.log2(r.pageSizeBytes)) - PAGE_SHIFT_BASE) << 2),
          ),
          address: r.pa,
          lengthBytes: wireEpoch(r.epoch),
        }
      : { kind: K.ATS_RESPONSE, tag: fitField('ATS_RESPONSE', 'tag', r.request) },
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
