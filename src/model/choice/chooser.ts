/**
 * The one seam for every choice the model may make either way
 * (docs/theory-of-operation.md#75-determinism, "One chooser per actor").
 *
 * Wherever the model may legally go either way (delivery jitter within a link's bounds, which
 * spinning CPU wins a freed ATSD register, when a refill inside a GPU moves on, which page a CPU
 * thread unmaps next) it asks its actor's `Chooser`. Which chooser sits in the slot is the run's
 * strategy (strategy.ts): drawn from the seed, replayed from a recorded choice log, or steered by a
 * search strategy, the way fast-check's scheduler takes an injected task selector.
 */
import { Rng } from './rng.js';

/** A named decision point, so a recorded choice log can be read and replayed. */
export type ChoiceSite = string;

export interface Chooser {
  /**
   * Return an integer in [0, n). n must be a positive integer. `agent` names who the choice is
   * for, within the actor and the site (a GPU engine, a CPU thread, a link): a search strategy
   * (pct.ts) gives each agent a priority; the others ignore it.
   */
  choose(site: ChoiceSite, n: number, agent?: number): number;
  /** Scheduling choices made so far (strategies that count them: the PCT measuring run). */
  steps?(): number;
  /** Distinct scheduling agents seen so far (likewise). */
  agents?(): number;
  /** PCT: this actor's change points, and how many its run has reached so far. */
  changePoints?(): ChangePoints;
}

/**
 * A PCT run's change points: those drawn (over the steps its measuring run counted) and those it
 * reached. One drawn past the steps this run takes never fires: steering makes another run than
 * the measuring one, which may make fewer choices.
 */
export interface ChangePoints {
  planned: number;
  fired: number;
}

/** What a counting strategy (PCT and its measuring run) reports of one actor's choices. */
export interface ChooserCounts {
  steps: number;
  agents: number;
  /** PCT only. */
  changePoints?: ChangePoints;
}

/** The counts of every actor of a run, summed (change points: 0 of 0 where none were drawn). */
export function totalCounts(counts: readonly ChooserCounts[]): Required<ChooserCounts> {
  const total = { steps: 0, agents: 0, changePoints: { planned: 0, fired: 0 } };
  for (const c of counts) {
    total.steps += c.steps;
    total.agents += c.agents;
    total.changePoints.planned += c.changePoints?.planned ?? 0;
    total.changePoints.fired += c.changePoints?.fired ?? 0;
  }
  return total;
}

/** The default chooser: every choice drawn from a seed. */
export class SeededChooser implements Chooser {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  choose(_site: ChoiceSite, n: number): number {
    return this.rng.below(n);
  }
}

/** Wraps a chooser and keeps every value it chose, in order (the actor's choice sequence). */
export class RecordingChooser implements Chooser {
  readonly values: number[] = [];
  constructor(private readonly inner: Chooser) {}
  choose(site: ChoiceSite, n: number, agent?: number): number {
    // The agent passes through: a PCT chooser steers by it, so a recorded PCT run is the very
    // run it records (without it every choice fell back to the seed's draw, another run).
    const value = this.inner.choose(site, n, agent);
    this.values.push(value);
    return value;
  }
}

/**
 * Replays a recorded choice sequence, the way Hypothesis replays a buffer: the i-th choice takes
 * the i-th value. A value out of the range asked for (the run took another path, e.g. after the
 * shrinker changed an earlier choice) is reduced modulo the range, and past the end of the sequence
 * every choice is 0, the simplest one; both are counted, so an exact replay can check it had none.
 */
export class ReplayChooser implements Chooser {
  private index = 0;
  /** Choices past the end of the sequence or out of their range. */
  misses = 0;
  constructor(private readonly values: readonly number[]) {}
  choose(_site: ChoiceSite, n: number): number {
    const v = this.values[this.index++];
    if (v === undefined) {
      this.misses++;
      return 0;
    }
    if (v < n) return v;
    this.misses++;
    return v % n;
  }
  /** How many values were used. */
  get used(): number {
    return Math.min(this.index, this.values.length);
  }
}
