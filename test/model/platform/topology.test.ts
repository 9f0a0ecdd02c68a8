import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { gpuApertureBase, gpuTgt } from '../../../src/model/platform/address-map.js';
import { describeTopology } from '../../../src/model/platform/describe-topology.js';
import { buildTopology, TOPOLOGY_PRESETS, type TopologySpec } from '../../../src/model/platform/topology.js';
import { GiB } from '../../../src/model/types.js';
import { thrownBy } from '../../support/thrown.js';

function cloneSpec(spec: TopologySpec): TopologySpec {
  return JSON.parse(JSON.stringify(spec)) as TopologySpec;
}

const configErrorOf = (fn: () => unknown) => thrownBy(ConfigError, fn);

describe('topology: Witherspoon presets from ibm,nvlink-peers', () => {
  test('witherspoon-6 (Sequoia): each GPU has 2 CPU bricks and 2 links to each of its 2 peers', () => {
    const t = buildTopology('witherspoon-6');
    expect(t.gpus).toHaveLength(6);
    for (const g of t.gpus) {
      expect(g.links.filter((l) => l.kind === 'cpu')).toHaveLength(2);
      const perPeer = new Map<number, number>();
      for (const l of g.links) if (l.kind === 'gpu') perPeer.set(l.peer, (perPeer.get(l.peer) ?? 0) + 1);
      expect([...perPeer.values()]).toEqual([2, 2]);
    }
  });

  test('witherspoon-4 (Redbud): each GPU has 3 CPU bricks and 3 links to its one peer', () => {
    const t = buildTopology('witherspoon-4');
    expect(t.gpus).toHaveLength(4);
    for (const g of t.gpus) {
      expect(g.links.filter((l) => l.kind === 'cpu')).toHaveLength(3);
      expect(
        new Set(g.links.filter((l) => l.kind === 'gpu').map((l) => (l.kind === 'gpu' ? l.peer : -1))).size,
      ).toBe(1);
      expect(g.links.filter((l) => l.kind === 'gpu')).toHaveLength(3);
    }
  });

  test('no GPU link crosses sockets, and every NPU uses its 6 bricks once', () => {
    for (const name of ['witherspoon-6', 'witherspoon-4'] as const) {
      const t = buildTopology(name);
      const peerLinks = t.gpus.flatMap((g) =>
        g.links.flatMap((l) => (l.kind === 'gpu' ? [[g, l.peer] as const] : [])),
      );
      expect(peerLinks.length).toBeGreaterThan(0);
      for (const [g, peer] of peerLinks) expect(t.gpus[peer]!.socket).toBe(g.socket);
      for (const sk of t.sockets) {
        expect(sk.bridges.map((b) => t.bridges[b]!.linkIndex).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      }
    }
  });

  test('peer links pair up: A link k to B names B link j whose peer link is k', () => {
    const t = buildTopology('witherspoon-6');
    for (const g of t.gpus) {
      for (const l of g.links) {
        if (l.kind !== 'gpu') continue;
        const back = t.gpus[l.peer]!.links[l.peerLink]!;
        expect(back).toMatchObject({ kind: 'gpu', peer: g.index, peerLink: l.link });
      }
    }
  });

  test('tgt: chip 8 GPU0 aperture 0x23e000000000 compresses to 0xbe000000000; chip 0 GPU0 unchanged', () => {
    const t = buildTopology('witherspoon-6');
    const chip8gpu0 = t.gpus.find((g) => g.chipId === 8 && g.indexOnNpu === 0)!;
    expect(chip8gpu0.apertureBase).toBe(0x23e0_0000_0000);
    expect(chip8gpu0.tgt).toBe(0xbe0_0000_0000);
    const chip0gpu0 = t.gpus[0]!;
    expect(chip0gpu0.apertureBase).toBe(0x3e0_0000_0000);
    expect(chip0gpu0.tgt).toBe(0x3e0_0000_0000);
    expect(gpuTgt(2 ** 49 + 2 ** 46 + 5)).toBe(2 ** 45 + 2 ** 44 + 5);
  });

  test('GPU_MEM_4T_DOWN steps down by 128 GiB per GPU; GPU_MEM_4T_UP steps up from 4 TiB', () => {
    const down = buildTopology('witherspoon-6');
    expect(down.gpus.slice(0, 3).map((g) => g.apertureBase)).toEqual([
      0x3e0_0000_0000, 0x3c0_0000_0000, 0x3a0_0000_0000,
    ]);
    const up = buildTopology('witherspoon-4', { gpuMemMap: 'GPU_MEM_4T_UP', gpuRamBytes: 32 * GiB });
    expect(up.gpus.slice(0, 2).map((g) => g.apertureBase)).toEqual([0x400_0000_0000, 0x420_0000_0000]);
    expect(up.gpus[0]!.ramBytes).toBe(32 * GiB);
    expect(down.gpus[0]!.ramBytes).toBe(16 * GiB);
  });

  test('bridges are 1014:04ea at npu-domain:00:<gpu index on NPU>.<n>, as in the RFC lspci', () => {
    const t = buildTopology('witherspoon-6');
    const gpu0 = t.gpus[0]!;
    expect(gpu0.bdf).toBe('0004:04:00.0');
    expect(gpu0.bridges.map((b) => t.bridges[b]!.bdf)).toEqual(['0006:00:00.0', '0006:00:00.1']);
    const b = t.bridges[gpu0.bridges[1]!]!;
    expect(b).toMatchObject({
      vendorId: 0x1014,
      deviceId: 0x04ea,
      gpu: 0,
      linkIndex: 1,
      gpuLink: 5,
      tgt: gpu0.tgt,
    });
    expect(t.bridges.filter((x) => x.socket === 1).map((x) => x.bdf)).toContain('0007:00:02.1');
  });

  test('ATSD n sits at NPU regs + 0x800000 + n*0x10000; a bridge gets ATSD[link index]', () => {
    const t = buildTopology('witherspoon-4');
    for (const sk of t.sockets) {
      expect(sk.npu.atsdRegisters).toHaveLength(8);
      expect(sk.npu.atsdRegisters.map((a) => a - sk.npu.regsBase)).toEqual(
        Array.from({ length: 8 }, (_, n) => 0x80_0000 + n * 0x1_0000),
      );
      for (const bi of sk.bridges) {
        const b = t.bridges[bi]!;
        expect(b.atsdRegister).toBe(sk.npu.atsdRegisters[b.linkIndex]);
      }
    }
    expect(t.sockets[1]!.npu.regsBase - t.sockets[0]!.npu.regsBase).toBe(8 * 2 ** 42);
  });

  test('edges: NVLink bundles carry 25 GB/s per link per direction; both directions listed; overrides apply', () => {
    const t = buildTopology('witherspoon-6', { links: { xbus: { latencyTicks: 7777 } } });
    const g0g1 = t.edges.filter(
      (e) =>
        e.kind === 'nvlink' &&
        e.from.kind === 'gpu' &&
        e.to.kind === 'gpu' &&
        e.from.index + e.to.index === 1,
    );
    expect(g0g1).toHaveLength(2);
    expect(g0g1[0]!.lanes).toBe(2);
    expect(g0g1[0]!.bytesPerSecond).toBe(2 * 25e9);
    const xbus = t.edges.filter((e) => e.kind === 'xbus');
    expect(xbus).toHaveLength(2);
    expect(xbus[0]!.latencyTicks).toBe(7777);
    expect(t.edges.every((e) => e.latencyTicks > 0)).toBe(true);
  });

  test('a GPU reaches its chip over PCIe at Gen3 x16 (a V100 is a PCIe 3.0 device), 4 KiB in 260 ns', () => {
    const t = buildTopology('witherspoon-6');
    const pcie = t.edges.filter((e) => e.kind === 'pcie');
    // Both directions of each of the six GPUs' links.
    expect(pcie).toHaveLength(12);
    // 8 GT/s x 16 lanes x 128/130 bits per byte-lane: 15.75 GB/s per direction, not Gen4's 31.5.
    for (const e of pcie) expect(e.bytesPerSecond).toBe(15.75e9);
    expect(Math.round((4096 / pcie[0]!.bytesPerSecond) * 1e9)).toBe(260);
  });

  test('describeTopology names every GPU BDF, tgt and bridge', () => {
    const t = buildTopology('witherspoon-6');
    const text = describeTopology(t);
    for (const g of t.gpus) expect(text).toContain(g.bdf);
    for (const b of t.bridges) expect(text).toContain(b.bdf);
    expect(text).toContain('0xbe000000000');
    // The peer's link number is the model's inference, and the legend says so.
    expect(text).toMatch(/^links: .*M inferred/m);
    expect(text).toMatch(/^topology witherspoon-6 \(6 GPUs, 2 sockets, /);
    // Each GPU's PEs, as its TCE kills name them: the NPU's from the top down, the PHB4's by index.
    const pes = [...text.matchAll(/^ {4}PEs: NPU PHB (\w+) PE (\d) .*, PHB4 (\w+) PE (\d) /gm)].map((m) =>
      m.slice(1).join(' '),
    );
    expect(pes).toEqual([
      '0006 5 0004 0',
      '0006 4 0004 1',
      '0006 3 0004 2',
      '0007 5 0035 0',
      '0007 4 0035 1',
      '0007 3 0035 2',
    ]);
  });

  test('describeTopology counts one GPU on one socket in the singular', () => {
    const one: TopologySpec = {
      name: 'one',
      sockets: [TOPOLOGY_PRESETS['witherspoon-6'].sockets[0]!],
      gpus: [{ id: 'g0', socket: 0, links: [0, 1, 2, 3, 4, 5].map((brick) => ({ brick })) }],
    };
    expect(describeTopology(buildTopology(one)).split('\n')[0]).toBe(
      'topology one (1 GPU, 1 socket, GPU_MEM_4T_DOWN)',
    );
  });
});

describe('topology: custom specs are validated with the field named', () => {
  const base = () => cloneSpec(TOPOLOGY_PRESETS['witherspoon-6']);

  test('an unknown peer is refused at its link entry', () => {
    const s = base();
    s.gpus[0]!.links[0] = { gpu: 'nope' };
    const e = configErrorOf(() => buildTopology(s));
    expect(e.field).toBe('gpus[0].links[0].gpu');
    expect(e.message).toMatch(/unknown peer, no GPU has that id/);
  });

  test('a GPU with other than 6 links is refused', () => {
    const s = base();
    s.gpus[2]!.links.pop();
    const e = configErrorOf(() => buildTopology(s));
    expect(e.field).toBe('gpus[2].links');
    expect(e.message).toMatch(/6 NVLink entries.*got 5/);
  });

  test('a GPU link that crosses sockets is refused', () => {
    const s = base();
    s.gpus[0]!.links[0] = { gpu: 'gpu3' };
    const e = configErrorOf(() => buildTopology(s));
    expect(e.field).toBe('gpus[0].links[0].gpu');
    expect(e.message).toMatch(/no GPU link crosses sockets/);
  });

  test('a zero-latency edge is refused', () => {
    const e = configErrorOf(() =>
      buildTopology('witherspoon-4', { links: { nvlinkBrick: { latencyTicks: 0 } } }),
    );
    expect(e.field).toBe('links.nvlinkBrick.latencyTicks');
  });

  test('several bad overrides of a preset are refused in one refusal, each at its field', () => {
    const e = configErrorOf(() =>
      buildTopology('witherspoon-4', {
        gpuRamBytes: 5,
        nvlinkSpeed: -1,
        links: { pcie: { latencyTicks: 0 } },
      }),
    );
    expect(e.field).toBe('gpuRamBytes');
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('gpuRamBytes: Expected 16 GiB or 32 GiB (V100 16/32 GB), got 5');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual([
      '  nvlinkSpeed',
      '  links.pcie.latencyTicks',
    ]);
  });

  test('an override key buildTopology does not take is refused with the nearest key, not dropped', () => {
    const e = configErrorOf(() => buildTopology('witherspoon-4', { gpuRamByte: 32 * GiB } as never));
    expect(e.field).toBe('gpuRamByte');
    expect(e.message).toBe(
      'gpuRamByte: Expected a topology override (one of: gpuMemMap, gpuRamBytes, nvlinkSpeed, links), got unknown key `gpuRamByte` (did you mean `gpuRamBytes`?)',
    );
    // A spec's field that is no override (the machine's shape) is refused too, not dropped.
    expect(configErrorOf(() => buildTopology('witherspoon-4', { sockets: [] } as never)).message).toMatch(
      /^sockets: Expected a topology override \(one of: .*\), got unknown key `sockets`$/,
    );
  });

  test('an unknown link kind and a link value that is no object are refused, not dropped', () => {
    const kind = configErrorOf(() =>
      buildTopology('witherspoon-4', { links: { pice: { latencyTicks: 5000 } } } as never),
    );
    expect(kind.message).toBe(
      'links.pice: Expected a link kind (one of: nvlinkBrick, pcie, xbus), got unknown key `pice` (did you mean `pcie`?)',
    );
    const value = configErrorOf(() => buildTopology('witherspoon-4', { links: { xbus: 5 } } as never));
    expect(value.message).toBe('links.xbus: Expected an object (latencyTicks, bytesPerSecond), got 5');
    expect(configErrorOf(() => buildTopology('witherspoon-4', { links: 'fast' } as never)).message).toBe(
      'links: Expected an object, got the string "fast"',
    );
    expect(configErrorOf(() => buildTopology('witherspoon-4', 7 as never)).message).toBe(
      'Expected an object of topology overrides (gpuMemMap, gpuRamBytes, nvlinkSpeed, links), got 7',
    );
  });

  test('an unknown override key, a wrong link value and a bad parameter are refused together', () => {
    const e = configErrorOf(() =>
      buildTopology('witherspoon-4', {
        bogus: 1,
        gpuMemMap: 'GPU_MEM_4T_SIDEWAYS',
        links: { nvlinkBrick: { latencyTick: 500_000 }, pcie: null, xbus: { bytesPerSecond: 1 } },
      } as never),
    );
    expect(e.field).toBe('bogus');
    expect(e.message.split('\n').map((l) => l.split(': ')[0])).toEqual([
      'bogus',
      '  gpuMemMap',
      '  links.nvlinkBrick.latencyTick',
      '  links.pcie',
      '  links.xbus.bytesPerSecond',
    ]);
    expect(e.message).toContain('got unknown key `latencyTick` (did you mean `latencyTicks`?)');
  });

  test('good overrides still merge into the preset', () => {
    const t = buildTopology('witherspoon-4', { links: { pcie: { latencyTicks: 1234 } } });
    expect(t.linkParams.pcie).toEqual({ latencyTicks: 1234, bytesPerSecond: 15_750_000_000 });
  });

  test('duplicate GPU ids, chip ids and bricks are refused', () => {
    const s1 = base();
    s1.gpus[1]!.id = 'gpu0';
    expect(configErrorOf(() => buildTopology(s1)).field).toBe('gpus[1].id');
    const s2 = base();
    s2.sockets[1]!.chipId = 0;
    expect(configErrorOf(() => buildTopology(s2)).field).toBe('sockets[1].chipId');
    const s3 = base();
    s3.gpus[1]!.links[1] = { brick: 0 };
    expect(configErrorOf(() => buildTopology(s3)).field).toBe('gpus[1].links[1].brick');
  });

  test('asymmetric peer tables are refused', () => {
    const s = base();
    // gpu0 lists gpu1 three times (link 2 was gpu2), gpu1 lists gpu0 twice.
    s.gpus[0]!.links[2] = { gpu: 'gpu1' };
    const e = configErrorOf(() => buildTopology(s));
    expect(e.message).toMatch(/Expected symmetric peer tables/);
    expect(e.field).toMatch(/^gpus\[\d\]\.links$/);
  });

  test('a PCI domain used twice is named as the file wrote it, in decimal, with its hex beside', () => {
    const s = base();
    s.sockets[0]!.npuPciDomain = 53; // socket 1's gpuPciDomain, 0x35
    const e = configErrorOf(() => buildTopology(s));
    expect(e.message).toBe(
      'sockets[1].gpuPciDomain: Expected a PCI domain no other PHB has, got 53 (0x35): sockets[0].npuPciDomain has it too',
    );
  });

  test('a number beyond a double (JSON `1e400`, read as Infinity) is called too large, as a workload file calls it', () => {
    const s = JSON.parse(
      JSON.stringify(TOPOLOGY_PRESETS['witherspoon-6']).replace('"chipId":0', '"chipId":1e400'),
    );
    const e = configErrorOf(() => buildTopology(s as TopologySpec));
    expect(e.message).toBe(
      'sockets[0].chipId: Expected an integer from 0 to 127, got Infinity (a number too large: above 1.8e308)',
    );
    s.sockets[0].chipId = 0;
    s.links = { xbus: { bytesPerSecond: -Infinity } };
    expect(configErrorOf(() => buildTopology(s as TopologySpec)).message).toMatch(
      /^links\.xbus\.bytesPerSecond: .*got -Infinity \(a number too large: below -1\.8e308\)$/,
    );
  });

  test('an unknown preset name is a ConfigError, not a crash', () => {
    expect(configErrorOf(() => buildTopology('witherspoon-8' as 'witherspoon-6')).field).toBe('topology');
  });
});

describe('topology: bounds skiboot sets', () => {
  test('a P9 chip id has 7 bits: 127 is accepted, 128 refused naming the field', () => {
    const s = structuredClone(TOPOLOGY_PRESETS['witherspoon-4']);
    s.sockets[1]!.chipId = 127;
    expect(buildTopology(s).gpus.at(-1)!.chipId).toBe(127);
    s.sockets[1]!.chipId = 128;
    expect(configErrorOf(() => buildTopology(s)).field).toBe('sockets[1].chipId');
  });

  test('at most 5 GPUs on a socket: Linux has five NPU PEs to give (7, 6 and 0 reserved)', () => {
    // One socket of n GPUs (5 or 6), each with brick k and one link to each other GPU; with 5,
    // the sixth link doubles the links of gpus 0-1 and 2-3, and g4 takes brick 5 as well.
    const socketOf = (n: number): TopologySpec => ({
      name: `one-socket-${n}`,
      sockets: [{ chipId: 0, npuPciDomain: 6, gpuPciDomain: 4, gpuFirstBus: 4 }],
      gpus: Array.from({ length: n }, (_, k) => {
        const peers = Array.from({ length: n - 1 }, (_, j) => ({ gpu: `g${(k + 1 + j) % n}` }));
        const sixth = n === 6 ? [] : k === 4 ? [{ brick: 5 }] : [{ gpu: `g${k ^ 1}` }];
        return { id: `g${k}`, socket: 0, links: [{ brick: k }, ...peers, ...sixth] };
      }),
    });
    expect(buildTopology(socketOf(5)).gpus).toHaveLength(5);
    const e = configErrorOf(() => buildTopology(socketOf(6)));
    expect(e.field).toBe('gpus[5].socket');
    expect(e.message).toMatch(
      /^gpus\[5\]\.socket: Expected at most 5 GPUs per socket \(Linux gives each GPU one NPU PE of 5 down to 1.*got 6 on socket 0: gpus\[0\], gpus\[1\], gpus\[2\], gpus\[3\], gpus\[4\], gpus\[5\]$/,
    );
  });

  test('GPU_MEM_4T_UP has no aperture for GPU index 4 or 5 (skiboot asserts): refused', () => {
    expect(() => gpuApertureBase('GPU_MEM_4T_UP', 0, 4)).toThrow(ConfigError);
    expect(() => gpuApertureBase('GPU_MEM_4T_DOWN', 0, 6)).toThrow(ConfigError);
    expect(gpuApertureBase('GPU_MEM_4T_UP', 0, 3)).toBe(0x460_0000_0000);
  });
});
