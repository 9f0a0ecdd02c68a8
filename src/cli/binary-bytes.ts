/**
 * Whether a file a user named is text or binary (a `--trace` file, a gzip, an executable), told
 * from its bytes before any of them is quoted: a control character other than tab, line feed and
 * carriage return (NUL, ESC, ...) is in no text file a user means to give npusim, and its bytes,
 * printed in a message, would reach the terminal raw (an escape sequence rewrites the screen). So
 * a reader that finds one says the file is binary and names the byte by its value and place, never
 * printing it: `compare` for a run result, `sweep --seeds @FILE` for a file of seeds.
 *
 * A text file saved as UTF-16 (Windows Notepad, PowerShell's `>`) is half zero bytes, which that
 * rule would call binary (QA); its byte order mark says what it is, so `utf8TextBytes` decodes it
 * first, and the rule then runs on the text.
 */
import { utf16Encoding } from '../io/utf16-text.js';

/** The offset of the first byte no text file holds (see the header), or -1 when there is none. */
export function firstBinaryByte(bytes: Uint8Array): number {
  return bytes.findIndex((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
}

/** A byte as a message names it, never the byte itself: `0x1b`. */
export function byteText(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** The 1-based line of the byte at `offset`, lines ending as an editor ends them (LF, CRLF, a lone CR). */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/**
 * A text file's bytes as UTF-8 with no byte order mark: a UTF-16 file with its mark (FF FE: little
 * endian, FE FF: big endian) decoded, a UTF-8 mark (EF BB BF) dropped, any other file as it is.
 * Undefined when the mark says UTF-16 but the rest does not decode as it (an odd byte count, a
 * lone surrogate): binary data, or a file cut short.
 */
export function utf8TextBytes(bytes: Uint8Array): Uint8Array | undefined {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return bytes.subarray(3);
  const utf16 = utf16Encoding(bytes);
  if (utf16 === undefined) return bytes;
  try {
    return new TextEncoder().encode(
      new TextDecoder(utf16, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2)),
    );
  } catch {
    return undefined;
  }
}
