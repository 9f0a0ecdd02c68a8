/**
 * The run's digest (docs/theory-of-operation.md#75-determinism): the hash of every actor's ordered
 * event stream, combined with everything else that makes two runs the same run: the configuration
 * that changes behaviour (workload parameters, bug switches, profile, strategy, stop-on-first, the
 * topology, when a file gives one that is not a preset restated, as its whole spec with every
 * default written out and every object's keys in order, so a file's key order or a default spelled
 * out does not change it) and the outcome (every violation and liveness failure kept, and how many
 * there were). Two runs with equal digests did the same thing and found the same things; a bug
 * switch whose run happens to send the same messages as its clean twin still gives another digest.
 */
import type { Violation } from '../model/check/violation.js';
import { strategyName } from '../model/choice/strategy.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import { digestableParams } from '../model/scenario/workload-params.js';
import { digestText } from '../runtime/digest.js';
import { fullTopology, restatesPreset } from './full-topology.js';

/** The parts of a configuration that change what a run does (not how it is hosted). */
export function behaviourOf(config: RunConfig): Record<string, unknown> {
  const custom = config.customTopology?.spec;
  return {
    workload: config.workload,
    seed: config.seed,
    // Parameters added since digests were first published drop out while unused (workload.ts).
    params: digestableParams(config.params),
    bugs: [...config.bugs].sort(),
    profile: config.profile ?? 'fixed',
    strategy: strategyName(config.strategy),
    choices: config.strategy?.kind === 'replay' ? digestText(JSON.stringify(config.strategy.choices)) : null,
    pctSteps: config.strategy?.kind === 'pct' ? digestText(JSON.stringify(config.strategy.steps)) : null,
    stopOnFirst: config.stopOnFirst === true,
    crashAt: config.crashAt ?? null,
    // A file that restates a preset builds the preset's machine: the preset's digest (null).
    topology:
      custom === undefined || restatesPreset(custom) ? null : sortedKeys(fullTopology(custom, custom.name)),
  };
}

/**
 * The digest of what a configuration makes a run do (behaviourOf): a failure file keeps it, so an
 * edit of the file's configuration is seen at replay where no run digest can show it (a crash's
 * file has none).
 */
export function configDigestOf(config: RunConfig): string {
  return digestText(JSON.stringify(behaviourOf(config)));
}

/** `value` with every object's keys in order (a list keeps its order: it is the machine's). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

export function outcomeDigest(
  config: RunConfig,
  eventDigest: string,
  violations: readonly Violation[],
  liveness: readonly Violation[],
  violationTotal: number,
  livenessNotKept = 0,
): string {
  const brief = (v: Violation) => [v.rule, v.tick, v.actors, v.addresses];
  return digestText(
    JSON.stringify({
      events: eventDigest,
      behaviour: behaviourOf(config),
      violations: violations.map(brief),
      liveness: liveness.map(brief),
      violationTotal,
      // Liveness failures counted past the kept ones (watchdog.ts): hashed only when there are
      // some, so the digest of every run that kept them all is what it was.
      ...(livenessNotKept > 0 ? { livenessNotKept } : {}),
    }),
  );
}
