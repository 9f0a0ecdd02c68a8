import { byCodePoint } from '../core/code-point-order.js';
import { wordList } from '../core/word-list.js';

/**
 * How the runs of a set were hosted, as a comparison of sets names it (its header, the host it
 * lists among the differences): the host of them all (`inline`), or, where a set mixes hosts, each
 * with its number of runs (`inline (2) and threaded (1)`): QA saw a set of two inline runs and a
 * threaded one called `inline`, its first run's host.
 */
export function setHostText(hosts: readonly string[]): string {
  const runs = new Map<string, number>();
  for (const h of hosts) runs.set(h, (runs.get(h) ?? 0) + 1);
  if (runs.size <= 1) return hosts[0] ?? '';
  // In name order, so that two sets hosted alike read alike whatever their first runs.
  const each = [...runs].sort(([x], [y]) => byCodePoint(x, y)).map(([host, n]) => `${host} (${n})`);
  return wordList(each);
}

/** Whether a set's runs were hosted in more than one way. */
export function mixedHosts(hosts: readonly string[]): boolean {
  return new Set(hosts).size > 1;
}
