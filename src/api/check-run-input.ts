/**
 * What a library caller hands `runSimulation` and `runWorkload`, checked as the command line checks
 * its options, before anything runs: the types say most of it, but a JavaScript caller (or a value
 * computed at run time) can pass a seed the command line refuses, whose result would then carry a
 * reproduce line that fails (`--seed -1`) or replays another run (`seed: '7'` ran as seed 7's
 * string, its line said `--seed 7`). Each refusal is a ConfigError naming the field, saying what
 * was expected and what arrived.
 */
import { ConfigError } from '../core/errors.js';
import { isSeed, SEED_RANGE_TEXT } from '../core/seed-range.js';
import { MAX_PCT_DEPTH } from '../model/choice/pct.js';
import { BUG_NAMES, isBugName } from '../model/scenario/bugs.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { parseParams } from '../model/scenario/workload-params.js';
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
  if (!isSeed(config.seed)) {
    throw new ConfigError('seed', `Expected an integer seed ${SEED_RANGE_TEXT}, got ${shown(config.seed)}`);
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
  // The parameters as a workload file's are checked (a duration of -5 ran, and printed a
  // reproduce line with `--duration -5`); parsed ones parse to themselves.
  parseParams(config.params, 'params');
  checkStrategy(config.strategy);
}

/** The fields of each kind of strategy (model/choice/strategy.ts StrategySpec). */
const STRATEGY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  random: ['kind'],
  count: ['kind'],
  replay: ['kind', 'choices'],
  pct: ['kind', 'depth', 'steps', 'agents'],
};

/** A strategy as `--strategy` and a failure file give one (model/choice/strategy.ts). */
function checkStrategy(s: RunConfig['strategy']): void {
  if (s === undefined) return;
  const k = (s as { kind?: unknown }).kind;
  // Exactly the fields a failure file's strategy has (repro/failure-file.ts refuses others):
  // `{ kind: 'random', depth: 3 }` ran as random, and a key the run ignores is a mistake unseen.
  const fields = STRATEGY_FIELDS[k as string];
  if (fields !== undefined) {
    const extra = Object.keys(s).filter((key) => !fields.includes(key));
    if (extra.length > 0)
      throw new ConfigError(
        `strategy.${extra[0]}`,
        `Expected only ${fields.map((f) => `\`${f}\``).join(', ')} in a ${k} strategy, got ${extra.map((e) => `\`${e}\``).join(', ')} too`,
      );
  }
  if (k === 'random' || k === 'count') return;
  if (k === 'replay' && Array.isArray((s as { choices?: unknown }).choices)) return;
  if (k === 'pct') {
    const p = s as { depth?: unknown; steps?: unknown; agents?: unknown };
    if (!safeCount(p.depth, 1, MAX_PCT_DEPTH))
      throw new ConfigError(
        'strategy.depth',
        `Expected a whole number from 1 to ${MAX_PCT_DEPTH}, got ${shown(p.depth)}`,
      );
    if (!Array.isArray(p.steps) || !p.steps.every((n) => safeCount(n, 0, Number.MAX_SAFE_INTEGER)))
      throw new ConfigError(
        'strategy.steps',
        `Expected a list of whole numbers from 0, got ${shown(p.steps)}`,
      );
    if (!safeCount(p.agents, 0, Number.MAX_SAFE_INTEGER))
      throw new ConfigError('strategy.agents', `Expected a whole number from 0, got ${shown(p.agents)}`);
    return;
  }
  throw new ConfigError(
    'strategy',
    `Expected { kind: 'random' }, { kind: 'pct', depth, steps, agents }, { kind: 'replay', choices } or { kind: 'count' }, got kind ${shown(k)}`,
  );
}

export function checkEngineOptions(options: EngineOptions): void {
  if (options.host !== 'inline' && options.host !== 'threaded') {
    throw new ConfigError('host', `Expected \`inline\` or \`threaded\`, got ${shown(options.host)}`);
  }
  const p = options.placement as { kind?: unknown; count?: unknown } | undefined;
  if (p !== undefined && options.host === 'inline') {
    // As `--workers` with `--inline`: a placement an inline run would silently not use.
    throw new ConfigError(
      'placement',
      "Expected no placement with host `inline` (every actor in one thread), got one: pass host 'threaded'",
    );
  }
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
