/**
 * The theory of operation (docs/) restates some of the code's own tables: the oracle's rules with
 * each one's summary and where it is judged (`RULES`), the message kinds (`K`), and the source files
 * it sends a reader to. Those restatements drifted before (a rule added to `RULES` and missing from
 * both rule lists, a kind family left out, a file renamed under the docs), so these tests read them
 * back against the code: a change to the code that the docs do not follow fails here, naming what
 * to write.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { RULES } from '../../src/model/check/rule-names.js';
import { K } from '../../src/model/protocol/kinds.js';
import { BUGS } from '../../src/model/scenario/bugs.js';
import { PREMISES } from '../../src/model/scenario/premises.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const THEORY = join(ROOT, 'docs/theory-of-operation.md');
const THEORY_PARTS = ['docs/theory/ats-atsd-oracle.md', 'docs/theory/topology-groups-tce.md'];
const SOURCE_DIRS = ['src', 'workers', 'workloads', 'test', 'bench', 'scripts', 'examples'];

const theory = (): string => readFileSync(THEORY, 'utf8');

/** The lines of `text` from the heading that starts with `heading` to the next heading. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  expect(start, `a heading starting "${heading}"`).toBeGreaterThanOrEqual(0);
  const next = lines.findIndex((l, i) => i > start && /^#{1,6} /.test(l));
  return lines.slice(start, next === -1 ? undefined : next);
}

/** layers.test.ts writes a probe file into a layer for a moment while it runs, maybe beside this test. */
const PROBE = /^layer-probe-\d+\.ts$/;

/** Every `.ts` file under the project's source folders, by name. */
function sourceFiles(): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const walk = (dir: string): void => {
    // Entries with their kinds, no stat per name: layers.test.ts removes its probe file in a
    // source folder at any moment, and a stat of it after the listing threw ENOENT (a flake).
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && !PROBE.test(e.name))
        byName.set(e.name, [...(byName.get(e.name) ?? []), path]);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  return byName;
}

describe('docs: the facts they restate from the code', () => {
  test("the membar rule of flush acks, an assumption that sets a shootdown's latency under load, has its row in section 8", () => {
    expect(section(theory(), '## 8. Every assumed number').join('\n')).toMatch(
      /^\| flush ack \(the membar rule\) \| .*`model\/actors\/gpu\/invalidation-port\.ts`.* \| ASSUMED/m,
    );
  });

  test("README's isolation premises are premises.ts's lettered ones, and each assumed one has a row in theory section 8", () => {
    const readme = section(
      readFileSync(join(ROOT, 'README.md'), 'utf8'),
      '## The questions npusim answers',
    ).join(' ');
    const letters = Object.values(PREMISES)
      .map((p) => /^\(([a-z])\) /.exec(p.text)?.[1])
      .filter((l) => l !== undefined);
    const words = ['', 'one', 'two', 'three', 'four', 'five', 'six'];
    expect(readme).toContain(`${words[letters.length]} premises the model takes as given`);
    for (const l of letters)
      expect(readme, `premise (${l}) in README`).toMatch(new RegExp(`\\(${l}\\) [a-zA-Z]`));
    // (d) is an assumption of the model's own (reset-port.ts), so section 8 lists it.
    expect(section(theory(), '## 8. Every assumed number').join('\n')).toMatch(
      /^\| link-disable mask after a GPU reset \| .*`model\/actors\/gpu\/reset-port\.ts`.* \| ASSUMED/m,
    );
  });

  test('the Architecture rule table is RULES: every rule, with its summary and judgedAt', () => {
    const rows = section(theory(), '### Where each rule is judged')
      .map((l) => /^\| `([a-z]+\.[a-z-]+)` \| (.*) \| (.*) \| .* \|$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ rule: m[1], summary: m[2], judgedAt: m[3] }));
    // The table groups rules by family; RULES keeps them in the order they were added.
    const byRule = (a: { rule?: string }, b: { rule?: string }) => (a.rule! < b.rule! ? -1 : 1);
    expect(rows.sort(byRule)).toEqual(
      Object.entries(RULES)
        .map(([rule, r]) => ({ rule, ...r }))
        .sort(byRule),
    );
  });

  test("section 6's table has a row for every bug switch (BUGS), and none for a switch there is not", () => {
    const rows = section(theory(), '## 6. Bug switches')
      .map((l) => /^\| `([a-z][a-z0-9-]*)` \|/.exec(l)?.[1])
      .filter((name) => name !== undefined);
    expect(
      rows.sort(),
      'docs/theory-of-operation.md section 6: one row per switch of src/model/scenario/bugs.ts BUGS, `| `name` | history | workload | rule reported | exit |` (docs/extending.md says what else a new switch needs)',
    ).toEqual(Object.keys(BUGS).sort());
  });

  test("section 5's table says what every rule compares", () => {
    const named = section(theory(), '## 5. Checking')
      .filter((l) => l.startsWith('| `'))
      .flatMap((l) => [...(l.split(' | ')[0] ?? '').matchAll(/`([a-z]+\.[a-z-]+)`/g)].map((m) => m[1]));
    expect(named.sort()).toEqual(Object.keys(RULES).sort());
  });

  test("the oracle chapter's list of rules names every rule", () => {
    const text = readFileSync(join(ROOT, 'docs/theory/ats-atsd-oracle.md'), 'utf8');
    const list = /Rules \(stable names[^:]*:([^.]*(?:\.[a-z][^.]*)*)\. Conservation/s.exec(text);
    expect(list, 'the "Rules (stable names ...): a, b, c. Conservation" sentence').not.toBeNull();
    const named = list![1]!.split(',').map((s) => s.trim().replace(/\s+/g, ' '));
    expect(named.sort()).toEqual(Object.keys(RULES).sort());
  });

  test('the message kinds sentence names every kind of K (timers without their _TIMER)', () => {
    const sentence = /The kinds\s+\(`model\/protocol\/kinds\.ts`\):([\s\S]*?)The kind's high nibble/.exec(
      theory(),
    );
    expect(sentence, 'the "The kinds (`model/protocol/kinds.ts`): ..." sentence').not.toBeNull();
    const words = new Set(sentence![1]!.match(/[A-Z][A-Z0-9_]+/g));
    const missing = Object.keys(K)
      .map((k) => k.replace(/_TIMER$/, ''))
      .filter((k) => !words.has(k));
    expect(missing).toEqual([]);
  });

  test('every source file the theory names in backticks exists (a path under src/, src/model/ or the root, or a file name)', () => {
    const files = sourceFiles();
    const missing: string[] = [];
    for (const doc of ['docs/theory-of-operation.md', ...THEORY_PARTS]) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const m of text.matchAll(/`([a-z0-9][a-z0-9_./-]*\.ts)`/g)) {
        const name = m[1]!;
        const found = name.includes('/')
          ? ['src', 'src/model', ''].some((base) => existsSync(join(ROOT, base, name)))
          : files.has(basename(name));
        if (!found) missing.push(`${doc}: \`${name}\``);
      }
    }
    expect(missing).toEqual([]);
  });
});
