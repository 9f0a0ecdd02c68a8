/**
 * A file's bytes as UTF-8 text, or where they are not: every reader of a file a user names (a
 * workload or topology file, a failure file, a sweep summary, a run result, `--seeds @FILE`)
 * refuses bytes that are not UTF-8 at their place, as JSON is UTF-8 (RFC 8259). Read loosely, a
 * Latin-1 `é` in a workload's question became U+FFFD and the run printed `caf�?`, where `compare`
 * and `--seeds @FILE` refused the same byte (QA: three readers, three ways).
 */

/** Where a file's first byte that is not UTF-8 lies: its line, and column in characters (1-based). */
export interface NotUtf8 {
  line: number;
  column: number;
}

/** `bytes` decoded as UTF-8, or where the first byte that is not UTF-8 lies. */
export function utf8Text(bytes: Uint8Array): { text: string } | NotUtf8 {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const loose = new TextDecoder().decode(bytes);
    const lines = loose.slice(0, loose.indexOf('\ufffd')).split(/\r\n|\r|\n/);
    return { line: lines.length, column: Array.from(lines.at(-1)!).length + 1 };
  }
}

/** `got ...` of a refusal: the bytes that are not UTF-8, at `file:line:column`. */
export function notUtf8Text(file: string, at: NotUtf8): string {
  return `bytes that are not UTF-8 text at ${file}:${at.line}:${at.column} (saved as Latin-1 or Windows-1252?)`;
}
