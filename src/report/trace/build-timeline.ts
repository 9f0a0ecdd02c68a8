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
 * | gpuN        | peer writes (lanes)          | PEER_WRITE sent .. PEER_COMPLETE handled, by dma id      |
 * | gpuN        | ATS translations (lanes)     | ATS_REQUEST sent .. ATS_RESPONSE handled, by request id  |
 * | gpuN        | ATSD invalidations (lanes)   | ATSD_INVALIDATE handled .. ATSD_ACK sent, by npu+reg     |
 * | gpuN        | DMA outstanding (counter)    | +1 per DMA issued, -1 per DMA_COMPLETE or failed         |
 * |             |                              | ATS_RESPONSE handled                                     |
 * | chipN       | DMA landing (lanes)          | DMA handled .. its DMA_COMPLETE sent (X-bus hops too)    |
 * | chipN       | nest MMU walks (lanes)       | ATS_REQUEST handled .. ATS_RESPONSE sent                 |
 * | chipN       | npuN ATSD regK (one each)    | held: ATSD_ANSWER(acquire, K) sent .. ATSD_OP release K  |
 * |             |                              | handled; child: launch handled .. STAT answered          |
 * | chipN       | npuN ATSD registers held     | counter of the above                                     |
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
 * request first and ended by the response. A slice whose start fell before the window and whose
 * end is in it starts at the window's start, marked `begunBefore` (a register held since earlier:
 * the hold a first finding is often about); one still open at the window's end, or whose closing
 * message departs after it, ends there, marked `unfinished` (a hang shows so); one spanning the
 * whole window left no record in it and is not drawn. A coordinator's shootdown begun before the
 * window is drawn only when its first acquire is in it (how many registers one begun earlier
 * holds is not in the window). Counters start from the level implied by the window
 * (completions of DMAs issued before it, releases of registers taken before it).
 *
 * Here: the records merged in clock order (trace-records.ts), each handed to its link
 * (link-tracks.ts) and to its actor's kind (gpu-tracks.ts, chip-tracks.ts, shootdown-tracks.ts),
 * which open and close slices on one draft (timeline-draft.ts); then the findings, and each
 * actor's tracks in the order the UI shows them.
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
  const recs = mergeTraceRecords(window.records, plan);
  for (const r of recs) {
    const kind = plan.actors[r.actor]?.kind;
    if (r.sent) links.sent(r);
    if (kind === 'gpu') gpus.take(r);
    else if (kind === 'chip') chips.take(r);
    else if (kind === 'coordinator') shootdowns.take(r);
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
