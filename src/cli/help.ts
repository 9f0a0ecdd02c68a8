/**
 * `npusim --help` and `npusim COMMAND --help`, generated from the command table (commands.ts) and
 * the exit-code table (core/exit-codes.ts): an option exists in the help exactly when the parser
 * accepts it, with the placeholder, default and wording of its one entry.
 */
import { EXIT_CODES } from '../core/exit-codes.js';
import { hangingLines, TEXT_COLUMNS } from '../core/wrap-text.js';
import { type CommandSpec, HELP_OPTION, type PositionalSpec } from './command-spec.js';
import { COMMANDS, type CommandName, commandSpec } from './commands.js';

/** Column where an option's help text starts. */
const HELP_COLUMN = 24;

export function helpText(topic?: CommandName): string {
  const out: string[] = [];
  if (topic === undefined) {
    out.push('npusim: concurrent simulation of the IBM POWER9 + NVIDIA V100 NVLink2 machine (AC922)', '');
    out.push('usage:');
    const lines = COMMANDS.map((c) => [`npusim ${usageOf(c)}`, c.summary] as const);
    const width = Math.max(...lines.map(([u]) => u.length)) + 2;
    for (const [u, s] of lines) out.push(...hangingLines(`  ${u.padEnd(width)}`, s, width + 2));
    out.push(
      `${'  npusim COMMAND --help'.padEnd(width + 2)}one command's arguments and options; also \`npusim help COMMAND\``,
    );
    out.push('  npusim --help | --version', '');
    for (const c of COMMANDS) out.push(...commandSection(c));
  } else {
    const c = commandSpec(topic);
    out.push(`usage: npusim ${usageOf(c)}`, ...hangingLines('  ', c.summary, 2), '');
    out.push(...commandSection(c));
  }
  out.push('exit codes:');
  const exits = (topic === undefined ? undefined : commandSpec(topic).exits) ?? EXIT_CODES;
  for (const e of exits) out.push(...entry(String(e.code), e.meaning, 7));
  const examples = (topic === undefined ? COMMANDS : [commandSpec(topic)]).flatMap((c) => c.examples ?? []);
  if (examples.length > 0) out.push('', 'examples:', ...examples.flatMap(exampleLines));
  return `${out.join('\n')}\n`;
}

/**
 * `npusim replay FILE [options]`: a positional the command needs in capitals, as README writes it,
 * one with a default in brackets (QA: `replay [file]`, `compare [a] [b]` read as optional).
 */
function usageOf(c: CommandSpec): string {
  const args = c.positionals.map((p) => (p.default === undefined ? shownName(p) : `[${p.name}]`));
  return [c.name, ...args, ...(c.options.length > 0 ? ['[options]'] : [])].join(' ');
}

/** A positional as help names it: one the command needs in capitals, one with a default as it is. */
function shownName(p: PositionalSpec): string {
  return p.default === undefined ? p.name.toUpperCase() : p.name;
}

function commandSection(c: CommandSpec): string[] {
  const out: string[] = [`${c.name} arguments and options:`];
  for (const p of c.positionals)
    out.push(...entry(shownName(p), withDefault(p.help, p.default), HELP_COLUMN));
  for (const o of [...c.options, HELP_OPTION]) {
    const name = `--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const short = o.short === undefined ? '' : `-${o.short}, `;
    out.push(...entry(`${short}${name}`, withDefault(o.help, o.default), HELP_COLUMN));
  }
  out.push('');
  return out;
}

function withDefault(help: string, value: string | undefined): string {
  return value === undefined ? help : `${help} (default: ${value})`;
}

/** `  term   text`, the text wrapped at TEXT_COLUMNS and indented to `column` on continuation lines. */
function entry(term: string, text: string, column: number): string[] {
  const first = `  ${term}`;
  return hangingLines(first.length + 2 <= column ? first.padEnd(column) : `${first}  `, text, column);
}

/**
 * An example too long for a line broken before each `&&` and after each `;`, each break ending in
 * ` \`, so that the lines still paste into a shell as the one command (words wrapped without it
 * would not run). An example whose first command exits non-zero by design (a run that finds the
 * bug it switched on exits 1) joins the next with `;`: `&&` would never run it (QA).
 */
function exampleLines(example: string): string[] {
  if (example.length + 2 <= TEXT_COLUMNS) return [`  ${example}`];
  const lines: string[] = [];
  let line = '  ';
  for (const piece of example.split(/(?= && )|(?<=;) /)) {
    if (line.trim() !== '') {
      lines.push(`${line} \\`);
      line = piece.startsWith(' ') ? '   ' : '    ';
    }
    line += piece;
  }
  return [...lines, line];
}
