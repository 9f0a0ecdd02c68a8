/**
 * `--seeds @FILE`: the seeds to sweep read from a file (numbers and ranges, separated by commas,
 * spaces or lines, `#` starting a comment: the failing seeds of an earlier sweep, out of its
 * `--json`, with a note), for lists longer than one command-line argument holds (Linux bounds one
 * at 128 KiB). The parser only notes the file (it reads nothing); the sweep reads it before any
 * seed runs, and the list obeys the rules of a list on the command line (sweep/seeds.ts
 * parseSeedItems); its errors name the file, line and column, and quote the line, never a byte of
 * a binary file.
 */

import { ConfigError } from '../core/errors.js';
import { gotText, shownText } from '../core/shown-text.js';
import { readUserFile } from '../io/bounded-file.js';
import { notUtf8Text, utf8Text } from '../io/utf8-text.js';
import { parseSeedItems, parseSeedRange, type SeedItem, type SeedRange } from '../sweep/seeds.js';
import { byteText, firstBinaryByte, lineOfByte, utf8TextBytes } from './binary-bytes.js';

/** `--seeds @FILE` as the parser leaves it. */
export interface SeedsFile {
  file: string;
}

/** A file of seeds larger than this is not a list of at most 100,000 seeds. */
const MAX_SEEDS_FILE_BYTES = 4 * 1024 * 1024;

/** `--seeds` as given: a range, one seed or a list (parsed now), or `@FILE` (read by the sweep). */
export function parseSeedsOption(text: string, option: string): SeedRange | SeedsFile {
  if (!text.startsWith('@')) return parseSeedRange(text, option);
  const file = text.slice(1);
  if (file === '')
    throw new ConfigError(
      option,
      'Expected a file of seeds after @, such as `@failing-seeds.txt`, got `@` alone',
    );
  return { file };
}

/** The seeds `--seeds` names: read from its file when it names one. */
export function resolveSeeds(seeds: SeedRange | SeedsFile): SeedRange {
  if (!('file' in seeds)) return seeds;
  const option = `--seeds @${seeds.file}`;
  const bytes = readUserFile(seeds.file, MAX_SEEDS_FILE_BYTES, {
    field: option,
    tooLarge: (got) =>
      `Expected a file of seeds of at most ${MAX_SEEDS_FILE_BYTES / (1024 * 1024)} MiB, got ${got}`,
    unreadable: (got) => `Expected a readable file of seeds, got ${gotText(seeds.file)}: ${got}`,
  });
  // UTF-16 with its byte order mark (Notepad, PowerShell's `>`) read as the text it is, a UTF-8
  // mark dropped (binary-bytes.ts); a file whose mark says UTF-16 but that is none is binary.
  const text = utf8TextBytes(bytes);
  if (text === undefined)
    throw new ConfigError(
      option,
      `Expected a text file of seeds, got binary data (${seeds.file} starts with a UTF-16 byte order mark, ${byteText(bytes[0]!)} ${byteText(bytes[1]!)}, but does not decode as UTF-16)`,
    );
  // A binary file (a trace, an archive, a file given by mistake) is said to be one, and none of
  // its bytes is printed (binary-bytes.ts).
  const binary = firstBinaryByte(text);
  if (binary >= 0) {
    throw new ConfigError(
      option,
      `Expected a text file of seeds, got binary data (byte ${byteText(text[binary]!)} at ${seeds.file}:${lineOfByte(text, binary)}, a control character no text file holds)`,
    );
  }
  const items = seedItems(seedsText(text, seeds.file, option), seeds.file);
  if (items.length === 0)
    throw new ConfigError(
      option,
      'Expected seeds in the file (numbers or ranges A..B, separated by commas, spaces or lines; `#` starts a comment), got none',
    );
  return parseSeedItems(items, option);
}

/**
 * The file's text, refused where its bytes are not UTF-8 (a file saved as Latin-1 or Windows-1252:
 * a no-break space, 0xa0, was quoted back as `U+FFFD`, `got 1\ufffd`; QA), with the line of the
 * first such byte, as a JSON file is refused for them.
 */
function seedsText(bytes: Uint8Array, file: string, option: string): string {
  const decoded = utf8Text(bytes);
  if ('text' in decoded) return decoded.text;
  throw new ConfigError(option, `Expected a text file of seeds in UTF-8, got ${notUtf8Text(file, decoded)}`);
}

/**
 * The items of a file of seeds, each placed as an editor places it (`FILE:LINE:COLUMN`, the column
 * in characters) and quoted with its line. Items are separated by commas and white space, as on
 * the command line but for the spaces; `#` starts a comment, to the end of its line (a saved list
 * of failing seeds may say where it came from). Lines end at LF, CRLF or a lone CR.
 */
function seedItems(text: string, file: string): SeedItem[] {
  const items: SeedItem[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const hash = line.indexOf('#');
    const body = hash < 0 ? line : line.slice(0, hash);
    // The column counted on from the item before: counted from the line's start for each item, a
    // list of 200,000 seeds on one line (1.3 MB) took minutes before the sweep began (QA Q11).
    let columnSoFar = 1;
    let counted = 0;
    for (const m of body.matchAll(/[^\s,]+/g)) {
      columnSoFar += Array.from(body.slice(counted, m.index)).length;
      counted = m.index;
      const column = columnSoFar;
      items.push({
        text: m[0],
        shown: `\`${shownText(m[0])}\``,
        inFile: true,
        place: () => {
          // The quote of a long line is centred on the item, which a cut at its start would hide.
          const trimmed = line.trimStart();
          const at = column - 1 - (Array.from(line).length - Array.from(trimmed).length);
          return {
            before: `${file}:${i + 1}:${column}: `,
            after: ` (line ${i + 1}: \`${shownText(trimmed.trimEnd(), at)}\`)`,
            line: i + 1,
            column,
          };
        },
      });
    }
  }
  return items;
}
