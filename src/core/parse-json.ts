/**
 * JSON read from a file the user named (a run result, a sweep summary, a topology, a failure file,
 * a workload): text that does not parse is a ConfigError naming the file (exit 2), in the house
 * shape, with the place a line and a column as an editor gives them (json-syntax.ts), and, for
 * text that ends before its last value does, a word on what that usually means:
 * ``x.json: Expected a JSON sweep summary, got a syntax error: x.json:1:38: Expected `,` or `}`,
 * got the end of the file (a truncated file?)``. What the value must look like is each reader's own
 * check, made after this one.
 */
import { ConfigError } from './errors.js';
import { jsonSyntaxProblem } from './json-syntax.js';

/**
 * `JSON.parse(text)`, or a ConfigError on `field`: "Expected `expected`, got `got`: FILE:LINE:COLUMN:
 * what was expected there and what was found". `got` says what the text was instead (default: a
 * syntax error); `file` names the text in the place (default: `field`).
 */
export function parseJson(
  text: string,
  field: string,
  expected: string,
  got = 'a syntax error',
  file = field,
): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, `Expected ${expected}, got ${got}: ${syntaxDetail(text, file, e)}`);
  }
}

/**
 * `text` without its byte order mark, if it has one (some Windows editors write one): what every
 * reader of a JSON file parses, so a file with one is the same file to all of them (QA: a free
 * run's failure file with one lost its protection from being written over).
 */
export function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * `text`, the contents of the JSON file `file` a user wrote or may have edited (a workload, a
 * topology, a failure file, a sweep summary, a run result), parsed; a byte order mark (some Windows
 * editors write one) is skipped. Text that is not JSON is a ConfigError on `field` (the file, or
 * the option that named it): ``Expected JSON, got a syntax error: my.json:4:66: Expected `,` or
 * `}`, got `"` `` (`got` words what arrived instead); so is a key given twice in one object, which
 * JSON.parse takes (keeping the last): ``my.json:7:5: Expected each key once in an object, got
 * `gpu` a second time``. A hand-edited failure file whose `seed` was changed above an older `seed`
 * would otherwise replay the old one without a word.
 */
export function parseJsonFile(
  text: string,
  file: string,
  expected: string,
  field = file,
  got = 'a syntax error',
): unknown {
  const body = withoutBom(text);
  const value = parseJson(body, field, expected, got, file);
  // Parsed, so the scanner can find nothing but a repeated key (json-syntax.ts).
  const repeated = jsonSyntaxProblem(body);
  if (repeated !== undefined) {
    throw new ConfigError(
      field,
      `Expected ${expected}, got a key given twice: ${file}:${repeated.line}:${repeated.column}: ${repeated.message}`,
    );
  }
  return value;
}

/**
 * Where and why `text` is not JSON: the scanner's place and words, else the first line of V8's
 * message (which for an unexpected token quotes the text around it over several lines).
 */
function syntaxDetail(text: string, file: string, error: unknown): string {
  const problem = jsonSyntaxProblem(text);
  if (problem === undefined) return (error as Error).message.split('\n')[0] ?? '';
  // Text cut short (a run killed while writing, a copy that stopped) ends inside a value.
  const truncated = text.trim() !== '' && problem.message.endsWith('got the end of the file');
  return `${file}:${problem.line}:${problem.column}: ${problem.message}${truncated ? ' (a truncated file?)' : ''}`;
}
