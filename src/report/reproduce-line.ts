/**
 * The command line that reproduces a run exactly (README.md "Who uses it, and for what": "Every run
 * prints a digest of its event stream and a line that reproduces it"; a failing run is replayed
 * exactly from its seed, as TigerBeetle's VOPR prints how to reproduce a failure). It names every
 * option a run depends on, explicitly, even where it equals the workload's default, so the line
 * still reproduces the run after a workload file changes its defaults. A workload read from a file
 * is named by its path, and every `--set` is printed, shell-quoted. A parameter the run was given
 * by `--set` is not also given by its own option: `run` refuses a parameter given both ways
 * (cli/scenario-config.ts), so such a line would not run at all.
 */

import { shellWord } from '../core/shell-word.js';
import type { StrategySpec } from '../model/choice/strategy.js';
import { OPTION_OF_PARAM, type ParamWithOption, type RunConfig } from '../model/scenario/run-config.js';
import { formatDuration } from './duration.js';
import type { RunResult } from './run-result.js';

/**
 * What a free run's own command is printed under (`npusim run ... --free --free-window T`): it runs
 * the scenario free again, and a free run's interleaving comes from real thread timing, so it races
 * anew and reproduces nothing; only the run's failure or --record file replays that very run.
 */
export const FREE_RERUN_LABEL = 're-run in free mode (races anew, so not this very run)';

/**
 * The label of a result's reproduce line: `reproduce` for a line that gives the run again exactly
 * (a deterministic run's command, or `npusim replay FILE`), FREE_RERUN_LABEL for a free run's own
 * command (a free run with no failure or --record file, or one that crashed and left no take log).
 */
export function reproduceLabel(result: Pick<RunResult, 'reproduce' | 'engine'>): string {
  return lineLabel(result.reproduce, result.engine.placement === 'free');
}

/** reproduceLabel of a line `reproduce` of a run that was free or not (a variant's, say). */
export function lineLabel(reproduce: string, free: boolean): string {
  return free && !reproduce.startsWith('npusim replay ') ? FREE_RERUN_LABEL : 'reproduce';
}

/** `reproduce: CMD`, or a free run's command labelled as a re-run (reproduceLabel). */
export function reproduceLine(result: Pick<RunResult, 'reproduce' | 'engine'>): string {
  return `${reproduceLabel(result)}: ${result.reproduce}`;
}

/**
 * `free`: the line re-runs the same scenario free, which races anew; only the run's failure file
 * (or --record file) replays that very run, and the run command prints its replay line.
 * `freeWindowTicks`: a free run's drift window (`--free-window`), which shapes how it races.
 */
export function reproduceCommand(
  config: RunConfig,
  host: 'inline' | 'threaded' | 'free',
  freeWindowTicks?: number,
  placement?: string,
): string {
  const setPaths = new Set((config.set ?? []).map((s) => s.path));
  const own = (param: ParamWithOption, word: string): string[] =>
    setPaths.has(param) ? [] : [`${OPTION_OF_PARAM[param]} ${word}`];
  const parts = [
    'npusim run',
    shellWord(config.workloadFile ?? config.workload),
    ...(config.variant === undefined ? [] : [`--variant ${config.variant}`]),
    ...(config.set ?? []).map((s) => `--set ${shellWord(`${s.path}=${setValueText(s.value)}`)}`),
    `--seed ${config.seed}`,
    ...own('durationTicks', formatDuration(config.params.durationTicks)),
    ...own('topology', shellWord(config.customTopology?.file ?? config.params.topology)),
    ...own('policy', config.params.policy),
  ];
  for (const bug of config.bugs) parts.push(`--bug ${bug}`);
  if (config.profile !== undefined && config.profile !== 'fixed') parts.push(`--profile ${config.profile}`);
  parts.push(...strategyWords(config.strategy));
  if (config.stopOnFirst === true) parts.push('--stop-on-first');
  if (config.crashAt !== undefined) parts.push(`--crash-at ${config.crashAt.actor}:${config.crashAt.event}`);
  if (host === 'inline') parts.push('--inline');
  if (host === 'threaded') parts.push(...workersWords(placement));
  if (host === 'free') {
    parts.push('--free');
    if (freeWindowTicks !== undefined) parts.push(`--free-window ${formatDuration(freeWindowTicks)}`);
  }
  return parts.join(' ');
}

/**
 * `--workers P` for a threaded run placed otherwise than one worker per actor (the default), so the
 * line is the command that was run: every placement gives the same digest, not the same speed, and
 * a user who chose `--workers 2` for a long run should not get the slower default back. `placement`
 * is the run's label (runtime/placement.ts `placementName`: `per-actor`, `auto` or a count).
 */
export function workersWords(placement: string | undefined): string[] {
  return placement === 'auto' || (placement !== undefined && /^[0-9]+$/.test(placement))
    ? [`--workers ${placement}`]
    : [];
}

/**
 * The options that choose the strategy. PCT's change points come from a measuring run of the same
 * configuration (repro/pct-setup.ts), so its depth is all the line needs to draw them again. A
 * recorded choice log (`replay`, what the shrinker edits) has no option: only its file replays it.
 */
function strategyWords(strategy: StrategySpec | undefined): string[] {
  return strategy?.kind === 'pct' ? ['--strategy pct', `--pct-depth ${strategy.depth}`] : [];
}

/**
 * A `--set` value as text that `--set` reads back to the same value: a string that would not
 * parse as JSON stays bare (`per-gpu`); anything else is JSON (`4096`, `["2M"]`, `"42"`).
 */
export function setValueText(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}
