/**
 * A chip's tracks in the trace (build-timeline.ts has the table of every track): the DMAs landing
 * on it (from the DMA it handled to the completion it sent, X-bus hops included), its nest MMU
 * walks (from the ATS request handled to the response sent), and its NPU's ATSD registers, one
 * track each: held from the acquire it answered to the release it handled, with each launch a
 * child up to the STAT it answered, and a counter of the registers held: the NPU's own count
 * (`atsdRegistersLocked`, which each record carries: trace-recorder.ts `level`), so exact from the
 * window's start on, holds begun before it included (a release of a bit already clear, under the
 * stale index of `release-between-flushes`, moves it not, as it moves no register). The landings
 * and walks continue the GPUs' flows (gpu-tracks.ts); a held register continues its shootdown's
 * flow (shootdown-tracks.ts).
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
  /** chip actor:register -> the name of its last launch (`launch`, `launch flush`). */
  private readonly launchName = new Map<string, string>();
  /** The keys of the register holds open now that were drawn from the window's start (holdBegunBefore). */
  private readonly begunBefore = new Set<string>();

  constructor(
    private readonly draft: TimelineDraft,
    private readonly plan: MachinePlan,
  ) {
    for (const a of plan.actors) {
      const gpu = /^gpu(\d+)$/.exec(a.name);
      if (gpu !== null) this.gpuActor.set(Number(gpu[1]), a.index);
      if (a.kind === 'chip') draft.levelCounter(a.index, registersHeld(npuOf(a.name)), 'registers');
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

  /**
   * A coordinator's record: an ATSD_OP it sent names the register its wait polls and the kind of
   * its launch, which the chip's own records may lack (its ring dropped them: the STAT answer
   * names no register), so the launch a STAT answer ends is known all the same.
   */
  coordinator(r: TraceRec): void {
    if (r.kind !== K.ATSD_OP || !r.sent) return;
    const o = AtsdOpMsg.decode(r.m);
    const chip = r.m.destination;
    if (o.op === 'wait') this.waitReg.set(`${chip}:${o.shootdown}`, o.reg);
    else if (o.op === 'launch') this.launchName.set(`${chip}:${o.reg}`, launchName(o.params.flushOnly));
  }

  /** An acquire answered: register `address` is held by the shootdown from now. A STAT answered: its launch ends. */
  private answer(r: TraceRec): void {
    const a = r.actor;
    const shootdown = r.m.tag;
    if (r.m.flags !== 1) {
      const reg = this.waitReg.get(`${a}:${shootdown}`);
      if (reg === undefined) return;
      const key = `launch:${a}:${reg}`;
      if (this.draft.closeSlice(key, r.depart, { stat: 0 }) || !this.draft.inWindow(r.depart)) return;
      // No launch open: this chip's records begin after it (the hold too, or its hold is one
      // drawn from the window's start already): it ran from before the window to here.
      if (!this.holdBegunBefore(a, reg, shootdown)) return;
      this.draft.openChild(
        key,
        `reg:${a}:${reg}`,
        this.draft.startTick,
        this.launchName.get(`${a}:${reg}`) ?? 'launch',
        { begunBefore: true },
      );
      this.draft.closeSlice(key, r.depart, { stat: 0 });
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
    this.begunBefore.delete(`reg:${a}:${reg}`);
    if (s !== undefined) this.draft.flowThrough(s, `sd:${shootdown}`);
  }

  /**
   * Register `reg` of chip `a` is held by `shootdown` from before anything this chip kept (an op
   * on it came with no acquire answered before): its hold is drawn from the window's start, as
   * its release would draw it (closeOrBegunBefore), so what happens on it inside the window (a
   * launch) is drawn inside it. True when that hold is the one open now, false when the register
   * is held by a hold whose acquire was kept, or when this chip's records go back to the run's
   * start (nothing began unseen: a launch on a register nobody holds, under the stale index, is
   * drawn nowhere, as before).
   */
  private holdBegunBefore(a: number, reg: number, shootdown: number): boolean {
    const key = `reg:${a}:${reg}`;
    if (this.begunBefore.has(key)) return true;
    if (this.draft.isOpen(key) || !this.draft.mayHaveBegunUnseen(a)) return false;
    const npu = npuOf(this.draft.actorName(a));
    // Before the window (a record it replays), it opens where the draft cuts it to the start.
    this.draft.openFixed(
      key,
      a,
      atsdRegisterTrack(npu, reg),
      this.draft.startTick,
      `shootdown ${shootdown}`,
      {
        shootdown,
        reg,
        begunBefore: true,
      },
    );
    this.begunBefore.add(key);
    return true;
  }

  private op(r: TraceRec): void {
    const a = r.actor;
    const o = AtsdOpMsg.decode(r.m);
    if (o.op === 'launch') {
      this.draft.closeSlice(`launch:${a}:${o.reg}`, r.now);
      if (this.draft.inWindow(r.now)) this.holdBegunBefore(a, o.reg, o.shootdown);
      const p = o.params;
      this.launchName.set(`${a}:${o.reg}`, launchName(p.flushOnly));
      this.draft.openChild(`launch:${a}:${o.reg}`, `reg:${a}:${o.reg}`, r.now, launchName(p.flushOnly), {
        target: p.target.kind,
        flush: p.flush,
      });
    } else if (o.op === 'wait') {
      this.waitReg.set(`${a}:${o.shootdown}`, o.reg);
    } else if (o.op === 'release') {
      this.draft.closeSlice(`launch:${a}:${o.reg}`, r.now);
      const npu = npuOf(this.draft.actorName(a));
      this.begunBefore.delete(`reg:${a}:${o.reg}`);
      this.draft.closeOrBegunBefore(
        `reg:${a}:${o.reg}`,
        r.now,
        { actor: a, track: atsdRegisterTrack(npu, o.reg) },
        `shootdown ${o.shootdown}`,
        { shootdown: o.shootdown, reg: o.reg },
      );
    }
  }

  private gpuNumber(actor: number): number {
    return Number(/^gpu(\d+)$/.exec(this.draft.actorName(actor))?.[1] ?? -1);
  }
}

function launchName(flushOnly: boolean): string {
  return flushOnly ? 'launch flush' : 'launch';
}
