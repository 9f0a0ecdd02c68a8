import { describe, expect, it } from 'vitest';
import { PREMISE_NAMES, type PremiseRun, premisesOf } from '../../../src/model/scenario/premises.js';
import { workloads } from '../../../workloads/index.js';

const run = (over: Partial<PremiseRun> = {}): PremiseRun => ({
  policy: 'per-gpu-isolated',
  bugs: [],
  vfioBar0Filter: true,
  resets: false,
  ...over,
});
const names = (r: PremiseRun) => premisesOf(PREMISE_NAMES, r).map((p) => p.name);

describe('premises', () => {
  it('a run leans on the link-disable latch only where links were disabled, and on (d) only if it resets GPUs', () => {
    expect(names(run())).toEqual([
      'ut0-ats-only',
      'link-disable-latched',
      'no-guest-firmware',
      'bar0-filter',
      'firmware-window',
    ]);
    expect(names(run({ resets: true }))).toContain('link-disable-after-reset');
    expect(names(run({ policy: 'per-gpu', resets: true }))).not.toContain('link-disable-latched');
    expect(names(run({ policy: 'per-gpu', resets: true }))).not.toContain('link-disable-after-reset');
    // The bug that leaves the links up under per-gpu-isolated leaves nothing latched either.
    expect(names(run({ bugs: ['links-enabled-per-gpu'], resets: true }))).not.toContain(
      'link-disable-latched',
    );
  });

  it('the BAR0 filter is a premise only on a profile that has it', () => {
    expect(names(run({ vfioBar0Filter: false }))).not.toContain('bar0-filter');
  });

  it("README's letters in order, each premise written once", () => {
    const texts = premisesOf(PREMISE_NAMES, run({ resets: true })).map((p) => p.text);
    expect(texts.slice(0, 4).map((t) => t.slice(0, 3))).toEqual(['(a)', '(b)', '(c)', '(d)']);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('the isolation workloads name their premises', () => {
    const of = (name: string) => workloads.find((w) => w.name === name)?.premises ?? [];
    for (const w of ['tenant-isolation', 'multi-tenant'])
      expect(of(w)).toEqual(
        expect.arrayContaining(['ut0-ats-only', 'link-disable-latched', 'no-guest-firmware']),
      );
    expect(of('tenant-isolation')).toContain('link-disable-after-reset');
    expect(of('gpu-reset')).toContain('link-disable-after-reset');
    expect(of('firmware-update')).toContain('bar0-filter');
  });
});
