/**
 * A chip's XTS setup when the host booted through kexec (`host.bootViaKexec`, skiboot 7c977c734),
 * built by hand (no runtime): petitboot's kernel's contexts are left in place, not reset, and the
 * run's kernel's map_lpar rewrites each brick's entry without VALID. The fixed firmware's init then
 * programs every brick; the pre-fix one (`xts-stale-after-kexec`) trusts the stale ctx_ref and
 * skips each, and refuses a guest's init on petitboot's host wildcard.
 */
import { describe, expect, test } from 'vitest';
import { AtsService } from '../../../../src/model/actors/chip/ats-service.js';
import { ChipEnv } from '../../../../src/model/actors/chip/chip-env.js';
import { Counters } from '../../../../src/model/actors/counters.js';
import { buildWorld } from '../../../../src/model/actors/world.js';
import type { OracleEventOf } from '../../../../src/model/check/oracle-events.js';
import { OPAL_PARAMETER } from '../../../../src/model/npu/nest-mmu.js';
import type { BugName } from '../../../../src/model/scenario/bugs.js';
import { parseParams } from '../../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../../workloads/index.js';
import { recordingOracle } from '../../../support/recording-oracle.js';

/** Chip `socket`'s AtsService of workload `name` booted through kexec, and what it told its oracle. */
function chip(name: string, bugs: BugName[], socket = 0) {
  const w = workloads.find((x) => x.name === name)!;
  const params = parseParams({ ...w.params, host: { ...w.params.host, bootViaKexec: true } }, name);
  const world = buildWorld({ workload: name, seed: 1, bugs, params });
  const { oracle, events } = recordingOracle();
  const env = new ChipEnv(world.chipActor[socket]!, world, new Counters(), oracle);
  const ats = new AtsService(env, { record: () => {}, count: 0 });
  const inits = events.filter(
    (e): e is OracleEventOf<'xts.context'> => e.kind === 'xts.context' && e.op === 'init',
  );
  const bricks = world.topology.sockets[socket]!.bridges.length;
  return { ats, inits, bricks, world };
}

describe('ats-service: boot through kexec (skiboot 7c977c734)', () => {
  test('fixed firmware: every brick the run’s kernel maps is programmed, VALID, one reference', () => {
    const { ats, inits, bricks } = chip('kexec-boot', []);
    const used = ats.nmmu.bdfEntries().filter((e) => e.used);
    expect(used.length).toBe(bricks);
    expect(used.every((e) => e.valid)).toBe(true);
    expect(used.map((e) => ats.nmmu.contextRefs(e.lparshort))).toEqual(used.map(() => 1));
    expect(ats.nmmu.stats.initSkippedProgramming).toBe(0);
    expect(inits.every((e) => e.rc >= 0)).toBe(true);
  });

  test('xts-stale-after-kexec: the stale ctx_ref makes every init skip, no brick VALID, though init succeeds', () => {
    const { ats, inits, bricks } = chip('kexec-boot', ['xts-stale-after-kexec']);
    const used = ats.nmmu.bdfEntries().filter((e) => e.used);
    expect(used.length).toBe(bricks);
    expect(used.some((e) => e.valid)).toBe(false);
    expect(used.map((e) => ats.nmmu.contextRefs(e.lparshort))).toEqual(used.map(() => 2));
    // Petitboot's wildcard was never reset: the skips are counted by the entry, not the wildcard.
    expect(ats.nmmu.stats.initSkippedProgramming).toBe(bricks);
    expect(inits.length).toBe(bricks);
    expect(inits.every((e) => e.rc >= 0)).toBe(true);
  });

  test('xts-stale-after-kexec with guests: a guest’s init is refused on petitboot’s host wildcard, and the chip goes on', () => {
    const { ats, inits, world } = chip('guest-atsd', ['xts-stale-after-kexec']);
    const t = world.topology;
    const guestBdfs = new Set(
      t.sockets[0]!.bridges.map((i) => t.bridges[i]!)
        .filter((b) => world.gpuOwner[b.gpu]! >= 0 && world.tenants[world.gpuOwner[b.gpu]!]!.lpid !== 0)
        .map((b) => b.pci.bus * 256 + b.pci.device * 8 + b.pci.fn),
    );
    expect(guestBdfs.size).toBeGreaterThan(0);
    for (const e of inits) expect(e.rc < 0).toBe(guestBdfs.has(e.bdf));
    expect(inits.filter((e) => e.rc < 0).every((e) => e.rc === OPAL_PARAMETER)).toBe(true);
    expect(ats.nmmu.bdfEntries().some((e) => e.used && e.valid)).toBe(false);
    // The fixed firmware gives the guests their contexts.
    const fixed = chip('guest-atsd', []);
    expect(fixed.inits.every((e) => e.rc >= 0)).toBe(true);
    expect(
      fixed.ats.nmmu
        .bdfEntries()
        .filter((e) => e.used)
        .every((e) => e.valid),
    ).toBe(true);
  });
});
