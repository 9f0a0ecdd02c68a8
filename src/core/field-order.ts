/**
 * A file's mistakes in the order the file has them, for a workload (model/scenario/workload.ts)
 * and a topology (model/platform/spec-issues.ts) alike. Their checks find them in passes (a
 * workload's schema, then its parameters, the headline's paths, the variants; a topology's names,
 * sockets, GPUs, links, then its machine options), and each pass in its own order (zod walks a
 * schema's keys, then the unknown ones), so a file with a slip at line 2, 3 and 8 was told them
 * as 3, 2, 8 (QA). The order is the file's keys': an object read from JSON holds its keys as the
 * text does (JSON.parse keeps their order; integer-like keys alone go first), and json-place.ts
 * then puts each at its line. Only the values along each field's path are read, values the
 * checks have already read (a module's getters run no more than they did).
 */
import { shownText } from './shown-text.js';

/**
 * Where `field` (as the refusals write it: `params.tenants[0].lpid`, a key through shownText) lies
 * in `root`: at each level the index of its key among the object's keys (of its item in a list),
 * and Infinity below the last level the definition holds (a field missing, a key the path names
 * wrongly), so it comes after what is there.
 */
function fieldPosition(root: unknown, field: string): number[] {
  const position: number[] = [];
  let value = root;
  let rest = field;
  while (rest !== '') {
    let step: { index: number; next: unknown; length: number } | undefined;
    if (Array.isArray(value)) {
      const m = /^\[(\d+)\]/.exec(rest);
      const index = m === null ? -1 : Number(m[1]);
      if (m !== null && index < value.length) step = { index, next: value[index], length: m[0].length };
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      // The longest key that ends where a segment does: a variant's set key holds dots
      // (`gpu.dmaBytes`), and may sit beside a key that starts it.
      keys.forEach((key, index) => {
        const text = shownText(key);
        const ends = rest === text || rest.startsWith(`${text}.`) || rest.startsWith(`${text}[`);
        if (ends && (step === undefined || text.length > step.length))
          step = { index, next: (value as Record<string, unknown>)[key], length: text.length };
      });
    }
    if (step === undefined) break;
    position.push(step.index);
    value = step.next;
    rest = rest.slice(step.length).replace(/^\./, '');
  }
  if (rest !== '') position.push(Number.POSITIVE_INFINITY);
  return position;
}

/** `issues` sorted by where their fields lie in `root` (fieldPosition); of one place, as they came. */
export function inFieldOrder<I extends { field: string }>(issues: readonly I[], root: unknown): I[] {
  const positions = new Map(issues.map((i) => [i.field, fieldPosition(root, i.field)]));
  const compare = (a: readonly number[], b: readonly number[]): number => {
    for (let n = 0; n < Math.min(a.length, b.length); n++) {
      if (a[n] !== b[n]) return a[n]! < b[n]! ? -1 : 1;
    }
    // A field before the fields inside it.
    return a.length - b.length;
  };
  return [...issues].sort((x, y) => compare(positions.get(x.field)!, positions.get(y.field)!));
}
