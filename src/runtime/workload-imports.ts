/**
 * The workload files whose import has begun and not yet settled. A module whose top-level `await`
 * waits on something that never comes leaves its import pending for ever, and once nothing else is
 * left to do Node ends the process with exit 0 and no word; the command's entry (cli/main.ts) reads
 * this to name the file and exit 2 instead. Its own module, with no imports, so that the entry can
 * read it without loading the workload reader (and with it the schema library) for `--help`.
 */
const importing = new Map<string, number>();

/** Run `load` (the import of workload `file`), counting the file as importing until it settles. */
export async function whileImporting<T>(file: string, load: () => Promise<T>): Promise<T> {
  importing.set(file, (importing.get(file) ?? 0) + 1);
  try {
    return await load();
  } finally {
    const left = importing.get(file)! - 1;
    if (left === 0) importing.delete(file);
    else importing.set(file, left);
  }
}

/** The workload files being imported now (paths as the user gave them). */
export function workloadFilesImporting(): string[] {
  return [...importing.keys()];
}
