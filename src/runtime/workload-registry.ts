/**
 * The workload registry: loads workloads/index.(ts|js) by URL, the way worker-url.ts finds worker
 * entries, so nothing under src/ imports workloads/ statically (the one-way rule,
 * docs/theory-of-operation.md#layers-and-the-one-way-import-rule: workloads -> src <- workers).
 * From source (tsx, vitest) this module is a .ts file and loads workloads/index.ts; from the build
 * it is dist/src/runtime/workload-registry.js and loads dist/workloads/index.js. The index must
 * `export const workloads: Workload[]`.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deepFreeze } from '../core/deep-freeze.js';
import { ConfigError } from '../core/errors.js';
import type { Workload } from '../model/scenario/workload.js';

const fromSource = import.meta.url.endsWith('.ts');

export function workloadIndexUrl(): URL {
  return new URL(`../../workloads/index.${fromSource ? 'ts' : 'js'}`, import.meta.url);
}

/** Every workload by name, in the index's order. Throws ConfigError on a malformed index. */
export async function loadWorkloads(url: URL = workloadIndexUrl()): Promise<Map<string, Workload>> {
  // A library caller's argument (the package exports this): a path given as a string is no URL,
  // and `import(undefined)` said only `Cannot find package 'undefined'`.
  if (!(url instanceof URL)) {
    throw new ConfigError(
      'url',
      `Expected a URL of a module exporting \`workloads\` (pathToFileURL(path) for a file), or nothing for the built-ins, got ${typeof url === 'string' ? `the string ${JSON.stringify(url)}` : String(url)}`,
    );
  }
  // Node's own words for a file that is not there, `Cannot find module '/x.mjs' imported from
  // .../workload-registry.js`, blamed npusim's file and came as no ConfigError (QA).
  if (url.protocol === 'file:' && !existsSync(url)) {
    throw new ConfigError(urlPath(url), 'Expected a module exporting `workloads`, got no such file');
  }
  const where = urlPath(url);
  // The built-ins are npusim's own, imported as they are (checked by their tests); a caller's
  // module is loaded as loadWorkloadFile loads a workload module (a file by path: .ts through tsx,
  // its errors placed and said as a ConfigError), and each workload validated as a file's is.
  if (url.href === workloadIndexUrl().href) {
    const mod = (await import(url.href)) as { workloads?: unknown };
    const builtIns = workloadsByName(mod.workloads, where, undefined);
    // The built-ins are one object each per process, handed to every caller: frozen, so an edit
    // meant for one run (`(await findWorkload('stress')).params.gpu.dmaBytes = 4096`) is refused
    // where it is made instead of changing every later run of `stress` under a reproduce line that
    // names the unchanged workload (QA). A copy (`{ ...w, params: ... }`) is the caller's to edit.
    for (const w of builtIns.values()) deepFreeze(w);
    return builtIns;
  }
  // Imported here: a command that loads no workload (`npusim --help`) loads none of the model.
  const { validateWorkload } = await import('../model/scenario/workload.js');
  const validate = (w: Workload, at: string) => validateWorkload(w, at);
  if (url.protocol === 'file:') {
    const { loadModuleFile } = await import('./workload-file.js');
    return loadModuleFile(where, (mod) => workloadsByName(mod.workloads, where, validate));
  }
  let mod: { workloads?: unknown };
  try {
    mod = (await import(url.href)) as { workloads?: unknown };
  } catch (e) {
    const text = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    throw new ConfigError(where, `Expected a module that loads, got an error: ${text}`);
  }
  return workloadsByName(mod.workloads, where, validate);
}

/** The module's `workloads` by name, each validated by `validate` (validateWorkload) if given. */
function workloadsByName(
  workloads: unknown,
  where: string,
  validate: ((w: Workload, at: string) => Workload) | undefined,
): Map<string, Workload> {
  if (!Array.isArray(workloads)) {
    throw new ConfigError(
      where,
      `Expected the module to export \`workloads\` as an array of workloads, got ${typeof workloads}`,
    );
  }
  const byName = new Map<string, Workload>();
  for (const [i, w] of (workloads as Workload[]).entries()) {
    if (typeof w !== 'object' || w === null || typeof w.name !== 'string') {
      throw new ConfigError(
        `${where}: workloads[${i}]`,
        `Expected a workload (what defineWorkload returns), got ${w === null ? 'null' : typeof w === 'object' ? 'an object without a name' : typeof w}`,
      );
    }
    // QA: `[{ name: 'x' }]` loaded, and was refused only when run (`workload: description: ...`).
    const valid = validate === undefined ? w : validate(w, `${where}: workloads[${i}]`);
    if (byName.has(valid.name)) throw new ConfigError(where, `duplicate workload name \`${valid.name}\``);
    byName.set(valid.name, valid);
  }
  return byName;
}

/** A file URL as the path a user would type (a URL's pathname is percent-encoded), else as is. */
function urlPath(url: URL): string {
  return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
}
