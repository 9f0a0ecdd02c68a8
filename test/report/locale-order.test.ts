/**
 * Lists npusim prints in name order read the same in every locale: Node takes its default
 * collation from LANG / LC_ALL, and under Hawaiian collation (vowels before consonants) a
 * `localeCompare` put `order.*` before `conservation.*` (QA).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** rulesInOrder's and setHostText's answers in a process whose locale is `lang`. */
function orderUnder(lang: string): { rules: string[]; hosts: string } {
  const script = `
    const { rulesInOrder } = await import('./src/report/rule-counts.ts');
    const { setHostText } = await import('./src/report/set-host-text.ts');
    const names = ['translation.stale-ats', 'order.free-before-shootdown', 'conservation.dma', 'isolation.peer'];
    const rules = rulesInOrder(Object.fromEntries(names.map((n) => [n, { count: 1, tick: 5 }]))).map(([n]) => n);
    const hosts = setHostText(['threaded', 'inline', 'inline']);
    console.log(JSON.stringify({ rules, hosts }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, LANG: lang, LC_ALL: lang },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { rules: string[]; hosts: string };
}

describe('name order whatever the locale', () => {
  test('rules of one tick, and a set of mixed hosts, are listed alike under C and haw_US', () => {
    const c = orderUnder('C');
    expect(c.rules).toEqual([
      'conservation.dma',
      'isolation.peer',
      'order.free-before-shootdown',
      'translation.stale-ats',
    ]);
    expect(c.hosts).toBe('inline (2) and threaded (1)');
    expect(orderUnder('haw_US.UTF-8')).toEqual(c);
  });
});
