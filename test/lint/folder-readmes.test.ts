/**
 * Each folder of src/ opens with a README.md that says what the folder is and what each file in it
 * holds (one concept per file; a folder shows a part of the machine or of the simulator). Files
 * added without a line there, and lines left behind by files renamed or gone, made several of them
 * wrong (a README naming a file that no longer existed, ten files of the command line unnamed), so
 * this test holds each README to its folder: every `.ts` file of the folder, and of its subfolders
 * that have no README of their own, is named in it, and every `.ts` file it names exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function readmes(dir: string): string[] {
  const out = existsSync(join(dir, 'README.md')) ? [join(dir, 'README.md')] : [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...readmes(join(dir, e.name)));
  }
  return out;
}

/**
 * layers.test.ts writes a probe file into a layer for a moment while it runs, maybe beside this
 * test: it is no file of the project, and the walks below take each entry's kind from the listing
 * (no stat per name), since a stat of the probe after the listing threw ENOENT when it was removed
 * in between (a flake of this suite).
 */
const PROBE = /^layer-probe-\d+\.ts$/;

/** The `.ts` files a folder's README answers for: its own, and those of subfolders without a README. */
function coveredFiles(dir: string, top = true): string[] {
  if (!top && existsSync(join(dir, 'README.md'))) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...coveredFiles(path, false));
    else if (e.name.endsWith('.ts') && !PROBE.test(e.name)) out.push(path);
  }
  return out;
}

/** Every `.ts` file of the project, by name (a README may name a file of another folder). */
function allFileNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts') && !PROBE.test(e.name)) names.add(e.name);
    }
  };
  walk(ROOT);
  return names;
}

/** The `.ts` names a README gives in backticks (`name.ts`, `sub/name.ts`, `../x/name.ts`). */
const namedIn = (text: string): string[] =>
  [...text.matchAll(/`((?:\.\.\/|[a-z0-9_-]+\/)*[a-z0-9_.-]+\.ts)`/g)].map((m) => m[1]!);

describe('src/ folder READMEs', () => {
  const files = readmes(SRC);

  test('there is one per part (src/ itself has none: the top README and docs/ cover it)', () => {
    expect(files.map((f) => relative(ROOT, f))).toContain('src/model/choice/README.md');
    expect(files.length).toBeGreaterThan(15);
  });

  test('every .ts file of a folder is named in its README', () => {
    const unnamed: string[] = [];
    for (const readme of files) {
      const dir = dirname(readme);
      const named = new Set(namedIn(readFileSync(readme, 'utf8')).map((n) => basename(n)));
      for (const f of coveredFiles(dir)) {
        if (!named.has(basename(f))) unnamed.push(`${relative(ROOT, readme)}: ${relative(dir, f)}`);
      }
    }
    expect(unnamed).toEqual([]);
  });

  test('every .ts file a README names exists (beside it, by its relative path, or elsewhere by name)', () => {
    const everywhere = allFileNames();
    const stale: string[] = [];
    for (const readme of files) {
      const dir = dirname(readme);
      for (const n of namedIn(readFileSync(readme, 'utf8'))) {
        const found =
          [dir, SRC, join(SRC, 'model'), ROOT].some((base) => existsSync(join(base, n))) ||
          (!n.includes('/') && everywhere.has(n));
        if (!found) stale.push(`${relative(ROOT, readme)}: \`${n}\``);
      }
    }
    expect(stale).toEqual([]);
  });
});
