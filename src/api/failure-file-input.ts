/**
 * What `replayFailureFile` and `shrinkFailureFile` both take: a failure file's path or its JSON
 * text, and the options they share (`name`, `workloads`) and the check that an options argument
 * is a plain object of known keys. Written once so the two library entries refuse the same input
 * with the same ConfigError.
 */
import { type Stats, statSync } from 'node:fs';
import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';
import { readFailureFileText } from '../io/failure-file-text.js';
import { validateWorkload, type Workload } from '../model/scenario/workload.js';
import { checkOptionsObject, shown } from './check-run-input.js';

/** A failure file as given: its path (undefined for text), where errors name it, and its text. */
export interface FailureFileInput {
  path: string | undefined;
  where: string;
  /** The text, read bounded from `path` (a pipe or a device never reads for ever) or as given. */
  text(): string;
}

/** `pathOrText` checked: a non-empty string, text when its first non-blank character is `{`. */
export function failureFileInput(pathOrText: unknown, name: string | undefined): FailureFileInput {
  if (typeof pathOrText !== 'string' || pathOrText.trim() === '') {
    throw new ConfigError(
      'file',
      `Expected a failure file's path or its JSON text, got ${typeof pathOrText === 'string' ? 'an empty string' : shown(pathOrText)}`,
    );
  }
  const path = pathOrText.trimStart().startsWith('{') ? undefined : pathOrText;
  return {
    path,
    where: path ?? name ?? 'failure file',
    text: () => {
      if (path === undefined) return pathOrText;
      refuseStream(path);
      return readFailureFileText(path);
    },
  };
}

/**
 * A library call reads the file on its caller's thread, synchronously, so a pipe or a device is
 * refused before it is opened (the command line reads one, bounded, where nothing else runs): a
 * named FIFO with no writer held the caller's event loop for the 30 s a read waits (QA), as
 * `loadWorkloadFile` refuses one. A missing path or a directory is the read's to refuse, by name.
 */
function refuseStream(path: string): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isFile() || st.isDirectory()) return;
  const what = st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'a device';
  throw new ConfigError(
    path,
    `Expected a failure file that is a regular file (a library call reads it on your thread, which a pipe could hold for 30 s: read it yourself and pass its text), got ${what}`,
  );
}

/**
 * The options object itself (a plain object of the entry's `keys`, did-you-mean for a misspelt
 * one) and the two options every failure-file entry takes: `name` and `workloads`.
 */
export function checkFailureFileOptions(
  entry: string,
  keys: readonly string[],
  options: { name?: unknown; workloads?: unknown },
): void {
  checkOptionsObject(options, `any of ${keys.join(', ')}, or none`);
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw new ConfigError(
        key,
        `Expected an option ${entry} takes (${keys.join(', ')}), got ${gotText(key)}${didYouMean(key, keys)}`,
      );
    }
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new ConfigError('name', `Expected a file name, got ${shown(options.name)}`);
  }
  if (options.workloads !== undefined && !(options.workloads instanceof Map)) {
    throw new ConfigError(
      'workloads',
      `Expected a Map of workloads by name (what loadWorkloads() gives), got ${shown(options.workloads)}`,
    );
  }
}

/**
 * A `workloads` Map as given (replayFailureFile, shrinkFailureFile, findWorkload), each entry
 * checked as runWorkload checks its workload: keyed by its own name, and validated as a workload
 * file's is (a validated one validates to itself, cheaply). QA: a plain object never given to
 * defineWorkload met a TypeError deep in the replay, and `5` was returned by findWorkload as a
 * workload.
 */
export function checkedWorkloads(workloads: ReadonlyMap<unknown, unknown>): Map<string, Workload> {
  const out = new Map<string, Workload>();
  for (const [name, w] of workloads) {
    if (typeof name !== 'string') {
      throw new ConfigError(
        'workloads',
        `Expected workloads keyed by their names, got the key ${shown(name)}`,
      );
    }
    out.set(name, checkedWorkload(name, w));
  }
  return out;
}

/** One entry of a `workloads` Map, checked as checkedWorkloads checks each. */
export function checkedWorkload(name: string, w: unknown): Workload {
  const at = `workloads.get(${JSON.stringify(name)})`;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) {
    throw new ConfigError(at, `Expected a workload (what defineWorkload returns), got ${shown(w)}`);
  }
  const v = validateWorkload(w, at);
  if (v.name !== name) {
    throw new ConfigError(
      at,
      `Expected the workload named ${gotText(name)} under that key (a failure file names its workload by name), got ${gotText(v.name)}`,
    );
  }
  return v;
}
