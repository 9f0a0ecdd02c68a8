/**
 * Every relative link in the project's Markdown (README.md, docs/, bench/, the folders' READMEs)
 * leads somewhere: the file exists, and a `#fragment` into a Markdown file names one of its
 * headings as GitHub renders the anchor (lower case; punctuation other than `-` and `_` dropped;
 * spaces to `-`; a repeated heading gets `-1`, `-2`, ...). A heading renamed, or a file moved,
 * without its links following is a reader sent nowhere; this keeps them in step.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage', '.device']);

/**
 * Files other tests of the same run make and remove while these walk the tree, which are not the
 * project's: layers.test.ts's `layer-probe-PID.ts` in src/ folders (listed, then gone before it was
 * read: this file's tests failed so, now and then, beside it), and vite's config timestamp files.
 */
const TRANSIENT = /^layer-probe-\d+\.ts$|\.timestamp-\d+/;

/** The project's files under `dir` whose names `wanted` takes, every folder but SKIP's walked. */
function projectFiles(dir: string, wanted: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('npusim-failures') || TRANSIENT.test(name)) continue;
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (stat.isDirectory()) out.push(...projectFiles(path, wanted));
    else if (wanted.test(name)) out.push(path);
  }
  return out;
}

const markdownFiles = (dir: string) => projectFiles(dir, /\.md$/);

/** GitHub's anchor of a heading's text. */
function headingAnchor(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings (outside fenced code), repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (m === null) continue;
    const a = headingAnchor(m[1]!);
    const n = seen.get(a) ?? 0;
    seen.set(a, n + 1);
    anchors.add(n === 0 ? a : `${a}-${n}`);
  }
  return anchors;
}

/** Every link of `file` that goes nowhere, as `target#fragment: why`. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]*)\)/g)) {
    const link = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link === '') continue;
    const [target = '', fragment] = link.split('#', 2);
    const path = target === '' ? file : join(dirname(file), decodeURIComponent(target));
    if (!existsSync(path)) {
      broken.push(`${link}: no file ${relative(ROOT, path)}`);
      continue;
    }
    if (
      fragment !== undefined &&
      path.endsWith('.md') &&
      !anchorsOf(readFileSync(path, 'utf8')).has(fragment)
    ) {
      broken.push(`${link}: no heading of ${relative(ROOT, path)} has the anchor #${fragment}`);
    }
  }
  return broken;
}

/** Every Markdown or script file of the project, for the checks on references written as text. */
const textFiles = (dir: string) => projectFiles(dir, /\.(md|ts|mts|mjs|cjs)$/);

/**
 * The files the check for documents outside the repository reads: every Markdown or script file,
 * and the configuration at the root (biome.json's lint messages cite documents too).
 */
function referringFiles(): string[] {
  const config = readdirSync(ROOT)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(ROOT, name));
  return [...textFiles(ROOT), ...config];
}

/** Each docs Markdown path with an `#anchor`, written as plain text (a code comment) in `file`, that names no heading. */
function brokenTextAnchors(file: string): string[] {
  const broken: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(/(?<![\w./])(docs\/[\w./-]+\.md)#([\w-]+)/g)) {
    const [, target = '', fragment = ''] = m;
    const path = join(ROOT, target);
    if (!existsSync(path)) broken.push(`${target}#${fragment}: no file ${target}`);
    else if (!anchorsOf(readFileSync(path, 'utf8')).has(fragment)) {
      broken.push(`${target}#${fragment}: no heading of ${target} has the anchor #${fragment}`);
    }
  }
  return broken;
}

describe('docs: links', () => {
  test('headingAnchor: GitHub anchors of headings with code, punctuation and numbers', () => {
    expect(headingAnchor('1. Topology (`topology-spec.ts`, `topology.ts`)')).toBe(
      '1-topology-topology-spects-topologyts',
    );
    expect(headingAnchor('5. TCE, UT=1 (`tce-table.ts`)')).toBe('5-tce-ut1-tce-tablets');
    expect(headingAnchor("Where a threaded run's CPU goes")).toBe('where-a-threaded-runs-cpu-goes');
  });

  test('every relative link in the Markdown files leads to a file and, with a #fragment, a heading', () => {
    const files = markdownFiles(ROOT);
    expect(files.map((f) => relative(ROOT, f))).toContain('docs/theory-of-operation.md');
    const broken = files.flatMap((f) => brokenLinks(f).map((b) => `${relative(ROOT, f)}: ${b}`));
    expect(broken).toEqual([]);
  });

  test('every docs Markdown path with an #anchor written as text (code comments) names a heading there', () => {
    const files = textFiles(ROOT);
    const broken = files.flatMap((f) => brokenTextAnchors(f).map((b) => `${relative(ROOT, f)}: ${b}`));
    expect(broken).toEqual([]);
  });

  // The project brief's domain and design documents live outside the repository, so a reader of a
  // clone cannot follow a reference to either: the facts, their sources and the design's rules are
  // in README.md, docs/theory-of-operation.md and docs/theory/*.md, which comments, READMEs and
  // biome.json's lint messages point at instead.
  test('no file refers to the domain or design document kept outside the repository', () => {
    const self = fileURLToPath(import.meta.url);
    const outside = referringFiles()
      .filter((f) => f !== self)
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /\b(domain|design)\.md\b/.test(line) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(
      outside,
      'point at a section of README.md, docs/theory-of-operation.md or docs/theory/*.md instead',
    ).toEqual([]);
  });
});
