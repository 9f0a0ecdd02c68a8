/**
 * The parameter a headline `param` item names (workload.ts headlineItemSchema: `policy`,
 * `gpu.dmaBytes`, `tenants`), checked against the parameters' schema (workload-params.ts). A path
 * that names no parameter would print `no such parameter` in every run's answer, so a workload
 * naming one is refused when it loads, listing the parameters allowed where the path went wrong.
 * The schema, not a run's values, decides: an optional parameter left unset is still a parameter
 * (its answer says `not set`). A path must end at a value: a group (`gpu`, `tenants.0`) has none
 * to show.
 */
import { workloadParamsSchema } from './workload-params.js';

/** The little of a zod schema's runtime shape this walk reads (zod v4: `def`, `shape`, `element`). */
interface SchemaNode {
  def?: { type?: string; innerType?: SchemaNode };
  shape?: Record<string, SchemaNode>;
  element?: SchemaNode;
}

/** Why `path` (dot-separated, as report/headline.ts reads it) is not a parameter, or undefined. */
export function paramPathProblem(path: string): string | undefined {
  // `--set` takes `tenants[0].name`; a headline path is read by dots alone (report/headline.ts).
  if (/[[\]]/.test(path)) {
    return `Expected a path of names and indices joined by dots, such as \`${path.replace(/\[(\d+)\]/g, '.$1')}\`, got \`${path}\``;
  }
  let node = workloadParamsSchema as unknown as SchemaNode;
  let at = '';
  for (const key of path.split('.')) {
    // Optional, defaulted and prefaulted fields wrap the schema of their value.
    while (node.def?.innerType !== undefined) node = node.def.innerType;
    if (node.def?.type === 'array' && node.element !== undefined && /^\d+$/.test(key)) {
      node = node.element;
    } else if (node.shape !== undefined && Object.hasOwn(node.shape, key)) {
      node = node.shape[key]!;
    } else if (node.def?.type === 'array') {
      // QA: a name into a list read `a field of \`tenants\` (one of: none (a value))`.
      return `Expected an index of the list \`${at}\` (0, 1, ...), got \`${key}\` in \`${path}\``;
    } else {
      const allowed = node.shape !== undefined ? Object.keys(node.shape).join(', ') : 'none (a value)';
      const where = at === '' ? 'a workload parameter' : `a field of \`${at}\``;
      return `Expected ${where} (one of: ${allowed}), got \`${key}\` in \`${path}\``;
    }
    at = at === '' ? key : `${at}.${key}`;
  }
  while (node.def?.innerType !== undefined) node = node.def.innerType;
  // A group of parameters has no one value to show (it printed `[object Object]`): name a field.
  if (node.shape !== undefined) {
    return `Expected a parameter with a value to show (a number, a name or a list), got \`${path}\`, a group of parameters: name one of its fields (${Object.keys(
      node.shape,
    )
      .map((k) => `${path}.${k}`)
      .join(', ')})`;
  }
  return undefined;
}

/**
 * Why `path` (a parameter, paramPathProblem passed it) reaches past the end of a list in every run
 * the workload declares, or undefined. `runs` are the parameters of its own run and of each
 * variant (its `set` applied): a variant's `set` may lengthen a list (`tenants` of two where the
 * workload has one), so an index one of them has is kept. A `--set` given at run time may lengthen
 * it too, but the workload declares no such run: its headline answers for the runs it declares,
 * and a run that lacks the entry still prints `none (this run's list has N)` (report/headline.ts).
 * A list inside an optional group left unset (`not set`) is no list to be past the end of.
 */
export function paramIndexProblem(path: string, runs: readonly unknown[]): string | undefined {
  const keys = path.split('.');
  // The longest length each indexed list has in any run, by the index of its key.
  const longest = new Map<number, number>();
  for (const params of runs) {
    let v: unknown = params;
    let reached = true;
    for (const [i, key] of keys.entries()) {
      if (Array.isArray(v)) {
        longest.set(i, Math.max(longest.get(i) ?? 0, v.length));
        if (Number(key) >= v.length) {
          reached = false;
          break;
        }
      }
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    }
    if (reached) return undefined;
  }
  // No run reaches the path: named at the first list it goes past the end of, at its longest in any run.
  const [at, length] = [...longest].find(([i, n]) => Number(keys[i]) >= n) ?? [];
  if (at === undefined || length === undefined) return undefined;
  const list = keys.slice(0, at).join('.');
  const inRuns =
    runs.length === 1 ? "in the workload's own run" : "in the workload's own run and in each variant's";
  const has = length === 0 ? 'is empty' : length === 1 ? 'has 1 entry' : `has at most ${length} entries`;
  const range = length === 0 ? '' : ` from 0 to ${length - 1}`;
  return `Expected an index of \`${list}\`${range}, got \`${keys[at]}\` in \`${path}\`: the list ${has} ${inRuns} (a variant whose \`set\` gives a longer list makes the index one)`;
}
