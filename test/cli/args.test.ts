import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKLOAD, parseCli, parseCrashAt, parseSeed } from '../../src/cli/args.js';
import { DEFAULT_FAILURES_OPTION, DEFAULT_SHRUNK_OPTION } from '../../src/cli/cli-args.js';
import { parseBudget, parseJobs, parsePctDepth, parseTraceEvents } from '../../src/cli/option-values.js';
import { ConfigError } from '../../src/core/errors.js';
import { parseDuration } from '../../src/report/duration.js';
import { parsePlacement } from '../../src/runtime/placement.js';
import { parseSeedRange, parseShard } from '../../src/sweep/seeds.js';

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('cli args', () => {
  it('args: run defaults to the default workload, threaded, nothing overridden', () => {
    expect(parseCli(['run'])).toEqual({
      command: 'run',
      workload: DEFAULT_WORKLOAD,
      seed: undefined,
      durationTicks: undefined,
      topology: undefined,
      policy: undefined,
      bugs: [],
      profile: undefined,
      stopOnFirst: false,
      set: [],
      variant: undefined,
      failuresDir: 'npusim-failures',
      strategy: 'random',
      pctDepth: 3,
      host: 'threaded',
      placement: undefined,
      json: false,
      out: undefined,
      crashAt: undefined,
      checkHosts: false,
      outputs: [{ option: DEFAULT_FAILURES_OPTION, path: 'npusim-failures', directory: true }],
    });
  });

  it('args: every run option is read, --bug repeats', () => {
    const a = parseCli([
      'run',
      'atsd-deadlock',
      '--seed',
      '9',
      '--duration',
      '1.5ms',
      '--topology',
      'witherspoon-4',
      '--policy',
      'per-gpu',
      '--bug',
      'single-flush',
      '--bug',
      'local-npu-only',
      '--inline',
      '--json',
      '--out',
      'r.json',
      '--crash-at',
      'gpu2:100',
      '--set',
      'gpu.dmaBytes=4096',
      '--set',
      'policy=per-gpu-isolated',
      '--set',
      'tenants[0].pageSizes=["2M","1G"]',
      '--variant',
      'no-host-traffic',
    ]);
    expect(a).toMatchObject({
      set: [
        { path: 'gpu.dmaBytes', value: 4096 },
        { path: 'policy', value: 'per-gpu-isolated' },
        { path: 'tenants[0].pageSizes', value: ['2M', '1G'] },
      ],
      variant: 'no-host-traffic',
      command: 'run',
      workload: 'atsd-deadlock',
      seed: 9,
      durationTicks: 1_500_000_000,
      topology: 'witherspoon-4',
      policy: 'per-gpu',
      bugs: ['single-flush', 'local-npu-only'],
      host: 'inline',
      json: true,
      out: 'r.json',
      crashAt: { actor: 'gpu2', event: 100 },
      outputs: [
        { option: '--out', path: 'r.json' },
        { option: DEFAULT_FAILURES_OPTION, path: 'npusim-failures', directory: true },
      ],
    });
  });

  it("args: shrink's default place is checked under a name that says it was not given (QA: `--out: ... got .` with no --out)", () => {
    // A file that is there, in a folder of its own (this test's own file stands in for one).
    const parsed = parseCli(['shrink', 'test/cli/args.test.ts']);
    expect(parsed).toMatchObject({
      command: 'shrink',
      out: 'test/cli/args.test.ts.shrunk.json',
      outGiven: false,
      outputs: [{ option: DEFAULT_SHRUNK_OPTION, path: 'test/cli', directory: true }],
    });
    expect(DEFAULT_SHRUNK_OPTION).toMatch(/^--out \(not given: /);
  });

  it('args: help, version, list and topo parse', () => {
    expect(errorOf(() => parseCli([])).message).toBe(
      'command: Expected one of run, sweep, replay, shrink, compare, list, topo, help, got none',
    );
    // QA67 F4: a command's slip, and a value's in another case, get the option names' hint.
    expect(errorOf(() => parseCli(['rn'])).message).toBe(
      'command: Expected one of run, sweep, replay, shrink, compare, list, topo, help, got `rn` (did you mean `run`?)',
    );
    // `help` is a word the line may start with (QA Q19: the list left it out); `help TOPIC` takes commands.
    expect(errorOf(() => parseCli(['hlp'])).message).toBe(
      'command: Expected one of run, sweep, replay, shrink, compare, list, topo, help, got `hlp` (did you mean `help`?)',
    );
    // An option's word typed as a command says which option it is (QA: `npusim report` had only the list).
    expect(errorOf(() => parseCli(['report', 'x.json'])).message).toBe(
      'command: Expected one of run, sweep, replay, shrink, compare, list, topo, help, got `report`: an HTML report is written by a command that runs, with `--report FILE` (`npusim run --report r.html`)',
    );
    expect(errorOf(() => parseCli(['trace'])).message).toMatch(
      /got `trace`: a trace is written .* `--trace FILE`/,
    );
    expect(errorOf(() => parseCli(['version'])).message).toMatch(
      /got `version`: the version is `npusim --version`$/,
    );
    // Named as the argument of `help` it is (QA: it read `command:`, as if `help` were wrong).
    expect(errorOf(() => parseCli(['help', 'rn'])).message).toBe(
      'help: Expected one of run, sweep, replay, shrink, compare, list, topo, got `rn` (did you mean `run`?)',
    );
    expect(errorOf(() => parseCli(['run', '--strategy', 'PCT'])).message).toBe(
      '--strategy: Expected random or pct, got `PCT` (did you mean `pct`?)',
    );
    expect(parseCli(['--help'])).toEqual({ command: 'help' });
    expect(parseCli(['run', '--help'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseCli(['help', 'topo'])).toEqual({ command: 'help', topic: 'topo' });
    // `help help` (or `--help`) is the general help; `--help COMMAND` is `help COMMAND`; a second
    // word after them is refused, as after --version (QA: `help run sweep` showed run's help alone).
    for (const first of ['help', '--help', '-h']) {
      expect(parseCli([first, 'help'])).toEqual({ command: 'help' });
      expect(parseCli([first, '--help'])).toEqual({ command: 'help' });
      expect(parseCli([first, 'sweep'])).toEqual({ command: 'help', topic: 'sweep' });
      expect(errorOf(() => parseCli([first, 'run', 'sweep'])).message).toBe(
        `${first}: Expected at most one command after \`${first}\`, got \`run sweep\``,
      );
    }
    expect(parseCli(['--version'])).toEqual({ command: 'version' });
    expect(parseCli(['list'])).toEqual({ command: 'list', json: false, outputs: [] });
    expect(parseCli(['topo', 'witherspoon-4', '--policy', 'per-gpu'])).toEqual({
      command: 'topo',
      topology: 'witherspoon-4',
      policy: 'per-gpu',
      json: false,
      outputs: [],
    });
    expect(parseCli(['topo', 'witherspoon-4', '--json'])).toMatchObject({ command: 'topo', json: true });
  });

  it('args: --set takes PATH=VALUE, JSON when it parses, and refuses a malformed one by the option', () => {
    const set = (text: string) => (parseCli(['run', '--set', text]) as { set: unknown[] }).set[0];
    expect(set('gpu.dmaBytes=4096')).toEqual({ path: 'gpu.dmaBytes', value: 4096 });
    expect(set('host.varyPagesPerUnmap=true')).toEqual({ path: 'host.varyPagesPerUnmap', value: true });
    expect(set('policy=per-gpu')).toEqual({ path: 'policy', value: 'per-gpu' });
    expect(set('tenants.0.name="42"')).toEqual({ path: 'tenants.0.name', value: '42' });
    expect(set('tenants[1].name=')).toEqual({ path: 'tenants[1].name', value: '' });
    for (const bad of ['gpu.dmaBytes', '=4', 'gpu..dmaBytes=1', 'gpu[x]=1', '0.gpu=1']) {
      const e = errorOf(() => parseCli(['run', '--set', bad]));
      expect(e.field.startsWith('--set'), bad).toBe(true);
      expect(e.message).toContain(bad.split('=')[0]!);
    }
    // A JSON value with a key given twice (JSON.parse would keep the last) is refused by the option.
    const twice = errorOf(() => parseCli(['run', '--set', 'gpu={"ut0Percent":50,"ut0Percent":60}']));
    expect(twice.field).toBe('--set gpu');
    expect(twice.message).toBe(
      '--set gpu: Expected each key once in an object, got `ut0Percent` a second time (JSON.parse would keep this one) (column 18 of the value)',
    );
    // A value opening as an object or a list is meant as JSON: its syntax error is said, at its
    // column (QA: read as text, `Expected an object, got the string "{engines:1}"`).
    const unquoted = errorOf(() => parseCli(['run', '--set', 'gpu={engines:1}']));
    expect(unquoted.field).toBe('--set gpu');
    expect(unquoted.message).toBe(
      '--set gpu: Expected JSON (a value opening with `{` is read as JSON), got a syntax error: Expected a property name in double quotes, got `e` (column 2 of the value)',
    );
    const comma = errorOf(() => parseCli(['run', '--set', 'tenants[0].pageSizes= ["2M",]']));
    expect(comma.message).toMatch(
      /opening with `\[` is read as JSON\), got a syntax error: .*\(column 8 of the value\)$/,
    );
    // A whole number past 2^53 is refused as typed, not as the number JSON.parse made of it (QA).
    const huge = errorOf(() => parseCli(['run', '--set', 'durationTicks=99999999999999999999']));
    expect(huge.message).toBe(
      '--set durationTicks: Expected a whole number JSON holds exactly (at most 9007199254740991 either way), got `99999999999999999999`',
    );
    expect(set('durationTicks=9007199254740991')).toEqual({ path: 'durationTicks', value: 9007199254740991 });
    // A text that only contains a bracket is still text.
    expect(set('policy=per-gpu[')).toEqual({ path: 'policy', value: 'per-gpu[' });
  });

  it('args: a value an option parses is read without the white space around it, as --duration is (QA: --seed " 3" was refused)', () => {
    expect(parseCli(['run', '--seed', ' 3 '])).toMatchObject({ seed: 3 });
    expect(parseCli(['sweep', '--seeds', '1..2', '--jobs', '2 '])).toMatchObject({ jobs: 2 });
    expect(parseCli(['run', '--workers', ' 2'])).toMatchObject({ placement: { kind: 'workers', count: 2 } });
    // Still refused inside: `3 4` is no seed.
    expect(errorOf(() => parseCli(['run', '--seed', '3 4'])).message).toContain('got `3 4`');
  });

  it('args: an unknown option names it and lists the valid ones', () => {
    const e = errorOf(() => parseCli(['run', '--frob']));
    expect(e.field).toBe('--frob');
    expect(e.message).toContain('got `--frob`');
    expect(e.message).toContain('--seed');
  });

  it('args: an unknown option near one of the command, or of another command, says which (did you mean)', () => {
    const message = (argv: string[]) => errorOf(() => parseCli(argv)).message;
    // The command's nearest option, and the command that takes the one given.
    expect(message(['sweep', 'stress', '--seeds', '1..2', '--seed', '3'])).toBe(
      '--seed: Expected an option of `npusim sweep`, got `--seed`: did you mean `--seeds`? (`--seed` is an option of `npusim run`)',
    );
    expect(message(['run', '--seeds', '1..3'])).toBe(
      '--seeds: Expected an option of `npusim run`, got `--seeds`: did you mean `--seed`? (`--seeds` is an option of `npusim sweep`)',
    );
    expect(message(['run', '--duraton', '2ms'])).toContain('got `--duraton`: did you mean `--duration`?');
    expect(message(['run', '--topo', 'w'])).toContain('did you mean `--topology`?');
    // Two letters swapped are one slip (core/edit-distance.ts).
    expect(message(['run', '--sede', '3'])).toContain('got `--sede`: did you mean `--seed`?');
    expect(message(['run', '--duartion', '2ms'])).toContain('did you mean `--duration`?');
    // Only another command's.
    expect(message(['compare', 'a', 'b', '--out', 'x'])).toBe(
      '--out: Expected an option of `npusim compare`, got `--out`: `--out` is an option of `npusim run`, `npusim replay` and `npusim shrink`',
    );
    // The command's pointers, where its counterpart has another name or is not needed.
    expect(message(['sweep', '--out', 'x'])).toContain('got `--out`: did you mean `--results DIR`');
    expect(message(['sweep', '--workers', '2'])).toContain('did you mean `--jobs N`');
    expect(message(['sweep', '--inline'])).toContain('got `--inline`: a sweep runs each seed inline already');
    expect(message(['run', '--results', 'd'])).toContain('did you mean `--out FILE`');
    // Nothing near: the command's options, as before.
    expect(message(['sweep', '--frobnicate'])).toMatch(
      /^--frobnicate: Expected an option of `npusim sweep` \(--seeds, .*\), got `--frobnicate`$/,
    );
  });

  it('args: a number and its unit written apart is hinted joined, only when the option takes them joined', () => {
    const message = (argv: string[]) => errorOf(() => parseCli(argv)).message;
    expect(message(['run', 'stress', '--duration', '2', 'ms'])).toBe(
      'run: Expected at most 1 argument after `npusim run` (workload), got `stress` `ms`; did you mean `--duration 2ms`?',
    );
    expect(message(['run', 'stress', '--duration=1.5', 'us', '--inline'])).toContain(
      'did you mean `--duration=1.5us`?',
    );
    expect(message(['sweep', 'stress', '--duration', '2', 'ms', '--seeds', '1'])).toBe(
      'sweep: Expected one workload, got `stress` `ms`; did you mean `--duration 2ms`?',
    );
    // A second number is an argument too many, not a longer seed; a word that does not join is no unit.
    expect(message(['run', 'stress', '--seed', '1', '2'])).not.toContain('did you mean');
    expect(message(['run', 'stress', '--duration', '2', 'weeks'])).not.toContain('did you mean');
  });

  it('args: a count given to --threads, which takes none, is hinted as --workers (QA: `no workload has that name` alone)', () => {
    expect(parseCli(['run', '--threads', '2'])).toMatchObject({
      workload: '2',
      workloadHint: 'did you mean `--workers 2`? (`--threads` takes no value)',
    });
    expect(errorOf(() => parseCli(['run', 'stress', '--threads', 'auto'])).message).toBe(
      'run: Expected at most 1 argument after `npusim run` (workload), got `stress` `auto`; did you mean `--workers auto`? (`--threads` takes no value)',
    );
    // replay's --threads has no --workers to point at; a word that is no placement is no count.
    expect(parseCli(['run', '--threads', 'stress'])).not.toHaveProperty('workloadHint');
  });

  // QA 58 F3: with no workload before it, the unit was refused as a workload's name with no hint.
  it('args: a unit written apart and taken for the workload carries the joined hint for its refusal', () => {
    expect(parseCli(['run', '--duration', '2', 'ms'])).toMatchObject({
      workload: 'ms',
      workloadHint: 'did you mean `--duration 2ms`?',
    });
    expect(parseCli(['sweep', '--duration=500', 'us', '--seeds', '1..2'])).toMatchObject({
      workload: 'us',
      workloadHint: 'did you mean `--duration=500us`?',
    });
    // A workload named before it: the unit is an argument too many (above), the workload no slip.
    expect(parseCli(['run', 'stress', '--duration', '2ms'])).not.toHaveProperty('workloadHint');
    expect(parseCli(['run', '--seed', '1', 'stress'])).not.toHaveProperty('workloadHint');
  });

  // QA 58 F4: `-seed` was refused as `-s`, and `-help` as `-e`.
  it('args: a long option written with one dash is refused whole, with the option it likely means', () => {
    const message = (argv: string[]) => errorOf(() => parseCli(argv)).message;
    expect(message(['run', '-seed', '3'])).toBe(
      '-seed: Expected an option of `npusim run`, got `-seed`: did you mean `--seed`?',
    );
    expect(message(['run', '-help'])).toBe(
      '-help: Expected an option of `npusim run`, got `-help`: did you mean `--help`?',
    );
    expect(message(['run', 'stress', '-duration=2ms'])).toContain(
      'got `-duration=2ms`: did you mean `--duration`?',
    );
    // Short flags together are still flags; an option's value that starts with a dash is its value.
    expect(parseCli(['run', '-hh'])).toEqual({ command: 'help', topic: 'run' });
    expect(message(['run', '--seed', '-12'])).toContain('negative seeds are not allowed');
    expect(message(['run', '-12'])).toMatch(
      /^-12: Expected an option of `npusim run` \(--seed, .*\), got `-12`$/,
    );
  });

  // QA 58 F5: no hint for these, and a long name echoed whole.
  it('args: an unknown option in the wrong case, with a word added, or negating a flag is hinted; a long one is quoted cut', () => {
    const message = (argv: string[]) => errorOf(() => parseCli(argv)).message;
    expect(message(['run', '--SEED', '3'])).toContain('got `--SEED`: did you mean `--seed`?');
    expect(message(['run', '--record-file', 'x'])).toContain('got `--record-file`: did you mean `--record`?');
    expect(message(['run', '--help-me'])).toContain('got `--help-me`: did you mean `--help`?');
    expect(message(['run', '--no-inline'])).toContain(
      'got `--no-inline`: `--inline` is off unless given: leave `--no-inline` out',
    );
    const long = `--${'x'.repeat(3000)}`;
    const e = errorOf(() => parseCli(['run', long]));
    expect(e.message.length).toBeLessThan(600);
    expect(e.field).toBe(`--${'x'.repeat(58)}...`);
    expect(e.message).toContain(`got \`--${'x'.repeat(58)}...\``);
  });

  it('args: an unknown command, a missing value and extra arguments are refused', () => {
    expect(errorOf(() => parseCli(['fly'])).message).toContain('got `fly`');
    expect(errorOf(() => parseCli(['run', '--seed'])).field).toBe('--seed');
    expect(errorOf(() => parseCli(['run', 'a', 'b'])).message).toContain('`a` `b`');
    expect(errorOf(() => parseCli(['list', 'x'])).field).toBe('list');
    expect(errorOf(() => parseCli(['run', '--inline', '--threads'])).field).toBe('--inline');
  });

  it('args: a single-value option given twice is refused naming it and both values; --bug repeats', () => {
    const e = errorOf(() => parseCli(['run', '--seed', '1', '--seed', '2']));
    expect(e.field).toBe('--seed');
    expect(e.message).toBe('--seed: Expected `--seed` at most once, got it 2 times (`--seed 1`, `--seed 2`)');
    expect(errorOf(() => parseCli(['run', '--out', 'a.json', '--out=b.json'])).field).toBe('--out');
    expect(errorOf(() => parseCli(['run', '--inline', '--inline'])).field).toBe('--inline');
    expect(errorOf(() => parseCli(['topo', '--policy', 'per-gpu', '--policy', 'per-gpu'])).field).toBe(
      '--policy',
    );
    expect(parseCli(['run', '--bug', 'single-flush', '--bug', 'single-flush'])).toMatchObject({
      bugs: ['single-flush', 'single-flush'],
    });
  });

  it('args: a negative number after an option says negatives are not allowed, not "no value"', () => {
    for (const argv of [
      ['run', '--seed', '-1'],
      ['run', '--seed=-1'],
    ]) {
      const e = errorOf(() => parseCli(argv));
      expect(e.field).toBe('--seed');
      expect(e.message).toContain('got `-1`: negative seeds are not allowed');
    }
    // --seeds too, at either end of a range, alone or in a list.
    for (const [seeds, got] of [
      ['-1..3', '`-1..3`'],
      ['1..-3', '`1..-3`'],
      ['2,1..-3', '`1..-3` (in `2,1..-3`)'],
    ] as const) {
      const e = errorOf(() => parseCli(['sweep', 'stress', '--seeds', seeds]));
      expect(e.field).toBe('--seeds');
      expect(e.message).toContain(`got ${got}: negative seeds are not allowed`);
    }
    for (const argv of [
      ['run', '--duration', '-1'],
      ['run', '--duration=-5us'],
    ]) {
      const e = errorOf(() => parseCli(argv));
      expect(e.field).toBe('--duration');
      expect(e.message).toContain('negative durations are not allowed');
    }
    const missing = errorOf(() => parseCli(['run', '--seed']));
    expect(missing.message).toBe('--seed: Expected a value after `--seed` (N), got none');
    // Another option of the command: the value was left out, and no `=` form is suggested.
    const otherOption = errorOf(() => parseCli(['run', '--topology', '--inline']));
    expect(otherOption.field).toBe('--topology');
    expect(otherOption.message).toBe(
      '--topology: Expected a value after `--topology` (NAME|FILE), got the option `--inline`: the value was left out',
    );
    // The options every command has count too (`--help`, `-h`).
    for (const help of ['--help', '-h']) {
      expect(errorOf(() => parseCli(['run', '--seed', help])).message).toBe(
        `--seed: Expected a value after \`--seed\` (N), got the option \`${help}\`: the value was left out`,
      );
    }
    const optionLike = errorOf(() => parseCli(['run', '--topology', '--my-topology']));
    expect(optionLike.message).toContain(
      'got the option-like `--my-topology`; to pass a value that starts with a dash, write `--topology=--my-topology`',
    );
    expect(errorOf(() => parseCli(['run', '--json=yes'])).message).toBe(
      '--json: Expected no value after the flag `--json`, got `--json=yes`',
    );
  });

  it('args: seeds are non-negative decimal safe integers', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('4294967296')).toBe(4294967296);
    for (const bad of ['-1', '1.5', 'x', '0x10', '', '99999999999999999999']) {
      expect(errorOf(() => parseSeed(bad)).field).toBe('--seed');
    }
    // Past 2^53-1 the seed would not read back from a failure file as itself: the range says why.
    expect(parseSeed('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(errorOf(() => parseSeed('9007199254740992')).message).toBe(
      '--seed: Expected an integer seed from 0 to 2^53-1 (9007199254740991, the largest a JSON failure file reads back exactly), got `9007199254740992`',
    );
    expect(errorOf(() => parseSeed('1e3', '--from-seed')).message).toMatch(
      /^--from-seed: Expected an integer seed .* got `1e3`$/,
    );
  });

  it('args: --crash-at is ACTOR:EVENT with EVENT from 1', () => {
    expect(parseCrashAt('chip1:7')).toEqual({ actor: 'chip1', event: 7 });
    for (const bad of ['gpu2', 'gpu2:0', ':5', 'gpu2:x', 'gpu 2:5']) {
      expect(errorOf(() => parseCrashAt(bad)).field).toBe('--crash-at');
    }
    // Past 2^53 - 1 the message names the bound, not only the lower one (QA).
    expect(parseCrashAt('gpu2:9007199254740991').event).toBe(Number.MAX_SAFE_INTEGER);
    expect(errorOf(() => parseCrashAt('gpu2:9007199254740993')).message).toBe(
      '--crash-at: Expected ACTOR:EVENT such as `gpu2:100` (EVENT a whole number from 1 to 9007199254740991), got `gpu2:9007199254740993`',
    );
  });

  it('args: every number an option takes is read in decimal, leading zeros and all, the same way in every option (README "run" options)', () => {
    // QA: `--pct-depth 03` was taken as 3; so were all the others: one rule, written down.
    expect(parsePctDepth('03')).toBe(3);
    expect(parseSeed('03')).toBe(3);
    expect(parseJobs('01')).toBe(1);
    expect(parseBudget('010')).toBe(10);
    expect(parseTraceEvents('01000')).toBe(1000);
    expect(parsePlacement('02')).toEqual({ kind: 'workers', count: 2 });
    expect(parseCrashAt('gpu2:0100')).toEqual({ actor: 'gpu2', event: 100 });
    expect(parseDuration('030us')).toBe(30_000_000);
    expect(parseSeedRange('01..03')).toMatchObject({ first: 1, last: 3 });
    expect(parseShard('01/04')).toEqual({ index: 1, count: 4 });
    // Through the command line too, and the range checks see the number, not its digits.
    const run = parseCli(['run', '--strategy', 'pct', '--pct-depth', '016', '--seed', '007']);
    expect(run).toMatchObject({ seed: 7, pctDepth: 16 });
    expect(errorOf(() => parsePctDepth('017')).message).toBe(
      '--pct-depth: Expected a depth from 1 to 16, got `017`',
    );
    expect(errorOf(() => parseJobs('00')).message).toBe(
      '--jobs: Expected a whole number of jobs from 1 to 256, got `00`',
    );
  });
});

describe('options that cannot be given together say why and what to do (QA: `got both`, and no more)', () => {
  it.each([
    [
      ['topo', 'witherspoon-4', '--json', '--policy', 'per-gpu'],
      '--json',
      'give --policy to the run that reads the file',
    ],
    [['run', '--workers', '2', '--inline'], '--workers', '--inline runs every actor in one thread'],
    [['replay', 'f.json', '--threads', '--inline'], '--inline', "give one (neither: the file's own)"],
    [
      ['run', '--failures', 'd', '--no-failure-file'],
      '--failures',
      'the other that none is written: give one',
    ],
  ])('%j', (argv, option, why) => {
    let error: unknown;
    try {
      parseCli(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(option);
    expect((error as ConfigError).message).toMatch(
      /^--\S+: Expected at most one of --\S+ and --\S+, got both: /,
    );
    expect((error as ConfigError).message).toContain(why);
  });
});
