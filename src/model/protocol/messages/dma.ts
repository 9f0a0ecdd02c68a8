/**
 * DMA and NVLink peer traffic.
 *
 * | kind          | from -> to                 | fields                                                  |
 * |---------------|----------------------------|---------------------------------------------------------|
 * | DMA           | gpu -> chip, chip -> chip  | tag = dma id, flags = DmaFlag bits + gpu << 4, address = pa (UT=0, forwarded) or bus address (UT=1), lpid = tenant, pid = translation's epoch (UT=0), lengthBytes |
 * | DMA_COMPLETE  | chip -> gpu, chip -> chip  | tag = dma id, flags = status + pcie (8) + gpu << 4 (gpu omitted on the last hop), lengthBytes = read data carried back |
 * | PEER_ACCESS   | gpu -> gpu                 | tag = dma id, flags = write + collective (a ring all-reduce's, actors/gpu/ring-allreduce.ts), address = peer RAM, lpid = tenant, pid = first link of the bundle, lengthBytes |
 * | PEER_COMPLETE | gpu -> gpu                 | tag = dma id, flags = status, lengthBytes = read data carried back |
 *
 * A DMA that lands on the wrong chip is forwarded over the X-bus to the home chip of its address,
 * already translated: a UT=1 DMA arrives there with `translation: 'none'` and the physical address.
 *
 * Data crosses a link once, in the direction it moves: a write's request carries it (the sender
 * counts `lengthBytes` in its wire bytes), a read's request carries only the header and its
 * completion carries the data back (`dataBytes`, 0 for a write or an access that failed), over the
 * same kind of link the request took (a UT=1 DMA over PCIe is answered over PCIe: `pcie`). So the
 * link figures of a read-heavy load show on the links towards the reader.
 */
import { messageType } from '../message-type.js';
import { GPU_FLAG_SHIFT, wireEpoch } from '../wire.js';

const UT0 = 1;
const UT1 = 2;
const PCIE = 4;
const WRITE = 8;
/** PEER_ACCESS only: the write is a step of a collective (ring all-reduce). */
const COLLECTIVE = 16;
const LOW_FLAGS = (1 << GPU_FLAG_SHIFT) - 1;
/** DMA_COMPLETE: the status takes the low three bits, the path the fourth. */
const STATUS_BITS = 7;
const COMPLETE_PCIE = 8;

/** How the address was translated: by the GPU's ATS cache (UT=0), by a TCE (UT=1), or already. */
export type DmaTranslation = 'ut0' | 'ut1' | 'none';

export interface DmaRequest {
  readonly dma: number;
  /** The GPU that issued it (completions find their way back by it). */
  readonly gpu: number;
  readonly translation: DmaTranslation;
  /** The link a UT=1 DMA took: NVLink (through the NPU) or PCIe (through the GPU's PHB4). */
  readonly path: 'nvlink' | 'pcie';
  readonly write: boolean;
  /** Physical address (UT=0, forwarded) or bus address (UT=1). */
  readonly address: number;
  /** The issuing tenant's LPID. */
  readonly lpid: number;
  /** UT=0: the epoch of the page when it was translated (wire width); else 0. */
  readonly epoch: number;
  readonly lengthBytes: number;
}

export const DmaRequestMsg = messageType<DmaRequest>('DMA', {
  encode: (d, wire, out) => {
    out.tag = wire('tag', d.dma);
    out.flags = wire(
      'flags',
      (d.translation === 'ut0' ? UT0 : d.translation === 'ut1' ? UT1 : 0) |
        (d.path === 'pcie' ? PCIE : 0) |
        (d.write ? WRITE : 0) |
        (d.gpu << GPU_FLAG_SHIFT),
    );
    out.address = d.address;
    out.lpid = wire('lpid', d.lpid);
    out.pid = wireEpoch(d.epoch);
    out.lengthBytes = wire('lengthBytes', d.lengthBytes);
  },
  decode: (m) => ({
    dma: m.tag,
    gpu: m.flags >> GPU_FLAG_SHIFT,
    translation: (m.flags & UT0) !== 0 ? 'ut0' : (m.flags & UT1) !== 0 ? 'ut1' : 'none',
    path: (m.flags & PCIE) !== 0 ? 'pcie' : 'nvlink',
    write: (m.flags & WRITE) !== 0,
    address: m.address,
    lpid: m.lpid,
    epoch: m.pid,
    lengthBytes: m.lengthBytes,
  }),
});

/** Why a DMA or a peer write completed the way it did. */
export const DmaStatus = {
  ok: 0,
  translationFault: 1,
  tceFault: 2,
  linkDisabled: 3,
  notOwned: 4,
} as const;
export type DmaStatusCode = (typeof DmaStatus)[keyof typeof DmaStatus];
export const DMA_STATUS_NAMES: Readonly<Record<DmaStatusCode, string>> = {
  0: 'ok',
  1: 'translation fault',
  2: 'TCE fault',
  3: 'link disabled',
  4: 'not owned',
};

export interface DmaComplete {
  readonly dma: number;
  readonly status: DmaStatusCode;
  /** The issuing GPU, while the completion still has a chip to cross; undefined on the last hop. */
  readonly gpu: number | undefined;
  /** The data a read carries back to the GPU (0: a write's completion, or a failed access). */
  readonly dataBytes: number;
  /** The DMA came over PCIe (a UT=1 DMA's path), so it is answered over PCIe to the GPU. */
  readonly pcie: boolean;
}

export const DmaCompleteMsg = messageType<DmaComplete>('DMA_COMPLETE', {
  encode: (c, wire, out) => {
    out.tag = wire('tag', c.dma);
    out.flags = wire('flags', c.status | (c.pcie ? COMPLETE_PCIE : 0) | ((c.gpu ?? 0) << GPU_FLAG_SHIFT));
    out.lengthBytes = wire('lengthBytes', c.dataBytes);
  },
  decode: (m) => ({
    dma: m.tag,
    status: (m.flags & STATUS_BITS) as DmaStatusCode,
    gpu: m.flags >> GPU_FLAG_SHIFT,
    dataBytes: m.lengthBytes,
    pcie: (m.flags & COMPLETE_PCIE) !== 0,
  }),
});

/** The bytes a completion carries back: a read's data when it succeeded, else none. */
export function returnedBytes(write: boolean, status: DmaStatusCode, lengthBytes: number): number {
  return write || status !== DmaStatus.ok ? 0 : lengthBytes;
}

export interface PeerAccess {
  readonly dma: number;
  readonly write: boolean;
  /** Address in the peer GPU's RAM aperture. */
  readonly address: number;
  readonly lpid: number;
  /** First NVLink of the bundle on the sender's side (for the report). */
  readonly link: number;
  readonly lengthBytes: number;
  /** Part of a collective: the receiver counts it toward its ring step (omitted: false). */
  readonly collective?: boolean;
}

export const PeerAccessMsg = messageType<PeerAccess>('PEER_ACCESS', {
  encode: (p, wire, out) => {
    out.tag = wire('tag', p.dma);
    out.flags = (p.write ? WRITE : 0) | (p.collective === true ? COLLECTIVE : 0);
    out.address = p.address;
    out.lpid = wire('lpid', p.lpid);
    out.pid = wire('pid', p.link);
    out.lengthBytes = wire('lengthBytes', p.lengthBytes);
  },
  decode: (m) => ({
    dma: m.tag,
    write: (m.flags & WRITE) !== 0,
    address: m.address,
    lpid: m.lpid,
    link: m.pid,
    lengthBytes: m.lengthBytes,
    ...((m.flags & COLLECTIVE) !== 0 ? { collective: true } : {}),
  }),
});

export interface PeerComplete {
  readonly dma: number;
  readonly status: DmaStatusCode;
  /** The data a peer read carries back (0: a write's completion, or a refused access). */
  readonly dataBytes: number;
}

export const PeerCompleteMsg = messageType<PeerComplete>('PEER_COMPLETE', {
  encode: (c, wire, out) => {
    out.tag = wire('tag', c.dma);
    out.flags = c.status;
    out.lengthBytes = wire('lengthBytes', c.dataBytes);
  },
  decode: (m) => ({ dma: m.tag, status: (m.flags & LOW_FLAGS) as DmaStatusCode, dataBytes: m.lengthBytes }),
});
