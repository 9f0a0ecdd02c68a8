/**
 * The shape of an entry of the command table (commands.ts): a command, its positionals and its
 * options, from which parsing (parse-command.ts), `--help` and the output checks are generated.
 *
 * An option entry says:
 * - `type`: 'string' (takes a value) or 'boolean' (a flag);
 * - `value`: the placeholder `--help` shows (`N`, `FILE`);
 * - `parse`: turns the text into the value the command uses, throwing a ConfigError that names the
 *   option (`--seed: Expected ...`); it also decides what a value that starts with a dash means,
 *   so `--seed -1` says that negative seeds are not allowed instead of "got no value";
 * - `multiple`: may be given more than once (values collected in order); any other option given
 *   twice is refused, because the second one silently winning hides a typo;
 * - `writesFile`: names a file the command writes: checked before anything runs (output-path.ts);
 * - `conflicts`: options it cannot be combined with, and `conflictWhy`: why, and what to do;
 * - `help` and `default`: the line `--help` prints.
 * Every command also takes `-h`/`--help`.
 */
export interface OptionSpec {
  /** Long name without the dashes. */
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder in `--help` (string options only). */
  value?: string;
  help: string;
  /** What happens when the option is not given, as `--help` says it. */
  default?: string;
  multiple?: boolean;
  short?: string;
  /** The value is a path the command writes: checked before the command runs. */
  writesFile?: boolean;
  /** The value is a directory the command writes files into: checked (or created) before it runs. */
  writesDir?: boolean;
  /** Names of options (without dashes) that cannot be given with this one. */
  conflicts?: readonly string[];
  /** Why not, and what to do instead: said after the refusal (QA: `got both`, and no more). */
  conflictWhy?: string;
  /** Text -> value, throwing a ConfigError naming `option`. Default: the text itself. */
  parse?: (text: string, option: string) => unknown;
}

export interface PositionalSpec {
  name: string;
  help: string;
  default?: string;
  /** Takes every remaining argument (only the last positional may). */
  variadic?: boolean;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list of `--help`. */
  summary: string;
  /** In order; at most this many are accepted. */
  positionals: readonly PositionalSpec[];
  options: readonly OptionSpec[];
  examples?: readonly string[];
  /**
   * The command's own exit codes, for `npusim COMMAND --help`, where they are not a run's (shrink,
   * compare, list, topo); absent, the help lists the run's (core/exit-codes.ts).
   */
  exits?: readonly { code: number; meaning: string }[];
  /**
   * Options of other commands a user may bring to this one whose counterpart here has another
   * name, or is not needed: by the option's name, the hint its refusal gives instead of the
   * nearest option (option-hint.ts): sweep's `out`: ``did you mean `--results DIR` ...?``.
   */
  pointers?: Readonly<Record<string, string>>;
}

/** The implicit `-h`/`--help` of every command. */
export const HELP_OPTION: OptionSpec = {
  name: 'help',
  short: 'h',
  type: 'boolean',
  help: 'this help',
};
