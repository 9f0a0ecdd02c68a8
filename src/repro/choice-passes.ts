/**
 * The choice passes of `npusim shrink` (shrink.ts, step 3): the run's recorded choice sequences,
 * one per actor, reduced the way Hypothesis reduces its choice buffer. Past the end of a sequence
 * every choice reads 0, the simplest, so cutting a tail, deleting a span or zeroing one all make
 * the run more default; each candidate is a whole re-run, kept only when it still fails.
 */

/**
 * Hypothesis-style passes over every actor's choice sequence. `current` gives the best sequences;
 * `attempt` runs a candidate and keeps it if it still fails and is smaller.
 */
export async function shrinkChoices(
  current: () => number[][],
  attempt: (choices: number[][], pass: string) => Promise<boolean>,
  left: () => boolean,
): Promise<void> {
  const withActor = (a: number, seq: number[]) => current().map((s, i) => (i === a ? seq : s));
  const actors = current().length;
  // Cut tails: the shortest prefix that still fails, per actor (binary search on the length).
  for (let a = 0; a < actors && left(); a++) {
    let lo = 0;
    let hi = current()[a]!.length;
    while (lo < hi && left()) {
      const mid = Math.floor((lo + hi) / 2);
      if (await attempt(withActor(a, current()[a]!.slice(0, mid)), 'cut the tail')) hi = current()[a]!.length;
      else lo = mid + 1;
    }
  }
  // Delete spans, then zero spans, large to small.
  for (const [pass, edit] of [
    ['delete spans', (s: number[], i: number, k: number) => [...s.slice(0, i), ...s.slice(i + k)]],
    [
      'zero spans',
      (s: number[], i: number, k: number) => [
        ...s.slice(0, i),
        ...new Array(Math.min(k, s.length - i)).fill(0),
        ...s.slice(i + k),
      ],
    ],
  ] as const) {
    for (let a = 0; a < actors && left(); a++) {
      for (
        let k = Math.max(1, Math.floor(current()[a]!.length / 2));
        k >= 1 && left();
        k = Math.floor(k / 2)
      ) {
        for (let i = 0; i < current()[a]!.length && left(); ) {
          const s = current()[a]!;
          const window = s.slice(i, i + k);
          if (pass === 'zero spans' && window.every((v) => v === 0)) {
            i += k;
            continue;
          }
          if (!(await attempt(withActor(a, edit(s, i, k)), pass))) i += k;
        }
        if (k === 1) break;
      }
    }
  }
  // Lower single values: to 0, else halve.
  for (let a = 0; a < actors && left(); a++) {
    for (let i = 0; i < current()[a]!.length && left(); i++) {
      const v = current()[a]![i]!;
      if (v === 0) continue;
      const set = (x: number) =>
        withActor(
          a,
          current()[a]!.map((y, j) => (j === i ? x : y)),
        );
      if (!(await attempt(set(0), 'lower values')) && v > 1)
        await attempt(set(Math.floor(v / 2)), 'lower values');
    }
  }
  // Sort small spans (a canonical order, as Hypothesis's reducer sorts).
  for (let a = 0; a < actors && left(); a++) {
    for (let i = 0; i + 1 < current()[a]!.length && left(); i += 4) {
      const s = current()[a]!;
      const span = s.slice(i, i + 4);
      const sorted = [...span].sort((x, y) => x - y);
      if (span.every((v, j) => v === sorted[j])) continue;
      await attempt(withActor(a, [...s.slice(0, i), ...sorted, ...s.slice(i + 4)]), 'sort spans');
    }
  }
}
