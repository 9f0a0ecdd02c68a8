/**
 * A configuration error as stderr says it: `npusim: FIELD: message`, then a pointer to `--help`
 * when the error is about the command line (an option, the command, the workload named), where
 * the help lists what is allowed. An error in a file's content (a workload, topology, failure or
 * summary file) or in what the machine can run has nothing to look up there, so no pointer.
 *
 * Every message quotes what it got through shown-text.ts (gotText, shownText), which writes a
 * control character as its code; one a layer still quotes as it arrived is escaped here too, line
 * by line, so no text from a user's file or command line acts on the terminal (QA: an edited
 * failure file's `\u001b]0;...\u0007` retitled it, `\u001b[2J` cleared it).
 */
import type { ConfigError } from '../core/errors.js';
import { escapeControls } from '../core/shown-text.js';
import { COMMANDS } from './commands.js';

/**
 * The field of a ConfigError about the command line itself, besides any option (`--seed`) and a
 * command's own name (the field of an error in its arguments: `compare: Expected two run results`):
 * `topology` is `npusim topo`'s argument (an error in a topology file's content names the file);
 * `help` is `npusim help`'s own word (`help run sweep`), refused as `--help run sweep` is.
 */
const COMMAND_LINE_FIELDS: ReadonlySet<string> = new Set(['', 'command', 'workload', 'topology', 'help']);
const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMANDS.map((c) => c.name));

/**
 * `command`: the command the line named (`argv[0]`), if it is one: the pointer is then to that
 * command's own help, which lists its options, rather than the list of commands.
 */
export function configErrorText(error: ConfigError, command?: string): string {
  const aboutCommandLine =
    COMMAND_LINE_FIELDS.has(error.field) || error.field.startsWith('-') || COMMAND_NAMES.has(error.field);
  const help =
    command !== undefined && COMMAND_NAMES.has(command) ? `npusim ${command} --help` : 'npusim --help';
  const message = error.message.split('\n').map(escapeControls).join('\n');
  return `npusim: ${message}\n${aboutCommandLine ? `Run \`${help}\` for usage.\n` : ''}`;
}
