/**
 * A configuration error as stderr says it: `npusim: FIELD: message`, then a pointer to `--help`
 * when the error is about the command line (an option, the command, the workload named), where
 * the help lists what is allowed. An error in a file's content (a workload, topology, failure or
 * summary file) or in what the machine can run has nothing to look up there, so no pointer.
 */
import type { ConfigError } from '../core/errors.js';

/** The field of a ConfigError about the command line itself, besides any option (`--seed`). */
const COMMAND_LINE_FIELDS: ReadonlySet<string> = new Set(['', 'command', 'workload']);

export function configErrorText(error: ConfigError): string {
  const aboutCommandLine = COMMAND_LINE_FIELDS.has(error.field) || error.field.startsWith('-');
  return `npusim: ${error.message}\n${aboutCommandLine ? 'Run `npusim --help` for usage.\n' : ''}`;
}
