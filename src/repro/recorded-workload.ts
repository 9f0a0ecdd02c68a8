/**
 * A failure file's user workload (`workload.file`), loaded again before the file is checked
 * against it: replay and shrink (cli/shrink-command.ts, api/shrink-failure-file.ts) both read a
 * file this way, so a missing or broken workload file is refused alike, by name. Apart from
 * replay.ts because reading a file's workload is not replaying it.
 */

import { existsSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import type { Workload } from '../model/scenario/workload.js';
import { loadWorkloadFile } from '../runtime/workload-file.js';
import { workloadFileOf } from './failure-file-read.js';

/**
 * The user's workload file the failure ran (`workload.file`), loaded again (refused by name when
 * it cannot be); undefined for a built-in workload. `readFailureFile` checks the file against it.
 */
export async function loadRecordedFile(text: string, where: string): Promise<Workload | undefined> {
  const path = workloadFileOf(text);
  if (path === undefined) return undefined;
  try {
    return await loadWorkloadFile(path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // A file moved or removed since: say the two ways back (QA: it said only ENOENT).
    const moved = existsSync(path)
      ? ''
      : ': put it back there, or set `workload.file` in the failure file to where it is now';
    throw new ConfigError(
      `${where}: workload.file`,
      `Expected the workload file this failure ran (${path}), got: ${e.message}${moved}`,
    );
  }
}
