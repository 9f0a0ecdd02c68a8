/**
 * Before a command runs: each file it will write over that holds one of npusim's files of another
 * kind (a failure file, a sweep summary, a workload or topology, a run result) is said on stderr,
 * with what replaces it. QA wrote a run's `--out`, `--trace`, `--report` and `--record` over a
 * shrunk failure file, a sweep's failure file and a sweep summary: each was replaced without a
 * word, where `shrink --out` says what it replaces (shrink-command.ts). A note, not a refusal: the
 * options promise to replace their file, and a file of the same kind (a run's result written
 * again) is the usual case, said nothing. A free run's failure file, which nothing can make again,
 * is refused instead (output-path.ts). The files the command reads are refused there too.
 */
import { readFileSync, statSync } from 'node:fs';
import { type NpusimFileKind, npusimFileOf } from '../core/npusim-files.js';
import { withoutBom } from '../core/parse-json.js';
import type { OutputFile } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';

/** Larger than any file this looks at is left unread (a trace, a long sweep's results). */
const MAX_LOOKED_AT_BYTES = 32 << 20;

/** What each file option of `command` writes: its kind of npusim file, if any, and its words. */
function writes(command: string, option: string): { kind?: NpusimFileKind; text: string } | undefined {
  if (option === '--out' && (command === 'run' || command === 'replay'))
    return { kind: 'result', text: `the ${command === 'replay' ? 'replayed ' : ''}run result` };
  if (option === '--record') return { kind: 'failure', text: "the run's recording" };
  if (option === '--trace') return { text: 'the trace' };
  if (option === '--report') return { text: 'the HTML report' };
  // shrink's --out says its own note (shrink-command.ts); a directory's files are named by run.
  return undefined;
}

/** The npusim file at `path` and its kind, or undefined: no file, another file, unreadable. */
function npusimFileAt(path: string): { kind: NpusimFileKind; text: string } | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size === 0 || st.size > MAX_LOOKED_AT_BYTES) return undefined;
    const o = JSON.parse(withoutBom(readFileSync(path, 'utf8'))) as unknown;
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? npusimFileOf(o) : undefined;
  } catch {
    return undefined;
  }
}

/** Say each output of `command` that will replace an npusim file of another kind. */
export function sayReplacedFiles(command: string, outputs: readonly OutputFile[], io: CliIo): void {
  for (const o of outputs) {
    if (o.directory === true) continue;
    const w = writes(command, o.option);
    if (w === undefined) continue;
    const held = npusimFileAt(o.path);
    if (held === undefined || held.kind === w.kind) continue;
    io.stderr.write(sayText(`${o.option} ${o.path} holds ${held.text}; ${w.text} will replace it`));
  }
}
