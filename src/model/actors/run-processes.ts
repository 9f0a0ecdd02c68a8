/**
 * A run's processes for a judgement made before or after it (scenario/bug-reach.ts: whether a
 * shootdown switch has several NPUs to act on), built from its world when asked (worldOf, cached
 * per config). A config no world can be built from (a library caller's result of a machine this
 * build refuses) gives undefined, and nothing is said of the switches that need them; any other
 * error is npusim's own and is thrown.
 */
import { ConfigError } from '../../core/errors.js';
import type { RunProcesses } from '../scenario/bug-reach.js';
import type { RunConfig } from '../scenario/run-config.js';
import { worldOf } from './machine.js';

export function runProcesses(config: RunConfig): RunProcesses {
  return () => {
    try {
      return worldOf(config).processes;
    } catch (e) {
      if (e instanceof ConfigError) return undefined;
      throw e;
    }
  };
}
