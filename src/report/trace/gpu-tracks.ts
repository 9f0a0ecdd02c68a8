/**
 * A GPU's tracks in the trace (build-timeline.ts has the table of every track): its DMAs, peer
 * writes and ATS translations, each from the request it sent to the response it handled, paired by
 * the id the messages carry; the ATSD invalidations it was asked for, from the INVALIDATE it
 * handled to the ACK it sent; and the DMAs it has outstanding. A DMA, a peer write and a
 * translation each start a flow that the chips' slices continue (chip-tracks.ts) and an instant
 * here ends when the response arrives.
 */
import { K } from '../../model/protocol/kinds.js';
import { AtsResponseMsg } from '../../model/protocol/messages/ats.js';
import {
  DMA_STATUS_NAMES,
  DmaCompleteMsg,
  DmaRequestMsg,
  type DmaStatusCode,
} from '../../model/protocol/messages/dma.js';
import { hex } from '../../model/types.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import type { TimelineDraft } from './timeline-draft.js';
import { dispatchRecord, type RecordHandlers, type TraceRec } from './trace-records.js';

export const DMA_OUTSTANDING = 'DMA outstanding';

export class GpuTracks {
  constructor(
    private readonly draft: TimelineDraft,
    plan: MachinePlan,
  ) {
    for (const a of plan.actors) if (a.kind === 'gpu') draft.declareCounter(a.index, DMA_OUTSTANDING, 'DMAs');
  }

  /** What each record of a GPU actor does, by kind and direction. */
  private readonly on: RecordHandlers = {
    [K.DMA]: { sent: (r) => this.dmaSent(r) },
    [K.DMA_COMPLETE]: { handled: (r) => this.dmaComplete(r) },
    [K.PEER_WRITE]: { sent: (r) => this.peerWrite(r), handled: (r) => this.peerLands(r) },
    [K.PEER_COMPLETE]: { handled: (r) => this.peerComplete(r) },
    [K.ATS_REQUEST]: { sent: (r) => this.atsRequest(r) },
    [K.ATS_RESPONSE]: { handled: (r) => this.atsResponse(r) },
    [K.ATSD_INVALIDATE]: { handled: (r) => this.invalidate(r) },
    [K.ATSD_ACK]: {
      sent: (r) =>
        this.draft.closeOrBegunBefore(
          `inv:${r.actor}:${r.m.tag}`,
          r.depart,
          { actor: r.actor, group: 'ATSD invalidations' },
          'ATSD invalidation',
          { npu: Math.floor(r.m.tag / 8), reg: r.m.tag % 8 },
        ),
    },
  };

  /** One record of a GPU actor. */
  take(r: TraceRec): void {
    dispatchRecord(this.on, r);
  }

  private dmaSent(r: TraceRec): void {
    const a = r.actor;
    const d = DmaRequestMsg.decode(r.m);
    const key = `dma:${a}:${d.dma}`;
    const s = this.draft.openSlice(
      key,
      a,
      'DMA',
      r.depart,
      `DMA ${d.translation} ${d.write ? 'write' : 'read'}`,
      {
        dma: d.dma,
        bytes: d.lengthBytes,
        address: hex(d.address),
        path: d.path,
      },
    );
    if (s !== undefined) this.draft.flowStart(s, key);
    this.draft.count(a, DMA_OUTSTANDING, r.depart, +1, 'DMAs');
  }

  private dmaComplete(r: TraceRec): void {
    const a = r.actor;
    const c = DmaCompleteMsg.decode(r.m);
    const key = `dma:${a}:${c.dma}`;
    const status = DMA_STATUS_NAMES[c.status as DmaStatusCode] ?? String(c.status);
    this.draft.closeOrBegunBefore(key, r.now, { actor: a, group: 'DMA' }, 'DMA', { dma: c.dma, status });
    this.draft.flowInstant(a, 'DMA', r.now, 'DMA complete', { ends: key }, { dma: c.dma, status });
    this.draft.count(a, DMA_OUTSTANDING, r.now, -1, 'DMAs');
  }

  private peerWrite(r: TraceRec): void {
    const key = `peer:${r.actor}:${r.m.tag}`;
    const s = this.draft.openSlice(key, r.actor, 'peer writes', r.depart, 'peer write', {
      dma: r.m.tag,
      bytes: r.m.lengthBytes,
      to: this.draft.actorName(r.m.destination),
    });
    if (s !== undefined) this.draft.flowStart(s, key);
  }

  /** The receiving GPU: the write lands here (an instant on the writer's flow). */
  private peerLands(r: TraceRec): void {
    const m = r.m;
    this.draft.flowInstant(
      r.actor,
      'peer writes',
      r.now,
      'peer write lands',
      { through: `peer:${m.source}:${m.tag}` },
      {
        from: this.draft.actorName(m.source),
      },
    );
  }

  private peerComplete(r: TraceRec): void {
    const key = `peer:${r.actor}:${r.m.tag}`;
    const status = DMA_STATUS_NAMES[(r.m.flags & 15) as DmaStatusCode] ?? '';
    this.draft.closeOrBegunBefore(key, r.now, { actor: r.actor, group: 'peer writes' }, 'peer write', {
      dma: r.m.tag,
      status,
    });
    this.draft.flowInstant(r.actor, 'peer writes', r.now, 'peer complete', { ends: key }, { dma: r.m.tag });
  }

  private atsRequest(r: TraceRec): void {
    const key = `ats:${r.actor}:${r.m.tag}`;
    const s = this.draft.openSlice(key, r.actor, 'ATS translations', r.depart, 'ATS translate', {
      request: r.m.tag,
      va: hex(r.m.address),
    });
    if (s !== undefined) this.draft.flowStart(s, key);
  }

  private atsResponse(r: TraceRec): void {
    const key = `ats:${r.actor}:${r.m.tag}`;
    const ok = AtsResponseMsg.decode(r.m).ok;
    this.draft.closeOrBegunBefore(
      key,
      r.now,
      { actor: r.actor, group: 'ATS translations' },
      'ATS translate',
      {
        request: r.m.tag,
        ok,
      },
    );
    this.draft.flowInstant(
      r.actor,
      'ATS translations',
      r.now,
      'ATS response',
      { ends: key },
      {
        request: r.m.tag,
        ok,
      },
    );
  }

  private invalidate(r: TraceRec): void {
    const m = r.m;
    this.draft.openSlice(
      `inv:${r.actor}:${m.tag}`,
      r.actor,
      'ATSD invalidations',
      r.now,
      invalidateName(m.flags),
      {
        npu: Math.floor(m.tag / 8),
        reg: m.tag % 8,
      },
    );
  }
}

function invalidateName(flags: number): string {
  const kind = flags & 3;
  return kind === 2 ? 'flush' : kind === 1 ? 'invalidate PID' : 'invalidate range';
}
