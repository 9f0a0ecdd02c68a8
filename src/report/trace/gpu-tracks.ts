/**
 * A GPU's tracks in the trace (build-timeline.ts has the table of every track): its DMAs, peer
 * writes and ATS translations, each from the request it sent to the response it handled, paired by
 * the id the messages carry; the ATSD invalidations it was asked for, from the INVALIDATE it
 * handled to the ACK it sent; and the DMAs it has outstanding, a counter of the GPU's own count
 * (its `dmaOutstanding` figure, which each record carries: trace-recorder.ts `level`), the DMAs
 * issued and not yet completed or faulted, what `dma.inFlightAtEnd` counts at the end, so exact
 * from the window's start on, DMAs issued before it included. A DMA, a peer write and a
 * translation each start a flow that the chips' slices continue (chip-tracks.ts) and an instant
 * here ends when the response arrives (on no arrow when its flow began before anything kept).
 *
 * A DMA is drawn from its issue, where the run's `dma.latencyTicks` and `dma.inFlightAtEnd` (and
 * so the counter) count it from (dma-engines.ts): its record there is the message the GPU sent
 * as it issued it (taken at the sender's clock, `now`, not at `depart`, which adds the ATS cache's
 * lookup). A UT=0 DMA that missed the ATS cache sent its ATS request at issue and its DMA request
 * only once the answer came, so:
 * 1. the ATS request opens the DMA's slice (named `DMA ut0`: the request says nothing of the
 *    direction) under the request's id;
 * 2. a failed answer ends it there, a translation fault (dma.fault.translation: no DMA request
 *    ever leaves), with a `DMA complete` instant whose status says so, on no flow;
 * 3. an answer that translated is handled by sending the DMA request and nothing before it
 *    (dma-engines.ts onAtsResponse), so the GPU's next record is that DMA: the slice takes its dma
 *    id and its name there, and its flow starts.
 * Without this the slice began at the DMA request's departure: it left out the translation, and a
 * DMA that faulted in translation or was still translating at the end was never drawn (QA: 1179
 * slices for 1221 DMAs issued, p50 2.29 us against the latency's 3.82 us).
 */
import { K } from '../../model/protocol/kinds.js';
import { AtsResponseMsg } from '../../model/protocol/messages/ats.js';
import {
  DMA_STATUS_NAMES,
  DmaCompleteMsg,
  type DmaRequest,
  DmaRequestMsg,
  DmaStatus,
  type DmaStatusCode,
} from '../../model/protocol/messages/dma.js';
import { hex } from '../../model/types.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import type { Args, TimelineDraft } from './timeline-draft.js';
import { dispatchRecord, type RecordHandlers, type TraceRec } from './trace-records.js';

export const DMA_OUTSTANDING = 'DMA outstanding';

/** The key of a DMA's slice once its dma id is known (the chips' flows use it too). */
const dmaKey = (actor: number, dma: number): string => `dma:${actor}:${dma}`;
/** The key of a UT=0 DMA's slice while it waits for ATS request `request`'s answer. */
const translatingKey = (actor: number, request: number): string => `dma-ats:${actor}:${request}`;

export class GpuTracks {
  /**
   * Per GPU actor: the ATS request whose translated answer is its last record, with that record's
   * clock; the actor's next record, the DMA it let go, takes it (header, step 3).
   */
  private readonly answered = new Map<number, { request: number; now: number }>();

  constructor(
    private readonly draft: TimelineDraft,
    plan: MachinePlan,
  ) {
    for (const a of plan.actors) if (a.kind === 'gpu') draft.levelCounter(a.index, DMA_OUTSTANDING, 'DMAs');
  }

  /** What each record of a GPU actor does, by kind and direction. */
  private readonly on: RecordHandlers = {
    [K.DMA]: { sent: (r) => this.dmaSent(r) },
    [K.DMA_COMPLETE]: { handled: (r) => this.dmaComplete(r) },
    [K.PEER_ACCESS]: { sent: (r) => this.peerWrite(r), handled: (r) => this.peerLands(r) },
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
    const answer = this.answered.get(r.actor);
    this.answered.delete(r.actor);
    if (answer !== undefined && r.sent && r.kind === K.DMA && r.now === answer.now) {
      this.dmaTranslated(r, answer.request);
      return;
    }
    dispatchRecord(this.on, r);
  }

  /** A DMA issued with its request: a UT=1 DMA, or a UT=0 one the ATS cache translated. */
  private dmaSent(r: TraceRec): void {
    const a = r.actor;
    const d = DmaRequestMsg.decode(r.m);
    const key = dmaKey(a, d.dma);
    const s = this.draft.openSlice(key, a, 'DMA', r.now, dmaName(d), dmaArgs(d));
    if (s !== undefined) this.draft.flowStart(s, key);
  }

  /** The DMA request a translated ATS answer let go (header, step 3): counted at its issue already. */
  private dmaTranslated(r: TraceRec, request: number): void {
    const a = r.actor;
    const d = DmaRequestMsg.decode(r.m);
    const key = dmaKey(a, d.dma);
    const args = { ...dmaArgs(d), request };
    let s = this.draft.rekey(translatingKey(a, request), key);
    if (s === undefined && this.draft.inWindow(r.now) && this.draft.mayHaveBegunUnseen(a)) {
      // Its ATS request, its issue, fell before the window.
      s = this.draft.openSlice(key, a, 'DMA', this.draft.startTick, dmaName(d), {
        ...args,
        begunBefore: true,
      });
    }
    if (s === undefined) return;
    s.name = dmaName(d);
    s.args = { ...s.args, ...args };
    this.draft.flowStart(s, key);
  }

  private dmaComplete(r: TraceRec): void {
    const a = r.actor;
    const c = DmaCompleteMsg.decode(r.m);
    const key = dmaKey(a, c.dma);
    const status = DMA_STATUS_NAMES[c.status as DmaStatusCode] ?? String(c.status);
    this.draft.closeOrBegunBefore(key, r.now, { actor: a, group: 'DMA' }, 'DMA', { dma: c.dma, status });
    this.draft.flowInstant(a, 'DMA', r.now, 'DMA complete', { ends: key }, { dma: c.dma, status });
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
    const args = { request: r.m.tag, va: hex(r.m.address) };
    const s = this.draft.openSlice(key, r.actor, 'ATS translations', r.depart, 'ATS translate', args);
    if (s !== undefined) this.draft.flowStart(s, key);
    // The UT=0 DMA issued with this request (header, step 1).
    this.draft.openSlice(translatingKey(r.actor, r.m.tag), r.actor, 'DMA', r.now, 'DMA ut0', args);
  }

  private atsResponse(r: TraceRec): void {
    const key = `ats:${r.actor}:${r.m.tag}`;
    const ok = AtsResponseMsg.decode(r.m).ok;
    if (ok) this.answered.set(r.actor, { request: r.m.tag, now: r.now });
    else this.translationFault(r);
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

  /**
   * No translation: the DMA waiting for it faults, and no DMA request leaves (header, step 2). It
   * ends with a `DMA complete` instant, its status saying why, as a DMA whose completion came
   * back faulted does; on no arrow, since no DMA request ever left to start one.
   */
  private translationFault(r: TraceRec): void {
    const a = r.actor;
    const ends = { request: r.m.tag, status: DMA_STATUS_NAMES[DmaStatus.translationFault] };
    this.draft.closeOrBegunBefore(
      translatingKey(a, r.m.tag),
      r.now,
      { actor: a, group: 'DMA' },
      'DMA ut0',
      ends,
    );
    this.draft.instant(a, 'DMA', r.now, 'DMA complete', ends);
  }

  /**
   * An ATSD from its arrival to its ack. The invalidation itself takes no time; an ATSD that makes
   * the GPU flush is acknowledged only once every DMA the GPU issued before it has completed (the
   * membar rule, theory section 4: model/actors/gpu/invalidation-port.ts), so its slice is that
   * wait and is named so (QA: under dma-storm a 56 us `invalidate range` read as a slow invalidate,
   * not as DMAs ahead of it).
   */
  private invalidate(r: TraceRec): void {
    const m = r.m;
    const flushes = (m.flags & 4) !== 0;
    this.draft.openSlice(
      `inv:${r.actor}:${m.tag}`,
      r.actor,
      'ATSD invalidations',
      r.now,
      flushes ? `${invalidateName(m.flags)}, membar wait` : invalidateName(m.flags),
      {
        npu: Math.floor(m.tag / 8),
        reg: m.tag % 8,
        ...(flushes ? { membar: 'acked once every DMA this GPU issued before it completed' } : {}),
      },
    );
  }
}

function dmaName(d: DmaRequest): string {
  return `DMA ${d.translation} ${d.write ? 'write' : 'read'}`;
}

function dmaArgs(d: DmaRequest): Args {
  return { dma: d.dma, bytes: d.lengthBytes, address: hex(d.address), path: d.path };
}

function invalidateName(flags: number): string {
  const kind = flags & 3;
  return kind === 2 ? 'flush' : kind === 1 ? 'invalidate PID' : 'invalidate range';
}
