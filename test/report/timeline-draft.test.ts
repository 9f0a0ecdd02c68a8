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
