/**
 * A failed zod parse of a workload (workload.ts) or of its parameters (workload-params.ts) as the
 * field and message of one ConfigError, the field its whole path, the message in the house form
 * (`Expected an integer from 1 to 64, got 2.5`) whatever kind of issue zod raised: zod's own words
 * (`Invalid input: expected int, received number`) say neither the range nor what arrived, so each
 * kind is said here, once, for workload files, `--set`, failure files and sweep summaries alike,
 * the range read from the schema itself. An unknown key's path ends at the key and its message
 * lists the keys allowed there (`strictFields`); a union no option took reports the option the
 * value was written for, or else every option it could have been.
 */

import { z } from 'zod';
import { didYouMean, nearestNames } from '../../core/edit-distance.js';
import { gotText, shownText } from '../../core/shown-text.js';
import { shown } from '../../core/shown-value.js';
import { ticksOfSpanText } from '../../core/time-text.js';
import { unknownKeysMessage } from '../../core/unknown-keys.js';
import { wordList } from '../../core/word-list.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/**
 * Which option of a union a value was written for (a headline item: the one whose kind key it
 * has): its index, a message when the value fits none, or undefined to let the issues decide.
 */
export type ChooseOption = (
  path: Path,
  value: unknown,
) => { option: number } | { message: string } | undefined;

/**
 * `z.strictObject(shape)` whose unknown-key message says what the object is and lists its keys:
 * ``Expected a gpu parameter (one of: issueIntervalTicks, ...), got unknown key `dmaBites` (did you mean `dmaBytes`?)``,
 * the hint for one key that is a slip of an allowed one (as CLI options and counters get).
 * zod's own (`Unrecognized key: "dmaBites"`) names neither.
 */
export function strictFields<S extends z.core.$ZodLooseShape>(
  what: string,
  shape: S,
  /**
   * What a key users write here by mistake is done with instead, said in place of any hint: a
   * workload's `bugs` was pointed at `exposes[0].bug`, a field that switches nothing on (QA).
   */
  elsewhere: Readonly<Record<string, string>> = {},
) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const message = unknownKeysMessage(what, keys, issue.keys);
      const instead =
        issue.keys.length === 1 ? Object.getOwnPropertyDescriptor(elsewhere, issue.keys[0]!) : undefined;
      if (instead !== undefined && !message.endsWith('?)')) return `${message} (${instead.value})`;
      return issue.keys.length !== 1 || message.endsWith('?)')
        ? message
        : message + nestedHint(issue.keys[0]!, shape);
    },
  });
}

/**
 * ``(did you mean `gpu.dmaBytes`?)`` for an unknown key that is no slip of a key here but is (or is
 * a slip of) a key of an object one level down: a parameter written outside its group (`dmaBytes`
 * beside `gpu`, `--set dmaBytes=4096`), a workload's `gpu` outside `params` (QA Q23: the list of
 * keys allowed here said only what was wrong). A list of objects is named with its first item
 * (`tenants[0].pageSizes`), as `--set` takes it.
 */
function nestedHint(key: string, shape: z.core.$ZodLooseShape): string {
  const near: string[] = [];
  for (const [name, member] of Object.entries(shape)) {
    const inner = objectKeysOf(member as z.core.$ZodType);
    if (inner === undefined) continue;
    const at = inner.list ? `${name}[0]` : name;
    for (const k of nearestNames(key, inner.keys)) near.push(`${at}.${k}`);
  }
  return near.length === 0 ? '' : ` (did you mean ${near.map((n) => `\`${n}\``).join(' or ')}?)`;
}

/** The keys of the object a schema takes, through optional, default and list wrappers; undefined: none. */
function objectKeysOf(schema: z.core.$ZodType): { keys: string[]; list: boolean } | undefined {
  let list = false;
  // A loop, not a recursion: the wrappers nest a few deep at most, and each is one def away.
  for (
    let def = schema._zod.def as {
      type: string;
      shape?: object;
      element?: z.core.$ZodType;
      innerType?: z.core.$ZodType;
    };
    ;
  ) {
    if (def.type === 'object') return { keys: Object.keys(def.shape ?? {}), list };
    if (def.type === 'array') list = true;
    const next = def.element ?? def.innerType;
    if (next === undefined) return undefined;
    def = next._zod.def as typeof def;
  }
}

/** `tenants[0].groups` from `['tenants', 0, 'groups']`. */
export function pathText(path: Path): string {
  return (
    path
      // A key is the user's text: escaped as a refusal quotes it, so a newline in one (`te\nnants`)
      // cannot split the refusal's place over two lines (QA).
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${shownText(String(p))}`))
      .join('')
  );
}

export { joinField } from '../../core/join-field.js';

/** A field path under another: `params` and `gpu.dmaBytes` make `params.gpu.dmaBytes`. */
export function subField(parent: string, field: string): string {
  if (parent === '' || field === '') return parent + field;
  return field.startsWith('[') ? `${parent}${field}` : `${parent}.${field}`;
}

/** Is field `inner` the field `outer` or inside it (`gpu.dmaBytes` in `gpu`, `tenants[0]` in `tenants`)? */
export function fieldWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/**
 * The first issue of `error` (from parsing `input` with `schema`): its whole field path
 * (`headline[0].stat`) and its message.
 */
export function firstIssue(
  error: z.ZodError,
  input: unknown,
  schema: z.core.$ZodType,
  choose?: ChooseOption,
): { field: string; message: string } {
  const first = error.issues[0]!;
  const misspelt = missingField(first, input) ? unknownKeyBeside(error.issues, first.path) : undefined;
  const ctx = { root: input, schema, choose };
  if (misspelt !== undefined) {
    // A field missing beside an unknown key is most likely that key misspelt (`parms`, `lpd`):
    // the unknown key, with the keys allowed, says more than "missing" alone; its hint, when it
    // names the missing field, says both.
    const { path, message } = describeIssue(misspelt, [], ctx);
    const missing = `\`${String(first.path.at(-1))}\``;
    if (message.endsWith(`(did you mean ${missing}?)`)) return { field: pathText(path), message };
    return { field: pathText(path), message: `${message} (and ${missing} is missing)` };
  }
  const { path, message } = describeIssue(first, [], ctx);
  return { field: pathText(path), message };
}

/**
 * Every issue of `error`, each with its whole field path and message, so a file with five
 * mistakes is fixed in one run, not five: the first exactly as firstIssue says it, then the rest
 * in zod's order, a missing field beside an unknown key said once as that key misspelt, and no
 * two the same.
 */
export function allIssues(
  error: z.ZodError,
  input: unknown,
  schema: z.core.$ZodType,
  choose?: ChooseOption,
): { field: string; message: string }[] {
  const first = firstIssue(error, input, schema, choose);
  const ctx = { root: input, schema, choose };
  const issues = error.issues;
  // The issues firstIssue said, and each missing field's unknown key beside it (taken once).
  const said = new Set<Issue>([issues[0]!]);
  const misspeltOf = new Map<Issue, Issue>();
  const taken = new Set<Issue>();
  for (const issue of issues) {
    if (!missingField(issue, input)) continue;
    const misspelt = unknownKeyBeside(issues, issue.path);
    if (misspelt === undefined || taken.has(misspelt)) continue;
    taken.add(misspelt);
    misspeltOf.set(issue, misspelt);
  }
  const firstMisspelt = misspeltOf.get(issues[0]!);
  if (firstMisspelt !== undefined) said.add(firstMisspelt);
  // An unknown key said first, alone: the missing field it was paired with is said as missing.
  for (const [missing, misspelt] of misspeltOf) if (misspelt === issues[0]) misspeltOf.delete(missing);
  const all = [first];
  for (const issue of issues) {
    // An unknown key is said with the missing field beside it, wherever zod put either.
    if (said.has(issue) || taken.has(issue)) continue;
    const misspelt = misspeltOf.get(issue);
    if (misspelt !== undefined) {
      const { path, message } = describeIssue(misspelt, [], ctx);
      const missing = `\`${String(issue.path.at(-1))}\``;
      all.push({
        field: pathText(path),
        message: message.endsWith(`(did you mean ${missing}?)`)
          ? message
          : `${message} (and ${missing} is missing)`,
      });
      continue;
    }
    const { path, message } = describeIssue(issue, [], ctx);
    all.push({ field: pathText(path), message });
  }
  return all.filter((a, i) => all.findIndex((b) => b.field === a.field && b.message === a.message) === i);
}

/** What describeIssue reads an issue against: the input, its schema, the union chooser. */
interface IssueContext {
  root: unknown;
  schema: z.core.$ZodType;
  choose: ChooseOption | undefined;
}

/** Is `issue` about a required field that is absent from `input`? */
function missingField(issue: Issue, input: unknown): boolean {
  if (issue.code !== 'invalid_type' || issue.path.length === 0) return false;
  const parent = valueAt(input, issue.path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && !Object.hasOwn(parent, issue.path.at(-1)!);
}

/** The issue of one unknown key in the object at `fieldPath`'s parent, if any. */
function unknownKeyBeside(issues: readonly Issue[], fieldPath: Path): Issue | undefined {
  const parent = fieldPath.slice(0, -1);
  return issues.find(
    (i) =>
      i.code === 'unrecognized_keys' &&
      i.keys.length === 1 &&
      i.path.length === parent.length &&
      i.path.every((k, n) => k === parent[n]),
  );
}

/** The path (from the root) and the message of `issue`, found under `base` in `root`. */
function describeIssue(issue: Issue, base: Path, ctx: IssueContext): { path: Path; message: string } {
  const { root, choose } = ctx;
  const path = [...base, ...issue.path];
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.errors.length === 0) return { path, message: issue.message };
      const chosen = choose?.(path, value) ?? optionFitting(issue.errors);
      if (chosen !== undefined && 'message' in chosen) return { path, message: chosen.message };
      const inner = chosen === undefined ? undefined : issue.errors[chosen.option]?.[0];
      if (inner !== undefined) return describeIssue(inner, path, ctx);
      return { path, message: unionMessage(issue.errors, value) };
    }
    case 'unrecognized_keys':
      // One unknown key: the path names it, so `--set foo.bar` and `my.json: params.foo` point at it.
      return { path: issue.keys.length === 1 ? [...path, issue.keys[0]!] : path, message: issue.message };
    case 'invalid_key':
    case 'invalid_element': {
      const inner = issue.issues[0];
      return inner === undefined ? { path, message: issue.message } : describeIssue(inner, path, ctx);
    }
    case 'invalid_value':
      // zod's `Invalid option: expected one of "count"|"p50"` lists what it expected, quoted, but
      // not what arrived; a message of the schema's own is kept.
      if (!/^Invalid (option|input)/.test(issue.message))
        return {
          path,
          message: /\bgot\b/.test(issue.message) ? issue.message : `${issue.message}, got ${shown(value)}`,
        };
      return {
        path,
        message: `Expected ${oneOf(issue.values)}, got ${shownOption(value)}${
          typeof value === 'string'
            ? didYouMean(
                value,
                issue.values.filter((v) => typeof v === 'string'),
                { shortened: true },
              )
            : ''
        }`,
      };
    case 'invalid_type': {
      // A message of the schema's own (not zod's "Invalid input: ...") already says it all.
      if (!issue.message.startsWith('Invalid input')) return { path, message: issue.message };
      const what = expectedKind(issue.expected, schemaAt(ctx.schema, path));
      // zod's "expected nonoptional, received undefined" for a required field left out.
      if (value === undefined && !hasKey(root, path)) {
        return { path, message: `Expected ${what}, got nothing (the field is missing)` };
      }
      // zod names the kind that arrived (`received string`); the value itself says more, and a
      // string is named as one (`"2"` is not the number 2).
      return {
        path,
        message: `Expected ${what}, got ${typeof value === 'string' ? `the string ${shown(value)}` : shown(value)}${ticksHint(path, value)}${listHint(schemaAt(ctx.schema, path), path, value)}`,
      };
    }
    case 'too_small':
    case 'too_big': {
      // zod's own words (`Too small: expected array to have >=1 items`) in the house form; a
      // number with the whole range its schema allows.
      if (/^Too (small|big):/.test(issue.message)) {
        const range = issue.origin === 'number' ? numberRange(schemaAt(ctx.schema, path)) : undefined;
        const said =
          range !== undefined && (issue.code === 'too_small' ? range.min : range.max) !== undefined;
        return {
          path,
          message: `Expected ${said ? rangeText(range) : boundText(issue)}, got ${shown(value)}`,
        };
      }
      return {
        path,
        message: /\bgot\b/.test(issue.message) ? issue.message : `${issue.message}, got ${shown(value)}`,
      };
    }
    case 'not_multiple_of':
    case 'invalid_format':
      // zod says what it expected (`Invalid string: must match pattern ...`), not what arrived; a
      // message of the schema's own may already say it.
      return {
        path,
        message: /\bgot\b/.test(issue.message) ? issue.message : `${issue.message}, got ${shown(value)}`,
      };
    default:
      return { path, message: issue.message };
  }
}

/**
 * The option of a union whose issues all lie inside the value (so the value has that option's
 * shape, and only something in it is wrong), the one with fewest issues; undefined when every
 * option refused the value as a whole.
 */
function optionFitting(errors: readonly (readonly Issue[])[]): { option: number } | undefined {
  let best: { option: number; issues: number } | undefined;
  errors.forEach((issues, option) => {
    const inside = issues.every((i) => i.path.length > 0 && i.code !== 'unrecognized_keys');
    if (inside && (best === undefined || issues.length < best.issues))
      best = { option, issues: issues.length };
  });
  return best === undefined ? undefined : { option: best.option };
}

/**
 * A union no option took, in the words of a choice of names (invalid_value): the options as a
 * list, a name in backticks, a string that arrived in backticks with the name it is a slip of:
 * ``Expected a list, `all` or `rest`, got `rset` (did you mean `rest`?)``.
 */
function unionMessage(errors: readonly (readonly Issue[])[], value: unknown): string {
  // Each option once: six object options read `an object, an object, ... or an object` (QA).
  const options = [...new Set(errors.flatMap(expectedOf))];
  const names = errors.flatMap(literalsOf).filter((v) => typeof v === 'string');
  const listed = options.length === 0 ? 'something else' : wordList(options, 'or');
  const got = names.length > 0 ? shownOption(value) : shown(value);
  const hint =
    names.length > 0 && typeof value === 'string' ? didYouMean(value, names, { shortened: true }) : '';
  return `Expected ${listed}, got ${got}${hint}`;
}

/** The issue of one option of a union about the whole value. */
function wholeIssue(issues: readonly Issue[]): Issue | undefined {
  return issues.find((x) => x.path.length === 0) ?? issues[0];
}

/** The values an option of a union is a literal of (`all`), or none. */
function literalsOf(issues: readonly Issue[]): unknown[] {
  const i = wholeIssue(issues);
  return i?.code === 'invalid_value' ? [...i.values] : [];
}

/** What one option of a union expected, from its issue about the whole value: each literal apart. */
function expectedOf(issues: readonly Issue[]): string[] {
  const i = wholeIssue(issues);
  if (i?.code === 'invalid_type') return [expectedKind(i.expected, undefined)];
  if (i?.code === 'invalid_value')
    return i.values.map((v) => (typeof v === 'string' ? `\`${v}\`` : shown(v)));
  return [i?.message ?? 'something else'];
}

/** Does the object at `path`'s parent exist and lack the key `path` ends with? */
function hasKey(root: unknown, path: Path): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(root, path.slice(0, -1));
  return parent === null || typeof parent !== 'object' || Object.hasOwn(parent, path.at(-1)!);
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * ` (durationTicks is in ps: 200000000 for 200us; the command line's --duration takes 200us)` for
 * a span with a unit where a `...Ticks` field counts ticks (QA: `durationTicks: '200us'`, which the
 * command line's --duration takes), else ''. The ticks are plain digits, as JSON and --set take them.
 */
function ticksHint(path: Path, value: unknown): string {
  const key = path.at(-1);
  if (typeof key !== 'string' || !key.endsWith('Ticks') || typeof value !== 'string') return '';
  const ticks = ticksOfSpanText(value);
  if (ticks === undefined) return '';
  const span = value.trim();
  const option = key === 'durationTicks' ? `; the command line's --duration takes ${span}` : '';
  return ` (${key} is in ps: ${ticks} for ${span}${option})`;
}

/**
 * ` (pageSizes is a list, even of one: ["2M"])` for a string or a number where a list is due that
 * the list takes as its item (QA: `pageSizes: "2M"`, as `--set` and the README write one page
 * size), else '': not for a value the list's items refuse, nor one too long to read again.
 */
function listHint(schema: z.core.$ZodType | undefined, path: Path, value: unknown): string {
  if (schema === undefined || defOf(schema).type !== 'array') return '';
  if (typeof value === 'string' ? value.length > 40 : typeof value !== 'number' || !Number.isFinite(value))
    return '';
  if (!z.safeParse(defOf(schema).element as z.core.$ZodType, value).success) return '';
  const key = path.at(-1);
  const what = typeof key === 'string' ? `${shownText(key)} is a list` : 'a list';
  return ` (${what}, even of one: ${JSON.stringify([value])})`;
}

/** `ats-hit, tce-hit` for zod's `"ats-hit"|"tce-hit"`: `one of A, B`, or the one value alone. */
function oneOf(values: readonly unknown[]): string {
  const text = values.map((v) => (typeof v === 'string' ? v : shown(v)));
  return text.length === 1 ? `\`${text[0]}\`` : `one of ${text.join(', ')}`;
}

/**
 * What arrived for a choice of names: a string in backticks (`` `tce` ``), as checkPolicy says it;
 * one holding a control character as JSON writes it (gotText), so a file's name never acts on the
 * terminal that prints its refusal.
 */
function shownOption(v: unknown): string {
  return typeof v === 'string' ? gotText(v.length > 80 ? `${v.slice(0, 77)}...` : v) : shown(v);
}

/** The kind a type issue expected, in words, with a number's range when its schema has one. */
function expectedKind(expected: string, schema: z.core.$ZodType | undefined): string {
  if (expected === 'number' || expected === 'int') {
    const range = numberRange(schema);
    if (range !== undefined) return rangeText(range);
    return expected === 'int' ? 'an integer' : 'a number';
  }
  if (expected === 'nonoptional') return 'a value';
  if (expected === 'array') return 'a list';
  if (expected === 'boolean') return 'true or false';
  return `${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
}

/** The bounds a number schema sets (an exclusive bound of an integer as the integer inside it). */
interface NumberRange {
  int: boolean;
  min: number | undefined;
  max: number | undefined;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/**
 * `an integer from 1 to 64`, `an integer of at least 0`, `a number greater than 0 and less than
 * 1`, `a number`.
 */
function rangeText(r: NumberRange): string {
  const kind = r.int ? 'an integer' : 'a number';
  if (r.min !== undefined && r.max !== undefined && !r.minExclusive && !r.maxExclusive)
    return `${kind} from ${r.min} to ${r.max}`;
  const lower =
    r.min === undefined ? [] : [r.minExclusive ? `greater than ${r.min}` : `of at least ${r.min}`];
  const upper = r.max === undefined ? [] : [r.maxExclusive ? `less than ${r.max}` : `of at most ${r.max}`];
  return [kind, [...lower, ...upper].join(' and ')].join(' ').trim();
}

type Def = Record<string, unknown> & { type: string };
const defOf = (s: z.core.$ZodType): Def => s._zod.def as unknown as Def;

/** The range of a number schema, from its checks; undefined for any other schema. */
function numberRange(schema: z.core.$ZodType | undefined): NumberRange | undefined {
  if (schema === undefined || defOf(schema).type !== 'number') return undefined;
  const checks = (defOf(schema).checks ?? []) as z.core.$ZodCheck[];
  const range: NumberRange = {
    int: false,
    min: undefined,
    max: undefined,
    minExclusive: false,
    maxExclusive: false,
  };
  for (const c of checks) {
    const d = c._zod.def as unknown as {
      check: string;
      format?: string;
      value?: unknown;
      inclusive?: boolean;
    };
    if (d.check === 'number_format' && /int/.test(d.format ?? '')) range.int = true;
    if (typeof d.value !== 'number') continue;
    const exclusive = d.inclusive === false;
    // The tighter of two bounds; of two equal ones, the exclusive.
    if (d.check === 'greater_than' && (range.min === undefined || d.value >= range.min)) {
      range.minExclusive = exclusive || (d.value === range.min && range.minExclusive);
      range.min = d.value;
    }
    if (d.check === 'less_than' && (range.max === undefined || d.value <= range.max)) {
      range.maxExclusive = exclusive || (d.value === range.max && range.maxExclusive);
      range.max = d.value;
    }
  }
  // An exclusive bound of an integer (`positive()`) said as the integer inside it: `from 1`, not
  // `greater than 0`.
  if (range.int && range.min !== undefined && range.minExclusive) {
    range.min = Math.floor(range.min) + 1;
    range.minExclusive = false;
  }
  if (range.int && range.max !== undefined && range.maxExclusive) {
    range.max = Math.ceil(range.max) - 1;
    range.maxExclusive = false;
  }
  return range;
}

/**
 * The schema of the value at `path` under `schema`, through objects, lists, records and the
 * wrappers (optional, default, ...); of a union, the first option that has the path. Undefined
 * where it cannot be told.
 */
function schemaAt(schema: z.core.$ZodType, path: Path): z.core.$ZodType | undefined {
  const d = defOf(schema);
  const inner = (d.innerType ?? (d.type === 'pipe' ? d.in : undefined)) as z.core.$ZodType | undefined;
  if (inner !== undefined) return schemaAt(inner, path);
  if (d.type === 'union') {
    for (const option of d.options as z.core.$ZodType[]) {
      const found = schemaAt(option, path);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (path.length === 0) return schema;
  const [key, ...rest] = path;
  let next: unknown;
  if (d.type === 'object') next = (d.shape as Record<PropertyKey, unknown>)[key!];
  else if (d.type === 'array' && typeof key === 'number') next = d.element;
  else if (d.type === 'record') next = d.valueType;
  return next === undefined ? undefined : schemaAt(next as z.core.$ZodType, rest);
}

/** What a size bound asks for, in words: `a number of at least 1`, `a list of at most 8 items`. */
function boundText(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const bound =
    issue.exact === true
      ? 'exactly'
      : small
        ? inclusive
          ? 'at least'
          : 'more than'
        : inclusive
          ? 'at most'
          : 'less than';
  const counted = (one: string, many: string) => `${bound} ${limit} ${limit === 1 ? one : many}`;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `a list of ${counted('item', 'items')}`;
    case 'string':
      return `a string of ${counted('character', 'characters')}`;
    case 'number':
    case 'int':
    case 'bigint':
      return `a number ${bound === 'more than' ? 'greater than' : bound === 'less than' || bound === 'exactly' ? bound : `of ${bound}`} ${limit}`;
    default:
      return `a value ${bound} ${limit}`;
  }
}
