/**
 * LPID 0 is the host's (world.ts makes a tenant with it the host: no BAR0 MMIO filter, its
 * firmware updates allowed). A tenant marked a guest, `hostile`, with LPID 0 ran as the host with
 * no word (QA: firmware-update with `vm-other` at LPID 0 printed clean): refused at validation,
 * naming the field. The host tenant of the built-ins (LPID 0, not hostile) stays.
 */
import { describe, expect, test } from 'vitest';
import myWorkload from '../../../examples/my-workload.js';
import { ConfigError } from '../../../src/core/errors.js';
import { validateWorkload } from '../../../src/model/scenario/workload.js';
import { applySets, parseParams } from '../../../src/model/scenario/workload-params.js';
import { workloads } from '../../../workloads/index.js';
import { thrownBy } from '../../support/thrown.js';

const errorOf = (fn: () => unknown) => thrownBy(ConfigError, fn);
const REFUSAL =
  "Expected a guest's LPID, from 1 to 4095, for a hostile tenant, got 0: LPID 0 is the host's, and a tenant with it runs as the host (past the BAR0 MMIO filter, its firmware updates allowed); give it an LPID from 1 to 4095 no other tenant has";

describe('a hostile tenant at LPID 0', () => {
  test('is refused at its lpid, in the words of the other LPID check', () => {
    const tenants = [
      { name: 'vm-trusted', lpid: 1, groups: [0], allowFirmwareUpdate: true },
      { name: 'vm-other', lpid: 0, groups: [1], hostile: true },
    ];
    const e = errorOf(() => parseParams({ topology: 'witherspoon-4', tenants }, 'w.json: params'));
    expect(e.field).toBe('w.json: params.tenants[1].lpid');
    expect(e.message).toBe(`w.json: params.tenants[1].lpid: ${REFUSAL}`);
    // Beside a host that has LPID 0 too: one word for the field, this one.
    const both = errorOf(() =>
      parseParams(
        {
          tenants: [
            { name: 'host', lpid: 0, groups: [0] },
            { name: 'vm', lpid: 0, groups: [1], hostile: true },
          ],
        },
        'params',
      ),
    );
    expect(both.message).toBe(`params.tenants[1].lpid: ${REFUSAL}`);
  });

  test('is refused through --set and a workload file as well', () => {
    const firmwareUpdate = workloads.find((w) => w.name === 'firmware-update')!;
    const e = errorOf(() =>
      applySets(firmwareUpdate.params, { 'tenants[1].lpid': 0 }, (path) => `--set ${path}`),
    );
    expect(e.message).toContain(REFUSAL);
    expect(e.message).toMatch(/^--set tenants\[1\]\.lpid: /);
    const file = errorOf(() =>
      validateWorkload(
        {
          name: 'w',
          description: 'd',
          params: { tenants: [{ name: 'vm', lpid: 0, groups: 'all', hostile: true }] },
        },
        'w.json',
      ),
    );
    expect(file.message).toBe(`w.json: params.tenants[0].lpid: ${REFUSAL}`);
  });

  test('a host tenant (LPID 0, not hostile) is kept, and no built-in workload or example is refused', () => {
    expect(parseParams({ tenants: [{ name: 'host', lpid: 0, groups: 'all' }] }).tenants[0]!.lpid).toBe(0);
    expect(
      parseParams({ tenants: [{ name: 'host', lpid: 0, groups: 'all', hostile: false }] }).tenants[0]!
        .hostile,
    ).toBe(false);
    // Each validated again as data, and each variant's parameters with it.
    for (const w of [...workloads, myWorkload]) {
      expect(() => validateWorkload(JSON.parse(JSON.stringify(w)), w.name), w.name).not.toThrow();
      for (const v of w.variants)
        expect(() => applySets(w.params, v.set), `${w.name} ${v.name}`).not.toThrow();
    }
  });
});
