/**
 * A workload that needs more of the machine than the chosen topology and policy have is refused
 * in the user's terms (issue 14, item 5): the workload, what it needs, what the topology has;
 * never as one tenant's internal refusal ("no IOMMU group 4").
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { buildWorld } from '../../../src/model/actors/world.js';
import { computeGroups, GROUP_POLICIES, type GroupPolicy } from '../../../src/model/platform/iommu-groups.js';
import { buildTopology, TOPOLOGY_PRESETS } from '../../../src/model/platform/topology.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { loadWorkloads } from '../../../src/runtime/workload-registry.js';
import { thrownBy } from '../../support/thrown.js';

const configErrorOf = (fn: () => unknown) => thrownBy(ConfigError, fn);

describe('world: a workload bigger than the machine says so in its terms', () => {
  test('tenant-isolation on witherspoon-4 needs 6 IOMMU groups (one per tenant), and the topology has 4', async () => {
    const workload = (await loadWorkloads()).get('tenant-isolation')!;
    const config: RunConfig = {
      workload: workload.name,
      seed: 1,
      bugs: [],
      params: parseParams({ ...workload.params, topology: 'witherspoon-4' }, workload.name),
    };
    const e = configErrorOf(() => buildWorld(config));
    expect(e.message).toBe(
      'tenants[4].groups: Expected a topology and policy with 6 IOMMU groups or more (workload `tenant-isolation` needs them: one per tenant), got witherspoon-4 under per-gpu-isolated, which has 4',
    );
  });

  test("a group out of range on a topology file: the hint's `npusim topo` names that file, quoted for a shell (QA: it named none, so witherspoon-6's groups)", () => {
    const spec = { ...TOPOLOGY_PRESETS['witherspoon-4'], name: 'four' };
    const config: RunConfig = {
      workload: 'made-up',
      seed: 1,
      bugs: [],
      params: parseParams(
        { topology: 'four', policy: 'per-gpu', tenants: [{ name: 'b', lpid: 1, groups: [1, 7] }] },
        'made-up',
      ),
      customTopology: { file: 'my machines/four.json', spec },
    };
    expect(configErrorOf(() => buildWorld(config)).message).toBe(
      "tenants[0].groups: Expected IOMMU groups from 0 to 3 (four (my machines/four.json) under per-gpu has 4), got group 7 for tenant `b` (`npusim topo 'my machines/four.json' --policy per-gpu` lists the groups)",
    );
  });

  test('any tenant list that names a group the topology lacks is refused with what it needs and what there is', () => {
    const topologies = fc.constantFrom('witherspoon-6', 'witherspoon-4') as fc.Arbitrary<
      'witherspoon-6' | 'witherspoon-4'
    >;
    const policies = fc.constantFrom(...GROUP_POLICIES);
    // Each group to one tenant: a group two tenants take is refused before the world is built
    // (workload-params.ts groupIssues), so a later list keeps only the groups no earlier one took.
    const tenantGroups = fc
      .array(fc.uniqueArray(fc.nat({ max: 9 }), { minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 4,
      })
      .map((lists) => {
        const taken = new Set<number>();
        return lists
          .map((ids) => ids.filter((id) => !taken.has(id) && taken.add(id)))
          .filter((ids) => ids.length > 0);
      });
    fc.assert(
      fc.property(topologies, policies, tenantGroups, (topology, policy, lists) => {
        const have = computeGroups(buildTopology(topology), policy as GroupPolicy).length;
        const needed = Math.max(...lists.flat()) + 1;
        const config: RunConfig = {
          workload: 'made-up',
          seed: 1,
          bugs: [],
          params: parseParams(
            {
              topology,
              policy,
              tenants: lists.map((groups, i) => ({ name: `t${i}`, lpid: i + 1, groups })),
            },
            'made-up',
          ),
        };
        if (needed > have) {
          const e = configErrorOf(() => buildWorld(config));
          // One group per tenant, in order: the workload needs a bigger machine; otherwise a
          // group is out of range, and the range is said.
          const onePerTenant = lists.every((ids, k) => ids.length === 1 && ids[0] === k);
          expect(e.message).toMatch(
            new RegExp(
              onePerTenant
                ? `^tenants\\[\\d\\]\\.groups: Expected a topology and policy with ${needed} IOMMU groups or more \\(workload \`made-up\` needs them: one per tenant\\), got ${topology} under ${policy}, which has ${have}$`
                : `^tenants\\[\\d\\]\\.groups: Expected IOMMU groups from 0 to ${have - 1} \\(${topology} under ${policy} has ${have}\\), got group \\d+ for tenant \`t\\d\` \\(\`npusim topo ${topology} --policy ${policy}\` lists the groups\\)$`,
            ),
          );
        } else {
          // Within the machine: built, or refused for another reason.
          try {
            buildWorld(config);
          } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
            expect((e as ConfigError).message).not.toMatch(/no IOMMU group/);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  test('a `rest` tenant left with nothing names the workload and what the machine has', () => {
    const config: RunConfig = {
      workload: 'greedy',
      seed: 1,
      bugs: [],
      params: parseParams(
        {
          topology: 'witherspoon-4',
          policy: 'per-socket',
          tenants: [
            { name: 'host', lpid: 0, groups: 'all' },
            { name: 'late', lpid: 1, groups: 'rest' },
          ],
        },
        'greedy',
      ),
    };
    expect(configErrorOf(() => buildWorld(config)).message).toBe(
      'tenants[1].groups: workload `greedy` leaves no GPU for tenant `late`: witherspoon-4 under per-socket has 2 IOMMU groups, all taken by the tenants before it',
    );
  });
});

describe('world: `gpu.untrained` names GPUs of the machine that no tenant owns', () => {
  const config = (untrained: number[], groups: number[] = [0, 1, 3, 4, 5]): RunConfig => ({
    workload: 'bad-gpu',
    seed: 1,
    bugs: [],
    params: parseParams(
      {
        topology: 'witherspoon-6',
        policy: 'per-gpu',
        tenants: [{ name: 'host', lpid: 0, groups }],
        gpu: { untrained },
      },
      'bad-gpu',
    ),
  });

  test.each([
    [[6], 'gpu.untrained[0]: Expected a GPU of witherspoon-6 (0 to 5), got `6`'],
    [[2, 2], 'gpu.untrained[1]: Expected each GPU once, got GPU 2 twice'],
    [
      [2, 1],
      'gpu.untrained[1]: Expected a GPU no tenant owns (its NVLinks never trained, so it carries no DMA), got GPU 1 of tenant `host`',
    ],
  ])('%j is refused', (untrained, message) => {
    expect(configErrorOf(() => buildWorld(config(untrained))).message).toBe(message);
  });

  test('a GPU no tenant owns is accepted', () => {
    expect(buildWorld(config([2])).config.params.gpu.untrained).toEqual([2]);
  });
});

describe("world: pages that do not fit a socket's host RAM are refused before any is allocated", () => {
  /** One guest on every GPU of a Redbud: two processes per socket, 1G pages unless told otherwise. */
  const config = (tenant: Record<string, unknown>): RunConfig => ({
    workload: 'big',
    seed: 1,
    bugs: [],
    params: parseParams(
      {
        topology: 'witherspoon-4',
        tenants: [{ name: 'vm1', lpid: 1, groups: 'all', processesPerGpu: 1, pageSizes: ['1G'], ...tenant }],
      },
      'big',
    ),
  });

  test('a socket filled to its last byte is built; one TCE page more is refused, naming the parameter of the largest share', () => {
    // 2 processes x 128 1G pages: the 256 GiB of socket 0, exactly.
    expect(() => buildWorld(config({ pagesPerProcess: 128, tcePagesPerGpu: 0 }))).not.toThrow();
    expect(configErrorOf(() => buildWorld(config({ pagesPerProcess: 128, tcePagesPerGpu: 1 }))).message).toBe(
      'tenants[0].pagesPerProcess: Expected the pages workload `big` maps at start to fit in the host RAM of socket 0 (256 GiB), ' +
        'got 128 pages per process: 2 processes of `vm1` x 128 1G pages (256 GiB), the TCE windows of 2 GPUs of `vm1` x 1 64K pages (128 KiB): 256 GiB in all, 128 KiB more than it holds',
    );
  });

  test('the bytes skipped to align runs of pages to their size are said, so the parts add up to the total', () => {
    const message = configErrorOf(() =>
      buildWorld(
        config({ processesPerGpu: 2, pageSizes: ['2M', '1G'], pagesPerProcess: 127, tcePagesPerGpu: 384 }),
      ),
    ).message;
    // 508 MiB + 254 GiB + 48 MiB + 1540 MiB = 256.047 GiB: without the padding the parts fell short.
    expect(message).toContain(
      '2 processes of `vm1` x 127 2M pages (508 MiB), 2 processes of `vm1` x 127 1G pages (254 GiB), the TCE windows of 2 GPUs of `vm1` x 384 64K pages (48 MiB), and 1540 MiB skipped to align runs of pages to their size: 256.047 GiB in all, 48 MiB more than it holds',
    );
  });

  test('sizes past a TiB read in the largest unit that holds them whole: 1080 GiB, not 1.05469 TiB', () => {
    // 2 processes x 540 1G pages: 1080 GiB, 824 GiB more than socket 0's 256 GiB.
    expect(
      configErrorOf(() => buildWorld(config({ pagesPerProcess: 540, tcePagesPerGpu: 0 }))).message,
    ).toMatch(/x 540 1G pages \(1080 GiB\): 1080 GiB in all, 824 GiB more than it holds$/);
  });

  test("any mix of page sizes either builds or is refused with a ConfigError, never the allocator's refusal", () => {
    const KiB = 1024;
    const PAGE_BYTES = { '64K': 64 * KiB, '2M': 2 * KiB * KiB, '1G': KiB * KiB * KiB } as const;
    const SOCKET_BYTES = 256 * KiB * KiB * KiB;
    // The sum below takes the witherspoon-4 of config(): two GPUs on each of its two sockets.
    expect(buildTopology('witherspoon-4').gpus.map((g) => g.socket)).toEqual([0, 0, 1, 1]);
    const sizes = fc.uniqueArray(fc.constantFrom('64K' as const, '2M' as const, '1G' as const), {
      minLength: 1,
      maxLength: 3,
    });
    let built = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        sizes,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 0, max: 4096 }),
        (pageSizes, processesPerGpu, pagesPerProcess, tcePagesPerGpu) => {
          // What one socket holds at start, worked out here: each of its two GPUs runs
          // processesPerGpu processes, process j of pageSizes[j % length], then each GPU's TCE
          // window of 64K pages. Aligning a run of pages to its size wastes less than one page.
          const runs: [pages: number, bytes: number][] = [];
          for (let gpu = 0; gpu < 2; gpu++) {
            for (let j = 0; j < processesPerGpu; j++) {
              runs.push([pagesPerProcess, PAGE_BYTES[pageSizes[j % pageSizes.length]!]]);
            }
          }
          if (tcePagesPerGpu > 0) runs.push([tcePagesPerGpu, 64 * KiB], [tcePagesPerGpu, 64 * KiB]);
          const least = runs.reduce((sum, [pages, bytes]) => sum + pages * bytes, 0);
          const most = runs.reduce((sum, [, bytes]) => sum + bytes, least);
          let refusal: unknown;
          try {
            buildWorld(config({ pageSizes, processesPerGpu, pagesPerProcess, tcePagesPerGpu }));
          } catch (e) {
            refusal = e;
          }
          if (refusal === undefined) {
            built++;
            expect(least, 'built although the pages cannot fit').toBeLessThanOrEqual(SOCKET_BYTES);
          } else {
            refused++;
            expect(refusal).toBeInstanceOf(ConfigError);
            expect((refusal as ConfigError).message).toMatch(
              /^tenants\[0\]\.(pagesPerProcess|tcePagesPerGpu): Expected the pages workload `big` maps at start to fit in the host RAM of socket \d \(256 GiB\)/,
            );
            expect(most, 'refused although the pages fit even aligned').toBeGreaterThan(SOCKET_BYTES);
          }
        },
      ),
      {
        numRuns: 60,
        // About one draw in nine is refused: these make sure both outcomes are seen, the socket
        // filled to its last byte and one page past it among them.
        examples: [
          [['64K'], 1, 1, 0],
          [['1G'], 1, 128, 0],
          [['1G'], 1, 128, 1],
          [['1G', '2M'], 3, 140, 4096],
        ],
      },
    );
    expect(built).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
