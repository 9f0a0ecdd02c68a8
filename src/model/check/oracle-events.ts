/**
 * The event stream the oracle checks (design.md "Checking"). Only types: every layer that produces
 * events (the engine, the ATSD step machine, the TCE model) imports this file, and the oracle consumes
 * them. A union keyed by `kind`, in the spirit of comlink's protocol.ts.
 *
 * Identifiers are plain numbers/strings so the module depends on no topology file: `gpu` and `npu` are
 * indices, `tenant` is a label ('host' or a guest name), `table` names a TCE table, `shootdown` and
 * `dma` and `msg` are ids unique within a run.
 */

import type { BusAddr, Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../types.js';

/** How a DMA access was translated. */
export type AccessVia =
  | {
      readonly ut: 0;
      readonly lpid: Lpid;
      readonly pid: Pid;
      readonly va: VirtAddr;
      /** Physical page epoch carried by the translation. */
      readonly epoch: number;
      /** When the nest MMU made the translation. */
      readonly madeAt: Tick;
    }
  | {
      readonly ut: 1;
      readonly table: string;
      readonly busAddr: BusAddr;
      /** Generation of the TCE the (possibly cached) translation came from. */
      readonly generation: number;
      /** Physical page epoch when the TCE was written. */
      readonly epoch: number;
    };

export type OracleEvent =
  // Tenancy.
  | { readonly kind: 'tenant.gpu'; readonly tick: Tick; readonly gpu: number; readonly tenant: string }
  | {
      readonly kind: 'tenant.memory';
      readonly tick: Tick;
      readonly tenant: string;
      readonly start: PhysAddr;
      readonly sizeBytes: number;
    }
  // Page lifecycle.
  | {
      readonly kind: 'page.alloc';
      readonly tick: Tick;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
      readonly epoch: number;
      readonly owner: string;
    }
  | {
      readonly kind: 'page.map';
      readonly tick: Tick;
      readonly lpid: Lpid;
      readonly pid: Pid;
      readonly va: VirtAddr;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
      readonly epoch: number;
      readonly owner: string;
    }
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
      readonly epoch: number;
    }
  // DMA.
  | {
      readonly kind: 'dma.issue';
      readonly tick: Tick;
      readonly dma: number;
      readonly gpu: number;
      readonly tenant: string;
    }
  | {
      readonly kind: 'dma.access';
      readonly tick: Tick;
      readonly dma: number;
      readonly gpu: number;
      readonly tenant: string;
      readonly pa: PhysAddr;
      readonly sizeBytes: number;
      readonly write: boolean;
      readonly via: AccessVia;
    }
  | { readonly kind: 'dma.complete'; readonly tick: Tick; readonly dma: number }
  | { readonly kind: 'dma.fault'; readonly tick: Tick; readonly dma: number; readonly reason: string }
  // TCE (UT=1).
  | {
      readonly kind: 'tce.write';
      readonly tick: Tick;
      readonly table: string;
      readonly busAddr: BusAddr;
      readonly pa: PhysAddr;
      readonly generation: number;
    }
  | {
      readonly kind: 'tce.clear';
      readonly tick: Tick;
      readonly table: string;
      readonly busAddr: BusAddr;
      readonly generation: number;
    }
  | {
      readonly kind: 'tce.kill';
      readonly tick: Tick;
      readonly table: string;
      /** Pages killed; `null` for a kill-all. */
      readonly busAddrs: readonly BusAddr[] | null;
    }
  | { readonly kind: 'tce.release'; readonly tick: Tick; readonly table: string; readonly busAddr: BusAddr }
  | { readonly kind: 'tce.unpin'; readonly tick: Tick; readonly pa: PhysAddr }
  | { readonly kind: 'tce.pin'; readonly tick: Tick; readonly pa: PhysAddr }
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
      readonly link: number;
    }
  | {
      readonly kind: 'mmio.access';
      readonly tick: Tick;
      readonly tenant: string;
      readonly gpu: number;
      readonly offset: number;
      /** Whether the access reached the register (the MMIO filter let it through). */
      readonly allowed: boolean;
    }
  // Conservation.
  | {
      readonly kind: 'message.send';
      readonly tick: Tick;
      readonly msg: number;
      readonly from: string;
      readonly to: string;
    }
  | { readonly kind: 'message.receive'; readonly tick: Tick; readonly msg: number };

export type OracleEventKind = OracleEvent['kind'];

/** Stable rule names (design.md "Checking"); reports and exit codes key on them. */
export type OracleRule =
  | 'isolation.dma'
  | 'isolation.peer'
  | 'isolation.mmio'
  | 'translation.stale-ats'
  | 'translation.stale-tce'
  | 'translation.freed-page'
  | 'order.free-before-shootdown'
  | 'order.free-before-flushes'
  | 'order.atsd-descending'
  | 'order.atsd-released-early'
  | 'conservation.message'
  | 'conservation.dma';

export interface Violation {
  readonly rule: OracleRule;
  readonly tick: Tick;
  /** Actors involved ('gpu 2', 'tenant vm1', 'npu 0 reg 3', 'shootdown 7'). */
  readonly actors: readonly string[];
  readonly addresses: readonly number[];
  readonly message: string;
  /** The last events that touched the address or register (capped). */
  readonly history: readonly OracleEvent[];
}
