/**
 * The choice passes of `npusim shrink` (shrink.ts, step 3): the run's recorded choice sequences,
 * one per actor, reduced the way Hypothesis reduces its choice buffer. Past the end of a sequence
 * every choice reads 0, the simplest, so cutting a tail, deleting a span or zeroing one all make
 * the run more default; each candidate is a whole re-run, kept only when it still fails.
 */

/** What every pass works with: the best sequences, a candidate's trial, the budget left. */
interface Passes {
  current: () => number[][];
  attempt: (choices: number[][], pass: string) => Promise<boolean>;
  left: () => boolean;
}

/**
 * Hypothesis-style passes over every actor's choice sequence. `current` gives the best sequences;
 * `attempt` runs a candidate and keeps it if it still fails and is smaller.
 */
export async function shrinkChoices(
  current: () => number[][],
  attempt: (choices: number[][], pass: string) => Promise<boolean>,
  left: () => boolean,
): Promise<void> {
  const passes: Passes = { current, attempt, left };
  const actors = current().length;
  await cutTails(passes, actors);
  await editSpans(passes, actors);
  await lowerValues(passes, actors);
  await sortSpans(passes, actors);
}

/** The best sequences with actor `a`'s replaced by `seq`. */
function withActor(p: Passes, a: number, seq: number[]): number[][] {
  return p.current().map((s, i) => (i === a ? seq : s));
}

/** Cut tails: the shortest prefix that still fails, per actor (binary search on the length). */
async function cutTails(p: Passes, actors: number): Promise<void> {
  const { current, attempt, left } = p;
  for (let a = 0; a < actors && left(); a++) {
    let lo = 0;
    let hi = current()[a]!.length;
    while (lo < hi && left()) {
      const mid = Math.floor((lo + hi) / 2);
      if (await attempt(withActor(p, a, current()[a]!.slice(0, mid)), 'cut the tail'))
        hi = current()[a]!.length;
      else lo = mid + 1;
    }
  }
}

/** Delete spans, then zero spans, large to small. */
async function editSpans(p: Passes, actors: number): Promise<void> {
  const { current, attempt, left } = p;
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
          if (!(await attempt(withActor(p, a, edit(s, i, k)), pass))) i += k;
        }
        if (k === 1) break;
      }
    }
  }
}

/**
 * Lower single values: to 0, else halve while a half is kept (a value that ties is kept too:
 * shrink.ts keeps a shortlex-smaller log on a tie, so 13157005 where 1 would do goes down; one
 * halving, as before, could never be kept, a nonzero value being one deviation like any other).
 */
async function lowerValues(p: Passes, actors: number): Promise<void> {
  const { current, attempt, left } = p;
  for (let a = 0; a < actors && left(); a++) {
    for (let i = 0; i < current()[a]!.length && left(); i++) {
      const set = (x: number) =>
        withActor(
          p,
          a,
          current()[a]!.map((y, j) => (j === i ? x : y)),
        );
      if (current()[a]![i]! === 0 || (await attempt(set(0), 'lower values'))) continue;
      for (let v = current()[a]![i]!; v > 1 && left(); v = current()[a]![i]!) {
        if (!(await attempt(set(Math.floor(v / 2)), 'lower values'))) break;
      }
    }
  }
}

/** Sort small spans (a canonical order, as Hypothesis's reducer sorts). */
async function sortSpans(p: Passes, actors: number): Promise<void> {
  const { current, attempt, left } = p;
  for (let a = 0; a < actors && left(); a++) {
    for (let i = 0; i + 1 < current()[a]!.length && left(); i += 4) {
      const s = current()[a]!;
      const span = s.slice(i, i + 4);
      const sorted = [...span].sort((x, y) => x - y);
      if (span.every((v, j) => v === sorted[j])) continue;
      await attempt(withActor(p, a, [...s.slice(0, i), ...sorted, ...s.slice(i + 4)]), 'sort spans');
    }
  }
}
