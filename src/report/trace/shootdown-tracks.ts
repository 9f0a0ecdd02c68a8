/**
 * The coordinator's shootdowns in the trace (build-timeline.ts has the table of every track): a
 * shootdown is a slice over what `shootdown.latencyTicks` counts (page-lifecycle.ts startedAt to
 * finishShootdown): from the coordinator's first PTE_CLEAR of the request to the release that
 * leaves its last mmio_invalidate no register (a munmap runs two, a migration one per page, all
 * under the request's id; the request ends where the coordinator sends its UNMAP_DONE, in the
 * same step as that release), both at the coordinator's clock. Inside it a child `clear PTEs`
 * until the coordinator, every chip having cleared, sends the first acquire, and a child for each
 * acquire and wait, from the op sent to its ATSD_ANSWER. One begun before the window is built from
 * the coordinator's records before it (timeline-draft.ts: drawn from the window's start, marked
 * `begunBefore`, if still open there), which, the coordinator being the quietest actor, nearly
 * always go back to its PTE_CLEAR. One whose PTE_CLEAR no record kept starts at the window's start,
 * marked `begunBefore`, when its first acquire is in the window; one whose first op in the window
 * is not an acquire holds registers the window cannot count and is not drawn. Each shootdown
 * starts a flow through every register it held (chip-tracks.ts) to an instant where it finished.
 */
import { K } from '../../model/protocol/kinds.js';
import { AtsdOpMsg } from '../../model/protocol/messages/atsd.js';
import { UnmapDoneMsg } from '../../model/protocol/messages/page-lifecycle.js';
import { npuOf } from './chip-tracks.js';
import type { Args, TimelineDraft } from './timeline-draft.js';
import type { TraceRec } from './trace-records.js';

export class ShootdownTracks {
  /** Shootdown id -> registers it holds now. */
  private readonly held = new Map<number, number>();
  /** Shootdowns whose `clear PTEs` child is open (no ATSD op sent yet). */
  private readonly clearing = new Set<number>();
  /**
   * The shootdown whose mmio_invalidate released its last register at `now`: the request ends
   * there if the coordinator's next record is its UNMAP_DONE; its next acquire goes on instead.
   */
  private emptied: { shootdown: number; now: number; actor: number } | undefined;

  constructor(private readonly draft: TimelineDraft) {}

  /** One record of the coordinator. */
  take(r: TraceRec): void {
    if (r.kind === K.PTE_CLEAR && r.sent) this.clear(r);
    else if (r.kind === K.ATSD_OP && r.sent) this.op(r);
    else if (r.kind === K.UNMAP_DONE && r.sent) this.done(r);
    else if (r.kind === K.ATSD_ANSWER && !r.sent) this.answer(r);
  }

  /** A PTE_CLEAR to one chip: the first of a request opens its shootdown (the op id is its id). */
  private clear(r: TraceRec): void {
    const shootdown = r.m.tag;
    const key = `shootdown:${shootdown}`;
    if (this.draft.isOpen(key)) return;
    this.begin(r.actor, shootdown, r.now, {});
    if (!this.draft.isOpen(key)) return;
    this.draft.openChild(`step:${shootdown}`, key, r.now, 'clear PTEs', {});
    this.clearing.add(shootdown);
  }

  private begin(actor: number, shootdown: number, tick: number, args: Args): void {
    const key = `shootdown:${shootdown}`;
    const s = this.draft.openSlice(key, actor, 'shootdowns', tick, `shootdown ${shootdown}`, {
      shootdown,
      ...args,
    });
    if (s !== undefined) this.draft.flowStart(s, `sd:${shootdown}`);
    this.held.set(shootdown, 0);
  }

  private op(r: TraceRec): void {
    const a = r.actor;
    const o = AtsdOpMsg.decode(r.m);
    const key = `shootdown:${o.shootdown}`;
    if (!this.draft.isOpen(key)) {
      // Its PTE_CLEAR fell before anything kept; any first op but an acquire holds registers
      // unseen. (With every record of the coordinator kept, its PTE_CLEAR was seen: nothing to do.)
      if (o.op !== 'acquire' || !this.draft.inWindow(r.now) || !this.draft.mayHaveBegunUnseen(a)) return;
      this.begin(a, o.shootdown, this.draft.startTick, { begunBefore: true });
    }
    if (this.clearing.delete(o.shootdown)) this.draft.closeSlice(`step:${o.shootdown}`, r.now);
    if (this.emptied?.shootdown === o.shootdown) this.emptied = undefined;
    const npu = npuOf(this.draft.actorName(r.m.destination));
    if (o.op === 'acquire' || o.op === 'wait') {
      this.draft.openChild(`step:${o.shootdown}`, key, r.depart, `${o.op} ${npu}`, {});
    } else if (o.op === 'release') {
      const held = (this.held.get(o.shootdown) ?? 0) - 1;
      this.held.set(o.shootdown, held);
      if (held <= 0) this.emptied = { shootdown: o.shootdown, now: r.now, actor: a };
    }
  }

  /** An UNMAP_DONE sent: the request whose last release was just sent ends (a refused one: none). */
  private done(r: TraceRec): void {
    const e = this.emptied;
    if (e === undefined || e.now !== r.now || UnmapDoneMsg.decode(r.m).refused) return;
    this.emptied = undefined;
    // At the coordinator's clock, not the release's departure: where the latency is recorded.
    this.draft.closeSlice(`shootdown:${e.shootdown}`, e.now);
    this.draft.flowInstant(
      e.actor,
      'shootdowns',
      e.now,
      'shootdown done',
      { ends: `sd:${e.shootdown}` },
      {
        shootdown: e.shootdown,
      },
    );
  }

  private answer(r: TraceRec): void {
    const shootdown = r.m.tag;
    const acquire = r.m.flags === 1;
    this.draft.closeSlice(`step:${shootdown}`, r.now, acquire ? { reg: r.m.address } : {});
    if (acquire && this.draft.isOpen(`shootdown:${shootdown}`))
      this.held.set(shootdown, (this.held.get(shootdown) ?? 0) + 1);
  }
}
