/**
 * A user's own workloads and topologies, as a new user meets them: examples/ copied out of the
 * repository (the package found by its name, as an install would give it), run, changed and run
 * again; .ts, .js and .json workload files; `--set`; `topo --json`; and the failure file of a user
 * workload, which names the file and refuses to replay it once the file changed.
 */

import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative as relativePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { validateTopologySpec } from '../../src/model/platform/validate-topology.js';
import type { RunResult } from '../../src/report/run-result.js';
import { loadWorkloadFile } from '../../src/runtime/workload-file.js';
import { unwrapped } from '../fixtures/unwrapped.js';
import { cliChild } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, STACK_FRAME } from './cli-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = () => testTempDir('npusim-user-');

/** A directory as a user's project looks after `npm install npusim` and copying examples/. */
function newUserProject(): string {
  const dir = tmp();
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'npusim'), 'dir');
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  return dir;
}

async function runJson(args: string[]): Promise<RunResult> {
  const r = await cli(['run', ...args, '--inline', '--json', '--no-failure-file']);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunResult;
}

describe('user workloads', () => {
  test('examples: my-workload.ts on my-topology.json runs, answers its question first, and its reproduce line names both files', async () => {
    const r = await cli([
      'run',
      'examples/my-workload.ts',
      '--topology',
      'examples/my-topology.json',
      '--seed',
      '1',
      '--duration',
      '40us',
      '--inline',
      '--no-failure-file',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'npusim my-workload  seed 1  inline  examples/my-topology.json (named my-redbud) per-socket',
    );
    expect(r.stdout.indexOf('question: How long does a 2M shootdown take')).toBeLessThan(
      r.stdout.indexOf('checks:'),
    );
    expect(r.stdout).toMatch(/answer:\n {2}mmio_invalidates completed\s+\d+\n/);
    // Its `prefix.*` headline names real counters (`atsd.invalidate.*`), so the row has a figure.
    expect(r.stdout).toMatch(/\n {2}ATSD invalidates by size 2M\s+[1-9]\d*\n/);
    expect(r.stdout).not.toMatch(/ATSD invalidates by size\s+none/);
    expect(r.stdout).toContain(
      'reproduce: npusim run examples/my-workload.ts --seed 1 --duration 40us --topology examples/my-topology.json',
    );
  });

  test('examples: a copy with one parameter changed is a new run with a new digest; the copy as is gives the same digest', async () => {
    const dir = newUserProject();
    const file = join(dir, 'examples', 'my-workload.ts');
    const args = ['--seed', '2', '--duration', '30us'];
    const original = await runJson(['examples/my-workload.ts', ...args]);
    const copy = await runJson([file, ...args]);
    expect(copy.digest).toBe(original.digest);
    expect(copy.config.workloadFile).toBe(file);

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('issueIntervalTicks: 50_000');
    writeFileSync(file, text.replace('issueIntervalTicks: 50_000', 'issueIntervalTicks: 40_000'));
    const changed = await runJson([file, ...args]);
    expect(changed.config.params.gpu.issueIntervalTicks).toBe(40_000);
    expect(changed.digest).not.toBe(original.digest);
    expect(changed.counts['dma.issued']).not.toBe(original.counts['dma.issued']);
  });

  test("workload files: `expect` naming rules judges the workload's own run, with no variants too (QA: it said nothing)", async () => {
    const dir = tmp();
    const tenants = [0, 1, 2, 3, 4, 5].map((i) => ({
      name: `vm${i + 1}`,
      lpid: i + 1,
      groups: [i],
      hostile: true,
    }));
    const file = (name: string, policy: string) => {
      const path = join(dir, `${name}.json`);
      const def = {
        name,
        description: 'd',
        expect: ['isolation.peer'],
        params: { policy, durationTicks: 20_000_000, tenants },
      };
      writeFileSync(path, JSON.stringify(def));
      return path;
    };
    // Peer links up between tenants: the leak it expects; isolated: clean, which is not what it expects.
    const leaks = await cli([
      'run',
      file('leaks', 'per-gpu'),
      '--seed',
      '1',
      '--inline',
      '--no-failure-file',
    ]);
    expect(leaks.code).toBe(1);
    expect(leaks.stdout).toContain('expected (as declared): isolation.peer: as expected');
    const isolated = await cli([
      'run',
      file('isolated', 'per-gpu-isolated'),
      '--seed',
      '1',
      '--inline',
      '--json',
    ]);
    expect(isolated.code).toBe(0);
    const result = JSON.parse(isolated.stdout) as RunResult;
    expect(result.expectation).toMatchObject({ expect: ['isolation.peer'], met: false });
    // Said on stderr too, as a variant's is: --json leaves the summary out (QA).
    expect(unwrapped(isolated.stderr, 8)).toContain(
      "npusim: the workload's own run (as declared): clean, NOT as expected (expected isolation.peer); a clean run does not fail the command\n",
    );
    expect(leaks.stderr).not.toContain('NOT as expected');
  });

  test("workload files: a crashed run of the workload's own is judged by its `expect`, in the result and on stderr, as a run that ended (QA: no verdict)", async () => {
    const dir = tmp();
    const tenants = [1, 2].map((i) => ({ name: `vm${i}`, lpid: i, groups: [i - 1], hostile: true }));
    const file = join(dir, 'leaks.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'leaks',
        description: 'd',
        expect: ['isolation.peer'],
        params: { policy: 'per-gpu', durationTicks: 20_000_000, tenants },
      }),
    );
    const args = ['run', file, '--seed', '1', '--inline', '--no-failure-file', '--crash-at', 'chip0:5'];
    const r = await cli([...args, '--json']);
    expect(r.code, r.stderr).toBe(4);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('crash');
    expect(result.expectation).toEqual({ expect: ['isolation.peer'], found: {}, met: false });
    const own =
      "npusim: the workload's own run (as declared): crash, NOT as expected (expected isolation.peer)\n";
    expect(unwrapped(r.stderr, 8)).toContain(own);
    const text = await cli(args);
    expect(text.stdout).toContain('expected (as declared): isolation.peer: NOT as expected\n');
    // After the crash's own lines, as a run that ended says its verdict after the summary.
    expect(unwrapped(text.stderr, 8).indexOf(own)).toBeGreaterThan(
      unwrapped(text.stderr, 8).indexOf('npusim: crash (exit 4)'),
    );
    // Options that change its declared parameters are named in its label, as a run that ended's.
    const changed = await cli([...args, '--policy', 'per-gpu-isolated']);
    expect(changed.code, changed.stderr).toBe(4);
    expect(unwrapped(changed.stderr, 8)).toContain(
      "npusim: the workload's own run (as declared, for policy per-gpu): crash, NOT as expected (expected isolation.peer)\n",
    );
  });

  test('workload files: .json and .js run like .ts; every error names the file and the field', async () => {
    const dir = newUserProject();
    const def = {
      name: 'json-load',
      description: 'from JSON',
      params: {
        topology: 'witherspoon-4',
        durationTicks: 20_000_000,
        tenants: [{ name: 'host', lpid: 0, groups: 'all', pagesPerProcess: 8, tcePagesPerGpu: 8 }],
      },
    };
    const json = join(dir, 'w.json');
    writeFileSync(json, JSON.stringify(def));
    const js = join(dir, 'w.js');
    writeFileSync(js, `export default ${JSON.stringify({ ...def, name: 'js-load' })};\n`);
    expect((await runJson([json, '--seed', '1'])).workload).toBe('json-load');
    expect((await runJson([js, '--seed', '1'])).workload).toBe('js-load');

    const refused = async (name: string, content: string, field: string, says: string) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      const r = await cli(['run', path, '--inline', '--no-failure-file']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`npusim: ${path}${field}`);
      expect(r.stderr).toContain(says);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    };
    const bad = structuredClone(def) as typeof def & { params: { gpu?: unknown } };
    bad.params.gpu = { dmaBytes: 0 };
    await refused(
      'bad.json',
      JSON.stringify(bad),
      ':1:207: params.gpu.dmaBytes:',
      'Expected an integer from 1 to 65536, got 0',
    );
    await refused('typo.json', JSON.stringify({ ...def, parms: {} }), ':1:201: parms:', 'parms');
    await refused('syntax.json', '{ "name": ', ':', 'Expected JSON, got a syntax error');
    await refused(
      'none.js',
      'export const x = 1;\n',
      ': default export:',
      'Expected the workload as the default export',
    );
    await refused(
      'bad.ts',
      `import { defineWorkload } from 'npusim';\nexport default defineWorkload(${JSON.stringify(bad)});\n`,
      ': params.gpu.dmaBytes:',
      'Expected an integer from 1 to 65536, got 0',
    );
    // Each mistake's line names the file, the second as the first (it named the workload: QA),
    // in the order the module's object has them.
    const twice = structuredClone(def) as typeof def & { params: { gpu?: unknown } };
    twice.params.gpu = { dmaBytes: 0, engines: 99 };
    await refused(
      'twice.ts',
      `import { defineWorkload } from 'npusim';\nexport default defineWorkload(${JSON.stringify(twice)});\n`,
      ': params.gpu.dmaBytes: Expected an integer from 1 to 65536, got 0',
      `\n  ${join(dir, 'twice.ts')}: params.gpu.engines: Expected an integer from 0 to 16, got 99`,
    );
    // A name that is not kebab-case is the field at fault: not laid under itself (`my_load: name:`).
    await refused(
      'badname.ts',
      `import { defineWorkload } from 'npusim';\nexport default defineWorkload(${JSON.stringify({ ...def, name: 'my_load' })});\n`,
      ': name:',
      'Expected a kebab-case name (a-z, 0-9, -), got "my_load"',
    );
    await refused('broken.ts', 'export default {;\n', ':', 'Expected a module that loads');
    // The compiler's own error, with its line and column, not just "Transform failed with 1 error:";
    // the column counts from 1, as a .mjs file's and an editor's do (the `,` is the 12th character).
    await refused(
      'broken2.ts',
      'export default {\n  name: 1 +,\n};\n',
      ': Expected a module that loads, got an error:',
      `${join(dir, 'broken2.ts')}:2:12: Unexpected ","`,
    );
    await refused(
      'none.ts',
      'export const x = 1;\n',
      ': default export:',
      'Expected the workload as the default export (`export default defineWorkload({ ... })`, or a workload object), got no default export (the module exports only `x`)',
    );
    // An empty file exports nothing, or `{}` where it loads as CommonJS (QA: that said `name:
    // Expected a string`); `export default {}` is the same empty object.
    for (const [empty, text] of [
      ['empty.ts', ''],
      ['empty.cjs', ''],
      ['exports.cjs', 'module.exports = {};\n'],
      ['empty-default.mjs', 'export default {};\n'],
    ] as const) {
      const path = join(dir, empty);
      writeFileSync(path, text);
      const r = await cli(['run', path, '--inline', '--no-failure-file']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^npusim: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: default export: .*got (an empty object \\(\`export default \\{\\}\`, or a file that exports nothing loaded as CommonJS\\)|no default export \\(the module exports nothing\\))\n`,
        ),
      );
    }
    // `{}` in a JSON file is said as such too (it said `name: Expected a string`: QA).
    await refused(
      'empty.json',
      '{}\n',
      ':',
      'Expected a workload object (`name`, `description`, `params`, ...; README "Your own workloads and topologies"), got an empty object `{}`',
    );
    // The headline: a counter no run reports, an unknown latency and a bad stat, each with its field.
    const withHeadline = (item: unknown) => JSON.stringify({ ...def, headline: [item] });
    await refused(
      'counter.json',
      withHeadline({ label: 'done', counter: 'dma.completd' }),
      ':1:229: headline[0].counter:',
      'Expected a counter name (nearest: dma.completed, ',
    );
    await refused(
      'latency.json',
      withHeadline({ label: 'p', latency: 'dma.latencyTick' }),
      ':1:226: headline[0].latency:',
      'got `dma.latencyTick` (did you mean `dma.latencyTicks`?)',
    );
    await refused(
      'stat.json',
      withHeadline({ label: 'p', latency: 'dma.latencyTicks', stat: 'p98' }),
      ':1:255: headline[0].stat:',
      'Expected one of count, p50, p99, p999, max, got `p98` (did you mean `p99`?)',
    );
    // What the machine checks (a topology that exists, enough IOMMU groups) names the file too.
    await refused(
      'topology.json',
      JSON.stringify({ ...def, params: { ...def.params, topology: 'nosuch' } }),
      ':1:57: params.topology:',
      'Expected a preset, one of witherspoon-6, witherspoon-4, got `nosuch` (a topology file is given by `--topology FILE`, not by this parameter)',
    );
    // QA: a topology pasted in whole (`topo --json`'s object) read `Expected a string, got an object`.
    await refused(
      'topology-object.json',
      JSON.stringify({ ...def, params: { ...def.params, topology: { name: 'mine', sockets: [] } } }),
      ':1:57: params.topology:',
      'Expected a preset, one of witherspoon-6, witherspoon-4, got an object (a topology file is given by `--topology FILE`, not by this parameter)',
    );
    const tenant = { ...def.params.tenants[0]!, groups: [7] };
    await refused(
      'groups.json',
      JSON.stringify({ ...def, params: { ...def.params, tenants: [tenant] } }),
      ':1:144: params.tenants[0].groups:',
      'Expected IOMMU groups from 0 to 1 (witherspoon-4 under per-socket has 2), got group 7',
    );
    const lonely = join(tmp(), 'alone.ts');
    writeFileSync(
      lonely,
      `import { defineWorkload } from 'npusim';\nexport default defineWorkload(${JSON.stringify(def)});\n`,
    );
    const alone = await cli(['run', lonely, '--inline']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("Cannot find module 'npusim'");
    expect(alone.stderr).toContain('npm install /');
    expect(alone.stderr).toContain('npusim is not on the npm registry');
    const missing = await cli(['run', join(dir, 'nope.ts'), '--inline']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `${join(dir, 'nope.ts')}: Expected a workload file (.ts, .js or .json; .mts, .cts, .mjs, .cjs), got no such file (ENOENT)`,
    );
    mkdirSync(join(dir, 'a-dir.json'));
    const directory = await cli(['run', join(dir, 'a-dir.json'), '--inline']);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(
      `${join(dir, 'a-dir.json')}: Expected a workload file (.ts, .js or .json; .mts, .cts, .mjs, .cjs), got a directory (EISDIR)`,
    );
  });

  test('workload files: a .ts workload in a folder with a space and non-ASCII letters imports its own .ts module by its .js name (README), and its reproduce line quotes the path', async () => {
    const dir = join(newUserProject(), 'my dir', 'café');
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(
      join(dir, 'lib', 'tenants.ts'),
      "import type { TenantInput } from 'npusim';\n" +
        'export const guest = (name: string, lpid: number): TenantInput => ({ name, lpid, groups: [lpid - 1], pagesPerProcess: 8 });\n',
    );
    const file = join(dir, 'two guests.ts');
    writeFileSync(
      file,
      "import { defineWorkload } from 'npusim';\nimport { guest } from './lib/tenants.js';\n" +
        "export default defineWorkload({ name: 'two-guests', description: 'two guests', params: { durationTicks: 10_000_000, tenants: [guest('vm1', 1), guest('vm2', 2)] } });\n",
    );
    const r = await cli(['run', file, '--seed', '1', '--inline', '--no-failure-file']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`reproduce: npusim run '${file}' --seed 1`);
  });

  test('workload files: peer traffic asked of GPUs that cannot send any is said before the run (QA Q23: per-gpu-isolated dropped it all without a word)', async () => {
    const dir = newUserProject();
    // Two guests, two NVLink-peered GPUs each (gpu0-gpu1, gpu3-gpu4), 30 % peer draws.
    const def = {
      name: 'peered-storm',
      description: 'two guests with peered GPUs under a DMA storm',
      params: {
        policy: 'per-gpu-isolated',
        durationTicks: 20_000_000,
        tenants: [
          { name: 'vm1', lpid: 1, groups: [0, 1], pagesPerProcess: 8, tcePagesPerGpu: 8 },
          { name: 'vm2', lpid: 2, groups: [3, 4], pagesPerProcess: 8, tcePagesPerGpu: 8 },
        ],
        gpu: { issueIntervalTicks: 4000, ut0Percent: 50, ut1Percent: 20, peerPercent: 30 },
      },
    };
    const file = join(dir, 'peered.json');
    writeFileSync(file, JSON.stringify(def));
    const run = async (...args: string[]) => {
      const r = await cli(['run', file, '--seed', '1', '--inline', '--json', '--no-failure-file', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return { stderr: r.stderr, counts: (JSON.parse(r.stdout) as RunResult).counts };
    };
    const isolated = await run();
    expect(isolated.counts['peer.issued']).toBe(0);
    expect(isolated.counts['peer.blockedLocally']).toBeGreaterThan(0);
    expect(unwrapped(isolated.stderr, 8)).toContain(
      "npusim: gpu.peerPercent 30 sends no peer access in this run: per-gpu-isolated disabled every NVLink between a tenant's GPUs",
    );
    // The links up (per-gpu): the same tenants' peer accesses go out, and nothing is said.
    const linked = await run('--policy', 'per-gpu');
    expect(linked.counts['peer.issued']).toBeGreaterThan(0);
    expect(linked.stderr).not.toContain('sends no peer access');
    // One GPU each: no peer of its own to draw, so each draw is a UT=0 DMA, said as such.
    const single = await run('--set', 'tenants[0].groups=[0]', '--set', 'tenants[1].groups=[3]');
    expect(single.counts['peer.issued']).toBe(0);
    expect(unwrapped(single.stderr, 8)).toContain(
      'npusim: gpu.peerPercent 30 sends no peer access in this run: no tenant has two GPUs joined by an NVLink, so each peer draw is a UT=0 DMA instead',
    );
    // Said of the variant it holds in, beside the workload's own run that sends them (QA: said of
    // the own run only, so a variant's silence read as peer traffic sent).
    const withVariant = join(dir, 'peered-variant.json');
    writeFileSync(
      withVariant,
      JSON.stringify({
        ...def,
        params: { ...def.params, policy: 'per-gpu' },
        variants: [{ name: 'isolated', set: { policy: 'per-gpu-isolated' }, expect: 'clean' }],
      }),
    );
    const both = await cli(['run', withVariant, '--seed', '1', '--inline', '--no-failure-file']);
    expect(both.code, both.stderr).toBe(0);
    const said = unwrapped(both.stderr, 8);
    expect(said).toContain(
      "npusim: gpu.peerPercent 30 sends no peer access in variant isolated: per-gpu-isolated disabled every NVLink between a tenant's GPUs",
    );
    expect(said).not.toContain("sends no peer access in the workload's own run");
  });

  test('hostile guests on a topology with no GPU-GPU NVLink: said before the run, and premise (b) not listed (QA: tenant-isolation answered clean, saying nothing)', async () => {
    const dir = tmp();
    // Six sockets, one GPU each, its six bricks all to its own socket: no NVLink between GPUs.
    // Chip ids whose GPUs' tgts differ (the tgt keeps chip-id bits 0, 3 and 4).
    const chips = [0, 8, 16, 24, 1, 9];
    const topology = {
      name: 'six-solo',
      sockets: chips.map((chipId, i) => ({
        chipId,
        npuPciDomain: 10 + i,
        gpuPciDomain: 20 + i,
        gpuFirstBus: 1,
      })),
      gpus: chips.map((_, i) => ({
        id: `g${i}`,
        socket: i,
        links: [0, 1, 2, 3, 4, 5].map((brick) => ({ brick })),
      })),
    };
    const file = join(dir, 'solo6.json');
    writeFileSync(file, JSON.stringify(topology));
    const run = async (...args: string[]) => {
      const r = await cli([
        'run',
        'tenant-isolation',
        '--seed',
        '1',
        '--duration',
        '10us',
        '--inline',
        '--json',
        '--no-failure-file',
        ...args,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return { stderr: unwrapped(r.stderr, 8), result: JSON.parse(r.stdout) as RunResult };
    };
    const solo = await run('--topology', file);
    expect(solo.result.counts['peer.issued'] ?? 0).toBe(0);
    expect(solo.stderr).toContain(
      'npusim: gpu.peerPercent 40 sends no peer access in this run: no GPU of a tenant has an NVLink to another GPU (a hostile tenant aims its peer accesses at any GPU its own are linked to',
    );
    // No link was disabled, so nothing latched: the verdict does not rest on (b).
    const premises = (solo.result.premises ?? []).map((p) => p.name);
    expect(premises).toContain('ut0-ats-only');
    expect(premises).not.toContain('link-disable-latched');
    // On the Witherspoon the hostile guests' peer accesses dropped at the disabled links are the
    // answer: nothing said, and (b) is what it rests on.
    const linked = await run();
    expect(linked.result.counts['peer.blockedLocally']).toBeGreaterThan(0);
    expect(linked.stderr).not.toContain('sends no peer access');
    expect((linked.result.premises ?? []).map((p) => p.name)).toContain('link-disable-latched');
  });

  test('GPUs a run leaves out are said before it: no ring where the ring all-reduce runs, no tenant where the tenants fall short (QA: p2p-allreduce with no ring, multi-tenant on three sockets, both silent)', async () => {
    const dir = tmp();
    const w6 = validateTopologySpec(JSON.parse((await cli(['topo', 'witherspoon-6', '--json'])).stdout));
    const w4 = validateTopologySpec(JSON.parse((await cli(['topo', 'witherspoon-4', '--json'])).stdout));
    const bricks = [0, 1, 2, 3, 4, 5].map((brick) => ({ brick }));
    const solo2 = join(dir, 'solo2.json');
    writeFileSync(
      solo2,
      JSON.stringify({
        ...w6,
        name: 'solo2',
        gpus: [
          { id: 'gpu0', socket: 0, links: bricks },
          { id: 'gpu3', socket: 1, links: bricks },
        ],
      }),
    );
    const renamed: Record<string, string> = { gpu2: 'gpu4', gpu3: 'gpu5' };
    const tri = join(dir, 'tri.json');
    writeFileSync(
      tri,
      JSON.stringify({
        ...w6,
        name: 'tri',
        sockets: [...w6.sockets, { chipId: 16, npuPciDomain: 8, gpuPciDomain: 54, gpuFirstBus: 5 }],
        gpus: [
          ...w6.gpus.filter((g) => g.socket === 0),
          { id: 'gpu3', socket: 1, links: bricks },
          ...w4.gpus
            .filter((g) => g.socket === 1)
            .map((g) => ({
              id: renamed[g.id],
              socket: 2,
              links: g.links.map((l) => ('gpu' in l ? { gpu: renamed[l.gpu] } : l)),
            })),
        ],
      }),
    );
    const run = async (...args: string[]) => {
      const r = await cli([
        'run',
        ...args,
        '--seed',
        '2',
        '--duration',
        '10us',
        '--inline',
        '--json',
        '--no-failure-file',
      ]);
      expect(r.code, r.stderr).toBe(0);
      return { stderr: unwrapped(r.stderr, 8), result: JSON.parse(r.stdout) as RunResult };
    };
    const solo = await run('p2p-allreduce', '--topology', solo2);
    expect(solo.result.counts['allreduce.noRing']).toBe(2);
    expect(solo.stderr).toContain(
      "npusim: gpu.collective ring-allreduce forms no ring on gpu0 and gpu1 (gpu3 in the topology) in the workload's own run and variant no-host-traffic, so no all-reduce runs at all (counted as allreduce.noRing in --json): gpu0 is tenant host's only GPU on socket 0; gpu1 (gpu3 in the topology) is tenant host's only GPU on socket 1; a ring is a tenant's GPUs of one socket, two or more, each with an NVLink up to the next\n",
    );
    const isolated = await run('p2p-allreduce', '--policy', 'per-gpu-isolated');
    expect(isolated.result.counts['allreduce.noRing']).toBe(6);
    expect(isolated.stderr).toContain(
      "npusim: gpu.collective ring-allreduce forms no ring on any GPU (gpu0 to gpu5) in the workload's own run and variant no-host-traffic, so no all-reduce runs at all (counted as allreduce.noRing in --json): per-gpu-isolated disabled the NVLinks between tenant host's gpu0 to gpu2 on socket 0 and between tenant host's gpu3 to gpu5 on socket 1 at start",
    );
    const three = await run('multi-tenant', '--topology', tri);
    expect(three.stderr).toContain(
      'npusim: no tenant owns gpu4 and gpu5 (2 of the 6 GPUs of tri) in variant per-socket, so they draw no traffic and run nothing: the 2 tenants take 2 of the 3 IOMMU groups per-socket makes\n',
    );
    expect(three.stderr).toContain(
      "npusim: the runs of this command draw on different GPUs (the workload's own run gpu0 to gpu5, variant per-gpu gpu0 to gpu5, variant per-socket gpu0 to gpu3): their answers side by side compare unlike machines",
    );
    expect(three.stderr).not.toContain('clean by construction, the same GPUs');
    // On their own machine the shipped workloads leave no GPU out: nothing is said.
    for (const preset of [await run('p2p-allreduce'), await run('multi-tenant')]) {
      expect(preset.stderr).not.toMatch(/forms no ring|no tenant owns|draw on different GPUs/);
    }
  });

  test("workload files: pages that do not fit a socket's host RAM are refused before the run (exit 2), naming the file or the --set and the parameter", async () => {
    const dir = tmp();
    const tenant = { name: 'vm1', lpid: 1, groups: 'all', processesPerGpu: 2, pagesPerProcess: 8 };
    const workload = (t: Record<string, unknown>, topology = 'witherspoon-4') =>
      JSON.stringify({ name: 'big', description: 'd', params: { topology, tenants: [{ ...tenant, ...t }] } });
    const refused = async (args: string[], field: string, says: string) => {
      const r = await cli(['run', ...args, '--seed', '1', '--duration', '10us', '--no-failure-file']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `npusim: ${field}: Expected the pages workload \`big\` maps at start to fit in the host RAM of socket 0 (256 GiB), got `,
      );
      expect(r.stderr).toContain(says);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    };
    // Process pages that fill socket 0 exactly (4 x 64 GiB, in 1G pages: 64K pages would be
    // refused first as too many to build, workload-input-errors.test.ts), so its GPUs' TCE pages do not
    // fit: threaded, as run's default host; it is refused before any thread starts.
    const full = join(dir, 'full.json');
    writeFileSync(full, workload({ pagesPerProcess: 64, pageSizes: ['1G'] }));
    await refused(
      [full],
      `${full}:1:139: params.tenants[0].pagesPerProcess`,
      'got 64 pages per process: 4 processes of `vm1` x 64 1G pages (256 GiB), the TCE windows of 2 GPUs of `vm1` x 256 64K pages (32 MiB): 256.031 GiB in all, 32 MiB more than it holds',
    );
    // The same pages by --set on a file that fits: the --set is named.
    const small = join(dir, 'small.json');
    writeFileSync(small, workload({ pageSizes: ['1G'] }));
    await refused(
      [small, '--set', 'tenants.0.pagesPerProcess=64', '--inline'],
      '--set tenants.0.pagesPerProcess',
      'got 64 pages per process: 4 processes',
    );
  });

  test('workload files: a syntax error in a .mjs or .cjs file is named with its FILE:LINE:COLUMN', async () => {
    // A child process: Node's own import() (vitest's would parse the file itself), as a user runs it.
    const dir = tmp();
    const body = "{\n  name: 'broken',\n  description: 'a comma missing after this'\n  params: {},\n};\n";
    for (const [name, text] of [
      ['broken.mjs', `export default ${body}`],
      ['broken.cjs', `module.exports = ${body}`],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const r = await cliChild(['run', path, '--inline', '--no-failure-file']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `npusim: ${path}: Expected a module that loads, got an error: ${path}:4:3: Unexpected identifier 'params'\n`,
      );
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });

  test('--set: overrides any parameter, validated like the file, named in errors, and printed so the reproduce line reproduces the run', async () => {
    const base = ['stress', '--seed', '4', '--duration', '15us'];
    const plain = await runJson(base);
    const set = await runJson([
      ...base,
      '--set',
      'gpu.dmaBytes=4096',
      '--set',
      'tenants[0].pagesPerProcess=64',
    ]);
    expect(set.config.params.gpu.dmaBytes).toBe(4096);
    expect(set.config.params.tenants[0]!.pagesPerProcess).toBe(64);
    expect(set.digest).not.toBe(plain.digest);
    expect(set.reproduce).toContain("--set gpu.dmaBytes=4096 --set 'tenants[0].pagesPerProcess=64'");
    // The reproduce line, run again (its words as a shell would split them), gives the same digest.
    const words = set.reproduce
      .replace(/^npusim run /, '')
      .match(/'[^']*'|\S+/g)!
      .map((w) => w.replace(/^'|'$/g, ''));
    const again = await runJson(words.filter((w) => w !== '--inline'));
    expect(again.digest).toBe(set.digest);

    const error = async (args: string[], field: string, says: string) => {
      const r = await cli(['run', 'stress', ...args, '--inline', '--no-failure-file']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`npusim: ${field}: `);
      expect(r.stderr).toContain(says);
    };
    await error(
      ['--set', 'gpu.dmaBytes=lots'],
      '--set gpu.dmaBytes',
      'gpu.dmaBytes: Expected an integer from 1 to 65536, got the string "lots"',
    );
    await error(['--set', 'gpu.dmaBites=4'], '--set gpu.dmaBites', 'dmaBites');
    // An option's error points to --help; a file's content has nothing to look up there.
    const optionError = await cli(['run', 'stress', '--seed', 'x']);
    expect(optionError.stderr).toBe(
      'npusim: --seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got `x`\nRun `npusim run --help` for usage.\n',
    );
    const noTenants = join(tmp(), 'no-tenants.json');
    writeFileSync(noTenants, JSON.stringify({ name: 'w', description: 'd', params: {} }));
    const fileError = await cli(['run', noTenants, '--inline']);
    expect(fileError.code).toBe(2);
    expect(fileError.stderr).toMatch(
      /^npusim: \S*no-tenants\.json: params\.tenants: Expected a list of at least one tenant, such as \[\{"name": "vm1", "lpid": 1, "groups": "all"\}\] \(README\.md "Your own workloads and topologies"\), got nothing \(the field is missing\)\n$/,
    );
    // A DMA request lies within one page (model 0.2.0): no larger than 64K.
    await error(
      ['--set', 'gpu.dmaBytes=65537'],
      '--set gpu.dmaBytes',
      'Expected at most 65536 bytes (a DMA request lies within one page, and 64K is the smallest page a DMA reaches), got 65537',
    );
    // A number where text is wanted: VALUE was read as JSON, and the error says how to quote it.
    await error(
      ['--set', 'tenants[0].name=123'],
      '--set tenants[0].name',
      `Expected a string, got 123 (--set reads VALUE as JSON when it is JSON; for the text, quote it: --set 'tenants[0].name="123"')`,
    );
    // A span with a unit where a parameter counts ticks: the ticks it means, and --duration.
    await error(
      ['--set', 'durationTicks=20us'],
      '--set durationTicks',
      'got the string "20us" (durationTicks is in ps: 20000000 for 20us; the command line\'s --duration takes 20us)',
    );
    await error(
      ['--set', 'host.unmapIntervalTicks=5us'],
      '--set host.unmapIntervalTicks',
      'got the string "5us" (unmapIntervalTicks is in ps: 5000000 for 5us)',
    );
    // An object or a list gets no quoting hint: quoted, its text would keep the quotes inside.
    await error(
      ['--set', 'tenants[0].name={"a":1}'],
      '--set tenants[0].name',
      'Expected a string, got an object',
    );
    const listed = await cli([
      'run',
      'stress',
      '--inline',
      '--no-failure-file',
      '--set',
      'tenants[0].name=[1,2]',
    ]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('Expected a string, got a list');
    expect(listed.stderr).not.toContain('quote it');
    for (const [set, field] of [
      ['foo=1', '--set foo'],
      ['name=x', '--set name'],
      ['foo.bar=1', '--set foo.bar'],
    ] as const) {
      await error(
        ['--set', set],
        field,
        'Expected a workload parameter (one of: topology, policy, durationTicks, tenants, gpu, host, mmio, resets), got unknown key',
      );
    }
    await error(
      ['--set', 'tenants[3].lpid=2'],
      '--set tenants[3].lpid',
      'Expected an index of `tenants` from 0 to 0, got 3',
    );
    await error(
      ['--set', 'policy=per-gpu', '--policy', 'per-socket'],
      '--set policy',
      'either by --set or by --policy',
    );
    await error(
      ['--set', 'gpu.ut0Percent=90'],
      '--set gpu.ut0Percent',
      'ut0Percent + ut1Percent + peerPercent to be 100',
    );
  });

  test("--set: an object merges into the workload's group; two paths of one parameter are refused in either order", async () => {
    // QA: `--set 'gpu={"engines":1}'` reset my-workload's own gpu values (ut0Percent 100, ...) to
    // the schema's defaults.
    const merged = await runJson([
      'examples/my-workload.ts',
      '--seed',
      '1',
      '--duration',
      '5us',
      '--set',
      'gpu={"engines":1}',
    ]);
    expect(merged.config.params.gpu).toMatchObject({
      engines: 1,
      issueIntervalTicks: 50_000,
      ut0Percent: 100,
      ut1Percent: 0,
      peerPercent: 0,
    });
    // QA: `--set gpu.dmaBytes=512 --set 'gpu={...}'` ran with the default 256, without a word.
    const both = ['--set', 'gpu.dmaBytes=512', '--set', 'gpu={"engines":1}'];
    const overlap = (first: string, second: string) =>
      `Expected each parameter set once, got \`${first}\` and \`${second}\`, one inside the other: give \`gpu.dmaBytes\` inside the value of \`gpu\`, or each field by its own path\n`;
    for (const [args, field, says] of [
      [both, '--set gpu', overlap('gpu.dmaBytes', 'gpu')],
      [[...both.slice(2), ...both.slice(0, 2)], '--set gpu.dmaBytes', overlap('gpu', 'gpu.dmaBytes')],
    ] as const) {
      const r = await cli(['run', 'stress', ...args, '--inline', '--no-failure-file']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`npusim: ${field}: ${says}`);
    }
  });

  test('topo --json: a preset as the TopologySpec the validator takes back, and a file the same way', async () => {
    const r = await cli(['topo', 'witherspoon-6', '--json']);
    expect(r.code).toBe(0);
    const spec = validateTopologySpec(JSON.parse(r.stdout));
    expect(spec.name).toBe('witherspoon-6');
    expect(spec.gpus).toHaveLength(6);
    const dir = tmp();
    writeFileSync(join(dir, 't.json'), r.stdout);
    const again = await cli(['topo', join(dir, 't.json'), '--json']);
    expect(again.stdout).toBe(r.stdout);
    // The example topology is such a file, edited.
    const mine = await cli(['topo', 'examples/my-topology.json', '--json']);
    expect(mine.stdout).toBe(readFileSync(join(ROOT, 'examples', 'my-topology.json'), 'utf8'));
  });

  test('failure files of a user workload: the file is recorded, the failure replays, and a changed file is refused', async () => {
    const dir = tmp();
    const file = join(dir, 'tce.json');
    const def = {
      name: 'my-tce',
      description: 'UT=1 DMA while TCE pages are remapped',
      params: {
        topology: 'witherspoon-6',
        durationTicks: 300_000_000,
        tenants: [
          {
            name: 'host',
            lpid: 0,
            groups: 'all',
            processesPerGpu: 1,
            pagesPerProcess: 16,
            tcePagesPerGpu: 16,
            // A user-space driver through a VFIO v1 container: where unpin-before-kill bites.
            tceContainer: 'v1',
          },
        ],
        gpu: { issueIntervalTicks: 60_000, ut0Percent: 0, ut1Percent: 100, peerPercent: 0 },
        host: { unmapIntervalTicks: 50_000_000, cpuThreads: 1, tceRemapIntervalTicks: 1_000_000 },
      },
    };
    writeFileSync(file, JSON.stringify(def, null, 2));
    const failures = join(dir, 'failures');
    const run = await cli([
      'run',
      file,
      '--bug',
      'unpin-before-kill',
      '--seed',
      '1',
      '--inline',
      '--stop-on-first',
      '--set',
      'gpu.writePercent=60',
      '--failures',
      failures,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const [name] = readdirSync(failures);
    const path = join(failures, name!);
    const recorded = JSON.parse(readFileSync(path, 'utf8')) as {
      workload: { name: string; file: string };
      options: { set: unknown };
    };
    expect(recorded.workload).toMatchObject({ name: 'my-tce', file });
    expect(recorded.options.set).toEqual([{ path: 'gpu.writePercent', value: 60 }]);

    const replay = await cli(['replay', path]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(1);
    expect(replay.stdout).toContain('reproduced exactly');

    writeFileSync(file, JSON.stringify({ ...def, params: { ...def.params, durationTicks: 200_000_000 } }));
    const refused = await cli(['replay', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${path}: workload.definitionDigest: Expected the workload file \`${file}\` as it was`,
    );
    expect(refused.stderr).toContain('restore it to replay');
  });

  test("a variant's failure: its replay refuses the workload file once the variant's `set` changed, naming the path", async () => {
    const dir = tmp();
    const file = join(dir, 'guests.json');
    const def = {
      name: 'qa-guests',
      description: 'two guests, one per socket, peer traffic between their GPUs',
      variants: [
        {
          name: 'links-up',
          set: { policy: 'per-gpu' } as Record<string, unknown>,
          expect: ['isolation.peer'],
        },
      ],
      params: {
        topology: 'witherspoon-4',
        policy: 'per-socket',
        durationTicks: 30_000_000,
        tenants: [
          {
            name: 'vm1',
            lpid: 1,
            groups: [0],
            processesPerGpu: 2,
            pagesPerProcess: 8,
            pageSizes: ['2M'],
            hostile: true,
          },
          {
            name: 'vm2',
            lpid: 2,
            groups: [1],
            processesPerGpu: 2,
            pagesPerProcess: 8,
            pageSizes: ['2M'],
            hostile: true,
          },
        ],
        gpu: { issueIntervalTicks: 50_000, ut0Percent: 80, ut1Percent: 0, peerPercent: 20 },
        host: { unmapIntervalTicks: 2_000_000, cpuThreads: 2, tceRemapIntervalTicks: 0 },
      },
    };
    writeFileSync(file, JSON.stringify(def));
    const failures = join(dir, 'failures');
    const run = await cli([
      'run',
      file,
      '--variant',
      'links-up',
      '--seed',
      '1',
      '--inline',
      '--failures',
      failures,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const path = join(failures, readdirSync(failures)[0]!);
    expect((await cli(['replay', path])).stdout).toContain('reproduced exactly');

    // The variant now also sets the DMA size: its runs are no longer the one recorded.
    def.variants[0]!.set = { policy: 'per-gpu', 'gpu.dmaBytes': 512 };
    writeFileSync(file, JSON.stringify(def));
    const refused = await cli(['replay', path]);
    expect(refused.stderr).toContain(
      `${path}: options.variant: Expected variant \`links-up\` of the workload file \`${file}\` as it was when the failure was recorded, got a changed variant (it sets \`gpu.dmaBytes\` to 512, the run used 256): restore it to replay this failure exactly`,
    );
    expect(refused.code).toBe(2);
  });

  test('a failure of a workload file named by a relative path records it absolute, and replays from another directory', async () => {
    const dir = tmp();
    const file = join(dir, 'tce.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'rel-tce',
        description: 'UT=1 DMA while TCE pages are remapped',
        params: {
          durationTicks: 100_000_000,
          tenants: [
            {
              name: 'host',
              lpid: 0,
              groups: 'all',
              pagesPerProcess: 16,
              tcePagesPerGpu: 16,
              tceContainer: 'v1',
            },
          ],
          gpu: { issueIntervalTicks: 60_000, ut0Percent: 0, ut1Percent: 100, peerPercent: 0 },
          host: { unmapIntervalTicks: 50_000_000, cpuThreads: 1, tceRemapIntervalTicks: 1_000_000 },
        },
      }),
    );
    const failures = join(dir, 'failures');
    const relative = relativePath(process.cwd(), file);
    const run = await cli(
      ['run', relative, '--bug', 'unpin-before-kill', '--seed', '1', '--inline', '--stop-on-first'].concat(
        '--failures',
        failures,
      ),
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(`reproduce: npusim run ${relative} `);
    const path = join(failures, readdirSync(failures)[0]!);
    expect((JSON.parse(readFileSync(path, 'utf8')) as { workload: { file: string } }).workload.file).toBe(
      file,
    );
    // From the failures directory, where the relative path means nothing (a forked test worker:
    // its working directory is its own).
    const cwd = process.cwd();
    process.chdir(failures);
    try {
      const replay = await cli(['replay', path]);
      expect(replay.code, replay.stderr).toBe(1);
      expect(replay.stdout).toContain('reproduced exactly');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('while a workload module loads (workload-load-guard.ts)', () => {
  // What the guard swaps in (stdout to stderr, a process.exit that refuses) must not outlive the
  // load: npusim's own result goes to stdout, and its own exit code through process.exit.
  test("process.exit and process.stdout.write are Node's own again once a load settles, loaded or refused", async () => {
    const dir = tmp();
    const exit = process.exit;
    const hadOwnWrite = Object.hasOwn(process.stdout, 'write');
    const write = process.stdout.write;
    const good = join(dir, 'good.mjs');
    writeFileSync(
      good,
      "export default { name: 'good', description: 'd', params: { tenants: [{ name: 'h', lpid: 0, groups: 'all' }] } };\n",
    );
    const exits = join(dir, 'exits.mjs');
    writeFileSync(exits, 'try { process.exit(0); } catch {}\nexport default {};\n');
    expect((await loadWorkloadFile(good)).name).toBe('good');
    await expect(loadWorkloadFile(exits)).rejects.toThrow('called `process.exit(0)` while it loaded');
    expect(process.exit).toBe(exit);
    expect(process.stdout.write).toBe(write);
    expect(Object.hasOwn(process.stdout, 'write')).toBe(hadOwnWrite);
  });
});
