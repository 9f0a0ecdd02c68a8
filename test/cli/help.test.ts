/**
 * `--help` is generated from the command table (issue 8) and the exit-code table, and README.md
 * says the same: a new option or exit code that is missing from either fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { HELP_OPTION } from '../../src/cli/command-spec.js';
import { COMMANDS, type CommandName, commandSpec, DEFAULT_WORKLOAD } from '../../src/cli/commands.js';
import { helpText } from '../../src/cli/help.js';
import { EXIT_CODE_VALUES, EXIT_CODES } from '../../src/core/exit-codes.js';
import { TEXT_COLUMNS } from '../../src/core/wrap-text.js';
import { MAX_PCT_DEPTH } from '../../src/model/choice/pct.js';
import { TRACE_EVENTS_RANGE } from '../../src/report/trace/trace-recording.js';
import { MAX_SWEEP_SEEDS } from '../../src/sweep/seeds.js';
import { testTempDir } from '../support/temp-dir.js';
import { cli, FAILING_RUN } from './cli-harness.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const flat = (text: string): string => text.replace(/\s+/g, ' ');

/** The `--option` words of one command's section of the help. */
function optionsInSection(help: string, command: string): string[] {
  const section = help.split(`${command} arguments and options:\n`)[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
}

describe('help: generated from the command table', () => {
  for (const command of COMMANDS) {
    it(`help: \`npusim ${command.name} --help\` lists exactly the options the parser takes, with placeholder, text and default`, () => {
      const help = helpText(command.name as CommandName);
      const expected = [...command.options, HELP_OPTION].map((o) => `--${o.name}`);
      expect(optionsInSection(help, command.name)).toEqual(expected);
      expect(optionsInSection(helpText(), command.name)).toEqual(expected);
      for (const o of command.options) {
        const line = `--${o.name}${o.type === 'string' ? ` ${o.value}` : ''} ${o.help}${o.default === undefined ? '' : ` (default: ${o.default})`}`;
        expect(flat(help)).toContain(line);
      }
      // A positional the command needs in capitals, in the usage line too (QA: `replay [file]`).
      for (const p of command.positionals) {
        const name = p.default === undefined ? p.name.toUpperCase() : p.name;
        expect(flat(help)).toContain(`${name} ${p.help}`);
        expect(help.split('\n')[0]).toContain(p.default === undefined ? ` ${name} ` : ` [${name}] `);
      }
      expect(parseCli([command.name, '--help'])).toEqual({ command: 'help', topic: command.name });
    });
  }

  it('help: every line fits the columns; the command table and a long example wrap (QA: lines of ~160)', () => {
    for (const help of [helpText(), ...COMMANDS.map((c) => helpText(c.name as CommandName))])
      for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(TEXT_COLUMNS);
    // Each command's summary whole and in order, its continuation lines under the summaries' column.
    const table = helpText().split('usage:\n')[1]!.split('\n\n')[0]!.split('\n');
    const column = table[0]!.indexOf(COMMANDS[0]!.summary);
    expect(column).toBeGreaterThan(10);
    const wrapped = table.filter((l) => !l.startsWith('  npusim '));
    expect(wrapped.length).toBeGreaterThan(0);
    for (const line of wrapped) expect(line).toMatch(new RegExp(`^ {${column}}\\S`));
    for (const c of COMMANDS) expect(flat(table.join('\n'))).toContain(flat(c.summary));
    // An example too long for a line breaks before `&&` with a backslash, so it still pastes.
    const sweep = helpText('sweep');
    expect(sweep).toMatch(/--results A \\\n {4}&& npusim sweep stress /);
    // One whose run exits 1 by design joins the next with `;`, and breaks after it.
    expect(helpText('replay')).toMatch(/--stop-on-first; \\\n {4}npusim replay npusim-failures\//);
  });

  it('help: a bounded option states its bounds, from the constants its parser checks', () => {
    const run = flat(helpText('run'));
    expect(run).toContain(
      `at most N recorded simulation events (a message sent or handled), each drawn as several events in the file (${TRACE_EVENTS_RANGE.min} to ${TRACE_EVENTS_RANGE.max})`,
    );
    expect(run).toContain(`PCT bug depth d (with --strategy pct), 1 to ${MAX_PCT_DEPTH}:`);
    expect(() => parseCli(['run', '--trace-events', String(TRACE_EVENTS_RANGE.max + 1)])).toThrow(
      `from ${TRACE_EVENTS_RANGE.min} to ${TRACE_EVENTS_RANGE.max}`,
    );
    const sweep = flat(helpText('sweep'));
    expect(sweep).toContain(`both ends included (at most ${MAX_SWEEP_SEEDS} seeds)`);
    expect(sweep).toContain(`(default: ${DEFAULT_WORKLOAD})`);
  });

  it('help: every exit code and its meaning, from the one table; a command with codes of its own lists those', () => {
    const own = COMMANDS.filter((c) => c.exits !== undefined);
    for (const help of [
      helpText(),
      ...COMMANDS.filter((c) => c.exits === undefined).map((c) => helpText(c.name as CommandName)),
    ]) {
      for (const e of EXIT_CODES) expect(flat(help)).toContain(` ${e.code} ${e.meaning}`);
    }
    // QA: `shrink --help` listed a run's codes ("0 clean: every check passed", "5 replay only"),
    // and `list --help` and `topo --help` listed codes 1, 3, 5 and 130 they never exit with.
    expect(own.map((c) => c.name).sort()).toEqual([
      'compare',
      'list',
      'replay',
      'run',
      'shrink',
      'sweep',
      'topo',
    ]);
    const codes = (name: string) =>
      flat(helpText(name as CommandName).split('exit codes:')[1]!)
        .split('\n')
        .join(' ');
    for (const c of own) {
      const help = codes(c.name);
      for (const e of c.exits!) expect(help).toContain(` ${e.code} ${e.meaning}`);
      if (!['run', 'sweep', 'replay'].includes(c.name)) expect(help).not.toContain(EXIT_CODES[0]!.meaning);
    }
    // A command that runs lists the table's codes but those it cannot give (QA: `help run` listed
    // 5, replay's, and sweep's `--merge --partial`); the others say 2 is also a stdout not written.
    const merge = 'also a `sweep --merge --partial`';
    const replayOnly = EXIT_CODES.find((e) => e.code === 5)!.meaning;
    expect([codes('run').includes(replayOnly), codes('run').includes(merge)]).toEqual([false, false]);
    expect([codes('sweep').includes(replayOnly), codes('sweep').includes(merge)]).toEqual([false, true]);
    expect([codes('replay').includes(replayOnly), codes('replay').includes(merge)]).toEqual([true, false]);
    for (const name of ['list', 'topo', 'compare', 'shrink'])
      expect(codes(name), name).toContain('a stdout that could not be written');
    expect([...EXIT_CODE_VALUES]).toEqual([0, 1, 2, 3, 4, 5, 130]);
  });
});

describe('README: agrees with the tables', () => {
  it('README: the exit-code table has one row per code, with the same meaning', () => {
    const section = README.split('Exit codes:')[1]?.split('\n\n')[1] ?? '';
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({
      code: Number(m[1]),
      meaning: m[2],
    }));
    expect(rows).toEqual(EXIT_CODES.map((e) => ({ code: e.code, meaning: e.meaning })));
  });

  it('README: the run options table names every option of `npusim run`', () => {
    const run = COMMANDS.find((c) => c.name === 'run')!;
    const section = README.split('`run` options:')[1]?.split('\n\n')[1] ?? '';
    const listed = [...section.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1]!);
    const threadsRow = section.includes('`--threads` / `--inline`') ? ['--inline'] : [];
    expect([...listed, ...threadsRow].sort()).toEqual(run.options.map((o) => `--${o.name}`).sort());
  });
});

describe('help examples', () => {
  it('replay and shrink name the failure file their example run writes, so the pair pastes as it is (QA: a name no run wrote)', async () => {
    const dir = testTempDir('npusim-help-example-');
    const r = await cli([
      ...FAILING_RUN,
      '--stop-on-first',
      '--inline',
      '--failures',
      join(dir, 'npusim-failures'),
    ]);
    expect(r.code, r.stderr).toBe(1);
    const [name] = readdirSync(join(dir, 'npusim-failures'));
    for (const command of ['replay', 'shrink'] as const) {
      expect(commandSpec(command).examples?.[0]).toBe(
        `npusim run flush-race --bug single-flush --seed 1 --stop-on-first; npusim ${command} npusim-failures/${name}`,
      );
    }
  });
});
