/**
 * The `npusim` command as the end-to-end tests' child processes run it (cli-child.ts): one bundle
 * of src/cli/main.ts, made from the current sources by the suite's global setup
 * (source-bundles.ts), instead of `node --import tsx src/cli/main.ts`. Through tsx every child
 * resolved and compiled its few hundred modules on tsx's loader thread, a round trip each (Node
 * 20 runs module hooks off the main thread); README "Layout" has what the bundle saves.
 *
 * Three entries, split into shared chunks so that every module exists once in the child, as in the
 * build: the command, the built-in workloads (the registry imports their index by URL) and the
 * machine (a threaded run imports it by URL in the main thread, then hands the same URL to its
 * workers). One copy matters: the command tells a ConfigError from any other error by
 * `instanceof`, and a machine or workload loaded through tsx beside the bundle would bring a class
 * of its own. Those two URLs are the only imports by URL of the command's own modules that a
 * loader would have to compile (workers find their own bundles: worker-url.ts), so the bundle
 * points them at its own entries; a change to either line makes the bundling fail, not the child.
 *
 * Every module's `import.meta.url` is its source file's (own-import-meta-url.ts), so the bundled code
 * runs "from source" as tsx's did: it finds the worker bundles, package.json and tsx's API where
 * the sources would. Packages stay imports (`packages: 'external'`), so the bundle is written under
 * node_modules/.cache, where Node finds them. A user's `.ts` workload still loads through tsx's
 * `tsImport` (workload-file.ts), as from the build. Source maps keep the children's stack traces
 * on the .ts sources.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ownImportMetaUrl } from './own-import-meta-url.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const source = (rel: string): string => join(ROOT, rel);

/** Each import by URL the bundle redirects: in file, the URL's expression, and the entry it then names. */
const REDIRECTS = [
  {
    file: source('src/runtime/workload-registry.ts'),
    url: /new URL\(`\.\.\/\.\.\/workloads\/index\.\$\{fromSource \? 'ts' : 'js'\}`, import\.meta\.url\)/g,
    entry: 'workloads',
  },
  {
    file: source('src/runtime/engine.ts'),
    url: /new URL\(`\.\.\/model\/actors\/machine\.\$\{ext\}`, import\.meta\.url\)/g,
    entry: 'machine',
  },
] as const;

/** Each import by URL of REDIRECTS in `text` (the module at `path`) pointed at the bundle's entry in `outDir`. */
function redirected(outDir: string, path: string, text: string): string {
  let out = text;
  for (const r of REDIRECTS.filter((x) => x.file === path)) {
    const found = out.match(r.url)?.length ?? 0;
    if (found !== 1) {
      throw new Error(
        `source-cli-bundle: expected ${r.file} to hold ${r.url} once, to point it at the bundle's ${r.entry} entry, found it ${found} times; update REDIRECTS`,
      );
    }
    const entryUrl = pathToFileURL(join(outDir, `${r.entry}.mjs`)).href;
    out = out.replace(r.url, () => `new URL(${JSON.stringify(entryUrl)})`);
  }
  return out;
}

/** A fresh directory for the bundle under node_modules/.cache, where Node finds the packages. */
export function sourceCliDir(): string {
  const cache = source('node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(join(cache, 'npusim-source-cli-'));
}

/** The bundled command's own file in `dir`. */
export function sourceCliFile(dir: string): string {
  return join(dir, 'cli.mjs');
}

/**
 * Bundle the command into `dir` (sourceCliDir), replacing what an earlier bundling left there (a
 * chunk's name carries a hash of its text, so one bundling's chunks would stay beside the next's).
 */
export async function bundleSourceCli(dir: string): Promise<void> {
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  const result = await build({
    entryPoints: {
      cli: source('src/cli/main.ts'),
      workloads: source('workloads/index.ts'),
      machine: source('src/model/actors/machine.ts'),
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    plugins: [ownImportMetaUrl((path, text) => redirected(dir, path, text))],
    logLevel: 'silent',
  });
  const problems = [...result.errors, ...result.warnings];
  if (problems.length > 0) {
    throw new Error(
      `source-cli-bundle: expected no esbuild warnings, got ${problems.length}: ` +
        problems.map((p) => `${p.location?.file ?? '?'}:${p.location?.line ?? '?'} ${p.text}`).join('; '),
    );
  }
}
