/**
 * End-to-end: the command run as a child process from source (`node --import tsx src/cli/main.ts`),
 * checking exit codes and messages. Each child has a time-out and is killed when it runs past it.
 * Its siblings, split from it so that no one file is the suite's critical path: a workload module
 * that misbehaves as it loads or after (main-workload-module.test.ts), and signals and closed or
 * full output streams (main-signals.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/core/exit-codes.js';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import { RULE_NAMES } from '../../src/model/check/rule-names.js';
import { GROUP_POLICY_TEXT } from '../../src/model/platform/iommu-groups.js';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import { PROFILES } from '../../src/model/scenario/profiles.js';
import type { RunResult } from '../../src/report/run-result.js';
import { type ChildOutcome, cliChild } from '../support/cli-child.js';
import { testTempDir } from '../support/temp-dir.js';
import { withTestFailuresDir } from './cli-harness.js';

/**
 * The CLI from source as a child process (cli-child.ts), with a temporary failures directory for
 * `run` and `sweep` (cli-harness.ts); with `interruptOn`, sent SIGINT once stderr shows that marker.
 */
function npusim(args: string[], interruptOn?: string | RegExp): Promise<ChildOutcome> {
  return cliChild(withTestFailuresDir(args), interruptOn === undefined ? {} : { interruptOn });
}

describe('npusim command', () => {
  it('cli: an unknown option exits 2 naming it, with a hint to run --help', async () => {
    const r = await npusim(['run', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`--frobnicate`');
    expect(r.stderr).toContain('Run `npusim run --help` for usage.');
    expect(r.stdout).toBe('');
  });

  it('cli: a bad duration exits 2 naming --duration and the value', async () => {
    const r = await npusim(['run', '--duration', '2 weeks']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--duration: Expected a duration');
    expect(r.stderr).toContain('`2 weeks`');
  });

  it('cli: topo witherspoon-4 prints the machine and its IOMMU groups', async () => {
    const r = await npusim(['topo', 'witherspoon-4', '--policy', 'per-gpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('topology witherspoon-4 (4 GPUs, 2 sockets');
    expect(r.stdout).toContain('IOMMU groups (per-gpu):');
    expect(r.stdout).toContain('group 3: socket 1, GPUs gpu3');
    expect(r.stdout).toContain('socket 1: actor chip1 (P9 chip id 8)');
    expect(r.stdout).toContain('actors (as runs, --crash-at and the summary name them): chip0 chip1 gpu0');
    // QA: the links legend and each socket's registers ran to 111-120 columns; they wrap under
    // their own indent, a socket between its fields (ATSD and its range on one line).
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(TEXT_COLUMNS);
    expect(r.stdout).toMatch(/^socket 1: actor chip1 .*,\n {2}ATSD 0x[0-9a-f]+\.\.0x[0-9a-f]+$/m);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'links: N=gpuP.M: link N reaches gpuP on its link M (M inferred: ibm,nvlink-peers names only the peer); N=bK: NPU brick K',
    );
  });

  it('cli: topo with an unknown topology exits 2 listing the presets', async () => {
    const r = await npusim(['topo', 'witherspoon-8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('witherspoon-6, witherspoon-4');
    expect(r.stderr).toContain('got `witherspoon-8`');
  });

  it('cli: npusim alone is no command: exit 2 naming the commands (a script whose command came out empty fails)', async () => {
    const r = await npusim([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Run `npusim --help` for usage.');
    expect(r.stderr).toContain(
      'npusim: command: Expected one of run, sweep, replay, shrink, compare, list, topo, help, got none\n',
    );
  });

  it('cli: --help lists the commands and the exit codes; --version prints the version', async () => {
    const help = await npusim(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npusim run [workload]');
    expect(help.stdout).toContain('--crash-at ACTOR:N');
    const flat = help.stdout.replace(/\s+/g, ' ');
    for (const e of EXIT_CODES) expect(flat).toContain(`${e.code} ${e.meaning}`);
    const version = await npusim(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^npusim \d+\.\d+\.\d+\n$/);
  });

  it('cli: list names the workloads, the bugs, the profiles with their switches and sources, and the topologies', async () => {
    const r = await npusim(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^workloads:\n {2}\S/);
    // QA: 76 of 105 lines ran past 100 columns (up to 560); each description now wraps under its
    // column, a continuation never reaching back to a name's column.
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(TEXT_COLUMNS);
    const mixed = /^( {2}mixed +)A guest and the host sharing the machine:.*\n( +)\S/m.exec(r.stdout);
    expect(mixed?.[2]).toBe(' '.repeat(mixed![1]!.length));
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(r.stdout).toContain('stress');
    expect(r.stdout).toContain('release-between-flushes');
    expect(r.stdout).toContain('witherspoon-4');
    // The rule names a workload's `expect` takes (its error sends the user here for them).
    const rules = r.stdout.slice(r.stdout.indexOf('rules ('), r.stdout.indexOf('profiles ('));
    for (const name of RULE_NAMES) expect(rules).toContain(`  ${name} `);
    const profiles = r.stdout.slice(
      r.stdout.indexOf('profiles (--profile NAME'),
      r.stdout.indexOf('topologies'),
    );
    for (const [name, p] of Object.entries(PROFILES)) {
      expect(profiles).toContain(`  ${name} `);
      expect(flat).toContain(`skiboot ${p.skiboot}; bug switches: ${p.bugs.join(', ') || 'none'}`);
      for (const [claim, source] of Object.entries(p.sources))
        expect(flat).toContain(`source, ${claim}: ${source.replace(/\s+/g, ' ')}`);
    }
    // Each policy with what it stands for (QA: its names only), the same text `--help` draws on.
    const policies = r.stdout.slice(r.stdout.indexOf('policies (--policy P):\n'));
    expect(policies).toMatch(
      /\n {2}per-gpu-isolated +one group per GPU, the NVLinks between groups disabled/,
    );
    for (const t of Object.values(GROUP_POLICY_TEXT)) expect(policies.replace(/\s+/g, ' ')).toContain(t.line);
    const help = await npusim(['run', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      'IOMMU group policy: per-socket (Linux v5.0), per-gpu (2018 RFC), per-gpu-isolated (links disabled between groups)',
    );
  });

  it('cli: an unknown workload exits 2 listing the workloads', async () => {
    const r = await npusim(['run', 'no-such-workload', '--inline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('got `no-such-workload`');
    expect(r.stderr).toContain('stress');
  });

  it('cli: an unknown bug exits 2 listing the bugs', async () => {
    const r = await npusim(['run', '--bug', 'no-such-bug', '--inline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bug: Expected one of release-between-flushes');
    // Switches given as one list: each its own --bug (QA: no word of the comma).
    const list = await npusim(['run', '--bug', 'single-flush,local-npu-only', '--inline']);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain(
      'got `single-flush,local-npu-only` (one switch each: --bug single-flush --bug local-npu-only)\n',
    );
  });

  it('cli: a short inline run prints a clean JSON result with its digest', async () => {
    const r = await npusim(['run', 'stress', '--inline', '--json', '--seed', '5', '--duration', '20us']);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.schemaVersion).toBe(1);
    expect(result.status).toBe('clean');
    expect(result.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(result.seed).toBe(5);
    expect(result.reproduce).toBe(
      `npusim run stress --seed 5 --duration 20us --topology ${result.config.params.topology} --policy ${result.config.params.policy} --inline`,
    );
  });

  it('cli: a run without --seed prints the seed it drew', async () => {
    const r = await npusim(['run', 'stress', '--inline', '--duration', '5us']);
    expect(r.code).toBe(0);
    const seed = /npusim: seed (\d+) \(drawn at random\)/.exec(r.stderr)?.[1];
    expect(seed).toBeDefined();
    expect(r.stdout).toContain(`seed ${seed}`);
    expect(r.stdout).toContain('reproduce: npusim run stress');
  });

  for (const host of ['--inline', '--threads']) {
    it(`cli: a forced crash exits 4 naming the actor and the reproduce line (${host})`, async () => {
      const r = await npusim([
        'run',
        'stress',
        host,
        '--seed',
        '3',
        '--duration',
        '50us',
        '--crash-at',
        'gpu2:100',
      ]);
      expect(r.code).toBe(4);
      // Both hosts report an actor's throw the same way (ActorCrashError: actor, tick, last event).
      expect(r.stderr).toMatch(/npusim: crash \(exit 4\): actor gpu2 crashed at tick \d+: injected crash/);
      expect(r.stderr).toContain('seed: 3');
      expect(r.stderr).toContain('reproduce: npusim run stress --seed 3 --duration 50us');
      expect(r.stderr).toContain('--crash-at gpu2:100');
    });
  }

  it('cli: the ATSD deadlock bug exits 3 with a liveness failure', async () => {
    const r = await npusim([
      'run',
      'atsd-deadlock',
      '--bug',
      'release-between-flushes',
      '--inline',
      '--seed',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.status).toBe('liveness');
    expect(result.liveness.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('reproduce: npusim run atsd-deadlock --seed 1');
  });

  it('cli: --topology takes a JSON topology file; a bad one exits 2 naming the file and the field', async () => {
    const dir = testTempDir('npusim-topo-');
    const spec = structuredClone(TOPOLOGY_PRESETS['witherspoon-4']) as unknown as {
      name: string;
      gpus: { links: unknown[] }[];
    };
    spec.name = 'my-redbud';
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(spec));
    const ok = await npusim([
      'run',
      'firmware-update',
      '--topology',
      good,
      '--inline',
      '--seed',
      '1',
      '--duration',
      '10us',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout) as RunResult;
    expect(result.config.params.topology).toBe('my-redbud');
    expect(result.reproduce).toContain(`--topology ${good}`);
    spec.gpus[1]!.links = spec.gpus[1]!.links.slice(0, 5);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(spec));
    const r = await npusim(['run', '--topology', bad, '--inline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:1:308: gpus[1].links: Expected 6 NVLink entries`);
    const missing = await npusim(['topo', join(dir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  });
});
