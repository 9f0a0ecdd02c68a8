/**
 * What a topology file may say (issue 14, item 4): no unknown keys at any level, latency and
 * bandwidth within bounds that keep every derived figure finite and encodable, an NPU link on
 * every GPU, and no machine a ring record cannot carry. Checked with generated specs; the example
 * of each class from the issue is among them.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { MAX_ISSUES_SHOWN } from '../../../src/core/issues-message.js';
import { shownText } from '../../../src/core/shown-text.js';
import { planMachine } from '../../../src/model/actors/machine.js';
import { HOST_RAM_PER_SOCKET_BYTES } from '../../../src/model/host/host-ram.js';
import { actorNames } from '../../../src/model/platform/actor-names.js';
import {
  gpuApertureBase,
  gpuTgt,
  HOST_RAM_WINDOW_BYTES,
  npuRegsBase,
} from '../../../src/model/platform/address-map.js';
import { LinkTiming } from '../../../src/model/platform/link-timing.js';
import { SpecIssues } from '../../../src/model/platform/spec-issues.js';
import { buildTopology, TOPOLOGY_PRESETS, type TopologySpec } from '../../../src/model/platform/topology.js';
import { CONTROL_EDGES_PER_ACTOR, checkEncodable } from '../../../src/model/platform/topology-edges.js';
import { MAX_SOCKETS } from '../../../src/model/platform/topology-spec.js';
import {
  BYTES_PER_SECOND_MAX,
  BYTES_PER_SECOND_MIN,
  LATENCY_TICKS_MAX,
  LATENCY_TICKS_MIN,
  MAX_GPUS,
  validateTopologySpec,
} from '../../../src/model/platform/validate-topology.js';
import { MAX_ACTORS, MAX_EDGES } from '../../../src/model/protocol/wire.js';
import type { RunConfig } from '../../../src/model/scenario/run-config.js';
import { parseParams } from '../../../src/model/scenario/workload-params.js';
import { MAX_DURATION_TICKS } from '../../../src/report/duration.js';
import { MESSAGE_FIELD_MAX } from '../../../src/transport/codec.js';
import { largestTopologySpec } from '../../fixtures/largest-topology.js';
import { thrownBy } from '../../support/thrown.js';

type Json = Record<string, unknown>;

function cloneSpec(spec: TopologySpec): Json {
  return JSON.parse(JSON.stringify(spec)) as Json;
}

const configErrorOf = (fn: () => unknown) => thrownBy(ConfigError, fn);

const build = (spec: unknown) => buildTopology(validateTopologySpec(spec));

/** Every object of a spec that takes named keys, with its field path. */
function objectsOf(spec: Json): { path: string; object: Json }[] {
  const out: { path: string; object: Json }[] = [{ path: '', object: spec }];
  (spec.sockets as Json[]).forEach((s, i) => {
    out.push({ path: `sockets[${i}]`, object: s });
  });
  (spec.gpus as Json[]).forEach((g, i) => {
    out.push({ path: `gpus[${i}]`, object: g });
    (g.links as Json[]).forEach((l, k) => {
      out.push({ path: `gpus[${i}].links[${k}]`, object: l });
    });
  });
  spec.links = { nvlinkBrick: {}, pcie: {}, xbus: {} };
  out.push({ path: 'links', object: spec.links as Json });
  for (const kind of ['nvlinkBrick', 'pcie', 'xbus']) {
    out.push({ path: `links.${kind}`, object: (spec.links as Json)[kind] as Json });
  }
  return out;
}

const KNOWN_KEYS = new Set([
  ...['name', 'sockets', 'gpus', 'gpuMemMap', 'gpuRamBytes', 'nvlinkSpeed', 'links'],
  ...['chipId', 'npuPciDomain', 'gpuPciDomain', 'gpuFirstBus', 'npuRegsBase', 'id', 'socket'],
  ...['gpu', 'brick', 'nvlinkBrick', 'pcie', 'xbus', 'latencyTicks', 'bytesPerSecond'],
]);
const unknownKey = fc
  .oneof(fc.constant('lnks'), fc.constant('junk'), fc.string({ minLength: 1, maxLength: 12 }))
  .filter((k) => !KNOWN_KEYS.has(k) && k !== '__proto__');
const presetName = fc.constantFrom('witherspoon-6', 'witherspoon-4') as fc.Arbitrary<
  'witherspoon-6' | 'witherspoon-4'
>;

describe('topology file: unknown keys are refused at every level, naming the field', () => {
  test('a key the spec does not define, anywhere, is refused with its path (`lnks` among them)', () => {
    fc.assert(
      fc.property(presetName, fc.nat(), unknownKey, fc.jsonValue(), (preset, pick, key, value) => {
        const spec = cloneSpec(TOPOLOGY_PRESETS[preset]);
        const objects = objectsOf(spec);
        const { path, object } = objects[pick % objects.length]!;
        object[key] = value;
        const e = configErrorOf(() => build(spec));
        // The key is the user's text: its place shows it as a message quotes it (a newline or a
        // backquote in a generated key is escaped, so the refusal stays one line).
        expect(e.field).toBe(path === '' ? shownText(key) : `${path}.${shownText(key)}`);
        expect(e.message).toMatch(/Expected an? .* \(one of: .*\), got unknown key `/);
      }),
      { numRuns: 200 },
    );
  });

  test('a required field left out is said to be missing, not `undefined` (undefined)', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    delete spec.sockets;
    expect(configErrorOf(() => build(spec)).message).toBe(
      'sockets: Expected an array, got nothing (the field is missing)',
    );
  });

  test('a typo of `links` is refused instead of building the machine with default links, naming the nearest key', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    spec.lnks = { xbus: { latencyTicks: 5000 } };
    expect(configErrorOf(() => build(spec)).message).toBe(
      'lnks: Expected a topology field (one of: name, sockets, gpus, gpuMemMap, gpuRamBytes, nvlinkSpeed, links), got unknown key `lnks` (did you mean `links`?)',
    );
  });

  test("a typo of a link kind is worded as a workload file's unknown key, with the nearest kind (QA: a third style)", () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    spec.links = { nvlinkBrik: { latencyTicks: 500_000 } };
    expect(configErrorOf(() => build(spec)).message).toBe(
      'links.nvlinkBrik: Expected a link kind (one of: nvlinkBrick, pcie, xbus), got unknown key `nvlinkBrik` (did you mean `nvlinkBrick`?)',
    );
    // A key near nothing gets no hint.
    const far = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    far.colour = 'red';
    expect(configErrorOf(() => build(far)).message).toMatch(/got unknown key `colour`$/);
  });
});

describe('topology file: latency and bandwidth are bounded so every derived figure is finite', () => {
  const kinds = fc.constantFrom('nvlinkBrick', 'pcie', 'xbus');
  const badLatency = fc.oneof(
    fc.constantFrom(0, -1, LATENCY_TICKS_MIN - 1, LATENCY_TICKS_MAX + 1, 2 ** 53 - 1, 1500.5, Number.NaN),
    fc.integer({ min: -(2 ** 31), max: LATENCY_TICKS_MIN - 1 }),
    fc.integer({ min: LATENCY_TICKS_MAX + 1, max: Number.MAX_SAFE_INTEGER }),
    fc.double({ noInteger: true, min: 0, max: 1e9 }),
  );
  const badBandwidth = fc.oneof(
    fc.constantFrom(
      0,
      -1,
      1e-9,
      BYTES_PER_SECOND_MIN / 2,
      BYTES_PER_SECOND_MAX * 2,
      Number.POSITIVE_INFINITY,
    ),
    fc.double({ min: -1e20, max: BYTES_PER_SECOND_MIN, maxExcluded: true }),
    fc.double({ min: BYTES_PER_SECOND_MAX, minExcluded: true, max: 1e300 }),
  );

  test('a latency outside 1 ns .. 1 ms (2^53 - 1 ticks among them) is refused naming the link kind', () => {
    fc.assert(
      fc.property(kinds, badLatency, (kind, latencyTicks) => {
        const e = configErrorOf(() =>
          buildTopology('witherspoon-6', { links: { [kind]: { latencyTicks } } }),
        );
        expect(e.field).toBe(`links.${kind}.latencyTicks`);
        expect(e.message).toMatch(
          /Expected an integer latency from 1000 \(1 ns\) to 1000000000 \(1 ms\) ticks/,
        );
      }),
    );
  });

  test('a bandwidth outside 100 MB/s .. 1 TB/s (1e-9 bytes/s among them) is refused naming the link kind', () => {
    fc.assert(
      fc.property(kinds, badBandwidth, (kind, bytesPerSecond) => {
        const e = configErrorOf(() =>
          buildTopology('witherspoon-6', { links: { [kind]: { bytesPerSecond } } }),
        );
        expect(e.field).toBe(`links.${kind}.bytesPerSecond`);
      }),
    );
  });

  test('within the bounds, a message sent at the last tick of the longest run arrives at an encodable tick', () => {
    const latency = fc.integer({ min: LATENCY_TICKS_MIN, max: LATENCY_TICKS_MAX });
    const bandwidth = fc.double({ min: BYTES_PER_SECOND_MIN, max: BYTES_PER_SECOND_MAX, noNaN: true });
    fc.assert(
      fc.property(kinds, latency, bandwidth, (kind, latencyTicks, bytesPerSecond) => {
        const t = buildTopology('witherspoon-6', { links: { [kind]: { latencyTicks, bytesPerSecond } } });
        for (const e of t.edges) {
          const timing = new LinkTiming({
            index: 0,
            from: 0,
            to: 1,
            kind: e.kind,
            label: 'x',
            latencyTicks: e.latencyTicks,
            bytesPerSecond: e.bytesPerSecond,
            jitterTicks: Math.floor(e.latencyTicks / 10),
          });
          // The largest DMA a workload may ask for (1 MiB), with the chooser drawing the most jitter.
          const arrival = timing.arrival(MAX_DURATION_TICKS, 1 << 20, {
            choose: (_w: string, n: number) => n - 1,
          } as never);
          expect(Number.isSafeInteger(arrival)).toBe(true);
          expect(arrival).toBeLessThanOrEqual(MESSAGE_FIELD_MAX.timeTicks);
        }
      }),
    );
  });
});

describe('topology file: every GPU needs an NPU link', () => {
  test('a GPU whose 6 links all go to peers is refused naming its links', () => {
    fc.assert(
      fc.property(presetName, fc.nat(), (preset, pick) => {
        const spec = cloneSpec(TOPOLOGY_PRESETS[preset]);
        const gpus = spec.gpus as { id: string; socket: number; links: Json[] }[];
        const i = pick % gpus.length;
        const peer = gpus.find((g, k) => k !== i && g.socket === gpus[i]!.socket)!.id;
        gpus[i]!.links = Array.from({ length: 6 }, () => ({ gpu: peer }));
        const e = configErrorOf(() => build(spec));
        expect(e.field).toBe(`gpus[${i}].links`);
        expect(e.message).toMatch(/Expected at least one CPU brick/);
      }),
    );
  });
});

describe('topology file: only machines a ring record can carry', () => {
  test('the ring codec and the topology agree on the 8-bit actor, link and flags fields', () => {
    expect(MESSAGE_FIELD_MAX.source).toBe(MAX_ACTORS - 1);
    expect(MESSAGE_FIELD_MAX.destination).toBe(MAX_ACTORS - 1);
    expect(MESSAGE_FIELD_MAX.link).toBe(MAX_EDGES); // 0xff itself marks self timers
    expect(MESSAGE_FIELD_MAX.flags).toBe(2 ** 8 - 1);
    expect(MAX_GPUS).toBe(16);
  });

  test('the largest machine validates, and one more GPU per socket or more GPUs than 16 are refused', () => {
    const t = build(largestTopologySpec());
    expect(t.sockets).toHaveLength(MAX_SOCKETS);
    expect(t.gpus).toHaveLength(MAX_GPUS);
    const e = configErrorOf(() => build(largestTopologySpec([3, 3, 3, 2, 2, 2, 2])));
    expect(e.field).toBe('gpus');
    expect(e.message).toBe(
      "gpus: Expected 1 to 16 GPUs (a DMA names its GPU in the upper bits of a ring record's flags), got 17",
    );
  });

  test('an eighth socket is refused: Linux numbers NPUs from 1, and index 8 (NV_MAX_NPUS) fails', () => {
    expect(MAX_SOCKETS).toBe(7);
    const e = configErrorOf(() => build(largestTopologySpec([2, 2, 2, 2, 2, 2, 2, 2])));
    expect(e.field).toBe('sockets');
    expect(e.message).toBe(
      'sockets: Expected 1 to 7 sockets (Linux numbers NPUs 1 to NV_MAX_NPUS - 1: an 8th has no ATS), got 8',
    );
  });

  test('actor and directed-edge counts past the record fields are refused naming both parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 600 }),
        (chips, gpus, edges) => {
          const actors = chips + gpus + 1;
          const total = edges + CONTROL_EDGES_PER_ACTOR * (chips + gpus);
          const issues = new SpecIssues();
          checkEncodable(chips, gpus, edges, issues);
          if (actors <= MAX_ACTORS && total <= MAX_EDGES) {
            expect(() => issues.throwIfAny((f) => f)).not.toThrow();
          } else {
            const e = configErrorOf(() => issues.throwIfAny((f) => f));
            expect(e.message).toMatch(
              actors > MAX_ACTORS
                ? /^gpus: Expected at most 256 actors/
                : /^gpus: Expected at most 255 directed edges/,
            );
            // Both limits are said when both are passed, in one refusal.
            expect(e.message.includes('at most 255 directed edges')).toBe(total > MAX_EDGES);
            expect(e.message.includes('at most 256 actors')).toBe(actors > MAX_ACTORS);
          }
        },
      ),
    );
  });

  test("the world adds the control edges the check counts, names the actors `topo` prints, and owns topology's RAM window", () => {
    for (const spec of [
      TOPOLOGY_PRESETS['witherspoon-6'],
      TOPOLOGY_PRESETS['witherspoon-4'],
      largestTopologySpec(),
    ]) {
      const t = buildTopology(spec);
      const config: RunConfig = {
        workload: 'test',
        seed: 1,
        bugs: [],
        params: parseParams(
          { topology: spec.name, tenants: [{ name: 'host', lpid: 0, groups: 'all' }] },
          'test',
        ),
        customTopology: { file: 'x.json', spec },
      };
      const plan = planMachine(config);
      expect(plan.actors.map((a) => a.name)).toEqual(actorNames(t));
      expect(plan.edges).toHaveLength(
        t.edges.length + CONTROL_EDGES_PER_ACTOR * (t.sockets.length + t.gpus.length),
      );
    }
    expect(HOST_RAM_WINDOW_BYTES).toBe(HOST_RAM_PER_SOCKET_BYTES);
  });

  test('chip ids whose address windows overlap, or whose GPUs share a tgt, are refused naming the field; apart they build', () => {
    let built = 0;
    let refused = 0;
    let tgtRefused = 0;
    // Two GPUs of one tgt, one per chip: QEMU pairs a bridge with its GPU by equal tgt.
    const tgtsMeet = (chipIds: number[], map: 'GPU_MEM_4T_DOWN' | 'GPU_MEM_4T_UP') => {
      const tgts = (chip: number) => [0, 1].map((i) => gpuTgt(gpuApertureBase(map, chip, i)));
      const [a, b] = [tgts(chipIds[0]!), tgts(chipIds[1]!)];
      return a.some((t) => b.includes(t));
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 127 }), { minLength: 2, maxLength: 2 }),
        fc.constantFrom('GPU_MEM_4T_DOWN', 'GPU_MEM_4T_UP'),
        (chipIds, gpuMemMap) => {
          const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
          (spec.sockets as Json[]).forEach((s, i) => {
            s.chipId = chipIds[i];
          });
          spec.gpuMemMap = gpuMemMap;
          // Chip c's host RAM is the first 256 GiB at c << 42. Under GPU_MEM_4T_UP its GPU
          // apertures (128 GiB each) start at (c + 1) << 42: the host RAM of chip c + 1. Under
          // GPU_MEM_4T_DOWN they end there, and the NPU registers sit far above every window.
          const overlap = gpuMemMap === 'GPU_MEM_4T_UP' && Math.abs(chipIds[0]! - chipIds[1]!) === 1;
          if (overlap) {
            refused++;
            const e = configErrorOf(() => build(spec));
            expect(e.field).toMatch(/^(sockets\[[01]\]\.chipId|gpus\[\d\])$/);
            expect(e.message).toMatch(/Expected address windows that do not overlap/);
            // Every overlap in the one refusal: the lower chip's two GPU apertures and the upper
            // chip's host RAM start at one address, so at least two windows start inside another.
            const lines = e.message.split('\n');
            expect(lines.length).toBeGreaterThanOrEqual(2);
            for (const l of lines.slice(1))
              expect(l).toMatch(
                /^ {2}(sockets\[[01]\]\.chipId|gpus\[\d\]): Expected address windows that do not overlap, got the /,
              );
          } else if (tgtsMeet(chipIds, gpuMemMap)) {
            // Apart, but their GPUs of one index share a tgt (chip ids apart only in bits 1-2, 5-6).
            tgtRefused++;
            const e = configErrorOf(() => build(spec));
            expect(e.field).toBe('sockets[1].chipId');
            expect(e.message).toMatch(/^sockets\[1\]\.chipId: Expected GPUs whose tgt addresses differ/);
          } else {
            built++;
            const t = build(spec);
            expect(t.sockets.map((s) => s.chipId)).toEqual(chipIds);
            expect(new Set(t.gpus.map((g) => g.tgt)).size).toBe(t.gpus.length);
          }
        },
      ),
      {
        // Neighbouring ids are about one draw in a hundred: these make sure both outcomes are seen.
        examples: [
          [[0, 1], 'GPU_MEM_4T_UP'],
          [[9, 8], 'GPU_MEM_4T_UP'],
          [[0, 1], 'GPU_MEM_4T_DOWN'],
          [[0, 8], 'GPU_MEM_4T_UP'],
          [[0, 2], 'GPU_MEM_4T_DOWN'],
          [[1, 5], 'GPU_MEM_4T_UP'],
        ],
      },
    );
    expect(built).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(tgtRefused).toBeGreaterThan(0);
    const shared = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    (shared.sockets as Json[])[1]!.chipId = 2;
    const why =
      'Expected GPUs whose tgt addresses differ (QEMU pairs an NVLink bridge with its GPU by equal tgt; the tgt drops chip-id bits 1-2 and 5-6), got';
    expect(configErrorOf(() => build(shared)).message.split('\n')).toEqual([
      `sockets[1].chipId: ${why} gpus[2] (\`gpu2\`) (chip id 2, aperture 0xbe000000000) with the tgt 0x3e000000000 of gpus[0] (\`gpu0\`) (chip id 0, aperture 0x3e000000000)`,
      `  sockets[1].chipId: ${why} gpus[3] (\`gpu3\`) (chip id 2, aperture 0xbc000000000) with the tgt 0x3c000000000 of gpus[1] (\`gpu1\`) (chip id 0, aperture 0x3c000000000)`,
    ]);
    // Named as the file names them: its ids, not npusim's actor names (QA: `gpu1` and `gpu0` of a
    // file whose ids were h0 and g0).
    const own = JSON.parse(JSON.stringify(shared).replace(/"gpu(\d)"/g, '"g$1x"')) as typeof shared;
    expect((own.gpus as Json[]).map((g) => g.id)).toEqual(['g0x', 'g1x', 'g2x', 'g3x']);
    expect(configErrorOf(() => build(own)).message.split('\n')[0]).toContain(
      'got gpus[2] (`g2x`) (chip id 2, aperture 0xbe000000000) with the tgt 0x3e000000000 of gpus[0] (`g0x`)',
    );
    const close = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    (close.sockets as Json[])[1]!.chipId = 1;
    close.gpuMemMap = 'GPU_MEM_4T_UP';
    expect(configErrorOf(() => build(close)).message).toMatch(
      /GPU RAM aperture of gpu\d|host RAM of socket 1 .* inside the GPU RAM aperture/,
    );
  });

  test('NPU registers placed just below a GPU aperture are refused under npuRegsBase, the field the spec set', () => {
    // Their window starts in no other and reaches over gpu1's start: it was said under `gpus[1]`.
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    (spec.sockets as Json[])[0]!.npuRegsBase = 0x3c0_0000_0000 - 0x1_0000;
    const e = configErrorOf(() => build(spec));
    expect([e.field, e.message]).toEqual([
      'sockets[0].npuRegsBase',
      'sockets[0].npuRegsBase: Expected address windows that do not overlap, got the NPU registers of socket 0 (0x3bfffff0000..0x3c000870000) over the start of the GPU RAM aperture of gpu1 at 0x3c000000000',
    ]);
  });

  test("a socket's GPUs must fit on buses up to 0xff", () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    (spec.sockets as Json[])[1]!.gpuFirstBus = 0xff;
    expect(configErrorOf(() => build(spec)).field).toBe('sockets[1].gpuFirstBus');
  });

  test('an NPU register base off a 64 KiB boundary is refused: each ATSD register is one 64K page of a guest', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    const base = npuRegsBase(0) + 2 ** 40;
    (spec.sockets as Json[])[0]!.npuRegsBase = base + 0x1000;
    const e = configErrorOf(() => build(spec));
    expect(e.field).toBe('sockets[0].npuRegsBase');
    expect(e.message).toBe(
      `sockets[0].npuRegsBase: Expected an NPU register base on a 64 KiB boundary (each ATSD register is mapped to a guest as one 64K page), got 0x${(base + 0x1000).toString(16)} (0x1000 past one)`,
    );
    // On the boundary it builds, and its ATSD registers are there.
    (spec.sockets as Json[])[0]!.npuRegsBase = base;
    expect(build(spec).sockets[0]!.npu.atsdRegisters[0]! - base).toBe(0x80_0000);
  });
});

describe('topology file: every mistake is said in one refusal, as a workload file says its own', () => {
  test('independent mistakes (a wrong type, a PCI domain taken twice, an unknown key, an unknown peer, a latency of 0) are all said, the first as alone', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    const sockets = spec.sockets as Json[];
    const gpus = spec.gpus as Json[];
    sockets[0]!.chipId = '0';
    sockets[1]!.gpuPciDomain = 6;
    gpus[0]!.sokcet = 1;
    (gpus[3]!.links as Json[])[0] = { gpu: 'gpu9' };
    spec.links = { xbus: { latencyTicks: 0 } };
    const e = configErrorOf(() => build(spec));
    // The first is said as a check that stopped there said it, and names the field.
    expect(e.field).toBe('sockets[0].chipId');
    expect(e.message.split('\n')).toEqual([
      'sockets[0].chipId: Expected an integer from 0 to 127, got the string "0"',
      '  sockets[1].gpuPciDomain: Expected a PCI domain no other PHB has, got 6 (0x6): sockets[0].npuPciDomain has it too',
      '  gpus[0].sokcet: Expected a GPU field (one of: id, socket, links), got unknown key `sokcet` (did you mean `socket`?)',
      '  gpus[3].links[0].gpu: Expected the id of a peer GPU, got `gpu9`: unknown peer, no GPU has that id',
      '  links.xbus.latencyTicks: Expected an integer latency from 1000 (1 ns) to 1000000000 (1 ms) ticks, got 0',
    ]);
    // The peer tables, which the unknown peer leaves one short, are not said to disagree as well.
    expect(e.message).not.toContain('symmetric');
  });

  test('a GPU on a socket the machine lacks is said once: its links, held to that socket, are not checked', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    spec.name = '';
    (spec.gpus as Json[])[1]!.socket = 2;
    spec.gpuRamBytes = 1;
    const e = configErrorOf(() => build(spec));
    expect(e.message.split('\n')).toEqual([
      'name: Expected a non-empty string of at most 64 printable characters, got "" (empty)',
      '  gpus[1].socket: Expected an integer from 0 to 1, got 2',
      '  gpuRamBytes: Expected 16 GiB or 32 GiB (V100 16/32 GB), got 1',
    ]);
  });

  test('past MAX_ISSUES_SHOWN mistakes the rest are counted, not listed, and each place is where the caller says', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    for (let k = 0; k < 12; k++) spec[`junk${k}`] = k;
    const e = configErrorOf(() => validateTopologySpec(spec, (field) => `my.json: ${field}`));
    const lines = e.message.split('\n');
    expect(e.field).toBe('my.json: junk0');
    expect(lines).toHaveLength(MAX_ISSUES_SHOWN + 1);
    expect(lines[0]).toMatch(
      /^my\.json: junk0: Expected a topology field \(one of: .*\), got unknown key `junk0`$/,
    );
    expect(lines[MAX_ISSUES_SHOWN - 1]).toMatch(/^ {2}my\.json: junk9: Expected a topology field /);
    expect(lines[MAX_ISSUES_SHOWN]).toBe(`  and ${12 - MAX_ISSUES_SHOWN} more`);
  });

  test('a library caller is told which argument is wrong: a spec that is no object, a fieldOf that is no function', () => {
    const notObject = configErrorOf(() => validateTopologySpec(null));
    expect(notObject.field).toBe('spec');
    expect(notObject.message).toBe('spec: Expected a topology object, got null');
    // Given a fieldOf, the whole spec is named as it names it (a file's name, `topology`).
    expect(configErrorOf(() => validateTopologySpec(5, (field) => `my.json${field}`)).field).toBe('my.json');
    const notFunction = configErrorOf(() => validateTopologySpec({}, 5 as never));
    expect(notFunction.field).toBe('fieldOf');
    expect(notFunction.message).toBe(
      'fieldOf: Expected a function from a spec field to the name to report it by, got 5',
    );
    // Refused before the spec is read: a spec right or wrong, the argument is said first.
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    expect(configErrorOf(() => validateTopologySpec(spec, 'my.json' as never)).field).toBe('fieldOf');
  });
});

describe('topology file: a link is a peer or a brick', () => {
  // The message said what was expected and not what arrived (QA Q2).
  test('a link with both keys, or neither, is refused saying what it held', () => {
    const spec = cloneSpec(TOPOLOGY_PRESETS['witherspoon-4']);
    const links = (spec.gpus as { links: Json[] }[])[0]!.links;
    links[0] = { gpu: 'gpu1', brick: 2 };
    links[2] = {};
    links[4] = { gpx: 'gpu1' };
    // A link's own mistake before its keys' (core/field-order.ts), as the file has them.
    expect(configErrorOf(() => build(spec)).message.split('\n')).toEqual([
      'gpus[0].links[0]: Expected exactly one of `gpu` or `brick`, got both (`gpu` `gpu1` and `brick` 2)',
      '  gpus[0].links[2]: Expected exactly one of `gpu` or `brick`, got an empty object',
      '  gpus[0].links[4]: Expected exactly one of `gpu` or `brick`, got neither (only `gpx`)',
      '  gpus[0].links[4].gpx: Expected a link field (one of: gpu, brick), got unknown key `gpx` (did you mean `gpu`?)',
    ]);
  });
});
