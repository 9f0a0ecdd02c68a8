/**
 * Page lifecycle: a CPU thread on a chip asks the coordinator to munmap or migrate a range; the
 * coordinator clears the PTEs on every chip walking the process's table, shoots the translations
 * down (atsd.ts; host/shootdown.ts runs it), frees the old frames (every chip hears the new epoch) and maps fresh ones.
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
import { messageType, plainMessage } from '../message-type.js';
import { TAG_SPAN, wireEpoch } from '../wire.js';

/** PTE_SET carries a 64 KiB frame number, not an address: the va already takes `address`. */
const FRAME_BYTES = 2 ** 16;

/** A range of a process's address space, as the unmap messages name it. */
export interface AddressRange {
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
  readonly pages: number;
}
const RANGE_FIELDS = { lpid: 'lpid', pid: 'pid', address: 'va', lengthBytes: 'pages' } as const;

export interface UnmapRequest extends AddressRange {
  readonly thread: number;
  readonly migrate: boolean;
}
export const UnmapRequestMsg = plainMessage<UnmapRequest>(
  'UNMAP_REQUEST',
  { tag: 'thread', ...RANGE_FIELDS },
  'migrate',
);

export interface UnmapDone {
  readonly thread: number;
  readonly refused: boolean;
}
export const UnmapDoneMsg = plainMessage<UnmapDone>('UNMAP_DONE', { tag: 'thread' }, 'refused');

export interface PteClear extends AddressRange {
  readonly op: number;
}
export const PteClearMsg = plainMessage<PteClear>('PTE_CLEAR', { tag: 'op', ...RANGE_FIELDS });

export interface PteCleared {
  readonly op: number;
}
export const PteClearedMsg = plainMessage<PteCleared>('PTE_CLEARED', { tag: 'op' });

export interface PteSet {
  readonly lpid: number;
  readonly pid: number;
  readonly va: number;
  /** The new frame (64 KiB aligned). */
  readonly pa: number;
}

export const PteSetMsg = messageType<PteSet>('PTE_SET', {
  encode: (s, wire, out) => {
    const frame = s.pa / FRAME_BYTES;
    wire('address', frame);
    out.lpid = wire('lpid', s.lpid);
    out.pid = wire('pid', s.pid);
    out.address = s.va;
    out.tag = frame % TAG_SPAN;
    out.lengthBytes = wire('lengthBytes', Math.floor(frame / TAG_SPAN));
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

export const PageFreeMsg = messageType<PageFree>('PAGE_FREE', {
  encode: (f, _wire, out) => {
    out.address = f.pa;
    out.tag = wireEpoch(f.epoch);
  },
  decode: (m) => ({ pa: m.address, epoch: m.tag }),
});
