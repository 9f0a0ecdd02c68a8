/**
 * The coordinator's shootdowns in the trace (build-timeline.ts has the table of every track): a
 * shootdown is a slice from its first ATSD_OP (an acquire; any other first op began before the
 * window) to the release that leaves it no register, with a child for each acquire and wait, from
 * the op sent to its ATSD_ANSWER. Each shootdown starts a flow through every register it held
 * (chip-tracks.ts) to an instant where it finished.
 */
import { K } from '../../model/protocol/kinds.js';
import { AtsdOpMsg } from '../../model/protocol/messages/atsd.js';
import { npuOf } from './chip-tracks.js';
import type { TimelineDraft } from './timeline-draft.js';
import type { TraceRec } from './trace-records.js';

export class ShootdownTracks {
  /** Shootdown id -> registers it holds now. */
  private readonly held = new Map<number, number>();

  constructor(private readonly draft: TimelineDraft) {}

  /** One record of the coordinator. */
  take(r: TraceRec): void {
    if (r.kind === K.ATSD_OP && r.sent) this.op(r);
    else if (r.kind === K.ATSD_ANSWER && !r.sent) this.answer(r);
  }

  private op(r: TraceRec): void {
    const a = r.actor;
    const o = AtsdOpMsg.decode(r.m);
    const key = `shootdown:${o.shootdown}`;
    if (!this.draft.isOpen(key)) {
      // A shootdown begins with an acquire; any other first op began before the window.
      if (o.op !== 'acquire') return;
      const s = this.draft.openSlice(key, a, 'shootdowns', r.depart, `shootdown ${o.shootdown}`, {
        shootdown: o.shootdown,
      });
      if (s !== undefined) this.draft.flowStart(s, `sd:${o.shootdown}`);
      this.held.set(o.shootdown, 0);
    }
    const npu = npuOf(this.draft.actorName(r.m.destination));
    if (o.op === 'acquire' || o.op === 'wait') {
      this.draft.openChild(`step:${o.shootdown}`, key, r.depart, `${o.op} ${npu}`, {});
    } else if (o.op === 'release') {
      const held = (this.held.get(o.shootdown) ?? 0) - 1;
      this.held.set(o.shootdown, held);
      if (held <= 0) {
        this.draft.closeSlice(key, r.depart);
        this.draft.flowInstant(
          a,
          'shootdowns',
          r.depart,
          'shootdown done',
          { ends: `sd:${o.shootdown}` },
          {
            shootdown: o.shootdown,
          },
        );
      }
    }
  }

  private answer(r: TraceRec): void {
    const shootdown = r.m.tag;
    const acquire = r.m.flags === 1;
    this.draft.closeSlice(`step:${shootdown}`, r.now, acquire ? { reg: r.m.address } : {});
    if (acquire && this.draft.isOpen(`shootdown:${shootdown}`))
      this.held.set(shootdown, (this.held.get(shootdown) ?? 0) + 1);
  }
}
