/**
 * A name a workload file writes that is near one it may hold gets the nearest, in the words an
 * unknown key or an unknown `rate` gets (QA: a headline kind's key misspelt, and a bug, a profile,
 * a premise, a histogram or a rule written short, listed the names or none and hinted nothing),
 * and a string where a list is due shows the list of one it likely meant, as a `...Ticks` field
 * given a span shows its ticks.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { validateWorkload } from '../../../src/model/scenario/workload.js';
import { thrownBy } from '../../support/thrown.js';

const tenant = { name: 'vm1', lpid: 1, groups: 'all' };
const base = { name: 'x', description: 'd', params: { tenants: [tenant] } };
const refusal = (over: Record<string, unknown>) =>
  thrownBy(ConfigError, () => validateWorkload({ ...base, ...over }, 'x.json')).message;

describe('name hints', () => {
  it("a headline item's kind key misspelt is hinted with the kind", () => {
    expect(refusal({ headline: [{ label: 'a', countr: 'dma.issued' }] })).toBe(
      'x.json: headline[0]: Expected a figure with a label and one of `counter`, `latency`, `links`, `rate`, `nmmu`, `param`, got the keys `label`, `countr` (did you mean `counter`?)',
    );
  });

  it('a bug, a profile and a premise written short are hinted with the name they shorten', () => {
    expect(refusal({ exposes: [{ bug: 'local-npu', rules: ['isolation.dma'] }] })).toMatch(
      /^x\.json: exposes\[0\]\.bug: Expected one of release-between-flushes, .*, got `local-npu` \(did you mean `local-npu-only`\?\)$/,
    );
    expect(refusal({ variants: [{ name: 'v', profile: 'shipped' }] })).toBe(
      'x.json: variants[0].profile: Expected one of as-shipped, fixed, got `shipped` (did you mean `as-shipped`?)',
    );
    expect(refusal({ premises: ['ut0-only'] })).toBe(
      'x.json: premises[0]: Expected one of ut0-ats-only, link-disable-latched, no-guest-firmware, link-disable-after-reset, reset-refusal, no-hostile-peers, ats-refill-stages, guest-atsd-unwritten-register, host-leaves-guest-registers, bar0-filter, untrained-gpu-boot-map, firmware-window, got `ut0-only` (did you mean `ut0-ats-only`?)',
    );
  });

  it('a histogram written short is hinted with the histogram', () => {
    expect(refusal({ headline: [{ label: 'a', latency: 'shootdown.latency' }] })).toMatch(
      /^x\.json: headline\[0\]\.latency: Expected one of atsd\.registerWaitTicks, .*, got `shootdown\.latency` \(did you mean `shootdown\.latencyTicks`\?\)$/,
    );
  });

  it('a rule written short is hinted with the rules it shortens, in `expect` and in `exposes`', () => {
    expect(refusal({ expect: ['translation.stale'] })).toBe(
      'x.json: expect[0]: Expected a rule name (`npusim list` shows them), got `translation.stale` (did you mean `translation.stale-ats` or `translation.stale-tce`?)',
    );
    expect(refusal({ exposes: [{ bug: 'local-npu-only', rules: ['isolation.dm'] }] })).toBe(
      'x.json: exposes[0].rules[0]: Expected a rule name (`npusim list` shows them), got `isolation.dm` (did you mean `isolation.dma`?)',
    );
    // A name near none is refused as before, with no hint.
    expect(refusal({ expect: ['nothing.like'] })).toBe(
      'x.json: expect[0]: Expected a rule name (`npusim list` shows them), got `nothing.like`',
    );
  });

  it('a string where a list is due shows the list of one', () => {
    const pageSizes = (v: unknown) => refusal({ params: { tenants: [{ ...tenant, pageSizes: v }] } });
    expect(pageSizes('2M')).toBe(
      'x.json: params.tenants[0].pageSizes: Expected a list, got the string "2M" (pageSizes is a list, even of one: ["2M"])',
    );
    // A value the list's items refuse, or a list written as text, is no list of one.
    expect(pageSizes('3M')).toBe('x.json: params.tenants[0].pageSizes: Expected a list, got the string "3M"');
    expect(pageSizes('["2M"]')).toBe(
      'x.json: params.tenants[0].pageSizes: Expected a list, got the string "[\\"2M\\"]"',
    );
    expect(pageSizes(true)).toBe('x.json: params.tenants[0].pageSizes: Expected a list, got true');
  });
});
