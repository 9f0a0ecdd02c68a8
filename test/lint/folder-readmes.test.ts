/**
 * Each folder of src/ opens with a README.md that says what the folder is and what each file in it
 * holds (one concept per file; a folder shows a part of the machine or of the simulator). Files
 * added without a line there, and lines left behind by files renamed or gone, made several of them
 * wrong (a README naming a file that no longer existed, ten files of the command line unnamed), so
 * this test holds each README to its folder: every `.ts` file of the folder, and of its subfolders
 * that have no README of their own, is named in it, and every `.ts` file it names exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function readmes(dir: string): string[] {
  const out = existsSync(join(dir, 'README.md')) ? [join(dir, 'README.md')] : [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...readmes(path));
  }
  return out;
}

/** layers.test.ts writes a probe file into a layer for a moment while it runs, maybe beside this test. */
const PROBE = /^layer-probe-\d+\.ts$/;

/** The `.ts` files a folder's README answers for: its own, and those of subfolders without a README. */
function coveredFiles(dir: string, top = true): string[] {
  if (!top && existsSync(join(dir, 'README.md'))) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...coveredFiles(path, false));
    else if (name.endsWith('.ts') && !PROBE.test(name)) out.push(path);
  }
  return out;
}

/** Every `.ts` file of the project, by name (a README may name a file of another folder). */
function allFileNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) names.add(name);
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
