/**
 * The oracle (design.md "Checking"): a pure checker fed with the run's event stream
 * (oracle-events.ts). It sits outside the system under test, like TigerBeetle's state checker: it
 * keeps its own copy of what it needs (page epochs, tenancy, shootdowns in progress) and never asks
 * the model.
 *
 * Rules and what each compares:
 * - isolation.dma   : a DMA access's tenant vs the owner of the page (page.alloc owner) or, for
 *                     memory never allocated page by page, the tenant.memory range holding it.
 * - isolation.peer  : the tenants of the source and destination GPU of a peer access.
 * - isolation.mmio  : an MMIO access that reached a register (allowed) vs the tenant of that GPU.
 *                     GPUs never assigned belong to 'host'.
 * - translation.freed-page : the access's epoch vs the page's current epoch (every free bumps it),
 *                     or the page is free.
 * - translation.stale-ats  : a UT=0 access through a translation made BEFORE a shootdown covering
 *                     that (LPID, PID, va) started, used AFTER that shootdown completed.
 * - translation.stale-tce  : a UT=1 access through a TCE generation older than the generation the
 *                     last kill of that bus page saw, or older than the current one while the page is
 *                     unpinned (the VFIO tce_iommu_clear unpin-before-kill window, domain.md §2).
 * - order.free-before-shootdown : a page that a GPU translated, unmapped, and freed before a
 *                     shootdown covering it completed on every NPU behind those GPUs.
 * - order.free-before-flushes : as above, but the invalidates had completed and the flushes had not
 *                     (or the shootdown completed with fewer than the required flushes).
 * - order.atsd-descending : a shootdown acquires a register on an NPU lower than one it holds
 *                     (before its first release).
 * - order.atsd-released-early : a register released before the required flushes completed on it.
 * - conservation.message / conservation.dma : checked at finish(), plus unmatched receives/completions.
 *
 * Bounded: per-key histories of `historyDepth` events in at most `historyKeys` keys (oldest key
 * dropped), completed shootdowns kept `shootdownMemory` per (LPID, PID), violations capped at
 * `maxViolations` (the count keeps going). Page, TCE, message and DMA state is proportional to what
 * is live in the model, which is itself bounded.
 *
 * Simplifications: pages are looked up at 64K, 2M, 1G alignment; TCE state is keyed by the bus
 * address the events carry (the engine sends page-aligned addresses); ticks order events, so a
 * translation made at the very tick a shootdown starts counts as made before it only if its tick is
 * strictly lower.
 */

import { PAGE_1G, PAGE_2M, PAGE_64K } from '../host/page-table.js';
import { alignDown, hex, type Tick } from '../types.js';
import type { AccessVia, OracleEvent, OracleRule, Violation } from './oracle-events.js';

export interface OracleOptions {
  /** NPUs behind each GPU (to check a shootdown reached every NPU that matters). */
  gpuNpus?: ReadonlyMap<number, readonly number[]>;
  /** Flush ATSDs required after each shootdown; default 2. */
  requiredFlushes?: number;
  historyDepth?: number;
  historyKeys?: number;
  shootdownMemory?: number;
  maxViolations?: number;
}

interface PageState {
  base: number;
  sizeBytes: number;
  epoch: number;
  allocated: boolean;
  owner: string;
}

interface ShootdownState {
  id: number;
  lpid: number;
  pid: number;
  start: number;
  sizeBytes: number | null;
  npus: readonly number[];
  startTick: Tick;
  held: Map<number, number>;
  invalidated: Set<number>;
  flushes: Map<number, number>;
  releasedAny: boolean;
}

interface PendingPage {
  lpid: number;
  pid: number;
  va: number;
  sizeBytes: number;
  unmapTick: Tick;
  gpus: Set<number>;
  insufficient: { shootdown: number; why: 'flushes' | 'npus' } | null;
}

interface CompletedShootdown {
  start: number;
  sizeBytes: number | null;
  startTick: Tick;
  completeTick: Tick;
  id: number;
}

interface TceState {
  generation: number;
  killedGeneration: number;
}

export class Oracle {
  private readonly gpuNpus: ReadonlyMap<number, readonly number[]>;
  private readonly requiredFlushes: number;
  private readonly historyDepth: number;
  private readonly historyKeys: number;
  private readonly shootdownMemory: number;
  private readonly maxViolations: number;

  private readonly gpuTenant = new Map<number, string>();
  private readonly memRanges: { tenant: string; start: number; end: number }[] = [];
  private readonly pages = new Map<number, PageState>();
  /** Page base -> translation info, while mapped and translated by some GPU. */
  private readonly translated = new Map<number, { gpus: Set<number> }>();
  private readonly pending = new Map<number, PendingPage>();
  private readonly shootdowns = new Map<number, ShootdownState>();
  private readonly completed = new Map<string, CompletedShootdown[]>();
  private readonly tces = new Map<string, TceState>();
  private readonly unpinned = new Set<number>();
  private readonly messages = new Map<number, OracleEvent>();
  private readonly dmas = new Map<number, OracleEvent>();
  private readonly histories = new Map<string, OracleEvent[]>();
  private readonly found: Violation[] = [];
  private count = 0;
  readonly stats = { events: 0 };

  constructor(options: OracleOptions = {}) {
    this.gpuNpus = options.gpuNpus ?? new Map();
    this.requiredFlushes = options.requiredFlushes ?? 2;
    this.historyDepth = options.historyDepth ?? 8;
    this.historyKeys = options.historyKeys ?? 4096;
    this.shootdownMemory = options.shootdownMemory ?? 256;
    this.maxViolations = options.maxViolations ?? 1000;
  }

  /** Every violation found so far (capped at maxViolations). */
  get violations(): readonly Violation[] {
    return this.found;
  }

  /** How many violations were found, including those past the cap. */
  get violationCount(): number {
    return this.count;
  }

  /** Feed one event; returns the violations it revealed. */
  observe(ev: OracleEvent): Violation[] {
    this.stats.events++;
    const keys = this.keysOf(ev);
    for (const k of keys) this.remember(k, ev);
    const out: Violation[] = [];
    const report = (
      rule: OracleRule,
      actors: string[],
      addresses: number[],
      message: string,
      extraKeys: string[] = [],
    ) => {
      const v = this.violation(rule, ev.tick, actors, addresses, message, [...keys, ...extraKeys]);
      if (v !== null) out.push(v);
    };
    switch (ev.kind) {
      case 'tenant.gpu':
        this.gpuTenant.set(ev.gpu, ev.tenant);
        break;
      case 'tenant.memory':
        if (this.memRanges.length < 65_536)
          this.memRanges.push({ tenant: ev.tenant, start: ev.start, end: ev.start + ev.sizeBytes });
        break;
      case 'page.alloc':
        this.pages.set(ev.pa, {
          base: ev.pa,
          sizeBytes: ev.sizeBytes,
          epoch: ev.epoch,
          allocated: true,
          owner: ev.owner,
        });
        break;
      case 'page.map': {
        const p = this.pages.get(ev.pa);
        if (p === undefined) {
          this.pages.set(ev.pa, {
            base: ev.pa,
            sizeBytes: ev.sizeBytes,
            epoch: ev.epoch,
            allocated: true,
            owner: ev.owner,
          });
        }
        break;
      }
      case 'translation.made': {
        const base = alignDown(ev.pa, ev.sizeBytes);
        let t = this.translated.get(base);
        if (t === undefined) {
          t = { gpus: new Set() };
          this.translated.set(base, t);
        }
        t.gpus.add(ev.gpu);
        break;
      }
      case 'page.unmap': {
        const t = this.translated.get(ev.pa);
        if (t !== undefined) {
          this.translated.delete(ev.pa);
          this.pending.set(ev.pa, {
            lpid: ev.lpid,
            pid: ev.pid,
            va: ev.va,
            sizeBytes: ev.sizeBytes,
            unmapTick: ev.tick,
            gpus: t.gpus,
            insufficient: null,
          });
        }
        break;
      }
      case 'page.free': {
        const p = this.pending.get(ev.pa);
        if (p !== undefined) {
          this.pending.delete(ev.pa);
          const running = [...this.shootdowns.values()].find((s) => this.covers(s, p));
          const afterInvalidates =
            running === undefined ? false : running.npus.every((n) => running.invalidated.has(n));
          if (p.insufficient?.why === 'flushes' || afterInvalidates) {
            const sd = p.insufficient?.shootdown ?? running?.id;
            report(
              'order.free-before-flushes',
              [`shootdown ${sd}`],
              [ev.pa],
              `Expected page ${hex(ev.pa)} freed after its shootdown's invalidates AND ${this.requiredFlushes} flush ATSDs on every NPU, got a free before the flushes completed`,
              [`sd:${sd}`],
            );
          } else {
            const why =
              p.insufficient?.why === 'npus'
                ? ' (the shootdown missed an NPU behind a GPU that translated it)'
                : '';
            report(
              'order.free-before-shootdown',
              [`lpid ${p.lpid} pid ${p.pid}`],
              [ev.pa, p.va],
              `Expected page ${hex(ev.pa)} (va ${hex(p.va)}) freed after a shootdown completed on every NPU involved, got a free first${why}`,
            );
          }
        }
        const page = this.pageAt(ev.pa);
        if (page !== undefined) {
          page.allocated = false;
          page.epoch = ev.epoch;
        } else {
          this.pages.set(ev.pa, {
            base: ev.pa,
            sizeBytes: ev.sizeBytes,
            epoch: ev.epoch,
            allocated: false,
            owner: '',
          });
        }
        this.translated.delete(ev.pa);
        break;
      }
      case 'dma.issue':
        if (this.dmas.has(ev.dma))
          report(
            'conservation.dma',
            [`gpu ${ev.gpu}`],
            [],
            `Expected DMA id ${ev.dma} issued once, got it twice`,
          );
        this.dmas.set(ev.dma, ev);
        break;
      case 'dma.complete':
      case 'dma.fault':
        if (!this.dmas.delete(ev.dma)) {
          report(
            'conservation.dma',
            [`dma ${ev.dma}`],
            [],
            `Expected DMA ${ev.dma} in flight at ${ev.kind}, got an unknown or finished DMA`,
          );
        } else if (ev.kind === 'dma.fault' && ev.reason.trim() === '') {
          report(
            'conservation.dma',
            [`dma ${ev.dma}`],
            [],
            `Expected DMA ${ev.dma} to fault with a reported reason, got an empty reason`,
          );
        }
        break;
      case 'dma.access':
        this.checkAccess(ev, report);
        break;
      case 'tce.write':
      case 'tce.clear': {
        const k = `${ev.table}:${ev.busAddr}`;
        const s = this.tces.get(k) ?? { generation: 0, killedGeneration: 0 };
        s.generation = ev.generation;
        this.tces.set(k, s);
        break;
      }
      case 'tce.kill':
        for (const [k, s] of this.tces) {
          if (!k.startsWith(`${ev.table}:`)) continue;
          if (ev.busAddrs === null || ev.busAddrs.some((b) => k === `${ev.table}:${b}`))
            s.killedGeneration = s.generation;
        }
        break;
      case 'tce.release':
        break;
      case 'tce.unpin':
        this.unpinned.add(ev.pa);
        break;
      case 'tce.pin':
        this.unpinned.delete(ev.pa);
        break;
      case 'shootdown.start':
        this.shootdowns.set(ev.shootdown, {
          id: ev.shootdown,
          lpid: ev.lpid,
          pid: ev.pid,
          start: ev.start,
          sizeBytes: ev.sizeBytes,
          npus: ev.npus,
          startTick: ev.tick,
          held: new Map(),
          invalidated: new Set(),
          flushes: new Map(),
          releasedAny: false,
        });
        break;
      case 'atsd.acquire': {
        const s = this.shootdowns.get(ev.shootdown);
        if (s === undefined) break;
        const higher = [...s.held.keys()].filter((n) => n > ev.npu);
        if (!s.releasedAny && higher.length > 0) {
          report(
            'order.atsd-descending',
            [`shootdown ${s.id}`, `npu ${ev.npu}`],
            [],
            `Expected ATSD registers taken in ascending NPU order, got npu ${ev.npu} while holding npu ${higher.join(', ')}`,
          );
        }
        s.held.set(ev.npu, ev.reg);
        break;
      }
      case 'atsd.launch':
        break;
      case 'atsd.complete': {
        const s = this.shootdowns.get(ev.shootdown);
        if (s === undefined) break;
        if (ev.flush) s.flushes.set(ev.npu, (s.flushes.get(ev.npu) ?? 0) + 1);
        else s.invalidated.add(ev.npu);
        break;
      }
      case 'atsd.release': {
        const s = this.shootdowns.get(ev.shootdown);
        if (s === undefined) break;
        const flushes = s.flushes.get(ev.npu) ?? 0;
        if (flushes < this.requiredFlushes && !s.releasedAny) {
          report(
            'order.atsd-released-early',
            [`shootdown ${s.id}`, `npu ${ev.npu} reg ${ev.reg}`],
            [],
            `Expected npu ${ev.npu} reg ${ev.reg} held through ${this.requiredFlushes} flushes, got a release after ${flushes}`,
          );
        }
        s.releasedAny = true;
        s.held.delete(ev.npu);
        break;
      }
      case 'shootdown.complete':
        this.completeShootdown(ev.shootdown, ev.tick);
        break;
      case 'peer.access': {
        const a = this.tenantOfGpu(ev.srcGpu);
        const b = this.tenantOfGpu(ev.dstGpu);
        if (a !== b) {
          report(
            'isolation.peer',
            [`gpu ${ev.srcGpu} (${a})`, `gpu ${ev.dstGpu} (${b})`],
            [],
            `Expected peer access over link ${ev.link} between GPUs of one tenant, got ${a} -> ${b}`,
          );
        }
        break;
      }
      case 'mmio.access': {
        const owner = this.tenantOfGpu(ev.gpu);
        if (ev.allowed && owner !== ev.tenant) {
          report(
            'isolation.mmio',
            [`tenant ${ev.tenant}`, `gpu ${ev.gpu} (${owner})`],
            [ev.offset],
            `Expected MMIO at BAR0+${hex(ev.offset)} of gpu ${ev.gpu} only from ${owner}, got ${ev.tenant}`,
          );
        }
        break;
      }
      case 'message.send':
        if (this.messages.has(ev.msg))
          report(
            'conservation.message',
            [ev.from, ev.to],
            [],
            `Expected message id ${ev.msg} sent once, got it twice`,
          );
        this.messages.set(ev.msg, ev);
        break;
      case 'message.receive':
        if (!this.messages.delete(ev.msg)) {
          report(
            'conservation.message',
            [`msg ${ev.msg}`],
            [],
            `Expected message ${ev.msg} sent and not yet received, got a receive of an unknown message`,
          );
        }
        break;
    }
    return out;
  }

  /**
   * End-of-run checks: every message sent was received or is still in flight; every DMA completed or
   * faulted (or is still in flight).
   */
  finish(now: Tick, inFlight: { messages?: Iterable<number>; dmas?: Iterable<number> } = {}): Violation[] {
    const out: Violation[] = [];
    const msgs = new Set(inFlight.messages ?? []);
    const dmas = new Set(inFlight.dmas ?? []);
    for (const [id, ev] of this.messages) {
      if (msgs.has(id)) continue;
      const e = ev as Extract<OracleEvent, { kind: 'message.send' }>;
      const v = this.violation(
        'conservation.message',
        now,
        [e.from, e.to],
        [],
        `Expected message ${id} (${e.from} -> ${e.to}, sent at ${e.tick}) received or in flight at the end, got neither: dropped`,
        [`msg:${id}`],
      );
      if (v !== null) out.push(v);
    }
    for (const [id, ev] of this.dmas) {
      if (dmas.has(id)) continue;
      const e = ev as Extract<OracleEvent, { kind: 'dma.issue' }>;
      const v = this.violation(
        'conservation.dma',
        now,
        [`gpu ${e.gpu}`, `tenant ${e.tenant}`],
        [],
        `Expected DMA ${id} (gpu ${e.gpu}, issued at ${e.tick}) to complete or fault with a reason, got neither`,
        [`dma:${id}`],
      );
      if (v !== null) out.push(v);
    }
    return out;
  }

  private checkAccess(
    ev: Extract<OracleEvent, { kind: 'dma.access' }>,
    report: (
      rule: OracleRule,
      actors: string[],
      addresses: number[],
      message: string,
      extraKeys?: string[],
    ) => void,
  ): void {
    const actor = `gpu ${ev.gpu} (${ev.tenant})`;
    const page = this.pageAt(ev.pa);
    const owner = page?.allocated ? page.owner : this.rangeOwner(ev.pa);
    if (owner !== undefined && owner !== '' && owner !== ev.tenant) {
      report(
        'isolation.dma',
        [actor, `owner ${owner}`],
        [ev.pa],
        `Expected DMA ${ev.dma} to reach memory of ${ev.tenant}, got ${hex(ev.pa)} owned by ${owner}`,
      );
    }
    const via: AccessVia = ev.via;
    if (page !== undefined && (!page.allocated || page.epoch !== via.epoch)) {
      report(
        'translation.freed-page',
        [actor],
        [ev.pa],
        `Expected DMA ${ev.dma} through a translation of epoch ${page.epoch} of page ${hex(page.base)}${page.allocated ? '' : ' (allocated)'}, got epoch ${via.epoch}${page.allocated ? '' : ' on a free page'}`,
      );
    }
    if (via.ut === 0) {
      const list = this.completed.get(`${via.lpid}:${via.pid}`) ?? [];
      const sd = list.find(
        (c) =>
          c.startTick > via.madeAt &&
          c.completeTick <= ev.tick &&
          (c.sizeBytes === null || (via.va >= c.start && via.va < c.start + c.sizeBytes)),
      );
      if (sd !== undefined) {
        report(
          'translation.stale-ats',
          [actor, `shootdown ${sd.id}`],
          [via.va, ev.pa],
          `Expected UT=0 DMA ${ev.dma} at va ${hex(via.va)} through a translation newer than shootdown ${sd.id} (started ${sd.startTick}, completed ${sd.completeTick}), got one made at ${via.madeAt}`,
          [`sd:${sd.id}`],
        );
      }
    } else {
      const s = this.tces.get(`${via.table}:${via.busAddr}`);
      if (s !== undefined) {
        const killedStale = via.generation < s.killedGeneration;
        const unpinnedStale = via.generation < s.generation && this.unpinned.has(alignDown(ev.pa, PAGE_64K));
        if (killedStale || unpinnedStale) {
          report(
            'translation.stale-tce',
            [actor, `table ${via.table}`],
            [via.busAddr, ev.pa],
            `Expected UT=1 DMA ${ev.dma} at bus ${hex(via.busAddr)} through TCE generation ${killedStale ? `>= ${s.killedGeneration} (last kill)` : `${s.generation} (page unpinned)`}, got generation ${via.generation}`,
          );
        }
      }
    }
  }

  private completeShootdown(id: number, tick: Tick): void {
    const s = this.shootdowns.get(id);
    if (s === undefined) return;
    this.shootdowns.delete(id);
    const flushesOk = s.npus.every((n) => (s.flushes.get(n) ?? 0) >= this.requiredFlushes);
    for (const [, p] of this.pending) {
      if (!this.covers(s, p)) continue;
      const needed = new Set<number>();
      for (const g of p.gpus) for (const n of this.gpuNpus.get(g) ?? []) needed.add(n);
      const npusOk = [...needed].every((n) => s.invalidated.has(n));
      if (!npusOk) p.insufficient = { shootdown: id, why: 'npus' };
      else if (!flushesOk) p.insufficient = { shootdown: id, why: 'flushes' };
    }
    for (const [pa, p] of this.pending) {
      if (this.covers(s, p) && p.insufficient === null) this.pending.delete(pa);
    }
    const key = `${s.lpid}:${s.pid}`;
    let list = this.completed.get(key);
    if (list === undefined) {
      list = [];
      this.completed.set(key, list);
    }
    list.push({ id, start: s.start, sizeBytes: s.sizeBytes, startTick: s.startTick, completeTick: tick });
    if (list.length > this.shootdownMemory) list.shift();
  }

  /** Does shootdown `s` cover the pending page `p` (same address space, range, after the unmap)? */
  private covers(s: ShootdownState, p: PendingPage): boolean {
    if (s.lpid !== p.lpid || s.pid !== p.pid || s.startTick < p.unmapTick) return false;
    if (s.sizeBytes === null) return true;
    return p.va < s.start + s.sizeBytes && p.va + p.sizeBytes > s.start;
  }

  private tenantOfGpu(gpu: number): string {
    return this.gpuTenant.get(gpu) ?? 'host';
  }

  private rangeOwner(pa: number): string | undefined {
    for (let i = this.memRanges.length - 1; i >= 0; i--) {
      const r = this.memRanges[i]!;
      if (pa >= r.start && pa < r.end) return r.tenant;
    }
    return undefined;
  }

  private pageAt(pa: number): PageState | undefined {
    for (const s of [PAGE_64K, PAGE_2M, PAGE_1G]) {
      const p = this.pages.get(alignDown(pa, s));
      if (p !== undefined && pa < p.base + p.sizeBytes) return p;
    }
    return undefined;
  }

  private keysOf(ev: OracleEvent): string[] {
    const page = (pa: number) => `pa:${hex(alignDown(pa, PAGE_64K))}`;
    switch (ev.kind) {
      case 'page.alloc':
      case 'page.map':
      case 'page.unmap':
      case 'page.free':
      case 'translation.made':
      case 'tce.unpin':
      case 'tce.pin':
        return [page(ev.pa)];
      case 'dma.access':
        return [page(ev.pa), `dma:${ev.dma}`];
      case 'dma.issue':
      case 'dma.complete':
      case 'dma.fault':
        return [`dma:${ev.dma}`];
      case 'tce.write':
        return [`tce:${ev.table}:${ev.busAddr}`, page(ev.pa)];
      case 'tce.clear':
      case 'tce.release':
        return [`tce:${ev.table}:${ev.busAddr}`];
      case 'tce.kill':
        return ev.busAddrs === null
          ? [`tce:${ev.table}`]
          : ev.busAddrs.slice(0, 8).map((b) => `tce:${ev.table}:${b}`);
      case 'atsd.acquire':
      case 'atsd.launch':
      case 'atsd.complete':
      case 'atsd.release':
        return [`reg:${ev.npu}:${ev.reg}`, `sd:${ev.shootdown}`];
      case 'shootdown.start':
      case 'shootdown.complete':
        return [`sd:${ev.shootdown}`];
      case 'peer.access':
        return [`gpu:${ev.srcGpu}`, `gpu:${ev.dstGpu}`];
      case 'mmio.access':
        return [`gpu:${ev.gpu}`];
      case 'message.send':
      case 'message.receive':
        return [`msg:${ev.msg}`];
      case 'tenant.gpu':
        return [`gpu:${ev.gpu}`];
      case 'tenant.memory':
        return [];
    }
  }

  private remember(key: string, ev: OracleEvent): void {
    let h = this.histories.get(key);
    if (h === undefined) {
      if (this.histories.size >= this.historyKeys) {
        const oldest = this.histories.keys().next();
        if (oldest.done !== true) this.histories.delete(oldest.value);
      }
      h = [];
      this.histories.set(key, h);
    }
    h.push(ev);
    if (h.length > this.historyDepth) h.shift();
  }

  private violation(
    rule: OracleRule,
    tick: Tick,
    actors: string[],
    addresses: number[],
    message: string,
    keys: string[],
  ): Violation | null {
    this.count++;
    const seen = new Set<OracleEvent>();
    const history: OracleEvent[] = [];
    for (const k of keys) {
      for (const e of this.histories.get(k) ?? []) {
        if (!seen.has(e)) {
          seen.add(e);
          history.push(e);
        }
      }
    }
    const v: Violation = {
      rule,
      tick,
      actors,
      addresses,
      message,
      history: history.slice(-2 * this.historyDepth),
    };
    if (this.found.length >= this.maxViolations) return null;
    this.found.push(v);
    return v;
  }
}
