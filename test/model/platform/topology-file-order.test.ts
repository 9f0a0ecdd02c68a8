/**
 * A topology file's mistakes, all of them, in the order the file has them (QA): a GPU on a socket
 * the machine lacks leaves only its own links unchecked, not every GPU's, and the refusal lists
 * its mistakes as a workload file's are listed (core/field-order.ts), not check by check. Each
 * place is put at its line and column (core/json-place.ts), as `npusim topo FILE` says it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { MAX_ISSUES_SHOWN } from '../../../src/core/issues-message.js';
import { placedInJsonFile } from '../../../src/core/json-place.js';
import { buildTopology, TOPOLOGY_PRESETS } from '../../../src/model/platform/topology.js';
import { validateTopologySpec } from '../../../src/model/platform/validate-topology.js';
import { thrownBy } from '../../support/thrown.js';

type Json = Record<string, unknown>;

/** The refusal of the file `text`, each line as `npusim topo f.json` prints it (FILE:LINE:COL: FIELD). */
function refusalLines(text: string): string[] {
  const e = thrownBy(ConfigError, () =>
    buildTopology(validateTopologySpec(JSON.parse(text), (field) => `f.json: ${field}`)),
  );
  return placedInJsonFile(e, 'f.json', text)
    .message.split('\n')
    .map((line) => line.trim());
}

/** Each line's `[line, column]` (a field the file does not hold, at the end of its GPU: none). */
function placesOf(lines: readonly string[]): [number, number][] {
  return lines.flatMap((l) => {
    const m = /^f\.json:(\d+):(\d+): /.exec(l);
    return m === null ? [] : [[Number(m[1]), Number(m[2])] as [number, number]];
  });
}

const inOrder = (places: readonly [number, number][]) =>
  places.every(
    ([l, c], i) => i === 0 || l > places[i - 1]![0] || (l === places[i - 1]![0] && c >= places[i - 1]![1]),
  );

/** The QA's file: one socket, gpu1 on socket 3, gpu0 with `lnks`, gpu2 with four link mistakes. */
const QA_FILE = `{
  "name": "e7",
  "gpuMemMap": "GPU_MEM_4T_DOWN",
  "links": {
    "xbsu": {"latencyTicks": 150000},
    "pcie": {"latencyTicks": 5}
  },
  "sockets": [
    {"chipId": 0, "npuPciDomain": 6, "gpuPciDomain": 4, "gpuFirstBus": 4}
  ],
  "gpus": [
    {"id": "gpu0", "socket": 0, "lnks": []},
    {"id": "gpu1", "socket": 3, "links": [{"brick": 0}, {"brick": 2}, {"brick": 3}, {"brick": 5}, {"gpu": "gpu2"}]},
    {"id": "gpu2", "socket": 0, "links": [{"gpu": "gpu9"}, {"brick": 7}, {"brick": 1}, {"brick": 1}, {"gpu": "gpu2"}, {"brick": 4}]}
  ]
}
`;

describe('topology file: a GPU on a socket the machine lacks hides only its own links', () => {
  test("the QA's file: every other GPU's links are checked, and every mistake is said once, in file order", () => {
    expect(refusalLines(QA_FILE)).toEqual([
      'f.json:5:5: links.xbsu: Expected a link kind (one of: nvlinkBrick, pcie, xbus), got unknown key `xbsu` (did you mean `xbus`?)',
      'f.json:6:14: links.pcie.latencyTicks: Expected an integer latency from 1000 (1 ns) to 1000000000 (1 ms) ticks, got 5',
      'f.json:12:33: gpus[0].lnks: Expected a GPU field (one of: id, socket, links), got unknown key `lnks` (did you mean `links`?)',
      'f.json: gpus[0].links: Expected an array, got nothing (the field is missing)',
      'f.json:13:20: gpus[1].socket: Expected an integer from 0 to 0, got 3',
      'f.json:14:44: gpus[2].links[0].gpu: Expected the id of a peer GPU, got `gpu9`: unknown peer, no GPU has that id',
      'f.json:14:61: gpus[2].links[1].brick: Expected an integer from 0 to 5, got 7',
      'f.json:14:89: gpus[2].links[3].brick: Expected a brick no other link of socket 0 uses, got 1: gpus[2].links[2] already uses it',
      'f.json:14:103: gpus[2].links[4].gpu: Expected a peer GPU, got the GPU itself (`gpu2`)',
    ]);
  });

  test('its own links (5 entries, bricks held to that socket) are said once its socket is one the machine has', () => {
    const lines = refusalLines(QA_FILE.replace('"socket": 3', '"socket": 0'));
    expect(lines.some((l) => l.includes('gpus[1].socket'))).toBe(false);
    expect(lines).toContain(
      'f.json:13:33: gpus[1].links: Expected 6 NVLink entries (a V100 has 6 links), got 5',
    );
  });

  test('a peer link to it is checked but for the socket they share, and the tables but for its pairs', () => {
    const spec = JSON.parse(JSON.stringify(TOPOLOGY_PRESETS['witherspoon-4'])) as Json;
    const gpus = spec.gpus as Json[];
    // gpu0 and gpu1 list each other twice on socket 0; gpu1's socket is one the machine lacks, and
    // its own links list gpu0 once too often. gpu0's links to it are neither across sockets nor
    // one side of disagreeing tables (gpu1's side is not read), gpu2's unknown peer is said.
    gpus[1]!.socket = 7;
    (gpus[1]!.links as Json[]).push({ gpu: 'gpu0' });
    (gpus[2]!.links as Json[])[0] = { gpu: 'gpu9' };
    const e = thrownBy(ConfigError, () => validateTopologySpec(spec));
    expect(e.message.split('\n')).toEqual([
      'gpus[1].socket: Expected an integer from 0 to 1, got 7',
      '  gpus[2].links[0].gpu: Expected the id of a peer GPU, got `gpu9`: unknown peer, no GPU has that id',
    ]);
    // Placed again, gpu1's own links are read: its seventh link, and the tables from both ends.
    gpus[1]!.socket = 0;
    (gpus[2]!.links as Json[])[0] = { gpu: 'gpu3' };
    expect(thrownBy(ConfigError, () => validateTopologySpec(spec)).message.split('\n')).toEqual([
      'gpus[1].links: Expected 6 NVLink entries (a V100 has 6 links), got 7',
    ]);
  });
});

describe('topology file: its mistakes in the order the file has them', () => {
  test('mistakes found by later checks first in the file are listed first, and the refusal named by the first', () => {
    const text = `{
  "name": "order",
  "gpuMemMap": "GPU_MEM_4T_DWN",
  "links": {"xbus": {"latencyTicks": 150000, "bytesPerSecond": 32000000000}, "pcie": {"latencyTicks": 5}},
  "sockets": [
    {"chipId": 0, "npuPciDomain": 6, "gpuPciDomain": 4, "gpuFirstBus": 4}
  ],
  "gpus": [
    {"id": "gpu0", "socket": 0, "links": [{"brick": 0}, {"brick": 1}, {"brick": 2}, {"brick": 3}, {"brick": 4}, {"brick": 6}]},
    {"id": "gpu1", "socket": 2, "links": [{"brick": 5}, {"brick": 5}]}
  ]
}
`;
    const e = thrownBy(ConfigError, () => validateTopologySpec(JSON.parse(text)));
    expect(e.field).toBe('gpuMemMap');
    expect(refusalLines(text)).toEqual([
      'f.json:3:3: gpuMemMap: Expected GPU_MEM_4T_DOWN or GPU_MEM_4T_UP, got `GPU_MEM_4T_DWN`',
      'f.json:4:87: links.pcie.latencyTicks: Expected an integer latency from 1000 (1 ns) to 1000000000 (1 ms) ticks, got 5',
      'f.json:9:114: gpus[0].links[5].brick: Expected an integer from 0 to 5, got 6',
      'f.json:10:20: gpus[1].socket: Expected an integer from 0 to 0, got 2',
    ]);
  });

  test('any independent mistakes of a preset, written as `npusim topo --json` lays it out, come out in line order', () => {
    // Each puts one mistake at one place, none read by another's check.
    const slips: ((s: Json) => void)[] = [
      (s) => {
        s.name = '';
      },
      (s) => {
        s.gpuMemMap = 'GPU_MEM_4T_DWN';
      },
      (s) => {
        s.gpuRamBytes = 1;
      },
      (s) => {
        s.nvlinkSpeed = -1;
      },
      (s) => {
        (s.links as Json).pcie = { latencyTicks: 0 };
      },
      (s) => {
        (s.links as Json).xbsu = {};
      },
      (s) => {
        (s.sockets as Json[])[0]!.chipId = '0';
      },
      (s) => {
        (s.sockets as Json[])[1]!.junk = 1;
      },
      (s) => {
        (s.gpus as Json[])[0]!.sokcet = 1;
      },
      (s) => {
        ((s.gpus as Json[])[1]!.links as Json[])[1] = { brick: 9 };
      },
      (s) => {
        (s.gpus as Json[])[2]!.socket = 5;
      },
      (s) => {
        ((s.gpus as Json[])[1]!.links as Json[])[2] = { gpx: 'gpu0' };
      },
      (s) => {
        ((s.gpus as Json[])[3]!.links as Json[])[0] = { gpu: 'gpu9' };
      },
    ];
    // The machine's options before its sockets and GPUs, as `npusim topo --json` prints them.
    const preset = TOPOLOGY_PRESETS['witherspoon-4'];
    const laidOut = () =>
      JSON.parse(
        JSON.stringify({
          name: preset.name,
          gpuMemMap: 'GPU_MEM_4T_DOWN',
          gpuRamBytes: 16 * 2 ** 30,
          nvlinkSpeed: 8,
          links: { nvlinkBrick: {}, pcie: {}, xbus: {} },
          sockets: preset.sockets,
          gpus: preset.gpus,
        }),
      ) as Json;
    fc.assert(
      fc.property(
        fc.subarray(
          slips.map((_, i) => i),
          { minLength: 2 },
        ),
        (chosen) => {
          const spec = laidOut();
          for (const i of [...chosen].reverse()) slips[i]!(spec);
          const lines = refusalLines(JSON.stringify(spec, null, 2));
          // Each slip said (past MAX_ISSUES_SHOWN, the rest counted), at its place.
          expect(placesOf(lines).length).toBeGreaterThanOrEqual(Math.min(chosen.length, MAX_ISSUES_SHOWN));
          expect(inOrder(placesOf(lines))).toBe(true);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});
