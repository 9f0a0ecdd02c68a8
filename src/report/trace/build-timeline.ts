/**
 * From a run's trace records (src/runtime/trace-recorder.ts, cut to a window by trace-window.ts)
 * to a timeline (timeline.ts): what each actor did, derived from the messages it handled and sent,
 * paired by the ids the messages carry. The model is not asked anything: every slice is the time
 * between two messages the machine exchanged anyway.
 *
 * | process     | track                        | slice (or counter)                                      |
 * |-------------|------------------------------|---------------------------------------------------------|
 * | gpuN        | DMA (lanes)                  | issue: DMA sent, or (UT=0, ATS cache missed) ATS_REQUEST |
 * |             |                              | sent .. its DMA_COMPLETE handled, by (gpu, dma id), or a |
 * |             |                              | failed ATS_RESPONSE handled (gpu-tracks.ts)              |
 * | gpuN        | peer writes (lanes)          | PEER_ACCESS sent .. PEER_COMPLETE handled, by dma id     |
 * | gpuN        | ATS translations (lanes)     | ATS_REQUEST sent .. ATS_RESPONSE handled, by request id  |
 * | gpuN        | ATSD invalidations (lanes)   | ATSD_INVALIDATE handled .. ATSD_ACK sent, by npu+reg     |
 * | gpuN        | DMA outstanding (counter)    | DMAs issued, not yet completed or faulted: the GPU's own |
 * |             |                              | count (each record's level), up at each DMA issued, down |
 * |             |                              | at each DMA_COMPLETE or failed ATS_RESPONSE handled      |
 * | chipN       | DMA landing (lanes)          | DMA handled .. its DMA_COMPLETE sent (X-bus hops too)    |
 * | chipN       | nest MMU walks (lanes)       | ATS_REQUEST handled .. ATS_RESPONSE sent                 |
 * | chipN       | npuN ATSD regK (one each)    | held: ATSD_ANSWER(acquire, K) sent .. ATSD_OP release K  |
 * |             |                              | handled; child: launch handled .. STAT answered          |
 * | chipN       | npuN ATSD registers held     | counter of the above: the NPU's own count (each record's |
 * |             |                              | level)                                                   |
 * | coordinator | shootdowns (lanes)           | first PTE_CLEAR of a request .. the release that leaves  |
 * |             |                              | its last mmio_invalidate no register (a munmap runs two, |
 * |             |                              | a migration one a page; shootdown.latencyTicks, one per  |
 * |             |                              | shootdown.requests); children: clear                     |
 * |             |                              | PTEs to the first ATSD_OP, then acquire and wait, each   |
 * |             |                              | from its ATSD_OP to its ATSD_ANSWER                      |
 * | every actor | link LABEL (one per edge out)| each message's serialisation on the link, by kind        |
 * | every actor | in flight LABEL (counter)    | messages that left on the edge and not yet handled (what |
 * |             |                              | its ring holds, threaded)                                |
 * | named ones  | findings                     | an instant per violation or liveness failure kept (each actor keeps its first 50; the rest are only counted) |
 *
 * Flows (arrows from request to response): a DMA from the GPU's slice through every chip that
 * handled it to an instant where the completion reached the GPU (a DMA that faulted in
 * translation sent nothing, so its end instant is on no flow); a translation from the GPU to
 * the nest MMU walk and back; a shootdown from the coordinator through every register it held
 * to an instant where it finished.
 *
 * Records are taken in clock order across actors, so a flow's id is made by whoever meets the
 * request first and ended by the response. The records each actor still has from before the
 * window (TraceWindow.before: its ring's older records, and the sends it dropped while their link
 * still held them) are taken first, drawing nothing before the start, so that what happens inside
 * the window is drawn as a trace of the whole run draws it there: a slice open at the window's
 * start (a register held since earlier: the hold a first finding is often about; even one held
 * across the whole window) starts there, marked `begunBefore`, its children and flows with it; a
 * message sent before the window and on its link in it is drawn there. A slice whose opening
 * message no actor kept at all starts at the window's start, marked `begunBefore`, when the
 * message that ends it is in the window; an instant whose flow began before anything kept is
 * drawn on no arrow. One still open at the window's end, or whose closing message departs after
 * it, ends there, marked `unfinished` (a hang shows so). A coordinator's shootdown whose PTE
 * clear no record kept is drawn only when its first acquire is in the window (how many registers
 * one begun earlier holds is not in the window). The counters are the model's own levels, which
 * each record carries (trace-recorder.ts `level`): exact at every point of the window, what was
 * open at its start included.
 *
 * Here: the records merged in clock order (trace-records.ts), each handed to its link
 * (link-tracks.ts) and to its actor's kind (gpu-tracks.ts, chip-tracks.ts, shootdown-tracks.ts),
 * which open and close slices on one draft (timeline-draft.ts), and its level to the draft; then
 * the findings, and each actor's tracks in the order the UI shows them.
 */

import type { RunConfig } from '../../model/scenario/run-config.js';
import type { MachinePlan } from '../../runtime/machine-module.js';
import type { RunResult } from '../run-result.js';
import { atsdRegisterTrack, ChipTracks, npuOf } from './chip-tracks.js';
import { GpuTracks } from './gpu-tracks.js';
import { LinkTracks } from './link-tracks.js';
import { ShootdownTracks } from './shootdown-tracks.js';
import type { Timeline } from './timeline.js';
import { TimelineDraft } from './timeline-draft.js';
import { mergeTraceRecords } from './trace-records.js';
import type { TraceWindow } from './trace-window.js';

export interface TimelineInput {
  plan: MachinePlan;
  config: RunConfig;
  result: RunResult;
  window: TraceWindow;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const { plan, window } = input;
  const draft = new TimelineDraft(plan, window);
  const links = new LinkTracks(draft, plan);
  const gpus = new GpuTracks(draft, plan);
  const chips = new ChipTracks(draft, plan);
  const shootdowns = new ShootdownTracks(draft);
  // The records before the window first (they draw nothing before its start: timeline-draft.ts),
  // then the window's; each actor's in its own order.
  const recs = mergeTraceRecords(
    window.records.map((r, a) => withBefore(window.before[a], r)),
    plan,
  );
  for (const r of recs) {
    const kind = plan.actors[r.actor]?.kind;
    if (r.sent) links.sent(r);
    if (kind === 'gpu') gpus.take(r);
    else if (kind === 'chip') chips.take(r);
    else if (kind === 'coordinator') {
      shootdowns.take(r);
      chips.coordinator(r);
    }
    draft.level(r.actor, r.now, r.level);
  }
  draft.closeUnfinished();
  links.finish(recs);
  findings(draft, input);
  // Every ATSD register shows, used or not: an idle register is a figure too.
  const registers = input.config.params.host.atsdRegisters;
  const pinned = (a: number): string[] =>
    plan.actors[a]?.kind === 'chip'
      ? Array.from({ length: registers }, (_, reg) => atsdRegisterTrack(npuOf(plan.actors[a]!.name), reg))
      : [];
  return { processes: draft.processes(pinned), startTick: window.startTick, endTick: window.endTick };
}

/** An actor's records before the window, then those in it (one list, in its own order). */
function withBefore(before: Float64Array | undefined, records: Float64Array): Float64Array {
  if (before === undefined || before.length === 0) return records;
  const out = new Float64Array(before.length + records.length);
  out.set(before);
  out.set(records, before.length);
  return out;
}

/**
 * An instant per violation or liveness failure in the window, on each actor it names, and one per
 * crash on the actor that threw. A finding that names only things inside an actor ('npu0.reg1',
 * 'shootdown 2') goes on the coordinator, which runs the shootdowns, as does a crash that names no
 * actor of the plan (a worker that died).
 */
function findings(draft: TimelineDraft, { plan, result }: TimelineInput): void {
  const coordinator = plan.actors.find((x) => x.kind === 'coordinator')?.index;
  const crash = result.crash;
  if (crash !== undefined && draft.inWindow(crash.tick)) {
    const at = plan.actors.find((x) => x.name === crash.actor)?.index ?? coordinator;
    if (at !== undefined) {
      draft.fixedTrack(at, 'findings').slices.push({
        startTick: crash.tick,
        endTick: crash.tick,
        name: 'crash',
        instant: true,
        args: { message: crash.message },
      });
    }
  }
  for (const v of [...result.violations, ...result.liveness]) {
    if (!draft.inWindow(v.tick)) continue;
    const named = plan.actors.filter((x) => v.actors.includes(x.name)).map((x) => x.index);
    const actors = named.length > 0 ? named : coordinator === undefined ? [] : [coordinator];
    for (const a of actors) {
      draft.fixedTrack(a, 'findings').slices.push({
        startTick: v.tick,
        endTick: v.tick,
        name: v.rule,
        instant: true,
        args: { message: v.message },
      });
    }
  }
}
