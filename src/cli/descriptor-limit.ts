/**
 * A command that ran out of file descriptors (EMFILE: the process's `ulimit -n`; ENFILE: the
 * system's table) said as such. Node's module loader opens a command's modules at once when it
 * loads them (some 100 for `npusim list` and `run`): under `ulimit -n 64` every command ended
 * with `npusim: unexpected error (exit 4)` and a stack trace through Node's loader (QA), which
 * reads as a bug of npusim; it is the limit the shell set, so it is said with what to raise
 * (exit 2, as for any refused configuration).
 */
import { readFileSync } from 'node:fs';

/** Linux's `Max open files` soft limit of this process (/proc/self/limits), or undefined. */
function openFilesLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line === null ? undefined : Number(line[1]);
  } catch {
    return undefined;
  }
}

/** The line that says `error` was the open-files limit, or undefined for any other error. */
export function descriptorLimitText(
  error: unknown,
  limitNow: () => number | undefined = openFilesLimit,
): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EMFILE' && code !== 'ENFILE') return undefined;
  const path = (error as NodeJS.ErrnoException).path;
  const at = path === undefined ? '' : ` opening ${path}`;
  if (code === 'ENFILE')
    return `Expected to open a file, got ENFILE${at}: the system's table of open files is full (fs.file-max); close other programs' files, or raise it`;
  const limit = limitNow();
  const now = limit === undefined ? '' : ` is ${limit} here`;
  return `Expected to open a file, got EMFILE${at}: this process may open no more files (\`ulimit -n\`${now}; npusim opens some 100 of its modules at once as a command starts): raise it, \`ulimit -n 1024\``;
}
