/**
 * Translation safety (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks),
 * judged with page epochs: every free of a page bumps its epoch, and a translation carries the
 * epoch it was made at.
 * - translation.stale-ats: a UT=0 DMA lands on a page whose epoch moved on since its translation
 *   was made: the page was freed (its shootdown done, or skipped) and the GPU still used the old
 *   translation. The free is broadcast to every chip, so the chip where the DMA lands knows.
 * - translation.stale-tce: a UT=1 DMA served by a stale TCE cache entry (a kill has not reached it
 *   yet) that is not inside the kernel's accepted window. That window is a stale hit to the page
 *   the index's last clear pointed at, while that page is still pinned: between the TCE clear and
 *   its kill (Linux `__iommu_free`: clear, kill, then free;
 *   docs/theory/topology-groups-tce.md#5-tce-ut1-tce-tablets-tce-cachets-phbts-tce-systemts). Any
 *   other stale hit is reported, and its message says which of three it is: the page was unpinned
 *   since that clear (the VFIO unpin-before-kill gap, a kill that missed the page); the index's
 *   last clear was of another page (the entry outlived more than one mapping of its index); or no
 *   clear of the index is on record (its TCE changed without one). It also says what the page is
 *   now: pinned under another index (a misdirected access, within the GPU's own pages when that
 *   index is its own), cleared and not yet unpinned, or unpinned and freed (memory the device no
 *   longer owns), with its owner's LPID when it has one.
 * - translation.lost-tce: a UT=1 DMA found no TCE (`tce.fault`) at a window index whose last kernel
 *   operation was a write (`tce.write`), not a clear: the kernel believes the bus page mapped, the
 *   table does not have it (Linux 56090a3902c8: a level replaced by another thread's allocation).
 */
import { countText } from '../../../core/count-text.js';
import { formatTime } from '../../../core/time-text.js';
import { PAGE_64K } from '../../host/page-table.js';
import { wireEpoch } from '../../protocol/wire.js';
import { hex } from '../../types.js';
import type { OracleEventOf } from '../oracle-events.js';
import { type PageBases, pageKey } from '../page-bases.js';
import { PageNumberMap } from '../page-number-map.js';
import { type Report, type RuleFamily, type RuleHandlers, tceWindowKey } from './report.js';

/** The page a cleared TCE pointed at, where and when it was cleared, and when that page was unpinned. */
interface ClearedTce {
  readonly pa: number;
  readonly gpu: number;
  readonly index: number;
  readonly at: number;
  /** The tick of the page's first unpin after the clear; undefined while it is still pinned. */
  unpinnedAt: number | undefined;
}

/** `gpu * INDEX_SPAN + index`: a GPU's window index as one number (`pinnedBy`). */
const INDEX_SPAN = 2 ** 32;

export class TranslationRules implements RuleFamily {
  /** Page base / 64K (pageKey, page-bases.ts) -> epoch (wire width), for pages freed at least once. */
  private readonly epochs = new PageNumberMap();
  /** `gpu:index` -> the page its last cleared TCE pointed at, and when that page was unpinned. */
  private readonly cleared = new Map<string, ClearedTce>();
  /**
   * Page -> the entries of `cleared` that point at it and are not yet marked unpinned: an unpin
   * marks exactly these (an index, instead of a scan of every TCE ever cleared per unpin).
   */
  private readonly clearedByPage = new Map<number, Set<ClearedTce>>();
  /** `gpu:index` -> the page its TCE was last written with, until a clear. */
  private readonly written = new Map<string, number>();
  /**
   * Page key -> the index (`gpu * INDEX_SPAN + index`) last written with the page: with `written`,
   * which index maps the page now, for a stale-TCE message (not used in any verdict).
   */
  private readonly pinnedBy = new PageNumberMap();
  /** Page key -> LPID of its owner (`page.owner`), until an unpin or free; for messages only. */
  private readonly owners = new PageNumberMap();

  constructor(private readonly pages: PageBases) {}

  readonly on: RuleHandlers = {
    // A free as made (the coordinator) or as heard (a chip, where DMA lands and this is judged).
    'page.free': (ev) => {
      this.epochs.set(pageKey(ev.pa), wireEpoch(ev.epoch));
      this.owners.delete(pageKey(ev.pa));
    },
    'page.free.seen': (ev) => {
      this.epochs.set(pageKey(ev.pa), wireEpoch(ev.epoch));
      this.owners.delete(pageKey(ev.pa));
    },
    'page.owner': (ev) => this.owners.set(pageKey(ev.pa), ev.lpid),
    'tce.unpin': (ev) => this.onUnpin(ev),
    'tce.clear': (ev) => this.onClear(ev),
    'tce.write': (ev) => {
      this.written.set(`${ev.gpu}:${ev.index}`, ev.pa);
      this.pinnedBy.set(pageKey(ev.pa), ev.gpu * INDEX_SPAN + ev.index);
    },
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
    this.owners.delete(pageKey(ev.pa));
    for (const c of this.clearedByPage.get(ev.pa) ?? []) c.unpinnedAt = ev.tick;
    // Marked for good: only a later clear can point an index at this page again.
    this.clearedByPage.delete(ev.pa);
  }

  private onClear(ev: OracleEventOf<'tce.clear'>): void {
    const key = `${ev.gpu}:${ev.index}`;
    const old = this.cleared.get(key);
    if (old !== undefined) this.clearedByPage.get(old.pa)?.delete(old);
    const c: ClearedTce = { pa: ev.pa, gpu: ev.gpu, index: ev.index, at: ev.tick, unpinnedAt: undefined };
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
    // The accepted window: the page of the index's last clear, still pinned.
    if (c !== undefined && c.pa === base && c.unpinnedAt === undefined) return;
    report(
      'translation.stale-tce',
      [`gpu${ev.gpu}`],
      [ev.busAddr, ev.pa],
      () => {
        const now = this.written.get(`${ev.gpu}:${ev.index}`);
        const entry = `gpu${ev.gpu} through a stale TCE cache entry for index ${ev.index} of its table (bus address ${hex(ev.busAddr)}; the entry of generation ${ev.generation}, the TCE now of ${ev.currentGeneration}, mapping ${now === undefined ? 'nothing' : hex(now)}) to page ${hex(base)}`;
        const why =
          c === undefined
            ? `with no clear of index ${ev.index} on record (its TCE changed without one)`
            : c.pa !== base
              ? `not the page of index ${ev.index}'s last clear (${hex(c.pa)}, cleared at ${formatTime(c.at)}): the entry outlived more than one mapping of its index`
              : `unpinned at ${formatTime(c.unpinnedAt!)} after index ${ev.index}'s TCE to it was cleared at ${formatTime(c.at)}`;
        return `Expected UT=1 DMA only through live TCEs, got ${entry}, ${why}; the page is now ${this.pageNow(base, ev.gpu, ev.index)}`;
      },
      [`tce:${ev.gpu}:${ev.index}`, tceWindowKey(ev.gpu)],
    );
  }

  /** What a page is now, for a stale-TCE message: pinned under an index, cleared, or unpinned. */
  private pageNow(base: number, gpu: number, index: number): string {
    const key = pageKey(base);
    const lpid = this.owners.get(key);
    const of = lpid === undefined ? '' : ` (LPID ${lpid})`;
    const at = this.pinnedBy.get(key);
    if (at !== undefined) {
      const g = Math.floor(at / INDEX_SPAN);
      const i = at % INDEX_SPAN;
      if (this.written.get(`${g}:${i}`) === base) {
        if (g !== gpu) return `pinned as index ${i} of gpu${g}'s table${of}`;
        if (i === index) return `mapped again by index ${i} itself${of}: the page its live TCE gives too`;
        return `pinned as index ${i} of gpu${g}'s own table${of}: a misdirected access within its own pages, not one to memory it gave up`;
      }
    }
    // A clear of the page not yet followed by its unpin (clearedByPage holds only those).
    const p = this.clearedByPage.get(base)?.values().next().value;
    if (p !== undefined)
      return `cleared from index ${p.index} of gpu${p.gpu}'s table at ${formatTime(p.at)} and not yet unpinned${of}`;
    if (lpid !== undefined) return `owned by LPID ${lpid} and mapped by no TCE`;
    return this.epochs.get(key) === undefined
      ? 'mapped by no TCE and owned by nobody'
      : 'unpinned and freed, mapped by no TCE and owned by nobody';
  }

  /** A UT=0 DMA landing with the page epoch its translation was made at. */
  private onUt0Land(ev: OracleEventOf<'dma.land'>, madeAt: number, report: Report): void {
    const base = this.pages.baseOf(ev.pa);
    const epoch = this.epochs.get(pageKey(base)) ?? 0;
    if (epoch !== madeAt) {
      report(
        'translation.stale-ats',
        [`gpu${ev.gpu}`],
        // A 2M or 1G page's base too, where it is another 64 KiB than the DMA's address: the
        // page's translation and free carry the base, and a replay's history finds them by it
        // (QA: a stale 2M translation's history had neither).
        Math.floor(base / PAGE_64K) === Math.floor(ev.pa / PAGE_64K) ? [ev.pa] : [ev.pa, base],
        () =>
          `Expected UT=0 DMA only through translations newer than the page's last shootdown and free, got gpu${ev.gpu} using a translation of epoch ${madeAt} for page ${hex(base)}, now at epoch ${epoch} (freed ${countText(epoch - madeAt, 'time')} since; LPID ${ev.lpid}, ${ev.write ? 'write' : 'read'} of ${ev.lengthBytes} bytes)`,
      );
    }
  }
}
