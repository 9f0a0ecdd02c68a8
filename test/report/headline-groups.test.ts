/**
 * A headline `prefix.*` item (report/headline.ts): one figure per counter under the prefix, each
 * labelled with the label and the counter's last part; with none there, one figure whose label
 * still reads as a phrase.
 */
import { describe, expect, test } from 'vitest';
import { evaluateHeadline } from '../../src/report/headline.js';
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
      { label: 'guest acquisitions of reg0', value: 2, text: '2' },
      { label: 'guest acquisitions of reg1', value: 3, text: '3' },
    ]);
  });

  test('an empty group does not leave its label hanging (`guest acquisitions of   none`)', () => {
    expect(evaluateHeadline([item], resultWith({ 'atsd.host.reg6': 9 }))).toEqual([
      { label: 'guest acquisitions of any', value: null, text: 'none' },
    ]);
  });
});
