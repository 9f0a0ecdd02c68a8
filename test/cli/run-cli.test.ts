/**
 * The command in this process (cli-harness.ts): every bad input and every fault ends cleanly
 * (issue 14). Each class of problem is checked with generated inputs, the issue's own example
 * among them; runs are inline and a few simulated microseconds long.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { checkOutputPath, describeErrno } from '../../src/cli/output-path.js';
import { MAX_TOPOLOGY_FILE_BYTES } from '../../src/cli/run-cli.js';
import { TOPOLOGY_PRESETS } from '../../src/model/platform/topology-presets.js';
import type { RunResult } from '../../src/report/run-result.js';
import { headerLine, unwrapped } from '../fixtures/unwrapped.js';
import { cli, STACK_FRAME } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'npusim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A quick inline run: everything a test does not name is fixed. */
const QUICK = ['--inline', '--seed', '1', '--duration', '2us'];

const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);

/** A path that cannot be written, and why (the words the refusal must contain). */
function badPaths(): fc.Arbitrary<{ path: string; why: RegExp }> {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  // A missing directory is no bad path: it is made, with its parents, when the file is written
  // (output-path.test.ts); one under a file can never be.
  return fc.oneof(
    fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => ({
      path: join(file, ...s, 'r.json'),
      why: /`[^`]*a-file` is a file, not a directory|not a directory/,
    })),
    fc.constantFrom(dir, tmpdir(), '.', '/').map((path) => ({ path, why: /it is a directory/ })),
    fc.constant({ path: '', why: /got "" \(empty\)/ }),
    // Not standard output: npusim would write a file named `-`.
    fc.constant({
      path: '-',
      why: /`-` would be a file of that name \(for the result on standard output, use `--json`\)/,
    }),
    segment.map((s) => ({ path: join(file, s), why: /not a directory/ })),
  );
}

describe('files a command writes are checked before it runs', () => {
  const writers = COMMANDS.flatMap((c) =>
    c.options.filter((o) => o.writesFile === true).map((o) => ({ command: c.name, option: `--${o.name}` })),
  );

  it('every option marked writesFile refuses a bad path at once: exit 2 naming the option and the path', async () => {
    expect(writers.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writers),
        badPaths(),
        async ({ command, option }, { path, why }) => {
          // Commands that take files name them first (shrink, replay, compare): the path check comes
          // before reading them.
          const positional =
            command === 'shrink' || command === 'replay'
              ? ['some-failure.json']
              : command === 'compare'
                ? ['a.json', 'b.json']
                : [];
          const r = await cli([
            command,
            ...positional,
            `${option}=${path}`,
            ...(command === 'run' ? QUICK : command === 'sweep' ? ['--seeds', '1'] : []),
          ]);
          expect(r.code).toBe(2);
          expect(r.stderr).toContain(
            `npusim: ${option}: Expected a writable file path, got ${path === '' ? '"" (empty)' : `\`${path}\``}`,
          );
          expect(r.stderr).toMatch(why);
          expect(r.stderr).not.toMatch(STACK_FRAME);
          expect(r.stdout).toBe('');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the check neither changes an existing file nor leaves a new one behind', async () => {
    const existing = join(dir, 'existing.json');
    writeFileSync(existing, 'keep me');
    const fresh = join(dir, 'fresh.json');
    // Both paths pass the check; the run is then refused for another reason (an unknown workload).
    for (const path of [existing, fresh]) {
      const r = await cli(['run', 'no-such-workload', '--out', path, ...QUICK]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('got `no-such-workload`');
    }
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(existsSync(fresh)).toBe(false);
  });

  it('a full device, a read-only file and two options naming one file are refused before the run', () => {
    const full = { statfs: () => ({ bavail: 0 }) };
    expect(() => checkOutputPath(join(dir, 'r.json'), '--out', full)).toThrow(
      /--out: Expected a writable file path, got `.*r\.json`: the device holding `.*` is full/,
    );
    // The wording for a refused write, checked on its own: as root (CI) a chmod does not refuse.
    const ro = join(dir, 'read-only.json');
    for (const code of ['EACCES', 'EPERM']) {
      expect(describeErrno(code, ro)).toBe(`no permission to write \`${ro}\` (${code})`);
    }
    // A pipe given up on says how long it waited (QA: the wait read as a hang).
    expect(describeErrno('ENXIO', 'fifo')).toBe(
      'no process opened the pipe `fifo` to read it within 30 s (ENXIO)',
    );
    expect(describeErrno('EAGAIN', 'fifo')).toBe(
      'the process reading the pipe `fifo` took nothing for 30 s (EAGAIN)',
    );
    // And through the check itself: an existing file the system refuses to let us write. As root
    // (CI) no file mode refuses, so the refusal is injected where accessSync would give it.
    writeFileSync(ro, '');
    const refusing = {
      statfs: () => ({ bavail: 1_000_000 }),
      accessWrite: (p: string) => {
        throw Object.assign(new Error(`EACCES: permission denied, access '${p}'`), { code: 'EACCES' });
      },
    };
    expect(() => checkOutputPath(ro, '--out', refusing)).toThrow(
      /--out: Expected a writable file path, got `.*read-only\.json`: no permission to write/,
    );
    // The same file with the real check passes (it is writable here): the refusal above was the file's.
    expect(() => checkOutputPath(ro, '--out')).not.toThrow();
  });

  it("no output option overwrites the command's input: topology, workload, seeds, failure and result files", async () => {
    const topology = join(dir, 'my-topology.json');
    const preset = JSON.stringify(TOPOLOGY_PRESETS['witherspoon-6']);
    writeFileSync(topology, preset);
    const workload = join(dir, 'my-workload.json');
    const workloadText = JSON.stringify({ name: 'mine', description: 'a copy of nothing', params: {} });
    writeFileSync(workload, workloadText);
    const link = join(dir, 'link-to-topology.json');
    if (!existsSync(link)) symlinkSync(topology, link);
    const hard = join(dir, 'hard-link-to-topology.json');
    if (!existsSync(hard)) linkSync(topology, hard);
    const cases: [string[], string, string][] = [
      [['run', 'mixed', '--topology', topology, '--out', topology, ...QUICK], '--out', '--topology'],
      // The same file through a symbolic link.
      [['run', 'mixed', '--topology', topology, '--report', link, ...QUICK], '--report', '--topology'],
      // A hard link: another path, the same file.
      [['run', 'mixed', '--topology', topology, '--out', hard, ...QUICK], '--out', '--topology'],
      [['run', workload, '--trace', workload, ...QUICK], '--trace', 'npusim run (the workload file)'],
      [['run', workload, '--record', workload, ...QUICK], '--record', 'npusim run (the workload file)'],
      [
        ['sweep', 'mixed', '--seeds', `@${workload}`, '--failures', workload],
        '--failures',
        `--seeds @${workload}`,
      ],
    ];
    for (const [argv, option, reader] of cases) {
      const r = await cli(argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(2);
      // --failures names a directory, and is refused as one (QA: it said "a file").
      const kind = option === '--failures' ? 'directory' : 'file';
      expect(r.stderr).toMatch(
        new RegExp(
          `^npusim: ${option}: Expected a ${kind} other than the command's input, got \`[^\`]+\`, which ${reader.replace(/[$@()-]/g, '\\$&')} reads\n`,
        ),
      );
    }
    // Nothing was written over them.
    expect(readFileSync(topology, 'utf8')).toBe(preset);
    expect(readFileSync(workload, 'utf8')).toBe(workloadText);
  });

  it('a write that fails at the end keeps the summary on stdout and says what was not written', async () => {
    const vanishing = join(dir, 'vanishing');
    mkdirSync(vanishing);
    const out = join(vanishing, 'r.json');
    // Hand-off: the seed line is written after every check and before the run starts; the
    // directory becomes a file then, so the check passed and the write at the end cannot succeed
    // (a directory that merely went would be made again, as a missing one is).
    const r = await cli(['run', 'stress', '--inline', '--duration', '2us', '--out', out], (soFar) => {
      if (
        soFar.includes('(drawn at random)') &&
        statSync(vanishing, { throwIfNoEntry: false })?.isDirectory()
      ) {
        rmSync(vanishing, { recursive: true });
        writeFileSync(vanishing, 'x');
      }
    });
    expect(r.stdout).toContain('status clean (exit 0)');
    expect(r.stdout).toContain('reproduce: npusim run stress');
    expect(unwrapped(r.stderr, 'npusim: '.length)).toContain(
      `npusim: --out: could not write \`${out}\`: a part of \`${out}\` is a file or a dangling symbolic link where a directory is to be made (EEXIST); the file was not written`,
    );
    expect(r.stderr).toContain('npusim: exit 2: the run was clean, but --out could not be written');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code).toBe(2);
  });
});

describe('names that do not exist are refused', () => {
  const actors = ['chip0', 'chip1', 'gpu0', 'gpu1', 'gpu2', 'gpu3', 'gpu4', 'gpu5', 'coordinator'];

  it('a bug switch given twice is refused, as a --set path given twice is (QA: it was dropped in silence)', async () => {
    const r = await cli(['run', '--bug', 'single-flush', '--bug', 'single-flush', ...QUICK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'npusim: --bug: Expected each bug switch once, got `single-flush` twice\nRun `npusim run --help` for usage.\n',
    );
    expect(r.stdout).toBe('');
    // One the profile already carries: the same machine, which had a digest of its own (QA).
    const carried = await cli(['run', '--profile', 'as-shipped', '--bug', 'unpin-before-kill', ...QUICK]);
    expect(carried.code).toBe(2);
    expect(carried.stderr).toContain(
      'npusim: --bug: Expected a bug switch --profile as-shipped does not already carry, got `unpin-before-kill`',
    );
    const other = await cli(['run', '--profile', 'as-shipped', '--bug', 'single-flush', ...QUICK]);
    expect(other.code, other.stderr).toBe(0);
  });

  it('an option given an empty value is refused saying so in words, not as an empty code span (QA: got ``)', async () => {
    const options = [
      '--policy',
      '--profile',
      '--bug',
      '--workers',
      '--topology',
      '--strategy',
      '--seed',
      '--variant',
      '--set',
    ];
    for (const option of options) {
      const r = await cli(['run', 'stress', option, '', '--duration', '2us']);
      expect(r.code, option).toBe(2);
      expect(r.stderr, option).toMatch(new RegExp(`^npusim: ${option}: Expected .*, got "" \\(empty\\)`));
      expect(r.stderr, option).not.toContain('``');
    }
    const command = await cli(['']);
    expect(command.stderr).toMatch(/^npusim: command: Expected one of .*, got "" \(empty\)\n/);
    const duration = await cli(['run', 'stress', '--inline', '--duration', '']);
    expect(duration.stderr).toMatch(/^npusim: --duration: Expected a duration .*, got "" \(empty\)\n/);
  });

  it('several bad --bug and --profile are refused at once, each on its own line, in the order given', async () => {
    const r = await cli([
      'run',
      '--bug',
      'nope',
      '--bug',
      'single-flush',
      '--bug',
      'single-flush',
      '--profile',
      'x',
      ...QUICK,
    ]);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^npusim: --bug: Expected one of .*single-flush.*, got `nope`$/);
    expect(lines[1]).toBe('  --bug: Expected each bug switch once, got `single-flush` twice');
    expect(lines[2]).toMatch(/^ {2}--profile: Expected one of .*as-shipped.*, got `x`$/);
    expect(lines.slice(3)).toEqual(['Run `npusim run --help` for usage.']);
  });

  it('an unknown --bug given more than once: its refusal once, then the repeat, as a known one (QA: the long refusal twice)', async () => {
    const r = await cli(['run', '--bug', 'nope', '--bug', 'nope', '--bug', 'nope', ...QUICK]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^npusim: --bug: Expected one of .*, got `nope`$/);
    expect(lines.slice(1)).toEqual([
      '  --bug: Expected each bug switch once, got `nope` 3 times',
      'Run `npusim run --help` for usage.',
    ]);
  });

  it('a profile named for a release with a policy it did not have runs, warned on stderr and in the header (as-shipped: per-socket only)', async () => {
    const r = await cli([
      'run',
      'stress',
      '--profile',
      'as-shipped',
      '--policy',
      'per-gpu-isolated',
      ...QUICK,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const warning =
      'warning: policy per-gpu-isolated is not in profile as-shipped (Linux v5.12 formed per-socket only): a what-if on that release, not the machine as it shipped';
    // On stderr too, wrapped under its text at 100 columns.
    expect(r.stderr.split('\n').filter((l) => l.length > 100)).toEqual([]);
    expect(unwrapped(r.stderr, 'npusim: '.length)).toContain(`npusim: ${warning}\n`);
    // The header's and the warning's lines joined again where they wrapped at 100 columns (the
    // profile's field, longer than a line, broken over lines of its own two columns further in).
    const header = unwrapped(unwrapped(r.stdout, 'npusim '.length + 2), 'npusim '.length, '  ');
    const stdout = unwrapped(header, '  warning: '.length);
    expect(stdout.split('\n')[1]).toBe(`  ${warning}`);
    const shipped = await cli([
      'run',
      'stress',
      '--profile',
      'as-shipped',
      '--policy',
      'per-socket',
      ...QUICK,
    ]);
    expect(shipped.stderr).not.toContain('warning');
    expect(shipped.stdout).not.toContain('warning');
  });

  it('--crash-at with an actor the machine lacks (gpu99, GPU2, npu1 among them) exits 2 listing the actors', async () => {
    const names = fc.oneof(
      fc.constantFrom('gpu99', 'GPU2', 'npu1', 'chip2', 'gpu6', 'Coordinator'),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/).filter((n) => !actors.includes(n)),
    );
    await fc.assert(
      fc.asyncProperty(names, fc.integer({ min: 1, max: 1000 }), async (name, event) => {
        const r = await cli(['run', `--crash-at=${name}:${event}`, ...QUICK]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `npusim: --crash-at: Expected an actor of witherspoon-6 (${actors.join(', ')}), got \`${name}\``,
        );
        expect(r.stdout).toBe('');
      }),
      { numRuns: 30 },
    );
    expect((await cli(['run', '--crash-at', 'GPU2:5', ...QUICK])).stderr).toContain('lower case: `gpu2`');
    expect((await cli(['run', '--crash-at', 'npu1:5', ...QUICK])).stderr).toContain("chip's actor: `chip1`");
  });

  it('--crash-at at an event past the end of the run says it never fired, and the run exits as it ran', async () => {
    const r = await cli(['run', '--crash-at', 'gpu2:1000000', ...QUICK]);
    expect(r.code).toBe(0);
    expect(unwrapped(r.stderr, 8)).toMatch(
      /npusim: --crash-at gpu2:1000000 never fired: gpu2's handler saw fewer than 1000000 events in this run \(N counts those; the \d+ events? the engine counts for gpu2 also hold the link departures it deferred, which no handler sees\)/,
    );
  });

  it("--crash-at past the events its handler saw, though not past the engine's count of its events, is not said to have been reached (QA: `handled 2664 events` of a crash at 2600 that never fired)", async () => {
    const r = await cli([
      'run',
      'stress',
      '--seed',
      '1',
      '--duration',
      '100us',
      '--crash-at',
      'gpu2:2700',
      '--inline',
      '--no-failure-file',
    ]);
    // gpu2's handler sees 2684 events here, the engine counts 2785 for it.
    expect(r.code, r.stderr).toBe(0);
    const said = unwrapped(r.stderr, 8);
    expect(said).toContain("never fired: gpu2's handler saw fewer than 2700 events in this run");
    // The engine's count, departures included, is past N: the run is one where the two differ.
    expect(Number(/the (\d+) events the engine counts for gpu2/.exec(said)?.[1])).toBeGreaterThanOrEqual(
      2700,
    );
  });

  it('a crash with --json and --out still gives a result, status crash, exit 4, on stdout and in the file', async () => {
    const out = join(dir, 'crash.json');
    const r = await cli([
      'run',
      '--crash-at',
      'gpu2:100',
      '--json',
      '--out',
      out,
      '--inline',
      '--seed',
      '3',
      '--duration',
      '50us',
    ]);
    expect(r.code).toBe(4);
    const printed = JSON.parse(r.stdout) as RunResult;
    const written = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    for (const result of [printed, written]) {
      expect(result.status).toBe('crash');
      expect(result.exitCode).toBe(4);
      expect(result.crash?.actor).toBe('gpu2');
      expect(result.crash?.message).toContain('injected crash (--crash-at gpu2:100)');
      expect(result.reproduce).toContain('--crash-at gpu2:100');
    }
    expect(r.stderr).toContain('npusim: crash (exit 4): actor gpu2 crashed at tick');
  });
});

describe('topology files: bad ones exit 2 naming the file and the field', () => {
  const write = (name: string, spec: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec));
    return path;
  };

  it('an unknown key, a GPU without an NPU link, a huge file: each names the file (and the field)', async () => {
    const typo = { ...structuredClone(TOPOLOGY_PRESETS['witherspoon-4']), lnks: {} };
    const t1 = write('typo.json', typo);
    const r1 = await cli(['topo', t1]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`npusim: ${t1}:1:637: lnks: Expected a topology field (one of: `);

    const noBrick = structuredClone(TOPOLOGY_PRESETS['witherspoon-4']) as unknown as {
      gpus: { links: unknown[] }[];
    };
    noBrick.gpus[1]!.links = Array.from({ length: 6 }, () => ({ gpu: 'gpu0' }));
    const t2 = write('no-brick.json', noBrick);
    const r2 = await cli(['run', '--topology', t2, ...QUICK]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`npusim: ${t2}:1:312: gpus[1].links: Expected at least one CPU brick`);

    const huge = write('huge.json', `{"name":"x","junk":"${'j'.repeat(MAX_TOPOLOGY_FILE_BYTES)}"}`);
    const r3 = await cli(['topo', huge]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain(`Expected a topology file of at most ${MAX_TOPOLOGY_FILE_BYTES} bytes`);
    for (const r of [r1, r2, r3]) expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("an edited copy of a preset under the preset's name is refused (QA: a 4-GPU `witherspoon-6`)", async () => {
    const fourAsSix = { ...structuredClone(TOPOLOGY_PRESETS['witherspoon-4']), name: 'witherspoon-6' };
    const file = write('four-as-six.json', fourAsSix);
    for (const argv of [
      ['topo', file],
      ['run', 'mixed', '--topology', file, ...QUICK],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `npusim: ${file}:1:2: name: Expected a name no preset has, or the preset unchanged (as \`npusim topo witherspoon-6 --json\` prints it), got \`witherspoon-6\` for another machine: it differs from the preset at gpus\n`,
      );
    }
    // A preset's name but for case or surrounding space reads as the preset: refused too (QA).
    for (const name of ['witherspoon-6 ', 'WITHERSPOON-6']) {
      const look = write('lookalike.json', { ...structuredClone(TOPOLOGY_PRESETS['witherspoon-6']), name });
      const r = await cli(['topo', look]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `npusim: ${look}:1:2: name: Expected a name no preset has, got \`${name}\`, which reads as the preset \`witherspoon-6\` (it differs from that name only in case or surrounding space)\n`,
      );
    }
    // Its machine outside npusim's limits too: one refusal says both, each line under the file's
    // name (QA: the name was said only once the machine was fixed).
    const both = structuredClone(TOPOLOGY_PRESETS['witherspoon-4']) as unknown as {
      sockets: { npuRegsBase?: number }[];
    };
    both.sockets[0]!.npuRegsBase = 0x1_0000;
    const bothFile = write('both.json', both);
    const r = await cli(['topo', bothFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `npusim: ${bothFile}:1:2: name: Expected a name no preset has, or the preset unchanged (as \`npusim topo witherspoon-4 --json\` prints it), got \`witherspoon-4\` for another machine: it differs from the preset at sockets[0].npuRegsBase\n` +
        `  ${bothFile}:1:98: sockets[0].npuRegsBase: Expected address windows that do not overlap, got the NPU registers of socket 0 at 0x10000 inside the host RAM of socket 0 (chip id 0) (0x0..0x4000000000)\n`,
    );
    // The preset restated, keys in another order, keeps its name.
    const restated = write(
      'restated.json',
      Object.fromEntries(Object.entries(TOPOLOGY_PRESETS['witherspoon-6']).reverse()),
    );
    const topo = await cli(['topo', restated]);
    expect(topo.code, topo.stderr).toBe(0);
    expect(topo.stdout.split('\n')[0]).toMatch(/^topology witherspoon-6 \(6 GPUs, /);
  });

  it("a threaded run on a topology whose fastest link is far quicker than the presets' is told before it runs that it hands off that much more often (QA: 60 x slower than inline, said only after)", async () => {
    const fast = {
      ...structuredClone(TOPOLOGY_PRESETS['witherspoon-4']),
      name: 'fast-links',
    } as unknown as { links?: { nvlinkBrick?: { latencyTicks: number } } };
    fast.links = { nvlinkBrick: { latencyTicks: 1_000 } };
    const file = write('fast-links.json', fast);
    const args = [
      'run',
      'stress',
      '--topology',
      file,
      '--seed',
      '1',
      '--duration',
      '2us',
      '--no-failure-file',
    ];
    const threaded = await cli([...args, '--workers', '2']);
    expect(threaded.code, threaded.stderr).toBe(0);
    expect(unwrapped(threaded.stderr, 8)).toContain(
      "npusim: the fastest link of this run's topology takes 1 ns (the presets' 150 ns): a thread may run only that far ahead of the others, so a threaded run here hands off about 150 times as often and is far slower; --inline runs the same events in one thread\n",
    );
    // Inline, and a preset threaded: nothing to say.
    expect((await cli([...args, '--inline'])).stderr).not.toContain('fastest link');
    const preset = await cli([
      'run',
      'stress',
      '--seed',
      '1',
      '--duration',
      '2us',
      '--workers',
      '2',
      '--no-failure-file',
    ]);
    expect(preset.stderr).not.toContain('fastest link');
  });

  it('an edited copy of a preset under a name of its own: the run and sweep headers say it came from a file', async () => {
    const edited = {
      ...structuredClone(TOPOLOGY_PRESETS['witherspoon-4']),
      name: 'slow-redbud',
    } as unknown as {
      links?: { xbus?: { latencyTicks: number } };
    };
    edited.links = { xbus: { latencyTicks: 300_000 } };
    const file = write('edited-redbud.json', edited);
    const run = await cli(['run', 'mixed', '--topology', file, ...QUICK, '--no-failure-file']);
    expect(run.code, run.stderr).toBe(0);
    expect(headerLine(run.stdout)).toBe(
      `npusim mixed  seed 1  inline  ${file} (named slow-redbud) per-socket`,
    );
    const preset = await cli(['run', 'mixed', '--topology', 'witherspoon-4', ...QUICK, '--no-failure-file']);
    expect(preset.stdout.split('\n')[0]).toBe('npusim mixed  seed 1  inline  witherspoon-4 per-socket');
    const sweep = await cli([
      'sweep',
      'mixed',
      '--seeds',
      '1',
      '--duration',
      '2us',
      '--topology',
      file,
      '--no-failure-file',
    ]);
    expect(sweep.code, sweep.stderr).toBe(0);
    // The header's fields, two spaces apart or at a line's break (lines of at most 100 columns).
    // Named as the run's header names it: the file, then the name it gives itself (QA: `topology
    // slow-redbud (from a topology file)` could not tell two edited copies of one name apart).
    expect(sweep.stdout.replace(/\s+/g, ' ')).toContain(
      ` topology ${file} (named slow-redbud) policy per-socket `,
    );
  });
});

describe('errors in the user terms', () => {
  it('a workload that needs more groups than the topology has says so (tenant-isolation on witherspoon-4)', async () => {
    const r = await cli(['run', 'tenant-isolation', '--topology', 'witherspoon-4', ...QUICK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'Expected a topology and policy with 6 IOMMU groups or more (workload `tenant-isolation` needs them: one per tenant), got witherspoon-4 under per-gpu-isolated, which has 4',
    );
  });

  it('the same refusal on a topology file names the file beside the name inside it (it said only `my-redbud`)', async () => {
    const r = await cli(['run', 'tenant-isolation', '--topology', 'examples/my-topology.json', ...QUICK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /needs them: one per tenant\), got my-redbud \(examples\/my-topology\.json\) under per-gpu-isolated, which has \d+/,
    );
  });

  it('a single-value option given twice, and negative values, are refused before anything runs', async () => {
    const once = COMMANDS.flatMap((c) =>
      c.options
        .filter((o) => o.multiple !== true)
        .map((o) => ({ command: c.name, option: `--${o.name}`, boolean: o.type === 'boolean' })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...once),
        segment,
        segment,
        async ({ command, option, boolean }, a, b) => {
          const argv = boolean ? [command, option, option] : [command, `${option}=${a}`, `${option}=${b}`];
          const r = await cli(argv);
          expect(r.code).toBe(2);
          expect(r.stderr).toContain(
            `npusim: ${option}: Expected \`${option}\` at most once, got it 2 times`,
          );
        },
      ),
      { numRuns: 30 },
    );
    for (const [option, word] of [
      ['--seed', 'seeds'],
      ['--duration', 'durations'],
    ] as const) {
      const r = await cli(['run', option, '-1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`got \`-1\`: negative ${word} are not allowed`);
    }
  });
});

describe('a duration without a unit', () => {
  it('--duration 5 runs 5 ps, and stderr says so, with what a unit would have made it', async () => {
    const r = await cli(['run', 'mixed', '--inline', '--seed', '1', '--duration', '5', '--no-failure-file']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('simulated 5 ps of 5 ps');
    expect(unwrapped(r.stderr, 8)).toContain(
      "npusim: --duration is 5 ps: shorter than a message takes on any link of this run's topology (150 ns or more), so little or nothing can happen (a number without a unit counts picoseconds: `--duration 5` is 5 ps, `5us` five microseconds)\n",
    );
    // A run of a useful length says nothing of the kind.
    const useful = await cli([
      'run',
      'mixed',
      '--inline',
      '--seed',
      '1',
      '--duration',
      '2us',
      '--no-failure-file',
    ]);
    expect(useful.stderr).not.toContain('a number without a unit');
  });

  // QA: the bound was the presets' 150 ns whatever the topology, so a file with 1 ns links was told
  // "little or nothing can happen" of a run that carried 22 messages, and `100ns` got the unit hint.
  it("the bound is the run's own fastest link, and a duration written with its unit gets no unit hint", async () => {
    // A quick inline run of `mixed` for `duration`, on the preset or the topology file given.
    const shortRun = (duration: string, ...more: string[]) =>
      cli(['run', 'mixed', '--inline', '--seed', '1', '--duration', duration, '--no-failure-file', ...more]);
    const short = await shortRun('100ns');
    expect(short.code, short.stderr).toBe(0);
    expect(unwrapped(short.stderr, 8)).toContain(
      "npusim: --duration is 100 ns: shorter than a message takes on any link of this run's topology (150 ns or more), so little or nothing can happen\n",
    );
    expect(short.stderr).not.toContain('a number without a unit');
    const fast = { ...structuredClone(TOPOLOGY_PRESETS['witherspoon-4']), name: 'fast-links' } as unknown as {
      links?: Record<string, { latencyTicks: number }>;
    };
    fast.links = {
      xbus: { latencyTicks: 1000 },
      nvlinkBrick: { latencyTicks: 1000 },
      pcie: { latencyTicks: 1000 },
    };
    const file = join(dir, 'fast-links.json');
    writeFileSync(file, JSON.stringify(fast));
    const onFile = await shortRun('100ns', '--topology', file, '--json');
    expect(onFile.code, onFile.stderr).toBe(0);
    expect(onFile.stderr).not.toContain('shorter than a message');
    expect((JSON.parse(onFile.stdout) as RunResult).conservation.sent).toBeGreaterThan(0);
    const unitless = await shortRun('500', '--topology', file);
    expect(unwrapped(unitless.stderr, 8)).toContain(
      "npusim: --duration is 500 ps: shorter than a message takes on any link of this run's topology (1 ns or more), so little or nothing can happen (a number without a unit counts picoseconds",
    );
  });
});
