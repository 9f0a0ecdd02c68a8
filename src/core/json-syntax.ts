/**
 * Where a JSON text a user wrote (a workload file, a topology file) stops being JSON, as
 * `LINE:COLUMN` with what was expected there and what was found. Node 20's JSON.parse says
 * "at position 111" at best, and for an unexpected token only quotes the text around it (over
 * several lines); an editor, a compiler and a `.mjs` syntax error here all give a line and a
 * column. This scanner follows RFC 8259, without recursion (a deeply nested file cannot overflow
 * the stack); it returns undefined for text it finds valid. It runs on text JSON.parse refused, and
 * on a user's own files JSON.parse took (parse-json.ts `parseJsonFile`), for the one thing
 * JSON.parse lets through silently: a key given twice in one object, of which it keeps the last
 * (RFC 8259 leaves the meaning open), so an edit above an older line of the same key would do
 * nothing. The same walk places a field a refusal names in the file (`jsonPlaces`: json-place.ts).
 */

import { codeText } from './shown-text.js';

export interface JsonSyntaxProblem {
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters (code points), as an editor counts them. */
  column: number;
  /** ``Expected `:`, got `}` ``. */
  message: string;
}

const VALUE = 'a value (an object, a list, a string, a number, true, false or null)';

class JsonStop {
  constructor(
    readonly offset: number,
    readonly expected: string,
    /** What was found instead, when not simply the character at `offset`. */
    readonly found?: string,
  ) {}
}

/** The first place `text` is not JSON, or undefined when it is JSON. */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let offset: number;
  let expected: string;
  let foundInstead: string | undefined;
  try {
    scan(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonStop)) throw e;
    ({ offset, expected, found: foundInstead } = e);
  }
  const found =
    foundInstead ?? (offset >= text.length ? 'the end of the file' : foundText(text.codePointAt(offset)!));
  return { ...lineColumn(text, offset), message: `Expected ${expected}, got ${found}` };
}

/** The 1-based line and column (in code points, as an editor counts them) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  // Lines end as an editor ends them: at LF, CRLF or a lone CR (an old Mac file; JSON takes CR
  // as white space), so a CR-only file's places are not all on its line 1.
  const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
  const line = lines.length;
  return { line, column: Array.from(lines[line - 1]!).length + 1 };
}

/**
 * Each place of `text` (JSON) a path names, in the order of the text: an object's key (at its
 * opening quote) and a list's item (at its first character), with the path to it (`['params',
 * 'tenants', 0]`; the array is reused, so copy it to keep it). `visit` returns true to stop there.
 * Text that is not JSON is walked up to where it stops being JSON.
 */
export function jsonPlaces(
  text: string,
  visit: (path: readonly (string | number)[], offset: number) => boolean,
): void {
  try {
    scan(text, visit);
  } catch (e) {
    if (!(e instanceof JsonStop)) throw e;
  }
}

function foundText(code: number): string {
  const c = String.fromCodePoint(code);
  // Bytes that are not UTF-8 were read as U+FFFD: say so, and print no byte of a binary file.
  if (code === 0xfffd) return 'bytes that are not UTF-8 text (a binary file?)';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfeff || /\s/u.test(c))
    return `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return c === '`' ? "'`'" : `\`${c}\``;
}

/**
 * A key as the message quotes it: in backticks when it is plain text, else as JSON writes it (an
 * empty key, a backtick, a control character or an escape sequence never reaches the terminal):
 * shown-text.ts codeText, which escapes what JSON.stringify leaves raw (DEL, a C1 control) too.
 */
function keyText(name: string): string {
  return codeText(name);
}

function scan(text: string, visit?: (path: readonly (string | number)[], offset: number) => boolean): void {
  const n = text.length;
  // The key or index of each container open now, for `visit`.
  const path: (string | number)[] = [];
  const place = (offset: number): void => {
    if (visit?.(path, offset) === true) throw new JsonStop(offset, 'nothing more (the place was found)');
  };
  let i = 0;
  const stop = (expected: string): never => {
    throw new JsonStop(i, expected);
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const digits = (): void => {
    if (!(text[i]! >= '0' && text[i]! <= '9')) stop('a digit');
    while (text[i]! >= '0' && text[i]! <= '9') i++;
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      if (i >= n) stop('a closing `"`');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) stop('no control character inside a string (write it as \\n, \\t or \\u00XX)');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      i++; // the backslash
      const e = text[i];
      if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i++;
      } else if (e === 'u') {
        i++;
        for (let k = 0; k < 4; k++) {
          if (!/[0-9a-fA-F]/.test(text[i] ?? '')) stop('4 hex digits after \\u');
          i++;
        }
      } else {
        stop('an escape: \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX');
      }
    }
  };
  // The keys met so far in each object open now (undefined for a list).
  const keys: (Set<string> | undefined)[] = [];
  const key = (): void => {
    ws();
    if (text[i] !== '"') stop('a property name in double quotes');
    const at = i;
    string();
    const name = JSON.parse(text.slice(at, i)) as string;
    const seen = keys.at(-1)!;
    if (seen.has(name)) {
      throw new JsonStop(
        at,
        'each key once in an object',
        `${keyText(name)} a second time (JSON.parse would keep this one)`,
      );
    }
    seen.add(name);
    path[path.length - 1] = name;
    place(at);
    ws();
    if (text[i] !== ':') stop('`:`');
    i++;
  };
  const scalar = (): void => {
    const c = text[i];
    if (c === '"') {
      string();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      if (c === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    stop(VALUE);
  };

  const open: ('{' | '[')[] = [];
  let needValue = true;
  for (;;) {
    if (needValue) {
      ws();
      if (open.at(-1) === '[') place(i);
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (text[i] !== (c === '{' ? '}' : ']')) {
          open.push(c);
          keys.push(c === '{' ? new Set() : undefined);
          path.push(c === '{' ? '' : 0);
          if (c === '{') key();
          continue;
        }
        i++;
      } else {
        scalar();
      }
      needValue = false;
    }
    ws();
    const top = open.at(-1);
    if (top === undefined) {
      if (i < n) stop('the end of the file (one JSON value)');
      return;
    }
    const close = top === '{' ? '}' : ']';
    if (text[i] === ',') {
      i++;
      if (top === '{') key();
      else path[path.length - 1] = (path.at(-1) as number) + 1;
      needValue = true;
    } else if (text[i] === close) {
      i++;
      open.pop();
      keys.pop();
      path.pop();
    } else {
      stop(`\`,\` or \`${close}\``);
    }
  }
}
