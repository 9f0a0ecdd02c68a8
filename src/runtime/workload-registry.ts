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
  const mod = (await import(url.href)) as { workloads?: unknown };
  if (!Array.isArray(mod.workloads)) {
    throw new ConfigError(
      urlPath(url),
      `Expected the module to export \`workloads\` as an array of workloads, got ${typeof mod.workloads}`,
    );
  }
  const byName = new Map<string, Workload>();
  for (const [i, w] of (mod.workloads as Workload[]).entries()) {
    if (typeof w !== 'object' || w === null || typeof w.name !== 'string') {
      throw new ConfigError(
        `${urlPath(url)}: workloads[${i}]`,
        `Expected a workload (what defineWorkload returns), got ${w === null ? 'null' : typeof w === 'object' ? 'an object without a name' : typeof w}`,
      );
    }
    if (byName.has(w.name)) throw new ConfigError(urlPath(url), `duplicate workload name \`${w.name}\``);
    byName.set(w.name, w);
  }
  // The built-ins are one object each per process, handed to every caller: frozen, so an edit
  // meant for one run (`(await findWorkload('stress')).params.gpu.dmaBytes = 4096`) is refused
  // where it is made instead of changing every later run of `stress` under a reproduce line that
  // names the unchanged workload (QA). A copy (`{ ...w, params: ... }`) is the caller's to edit.
  if (url.href === workloadIndexUrl().href) for (const w of byName.values()) deepFreeze(w);
  return byName;
}

/** A file URL as the path a user would type (a URL's pathname is percent-encoded), else as is. */
function urlPath(url: URL): string {
  return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
}
