/**
 * TimelineDraft cuts every slice to its window [startTick, endTick): what it marks `unfinished`
 * and what it leaves unmarked, whichever way a slice reaches the window's end.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineSlice } from '../../src/report/trace/timeline.js';
import { TimelineDraft } from '../../src/report/trace/timeline-draft.js';
import type { MachinePlan } from '../../src/runtime/machine-module.js';

const plan: MachinePlan = { actors: [{ index: 0, name: 'chip0', kind: 'chip' }], edges: [] };

/** Every slice of the draft, children included, by name. */
function slices(draft: TimelineDraft): Map<string, TimelineSlice> {
  const out = new Map<string, TimelineSlice>();
  const walk = (s: TimelineSlice): void => {
    out.set(s.name, s);
    for (const c of s.children ?? []) walk(c);
  };
  for (const p of draft.processes(() => [])) for (const t of p.tracks) for (const s of t.slices) walk(s);
  return out;
}

describe('TimelineDraft: the window end', () => {
  it('a slice closed past the window end (a walk whose response departs after it) ends there, marked unfinished; one closed in it or at its end is not', () => {
    const draft = new TimelineDraft(plan, { startTick: 1000, endTick: 5000 });
    draft.openSlice('a', 0, 'nest MMU walks', 4000, 'late walk', { request: 1 });
    draft.openSlice('b', 0, 'nest MMU walks', 2000, 'walk', {});
    draft.openSlice('c', 0, 'nest MMU walks', 4500, 'walk at the end', {});
    draft.openSlice('d', 0, 'nest MMU walks', 4600, 'open walk', {});
    expect(draft.closeSlice('a', 5200, { ok: true })).toBe(true);
    expect(draft.closeSlice('b', 2400)).toBe(true);
    expect(draft.closeSlice('c', 5000)).toBe(true);
    draft.closeUnfinished();
    const s = slices(draft);
    expect(s.get('late walk')).toMatchObject({
      startTick: 4000,
      endTick: 5000,
      args: { request: 1, ok: true, unfinished: true },
    });
    expect(s.get('walk')).toMatchObject({ startTick: 2000, endTick: 2400, args: {} });
    expect(s.get('walk at the end')).toMatchObject({ endTick: 5000, args: {} });
    expect(s.get('open walk')).toMatchObject({ endTick: 5000, args: { unfinished: true } });
  });

  it('a child closed past the end is marked too, as is its parent when it closes past the end', () => {
    const draft = new TimelineDraft(plan, { startTick: 0, endTick: 5000 });
    draft.openSlice('p', 0, 'shootdowns', 1000, 'parent', {});
    draft.openChild('k', 'p', 4000, 'child', {});
    draft.closeSlice('k', 6000);
    draft.closeSlice('p', 7000);
    draft.closeUnfinished();
    const s = slices(draft);
    expect(s.get('parent')).toMatchObject({ endTick: 5000, args: { unfinished: true } });
    expect(s.get('child')).toMatchObject({ endTick: 5000, args: { unfinished: true } });
  });
});

describe('TimelineDraft: what the records before the window opened', () => {
  it('a slice opened before the window shows from its start, marked begunBefore, if still open there (its children too, and one open across the whole window); one closed before it does not', () => {
    const draft = new TimelineDraft(plan, { startTick: 1000, endTick: 5000, keptFromStart: [true] });
    draft.openFixed('held', 0, 'npu0 ATSD reg0', 200, 'held across', {});
    draft.openFixed('r1', 0, 'npu0 ATSD reg1', 300, 'held into', { reg: 1 });
    draft.openChild('l1', 'r1', 400, 'launch', {});
    draft.openChild('l0', 'r1', 350, 'early launch', {});
    draft.closeSlice('l0', 380);
    draft.openSlice('gone', 0, 'DMA landing', 100, 'closed before', {});
    draft.closeSlice('gone', 900);
    expect(draft.closeSlice('l1', 1500)).toBe(true);
    expect(draft.closeSlice('r1', 2500)).toBe(true);
    draft.closeUnfinished();
    const s = slices(draft);
    expect(s.get('held across')).toMatchObject({
      startTick: 1000,
      endTick: 5000,
      args: { begunBefore: true, unfinished: true },
    });
    expect(s.get('held into')).toMatchObject({
      startTick: 1000,
      endTick: 2500,
      args: { reg: 1, begunBefore: true },
    });
    expect(s.get('launch')).toMatchObject({ startTick: 1000, endTick: 1500, args: { begunBefore: true } });
    expect(s.has('early launch')).toBe(false);
    expect(s.has('closed before')).toBe(false);
  });

  it("a close with nothing open draws from the window's start only for an actor whose records do not go back to the run's start", () => {
    for (const keptFromStart of [true, false]) {
      const draft = new TimelineDraft(plan, {
        startTick: 1000,
        endTick: 5000,
        keptFromStart: [keptFromStart],
      });
      draft.closeOrBegunBefore('reg', 2000, { actor: 0, track: 'npu0 ATSD reg0' }, 'shootdown 3', {});
      draft.closeUnfinished();
      expect(slices(draft).has('shootdown 3')).toBe(!keptFromStart);
    }
  });

  it('an instant whose flow began before anything kept is drawn, on no flow', () => {
    const draft = new TimelineDraft(plan, { startTick: 1000, endTick: 5000 });
    draft.flowInstant(0, 'DMA', 2000, 'DMA complete', { ends: 'dma:0:7' }, { dma: 7 });
    const s = slices(draft).get('DMA complete');
    expect(s).toMatchObject({ startTick: 2000, instant: true, args: { dma: 7 } });
    expect(s?.terminatingFlows).toBeUndefined();
  });
});
