/**
 * Bad workload and topology input as a user writes it, each refused before the run with exit 2,
 * naming the file (with its line and column where the text itself is wrong) or the field, what
 * was expected and what arrived: pages too many to build in reasonable time, runs longer than
 * `--duration` allows, guests given fewer ATSD registers than their bridges need, JSON syntax errors, a misspelt or missing field, names too long for a
 * failure file, a module that throws as it loads or while its export is read.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { jsonSyntaxProblem } from '../../src/core/json-syntax.js';
import { buildTopology } from '../../src/model/platform/topology.js';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import { checkGuestAtsdRegisters } from '../../src/model/scenario/guest-atsd-registers.js';
import { checkPagesAtStart, MAX_PAGES_AT_START, pagesAtStart } from '../../src/model/scenario/start-pages.js';
import { MAX_RUN_TICKS, parseParams } from '../../src/model/scenario/workload-params.js';
import { MAX_DURATION_TICKS } from '../../src/report/duration.js';
import { loadErrorHint } from '../../src/runtime/workload-file.js';
import { cliChild } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, STACK_FRAME } from './cli-harness.js';

const tenant = { name: 'vm1', lpid: 1, groups: 'all' };
const workload = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'w', description: 'd', ...extra, params: { tenants: [tenant], ...params } });

/**
 * The first line stderr says but the note a workload file still loading after 5 s gets: on a
 * loaded machine (CI under a load average of 12, compiles running at once) that note came first,
 * and the refusal after it.
 */
function firstSaid(r: { stderr: string }): string | undefined {
  return r.stderr.split('\n').find((line) => !/^npusim: \S+: still loading after /.test(line));
}

/** `npusim run ARGS` refused with exit 2, and its one-line message. */
async function refused(args: string[]): Promise<string> {
  const r = await cli(['run', ...args, '--seed', '1', '--duration', '1us', '--inline', '--no-failure-file']);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  return firstSaid(r)!;
}

function file(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('pages mapped at start', () => {
  test('are counted as the world maps them: per tenant GPU, its processes and its TCE window', () => {
    const params = parseParams(
      {
        policy: 'per-gpu',
        tenants: [
          {
            name: 'a',
            lpid: 1,
            groups: [0, 1, 9],
            processesPerGpu: 2,
            pagesPerProcess: 10,
            tcePagesPerGpu: 3,
          },
          { name: 'b', lpid: 2, groups: 'rest', processesPerGpu: 1, pagesPerProcess: 5, tcePagesPerGpu: 0 },
        ],
      },
      '',
    );
    // witherspoon-6 per GPU: 6 groups of one GPU; `a` has two (group 9 does not exist), `b` the rest.
    expect(pagesAtStart(params, buildTopology('witherspoon-6'))).toEqual([
      { tenant: 0, field: 'pagesPerProcess', gpus: 2, pages: 40 },
      { tenant: 0, field: 'tcePagesPerGpu', gpus: 2, pages: 6 },
      { tenant: 1, field: 'pagesPerProcess', gpus: 4, pages: 20 },
      { tenant: 1, field: 'tcePagesPerGpu', gpus: 4, pages: 0 },
    ]);
  });

  test('more than the bound are refused at once, naming the largest share, before the world is built', async () => {
    const dir = testTempDir('npusim-pages-');
    // 6 GPUs x 1 process x 2^20 pages: minutes and gigabytes to build before this bound.
    const big = file(
      dir,
      'big.json',
      workload({}, {}).replace(
        '"groups":"all"',
        '"groups":"all","processesPerGpu":1,"pagesPerProcess":1048576,"tcePagesPerGpu":0',
      ),
    );
    const line = await refused([big]);
    expect(line).toBe(
      `npusim: ${big}:1:110: params.tenants[0].pagesPerProcess: Expected at most ${MAX_PAGES_AT_START} pages mapped at start ` +
        'over the whole machine (each is state every actor that tracks it keeps: more takes minutes and gigabytes to build), ' +
        'got 1048576 pages per process: 6 GPUs of `vm1` x 1 process x 1048576 pages (6291456): 6291456 pages in all',
    );
    // The TCE pages by --set: the --set is named.
    const small = file(dir, 'small.json', workload({}));
    expect(await refused([small, '--set', 'tenants[0].tcePagesPerGpu=50000'])).toMatch(
      /^npusim: --set tenants\[0\]\.tcePagesPerGpu: Expected at most 262144 pages .* got 50000 TCE pages per GPU: .*the TCE windows of 6 GPUs of `vm1` x 50000 pages \(300000\)/,
    );
    // On the bound itself: not refused.
    const params = parseParams(
      {
        tenants: [
          { ...tenant, processesPerGpu: 1, pagesPerProcess: MAX_PAGES_AT_START / 4, tcePagesPerGpu: 0 },
        ],
      },
      '',
    );
    expect(() => checkPagesAtStart(params, buildTopology('witherspoon-4'))).not.toThrow();
    expect(() =>
      checkPagesAtStart({ ...params, topology: 'witherspoon-6' }, buildTopology('witherspoon-6')),
    ).toThrow(/got 65536 pages per process: 6 GPUs of `vm1` x 1 process x 65536 pages \(393216\)/);
  });
});

describe('ATSD registers a guest needs', () => {
  test("fewer than its bridges' link indices are refused before the run, asking for enough at once", async () => {
    // mixed's guest owns socket 0's GPUs with every-link: links 0..5 of npu0. Before this check
    // the run crashed at its first guest shootdown (ModelRefusal from the chip's ATSD unit, exit 4).
    const want = (got: number) =>
      "npusim: --set host.atsdRegisters: Expected at least 6 ATSD registers per NPU: guest tenant `vm1` (LPID 1) shoots down through ATSD[link index] of its GPUs' bridges (host.guestAtsd every-link), and gpu2's bridge is link 5 of npu0; " +
      `got ${got} (a bridge without its register is not modelled: VFIO gave it no ATSD region before v5.7 and register 0 from v5.7)`;
    for (const r of [1, 5])
      expect(await refused(['mixed', '--set', `host.atsdRegisters=${r}`])).toBe(want(r));
    // With first-link a guest takes only its GPUs' first bridges' registers: gpu2's is link 4.
    expect(
      await refused(['mixed', '--set', 'host.atsdRegisters=3', '--set', 'host.guestAtsd=first-link']),
    ).toMatch(
      /Expected at least 5 ATSD registers per NPU: .*\(host\.guestAtsd first-link\), and gpu2's bridge is link 4 of npu0; got 3 /,
    );
  });

  test("the workload's own value refused beside a --set that made it too few names the --set too (QA Q15)", async () => {
    // atsd-deadlock's 1 register is enough for its host tenant; a guest tenant given by --set
    // needs 5. The message named only the workload's field, as if the workload were wrong.
    const guest = '[{"name":"t0","lpid":1,"groups":[1],"processesPerGpu":1,"pagesPerProcess":1}]';
    const line = await refused(['atsd-deadlock', '--set', `tenants=${guest}`]);
    expect(line).toMatch(
      /^npusim: atsd-deadlock: params\.host\.atsdRegisters: Expected at least 5 ATSD registers/,
    );
    expect(line).toMatch(/ \(the workload's own value, refused beside --set tenants\)$/);
  });

  test('the host alone needs none beyond one (atsd-deadlock runs with 1), and enough registers pass', () => {
    const topology = buildTopology('witherspoon-6');
    const host = { id: 'host', lpid: 0, gpus: [0, 1, 2, 3, 4, 5] };
    const guest = { id: 'vm1', lpid: 1, gpus: [3, 4, 5] };
    const params = (atsdRegisters: number) =>
      parseParams({ tenants: [tenant], host: { atsdRegisters, guestAtsd: 'every-link' } }, 'w');
    expect(() => checkGuestAtsdRegisters(params(1), topology, [host])).not.toThrow();
    expect(() => checkGuestAtsdRegisters(params(6), topology, [host, guest])).not.toThrow();
    expect(() => checkGuestAtsdRegisters(params(5), topology, [host, guest])).toThrow(
      /Expected at least 6 ATSD registers per NPU: guest tenant `vm1` .* link 5 of npu1; got 5/,
    );
  });
});

describe('a run longer than --duration allows', () => {
  test('is refused from a file or --set as --duration refuses it (1000 s)', async () => {
    expect(MAX_RUN_TICKS).toBe(MAX_DURATION_TICKS);
    const dir = testTempDir('npusim-duration-');
    const long = file(dir, 'long.json', workload({ durationTicks: 9e15 }));
    const r = await cli(['run', long, '--seed', '1', '--inline', '--no-failure-file']);
    expect(r.code, r.stderr).toBe(2);
    expect(firstSaid(r)).toBe(
      `npusim: ${long}:1:92: params.durationTicks: Expected at most 1000 s (1000000000000000 ticks), got 9000000000000000`,
    );
    const set = await cli(['run', 'mixed', '--seed', '1', '--inline', '--set', 'durationTicks=1e16']);
    expect(set.code, set.stderr).toBe(2);
    expect(set.stderr).toContain(
      'npusim: --set durationTicks: Expected at most 1000 s (1000000000000000 ticks), got 10000000000000000',
    );
  });
});

describe('JSON syntax errors', () => {
  test('name the line and column, what was expected there and what was found', () => {
    expect(jsonSyntaxProblem('{"a": [1, 2]}')).toBeUndefined();
    expect(jsonSyntaxProblem('{\n  "a": [1,]\n}')).toEqual({
      line: 2,
      column: 11,
      message: 'Expected a value (an object, a list, a string, a number, true, false or null), got `]`',
    });
    expect(jsonSyntaxProblem('{"a": 1,}')?.message).toBe(
      'Expected a property name in double quotes, got `}`',
    );
    expect(jsonSyntaxProblem('{"a" 1}')?.message).toBe('Expected `:`, got `1`');
    expect(jsonSyntaxProblem('{"a": 1 "b": 2}')?.message).toBe('Expected `,` or `}`, got `"`');
    expect(jsonSyntaxProblem('{"é": "x\ty"}')).toEqual({
      line: 1,
      column: 9,
      message:
        'Expected no control character inside a string (write it as \\n, \\t or \\u00XX), got the character U+0009',
    });
    // A binary file read as UTF-8: its bytes are not printed, and it is said to be one.
    expect(jsonSyntaxProblem(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('utf8'))?.message).toBe(
      'Expected a value (an object, a list, a string, a number, true, false or null), got bytes that are not UTF-8 text (a binary file?)',
    );
    expect(jsonSyntaxProblem('\u0085')?.message).toMatch(/got the character U\+0085$/);
    expect(jsonSyntaxProblem('{"a": 01}')?.message).toBe('Expected `,` or `}`, got `1`');
    expect(jsonSyntaxProblem('{"a": tru}')?.column).toBe(7);
    expect(jsonSyntaxProblem('')?.message).toMatch(/got the end of the file$/);
    expect(jsonSyntaxProblem('{} {}')?.message).toBe(
      'Expected the end of the file (one JSON value), got `{`',
    );
    // Deep nesting neither overflows the stack nor is refused.
    expect(jsonSyntaxProblem(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeUndefined();
    expect(jsonSyntaxProblem(`${'['.repeat(100_000)}`)?.message).toMatch(/got the end of the file$/);
  });

  test('in a workload file or a topology file are named FILE:LINE:COLUMN; a byte order mark is skipped', async () => {
    const dir = testTempDir('npusim-json-');
    const bad = file(
      dir,
      'bad.json',
      '{\n  "name": "w",\n  "description": "d",\n  "params": {"tenants": [],}\n}\n',
    );
    expect(await refused([bad])).toBe(
      `npusim: ${bad}: Expected JSON, got a syntax error: ${bad}:4:28: Expected a property name in double quotes, got \`}\``,
    );
    const topo = file(dir, 'topo.json', '{\n  "name": "t",\n  "sockets": [1,]\n}\n');
    expect(await refused(['mixed', '--topology', topo])).toBe(
      `npusim: ${topo}: Expected JSON, got a syntax error: ${topo}:3:17: ` +
        'Expected a value (an object, a list, a string, a number, true, false or null), got `]`',
    );
    // A byte order mark, as some editors write: read as the JSON after it.
    const bom = file(dir, 'bom.json', `\uFEFF${workload({ gpu: { dmaBytes: 0 } })}`);
    expect(await refused([bom])).toBe(
      `npusim: ${bom}:1:99: params.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0`,
    );
    const topoBom = file(dir, 'topo-bom.json', '\uFEFF{"name": "t"}');
    expect(await refused(['mixed', '--topology', topoBom])).toMatch(
      `npusim: ${topoBom}: sockets: Expected an array`,
    );
  });

  test('a key given twice in one object (JSON.parse keeps the last, silently) is refused at the second', async () => {
    const dir = testTempDir('npusim-json-');
    const twice = file(
      dir,
      'twice.json',
      '{\n  "name": "w",\n  "description": "d",\n  "params": {"tenants": []},\n  "params": {}\n}\n',
    );
    expect(await refused([twice])).toBe(
      `npusim: ${twice}: Expected JSON, got a key given twice: ${twice}:5:3: ` +
        'Expected each key once in an object, got `params` a second time (JSON.parse would keep this one)',
    );
    const topo = file(dir, 'topo.json', '{"name": "t", "name": "u"}');
    expect(await refused(['mixed', '--topology', topo])).toContain(
      `npusim: ${topo}: Expected JSON, got a key given twice: ${topo}:1:15:`,
    );
  });

  // A workload as an author lays it out, one key or item a line; each test breaks one line of it.
  const LAID_OUT = [
    '{',
    '  "name": "w",',
    '  "description": "d",',
    '  "headline": [',
    '    {"label": "done", "counter": "dma.completed"},',
    '    {"label": "issued", "counter": "dma.issued"},',
    '    {"label": "faults", "counter": "dma.faulted"}',
    '  ],',
    '  "variants": [{"name": "small", "set": {"gpu.dmaBytes": 512}}],',
    '  "params": {',
    '    "tenants": [',
    '      {"name": "vm1", "lpid": 1, "groups": [0], "pageSizes": ["2M"]},',
    '      {',
    '        "name": "vm2",',
    '        "lpid": 2,',
    '        "groups": "rest"',
    '      }',
    '    ]',
    '  }',
    '}',
    '',
  ].join('\n');

  test("a field the schema refuses in a workload file is named FILE:LINE:COLUMN as a key given twice is: the key, or the list's item", async () => {
    const dir = testTempDir('npusim-json-place-');
    const broken = (name: string, from: string, to: string) => {
      expect(LAID_OUT).toContain(from);
      return file(dir, name, LAID_OUT.replace(from, to));
    };
    // An unknown key at the top: the key.
    const top = broken('top.json', '  "description": "d",', '  "description": "d",\n  "qustion": "q",');
    expect(await refused([top])).toBe(
      `npusim: ${top}:4:3: qustion: Expected a workload field (one of: name, description, question, label, expect, ` +
        'exposes, headline, premises, variants, params), got unknown key `qustion` (did you mean `question`?)',
    );
    // QA: an unknown key in a tenant of a long file.
    const pageSize = broken('page-size.json', '"pageSizes": ["2M"]', '"pageSize": ["2M"]');
    expect(await refused([pageSize])).toMatch(
      new RegExp(
        `^npusim: ${pageSize.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:12:49: params\\.tenants\\[0\\]\\.pageSize: Expected a tenant field \\(one of: .*\\), got unknown key \`pageSize\` \\(did you mean \`pageSizes\`\\?\\)$`,
      ),
    );
    // A value of the wrong type: its key.
    const lpid = broken('lpid.json', '"lpid": 2,', '"lpid": "2",');
    expect(await refused([lpid])).toBe(
      `npusim: ${lpid}:15:9: params.tenants[1].lpid: Expected an integer from 0 to 4095, got the string "2"`,
    );
    // A list's item that is wrong as a whole: the item.
    const item = broken('item.json', '{"label": "faults", "counter": "dma.faulted"}', '"faults"');
    // What a figure is, once (QA: `an object` six times over, one per kind of figure).
    expect(await refused([item])).toContain(
      `npusim: ${item}:7:5: headline[2]: Expected a figure with a label and one of \`counter\`, \`latency\`, \`links\`, \`rate\`, \`nmmu\`, \`param\`, got "faults"`,
    );
    // A key of a variant's `set` holds a dot: found whole.
    const set = broken('set.json', '"gpu.dmaBytes": 512', '"gpu.dmaByte": 512');
    expect(await refused([set])).toMatch(
      `npusim: ${set}:9:42: variants[0].set.gpu.dmaByte: Expected a gpu parameter (one of: `,
    );
    // A check after the schema (the headline's counter against the counters a run reports).
    const counter = broken('counter.json', '"dma.issued"', '"dma.isued"');
    expect(await refused([counter])).toMatch(
      `npusim: ${counter}:6:25: headline[1].counter: Expected a counter name (nearest: dma.issued`,
    );
  });

  test('each mistake of a workload file is at its line and column; one the file does not hold and a --set have none', async () => {
    const dir = testTempDir('npusim-json-place-');
    const many = file(
      dir,
      'many.json',
      LAID_OUT.replace('"lpid": 2,', '"lpid": "2",')
        .replace('"groups": "rest"', '"grups": "rest"')
        .replace('"counter": "dma.issued"', '"counter": 5'),
    );
    const r = await cli(['run', many, '--seed', '1', '--duration', '1us', '--inline', '--no-failure-file']);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`npusim: ${many}:6:25: headline[1].counter: Expected a string, got 5`);
    expect(lines.slice(1).map((line) => line.replace(/: Expected .*/, ''))).toEqual([
      `  ${many}:15:9: params.tenants[1].lpid`,
      `  ${many}:16:9: params.tenants[1].grups`,
      // Missing: the file has no place for it; said after what its object does hold.
      `  ${many}: params.tenants[1].groups`,
    ]);
    // A --set on the file is named by the option, with no place in the file.
    const good = file(dir, 'good.json', LAID_OUT);
    expect(await refused([good, '--set', 'tenants[1].lpid="2"'])).toBe(
      'npusim: --set tenants[1].lpid: Expected an integer from 0 to 4095, got the string "2"',
    );
    // The machine's checks of the file's own values (made once the topology is known) place them too.
    const pages = file(
      dir,
      'pages.json',
      LAID_OUT.replace(
        '"lpid": 2,',
        '"lpid": 2,\n        "processesPerGpu": 64,\n        "pagesPerProcess": 1048576,',
      ),
    );
    expect(await refused([pages])).toMatch(
      `npusim: ${pages}:17:9: params.tenants[1].pagesPerProcess: Expected at most ${MAX_PAGES_AT_START} pages mapped at start`,
    );
    expect(
      await refused([
        good,
        '--set',
        'tenants[1].pagesPerProcess=1048576',
        '--set',
        'tenants[1].processesPerGpu=64',
      ]),
    ).toMatch(
      `npusim: --set tenants[1].pagesPerProcess: Expected at most ${MAX_PAGES_AT_START} pages mapped at start`,
    );
  });

  test('a field a topology file gets wrong is named FILE:LINE:COLUMN, each mistake at its own', async () => {
    const dir = testTempDir('npusim-json-place-');
    const spec = structuredClone(TOPOLOGY_PRESETS['witherspoon-4']) as unknown as {
      name: string;
      sockets: Record<string, unknown>[];
      gpus: Record<string, unknown>[];
    };
    spec.name = 'mine';
    spec.sockets[1]!.chipId = '8';
    spec.gpus[2]!.sokcet = spec.gpus[2]!.socket;
    const topo = file(dir, 'topo.json', JSON.stringify(spec, null, 2));
    const r = await cli(['topo', topo]);
    expect(r.code, r.stderr).toBe(2);
    expect(
      r.stderr
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(/: Expected .*/, '')),
    ).toEqual([`npusim: ${topo}:11:7: sockets[1].chipId`, `  ${topo}:89:7: gpus[2].sokcet`]);
  });
});

describe('fields', () => {
  test('a field missing beside an unknown key names the key (a misspelling) and the nearest field, or the field missing', async () => {
    const dir = testTempDir('npusim-fields-');
    const parms = file(dir, 'parms.json', JSON.stringify({ name: 'w', description: 'd', parms: {} }));
    expect(await refused([parms])).toBe(
      `npusim: ${parms}:1:31: parms: Expected a workload field (one of: name, description, question, label, expect, ` +
        'exposes, headline, premises, variants, params), got unknown key `parms` (did you mean `params`?)',
    );
    const lpd = file(dir, 'lpd.json', workload({ tenants: [{ name: 'a', lpd: 1, groups: 'all' }] }));
    expect(await refused([lpd])).toContain(
      `npusim: ${lpd}:1:64: params.tenants[0].lpd: Expected a tenant field (one of: name, lpid, groups, `,
    );
    expect(await refused([lpd])).toContain('got unknown key `lpd` (did you mean `lpid`?)');
    // A key near no field: the field missing is named instead.
    const far = file(dir, 'far.json', workload({ tenants: [{ name: 'a', vmid: 1, groups: 'all' }] }));
    expect(await refused([far])).toContain('got unknown key `vmid` (and `lpid` is missing)');
    // QA: a slip of a field with a default (nothing missing) is hinted with the nearest field.
    const slip = file(
      dir,
      'slip.json',
      workload({ tenants: [{ name: 'a', lpid: 1, groups: 'all', pagesPerProces: 8 }] }),
    );
    expect(await refused([slip])).toMatch(
      /params\.tenants\[0\]\.pagesPerProces: Expected a tenant field \(one of: .*\), got unknown key `pagesPerProces` \(did you mean `pagesPerProcess`\?\)$/,
    );
    // Missing alone: said so, not zod's "expected nonoptional, received undefined".
    const none = file(dir, 'none.json', JSON.stringify({ name: 'w', description: 'd' }));
    expect(await refused([none])).toBe(
      `npusim: ${none}: params: Expected the workload's parameters, an object with at least \`tenants\`, such as {"tenants": [{"name": "vm1", "lpid": 1, "groups": "all"}]} (README.md "Your own workloads and topologies"), got nothing (the field is missing)`,
    );
    // An empty params: the one parameter with no default is the tenants, shown as the smallest one
    // (QA: `Expected a list, got nothing` said neither).
    const noTenants = file(
      dir,
      'no-tenants.json',
      JSON.stringify({ name: 'w', description: 'd', params: {} }),
    );
    const shape =
      'a list of at least one tenant, such as [{"name": "vm1", "lpid": 1, "groups": "all"}] (README.md "Your own workloads and topologies")';
    expect(await refused([noTenants])).toBe(
      `npusim: ${noTenants}: params.tenants: Expected ${shape}, got nothing (the field is missing)`,
    );
    expect(await refused(['mixed', '--set', 'tenants=[]'])).toBe(
      `npusim: --set tenants: Expected ${shape}, got an empty list`,
    );
    // A list replaces the workload's (an object would merge into the tenant there: param-path.ts).
    expect(await refused(['mixed', '--set', 'tenants=[{}]'])).toBe(
      'npusim: --set tenants[0].name: Expected a string, got nothing (the field is missing)',
    );
  });

  test('every mistake of a file is said in one run, each on its own line at its place, the first as alone', async () => {
    const dir = testTempDir('npusim-all-');
    const tenants = [
      { name: 'a', lpid: 1, groups: 'all' },
      { nmae: 'b', lpid: '2', groups: 'rset' },
    ];
    const args = (path: string) => [
      'run',
      path,
      '--seed',
      '1',
      '--duration',
      '1us',
      '--inline',
      '--no-failure-file',
    ];
    const json = file(dir, 'five.json', JSON.stringify({ name: 'w', description: 'd', params: { tenants } }));
    // A module's plain object is read the same way, with its own name as the place.
    const mjs = file(
      dir,
      'five.mjs',
      `export default ${JSON.stringify({ name: 'w', description: 'd', params: { tenants } })};\n`,
    );
    for (const path of [json, mjs]) {
      const r = await cli(args(path));
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      // The JSON file's places have their line and column; a module's, its name alone.
      const at = (place: string) => (path === json ? `${path}:${place}` : path);
      expect(lines[0]).toContain(
        `npusim: ${at('1:90')}: params.tenants[1].nmae: Expected a tenant field (one of: name,`,
      );
      expect(lines[0]).toMatch(/got unknown key `nmae` \(did you mean `name`\?\)$/);
      expect(lines.slice(1)).toEqual([
        `  ${at('1:101')}: params.tenants[1].lpid: Expected an integer from 0 to 4095, got the string "2"`,
        `  ${at('1:112')}: params.tenants[1].groups: Expected a list, \`all\` or \`rest\`, got \`rset\` (did you mean \`rest\`?)`,
      ]);
    }
  });

  test("a topology file with several mistakes gets them all in one refusal, laid out as a workload file's, from run and topo alike", async () => {
    const dir = testTempDir('npusim-topo-many-');
    const spec = JSON.parse(JSON.stringify({ ...TOPOLOGY_PRESETS['witherspoon-4'], name: 'mine' }));
    spec.sockets[0].chipId = '0';
    spec.gpus[0].sokcet = 1;
    spec.gpus[3].links[0] = { gpu: 'gpu9' };
    const topo = file(dir, 'three.json', JSON.stringify(spec));
    for (const args of [
      [
        'run',
        'mixed',
        '--topology',
        topo,
        '--seed',
        '1',
        '--duration',
        '1us',
        '--inline',
        '--no-failure-file',
      ],
      ['topo', topo],
    ]) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        `npusim: ${topo}:1:28: sockets[0].chipId: Expected an integer from 0 to 127, got the string "0"`,
        `  ${topo}:1:280: gpus[0].sokcet: Expected a GPU field (one of: id, socket, links), got unknown key \`sokcet\` (did you mean \`socket\`?)`,
        `  ${topo}:1:558: gpus[3].links[0].gpu: Expected the id of a peer GPU, got \`gpu9\`: unknown peer, no GPU has that id`,
      ]);
    }
  });

  test("a wrong type, a fraction or an unknown choice is said in the house form with the field's range, not zod's words (QA)", async () => {
    const dir = testTempDir('npusim-kinds-');
    const threads = file(dir, 'threads.json', workload({ host: { cpuThreads: '2' } }));
    expect(await refused([threads])).toBe(
      `npusim: ${threads}:1:100: params.host.cpuThreads: Expected an integer from 1 to 64, got the string "2"`,
    );
    expect(await refused(['mixed', '--set', 'host.cpuThreads=2.5'])).toBe(
      'npusim: --set host.cpuThreads: Expected an integer from 1 to 64, got 2.5',
    );
    // QA: `durationTicks: '200us'`, as --duration takes it: the field counts ps, and what it means.
    const duration = file(dir, 'duration.json', workload({ durationTicks: '200us' }));
    expect(await refused([duration])).toBe(
      `npusim: ${duration}:1:92: params.durationTicks: Expected an integer from 1 to 1000000000000000, got the string "200us" ` +
        "(durationTicks is in ps: 200000000 for 200us; the command line's --duration takes 200us)",
    );
    // QA: one page size written without its list, as --set and the README write one, is shown as
    // the list of one.
    const one = file(dir, 'one.json', workload({ tenants: [{ ...tenant, pageSizes: '2M' }] }));
    expect(await refused([one])).toBe(
      `npusim: ${one}:1:90: params.tenants[0].pageSizes: Expected a list, got the string "2M" (pageSizes is a list, even of one: ["2M"])`,
    );
    // A name written short is hinted with the name it shortens, as a slip is.
    const rate = file(dir, 'rate.json', workload({}, { headline: [{ label: 'r', rate: 'tce' }] }));
    expect(await refused([rate])).toBe(
      `npusim: ${rate}:1:56: headline[0].rate: Expected one of ats-hit, tce-hit, got \`tce\` (did you mean \`tce-hit\`?)`,
    );
  });

  test('a name or an LPID two tenants share is refused at the second, naming the tenant that has it (QA)', async () => {
    const dir = testTempDir('npusim-twice-');
    const lpid = file(
      dir,
      'lpid.json',
      workload({
        tenants: [
          { name: 'vm1', lpid: 1, groups: [0] },
          { name: 'vm2', lpid: 2, groups: [1] },
          { name: 'vm3', lpid: 1, groups: 'rest' },
        ],
      }),
    );
    expect(await refused([lpid])).toBe(
      `npusim: ${lpid}:1:140: params.tenants[2].lpid: Expected an LPID no other tenant has, got 1 (tenants[0] has it)`,
    );
    expect(() =>
      parseParams({ tenants: [tenant, { name: 'vm1', lpid: 2, groups: 'rest' }] }, 'w.json: params'),
    ).toThrow(
      'w.json: params.tenants[1].name: Expected a name no other tenant has, got `vm1` (tenants[0] has it)',
    );
  });

  test('several bad --set are refused in one run, each on its own line in the order typed (exit 2)', async () => {
    const lines = async (args: string[]) => {
      const r = await cli([
        'run',
        ...args,
        '--seed',
        '1',
        '--duration',
        '1us',
        '--inline',
        '--no-failure-file',
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      return r.stderr.trimEnd().split('\n');
    };
    // The schema's, a path given twice, one its own option gives, and a number where text goes.
    expect(
      await lines([
        'stress',
        '--set',
        'gpu.dmaBytes=0',
        '--set',
        'gpu.dmaBytes=1',
        '--set',
        'policy=per-gpu',
        '--set',
        'tenants[0].name=12',
        '--policy',
        'per-gpu',
      ]),
    ).toEqual([
      'npusim: --set gpu.dmaBytes: Expected an integer from 1 to 65536, got 0',
      '  --set gpu.dmaBytes: Expected each parameter set once, got `gpu.dmaBytes` twice',
      '  --set policy: Expected `policy` either by --set or by --policy, got both',
      `  --set tenants[0].name: Expected a string, got 12 (--set reads VALUE as JSON when it is JSON; for the text, quote it: --set 'tenants[0].name="12"')`,
      'Run `npusim run --help` for usage.',
    ]);
    // Values that are not PATH=VALUE at all, each said where the option is read.
    expect(await lines(['stress', '--set', 'a', '--set', '1x=2'])).toEqual([
      'npusim: --set: Expected PATH=VALUE such as `gpu.dmaBytes=4096` or `policy=per-gpu`, got `a`',
      '  --set 1x: Expected a parameter path such as `gpu.dmaBytes` or `tenants[0].pagesPerProcess`, got `1x`',
      'Run `npusim run --help` for usage.',
    ]);
  });

  test('names too long for a failure file or with control characters are refused', async () => {
    const dir = testTempDir('npusim-names-');
    const long = file(dir, 'long.json', workload({}).replace('"name":"w"', `"name":"${'a'.repeat(300)}"`));
    expect(await refused([long])).toBe(
      `npusim: ${long}:1:2: name: Expected a name of at most 64 characters, got 300`,
    );
    const variant = file(
      dir,
      'variant.json',
      workload({}, { variants: [{ name: 'v'.repeat(65), set: { 'gpu.dmaBytes': 512 } }] }),
    );
    expect(await refused([variant])).toBe(
      `npusim: ${variant}:1:44: variants[0].name: Expected a name of at most 64 characters, got 65`,
    );
    const control = file(dir, 'escape.json', workload({ tenants: [{ ...tenant, name: 'vm\u001b[2J' }] }));
    expect(await refused([control])).toBe(
      `npusim: ${control}:1:53: params.tenants[0].name: Expected a name of printable characters, got "vm\\u001b[2J" (a control character in it)`,
    );
  });
});

describe('workload modules', () => {
  test('a throw as the module loads is named FILE:LINE:COLUMN; a getter that throws is exit 2, not a crash', async () => {
    const dir = testTempDir('npusim-modules-');
    // Child processes: Node's own loader and stack, as a user runs it (vitest's differ). In an
    // ES module package; the CommonJS case is the next test.
    file(dir, 'package.json', '{"type": "module"}\n');
    const throws = file(
      dir,
      'throws.ts',
      'const n: number = 1;\nif (n > 0) throw new Error(`no tenants for ` + n);\nexport default {};\n',
    );
    const getter = file(
      dir,
      'getter.mjs',
      "export default {\n  name: 'g',\n  description: 'd',\n  get params() {\n    throw new RangeError('not yet');\n  },\n};\n",
    );
    // A Proxy whose every trap throws: met as soon as the export is looked at (QA: exit 4).
    const proxy = file(
      dir,
      'proxy.mjs',
      "export default new Proxy({}, { get() { throw new Error('trap'); } });\n",
    );
    const [t, g, p] = await Promise.all(
      [throws, getter, proxy].map((f) => cliChild(['run', f, '--inline', '--no-failure-file'])),
    );
    expect(p!.code, p!.stderr).toBe(2);
    expect(firstSaid(p!)).toBe(
      `npusim: ${proxy}: Expected a workload whose fields can be read, got an error reading them: ${proxy}:1:46: trap`,
    );
    expect(t!.code, t!.stderr).toBe(2);
    expect(firstSaid(t!)).toBe(
      `npusim: ${throws}: Expected a module that loads, got an error: ${throws}:2:18: no tenants for 1`,
    );
    expect(g!.code, g!.stderr).toBe(2);
    expect(firstSaid(g!)).toBe(
      `npusim: ${getter}: Expected a workload whose fields can be read, got an error reading them: ${getter}:5:11: not yet`,
    );
    for (const r of [t!, g!, p!]) expect(r.stderr).not.toMatch(STACK_FRAME);
    const number = file(dir, 'number.ts', 'export default 42;\n');
    expect(await refused([number])).toBe(
      `npusim: ${number}: default export: Expected a workload object (\`name\`, \`description\`, \`params\`, ...), got the number 42`,
    );
    const fn = file(dir, 'fn.ts', 'export default () => ({});\n');
    expect(await refused([fn])).toContain(
      'got a function (export the workload itself, not a function that makes it)',
    );
    // QA: a Promise was read as a workload object and refused for a missing `name`.
    const promise = file(dir, 'promise.ts', 'export default Promise.resolve({});\n');
    expect(await refused([promise])).toBe(
      `npusim: ${promise}: default export: Expected a workload object (\`name\`, \`description\`, \`params\`, ...), got a Promise (export the workload itself; the module may \`await\` what it needs first)`,
    );
    const list = file(dir, 'list.json', '[]');
    expect(await refused([list])).toBe(
      `npusim: ${list}: Expected a workload object (\`name\`, \`description\`, \`params\`, ...), got a list`,
    );
  });
});

describe('workload modules tsx compiles to CommonJS', () => {
  // A .ts file outside an ES module package runs from a data: URL of its compiled code, whose
  // stack tsx leaves unmapped: a throw read `got an error: boom` with no place (QA), where the same
  // file as .mts or .mjs read `FILE:3:7: boom`. The place is mapped back to the .ts source.
  test('a throw at the top level, in a function, in a getter and a process.exit are named FILE:LINE:COLUMN in the .ts source', async () => {
    const dir = testTempDir('npusim-cjs-ts-');
    const top = file(
      dir,
      'top.ts',
      'const a: number = 1;\n\nthrow new Error("ts boom");\nexport default {};\n',
    );
    const inner = file(
      dir,
      'inner.ts',
      'interface X {\n  a: number;\n}\nfunction f(x: X): number {\n  if (x.a > 0)\n    throw new TypeError("bad " + x.a);\n  return 1;\n}\nf({ a: 2 });\nexport default {};\n',
    );
    const getter = file(
      dir,
      'getter.ts',
      'const n: number = 1;\nexport default { name: "g", description: "d", get params(): object {\n  throw new RangeError("not yet " + n);\n} };\n',
    );
    const exits = file(
      dir,
      'exits.ts',
      'type T = number;\nconst code: T = 0;\nprocess.exit(code);\nexport default {};\n',
    );
    const [a, b, c, d] = await Promise.all(
      [top, inner, getter, exits].map((f) => cliChild(['run', f, '--inline', '--no-failure-file'])),
    );
    const loads = 'Expected a module that loads, got an error:';
    expect(firstSaid(a!)).toBe(`npusim: ${top}: ${loads} ${top}:3:7: ts boom`);
    expect(firstSaid(b!)).toBe(`npusim: ${inner}: ${loads} ${inner}:6:11: bad 2`);
    expect(firstSaid(c!)).toBe(
      `npusim: ${getter}: Expected a workload whose fields can be read, got an error reading them: ${getter}:3:9: not yet 1`,
    );
    expect(firstSaid(d!)).toBe(
      `npusim: ${exits}: Expected a workload module that leaves ending the process to npusim, got one that called \`process.exit(0)\` while it loaded (${exits}:3:9)`,
    );
    for (const r of [a!, b!, c!, d!]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });
});

describe('a missing module is named where it is imported (QA: Node names neither the importer nor the line)', () => {
  test("in the workload file, and in a module of the user's it imports, .ts and .mjs alike", async () => {
    const dir = testTempDir('npusim-missing-import-');
    mkdirSync(join(dir, 'lib'));
    const own = file(dir, 'own.ts', 'const n: number = 1;\nimport "./gone.js";\nexport default { n };\n');
    file(
      dir,
      'lib/helper.ts',
      'export const x: number = 1;\n\n  import { y } from "./absent.js";\nexport const z = y;\n',
    );
    const deep = file(dir, 'deep.ts', 'import { x, z } from "./lib/helper.ts";\nexport default { x, z };\n');
    file(dir, 'lib/helper.mjs', '// a helper\nimport "./absent.mjs";\n');
    const deepJs = file(dir, 'deep.mjs', 'import "./lib/helper.mjs";\nexport default {};\n');
    const [a, b, c] = await Promise.all(
      [own, deep, deepJs].map((f) => cliChild(['run', f, '--inline', '--no-failure-file'])),
    );
    const loads = 'Expected a module that loads, got an error:';
    expect(firstSaid(a!)).toBe(`npusim: ${own}: ${loads} ${own}:2:8: Cannot find module './gone.js'`);
    expect(firstSaid(b!)).toBe(
      `npusim: ${deep}: ${loads} ${join(dir, 'lib/helper.ts')}:3:21: Cannot find module './absent.js'`,
    );
    expect(firstSaid(c!)).toMatch(
      new RegExp(
        `^npusim: ${deepJs}: ${loads} ${join(dir, 'lib/helper.mjs')}:2:8: Cannot find module '.*absent\\.mjs'`,
      ),
    );
    for (const r of [a!, b!, c!]) expect(r.code, r.stderr).toBe(2);
  });
});

describe('a load error the words alone do not explain gets a hint', () => {
  test('top-level await in a .ts file loaded as CommonJS (QA: esbuild named a "cjs" format the user never chose)', () => {
    // As the built CLI met it (`npusim run x.ts`, no package.json); the tests' own loader would
    // take such a file as an ES module, so the words are checked here.
    expect(
      loadErrorHint('x.ts:1:1: Top-level await is currently not supported with the "cjs" output format'),
    ).toBe(
      ' (a .ts file outside an ES module package is loaded as CommonJS, which has no top-level await: name it .mts, or add a package.json with "type": "module" beside it)',
    );
    // npusim is not on the npm registry: the hint names this package's own folder to install.
    expect(loadErrorHint("Cannot find package 'npusim' imported from /x/w.ts")).toContain(
      `run \`npm install ${fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')}\` in its directory or one above it, the npusim running now; npusim is not on the npm registry`,
    );
    expect(loadErrorHint('x.ts:3:36: Unexpected identifier')).toBe('');
  });
});

describe('a name that is no preset or built-in is a file when one exists (QA: `w6.JSON` was refused)', () => {
  /** `f()` run in a fresh directory holding `files`, the command's own directory restored after. */
  async function inDir<T>(files: Record<string, string>, f: () => Promise<T>): Promise<T> {
    const dir = testTempDir('npusim-names-');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      return await f();
    } finally {
      process.chdir(cwd);
    }
  }
  const six = TOPOLOGY_PRESETS['witherspoon-6'];

  test('topology: `w6.JSON` and `w6.txt` are read as files; a preset name beats a file of that name', async () => {
    const spec = JSON.stringify({ ...six, name: 'mine' });
    const files = { 'w6.JSON': spec, 'w6.txt': spec, 'witherspoon-4': '{"not": "read"}' };
    const [upper, txt, preset, over] = await inDir(files, async () => [
      await cli(['topo', 'w6.JSON']),
      await cli(['topo', 'w6.txt']),
      await cli(['topo', 'witherspoon-4']),
      // The check of outputs against inputs takes the same names for files.
      await cli(['run', 'mixed', '--topology', 'w6.txt', '--out', 'w6.txt']),
    ]);
    expect(over.stderr).toContain(
      "npusim: --out: Expected a file other than the command's input, got `w6.txt`, which --topology reads",
    );
    for (const r of [upper, txt]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/^topology mine \(6 GPUs, 2 sockets, /);
    }
    expect(preset.stdout.split('\n')[0]).toMatch(/^topology witherspoon-4 \(4 GPUs, /);
  });

  test('topology: a name that is neither says what is taken and that no such file exists', async () => {
    const r = await inDir({}, () => cli(['topo', 'w6.txt']));
    expect(r.code).toBe(2);
    expect(firstSaid(r)).toBe(
      'npusim: topology: Expected a preset (witherspoon-6, witherspoon-4) or a path to an existing JSON topology file, got `w6.txt`: no preset has that name and no such file exists',
    );
  });

  test('topology: a preset named in the wrong case is named as it is spelled', async () => {
    const r = await inDir({}, () => cli(['topo', 'WITHERSPOON-6']));
    expect(r.code).toBe(2);
    expect(firstSaid(r)).toBe(
      'npusim: topology: Expected a preset (witherspoon-6, witherspoon-4) or a path to an existing JSON topology file, got `WITHERSPOON-6`: no preset has that name (presets are named in lower case: `witherspoon-6`) and no such file exists',
    );
  });

  // QA 58 F3: the unit of `--duration 2 ms`, taken for the workload, was refused with no hint.
  test('workload: a unit written apart and taken for the workload is refused with the joined hint', async () => {
    for (const [args, hint] of [
      [['run', '--duration', '2', 'ms', '--inline'], '`--duration 2ms`'],
      [['sweep', '--duration', '500', 'us', '--seeds', '1..2'], '`--duration 500us`'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `: no workload has that name and no such file exists; did you mean ${hint}?\n`,
      );
    }
  });

  test("a module's process.chdir as it loads is undone: a relative --out lands where the command started (QA: in `/`)", async () => {
    const dir = testTempDir('npusim-chdir-');
    const away = testTempDir('npusim-chdir-away-');
    const mod = file(
      dir,
      'chdir.mjs',
      `process.chdir(${JSON.stringify(away)});\nexport default { name: 'w', description: 'd', params: { tenants: [{ name: 'vm1', lpid: 1, groups: 'all' }] } };\n`,
    );
    const r = await cliChild(
      ['run', mod, '--seed', '1', '--duration', '1us', '--inline', '--out', 'rel.json'],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'rel.json'))).toBe(true);
    expect(existsSync(join(away, 'rel.json'))).toBe(false);
  });

  test('workload: a slip in a built-in name is hinted with the nearest (the API findWorkload did, the command line did not)', async () => {
    for (const [given, hint] of [
      ['strss', '(did you mean `stress`?)'],
      ['dma-strom', '(did you mean `dma-storm`?)'],
    ] as const) {
      const r = await inDir({}, () => cli(['run', given, '--inline']));
      expect(r.code, r.stderr).toBe(2);
      expect(firstSaid(r)).toMatch(
        new RegExp(
          `got \`${given}\`: no workload has that name and no such file exists ${hint.replace(/[()?]/g, '\\$&')}$`,
        ),
      );
    }
  });

  // QA 58 F5: a slip in a preset's name got no hint, and topo's errors no pointer to its help.
  test('topology: a slip in a preset name is hinted with the nearest preset, and the error points to topo --help', async () => {
    const [slip, tie] = await inDir({}, async () => [
      await cli(['topo', 'witherspon-6']),
      await cli(['topo', 'witherspoon-8']),
    ]);
    expect(slip.code).toBe(2);
    expect(slip.stderr).toContain(
      'got `witherspon-6`: no preset has that name (did you mean `witherspoon-6`?) and no such file exists\nRun `npusim topo --help` for usage.\n',
    );
    expect(tie.stderr).toContain('(did you mean `witherspoon-6` or `witherspoon-4`?)');
  });

  test('workload: `WL.JSON` is the file; a module in upper case and a missing name are refused saying why', async () => {
    const [json, module, missing] = await inDir(
      { 'WL.JSON': workload({}, { name: 'upper' }), 'WL.JS': 'export default {};' },
      async () => [
        await refused(['WL.JSON', '--set', 'gpu.dmaBytes=0']),
        await refused(['WL.JS']),
        await refused(['wl']),
      ],
    );
    // Read as the workload (its field named), not refused as an unknown workload name.
    expect(json).toMatch(/^npusim: --set gpu\.dmaBytes: Expected an integer from 1 to 65536, got 0/);
    expect(module).toBe(
      "npusim: WL.JS: Expected a workload file named *.ts, *.js or *.json (also .mts, .cts, .mjs, .cjs; a module's in lower case, as Node imports it), got `WL.JS`",
    );
    expect(missing).toMatch(
      /^npusim: workload: Expected a built-in workload \(mixed, .*\) or a path to an existing workload file \(\.ts, \.js, \.json\), got `wl`: no workload has that name and no such file exists$/,
    );
  });
});
