/**
 * The choice passes of `npusim shrink` (shrink.ts, step 3): the run's recorded choice sequences,
 * one per actor, reduced the way Hypothesis reduces its choice buffer. Past the end of a sequence
 * every choice reads 0, the simplest, so cutting a tail, deleting a span or zeroing one all make
 * the run more default; each candidate is a whole re-run, kept only when it still fails.
 */

import { findInteger } from './find-integer.js';

/** The choice passes, in the order a first round runs them. */
export const CHOICE_PASSES = [
  'cut the tail',
  'delete spans',
  'zero spans',
  'lower values',
  'sort spans',
] as const;
export type ChoicePass = (typeof CHOICE_PASSES)[number];

/** What every pass works with: the best sequences, a candidate's trial, the budget left. */
interface Passes {
  current: () => number[][];
  attempt: (choices: number[][], pass: string) => Promise<boolean>;
  left: () => boolean;
}

/**
 * Hypothesis-style passes over every actor's choice sequence, in `order` (shrink.ts puts the passes
 * that kept a candidate in the last round first, as Hypothesis runs its useful passes first).
 * `current` gives the best sequences; `attempt` runs a candidate and keeps it if it still fails and
 * is smaller. Returns the passes that kept a candidate, in the order they ran.
 */
export async function shrinkChoices(
  current: () => number[][],
  attempt: (choices: number[][], pass: string) => Promise<boolean>,
  left: () => boolean,
  order: readonly ChoicePass[] = CHOICE_PASSES,
): Promise<ChoicePass[]> {
  const useful: ChoicePass[] = [];
  const actors = current().length;
  for (const pass of order) {
    let kept = false;
    const p: Passes = {
      current,
      attempt: async (c, name) => {
        const ok = await attempt(c, name);
        kept ||= ok;
        return ok;
      },
      left,
    };
    if (!left()) break;
    if (pass === 'cut the tail') await cutTails(p, actors);
    else if (pass === 'delete spans') await editSpans(p, actors, 'delete spans');
    else if (pass === 'zero spans') await editSpans(p, actors, 'zero spans');
    else if (pass === 'lower values') await lowerValues(p, actors);
    else await sortSpans(p, actors);
    if (kept) useful.push(pass);
  }
  return useful;
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

/** Choices [i, j) of `s` deleted, or set to 0. */
function edited(pass: 'delete spans' | 'zero spans', s: readonly number[], i: number, j: number): number[] {
  return pass === 'delete spans'
    ? [...s.slice(0, i), ...s.slice(j)]
    : [...s.slice(0, i), ...new Array<number>(j - i).fill(0), ...s.slice(j)];
}

/**
 * Delete (or zero) spans, Hypothesis's adaptive way: block sizes k from half the longest sequence
 * down to 1, every actor at one size before any at the next (a budget that runs out has tried the
 * large spans of every actor, not the single choices of the first), each sequence's blocks from
 * its start (from the end back was tried: guest-atsd's shrink kept 9194 events, not 8169). A block
 * kept grows over the blocks after it with `findInteger`: a run of n blocks that can all go costs
 * O(log n) candidates, not n + 1 (QA Q39: the choice passes spent the 400-run budget of
 * guest-atsd, tce-storm and atsd-deadlock shrinks on one actor's spans, one size at a time).
 */
async function editSpans(p: Passes, actors: number, pass: 'delete spans' | 'zero spans'): Promise<void> {
  const { current, attempt, left } = p;
  const longest = Math.max(0, ...current().map((s) => s.length));
  for (let k = Math.max(1, Math.floor(longest / 2)); left(); k = Math.floor(k / 2)) {
    for (let a = 0; a < actors && left(); a++) {
      // Each actor from half its own length, as before: a larger block is most of the sequence.
      if (k > Math.max(1, Math.floor(current()[a]!.length / 2))) continue;
      for (let i = 0; i < current()[a]!.length && left(); ) {
        const s = current()[a]!;
        const j = Math.min(s.length, i + k);
        if (pass === 'zero spans' && s.slice(i, j).every((v) => v === 0)) {
          i = j;
          continue;
        }
        if (!(await attempt(withActor(p, a, edited(pass, s, i, j)), pass))) {
          i = j;
          continue;
        }
        // Kept: grow the edit over n more blocks after it, each probe from the same base (the
        // sequence before this edit), so the best after the search is the largest n kept.
        const failed = new Set<number>();
        const n = await findInteger(async (m) => {
          if (i + m * k >= s.length || !left()) return false;
          const ok = await attempt(withActor(p, a, edited(pass, s, i, Math.min(s.length, j + m * k))), pass);
          if (!ok) failed.add(m);
          return ok;
        });
        // The block after the last kept was tried alone on the best already when n + 1 failed:
        // step past it (a deletion's next block starts at i, a zeroed span's after it).
        const skip = failed.has(n + 1) ? 1 : 0;
        i = pass === 'delete spans' ? i + skip * k : j + (n + skip) * k;
      }
    }
    if (k <= 1) break;
  }
}

/**
 * Lower single values toward the least one that is kept, as Hypothesis's integer shrinker does: 0;
 * else shift right (halve) as far as is kept, the shifts found with `findInteger`; then subtract
 * as much as is kept, again with `findInteger`. A value that ties is kept (shrink.ts keeps a
 * shortlex-smaller log on a tie), so 100 where 10 would do goes to 10 (halving while the half was
 * kept stopped at 12: QA Q39), in O(log) runs, and a value nothing below suits costs 3.
 */
async function lowerValues(p: Passes, actors: number): Promise<void> {
  const { current, attempt, left } = p;
  for (let a = 0; a < actors && left(); a++) {
    for (let i = 0; i < current()[a]!.length && left(); i++) {
      const tried = new Set<number>();
      const set = async (x: number) => {
        if (tried.has(x) || !left()) return false;
        tried.add(x);
        return attempt(
          withActor(
            p,
            a,
            current()[a]!.map((y, j) => (j === i ? x : y)),
          ),
          'lower values',
        );
      };
      const base = current()[a]![i]!;
      if (base === 0 || (await set(0))) continue;
      // Division, not `>>`: a value may pass 2^31 (a range in ticks), where `>>` wraps.
      const shift = (k: number) => Math.floor(base / 2 ** k);
      await findInteger((k) => (shift(k) > 0 ? set(shift(k)) : Promise.resolve(false)));
      const shifted = current()[a]![i]!;
      await findInteger((n) => (n < shifted ? set(shifted - n) : Promise.resolve(false)));
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
