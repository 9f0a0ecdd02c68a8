/**
 * Page lifecycle: a CPU thread on a chip asks the coordinator to munmap or migrate a range; the
 * coordinator clears the PTEs on every chip walking the process's table, shoots the translations
 * down (atsd.ts), frees the old frames (every chip hears the new epoch) and maps fresh ones.
 *
 * | kind          | from -> to    | fields                                                        |
 * |---------------|---------------|---------------------------------------------------------------|
 * | UNMAP_REQUEST | chip -> coord | tag = CPU thread, lpid, pid, address = va, lengthBytes = pages, flags = migrate |
 * | UNMAP_DONE    | coord -> chip | tag = CPU thread, flags = refused (another thread holds the range: mmap_sem) |
 * | PTE_CLEAR     | coord -> chip | tag = op id, lpid, pid, address = va, lengthBytes = pages     |
 * | PTE_CLEARED   | chip -> coord | tag = op id                                                   |
 * | PTE_SET       | coord -> chip | lpid, pid, address = va, 64 KiB frame number in tag (low 22 bits) and lengthBytes (high bits) |
 * | PAGE_FREE     | coord -> chip | address = pa, tag = the page's new epoch (wire width)         |
 */
import { K } from '../kinds.js';
import { messageType } from '../message-type.js';
import { fitField, TAG_SPAN, wireEpoch } from '../wire.js';

/** PTE_SET carries a 64 KiB frame number, not an address: the va already takes `address`. */
const FRAME_BYTES = 2 ** 16;

export interface UnmapRequest {
  readonly thread: number;
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
  readonly pages: number;
  readonly migrate: boolean;
}

export const UnmapRequestMsg = messageType<UnmapRequest>({
  kind: K.UNMAP_REQUEST,
  name: 'UNMAP_REQUEST',
  encode: (r) => ({
    kind: K.UNMAP_REQUEST,
    tag: fitField('UNMAP_REQUEST', 'tag', r.thread),
    lpid: fitField('UNMAP_REQUEST', 'lpid', r.lpid),
    pid: fitField('UNMAP_REQUEST', 'pid', r.pid),
    address: r.va,
    lengthBytes: fitField('UNMAP_REQUEST', 'lengthBytes', r.pages),
    flags: r.migrate ? 1 : 0,
  }),
  decode: (m) => ({
    thread: m.tag,
    lpid: m.lpid,
    pid: m.pid,
    va: m.address,
    pages: m.lengthBytes,
    migrate: (m.flags & 1) !== 0,
  }),
});

export interface UnmapDone {
  readonly thread: number;
  readonly refused: boolean;
}

export const UnmapDoneMsg = messageType<UnmapDone>({
  kind: K.UNMAP_DONE,
  name: 'UNMAP_DONE',
  encode: (d) => ({
    kind: K.UNMAP_DONE,
    tag: fitField('UNMAP_DONE', 'tag', d.thread),
    flags: d.refused ? 1 : 0,
  }),
  decode: (m) => ({ thread: m.tag, refused: (m.flags & 1) !== 0 }),
});

export interface PteClear {
  readonly op: number;
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
  readonly pages: number;
}

export const PteClearMsg = messageType<PteClear>({
  kind: K.PTE_CLEAR,
  name: 'PTE_CLEAR',
  encode: (c) => ({
    kind: K.PTE_CLEAR,
    tag: fitField('PTE_CLEAR', 'tag', c.op),
    lpid: fitField('PTE_CLEAR', 'lpid', c.lpid),
    pid: fitField('PTE_CLEAR', 'pid', c.pid),
    address: c.va,
    lengthBytes: fitField('PTE_CLEAR', 'lengthBytes', c.pages),
  }),
  decode: (m) => ({ op: m.tag, lpid: m.lpid, pid: m.pid, va: m.address, pages: m.lengthBytes }),
});

export interface PteCleared {
  readonly op: number;
}

export const PteClearedMsg = messageType<PteCleared>({
  kind: K.PTE_CLEARED,
  name: 'PTE_CLEARED',
  encode: (c) => ({ kind: K.PTE_CLEARED, tag: fitField('PTE_CLEARED', 'tag', c.op) }),
  decode: (m) => ({ op: m.tag }),
});

export interface PteSet {
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
  /** The new frame (64 KiB aligned). */
  readonly pa: number;
}

export const PteSetMsg = messageType<PteSet>({
  kind: K.PTE_SET,
  name: 'PTE_SET',
  encode: (s) => {
    const frame = s.pa / FRAME_BYTES;
    fitField('PTE_SET', 'address', frame);
    return {
      kind: K.PTE_SET,
      lpid: fitField('PTE_SET', 'lpid', s.lpid),
      pid: fitField('PTE_SET', 'pid', s.pid),
      address: s.va,
      tag: frame % TAG_SPAN,
      lengthBytes: fitField('PTE_SET', 'lengthBytes', Math.floor(frame / TAG_SPAN)),
    };
  },
  decode: (m) => ({
    lpid: m.lpid,
    pid: m.pid,
    va: m.address,
    pa: (m.lengthBytes * TAG_SPAN + m.tag) * FRAME_BYTES,
  }),
});

export interface PageFree {
  readonly pa: number;
  /** The page's epoch after the free (wire width). */
  readonly epoch: number;
}

export const PageFreeMsg = messageType<PageFree>({
  kind: K.PAGE_FREE,
  name: 'PAGE_FREE',
  encode: (f) => ({ kind: K.PAGE_FREE, address: f.pa, tag: wireEpoch(f.epoch) }),
  decode: (m) => ({ pa: m.address, epoch: m.tag }),
});
