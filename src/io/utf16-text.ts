/**
 * A file saved as UTF-16 (Windows Notepad's "Unicode", PowerShell's `>`), told by its byte order
 * mark. npusim reads JSON as UTF-8 (RFC 8259: JSON exchanged between systems is UTF-8), and a
 * UTF-16 file read as UTF-8 was refused as "bytes that are not UTF-8 text (a binary file?)", or
 * by `compare` as a binary file for its zero bytes (QA): each reader of a JSON file a user names
 * now says what the file is and what to do. `--seeds @FILE`, plain text, decodes it instead
 * (cli/binary-bytes.ts `utf8TextBytes`).
 */

/** The UTF-16 encoding the file's byte order mark names (FF FE little endian, FE FF big endian), if any. */
export function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const [b0, b1] = bytes;
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * For a JSON file's refusal, "Expected ..., got `this`": what a UTF-16 file is and what to do, or
 * undefined for any other file.
 */
export function utf16JsonText(bytes: Uint8Array): string | undefined {
  const encoding = utf16Encoding(bytes);
  if (encoding === undefined) return undefined;
  const mark = encoding === 'utf-16le' ? '0xff 0xfe' : '0xfe 0xff';
  return `text saved as UTF-16 (it begins with ${mark}, UTF-16's byte order mark), where JSON is read as UTF-8: save the file as UTF-8`;
}
