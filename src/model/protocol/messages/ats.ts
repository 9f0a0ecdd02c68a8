/**
 * ATS translation requests (UT=0): the GPU asks its NPU, the nest MMU walks the process's table.
 *
 * | kind          | from -> to   | fields                                                         |
 * |---------------|--------------|----------------------------------------------------------------|
 * | ATS_REQUEST   | gpu -> chip  | tag = request id, lpid, pid, address = va                      |
 * | ATS_RESPONSE  | chip -> gpu  | tag = request id, flags = ok + writable << 1 + (log2 page size - 16) << 2, address = pa of the page, lengthBytes = page epoch (wire width) |
 * | WALK_TIMER    | chip (self)  | tag = request id, flags = gpu, lpid, pid, address = va: the nest MMU walk of a request is done |
 *
 * The response is sent when its walk is done (WALK_TIMER), not when the request came: it reads the
 * page table then, and the link carries it from then (docs/theory-of-operation.md section 9).
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

/** A request's walk, done: the request as it came, and the GPU that sent it. */
export interface WalkTimer extends AtsRequest {
  readonly gpu: number;
}

export const WalkTimerMsg = messageType<WalkTimer>('WALK_TIMER', {
  encode: (w, wire, out) => {
    out.tag = wire('tag', w.request);
    out.flags = wire('flags', w.gpu);
    out.lpid = wire('lpid', w.lpid);
    out.pid = wire('pid', w.pid);
    out.address = w.va;
  },
  decode: (m) => ({ request: m.tag, gpu: m.flags, lpid: m.lpid, pid: m.pid, va: m.address }),
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
