/**
 * The workload and topology files a failure file names: the inputs of its replay or shrink
 * besides the file itself, known only once it is read, so no output of those commands is written
 * over them. Apart from input-files.ts, which every command loads at start: reading a failure
 * file's fields loads the simulator (test/cli/lazy-load.test.ts).
 */
import { topologyFileOf, workloadFileOf } from '../repro/failure-file-read.js';
import type { InputFile } from './output-path.js';

/** `text`: the failure file's text, read from `file`. */
export function failureFileInputs(text: string, file: string): InputFile[] {
  return [
    { field: 'workload', path: workloadFileOf(text) },
    { field: 'topology', path: topologyFileOf(text) },
  ].flatMap(({ field, path }) =>
    path === undefined ? [] : [{ option: `the failure file's ${field} (${file}: ${field}.file)`, path }],
  );
}
