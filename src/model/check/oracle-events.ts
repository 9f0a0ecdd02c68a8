/**
 * What the actors tell the oracle: each event is something an actor observed where it happened
 * (a DMA landing in its RAM, a page freed, a shootdown step), never a conclusion. The rules
 * (rules/*.ts) draw the conclusions. A union keyed by `kind`, in the spirit of comlink's
 * protocol.ts; only types here.
 *
 * Who sends what:
 * - chip actors: page.owner, page.free.seen (the chip hearing of a free: PAGE_FREE), dma.land, tce.write, tce.clear, tce.unpin, tce.access,
 *   tce.fault, tce.kill (each opal_pci_tce_kill the kernel made on a GPU's table: for histories
 *   only, no rule judges it), and what
 *   their NPU's driver and firmware do: context.ref (every reference operation on a driver
 *   context), xts.context and ats.refused (XTS contexts and the translations they refuse),
 *   gpu.reset and npu.hmi (a GPU reset's steps, and an HMI the NPU raised), atsd.shared (a
 *   store to an ATSD register by a shootdown that does not hold it);
 * - GPU actors: tenant.gpu, peer.access, mmio.access, gpu.reset (sbr-deassert and relink, only
 *   with a delayed relink: gpu/reset-port.ts), and the ATS cache's evidence (ats.*: a refill
 *   read out before an invalidate of its page, that invalidate, the flushes that move it, its
 *   landing in the L1; gpu/ats-cache.ts `AtsWitness`);
 * - the coordinator: page.unmap, page.free, translation.made, and every shootdown step (the
 *   kernel's mmio_invalidate, host/shootdown.ts): shootdown.*, atsd.*.
 *
 * Identifiers are plain numbers so this file depends on no topology: `gpu` and `npu` are indices,
 * `lpid` a partition, `shootdown` and `dma` ids unique within the actor that made them.
 */
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../types.js';

/** A page mapped in an address space: what an unmap and a translation both name. */
export interface Mapping {
  readonly lpid: Lpid;
  readonly pid: Pid;
  readonly va: VirtAddr;
  readonly pa: PhysAddr;
  readonly sizeBytes: number;
}

/** A step of a shootdown on one NPU's ATSD register: what every atsd.* event names. */
export interface AtsdStep {
  readonly tick: Tick;
  readonly shootdown: number;
  readonly npu: number;
  readonly reg: number;
}

export type OracleEvent =
  // Tenancy.
  | {
      readonly kind: 'tenant.gpu';
      readonly tick: Tick;
      readonly gpu: number;
      /** The tenant's name and LPID; undefined for a GPU no tenant took. */
      readonly tenant: string | undefined;
      readonly lpid: number | undefined;
      /**
       * Whether the admin lets that tenant update GPU firmware (the host always; a guest only with
       * `allowFirmwareUpdate`); false for a GPU no tenant took.
       */
      readonly mayUpdateFirmware: boolean;
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
  | ({
      readonly kind: 'page.unmap';
      readonly tick: Tick;
      /**
       * The shootdowns (mmio_invalidate calls) the kernel runs over this page before it frees it:
       * 2 for a munmap (mmu_notifier_invalidate_range_end, then tlb_flush_mmu_tlbonly after the
       * tlbie), 1 for a migration (try_to_unmap_one's range_end). Omitted: 1.
       */
      readonly shootdowns?: number;
    } & Mapping)
  | {
      /** The free itself, made by the coordinator (the kernel's free after the shootdown). */
      readonly kind: 'page.free';
      readonly tick: Tick;
      readonly pa: PhysAddr;
      /** The page's size (omitted by tests that free a 64K page). */
      readonly sizeBytes?: number;
      /** Epoch after the free (the old epoch + 1). */
      readonly epoch: number;
    }
  | {
      /**
       * A chip hearing of a free (PAGE_FREE, address and epoch: no rule needs the size there), some
       * time after the coordinator's `page.free`; from then its chip's translations carry the new
       * epoch. A name of its own so a history does not show the hearing as the free.
       */
      readonly kind: 'page.free.seen';
      readonly tick: Tick;
      readonly pa: PhysAddr;
      readonly epoch: number;
    }
  | ({ readonly kind: 'translation.made'; readonly tick: Tick; readonly gpu: number } & Mapping)
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
      /** The kernel wrote a TCE (a map), pointing window index `index` of the GPU's table at `pa`. */
      readonly kind: 'tce.write';
      readonly tick: Tick;
      readonly gpu: number;
      readonly index: number;
      readonly pa: PhysAddr;
    }
  | {
      /** A UT=1 DMA found no valid TCE at window index `index` (DMA fault `invalid-entry`). */
      readonly kind: 'tce.fault';
      readonly tick: Tick;
      readonly gpu: number;
      readonly index: number;
    }
  | {
      /**
       * One opal_pci_tce_kill the kernel made for the GPU's table, on one PHB (chip/tce-kill-
       * witness.ts): a history line, judged by no rule, so a stale TCE's history shows what the
       * kill after its clear did. `index`/`npages`: a KILL_PAGES's range (a window reset's kills
       * have none); `killed`: the indices, PE or `all` the firmware wrote to the kill register
       * (`5 x2`: index 5 twice, `nothing`: refused); `dropped`: the indices the PHB4's kill queue
       * lost (HW560152); `refused`: skiboot's message with a non-zero `rc`.
       */
      readonly kind: 'tce.kill';
      readonly tick: Tick;
      readonly gpu: number;
      readonly phb: string;
      readonly pe: number;
      readonly call: string;
      readonly index?: number;
      readonly npages?: number;
      readonly rc: number;
      readonly killed: string;
      readonly dropped?: string;
      readonly refused?: string;
    }
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
  | ({ readonly kind: 'atsd.acquire' } & AtsdStep)
  | ({
      readonly kind: 'atsd.launch';
      /**
       * A flush ATSD (PID 0, IS): named as the ATSD_OP's `params.flushOnly` it comes from, which a
       * replay's history prints beside the record (QA: `"flush":false` in the record beside
       * `"flushOnly":false,"flush":true` in the history, of one launch).
       */
      readonly flushOnly: boolean;
      /** Bit 39 set: the GPU does not flush after this invalidate (the v4.17-4.19 per-page ones). */
      readonly noFlush: boolean;
    } & AtsdStep)
  | ({ readonly kind: 'atsd.complete'; readonly flushOnly: boolean } & AtsdStep)
  | ({ readonly kind: 'atsd.release' } & AtsdStep)
  // The chip: a store or clear_bit on an ATSD register by a shootdown that does not hold it, or a
  // LAUNCH while its STAT != 0 (only the pre-fix kernel's stale index makes one: host/shootdown.ts).
  | ({
      readonly kind: 'atsd.shared';
      readonly op: 'write-ava' | 'launch' | 'release';
      /** The shootdown holding the register then (null: nobody). */
      readonly holder: number | null;
      readonly statBusy: boolean;
      /**
       * With `statBusy`: the shootdown whose ATSD is in flight on the register (the last LAUNCH the
       * NPU took there), which the stale index can make another than `holder`; otherwise null.
       */
      readonly launchedBy: number | null;
    } & AtsdStep)
  // The NPU's driver contexts, XTS and link resets (chip actors).
  | {
      /** A reference operation on an NPU driver context (npu/npu-context.ts), as the driver made it. */
      readonly kind: 'context.ref';
      readonly tick: Tick;
      readonly npu: number;
      readonly op: 'alloc' | 'get' | 'put' | 'free';
      /** The context's serial number, unique within its NPU's table. */
      readonly serial: number;
      /** mm->context.id of the mm the context belongs to. */
      readonly pid: number;
    }
  | {
      /**
       * An OPAL init_context or destroy_context on a brick's XTS entry, and its return code (below
       * 0 an error; init_context's success is its LPARSHORT, destroy_context's 0).
       */
      readonly kind: 'xts.context';
      readonly tick: Tick;
      readonly npu: number;
      readonly bdf: number;
      readonly op: 'init' | 'destroy';
      readonly rc: number;
    }
  | {
      /** The NPU refused a GPU's ATS translation request (nest-mmu.ts TranslateRefusal). */
      readonly kind: 'ats.refused';
      readonly tick: Tick;
      readonly npu: number;
      readonly bdf: number;
      readonly gpu: number;
      readonly reason: string;
    }
  | {
      /**
       * A step of a GPU reset as the chip (kernel and skiboot) performed it; `relink` only when
       * `resets.relinkDelayTicks` delays the mask's re-write (at 0 it is part of `sbr-deassert`).
       * With that delay the GPU also reports `sbr-deassert` and `relink` as they land on it, so
       * its own histories (isolation.peer) show when its mask went and came back.
       */
      readonly kind: 'gpu.reset';
      readonly tick: Tick;
      readonly npu: number;
      readonly gpu: number;
      readonly step: 'fence' | 'sbr-assert' | 'sbr-deassert' | 'relink' | 'npu-reset' | 'unfence';
    }
  | {
      /** The chip raised an HMI on its NPU's use of a GPU's links (npu/npu-links.ts). */
      readonly kind: 'npu.hmi';
      readonly tick: Tick;
      readonly npu: number;
      readonly gpu: number;
      readonly reason: string;
      readonly detail: string;
    }
  // The GPU's ATS cache (gpu/ats-cache.ts): evidence of how a translation outlived a shootdown,
  // recorded only for a refill in flight when an invalidate of its page arrived.
  | {
      /**
       * A refill read out of the L2 (after a fill from the NPU, or an L2 hit) toward the L1: the
       * first of those of its page that the next `ats.invalidate` missed.
       */
      readonly kind: 'ats.refill.begin';
      readonly tick: Tick;
      readonly gpu: number;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
      /** The page epoch its translation was made at. */
      readonly epoch: number;
      readonly from: 'fill' | 'l2-hit';
    }
  | {
      /** An ATSD invalidate reached the L2 while that refill was in flight (it cannot reach it). */
      readonly kind: 'ats.invalidate';
      readonly tick: Tick;
      readonly gpu: number;
      readonly pa: PhysAddr;
      /** Refills of this page in flight, past the invalidate. */
      readonly refillsInFlight: number;
    }
  | {
      /** A flush (membar): swept the L1, then moved every refill one stage. */
      readonly kind: 'ats.flush';
      readonly tick: Tick;
      readonly gpu: number;
      readonly pa: PhysAddr;
      /** Stale entries of this page the sweep dropped from the L1. */
      readonly swept: number;
      /** Stale refills of this page it moved one stage (one that landed is an `ats.refill.land`). */
      readonly refillsMoved: number;
    }
  | {
      /** Refills of a translation older than an invalidate of its page landed in the L1. */
      readonly kind: 'ats.refill.land';
      readonly tick: Tick;
      readonly gpu: number;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
      readonly epoch: number;
      /** How many landed at this tick (a flush lands every one in the last stage). */
      readonly refills: number;
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
      /** A write into the target's RAM, or a read from it. */
      readonly write: boolean;
    }
  | {
      readonly kind: 'mmio.access';
      readonly tick: Tick;
      readonly gpu: number;
      readonly lpid: number;
      readonly offset: number;
      /** Whether the access reached the register (the MMIO filter let it through). */
      readonly allowed: boolean;
      /** Whether it changed the GPU's firmware version (a commit that reached the register). */
      readonly firmwareUpdated: boolean;
    };

export type OracleEventKind = OracleEvent['kind'];

/** The event of one kind, for a rule's handler of that kind. */
export type OracleEventOf<K extends OracleEventKind> = Extract<OracleEvent, { kind: K }>;
