/**
 * A chip's tracks in the trace (build-timeline.ts has the table of every track): the DMAs landing
 * on it (from the DMA it handled to the completion it sent, X-bus hops included), its nest MMU
 * walks (from the ATS request handled to the response sent), and its NPU's ATSD registers, one
 * track each: held from the acquire it answered to the release it handled, with each launch a
 * child up to the STAT it answered, and a counter of the registers held. The landings and walks
 * continue the GPUs' flows (gpu-tracks.ts); a held register continues its shootdown's flow
 * (shootdown-tracks.ts).
 */
import { K } from '../../model/protocol/kinds.js';
import { AtsdOpMsg } from '../../model/protocol/messages/atsd.js';
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

/** The NPU of a chip actor, as the tracks name it: chip0 -> npu0. */
export function npuOf(chipName: string): string {
  return chipName.replace(/^chip/, 'npu');
}

/** The track of one ATSD register of an NPU. */
export function atsdRegisterTrack(npu: string, reg: number): string {
  return `${npu} ATSD reg${reg}`;
}

function registersHeld(npu: string): string {
  return `${npu} ATSD registers held`;
}

export class ChipTracks {
  /** GPU number (topology) -> actor index. */
  private readonly gpuActor = new Map<number, number>();
  /** chip actor:shootdown id -> register it waits on (the STAT answer names no register). */
  private readonly waitReg = new Map<string, number>();

  constructor(
    private readonly draft: TimelineDraft,
    private readonly plan: MachinePlan,
  ) {
    for (const a of plan.actors) {
      const gpu = /^gpu(\d+)$/.exec(a.name);
      if (gpu !== null) this.gpuActor.set(Number(gpu[1]), a.index);
      if (a.kind === 'chip') draft.declareCounter(a.index, registersHeld(npuOf(a.name)), 'registers');
    }
  }

  /** What each record of a chip actor does, by kind and direction. */
  private readonly on: RecordHandlers = {
    [K.DMA]: { handled: (r) => this.dmaLands(r) },
    [K.DMA_COMPLETE]: { sent: (r) => this.dmaLanded(r) },
    [K.ATS_REQUEST]: { handled: (r) => this.walk(r) },
    [K.ATS_RESPONSE]: {
      sent: (r) =>
        this.draft.closeOrBegunBefore(
          `walk:${r.actor}:${r.m.destination}:${r.m.tag}`,
          r.depart,
          { actor: r.actor, group: 'nest MMU walks' },
          'nest MMU walk',
          { gpu: this.draft.actorName(r.m.destination), request: r.m.tag },
        ),
    },
    [K.ATSD_ANSWER]: { sent: (r) => this.answer(r) },
    [K.ATSD_OP]: { handled: (r) => this.op(r) },
  };

  /** One record of a chip actor. */
  take(r: TraceRec): void {
    dispatchRecord(this.on, r);
  }

  private dmaLands(r: TraceRec): void {
    const a = r.actor;
    const d = DmaRequestMsg.decode(r.m);
    const flowKey = `dma:${this.gpuActor.get(d.gpu)}:${d.dma}`;
    const s = this.draft.openSlice(
      `land:${a}:${d.gpu}:${d.dma}`,
      a,
      'DMA landing',
      r.now,
      `DMA ${d.translation}`,
      {
        gpu: d.gpu,
        dma: d.dma,
        from: this.draft.actorName(r.m.source),
      },
    );
    if (s !== undefined) this.draft.flowThrough(s, flowKey);
  }

  private dmaLanded(r: TraceRec): void {
    const m = r.m;
    const c = DmaCompleteMsg.decode(m);
    // On the last hop the completion no longer names its GPU: it is the receiver.
    const gpu = this.plan.actors[m.destination]?.kind === 'gpu' ? this.gpuNumber(m.destination) : c.gpu;
    this.draft.closeOrBegunBefore(
      `land:${r.actor}:${gpu}:${c.dma}`,
      r.depart,
      { actor: r.actor, group: 'DMA landing' },
      'DMA',
      { gpu: gpu ?? -1, dma: c.dma, status: DMA_STATUS_NAMES[c.status as DmaStatusCode] ?? String(c.status) },
    );
  }

  private walk(r: TraceRec): void {
    const m = r.m;
    const key = `walk:${r.actor}:${m.source}:${m.tag}`;
    const s = this.draft.openSlice(key, r.actor, 'nest MMU walks', r.now, 'nest MMU walk', {
      gpu: this.draft.actorName(m.source),
      request: m.tag,
      va: hex(m.address),
    });
    if (s !== undefined) this.draft.flowThrough(s, `ats:${m.source}:${m.tag}`);
  }

  /** An acquire answered: register `address` is held by the shootdown from now. A STAT answered: its launch ends. */
  private answer(r: TraceRec): void {
    const a = r.actor;
    const shootdown = r.m.tag;
    if (r.m.flags !== 1) {
      const reg = this.waitReg.get(`${a}:${shootdown}`);
      if (reg !== undefined) this.draft.closeSlice(`launch:${a}:${reg}`, r.depart, { stat: 0 });
      return;
    }
    const reg = r.m.address;
    const npu = npuOf(this.draft.actorName(a));
    const s = this.draft.openFixed(
      `reg:${a}:${reg}`,
      a,
      atsdRegisterTrack(npu, reg),
      r.depart,
      `shootdown ${shootdown}`,
      {
        shootdown,
        reg,
      },
    );
    if (s !== undefined) this.draft.flowThrough(s, `sd:${shootdown}`);
    this.draft.count(a, registersHeld(npu), r.depart, +1, 'registers');
  }

  private op(r: TraceRec): void {
    const a = r.actor;
    const o = AtsdOpMsg.decode(r.m);
    if (o.op === 'launch') {
      this.draft.closeSlice(`launch:${a}:${o.reg}`, r.now);
      const p = o.params;
      this.draft.openChild(
        `launch:${a}:${o.reg}`,
        `reg:${a}:${o.reg}`,
        r.now,
        p.flushOnly ? 'launch flush' : 'launch',
        {
          target: p.target.kind,
          flush: p.flush,
        },
      );
    } else if (o.op === 'wait') {
      this.waitReg.set(`${a}:${o.shootdown}`, o.reg);
    } else if (o.op === 'release') {
      this.draft.closeSlice(`launch:${a}:${o.reg}`, r.now);
      const npu = npuOf(this.draft.actorName(a));
      this.draft.closeOrBegunBefore(
        `reg:${a}:${o.reg}`,
        r.now,
        { actor: a, track: atsdRegisterTrack(npu, o.reg) },
        `shootdown ${o.shootdown}`,
        { shootdown: o.shootdown, reg: o.reg },
      );
      // Every release steps the count down, a hold taken before the window too: the counter then
      // starts from the holds the window's releases imply (timeline-draft.ts levels).
      this.draft.count(a, registersHeld(npu), r.now, -1, 'registers');
    }
  }

  private gpuNumber(actor: number): number {
    return Number(/^gpu(\d+)$/.exec(this.draft.actorName(actor))?.[1] ?? -1);
  }
}
