/**
 * Command-line parsing for `npusim`: node:util parseArgs in strict mode, one option table per
 * subcommand, and every error turned into a ConfigError that names the option, what was expected
 * and what arrived (exit 2). Only syntax is checked here; names that need the workload registry or
 * the topology presets (workload, bug, topology, policy) are checked by run-cli.ts against the real
 * lists, so the error can list the valid names.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { parseDuration } from '../report/duration.js';

export const DEFAULT_WORKLOAD = 'stress';

export interface RunArgs {
  command: 'run';
  workload: string;
  /** Undefined: draw one (and print it). */
  seed: number | undefined;
  durationTicks: number | undefined;
  topology: string | undefined;
  policy: string | undefined;
  bugs: string[];
  host: 'inline' | 'threaded';
  json: boolean;
  out: string | undefined;
  crashAt: { actor: string; event: number } | undefined;
  /** Run on both hosts and compare event streams (naming the first divergent event). */
  checkHosts: boolean;
}

export type CliArgs =
  | RunArgs
  | { command: 'list' }
  | { command: 'topo'; topology: string | undefined; policy: string | undefined }
  | { command: 'help' }
  | { command: 'version' };

const RUN_OPTIONS = {
  seed: { type: 'string' },
  duration: { type: 'string' },
  topology: { type: 'string' },
  policy: { type: 'string' },
  bug: { type: 'string', multiple: true },
  inline: { type: 'boolean' },
  threads: { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'crash-at': { type: 'string' },
  'check-hosts': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const TOPO_OPTIONS = { policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const LIST_OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

export const COMMANDS = ['run', 'list', 'topo'] as const;

export function parseCli(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help')
    return { command: 'help' };
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first.startsWith('-')) {
    throw new ConfigError(
      'command',
      `Expected a command (${COMMANDS.join(', ')}) or --help/--version first, got \`${first}\``,
    );
  }
  switch (first) {
    case 'run':
      return parseRun(rest);
    case 'list': {
      const { values } = strictParse(rest, LIST_OPTIONS, 0, 'list');
      return values.help === true ? { command: 'help' } : { command: 'list' };
    }
    case 'topo': {
      const { values, positionals } = strictParse(rest, TOPO_OPTIONS, 1, 'topo');
      if (values.help === true) return { command: 'help' };
      return { command: 'topo', topology: positionals[0], policy: values.policy };
    }
    default:
      throw new ConfigError('command', `Expected one of ${COMMANDS.join(', ')}, got \`${first}\``);
  }
}

function parseRun(argv: readonly string[]): RunArgs | { command: 'help' } {
  const { values, positionals } = strictParse(argv, RUN_OPTIONS, 1, 'run');
  if (values.help === true) return { command: 'help' };
  if (values.inline === true && values.threads === true) {
    throw new ConfigError('--inline', 'Expected at most one of --inline and --threads, got both');
  }
  return {
    command: 'run',
    workload: positionals[0] ?? DEFAULT_WORKLOAD,
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    durationTicks: values.duration === undefined ? undefined : parseDuration(values.duration, '--duration'),
    topology: values.topology,
    policy: values.policy,
    bugs: values.bug ?? [],
    host: values.inline === true ? 'inline' : 'threaded',
    json: values.json === true,
    out: values.out,
    crashAt: values['crash-at'] === undefined ? undefined : parseCrashAt(values['crash-at']),
    checkHosts: values['check-hosts'] === true,
  };
}

/** A seed is a non-negative safe integer, in decimal (what the reproduce line prints). */
export function parseSeed(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new ConfigError(
      '--seed',
      `Expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got \`${text}\``,
    );
  }
  return n;
}

/** `ACTOR:EVENT`, e.g. `gpu2:100`: actor gpu2 throws when it handles its 100th event. */
export function parseCrashAt(text: string): { actor: string; event: number } {
  const m = /^([A-Za-z0-9_-]+):(\d+)$/.exec(text);
  const event = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !Number.isSafeInteger(event) || event < 1) {
    throw new ConfigError(
      '--crash-at',
      `Expected ACTOR:EVENT such as \`gpu2:100\` (EVENT from 1), got \`${text}\``,
    );
  }
  return { actor: m[1]!, event };
}

type OptionTable = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function strictParse<O extends OptionTable>(
  argv: readonly string[],
  options: O,
  maxPositionals: number,
  command: string,
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw translateParseError(error, options, command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new ConfigError(
      command,
      `Expected at most ${maxPositionals} argument(s) after \`npusim ${command}\`, got ` +
        parsed.positionals.map((p) => `\`${p}\``).join(' '),
    );
  }
  return parsed;
}

/** parseArgs' own messages are long and not in the house shape; say option, expected, got. */
function translateParseError(error: unknown, options: OptionTable, command: string): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const known = Object.keys(options ?? {})
    .filter((o) => o !== 'crash-at')
    .map((o) => `--${o}`)
    .join(', ');
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ConfigError(
        quoted,
        `Expected an option of \`npusim ${command}\` (${known}), got \`${quoted}\``,
      );
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted.split(' ')[0] ?? quoted;
      return new ConfigError(
        option,
        `Expected a value after \`${option}\`, got none (or a boolean flag given a value)`,
      );
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new ConfigError(command, `Expected no argument after \`npusim ${command}\`, got \`${quoted}\``);
    default:
      return error;
  }
}
