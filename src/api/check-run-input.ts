/**
 * What a library caller hands `runSimulation` and `runWorkload`, checked as the command line checks
 * its options, before anything runs: the types say most of it, but a JavaScript caller (or a value
 * computed at run time) can pass a seed the command line refuses, whose result would then carry a
 * reproduce line that fails (`--seed -1`) or replays another run (`seed: '7'` ran as seed 7's
 * string, its line said `--seed 7`). Each refusal is a ConfigError naming the field, saying what
 * was expected and what arrived.
 */
import { ConfigError } from '../core/errors.js';
import { BUG_NAMES, isBugName } from '../model/scenario/bugs.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { EngineOptions } from '../runtime/engine.js';
import { MAX_WORKERS } from '../runtime/placement.js';

/** A value as a message shows it: strings quoted, so `'7'` is not read as 7. */
function shown(v: unknown): string {
  if (typeof v === 'string') return `${JSON.stringify(v)} (a string)`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

function safeCount(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

export function checkRunConfig(config: RunConfig): void {
  if (!safeCount(config.seed, 0, Number.MAX_SAFE_INTEGER)) {
    throw new ConfigError(
      'seed',
      `Expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${shown(config.seed)}`,
    );
  }
  if (!Array.isArray(config.bugs)) {
    throw new ConfigError('bugs', `Expected a list of bug switch names, got ${shown(config.bugs)}`);
  }
  const unknown = config.bugs.find((b) => typeof b !== 'string' || !isBugName(b));
  if (unknown !== undefined) {
    throw new ConfigError(
      'bugs',
      `Expected bug switches among ${BUG_NAMES.join(', ')}, got ${shown(unknown)}`,
    );
  }
}

export function checkEngineOptions(options: EngineOptions): void {
  if (options.host !== 'inline' && options.host !== 'threaded') {
    throw new ConfigError('host', `Expected \`inline\` or \`threaded\`, got ${shown(options.host)}`);
  }
  const p = options.placement as { kind?: unknown; count?: unknown } | undefined;
  if (p !== undefined) {
    const ok =
      p.kind === 'per-actor' ||
      p.kind === 'auto' ||
      (p.kind === 'workers' && safeCount(p.count, 1, MAX_WORKERS));
    if (!ok) {
      throw new ConfigError(
        'placement',
        `Expected { kind: 'per-actor' }, { kind: 'auto' } or { kind: 'workers', count } with a whole count from 1 to ${MAX_WORKERS}, got ${p.kind === 'workers' ? `a count of ${shown(p.count)}` : `kind ${shown(p.kind)}`}`,
      );
    }
  }
  if (options.free !== undefined && !safeCount(options.free.windowTicks, 1, Number.MAX_SAFE_INTEGER)) {
    throw new ConfigError(
      'free.windowTicks',
      `Expected a whole number of ticks from 1, got ${shown(options.free.windowTicks)}`,
    );
  }
}
