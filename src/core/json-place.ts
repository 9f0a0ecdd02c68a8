/**
 * Where in a user's JSON file (a workload, a topology) a refusal's field is, so a mistake the
 * schema finds is placed as a syntax error or a key given twice is (parse-json.ts): `my.json:22:5:
 * params.tenants[0].pageSize: Expected a tenant field (...), got unknown key `pageSize``. The
 * place is the key's (an unknown key, or a key whose value is wrong) or the list item's; a field
 * the file does not hold (a field missing, a cross-field check of the whole) gets none and is said
 * as before. The text is walked by json-syntax.ts's scanner, which already placed the key given
 * twice.
 */
import { ConfigError } from './errors.js';
import { jsonPlaces, lineColumn } from './json-syntax.js';
import { withoutBom } from './parse-json.js';
import { shownText } from './shown-text.js';

export interface JsonPlace {
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters (code points), as an editor counts them. */
  column: number;
}

/**
 * The place in `text` (JSON; a byte order mark is skipped, as parseJsonFile skips it) of `path`
 * (`['params', 'tenants', 0, 'lpid']`): an object's key at its opening quote, a list's item at its
 * first character; undefined for the whole text (`[]`) and for a path the text does not hold.
 */
export function jsonPlace(text: string, path: readonly (string | number)[]): JsonPlace | undefined {
  const body = withoutBom(text);
  let found: number | undefined;
  jsonPlaces(body, (at, offset) => {
    if (at.length !== path.length || at.some((p, i) => p !== path[i])) return false;
    found = offset;
    return true;
  });
  return found === undefined ? undefined : lineColumn(body, found);
}

/**
 * The place in `text` of the field a refusal names, as it writes it (`params.tenants[0].lpid`,
 * each key through shownText: model/scenario/schema-issues.ts pathText), so a key that holds a dot
 * (a variant's `set` key `gpu.dmaBytes`) is found whole; undefined when no place of the text reads
 * so, or when two do (a key `a.b` beside `a` holding `b`).
 */
export function jsonFieldPlace(text: string, field: string): JsonPlace | undefined {
  if (field === '') return undefined;
  const body = withoutBom(text);
  let found: number | undefined;
  let twice = false;
  // The written path of each container open now, built as the scanner goes deeper.
  const written: string[] = [];
  jsonPlaces(body, (at, offset) => {
    written.length = at.length - 1;
    const last = at.at(-1)!;
    const parent = written.at(-1) ?? '';
    const mine =
      typeof last === 'number'
        ? `${parent}[${last}]`
        : `${parent}${at.length === 1 ? '' : '.'}${shownText(last)}`;
    written.push(mine);
    if (mine !== field) return false;
    if (found !== undefined) {
      twice = true;
      return true;
    }
    found = offset;
    return false;
  });
  return found === undefined || twice ? undefined : lineColumn(body, found);
}

/**
 * `error`, a refusal of the JSON file `file` (text `text`) at `FILE: FIELD` (and, for several
 * mistakes, each other line `  FILE: FIELD: ...`: core/issues-message.ts), with each field the
 * text holds placed as a syntax error is: `FILE:LINE:COLUMN: FIELD`. A field the text does not hold
 * is left as it was; an error that names no field of the file is returned as it is.
 */
export function placedInJsonFile(error: ConfigError, file: string, text: string): ConfigError {
  const prefix = `${file}: `;
  const head = error.field.startsWith(prefix) ? placedField(error.field, file, text) : error.field;
  const detail = error.field === '' ? error.message : error.message.slice(error.field.length + 2);
  const lines = detail.split('\n').map((line, i) => {
    if (i === 0 || !line.startsWith(`  ${prefix}`)) return line;
    // `  FILE: FIELD: message`: the field ends at the first `: ` that makes it one the text holds.
    const rest = line.slice(prefix.length + 2);
    for (let cut = rest.indexOf(': '); cut >= 0; cut = rest.indexOf(': ', cut + 1)) {
      const placed = placedField(`${prefix}${rest.slice(0, cut)}`, file, text);
      if (placed !== `${prefix}${rest.slice(0, cut)}`) return `  ${placed}${rest.slice(cut)}`;
    }
    return line;
  });
  const message = lines.join('\n');
  if (head === error.field && message === detail) return error;
  return new ConfigError(head, message);
}

/** `FILE: FIELD` as `FILE:LINE:COLUMN: FIELD` where the text holds the field, else as it is. */
function placedField(at: string, file: string, text: string): string {
  const field = at.slice(file.length + 2);
  const place = jsonFieldPlace(text, field);
  return place === undefined ? at : `${file}:${place.line}:${place.column}: ${field}`;
}
