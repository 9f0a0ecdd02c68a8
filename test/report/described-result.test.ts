/**
 * A workload's answer on its result (src/report/described-result.ts): a run Ctrl-C stopped is
 * judged against what it was declared to find and said to be not judged, as a stopped variant is
 * (QA: the workload's own run said nothing of what it expected once stopped).
 */
import { describe, expect, it } from 'vitest';
import * as machine from '../../src/model/actors/machine.js';
import type { RunConfig } from '../../src/model/scenario/run-config.js';
import type { Workload } from '../../src/model/scenario/workload.js';
import { parseParams } from '../../src/model/scenario/workload-params.js';
import { describedResult } from '../../src/report/described-result.js';
import { buildHtmlReport } from '../../src/report/html-report.js';
import { formatSummary } from '../../src/report/summary.js';
import { runInline } from '../../src/runtime/inline-runtime.js';
import { workloads } from '../../workloads/index.js';

describe('described result', () => {
  it("a stopped run of a workload that expects rules says 'not judged (interrupted)', and a whole one its verdict", () => {
    const stress = workloads.find((w) => w.name === 'stress')!;
    const declared: Workload = { ...stress, expect: ['translation.stale-ats'] };
    const config: RunConfig = {
      workload: 'stress',
      seed: 1,
      bugs: [],
      params: parseParams({ ...stress.params, durationTicks: 5_000_000 }, 'stress'),
    };
    const plan = machine.planMachine(config);
    const run = (stopAfterEvents?: number) =>
      runInline(machine, config, {
        seed: 1,
        endTick: config.params.durationTicks,
        ...(stopAfterEvents === undefined ? {} : { stopAfterEvents }),
      });
    const stopped = describedResult(config, plan, run(200), declared);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.expectation?.met).toBe(false);
    expect(formatSummary(stopped, { color: false })).toContain(
      'expected (as declared): translation.stale-ats: not judged (interrupted)',
    );
    const whole = describedResult(config, plan, run(), declared);
    expect(whole.status).toBe('clean');
    expect(formatSummary(whole, { color: false })).toContain(
      'expected (as declared): translation.stale-ats: NOT as expected',
    );
  });
});

describe('described result: premises', () => {
  const tenantIsolation = workloads.find((w) => w.name === 'tenant-isolation')!;
  const described = (profile: 'fixed' | 'as-shipped', firmwarePercent?: number) => {
    const params = { ...tenantIsolation.params, durationTicks: 10_000_000 } as Record<string, unknown>;
    if (firmwarePercent !== undefined) params.mmio = { ...(params.mmio as object), firmwarePercent };
    const config: RunConfig = {
      workload: 'tenant-isolation',
      seed: 1,
      bugs: [],
      profile,
      params: parseParams(params, 'tenant-isolation'),
    };
    const raw = runInline(machine, config, { seed: 1, endTick: config.params.durationTicks });
    const result = describedResult(config, machine.planMachine(config), raw, tenantIsolation);
    return Object.assign(result, {
      html: () => buildHtmlReport({ plan: machine.planMachine(config), config, result, raw }),
    });
  };

  it('an isolation answer says what it rests on, under the answer; the BAR0 filter only on a profile that has it', () => {
    const fixed = described('fixed');
    expect(fixed.premises?.map((p) => p.name)).toEqual([
      'ut0-ats-only',
      'link-disable-latched',
      'no-guest-firmware',
      'bar0-filter',
    ]);
    const text = formatSummary(fixed, { color: false });
    const restsOn = text.indexOf('\nrests on:\n  (a) ');
    expect(restsOn).toBeGreaterThan(text.indexOf('answer:'));
    expect(restsOn).toBeLessThan(text.indexOf('checks:'));
    expect(text).toContain(
      "  the BAR0 filter (link-disable registers, firmware window) is the model's proposal",
    );
    // The report's Answer is the summary's: the premises with it.
    expect(fixed.html()).toContain("rests on:\n  (a) a GPU's UT=0 DMA");
    const shipped = described('as-shipped');
    expect(shipped.premises?.map((p) => p.name)).not.toContain('bar0-filter');
  });

  it('guests that updated their GPUs firmware void (a) and (b) for those GPUs: said under the premises', () => {
    const flashed = described('as-shipped', 50);
    const found = flashed.rules?.['isolation.firmware']?.count ?? 0;
    expect(found).toBeGreaterThan(0);
    const text = formatSummary(flashed, { color: false }).replace(/\n {4}/g, ' ');
    expect(text).toMatch(
      new RegExp(
        `\\n {2}but not for the GPUs whose firmware a guest updated \\(${found} isolation\\.firmware findings?: gpu\\d+[^)]*\\): \\(a\\) and \\(b\\) are void there`,
      ),
    );
    // Its findings need no premise: they bound only what it did not find (QA: a violation verdict
    // listed them under a plain `rests on:`).
    expect(text).toContain('\nwhat it did not find rests on:\n  (a) ');
    expect(text).not.toContain('\nrests on:');
    // And in the result, on each premise it voids, for a script (QA: --json listed them bare).
    const gpus = [
      ...new Set(flashed.violations.filter((v) => v.rule === 'isolation.firmware').flatMap((v) => v.actors)),
    ]
      .filter((a) => a.startsWith('gpu'))
      .sort();
    const voidOn = { reason: 'firmware-updated', gpus, findings: found, allKept: true };
    expect(flashed.premises?.filter((p) => p.voidOn !== undefined).map((p) => p.name)).toEqual([
      'ut0-ats-only',
      'link-disable-latched',
    ]);
    for (const p of flashed.premises!.slice(0, 2)) expect(p.voidOn).toEqual(voidOn);
    // Where no guest updated any, nothing is void.
    const clean = described('as-shipped');
    expect(formatSummary(clean, { color: false })).not.toContain('but not for the GPUs');
    expect(clean.premises?.some((p) => p.voidOn !== undefined)).toBe(false);
  });

  it('as shipped, the hostile guests reach the link mask and the latch ignores them: a headline row says so', () => {
    const shipped = described('as-shipped');
    const row = shipped.headline?.find((h) => h.label === 'link re-enable attempts ignored (latched)');
    expect(shipped.status).toBe('clean');
    expect(shipped.counts['mmio.blocked'] ?? 0).toBe(0);
    expect(row?.value).toBeGreaterThan(0);
    expect(row?.value).toBe(shipped.counts['mmio.linkReenableIgnored']);
    expect(described('fixed').counts['mmio.linkReenableIgnored'] ?? 0).toBe(0);
  });
});
