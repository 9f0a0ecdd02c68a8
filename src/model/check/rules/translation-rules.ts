/**
 * Translation safety (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks),
 * judged with page epochs: every free of a page bumps its epoch, and a translation carries the
 * epoch it was made at.
 * - translation.stale-ats: a UT=0 DMA lands on a page whose epoch moved on since its translation
 *   was made: the page was freed (its shootdown done, or skipped) and the GPU still used the old
 *   translation. The free is broadcast to every chip, so the chip where the DMA lands knows.
 * - translation.stale-tce: a UT=1 DMA served by a stale TCE cache entry (a kill has not reached it
 *   yet) whose page was unpinned since that TCE was cleared. A stale hit while the page is still
 *   pinned is the kernel's accepted window between the TCE clear and its kill (Linux
 *   `__iommu_free`: clear, kill, then free;
 *   docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts); once
 *   unpinned (the VFIO unpin-before-kill gap, a kill that missed the page) the DMA reaches memory
 *   the device no longer owns.
 * - translation.lost-tce: a UT=1 DMA found no TCE (`tce.fault`) at a window index whose last kernel
 *   operation was a write (`tce.write`), not a clear: the kernel believes the bus page mapped, the
 *   table does not have it (Linux 56090a3902c8: a level replaced by another thread's allocation).
 */
import { countText } from '../../../core/count-text.js';
import { wireEpoch } from '../../protocol/wire.js';
import { hex } from '../../types.js';
import type { OracleEventOf } from '../oracle-events.js';
import { type PageBases, pageKey } from '../page-bases.js';
import { PageNumberMap } from '../page-number-map.js';
import type { Report, RuleFamily, RuleHandlers } from './report.js';

/** The page a cleared TCE pointed at, and whether that page was unpinned since. */
interface ClearedTce {
  readonly pa: number;
  unpinned: boolean;
}

export class TranslationRules implements RuleFamily {
  /** Page base / 64K (pageKey, page-bases.ts) -> epoch (wire width), for pages freed at least once. */
  private readonly epochs = new PageNumberMap();
  /** `gpu:index` -> the page its last cleared TCE pointed at, and whether that page was unpinned. */
  private readonly cleared = new Map<string, ClearedTce>();
  /**
   * Page -> the entries of `cleared` that point at it and are not yet marked unpinned: an unpin
   * marks exactly these (an index, instead of a scan of every TCE ever cleared per unpin).
   */
  private readonly clearedByPage = new Map<number, Set<ClearedTce>>();
  /** `gpu:index` -> the page its TCE was last written with, until a clear. */
  private readonly written = new Map<string, number>();

  constructor(private readonly pages: PageBases) {}

  readonly on: RuleHandlers = {
    // A free as made (the coordinator) or as heard (a chip, where DMA lands and this is judged).
    'page.free': (ev) => this.epochs.set(pageKey(ev.pa), wireEpoch(ev.epoch)),
    'page.free.seen': (ev) => this.epochs.set(pageKey(ev.pa), wireEpoch(ev.epoch)),
    'tce.unpin': (ev) => this.onUnpin(ev),
    'tce.clear': (ev) => this.onClear(ev),
    'tce.write': (ev) => this.written.set(`${ev.gpu}:${ev.index}`, ev.pa),
    'tce.fault': (ev, report) => this.onTceFault(ev, report),
    'tce.access': (ev, report) => {
      if (ev.stale) this.onStaleTce(ev, report);
    },
    'dma.land': (ev, report) => {
      if (ev.epoch !== undefined) this.onUt0Land(ev, ev.epoch, report);
    },
  };

  private onUnpin(ev: OracleEventOf<'tce.unpin'>): void {
    this.epochs.set(pageKey(ev.pa), wireEpoch((this.epochs.get(pageKey(ev.pa)) ?? 0) + 1));
    for (const c of this.clearedByPage.get(ev.pa) ?? []) c.unpinned = true;
    // Marked for good: only a later clear can point an index at this page again.
    this.clearedByPage.delete(ev.pa);
  }

  private onClear(ev: OracleEventOf<'tce.clear'>): void {
    const key = `${ev.gpu}:${ev.index}`;
    const old = this.cleared.get(key);
    if (old !== undefined) this.clearedByPage.get(old.pa)?.delete(old);
    const c: ClearedTce = { pa: ev.pa, unpinned: false };
    this.cleared.set(key, c);
    let onPage = this.clearedByPage.get(ev.pa);
    if (onPage === undefined) {
      onPage = new Set();
      this.clearedByPage.set(ev.pa, onPage);
    }
    onPage.add(c);
    this.written.delete(key);
  }

  private onTceFault(ev: OracleEventOf<'tce.fault'>, report: Report): void {
    const pa = this.written.get(`${ev.gpu}:${ev.index}`);
    if (pa === undefined) return;
    report(
      'translation.lost-tce',
      [`gpu${ev.gpu}`],
      [pa],
      () =>
        `Expected UT=1 DMA through the TCE the kernel wrote at index ${ev.index} of gpu${ev.gpu}'s table (page ${hex(pa)}, not cleared since), got no valid TCE there`,
    );
  }

  /** A UT=1 DMA served by a stale TCE cache entry. */
  private onStaleTce(ev: OracleEventOf<'tce.access'>, report: Report): void {
    const base = this.pages.baseOf(ev.pa);
    const c = this.cleared.get(`${ev.gpu}:${ev.index}`);
    if (c === undefined || c.pa !== base || c.unpinned) {
      report(
        'translation.stale-tce',
        [`gpu${ev.gpu}`],
        [ev.busAddr, ev.pa],
        () =>
          `Expected UT=1 DMA only through live TCEs, got gpu${ev.gpu} through a stale TCE cache entry for index ${ev.index} of its table (bus address ${hex(ev.busAddr)}; the entry of generation ${ev.generation}, the TCE now of ${ev.currentGeneration}) to page ${hex(base)}, unpinned since that TCE was cleared`,
        [`tce:${ev.gpu}:${ev.index}`],
      );
    }
  }

  /** A UT=0 DMA landing with the page epoch its translation was made at. */
  private onUt0Land(ev: OracleEventOf<'dma.land'>, madeAt: number, report: Report): void {
    const base = this.pages.baseOf(ev.pa);
    const epoch = this.epochs.get(pageKey(base)) ?? 0;
    if (epoch !== madeAt) {
      report(
        'translation.stale-ats',
        [`gpu${ev.gpu}`],
        [ev.pa],
        () =>
          `Expected UT=0 DMA only through translations newer than the page's last shootdown and free, got gpu${ev.gpu} using a translation of epoch ${madeAt} for page ${hex(base)}, now at epoch ${epoch} (freed ${countText(epoch - madeAt, 'time')} since; LPID ${ev.lpid}, ${ev.write ? 'write' : 'read'} of ${ev.lengthBytes} bytes)`,
      );
    }
  }
}
