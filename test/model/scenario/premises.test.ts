import { describe, expect, it } from 'vitest';
import { crossTenantLinksUp } from '../../../src/model/actors/peer-reach.js';
import { buildWorld } from '../../../src/model/actors/world.js';
import type { BugName } from '../../../src/model/scenario/bugs.js';
import {
  PREMISE_NAMES,
  type PremiseRun,
  premiseRunOf,
  premisesOf,
} from '../../../src/model/scenario/premises.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';

const run = (over: Partial<PremiseRun> = {}): PremiseRun => ({
  policy: 'per-gpu-isolated',
  anyLinkDisabled: true,
  bugs: [],
  vfioBar0Filter: true,
  resets: false,
  relinkDelayTicks: 0,
  firmwarePercent: 0,
  firmwareAllowed: [],
  anyHostile: true,
  crossTenantLinkUp: false,
  guestAtsd: 'first-link',
  hostAndGuest: false,
  anyGuest: true,
  anyUntrained: false,
  ...over,
});
const names = (r: PremiseRun) => premisesOf(PREMISE_NAMES, r).map((p) => p.name);

describe('premises', () => {
  it('a run leans on the link-disable latch only where links were disabled, and on (d) only if it resets GPUs', () => {
    expect(names(run())).toEqual([
      'ut0-ats-only',
      'link-disable-latched',
      'no-guest-firmware',
      'ats-refill-stages',
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

  it("a run that resets GPUs with the NVLinks up between groups rests on the model's refusal of a reset under another tenant's peers", () => {
    expect(names(run({ policy: 'per-gpu', resets: true }))).toContain('reset-refusal');
    expect(names(run({ bugs: ['links-enabled-per-gpu'], resets: true }))).toContain('reset-refusal');
    // No resets, links disabled (each GPU its own NVLink group) or a socket a group: none refused.
    expect(names(run({ policy: 'per-gpu' }))).not.toContain('reset-refusal');
    expect(names(run({ resets: true }))).not.toContain('reset-refusal');
    expect(names(run({ policy: 'per-socket', anyLinkDisabled: false, resets: true }))).not.toContain(
      'reset-refusal',
    );
  });

  it('per-gpu-isolated on a topology with no link between groups disables none, so leans on neither (b) nor (d)', () => {
    // QA: six guests on six sockets, one GPU each (no GPU-GPU link), listed (b) all the same.
    expect(names(run({ anyLinkDisabled: false, resets: true }))).not.toContain('link-disable-latched');
    expect(names(run({ anyLinkDisabled: false, resets: true }))).not.toContain('link-disable-after-reset');
    // From the world's masks: one bit set anywhere is a link disabled.
    const config = {
      workload: 'w',
      seed: 1,
      bugs: [],
      params: parseParams(
        { tenants: [{ name: 'vm1', lpid: 1, groups: 'all' }], policy: 'per-gpu-isolated' },
        'w',
      ),
    };
    expect(premiseRunOf(config, [0, 0, 0]).anyLinkDisabled).toBe(false);
    expect(premiseRunOf(config, [0, 4, 0]).anyLinkDisabled).toBe(true);
  });

  it('a run that delays the link-disable mask after a reset is not said to rest on (d), but on its delay', () => {
    const d = (r: PremiseRun) =>
      premisesOf(PREMISE_NAMES, r).find((p) => p.name === 'link-disable-after-reset');
    expect(d(run({ resets: true }))?.text).toMatch(/^\(d\) .* applied again at once as the reset ends/);
    const delayed = d(run({ resets: true, relinkDelayTicks: 1_000_000 }))?.text;
    expect(delayed).toMatch(
      /^\(d\) set aside by this run: .* applied again 1000000 ticks \(ps\) after the reset ends/,
    );
    expect(delayed).not.toMatch(/at once/);
    // A run's delay is its workload's `resets.relinkDelayTicks`; 0 without resets.
    const params = (resets?: object) =>
      parseParams({ tenants: [{ name: 'vm1', lpid: 1, groups: 'all' }], resets }, 'w');
    const of = (resets?: object) =>
      premiseRunOf({ workload: 'w', seed: 1, bugs: [], params: params(resets) }, []);
    expect(of({ intervalTicks: 1, relinkDelayTicks: 7 }).relinkDelayTicks).toBe(7);
    expect(of({ intervalTicks: 1 }).relinkDelayTicks).toBe(0);
    expect(of().relinkDelayTicks).toBe(0);
  });

  it('a run whose guests try firmware updates tests (c) instead of resting on it, unless a guest may update', () => {
    expect(names(run())).toContain('no-guest-firmware');
    // Tried updates are judged (isolation.firmware), on either profile: not a premise then.
    expect(names(run({ firmwarePercent: 50 }))).not.toContain('no-guest-firmware');
    expect(names(run({ firmwarePercent: 50, vfioBar0Filter: false }))).not.toContain('no-guest-firmware');
    // A guest the admin lets update: its updates are no violation, so (c) is set aside, by name.
    const c = premisesOf(PREMISE_NAMES, run({ firmwarePercent: 50, firmwareAllowed: ['vm-trusted'] })).find(
      (p) => p.name === 'no-guest-firmware',
    )?.text;
    expect(c).toMatch(/^\(c\) set aside by this run: `vm-trusted` may update its GPUs' firmware/);
    expect(c).toMatch(/mmio\.firmwarePercent 50/);
    // Allowed but never tried: (c) as written.
    expect(
      premisesOf(PREMISE_NAMES, run({ firmwareAllowed: ['vm-trusted'] })).find(
        (p) => p.name === 'no-guest-firmware',
      )?.text,
    ).toMatch(/^\(c\) no guest updated/);
    // It says what an update voids among what the run leans on: (b) only where a link was disabled.
    const cText = (r: PremiseRun) =>
      premisesOf(PREMISE_NAMES, r).find((p) => p.name === 'no-guest-firmware')?.text;
    expect(cText(run())).toBe("(c) no guest updated its GPU's firmware (one that did voids (a) and (b))");
    expect(cText(run({ policy: 'per-gpu' }))).toBe(
      "(c) no guest updated its GPU's firmware (one that did voids (a))",
    );
    expect(cText(run({ anyLinkDisabled: false, firmwarePercent: 50, firmwareAllowed: ['vm1'] }))).toMatch(
      /an update voids \(a\) for that tenant's GPUs/,
    );
    // From a workload's parameters: tries count only where guests make BAR0 accesses at all.
    const of = (mmio: object, allow = false) =>
      premiseRunOf(
        {
          workload: 'w',
          seed: 1,
          bugs: [],
          params: parseParams(
            {
              tenants: [
                { name: 'host', lpid: 0, groups: [0] },
                { name: 'vm1', lpid: 1, groups: 'rest', allowFirmwareUpdate: allow },
              ],
              policy: 'per-gpu',
              mmio,
            },
            'w',
          ),
        },
        [],
      );
    expect(of({ accessIntervalTicks: 1000, firmwarePercent: 30 }).firmwarePercent).toBe(30);
    expect(of({ accessIntervalTicks: 0, firmwarePercent: 30 }).firmwarePercent).toBe(0);
    expect(of({ accessIntervalTicks: 1000, firmwarePercent: 30 }, true).firmwareAllowed).toEqual(['vm1']);
  });

  it("a clean run with NVLinks up between tenants rests on no tenant aiming at another's GPU (QA: gpu-reset's own run said only (a), which a peer access is no part of)", () => {
    expect(names(run({ policy: 'per-gpu', crossTenantLinkUp: true, anyHostile: false }))).toContain(
      'no-hostile-peers',
    );
    // A hostile tenant tests it (its peer writes are the run's answer); no link up, nothing to cross.
    expect(names(run({ policy: 'per-gpu', crossTenantLinkUp: true, anyHostile: true }))).not.toContain(
      'no-hostile-peers',
    );
    expect(names(run({ crossTenantLinkUp: false, anyHostile: false }))).not.toContain('no-hostile-peers');
    // From the world: gpu-reset's own run leaves its guests' links up; under per-gpu-isolated none.
    const gpuReset = workloads.find((w) => w.name === 'gpu-reset')!;
    const up = (policy: 'per-gpu' | 'per-gpu-isolated') => {
      const config = {
        workload: gpuReset.name,
        seed: 1,
        bugs: [],
        params: parseParams({ ...gpuReset.params, policy }, gpuReset.name),
      };
      return crossTenantLinksUp(buildWorld(config));
    };
    expect(up('per-gpu')).toBe(true);
    expect(up('per-gpu-isolated')).toBe(false);
  });

  it('a stale-translation answer rests on the refill assumption; a guest ATSD answer on the registers skiboot never wrote and the host kept off them', () => {
    for (const w of ['flush-race', 'shootdown-storm', 'large-pages', 'guest-atsd'])
      expect(workloads.find((x) => x.name === w)?.premises, w).toContain('ats-refill-stages');
    const guest = (over: Partial<PremiseRun>) =>
      premisesOf(['guest-atsd-unwritten-register', 'host-leaves-guest-registers'], run(over)).map(
        (p) => p.name,
      );
    expect(guest({ guestAtsd: 'every-link', hostAndGuest: true })).toEqual([
      'guest-atsd-unwritten-register',
      'host-leaves-guest-registers',
    ]);
    // first-link: a guest spins over its first link's register only, the one skiboot wrote.
    expect(guest({ guestAtsd: 'first-link', hostAndGuest: true })).toEqual(['host-leaves-guest-registers']);
    // The switch that has the host take a guest's register tests the other.
    expect(
      guest({ guestAtsd: 'every-link', hostAndGuest: true, bugs: ['host-atsd-ignores-lparid'] }),
    ).toEqual(['guest-atsd-unwritten-register']);
    expect(guest({ guestAtsd: 'every-link', anyGuest: false, hostAndGuest: false })).toEqual([]);
  });

  it('the BAR0 filter is a premise only on a profile that has it', () => {
    expect(names(run({ vfioBar0Filter: false }))).not.toContain('bar0-filter');
  });

  it("README's letters in order, each premise written once", () => {
    const texts = premisesOf(PREMISE_NAMES, run({ resets: true })).map((p) => p.text);
    expect(texts.slice(0, 4).map((t) => t.slice(0, 3))).toEqual(['(a)', '(b)', '(c)', '(d)']);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("a workload's `rests on:` cites no premise it leaves out (QA: gpu-reset's (c) cited (a), which it never listed)", () => {
    // Every shape of run a premise's text depends on: the policy, links disabled or not, resets
    // and their delay, firmware tries and a guest let update, the filter or none.
    const runs: PremiseRun[] = [];
    for (const policy of ['per-socket', 'per-gpu', 'per-gpu-isolated'] as const)
      for (const anyLinkDisabled of [false, true])
        for (const resets of [false, true])
          for (const firmwarePercent of [0, 50])
            for (const firmwareAllowed of [[], ['vm1']])
              for (const vfioBar0Filter of [false, true])
                runs.push(
                  run({
                    policy,
                    anyLinkDisabled,
                    resets,
                    relinkDelayTicks: resets ? 1000 : 0,
                    firmwarePercent,
                    firmwareAllowed,
                    vfioBar0Filter,
                  }),
                );
    const letter = (text: string) => /^\(([a-d])\)/.exec(text)?.[1];
    for (const w of workloads.filter((x) => x.premises !== undefined))
      for (const r of runs) {
        const listed = premisesOf(w.premises!, r);
        const letters = new Set(listed.map((p) => letter(p.text)));
        for (const p of listed)
          for (const [, cited] of p.text.slice(3).matchAll(/\(([a-d])\)/g))
            expect(letters, `${w.name} ${JSON.stringify(r)}: ${p.text}`).toContain(cited);
      }
    // gpu-reset's own run (per-gpu, no link disabled, no firmware tries): (a), then (c) citing it,
    // then the model's refusal of a reset under another tenant's peers.
    const gpuReset = workloads.find((w) => w.name === 'gpu-reset')!;
    expect(
      premisesOf(gpuReset.premises!, run({ policy: 'per-gpu', anyLinkDisabled: false, resets: true })).map(
        (p) => p.name,
      ),
    ).toEqual(['ut0-ats-only', 'no-guest-firmware', 'reset-refusal']);
    // With its links up between guests, none hostile (the world says so: the test above).
    expect(
      premisesOf(
        gpuReset.premises!,
        run({
          policy: 'per-gpu',
          anyLinkDisabled: false,
          resets: true,
          crossTenantLinkUp: true,
          anyHostile: false,
        }),
      ).map((p) => p.name),
    ).toEqual(['ut0-ats-only', 'no-guest-firmware', 'reset-refusal', 'no-hostile-peers']);
  });

  // QA: atsd-hang on profile fixed answered clean with no word that the clean run is a v4.12-v4.20
  // host's boot (v5's boot inits a context for every GPU, which the model does not).
  it("atsd-hang's clean verdict rests on the boot of a GPU whose links never trained; its bug's run does not", () => {
    const w = workloads.find((x) => x.name === 'atsd-hang')!;
    const config = (bugs: BugName[]) => ({
      workload: w.name,
      seed: 1,
      bugs,
      params: parseParams(w.params, w.name),
    });
    const of = (bugs: BugName[]) => premisesOf(w.premises!, premiseRunOf(config(bugs), []));
    const [boot] = of([]);
    expect(boot?.name).toBe('untrained-gpu-boot-map');
    expect(boot?.text).toMatch(/v4\.12 to v4\.20.*pnv_npu2_map_lpar_dev.*not established for a v5 host/);
    expect(of(['atsd-no-valid-bdf'])).toEqual([]);
    // A run with every GPU trained leans on nothing of it.
    expect(names(run())).not.toContain('untrained-gpu-boot-map');
    expect(names(run({ anyUntrained: true }))).toContain('untrained-gpu-boot-map');
  });

  it('the isolation workloads name their premises', () => {
    const of = (name: string) => workloads.find((w) => w.name === name)?.premises ?? [];
    // README: the four isolation answers hold only as far as (a) to (d), (a) each time.
    for (const w of ['tenant-isolation', 'multi-tenant', 'gpu-reset'])
      expect(of(w)).toEqual(
        expect.arrayContaining(['ut0-ats-only', 'link-disable-latched', 'no-guest-firmware']),
      );
    expect(of('tenant-isolation')).toContain('link-disable-after-reset');
    expect(of('gpu-reset')).toContain('link-disable-after-reset');
    expect(of('firmware-update')).toContain('bar0-filter');
  });
});
