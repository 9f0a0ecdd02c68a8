/**
 * What the actors tell the oracle: each event is something an actor observed where it happened
 * (a DMA landing in its RAM, a page freed, a shootdown step), never a conclusion. The rules
 * (rules/*.ts) draw the conclusions. A union keyed by `kind`, in the spirit of comlink's
 * protocol.ts; only types here.
 *
 * Who sends what:
 * - chip actors: page.owner, page.free, dma.land, tce.clear, tce.unpin, tce.access;
 * - GPU actors: tenant.gpu, peer.access, mmio.access;
 * - the coordinator: page.unmap, page.free, translation.made, and every shootdown step (the
 *   kernel's mmio_invalidate, host/shootdown.ts): shootdown.*, atsd.*.
 *
 * Identifiers are plain numbers so this file depends on no topology: `gpu` and `npu` are indices,
 * `lpid` a partition, `shootdown` and `dma` ids unique within the actor that made them.
 */
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../types.js';

export type OracleEvent =
  // Tenancy.
  | {
      readonly kind: 'tenant.gpu';
      readonly tick: Tick;
      readonly gpu: number;
      /** The tenant's name and LPID; undefined for a GPU no tenant took. */
      readonly tenant: string | undefined;
      readonly lpid: number | undefined;
    }
  | {
      readonly kind: 'page.owner';
      readonly tick: Tick;
      readonly pa: PhysAddr;
      /** LPID of the tenant the page now belongs to. */
      readonly lpid: number;
      /** A 2M or 1G page (check/page-bases.ts); omitted for 64K. */
      readonly sizeBytes?: number;
    }
  // Page lifecycle.
  | {
      readonly kind: 'page.unmap';
      readonly tick: Tick;
      readonly lpid: Lpid;
      readonly pid: Pid;
      readonly va: VirtAddr;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
    }
  | {
      readonly kind: 'page.free';
      readonly tick: Tick;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
      /** Epoch after the free (the old epoch + 1). */
      readonly epoch: number;
    }
  | {
      readonly kind: 'translation.made';
      readonly tick: Tick;
      readonly gpu: number;
      readonly lpid: Lpid;
      readonly pid: Pid;
      readonly va: VirtAddr;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
    }
  // DMA reaching memory.
  | {
      readonly kind: 'dma.land';
      readonly tick: Tick;
      readonly gpu: number;
      /** The issuing tenant's LPID. */
      readonly lpid: number;
      readonly pa: PhysAddr;
      readonly lengthBytes: number;
      readonly write: boolean;
      /** UT=0: the page epoch the translation was made at (wire width); undefined otherwise. */
      readonly epoch: number | undefined;
    }
  // TCE (UT=1).
  | {
      readonly kind: 'tce.clear';
      readonly tick: Tick;
      readonly gpu: number;
      readonly index: number;
      /** The page the cleared TCE pointed at (still pinned until the unpin). */
      readonly pa: PhysAddr;
    }
  | { readonly kind: 'tce.unpin'; readonly tick: Tick; readonly pa: PhysAddr }
  | {
      readonly kind: 'tce.access';
      readonly tick: Tick;
      readonly gpu: number;
      readonly index: number;
      readonly busAddr: number;
      readonly pa: PhysAddr;
      /** Served by a cache entry older than the table's current TCE (a kill has not reached it). */
      readonly stale: boolean;
      readonly generation: number;
      readonly currentGeneration: number;
    }
  // ATSD.
  | {
      readonly kind: 'shootdown.start';
      readonly tick: Tick;
      readonly shootdown: number;
      readonly lpid: Lpid;
      readonly pid: Pid;
      readonly start: number;
      readonly sizeBytes: number | null;
      readonly npus: readonly number[];
    }
  | { readonly kind: 'shootdown.complete'; readonly tick: Tick; readonly shootdown: number }
  | {
      readonly kind: 'atsd.acquire';
      readonly tick: Tick;
      readonly shootdown: number;
      readonly npu: number;
      readonly reg: number;
    }
  | {
      readonly kind: 'atsd.launch';
      readonly tick: Tick;
      readonly shootdown: number;
      readonly npu: number;
      readonly reg: number;
      readonly flush: boolean;
    }
  | {
      readonly kind: 'atsd.complete';
      readonly tick: Tick;
      readonly shootdown: number;
      readonly npu: number;
      readonly reg: number;
      readonly flush: boolean;
    }
  | {
      readonly kind: 'atsd.release';
      readonly tick: Tick;
      readonly shootdown: number;
      readonly npu: number;
      readonly reg: number;
    }
  // Peer and MMIO.
  | {
      readonly kind: 'peer.access';
      readonly tick: Tick;
      readonly srcGpu: number;
      readonly dstGpu: number;
      /** The sender's first link of the bundle. */
      readonly link: number;
      readonly address: number;
      readonly lengthBytes: number;
    }
  | {
      readonly kind: 'mmio.access';
      readonly tick: Tick;
      readonly gpu: number;
      readonly lpid: number;
      readonly offset: number;
      /** Whether the access reached the register (the MMIO filter let it through). */
      readonly allowed: boolean;
    };

export type OracleEventKind = OracleEvent['kind'];
