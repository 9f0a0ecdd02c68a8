/**
 * shellWord's promise, checked against a real shell: any word it writes, pasted into bash, is
 * the text it was given (a path starting with `-` as `./-...`, the same file), and nothing it
 * writes holds a control character a terminal would act on.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { shellWord } from '../../src/core/shell-word.js';

/** What bash makes of each word: `printf '%s\0'` of them all, in one bash. */
function throughBash(words: readonly string[], locale = 'C.UTF-8'): string[] {
  const script = `printf '%s\\0' ${words.join(' ')}`;
  const env = { ...process.env, LC_ALL: locale };
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 20_000, env });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

test('a word bash reads back as the text, with no control character in what is printed (QA: an ESC in a directory name cleared the screen; a newline split the replay line)', () => {
  const named = [
    'plain/file.json',
    'sw\u001b[31mRED/x.json',
    'a\nb',
    "it's",
    'tab\there',
    '\u009bcsi',
    'rtl\u202eoverride',
    'back\\slash',
    'spa ce',
    'é.json',
  ];
  const texts = fc.sample(
    fc
      .string({ unit: 'binary', minLength: 1, maxLength: 12 })
      .filter((t) => !t.includes('\0') && !t.startsWith('-')),
    { numRuns: 300, seed: 7 },
  );
  const all = [...named, ...texts];
  const words = all.map(shellWord);
  for (const w of words) expect(w, JSON.stringify(w)).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  expect(throughBash(words)).toEqual(all);
  // The same in the C locale, where bash reads no `\u` escape (QA: U+202E pasted as `\u202E`).
  expect(throughBash(words, 'C')).toEqual(all);
});

test('a relative path that starts with `-` is written `./-...`, which no command reads as an option (QA: `npusim replay -dash/f/...` was refused)', () => {
  expect(shellWord('-dash/f/x.json')).toBe('./-dash/f/x.json');
  expect(shellWord("-it's")).toBe("'./-it'\\''s'");
  expect(throughBash([shellWord('-dash/f/x.json')])).toEqual(['./-dash/f/x.json']);
});
