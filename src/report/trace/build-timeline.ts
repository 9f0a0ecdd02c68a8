/**
 * From a run's trace records (src/runtime/trace-recorder.ts, cut to a window by trace-window.ts)
 * to a timeline (timeline.ts): what each actor did, derived from the messages it handled and sent,
 * paired by the ids the messages carry. The model is not asked anything: every slice is the time
 * between two messages the machine exchanged anyway.
 *
 * | process     | track                        | slice (or counter)                                      |
 * |-------------|------------------------------|---------------------------------------------------------|
 * | gpuN        | DMA (lanes)                  | DMA sent .. its DMA_COMPLETE handled, by (gpu, dma id)   |
 * | gpuN        | peer writes (lanes)          | PEER_WRITE sent .. PEER_COMPLETE handled, by dma id      |
 * | gpuN        | ATS translations (lanes)     | ATS_REQUEST sent .. ATS_RESPONSE handled, by request id  |
 * | gpuN        | ATSD invalidations (lanes)   | ATSD_INVALIDATE handled .. ATSD_ACK sent, by npu+reg     |
 * | gpuN        | DMA outstanding (counter)    | +1 per DMA sent, -1 per DMA_COMPLETE handled             |
 * | chipN       | DMA landing (lanes)          | DMA handled .. its DMA_COMPLETE sent (X-bus hops too)    |
 * | chipN       | nest MMU walks (lanes)       | ATS_REQUEST handled .. ATS_RESPONSE sent                 |
 * | chipN       | npuN ATSD regK (one each)    | held: ATSD_ANSWER(acquire, K) sent .. ATSD_OP release K  |
 * |             |                              | handled; child: launch handled .. STAT answered          |
 * | chipN       | npuN ATSD registers held     | counter of the above                                     |
 * | coordinator | shootdowns (lanes)           | first ATSD_OP of a shootdown .. the release that leaves  |
 * |             |                              | it no register; children: acquire and wait, each from   |
 * |             |                              | its ATSD_OP to its ATSD_ANSWER                           |
 * | every actor | link LABEL (one per edge out)| each message's serialisation on the link, by kind        |
 * | every actor | in flight LABEL (counter)    | messages sent on the edge and not yet handled (what its  |
 * |             |                              | ring holds, threaded)                                    |
 * | named ones  | findings                     | an instant per violation or liveness failure             |
 *
 * Flows (arrows from request to response): a DMA from the GPU's slice through every chip that
 * handled it to an instant where the completion reached the GPU; a translation from the GPU to
 * the nest MMU walk and back; a shootdown from the coordinator through every register it held
 * to an instant where it finished.
 *
 * Records are taken in clock order across actors, so a flow's id is made by whoever meets the
 * request first and ended by the response. A slice whose start fell before the window is left
 * out; one still open at the window's end ends there, marked `unfinished` (a hang shows so).
 * Counters start from the level implied by the window (completions of DMAs issued before it).
 */

import { messageTypeOf } from '../../model/protocol/catalogue.js';
import { K } from '../../model/protocol/kinds.js';
import { AtsResponseMsg } from '../../model/protocol/messages/ats.js';
import { AtsdOpMsg } from '../../model/protocol/messages/atsd.js';
import {
  DMA_STATUS_NAMES,
  DmaCompleteMsg,
  DmaRequestMsg,
  type DmaStatusCode,
} from '../../model/protocol/messages/dma.js';
import { newMessage, type SimMessage } from '../../model/protocol/sim-message.js';
import type { RunConfig } from '../../model/scenario/workload.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import { R, RECORD_FIELDS, WIRE_BYTES_SHIFT } from '../../runtime/trace-recorder.js';
import type { RunResult } from '../run-result.js';
import {
  type ArgValue,
  counterTrack,
  laneTracks,
  sliceTrack,
  type Timeline,
  type TimelineProcess,
  type TimelineSlice,
  type TimelineTrack,
} from './timeline.js';
import type { TraceWindow } from './trace-window.js';

const PS_PER_S = 1e12;

/** One record, decoded enough to pair it. */
interface Rec {
  actor: number;
  now: number;
  depart: number;
  arrival: number;
  kind: number;
  sent: boolean;
  edge: number;
  edgeCount: number;
  wireBytes: number;
  /** The record as a message, for the protocol's own decoders. */
  m: SimMessage;
}

/** A slice being built: open until its closing message. */
interface Open {
  slice: TimelineSlice;
  /** The flow key it carries, if any. */
  flowKey?: string;
}

export interface TimelineInput {
  plan: MachinePlan;
  config: RunConfig;
  result: RunResult;
  window: TraceWindow;
}

export function buildTimeline(input: TimelineInput): Timeline {
  return new TimelineBuilder(input).build();
}

class TimelineBuilder {
  private readonly plan: MachinePlan;
  private readonly start: number;
  private readonly end: number;
  /** Per actor: lane groups (name -> top-level slices) and fixed tracks. */
  private readonly lanes: Map<string, TimelineSlice[]>[];
  private readonly fixed: Map<string, TimelineTrack>[];
  private readonly counters: Map<string, { deltas: [number, number][]; unit: string }>[];
  private readonly open = new Map<string, Open>();
  private readonly flows = new Map<string, number>();
  private nextFlow = 1;
  /** GPU number (topology) -> actor index. */
  private readonly gpuActor = new Map<number, number>();
  /** chip actor -> shootdown id -> register it waits on (the STAT answer names no register). */
  private readonly waitReg = new Map<string, number>();
  /** coordinator: shootdown id -> registers held now. */
  private readonly held = new Map<number, number>();
  /** Per edge: link busy-until, to place each message's serialisation. */
  private readonly busyUntil: number[];

  constructor(private readonly input: TimelineInput) {
    this.plan = input.plan;
    this.start = input.window.startTick;
    this.end = input.window.endTick;
    this.lanes = this.plan.actors.map(() => new Map());
    this.fixed = this.plan.actors.map(() => new Map());
    this.counters = this.plan.actors.map(() => new Map());
    this.busyUntil = this.plan.edges.map(() => 0);
    for (const a of this.plan.actors) {
      const gpu = /^gpu(\d+)$/.exec(a.name);
      if (gpu !== null) this.gpuActor.set(Number(gpu[1]), a.index);
      // These counters show even when nothing moves them in the window.
      if (a.kind === 'gpu') this.counters[a.index]!.set('DMA outstanding', { deltas: [], unit: 'DMAs' });
      if (a.kind === 'chip') {
        this.counters[a.index]!.set(`${a.name.replace(/^chip/, 'npu')} ATSD registers held`, {
          deltas: [],
          unit: 'registers',
        });
      }
    }
  }

  build(): Timeline {
    const recs = this.mergedRecords();
    for (const r of recs) this.take(r);
    // Whatever is still open ran past the window: it ends there, marked.
    for (const [key, o] of this.open) {
      o.slice.endTick = Math.max(o.slice.startTick, this.end);
      o.slice.args = { ...o.slice.args, unfinished: true };
      if (o.flowKey !== undefined) this.flows.delete(o.flowKey);
      this.open.delete(key);
    }
    this.inFlightCounters(recs);
    this.findings();
    return { processes: this.processes(), startTick: this.start, endTick: this.end };
  }

  /** Every actor's records, in clock order (ties: actor, then the actor's own order). */
  private mergedRecords(): Rec[] {
    const out: Rec[] = [];
    this.input.window.records.forEach((records, actor) => {
      for (let at = 0; at < records.length; at += RECORD_FIELDS) {
        const m = newMessage();
        m.kind = records[at + R.kind]!;
        m.tag = records[at + R.tag]!;
        m.flags = records[at + R.flags]!;
        m.address = records[at + R.address]!;
        const bytes = records[at + R.bytes]!;
        m.lengthBytes = bytes % WIRE_BYTES_SHIFT;
        const edge = records[at + R.edge]!;
        const e = this.plan.edges[edge];
        m.link = edge;
        m.source = e?.from ?? actor;
        m.destination = e?.to ?? actor;
        out.push({
          actor,
          now: records[at + R.now]!,
          depart: records[at + R.depart]!,
          arrival: records[at + R.arrival]!,
          kind: m.kind,
          sent: records[at + R.sent] === 1,
          edge,
          edgeCount: records[at + R.edgeCount]!,
          wireBytes: Math.floor(bytes / WIRE_BYTES_SHIFT),
          m,
        });
      }
    });
    // A stable sort keeps each actor's own order for records at the same clock.
    return out.sort((a, b) => a.now - b.now || a.actor - b.actor);
  }

  private take(r: Rec): void {
    const kind = this.plan.actors[r.actor]?.kind;
    if (r.sent) this.linkSlice(r);
    if (kind === 'gpu') this.gpu(r);
    else if (kind === 'chip') this.chip(r);
    else if (kind === 'coordinator') this.coordinator(r);
  }

  // ---- GPU ----

  private gpu(r: Rec): void {
    const a = r.actor;
    const m = r.m;
    switch (r.kind) {
      case K.DMA:
        if (r.sent) {
          const d = DmaRequestMsg.decode(m);
          const key = `dma:${a}:${d.dma}`;
          const s = this.openSlice(
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
          if (s !== undefined) this.flowStart(s, key);
          this.count(a, 'DMA outstanding', r.depart, +1, 'DMAs');
        }
        return;
      case K.DMA_COMPLETE:
        if (!r.sent) {
          const c = DmaCompleteMsg.decode(m);
          const key = `dma:${a}:${c.dma}`;
          const status = DMA_STATUS_NAMES[c.status as DmaStatusCode] ?? String(c.status);
          this.closeSlice(key, r.now, { status });
          this.instantWithFlowEnd(a, 'DMA', r.now, 'DMA complete', key, { dma: c.dma, status });
          this.count(a, 'DMA outstanding', r.now, -1, 'DMAs');
        }
        return;
      case K.PEER_WRITE:
        if (r.sent) {
          const key = `peer:${a}:${m.tag}`;
          const s = this.openSlice(key, a, 'peer writes', r.depart, 'peer write', {
            dma: m.tag,
            bytes: m.lengthBytes,
            to: this.actorName(m.destination),
          });
          if (s !== undefined) this.flowStart(s, key);
        } else {
          // The receiving GPU: the write lands here (an instant on the flow).
          this.instantOnFlow(a, 'peer writes', r.now, 'peer write lands', `peer:${m.source}:${m.tag}`, {
            from: this.actorName(m.source),
          });
        }
        return;
      case K.PEER_COMPLETE:
        if (!r.sent) {
          const key = `peer:${a}:${m.tag}`;
          this.closeSlice(key, r.now, { status: DMA_STATUS_NAMES[(m.flags & 15) as DmaStatusCode] ?? '' });
          this.instantWithFlowEnd(a, 'peer writes', r.now, 'peer complete', key, { dma: m.tag });
        }
        return;
      case K.ATS_REQUEST:
        if (r.sent) {
          const key = `ats:${a}:${m.tag}`;
          const s = this.openSlice(key, a, 'ATS translations', r.depart, 'ATS translate', {
            request: m.tag,
            va: hex(m.address),
          });
          if (s !== undefined) this.flowStart(s, key);
        }
        return;
      case K.ATS_RESPONSE:
        if (!r.sent) {
          const key = `ats:${a}:${m.tag}`;
          const ok = AtsResponseMsg.decode(m).ok;
          this.closeSlice(key, r.now, { ok });
          this.instantWithFlowEnd(a, 'ATS translations', r.now, 'ATS response', key, { request: m.tag, ok });
        }
        return;
      case K.ATSD_INVALIDATE:
        if (!r.sent) {
          this.openSlice(`inv:${a}:${m.tag}`, a, 'ATSD invalidations', r.now, invalidateName(m.flags), {
            npu: Math.floor(m.tag / 8),
            reg: m.tag % 8,
          });
        }
        return;
      case K.ATSD_ACK:
        if (r.sent) this.closeSlice(`inv:${a}:${m.tag}`, r.depart);
        return;
    }
  }

  // ---- chip (NPU, nest MMU, memory) ----

  private chip(r: Rec): void {
    const a = r.actor;
    const m = r.m;
    const npu = this.plan.actors[a]!.name.replace(/^chip/, 'npu');
    switch (r.kind) {
      case K.DMA:
        if (!r.sent) {
          const d = DmaRequestMsg.decode(m);
          const gpuActor = this.gpuActor.get(d.gpu);
          const flowKey = `dma:${gpuActor}:${d.dma}`;
          const s = this.openSlice(
            `land:${a}:${d.gpu}:${d.dma}`,
            a,
            'DMA landing',
            r.now,
            `DMA ${d.translation}`,
            {
              gpu: d.gpu,
              dma: d.dma,
              from: this.actorName(m.source),
            },
          );
          if (s !== undefined) this.flowThrough(s, flowKey);
        }
        return;
      case K.DMA_COMPLETE:
        if (r.sent) {
          const c = DmaCompleteMsg.decode(m);
          // On the last hop the completion no longer names its GPU: it is the receiver.
          const gpu = this.plan.actors[m.destination]?.kind === 'gpu' ? this.gpuNumber(m.destination) : c.gpu;
          this.closeSlice(`land:${a}:${gpu}:${c.dma}`, r.depart, {
            status: DMA_STATUS_NAMES[c.status as DmaStatusCode] ?? String(c.status),
          });
        }
        return;
      case K.ATS_REQUEST:
        if (!r.sent) {
          const key = `walk:${a}:${m.source}:${m.tag}`;
          const s = this.openSlice(key, a, 'nest MMU walks', r.now, 'nest MMU walk', {
            gpu: this.actorName(m.source),
            request: m.tag,
            va: hex(m.address),
          });
          if (s !== undefined) this.flowThrough(s, `ats:${m.source}:${m.tag}`);
        }
        return;
      case K.ATS_RESPONSE:
        if (r.sent) this.closeSlice(`walk:${a}:${m.destination}:${m.tag}`, r.depart);
        return;
      case K.ATSD_ANSWER:
        if (r.sent) {
          const shootdown = m.tag;
          if (m.flags === 1) {
            // Acquire answered: register `address` is held by the shootdown from now.
            const reg = m.address;
            const s = this.openFixed(
              `reg:${a}:${reg}`,
              a,
              `${npu} ATSD reg${reg}`,
              r.depart,
              `shootdown ${shootdown}`,
              {
                shootdown,
                reg,
              },
            );
            if (s !== undefined) this.flowThrough(s, `sd:${shootdown}`);
            this.count(a, `${npu} ATSD registers held`, r.depart, +1, 'registers');
          } else {
            const reg = this.waitReg.get(`${a}:${shootdown}`);
            if (reg !== undefined) this.closeChild(`launch:${a}:${reg}`, r.depart, { stat: 0 });
          }
        }
        return;
      case K.ATSD_OP:
        if (!r.sent) {
          const o = AtsdOpMsg.decode(m);
          if (o.op === 'launch') {
            this.closeChild(`launch:${a}:${o.reg}`, r.now);
            const p = o.params;
            this.openChild(
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
            this.closeChild(`launch:${a}:${o.reg}`, r.now);
            if (this.closeSlice(`reg:${a}:${o.reg}`, r.now))
              this.count(a, `${npu} ATSD registers held`, r.now, -1, 'registers');
          }
        }
        return;
    }
  }

  // ---- coordinator (the kernels' CPU side) ----

  private coordinator(r: Rec): void {
    const a = r.actor;
    const m = r.m;
    if (r.kind === K.ATSD_OP && r.sent) {
      const o = AtsdOpMsg.decode(m);
      const key = `shootdown:${o.shootdown}`;
      if (!this.open.has(key)) {
        // A shootdown begins with an acquire; any other first op began before the window.
        if (o.op !== 'acquire') return;
        const s = this.openSlice(key, a, 'shootdowns', r.depart, `shootdown ${o.shootdown}`, {
          shootdown: o.shootdown,
        });
        if (s !== undefined) this.flowStart(s, `sd:${o.shootdown}`);
        this.held.set(o.shootdown, 0);
      }
      const npu = this.actorName(m.destination).replace(/^chip/, 'npu');
      if (o.op === 'acquire' || o.op === 'wait') {
        this.openChild(`step:${o.shootdown}`, key, r.depart, `${o.op} ${npu}`, {});
      } else if (o.op === 'release') {
        const held = (this.held.get(o.shootdown) ?? 0) - 1;
        this.held.set(o.shootdown, held);
        if (held <= 0) {
          this.closeSlice(key, r.depart);
          this.instantWithFlowEnd(a, 'shootdowns', r.depart, 'shootdown done', `sd:${o.shootdown}`, {
            shootdown: o.shootdown,
          });
        }
      }
    } else if (r.kind === K.ATSD_ANSWER && !r.sent) {
      const shootdown = m.tag;
      const acquire = m.flags === 1;
      this.closeChild(`step:${shootdown}`, r.now, acquire ? { reg: m.address } : {});
      if (acquire && this.open.has(`shootdown:${shootdown}`))
        this.held.set(shootdown, (this.held.get(shootdown) ?? 0) + 1);
    }
  }

  // ---- links and their rings ----

  /** A message on its link: from when the link starts sending it to when its last byte left. */
  private linkSlice(r: Rec): void {
    const edge = this.plan.edges[r.edge];
    if (edge === undefined) return;
    const start = Math.max(r.depart, this.busyUntil[r.edge]!);
    const end = start + Math.ceil((r.wireBytes * PS_PER_S) / edge.bytesPerSecond);
    this.busyUntil[r.edge] = end;
    const name = messageTypeOf(r.kind)?.name ?? `kind 0x${r.kind.toString(16)}`;
    this.fixedTrack(r.actor, `link ${edge.label}`).slices.push({
      startTick: start,
      endTick: end,
      name,
      args: { bytes: r.wireBytes, arrives: r.arrival },
    });
  }

  /**
   * Messages in flight per edge (sent, not yet handled): what the edge's ring and the receiver's
   * queue hold. From the running counts both ends wrote into their records; an edge shows once it
   * has records at both ends in the window.
   */
  private inFlightCounters(recs: readonly Rec[]): void {
    const events = this.plan.edges.map(() => [] as [number, number, boolean][]);
    for (const r of recs) {
      if (r.edge < 0 || r.edge >= events.length) continue;
      // When the sender handed it over (its clock), not when it left: a message sent with a delay
      // may leave after one sent later, but the counts are in handing-over order.
      events[r.edge]!.push([r.now, r.edgeCount, r.sent]);
    }
    this.plan.edges.forEach((edge, e) => {
      const list = events[e]!.sort((x, y) => x[0] - y[0]);
      const firstSent = list.find((x) => x[2]);
      const firstHandled = list.find((x) => !x[2]);
      if (firstSent === undefined || firstHandled === undefined) return;
      let sent = firstSent[1] - 1;
      let handled = firstHandled[1] - 1;
      const points: [number, number][] = [[this.start, Math.max(0, sent - handled)]];
      for (const [t, count, isSend] of list) {
        if (isSend) sent = count;
        else handled = count;
        pushPoint(points, t, sent - handled);
      }
      this.fixed[edge.from]!.set(
        `in flight ${edge.label}`,
        counterTrack(`in flight ${edge.label}`, points, 'messages'),
      );
    });
  }

  private findings(): void {
    const all = [...this.input.result.violations, ...this.input.result.liveness];
    for (const v of all) {
      if (v.tick < this.start || v.tick >= this.end) continue;
      // A finding names actors, or things inside one ('npu0.reg1', 'shootdown 2'): those go on
      // the coordinator, which runs the shootdowns.
      const named = this.plan.actors.filter((x) => v.actors.includes(x.name)).map((x) => x.index);
      const coordinator = this.plan.actors.find((x) => x.kind === 'coordinator')?.index;
      const actors = named.length > 0 ? named : coordinator === undefined ? [] : [coordinator];
      for (const a of actors) {
        this.fixedTrack(a, 'findings').slices.push({
          startTick: v.tick,
          endTick: v.tick,
          name: v.rule,
          instant: true,
          args: { message: v.message },
        });
      }
    }
  }

  // ---- slices, flows and counters ----

  /** Open a slice on a lane group; undefined if it started before the window. */
  private openSlice(
    key: string,
    actor: number,
    group: string,
    tick: number,
    name: string,
    args: Record<string, ArgValue>,
  ): TimelineSlice | undefined {
    if (tick < this.start || tick >= this.end) return undefined;
    const slice: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    const list = this.lanes[actor]!.get(group) ?? [];
    list.push(slice);
    this.lanes[actor]!.set(group, list);
    this.open.set(key, { slice });
    return slice;
  }

  /** Open a slice on a fixed track (an ATSD register): slices there never overlap. */
  private openFixed(
    key: string,
    actor: number,
    track: string,
    tick: number,
    name: string,
    args: Record<string, ArgValue>,
  ): TimelineSlice | undefined {
    if (tick < this.start || tick >= this.end) return undefined;
    // A register taken again before its release was seen (a release outside the window): end it.
    this.closeSlice(key, tick);
    const slice: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    this.fixedTrack(actor, track).slices.push(slice);
    this.open.set(key, { slice });
    return slice;
  }

  /** Close an open slice; false when none was open (it started before the window). */
  private closeSlice(key: string, tick: number, args?: Record<string, ArgValue>): boolean {
    const o = this.open.get(key);
    if (o === undefined) return false;
    o.slice.endTick = Math.max(o.slice.startTick, Math.min(tick, this.end));
    if (args !== undefined) o.slice.args = { ...o.slice.args, ...args };
    this.open.delete(key);
    for (const c of o.slice.children ?? []) c.endTick = Math.min(c.endTick, o.slice.endTick);
    return true;
  }

  private openChild(
    key: string,
    parentKey: string,
    tick: number,
    name: string,
    args: Record<string, ArgValue>,
  ): void {
    const parent = this.open.get(parentKey);
    if (parent === undefined) return;
    this.closeChild(key, tick);
    const child: TimelineSlice = { startTick: tick, endTick: tick, name, args };
    parent.slice.children = [...(parent.slice.children ?? []), child];
    this.open.set(key, { slice: child });
  }

  private closeChild(key: string, tick: number, args?: Record<string, ArgValue>): void {
    this.closeSlice(key, tick, args);
  }

  private flowStart(slice: TimelineSlice, key: string): void {
    const id = this.nextFlow++;
    this.flows.set(key, id);
    slice.flows = [...(slice.flows ?? []), id];
  }

  private flowThrough(slice: TimelineSlice, key: string): void {
    let id = this.flows.get(key);
    if (id === undefined) {
      id = this.nextFlow++;
      this.flows.set(key, id);
    }
    slice.flows = [...(slice.flows ?? []), id];
  }

  /** An instant on a lane group that continues a flow (the flow goes on after it). */
  private instantOnFlow(
    actor: number,
    group: string,
    tick: number,
    name: string,
    key: string,
    args: Record<string, ArgValue>,
  ): void {
    const id = this.flows.get(key);
    if (id === undefined || tick < this.start || tick >= this.end) return;
    this.pushInstant(actor, group, {
      startTick: tick,
      endTick: tick,
      name,
      instant: true,
      args,
      flows: [id],
    });
  }

  /** An instant that ends a flow: the response reached the requester. */
  private instantWithFlowEnd(
    actor: number,
    group: string,
    tick: number,
    name: string,
    key: string,
    args: Record<string, ArgValue>,
  ): void {
    const id = this.flows.get(key);
    this.flows.delete(key);
    if (id === undefined || tick < this.start || tick >= this.end) return;
    this.pushInstant(actor, group, {
      startTick: tick,
      endTick: tick,
      name,
      instant: true,
      args,
      terminatingFlows: [id],
    });
  }

  private pushInstant(actor: number, group: string, s: TimelineSlice): void {
    // Instants go on a track of their own beside the lanes, so they never split a lane's slices.
    this.fixedTrack(actor, `${group} events`).slices.push(s);
  }

  private count(actor: number, name: string, tick: number, delta: number, unit: string): void {
    if (tick < this.start || tick >= this.end) return;
    const c = this.counters[actor]!.get(name) ?? { deltas: [], unit };
    c.deltas.push([tick, delta]);
    this.counters[actor]!.set(name, c);
  }

  private fixedTrack(actor: number, name: string): TimelineTrack {
    const m = this.fixed[actor]!;
    let t = m.get(name);
    if (t === undefined) {
      t = sliceTrack(name);
      m.set(name, t);
    }
    return t;
  }

  private actorName(index: number): string {
    return this.plan.actors[index]?.name ?? `actor ${index}`;
  }

  private gpuNumber(actor: number): number {
    return Number(/^gpu(\d+)$/.exec(this.actorName(actor))?.[1] ?? -1);
  }

  /**
   * Each actor's tracks, in the order the UI shows them: findings, ATSD registers (every one,
   * used or not: an idle register is a figure too), each lane group with its instants, each
   * outbound link with its in-flight counter, then the actor's other counters.
   */
  private processes(): TimelineProcess[] {
    const registers = this.input.config.params.host.atsdRegisters;
    const byName = (x: [string, unknown], y: [string, unknown]): number =>
      x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
    return this.plan.actors.map((info, a) => {
      const fixed = this.fixed[a]!;
      const tracks: TimelineTrack[] = [];
      const take = (name: string): void => {
        const t = fixed.get(name);
        if (t === undefined) return;
        tracks.push(t);
        fixed.delete(name);
      };
      take('findings');
      if (info.kind === 'chip') {
        const npu = info.name.replace(/^chip/, 'npu');
        for (let reg = 0; reg < registers; reg++) tracks.push(this.fixedTrack(a, `${npu} ATSD reg${reg}`));
        for (let reg = 0; reg < registers; reg++) fixed.delete(`${npu} ATSD reg${reg}`);
      }
      for (const [group, slices] of [...this.lanes[a]!].sort(byName)) {
        tracks.push(...laneTracks(group, slices));
        take(`${group} events`);
      }
      for (const e of this.plan.edges) {
        if (e.from !== a) continue;
        take(`link ${e.label}`);
        take(`in flight ${e.label}`);
      }
      for (const [, t] of [...fixed].sort(byName)) tracks.push(t);
      for (const [name, c] of [...this.counters[a]!].sort(byName)) {
        tracks.push(counterTrack(name, levels(c.deltas, this.start), c.unit));
      }
      for (const t of tracks) t.slices.sort((x, y) => x.startTick - y.startTick || y.endTick - x.endTick);
      return { pid: a + 1, name: info.name, tracks };
    });
  }
}

/** Running level of +1/-1 steps, starting from the least level that never goes below zero. */
function levels(deltas: readonly [number, number][], start: number): [number, number][] {
  let level = 0;
  let min = 0;
  for (const [, d] of deltas) {
    level += d;
    min = Math.min(min, level);
  }
  level = -min;
  const points: [number, number][] = [[start, level]];
  for (const [t, d] of deltas) {
    level += d;
    pushPoint(points, t, level);
  }
  return points;
}

/** Append, keeping one point per tick (the last value at that tick). */
function pushPoint(points: [number, number][], t: number, v: number): void {
  const last = points[points.length - 1];
  if (last !== undefined && last[0] === t) last[1] = v;
  else if (last === undefined || last[1] !== v) points.push([t, v]);
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function invalidateName(flags: number): string {
  const kind = flags & 3;
  return kind === 2 ? 'flush' : kind === 1 ? 'invalidate PID' : 'invalidate range';
}
