/**
 * The process's working directory, checked before a command that resolves paths or starts worker
 * threads: one removed under the shell (`mkdir d; cd d; rmdir ../d`) made every `run` end with
 * `npusim: unexpected error (exit 4)` and a stack trace through `uv_cwd` (inline) or a lost worker
 * thread (threaded), which read as a bug of npusim (QA). It is where the command was started, so
 * it is said as such, exit 2.
 */
import { ConfigError } from '../core/errors.js';

export function checkWorkingDirectory(cwd: () => string = () => process.cwd()): void {
  try {
    cwd();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'an error';
    throw new ConfigError(
      'working directory',
      `Expected the directory the command was started in to exist, got ${code === 'ENOENT' ? 'one that was removed' : 'one that cannot be read'} (${code}): \`cd\` to a directory that exists and run the command again`,
    );
  }
}
