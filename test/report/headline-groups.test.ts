/**
 * A headline `prefix.*` item (report/headline.ts): one figure per counter under the prefix, each
 * labelled with the label and the counter's last part; with none there, one figure whose label
 * still reads as a phrase.
 */
import { describe, expect, test } from 'vitest';
import { alignHeadlines, evaluateHeadline } from '../../src/report/headline.js';
import type { RunResult } from '../../src/report/run-result.js';

const resultWith = (counts: Record<string, number>) =>
  ({ counts, simulatedTicks: 1e6 }) as unknown as RunResult;
const item = { label: 'guest acquisitions of', counter: 'atsd.guest.*', per: 'run', unit: 'count' } as const;

describe('headline groups', () => {
  test('one figure per counter under the prefix, labelled with its last part', () => {
    expect(
      evaluateHeadline(
        [item],
        resultWith({ 'atsd.guest.reg1': 3, 'atsd.guest.reg0': 2, 'atsd.host.reg6': 9 }),
      ),
    ).toEqual([
      { label: 'guest acquisitions of reg0', value: 2, text: '2', unit: 'count', accrues: true },
      { label: 'guest acquisitions of reg1', value: 3, text: '3', unit: 'count', accrues: true },
    ]);
  });

  test('an empty group does not leave its label hanging (`guest acquisitions of   none`)', () => {
    expect(evaluateHeadline([item], resultWith({ 'atsd.host.reg6': 9 }))).toEqual([
      { label: 'guest acquisitions of any', value: null, text: 'none', unit: 'count' },
    ]);
  });

  test('runs side by side get the same rows: a counter one run never counted is its 0, not a missing row (QA: `-` beside real zeros)', () => {
    const param = { label: 'guests', param: 'tenants' } as const;
    const items = [item, param];
    const own = resultWith({ 'atsd.guest.reg0': 3, 'atsd.guest.reg1': 3 });
    const pinned = resultWith({ 'atsd.guest.reg0': 5 });
    const nothing = resultWith({});
    const figures = [own, pinned, nothing].map((r) => [
      ...evaluateHeadline([item], r),
      { label: 'guests', value: 2, text: '2' },
    ]);
    const [a, b, c] = alignHeadlines(items, figures);
    expect(a).toEqual(figures[0]);
    expect(b).toEqual([
      { label: 'guest acquisitions of reg0', value: 5, text: '5', unit: 'count', accrues: true },
      // A counter the run never counted is a total of 0, accrued as the others are.
      { label: 'guest acquisitions of reg1', value: 0, text: '0', unit: 'count', accrues: true },
      { label: 'guests', value: 2, text: '2' },
    ]);
    // A run that counted none under the prefix: zeros, its `any` row gone, the next item kept.
    expect(c!.map((f) => f.text)).toEqual(['0', '0', '2']);
    // When no run counted any, each keeps its `any` row.
    expect(
      alignHeadlines([item], [evaluateHeadline([item], nothing), evaluateHeadline([item], nothing)]),
    ).toEqual([
      [{ label: 'guest acquisitions of any', value: null, text: 'none', unit: 'count' }],
      [{ label: 'guest acquisitions of any', value: null, text: 'none', unit: 'count' }],
    ]);
  });

  test("an item after a group whose label extends the group's keeps its place (QA: guest-atsd's `host-only 6 and 7` row moved into the register rows)", () => {
    const hostOnly = {
      label: 'guest acquisitions of host-only 6 and 7',
      counter: 'atsd.guest.reg6+atsd.guest.reg7',
      per: 'run',
      unit: 'count',
    } as const;
    const done = {
      label: 'shootdowns completed',
      counter: 'shootdown.completed',
      per: 'run',
      unit: 'count',
    } as const;
    const items = [item, hostOnly, done];
    const every = resultWith({ 'atsd.guest.reg0': 2, 'atsd.guest.reg1': 3, 'shootdown.completed': 7 });
    const first = resultWith({ 'atsd.guest.reg0': 4, 'shootdown.completed': 5 });
    const [a, b] = alignHeadlines(items, [evaluateHeadline(items, every), evaluateHeadline(items, first)]);
    expect(a).toEqual(evaluateHeadline(items, every));
    expect(b!.map((f) => [f.label, f.value])).toEqual([
      ['guest acquisitions of reg0', 4],
      ['guest acquisitions of reg1', 0],
      ['guest acquisitions of host-only 6 and 7', 0],
      ['shootdowns completed', 5],
    ]);
  });
});
