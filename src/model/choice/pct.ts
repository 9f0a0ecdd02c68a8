/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010),
 * adapted to a discrete-event model whose only nondeterminism is its choice seam.
 *
 * How it maps:
 *   1. Agents: who a scheduling choice is for (scheduling-sites.ts): each link (delivery jitter),
 *      each GPU DMA engine, each host CPU thread, each GPU's refill pipeline, each NPU's register
 *      arbitration, the coordinator's TCE and BAR0 traffic. An agent is (actor, site, agent id).
 *   2. Priorities: each agent gets a random priority in (0, 1), drawn from the run's seed by
 *      hashing its key, so every actor, in any thread, gives an agent the same priority without
 *      talking to the others.
 *   3. Steering: at a scheduling choice with n options, the agent's priority p picks
 *      floor((1 - p) * n): a high-priority agent goes first (no jitter, the shortest pause, its
 *      refill lands, it wins the register), a low one last. Where the strict PCT scheduler runs
 *      the highest-priority thread, the model gives it the earliest time.
 *   4. Change points: d - 1 of them, on distinct steps drawn uniformly over the k scheduling
 *      choices of the run, as PCT draws them over k steps; k is measured from a first run of the same configuration (as
 *      Shuttle's PCT takes the steps of its previous run), per actor, so each change point is a
 *      (actor, step) pair that every thread can place on its own. At the i-th change point the
 *      agent choosing drops below every initial priority (to i * 1e-9): it goes last from then on.
 *   5. The bound: a bug of depth d is found with probability at least 1 / (n * k^(d-1)), n the
 *      agents and k the steps (both measured); `pctBound` computes it and the run prints it. A run
 *      of fewer steps than d - 1 has room for only k change points (`changePointCount`), so the
 *      bound holds for depth k + 1 at most, not d (`pctBoundOf`), and the run says so.
 * Non-scheduling choices are drawn from the seed exactly as the random strategy draws them, so
 * the workload does the same things; only their order and timing change. Everything here is a
 * pure function of (seed, depth, measured steps): a PCT run replays exactly.
 */
import { type ChangePoints, type Chooser, SeededChooser } from './chooser.js';
import { Rng } from './rng.js';
import { SCHEDULING_SITES, siteId } from './scheduling-sites.js';

/** The deepest PCT bug depth d a run may ask for (`--pct-depth`): d - 1 change points. */
export const MAX_PCT_DEPTH = 16;

const CHANGE_POINT_SALT = 0x5c7_0d3e;

/** The change points of a run that fall to actor `actor`, as local step numbers, ascending. */
export function changePointsOf(
  seed: number,
  depth: number,
  stepsPerActor: readonly number[],
  actor: number,
): number[] {
  const total = stepsPerActor.reduce((s, k) => s + k, 0);
  const count = changePointCount(depth, total);
  if (count === 0) return [];
  const rng = new Rng((seed ^ CHANGE_POINT_SALT) >>> 0);
  const points: { global: number; order: number }[] = [];
  const range = Math.min(total, DRAW_RANGE);
  // d - 1 distinct steps, as PCT's change points are: two on one step would be one change point
  // (only the later priority would hold), and the run would have depth d - 1 under d's name. A
  // draw that repeats one is drawn again; with fewer steps than change points, every step is one.
  const taken = new Set<number>();
  for (let i = 0; i < count; i++) {
    let global = rng.below(range);
    while (taken.has(global)) global = rng.below(range);
    taken.add(global);
    points.push({ global, order: i });
  }
  // Map each global step to (actor, local step) through the prefix sums of the measured steps.
  const out: { local: number; order: number }[] = [];
  for (const p of points) {
    let g = p.global;
    for (let a = 0; a < stepsPerActor.length; a++) {
      const k = stepsPerActor[a]!;
      if (g < k) {
        if (a === actor) out.push({ local: g, order: p.order });
        break;
      }
      g -= k;
    }
  }
  return out.sort((x, y) => x.local - y.local).map((x) => x.local * 64 + x.order);
}

/** Change points are drawn below this many steps (a 32-bit draw). */
const DRAW_RANGE = 0x1_0000_0000;

/**
 * How many change points a run of depth `depth` over `steps` measured steps gets: d - 1, one to a
 * step, so no more than the steps (nor than the draw's range). changePointsOf draws exactly these,
 * and pctBoundOf tells the depth they cover: one rule for both.
 */
export function changePointCount(depth: number, steps: number): number {
  if (depth <= 1) return 0;
  return Math.min(depth - 1, steps, DRAW_RANGE);
}

/** PCT's probability bound for a bug of depth d: 1 / (n * k^(d-1)). */
export function pctBound(agents: number, steps: number, depth: number): number {
  if (agents < 1 || steps < 1) return 0;
  return 1 / (agents * steps ** (depth - 1));
}

/**
 * What a PCT run of depth d over n agents and k measured steps may claim. Depth d needs d - 1
 * change points; a run of fewer steps places only k (one on every step: changePointCount), and
 * the guarantee for d does not hold, since no k change points can make d - 1 priority changes (QA:
 * depth 16 over 13 steps printed 1/(n*k^15)). What those k give is PCT's bound for depth k + 1,
 * so that is the depth and bound reported; with k >= d - 1 it is d's, as always.
 */
export interface PctBound {
  /** n and k, as the measuring run counted them. */
  agents: number;
  steps: number;
  /** The depth the bound holds for: d, or the change points placed + 1 where the steps cut it. */
  depth: number;
  /** 1 / (n * k^(depth - 1)). */
  probability: number;
}

export function pctBoundOf(agents: number, steps: number, depth: number): PctBound {
  const holds = changePointCount(depth, steps) + 1;
  return { agents, steps, depth: holds, probability: pctBound(agents, steps, holds) };
}

export class PctChooser implements Chooser {
  private readonly seeded: SeededChooser;
  private readonly priorities = new Map<number, number>();
  /** Encoded change points of this actor: local step * 64 + global order (ascending; distinct steps). */
  private readonly changes: number[];
  private nextChange = 0;
  private step = 0;
  private readonly siteIds = new Map<string, number>();

  constructor(
    private readonly seed: number,
    private readonly actor: number,
    actorSeed: number,
    depth: number,
    stepsPerActor: readonly number[],
  ) {
    this.seeded = new SeededChooser(actorSeed);
    this.changes = changePointsOf(seed, depth, stepsPerActor, actor);
  }

  choose(site: string, n: number, agent = 0): number {
    if (!SCHEDULING_SITES.has(site)) return this.seeded.choose(site, n);
    // The seeded draw is consumed anyway, so the workload's own choices stay what the seed makes them.
    this.seeded.choose(site, n);
    const key = this.agentKey(site, agent);
    let p = this.priorities.get(key);
    if (p === undefined) {
      p = initialPriority(this.seed, key);
      this.priorities.set(key, p);
    }
    const change = this.changes[this.nextChange];
    // Division, not >> 6: a local step past 2^25 makes the encoded value exceed 32 bits.
    if (change !== undefined && Math.floor(change / 64) === this.step) {
      p = ((change % 64) + 1) * 1e-9;
      this.priorities.set(key, p);
      this.nextChange++;
    }
    this.step++;
    return Math.min(n - 1, Math.floor((1 - p) * n));
  }

  steps(): number {
    return this.step;
  }

  agents(): number {
    return this.priorities.size;
  }

  changePoints(): ChangePoints {
    return { planned: this.changes.length, fired: this.nextChange };
  }

  private agentKey(site: string, agent: number): number {
    let id = this.siteIds.get(site);
    if (id === undefined) {
      id = siteId(site);
      this.siteIds.set(site, id);
    }
    // actor (8 bits) | site hash | agent: folded into one safe integer.
    return ((this.actor * 0x1_0000 + (agent & 0xffff)) * 0x1_0000_0000 + id) % Number.MAX_SAFE_INTEGER;
  }
}

/** A priority in (0, 1) from (seed, agent key): the same in every thread. */
function initialPriority(seed: number, key: number): number {
  let h = (seed ^ Math.imul(Math.floor(key / 0x1_0000_0000) | 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (key >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) + 1) / 0x1_0000_0002;
}

/**
 * The measuring run's chooser: the random strategy, counting the scheduling choices and the agents
 * that made them (PCT's k and n).
 */
export class CountingChooser implements Chooser {
  private readonly inner: SeededChooser;
  private count = 0;
  private readonly seen = new Set<string>();

  constructor(actorSeed: number) {
    this.inner = new SeededChooser(actorSeed);
  }

  choose(site: string, n: number, agent = 0): number {
    if (SCHEDULING_SITES.has(site)) {
      this.count++;
      if (this.seen.size < 1_000_000) this.seen.add(`${site}#${agent}`);
    }
    return this.inner.choose(site, n);
  }

  steps(): number {
    return this.count;
  }

  agents(): number {
    return this.seen.size;
  }
}
