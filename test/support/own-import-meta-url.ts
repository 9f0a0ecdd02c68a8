/**
 * The esbuild plugin every bundle of the sources that the suite makes goes through
 * (source-bundles.ts, source-cli-bundle.ts): each TypeScript module's `import.meta.url` becomes its
 * own source file's URL. A bundle has no module of its own, so the runtime, which finds its files
 * by that URL (worker-url.ts, engine.ts, ...), finds those the sources would; `rewrite` may change
 * a module's text first (source-cli-bundle.ts points two imports by URL at its own entries).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

export function ownImportMetaUrl(
  rewrite: (path: string, text: string) => string = (_, text) => text,
): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => ({
        contents: rewrite(args.path, readFileSync(args.path, 'utf8')).replaceAll(
          'import.meta.url',
          JSON.stringify(pathToFileURL(args.path).href),
        ),
        loader: 'ts',
      }));
    },
  };
}
