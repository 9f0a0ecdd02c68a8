/**
 * The generic parser of one `npusim` command, driven by its command-table entry (commands.ts):
 * node:util parseArgs in strict mode with `tokens`, then the checks parseArgs does not make (an
 * option given twice, options that conflict, too many arguments), then each value through its
 * option's parser. parseArgs' own errors are said again in the house shape (option, expected, got).
 */

import { parseArgs } from 'node:util';
import { countText } from '../core/count-text.js';
import { ConfigError } from '../core/errors.js';
import { issuesMessage } from '../core/issues-message.js';
import { codeText, gotText, shownText } from '../core/shown-text.js';
import type { OutputFile } from './cli-args.js';
import { type CommandSpec, HELP_OPTION, type OptionSpec } from './command-spec.js';
import { type SplitValue, splitValueHint, unknownOptionHint } from './option-hint.js';

/** What the generic parser gives a command: parsed values by option name, and its arguments. */
export interface ParsedCommand {
  values: Record<string, unknown>;
  positionals: string[];
  outputs: OutputFile[];
  help: boolean;
  /**
   * `did you mean `--duration 2ms`?` when a number and its unit were written apart (option-hint.ts),
   * for the command's refusal of the unit: as an argument too many, or as the workload's name.
   */
  splitValue?: SplitValue;
}

/**
 * Parse one command's arguments by its table entry: strict parseArgs, then duplicates, conflicts,
 * the number of arguments, and each value through its option's `parse`. `commands`, the whole
 * table, is where an option the command does not take is looked for (option-hint.ts).
 */
export function parseCommand(
  spec: CommandSpec,
  argv: readonly string[],
  commands: readonly CommandSpec[] = [spec],
): ParsedCommand {
  const table = [...spec.options, HELP_OPTION];
  checkSingleDashWords(spec, table, argv, commands);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parseArgsOptions(table),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    throw translateParseError(error, spec, table, argv, commands);
  }
  const tokens = parsed.tokens ?? [];
  const given = optionsGiven(tokens);
  if (given.has('help')) return { values: {}, positionals: [], outputs: [], help: true };
  checkRepeatsAndConflicts(table, given);
  const splitValue = splitValueHint(tokens, spec.options);
  checkPositionalCount(spec, parsed.positionals, splitValue);
  return {
    ...parseValues(spec, parsed.values),
    positionals: parsed.positionals,
    help: false,
    ...(splitValue === undefined ? {} : { splitValue }),
  };
}

/** The table as parseArgs' `options`. */
function parseArgsOptions(
  table: readonly OptionSpec[],
): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const o of table) {
    options[o.name] = {
      type: o.type,
      ...(o.multiple === true ? { multiple: true } : {}),
      ...(o.short === undefined ? {} : { short: o.short }),
    };
  }
  return options;
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** Each option given, by name, with how it was written each time (`--seed 7`). */
function optionsGiven(tokens: readonly Token[]): Map<string, string[]> {
  const given = new Map<string, string[]>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const list = given.get(t.name) ?? [];
    list.push(t.value === undefined ? t.rawName : `${t.rawName} ${t.value}`);
    given.set(t.name, list);
  }
  return given;
}

/** An option given twice (unless `multiple`), or with one it conflicts with, is refused. */
function checkRepeatsAndConflicts(table: readonly OptionSpec[], given: Map<string, string[]>): void {
  for (const o of table) {
    const uses = given.get(o.name) ?? [];
    if (o.multiple !== true && uses.length > 1) {
      throw new ConfigError(
        `--${o.name}`,
        `Expected \`--${o.name}\` at most once, got it ${uses.length} times (${uses.map(gotText).join(', ')})`,
      );
    }
    for (const other of o.conflicts ?? []) {
      if (uses.length > 0 && given.has(other)) {
        throw new ConfigError(
          `--${o.name}`,
          `Expected at most one of --${o.name} and --${other}, got both${o.conflictWhy === undefined ? '' : `: ${o.conflictWhy}`}`,
        );
      }
    }
  }
}

/**
 * More arguments than the command takes are refused (a variadic last positional takes any), with
 * `splitValue`'s hint when one may be a unit written apart from its number.
 */
function checkPositionalCount(
  spec: CommandSpec,
  positionals: readonly string[],
  splitValue: SplitValue | undefined,
): void {
  const variadic = spec.positionals.at(-1)?.variadic === true;
  if (variadic || positionals.length <= spec.positionals.length) return;
  const expected =
    spec.positionals.length === 0
      ? `no argument after \`npusim ${spec.name}\``
      : `at most ${countText(spec.positionals.length, 'argument')} after \`npusim ${spec.name}\` (${spec.positionals.map((p) => p.name).join(', ')})`;
  throw new ConfigError(
    spec.name,
    `Expected ${expected}, got ${positionals.map(gotText).join(' ')}${splitValue === undefined ? '' : `; ${splitValue.hint}`}`,
  );
}

/** Each value through its option's `parse`; the files and directories the options name. */
function parseValues(
  spec: CommandSpec,
  raws: Record<string, unknown>,
): { values: Record<string, unknown>; outputs: OutputFile[] } {
  const values: Record<string, unknown> = {};
  const outputs: OutputFile[] = [];
  // Each value is parsed apart from the others: every bad one is refused in one message (`--set a
  // --set b=` names both), in the table's order, as a workload file's mistakes are.
  const found: { field: string; message: string }[] = [];
  const parseEach = (parse: (text: string, option: string) => unknown, t: string, option: string) => {
    try {
      return parse(t, option);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      found.push({
        field: e.field,
        message: e.field === '' ? e.message : e.message.slice(e.field.length + 2),
      });
      return undefined;
    }
  };
  for (const o of spec.options) {
    const raw = raws[o.name];
    if (raw === undefined) continue;
    const option = `--${o.name}`;
    if (o.type === 'boolean') {
      values[o.name] = raw;
      continue;
    }
    const texts = (Array.isArray(raw) ? raw : [raw]) as string[];
    const parse = o.parse ?? ((t: string) => t);
    // A value an option parses (a number, a range, a placement) is read without the white space
    // around it, as `--duration ' 10us'` and `--seeds ' 1..3'` were and `--seed ' 3'` was not
    // (QA); a path or a name is taken as typed.
    const parsedValues = texts.map((t) => parseEach(parse, o.parse === undefined ? t : t.trim(), option));
    values[o.name] = o.multiple === true ? parsedValues : parsedValues[0];
    if (o.writesFile === true) for (const t of texts) outputs.push({ option, path: t });
    if (o.writesDir === true) for (const t of texts) outputs.push({ option, path: t, directory: true });
  }
  if (found.length > 0)
    throw new ConfigError(
      found[0]!.field,
      issuesMessage(found, (field) => field),
    );
  return { values, outputs };
}

/** parseArgs' own messages are long and not in the house shape; say option, expected, got. */
function translateParseError(
  error: unknown,
  spec: CommandSpec,
  table: readonly OptionSpec[],
  argv: readonly string[],
  commands: readonly CommandSpec[],
): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const raw = quoted.split(' ')[0] ?? quoted;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return unknownOptionError(raw, spec, table, commands);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const o = table.find((t) => `--${t.name}` === raw || (t.short !== undefined && `-${t.short}` === raw));
      const option = o === undefined ? raw : `--${o.name}`;
      if (o === undefined || o.type === 'boolean') {
        const given = argv.find((a) => a.startsWith(`${raw}=`));
        return new ConfigError(
          option,
          `Expected no value after the flag ${codeText(option)}, got ${gotText(given ?? raw)}`,
        );
      }
      const value = valueAfter(argv, raw);
      if (value === undefined) {
        return new ConfigError(
          option,
          `Expected a value after \`${option}\` (${o.value ?? 'a value'}), got none`,
        );
      }
      // A value that starts with a dash: a negative number goes to the option's own parser, which
      // says what it allows (`--seed -1`: negative seeds are not allowed).
      if (o.parse !== undefined && /^-[\d.]/.test(value)) {
        try {
          o.parse(value, option);
        } catch (e) {
          if (e instanceof ConfigError) return e;
          throw e;
        }
      }
      // Another option of the command (`--seed --inline`): the value was left out; no value that
      // starts with a dash was meant, so the `=` form would mislead.
      const word = value.split('=')[0];
      const other = table.some(
        (x) => `--${x.name}` === word || (x.short !== undefined && `-${x.short}` === value),
      );
      if (other) {
        return new ConfigError(
          option,
          `Expected a value after \`${option}\` (${o.value ?? 'a value'}), got the option ${codeText(value)}: the value was left out`,
        );
      }
      return new ConfigError(
        option,
        `Expected a value after \`${option}\` (${o.value ?? 'a value'}), got the option-like ${codeText(value)}; ` +
          `to pass a value that starts with a dash, write ${codeText(`${option}=${value}`)}`,
      );
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new ConfigError(
        spec.name,
        `Expected no argument after \`npusim ${spec.name}\`, got ${gotText(quoted)}`,
      );
    default:
      return error;
  }
}

/**
 * An option the command does not take, refused with its likely meaning (option-hint.ts), which
 * says more than the list of every option (`--help` has that); named cut when it is long.
 */
function unknownOptionError(
  raw: string,
  spec: CommandSpec,
  table: readonly OptionSpec[],
  commands: readonly CommandSpec[],
): ConfigError {
  const hint = unknownOptionHint(raw, spec, commands);
  const shown = shownText(raw);
  const known = table.map((o) => `--${o.name}`).join(', ');
  return new ConfigError(
    shown,
    hint === undefined
      ? `Expected an option of \`npusim ${spec.name}\` (${known}), got \`${shown}\``
      : `Expected an option of \`npusim ${spec.name}\`, got \`${shown}\`: ${hint}`,
  );
}

/**
 * A word after one dash (`-seed`, `-help`) is a group of short flags to parseArgs (`-s -e -e -d`),
 * refused by its first unknown letter (`got -s`), or, `-h` being known, by the next (`-help`: `got
 * -e`). Unless each of its letters is a short flag of the command, and it is no long option's name,
 * it is refused whole, with the long option it likely means (`did you mean --seed?`). The value of
 * an option (`--seed -1`) is left to parseArgs and the option's parser, and so is all after `--`.
 */
function checkSingleDashWords(
  spec: CommandSpec,
  table: readonly OptionSpec[],
  argv: readonly string[],
  commands: readonly CommandSpec[],
): void {
  const shorts = new Set(table.flatMap((o) => (o.short === undefined ? [] : [o.short])));
  const takesValue = (o: OptionSpec | undefined): boolean => o?.type === 'string';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && takesValue(table.find((o) => `--${o.name}` === arg))) i++;
      continue;
    }
    if (!/^-[^-]/.test(arg)) continue;
    const word = arg.slice(1).split('=')[0]!;
    if (arg.length === 2) {
      if (takesValue(table.find((o) => o.short === word))) i++;
      continue;
    }
    const long = table.some((o) => o.name === word);
    if (!long && Array.from(word).every((c) => shorts.has(c))) continue;
    throw unknownOptionError(arg, spec, table, commands);
  }
}

/** The argument after the first `raw` (before `--`) that has no value of its own; undefined at the end. */
function valueAfter(argv: readonly string[], raw: string): string | undefined {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] !== raw) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('-')) return next;
  }
  return undefined;
}
