/**
 * Everything a run depends on besides its seed (cli/scenario-config.ts builds it, every runtime
 * and the machine read it): the workload and its parameters, bug switches, release profile,
 * topology, chooser strategy and the knobs of a test.
 */
import type { StrategySpec } from '../choice/strategy.js';
import type { TopologySpec } from '../platform/topology-spec.js';
import type { BugName } from './bugs.js';
import type { ProfileName } from './profiles.js';
import type { WorkloadParams } from './workload-params.js';

/** Everything a run depends on: with the seed, it determines the run bit for bit. */
export interface RunConfig {
  workload: string;
  /** A workload read from a user's file (`npusim run ./w.ts`): the path as given. */
  workloadFile?: string;
  /** The variant of the workload this run is (`--variant`), its `set` already in `params`. */
  variant?: string;
  /**
   * `--set PATH=VALUE` overrides, in order, already applied to `params`: kept so the reproduce
   * line and failure files say them (the digest covers `params`).
   */
  set?: { path: string; value: unknown }[];
  seed: number;
  bugs: BugName[];
  params: WorkloadParams;
  /** Fault injection for tests of the crash path: this actor throws at its Nth event. */
  crashAt?: { actor: string; event: number };
  /**
   * A custom topology (a validated TopologySpec, topology-spec.ts) instead of the preset named by
   * params.topology, which then holds its name; `file` is where it was read from (reproduce line).
   */
  customTopology?: { file: string; spec: TopologySpec };
  /**
   * The release pairing (profiles.ts): its bug switches are added to `bugs` and its firmware
   * behaviours apply. Default `fixed`.
   */
  profile?: ProfileName;
  /** Which chooser every actor gets (choice/strategy.ts); default drawn from the seed. */
  strategy?: StrategySpec;
  /** End the run at the end of the tick of its first violation or liveness failure. */
  stopOnFirst?: boolean;
}

/**
 * The parameters that a command-line option of their own sets besides `--set`, and that option:
 * `run` refuses a parameter given both ways (cli/scenario-config.ts), so the reproduce line names
 * only the `--set` of one a run set that way (report/reproduce-line.ts).
 */
export const OPTION_OF_PARAM = {
  topology: '--topology',
  policy: '--policy',
  durationTicks: '--duration',
} as const;
export type ParamWithOption = keyof typeof OPTION_OF_PARAM;
