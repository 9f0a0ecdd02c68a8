/**
 * Protocol order (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks): what
 * the kernel must do before a page goes back, and how it must hold the ATSD registers. Judged at
 * the coordinator, which runs the page lifecycle and every step of every shootdown
 * (host/shootdown.ts emits the steps).
 * - order.free-before-shootdown: a page some GPU may have translated (`translation.made`),
 *   unmapped, and freed before ALL the shootdowns the kernel runs over it (`page.unmap`'s
 *   `shootdowns`: a munmap's two mmio_invalidate calls, a migration's one) completed on every NPU
 *   behind those GPUs.
 * - order.free-before-flushes: the same, but the invalidates had completed and the flushes had not
 *   (or the shootdown completed with fewer than the required flushes).
 * - order.atsd-descending: a shootdown acquires a register on an NPU lower than one it holds
 *   (before its first release).
 * - order.atsd-released-early: a register released before the required flushes completed on it
 *   after an invalidate that asked the GPU to flush (one with No-flush set, as the v4.17-4.19
 *   per-page invalidates, owes none; its call releases at once).
 *
 * Bounded by what is live: pages translated and not yet freed, shootdowns in flight.
 */

import { hex, type Tick } from '../../types.js';
import type { OracleEventOf } from '../oracle-events.js';
import { pageKey } from '../page-bases.js';
import type { Report, RuleFamily, RuleHandlers } from './report.js';

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
  /** NPU -> flush ATSDs completed since its last invalidate that asked for them (absent: none owed). */
  owed: Map<number, number>;
  /** order.atsd-released-early reported (once per shootdown). */
  releasedEarly: boolean;
}

interface PendingPage {
  lpid: number;
  pid: number;
  va: number;
  sizeBytes: number;
  unmapTick: Tick;
  /** In the order they translated it, each once. */
  gpus: number[];
  /** Shootdowns still to complete over it before it may be freed (`page.unmap`'s `shootdowns`). */
  shootdownsLeft: number;
  /** Of those, how many had completed (for the message). */
  shootdownsDone: number;
  /**
   * The shootdown that completed without doing enough for this page, and what it lacked: its
   * flushes, or the NPUs (`missed`) behind GPUs that had translated the page, where it invalidated
   * on `done` only.
   */
  insufficient: { shootdown: number; why: 'flushes' | 'npus'; missed?: number[]; done?: number[] } | null;
}

export interface OrderRulesOptions {
  /** NPUs behind each GPU (to check a shootdown reached every NPU that matters). */
  gpuNpus: ReadonlyMap<number, readonly number[]>;
  /** Flush ATSDs required after each shootdown ("The GPU requires two flush ATSDs"). */
  requiredFlushes: number;
}

export class OrderRules implements RuleFamily {
  /**
   * Page key (page-bases.ts `pageKey`) -> the GPUs that may have translated it, while mapped. An
   * array, not a Set: a page has one GPU or a few, and the coordinator's oracle holds an entry for
   * every page of every process from the start, made when its worker's code is still cold.
   */
  private readonly translated = new Map<number, number[]>();
  /** Page key -> an unmapped page waiting for its shootdown. */
  private readonly pending = new Map<number, PendingPage>();
  private readonly shootdowns = new Map<number, ShootdownState>();

  constructor(private readonly options: OrderRulesOptions) {}

  readonly on: RuleHandlers = {
    'translation.made': (ev) => this.onTranslation(ev),
    'page.unmap': (ev) => this.onUnmap(ev),
    'page.free': (ev, report) => {
      this.onFree(ev, report);
      this.translated.delete(pageKey(ev.pa));
    },
    'shootdown.start': (ev) => this.onShootdownStart(ev),
    'atsd.acquire': (ev, report) => this.onAcquire(ev, report),
    'atsd.launch': (ev) => this.onLaunch(ev),
    'atsd.complete': (ev) => this.onAtsdComplete(ev),
    'atsd.release': (ev, report) => this.onRelease(ev, report),
    'shootdown.complete': (ev) => this.completeShootdown(ev.shootdown),
  };

  private onTranslation(ev: OracleEventOf<'translation.made'>): void {
    const gpus = this.translated.get(pageKey(ev.pa));
    if (gpus === undefined) this.translated.set(pageKey(ev.pa), [ev.gpu]);
    else if (!gpus.includes(ev.gpu)) gpus.push(ev.gpu);
  }

  private onUnmap(ev: OracleEventOf<'page.unmap'>): void {
    const gpus = this.translated.get(pageKey(ev.pa));
    if (gpus === undefined) return;
    this.translated.delete(pageKey(ev.pa));
    this.pending.set(pageKey(ev.pa), {
      lpid: ev.lpid,
      pid: ev.pid,
      va: ev.va,
      sizeBytes: ev.sizeBytes,
      unmapTick: ev.tick,
      gpus,
      shootdownsLeft: ev.shootdowns ?? 1,
      shootdownsDone: 0,
      insufficient: null,
    });
  }

  private onShootdownStart(ev: OracleEventOf<'shootdown.start'>): void {
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
      owed: new Map(),
      releasedEarly: false,
    });
  }

  private onAcquire(ev: OracleEventOf<'atsd.acquire'>, report: Report): void {
    const s = this.shootdowns.get(ev.shootdown);
    if (s === undefined) return;
    const higher = [...s.held.keys()].filter((n) => n > ev.npu);
    if (!s.releasedAny && higher.length > 0) {
      report(
        'order.atsd-descending',
        [`shootdown ${s.id}`, `npu${ev.npu}`],
        [],
        () =>
          `Expected ATSD registers taken in ascending NPU order, got shootdown ${s.id} taking npu${ev.npu}.reg${ev.reg} while it held ${higher.map((n) => `npu${n}.reg${s.held.get(n)}`).join(', ')}`,
      );
    }
    s.held.set(ev.npu, ev.reg);
  }

  private onLaunch(ev: OracleEventOf<'atsd.launch'>): void {
    const s = this.shootdowns.get(ev.shootdown);
    if (s === undefined || ev.flushOnly || ev.noFlush) return;
    s.owed.set(ev.npu, 0);
  }

  private onAtsdComplete(ev: OracleEventOf<'atsd.complete'>): void {
    const s = this.shootdowns.get(ev.shootdown);
    if (s === undefined) return;
    if (ev.flushOnly) {
      s.flushes.set(ev.npu, (s.flushes.get(ev.npu) ?? 0) + 1);
      const owed = s.owed.get(ev.npu);
      if (owed !== undefined) s.owed.set(ev.npu, owed + 1);
    } else s.invalidated.add(ev.npu);
  }

  private onRelease(ev: OracleEventOf<'atsd.release'>, report: Report): void {
    const s = this.shootdowns.get(ev.shootdown);
    if (s === undefined) return;
    const flushes = s.owed.get(ev.npu);
    s.owed.delete(ev.npu);
    if (flushes !== undefined && flushes < this.options.requiredFlushes && !s.releasedEarly) {
      s.releasedEarly = true;
      report(
        'order.atsd-released-early',
        [`shootdown ${s.id}`, `npu${ev.npu}.reg${ev.reg}`],
        [],
        () =>
          `Expected npu${ev.npu}.reg${ev.reg} held through ${this.options.requiredFlushes} flushes, got a release after ${flushes}`,
      );
    }
    s.releasedAny = true;
    s.held.delete(ev.npu);
  }

  private onFree(ev: OracleEventOf<'page.free'>, report: Report): void {
    const p = this.pending.get(pageKey(ev.pa));
    if (p === undefined) return;
    this.pending.delete(pageKey(ev.pa));
    const running = [...this.shootdowns.values()].find((s) => this.covers(s, p));
    const afterInvalidates =
      running === undefined ? false : running.npus.every((n) => running.invalidated.has(n));
    if (p.insufficient?.why === 'flushes' || afterInvalidates) {
      const sd = p.insufficient?.shootdown ?? running?.id;
      report(
        'order.free-before-flushes',
        [`shootdown ${sd}`],
        [ev.pa],
        () =>
          `Expected page ${hex(ev.pa)} freed after its shootdown's invalidates AND ${this.options.requiredFlushes} flush ATSDs on every NPU, got a free before the flushes completed`,
        [`sd:${sd}`],
      );
      return;
    }
    const why =
      p.insufficient?.why === 'npus'
        ? ` (${this.missedText(p, p.insufficient)})`
        : p.shootdownsDone > 0
          ? ` (after ${p.shootdownsDone} of its ${p.shootdownsDone + p.shootdownsLeft} shootdowns)`
          : '';
    report(
      'order.free-before-shootdown',
      [`lpid ${p.lpid} pid ${p.pid}`],
      [ev.pa, p.va],
      () =>
        `Expected page ${hex(ev.pa)} (va ${hex(p.va)}) freed after its shootdowns completed on every NPU involved, got a free first${why}`,
    );
  }

  /**
   * Which NPUs a shootdown left out and the GPUs behind them that had translated the page: `shootdown
   * 3 invalidated on npu0 only, not on npu1, behind gpu3, which translated it` (QA: the message
   * said "an NPU behind a GPU", naming neither).
   */
  private missedText(p: PendingPage, insufficient: NonNullable<PendingPage['insufficient']>): string {
    const missed = insufficient.missed ?? [];
    const behind = p.gpus.filter((g) => (this.options.gpuNpus.get(g) ?? []).some((n) => missed.includes(n)));
    const done = insufficient.done ?? [];
    const npus = (ns: readonly number[]) => ns.map((n) => `npu${n}`).join(', ');
    const gpus = behind.map((g) => `gpu${g}`).join(', ');
    return `shootdown ${insufficient.shootdown} invalidated on ${done.length > 0 ? `${npus(done)} only` : 'no NPU'}, not on ${npus(missed)}, behind ${gpus}, which translated it`;
  }

  private completeShootdown(id: number): void {
    const s = this.shootdowns.get(id);
    if (s === undefined) return;
    this.shootdowns.delete(id);
    const flushesOk = s.npus.every((n) => (s.flushes.get(n) ?? 0) >= this.options.requiredFlushes);
    for (const [key, p] of this.pending) {
      if (!this.covers(s, p)) continue;
      const needed = new Set<number>();
      for (const g of p.gpus) for (const n of this.options.gpuNpus.get(g) ?? []) needed.add(n);
      const missed = [...needed].filter((n) => !s.invalidated.has(n)).sort((a, b) => a - b);
      const done = [...s.invalidated].sort((a, b) => a - b);
      if (missed.length > 0) p.insufficient = { shootdown: id, why: 'npus', missed, done };
      else if (!flushesOk) p.insufficient = { shootdown: id, why: 'flushes' };
      else {
        p.shootdownsDone++;
        if (--p.shootdownsLeft === 0) this.pending.delete(key);
      }
    }
  }

  /** Does shootdown `s` cover the pending page `p` (same address space, range, after the unmap)? */
  private covers(s: ShootdownState, p: PendingPage): boolean {
    if (s.lpid !== p.lpid || s.pid !== p.pid || s.startTick < p.unmapTick) return false;
    if (s.sizeBytes === null) return true;
    return p.va < s.start + s.sizeBytes && p.va + p.sizeBytes > s.start;
  }
}
