/**
 * Which chooser sits in each actor's slot (chooser.ts): the run's strategy. Plain data, so it
 * travels in a run's configuration, into every worker, and into failure files.
 * - `random` (the default): every choice drawn from the run's seed, per actor (`actorSeed`), so
 *   the seed alone regenerates the whole run and nothing else needs storing;
 * - `replay`: each actor takes its values from a recorded choice sequence (choice-log.ts), which is
 *   what the shrinker edits; past the end of a sequence every choice is 0.
 * Search strategies (PCT) plug in here too.
 */
import { type Chooser, ReplayChooser, SeededChooser } from './chooser.js';
import { CountingChooser, PctChooser } from './pct.js';

export type StrategySpec =
  | { readonly kind: 'random' }
  | { readonly kind: 'replay'; readonly choices: readonly (readonly number[])[] }
  /**
   * PCT (pct.ts): `depth` is d; `steps` the scheduling choices each actor made in the measuring
   * run (k, per actor), `agents` the agents it saw (n).
   */
  | {
      readonly kind: 'pct';
      readonly depth: number;
      readonly steps: readonly number[];
      readonly agents: number;
    }
  /** The measuring run of PCT: random, counting scheduling choices and agents. */
  | { readonly kind: 'count' };

export const DEFAULT_STRATEGY: StrategySpec = { kind: 'random' };

/** Derive an actor's chooser seed from the run seed, so each actor's choices are its own. */
export function actorSeed(runSeed: number, actorIndex: number): number {
  let h = (runSeed >>> 0) ^ Math.imul(Math.floor(runSeed / 0x1_0000_0000) | 0, 0x27d4eb2f);
  h = Math.imul(h ^ (actorIndex + 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The chooser of actor `actorIndex` under `strategy` for a run of `seed`. */
export function createChooser(strategy: StrategySpec | undefined, seed: number, actorIndex: number): Chooser {
  const s = strategy ?? DEFAULT_STRATEGY;
  switch (s.kind) {
    case 'random':
      return new SeededChooser(actorSeed(seed, actorIndex));
    case 'replay':
      return new ReplayChooser(s.choices[actorIndex] ?? []);
    case 'pct':
      return new PctChooser(seed, actorIndex, actorSeed(seed, actorIndex), s.depth, s.steps);
    case 'count':
      return new CountingChooser(actorSeed(seed, actorIndex));
  }
}

/** The strategy's name as a user writes it (`--strategy`). */
export function strategyName(strategy: StrategySpec | undefined): string {
  const s = strategy ?? DEFAULT_STRATEGY;
  return s.kind === 'pct' ? `pct (depth ${s.depth})` : s.kind === 'count' ? 'random' : s.kind;
}

/**
 * `strategy` as a thread hosting only the actors `hosts` accepts needs it: a replay keeps those
 * actors' choice sequences and empties the others' (an actor's chooser reads only its own, so
 * every hosted actor makes the very choices it would under the whole log). The other kinds are
 * small and returned as they are. Why: a threaded replay hands each worker its strategy, and a
 * full log (2^24 choices, MAX_LOGGED_CHOICES) cloned into each of nine workers made a replay peak
 * at 2.5 GB against 0.56 GB inline.
 */
export function strategyForActors(
  strategy: StrategySpec | undefined,
  hosts: (actorIndex: number) => boolean,
): StrategySpec | undefined {
  if (strategy?.kind !== 'replay') return strategy;
  return { kind: 'replay', choices: strategy.choices.map((c, i) => (hosts(i) ? c : [])) };
}
