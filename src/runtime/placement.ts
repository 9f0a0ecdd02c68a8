/**
 * Placement: which worker thread hosts which actors
 * (docs/theory-of-operation.md#79-placement-runtimeplacementts).
 * - `per-actor` (the default, the product's shape): one worker per GPU, per chip, and the
 *   coordinator.
 * - `N`: N workers. The actors are partitioned so that the links cut between workers are the ones
 *   whose latency gives the most lookahead: a socket's chip and GPUs stay together (on the presets
 *   the cut is the X-bus between the chips and the coordinator's control edges), as SST's
 *   partitioners cut at high-latency links. With more workers than sockets, the heaviest group (by
 *   events an actor tends to handle: a chip about two GPUs' worth) is split where its halves weigh
 *   most alike (a chip with one GPU, then the other GPUs), unless spreading single actors over the
 *   workers balances them better (3 workers over two sockets); with fewer, the lightest groups merge.
 *   The coordinator, which handles few events, joins the lightest group (a worker of its own only
 *   when every other actor already has one).
 * - `auto`: as many workers as cores (never more than actors).
 * Every placement gives the digest of the inline run: a worker hands its actors their events in
 * the same order (worker-loop.ts).
 */

import { didYouMean } from '../core/edit-distance.js';
import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';
import type { MachinePlan } from './machine-module.js';

export type Placement = { kind: 'per-actor' } | { kind: 'workers'; count: number } | { kind: 'auto' };

export const DEFAULT_PLACEMENT: Placement = { kind: 'per-actor' };

/** The most worker threads a placement may ask for (`--workers N`). */
export const MAX_WORKERS = 256;

/** What a placement may be, as `--workers` and a failure file's `options.workers` say it. */
export const PLACEMENT_EXPECTED = `Expected per-actor, auto or a number of workers from 1 to ${MAX_WORKERS}`;

export function parsePlacement(text: string, option = '--workers'): Placement {
  const p = placementOf(text);
  // A slip of a name gets the hint every option's value gets (`--workers Auto`, `per_actor`: QA).
  if (p === undefined)
    throw new ConfigError(
      option,
      `${PLACEMENT_EXPECTED}, got ${gotText(text)}${didYouMean(text, ['per-actor', 'auto'])}`,
    );
  return p;
}

/** The placement `text` names, or undefined when it names none. */
export function placementOf(text: string): Placement | undefined {
  if (text === 'per-actor') return { kind: 'per-actor' };
  if (text === 'auto') return { kind: 'auto' };
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_WORKERS ? { kind: 'workers', count: n } : undefined;
}

export function placementName(p: Placement): string {
  return p.kind === 'workers' ? String(p.count) : p.kind;
}

/** The worker of every actor, and how many workers there are. */
export function placeActors(
  plan: MachinePlan,
  placement: Placement,
  cores: number,
): { workerOf: number[]; workers: number } {
  const n = plan.actors.length;
  const want =
    placement.kind === 'per-actor'
      ? n
      : placement.kind === 'auto'
        ? Math.max(1, Math.min(cores, n))
        : Math.min(placement.count, n);
  if (want >= n) return { workerOf: plan.actors.map((a) => a.index), workers: n };
  const groups = partition(plan, want);
  const workerOf = plan.actors.map(() => -1);
  groups.forEach((g, w) => {
    for (const a of g) workerOf[a] = w;
  });
  return { workerOf, workers: groups.length };
}

/**
 * Actor weight: how many events it tends to handle. On stress a chip handles about twice a GPU's
 * events (it lands, translates and completes every DMA of its GPUs) and the coordinator a few in a
 * thousand (`npm run bench -- bound` prints each placement's busiest share from a real run).
 */
function weight(plan: MachinePlan, a: number): number {
  const kind = plan.actors[a]!.kind;
  return kind === 'coordinator' ? 0 : kind === 'chip' ? 2 : 1;
}

/** A group's weight: the events its worker tends to handle. */
function groupWeight(plan: MachinePlan, group: readonly number[]): number {
  return group.reduce((s, a) => s + weight(plan, a), 0);
}

/** Split `group` (in index order) where its two halves weigh most alike; each half keeps one actor. */
function halve(plan: MachinePlan, group: number[]): [number[], number[]] {
  const total = groupWeight(plan, group);
  let best = 1;
  let bestHeavier = Number.POSITIVE_INFINITY;
  let left = 0;
  for (let k = 1; k < group.length; k++) {
    left += weight(plan, group[k - 1]!);
    const heavier = Math.max(left, total - left);
    // On a tie the later cut: a chip keeps one of its GPUs rather than standing alone.
    if (heavier <= bestHeavier) {
      bestHeavier = heavier;
      best = k;
    }
  }
  return [group.slice(0, best), group.slice(best)];
}

/** The heaviest group's weight: the busiest worker of a partition. */
function heaviest(plan: MachinePlan, groups: readonly number[][]): number {
  return Math.max(...groups.map((g) => groupWeight(plan, g)));
}

/** Split the heaviest unit while there are fewer than `bins` groups, where its halves weigh most alike. */
function splitHeaviest(plan: MachinePlan, units: number[][], bins: number): number[][] {
  const total = (g: number[]) => groupWeight(plan, g);
  let groups = units;
  // A socket's [chip, gpu, gpu, gpu] halves into [chip, gpu] and [gpu, gpu].
  while (groups.length < bins) {
    groups = [...groups].sort((x, y) => total(y) - total(x) || y.length - x.length);
    const big = groups[0]!;
    if (big.length < 2) break;
    groups = [...halve(plan, big), ...groups.slice(1)];
  }
  return groups;
}

/**
 * Longest-processing-time first over single actors: each, heaviest first (then in index order),
 * joins the lightest of `bins` groups, preferring one that already holds an actor of its socket.
 * It balances where halving sockets cannot: 3 workers over two sockets of [chip, 3 GPUs] give
 * 4/3/3 weights instead of 5/3/2.
 */
function spread(plan: MachinePlan, actors: readonly number[], bins: number): number[][] {
  const groups: number[][] = Array.from({ length: bins }, () => []);
  const loads = new Array<number>(bins).fill(0);
  const order = [...actors].sort((x, y) => weight(plan, y) - weight(plan, x) || x - y);
  for (const a of order) {
    const socket = plan.actors[a]!.socket;
    const kin = (g: number[]) => socket !== undefined && g.some((x) => plan.actors[x]!.socket === socket);
    let best = 0;
    for (let b = 1; b < bins; b++) {
      const lighter = loads[b]! < loads[best]!;
      const tie = loads[b] === loads[best];
      if (lighter || (tie && kin(groups[b]!) && !kin(groups[best]!))) best = b;
    }
    groups[best]!.push(a);
    loads[best]! += weight(plan, a);
  }
  return groups.filter((g) => g.length > 0);
}

function partition(plan: MachinePlan, want: number): number[][] {
  const bySocket = new Map<number, number[]>();
  const loose: number[] = [];
  const coordinators: number[] = [];
  for (const a of plan.actors) {
    if (a.kind === 'coordinator') coordinators.push(a.index);
    else if (a.socket === undefined) loose.push(a.index);
    else bySocket.set(a.socket, [...(bySocket.get(a.socket) ?? []), a.index]);
  }
  // Actors without a socket (a fixture machine) are units of their own, in index order.
  const units: number[][] = [
    ...[...bySocket.keys()].sort((x, y) => x - y).map((s) => bySocket.get(s)!),
    ...loose.map((a) => [a]),
  ];
  const total = (g: number[]) => groupWeight(plan, g);
  // The coordinator gets a worker of its own only when every other actor already has one: its
  // few events never pay for a worker that a socket's half could use.
  const others = plan.actors.length - coordinators.length;
  const bins = want - (coordinators.length > 0 && want > others ? 1 : 0);
  let groups = units;
  if (bins > units.length) {
    // More workers than sockets: halve sockets, unless spreading single actors balances better
    // (on a tie, the halves: they keep more of each socket together).
    const halves = splitHeaviest(plan, units, bins);
    const spreadOut = spread(plan, units.flat(), bins);
    groups = heaviest(plan, spreadOut) < heaviest(plan, halves) ? spreadOut : halves;
  }
  // Merge the two lightest while there are too many.
  while (groups.length > bins) {
    groups = [...groups].sort((x, y) => total(x) - total(y));
    groups = [[...groups[0]!, ...groups[1]!].sort((x, y) => x - y), ...groups.slice(2)];
  }
  for (const c of coordinators) {
    if (groups.length < want) groups.push([c]);
    else {
      groups.sort((x, y) => total(x) - total(y));
      groups[0]!.push(c);
    }
  }
  // Workers numbered by their lowest actor, so a placement reads the same every time.
  for (const g of groups) g.sort((x, y) => x - y);
  return groups.sort((x, y) => x[0]! - y[0]!);
}
