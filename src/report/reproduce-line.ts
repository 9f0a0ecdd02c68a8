/**
 * The command line that reproduces a run exactly (design.md: "a failing run is replayed exactly
 * from its seed, and the reproduce line is printed when it fails"; TigerBeetle's VOPR prints the
 * same). It names every option a run depends on, explicitly, even where it equals the workload's
 * default, so the line still reproduces the run after a workload file changes its defaults. A
 * workload read from a file is named by its path, and every `--set` is printed, shell-quoted.
 */
import type { RunConfig } from '../model/scenario/run-config.js';
import { formatDuration } from './duration.js';

/**
 * `free`: the line re-runs the same scenario free, which races anew; only the run's failure file
 * (or --record file) replays that very run, and the run command prints its replay line.
 */
export function reproduceCommand(config: RunConfig, host: 'inline' | 'threaded' | 'free'): string {
  const parts = [
    'npusim run',
    shellWord(config.workloadFile ?? config.workload),
    ...(config.variant === undefined ? [] : [`--variant ${config.variant}`]),
    ...(config.set ?? []).map((s) => `--set ${shellWord(`${s.path}=${setValueText(s.value)}`)}`),
    `--seed ${config.seed}`,
    `--duration ${formatDuration(config.params.durationTicks)}`,
    `--topology ${shellWord(config.customTopology?.file ?? config.params.topology)}`,
    `--policy ${config.params.policy}`,
  ];
  for (const bug of config.bugs) parts.push(`--bug ${bug}`);
  if (config.profile !== undefined && config.profile !== 'fixed') parts.push(`--profile ${config.profile}`);
  if (config.stopOnFirst === true) parts.push('--stop-on-first');
  if (config.crashAt !== undefined) parts.push(`--crash-at ${config.crashAt.actor}:${config.crashAt.event}`);
  if (host === 'inline') parts.push('--inline');
  if (host === 'free') parts.push('--free');
  return parts.join(' ');
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

/** A word a POSIX shell passes through unchanged: bare when safe, else single-quoted. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_.,:/=+@%-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
