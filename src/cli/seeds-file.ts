/**
 * `--seeds @FILE`: the seeds to sweep read from a file (numbers and ranges, separated by commas,
 * spaces or lines: the failing seeds of an earlier sweep, out of its `--json`), for lists longer
 * than one command-line argument holds (Linux bounds one at 128 KiB). The parser only notes the
 * file (it reads nothing); the sweep reads it before any seed runs, and the list obeys the rules
 * of a list on the command line (sweep/seeds.ts parseSeedRange).
 */
import { ConfigError } from '../core/errors.js';
import { parseSeedRange, type SeedRange } from '../sweep/seeds.js';
import { readUserText } from './bounded-file.js';

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
  const text = readUserText(seeds.file, MAX_SEEDS_FILE_BYTES, {
    field: option,
    tooLarge: (got) => `Expected a file of seeds of at most ${MAX_SEEDS_FILE_BYTES} bytes, got ${got}`,
    unreadable: (got) => `Expected a readable file of seeds, got \`${seeds.file}\`: ${got}`,
  });
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  if (items.length === 0)
    throw new ConfigError(
      option,
      'Expected seeds in the file (numbers or ranges A..B, separated by commas, spaces or lines), got none',
    );
  return parseSeedRange(items.join(','), option);
}
