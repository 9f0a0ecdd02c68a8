/** What one seed of a sweep comes back with: plain data, from a pool thread to the main thread. */
import type { ChangePoints } from '../model/choice/chooser.js';
import type { ExitClass, FailureFile, FirstFinding } from '../repro/failure-file.js';

export interface SeedOutcome {
  seed: number;
  /** 'clean', 'violation', 'liveness' or 'crash'. */
  status: 'clean' | ExitClass;
  exitCode: number;
  digest: string;
  events: number;
  simulatedTicks: number;
  wallMs: number;
  first: FirstFinding | undefined;
  /** Every rule that fired (among the findings kept): how many times, and its earliest tick. */
  rules: Record<string, { count: number; tick: number }>;
  /**
   * A PCT seed: n (agents) and k (scheduling steps) its own counting run measured, the bound
   * 1 / (n * k^(d-1)) they give (repro/pct-setup.ts; d cut to k + 1 where k < d - 1), and how many of its change points its PCT
   * run reached (RunResult `pct`; absent when that run crashed).
   */
  pct?: { agents: number; steps: number; bound: number; changePoints?: ChangePoints };
  /**
   * The seed's run result as JSON text, when the task asked for it (`sweep --results DIR`): a
   * crashed seed's says its crash and has no figures, as `npusim run --out` writes one.
   */
  result?: string;
  /**
   * Whether the seed's run found what the sweep's variant expects (SeedTask.judgeAs; absent when
   * the sweep is no variant).
   */
  expectationMet?: boolean;
  /** The failure file to write, for a failing seed. */
  failure: FailureFile | undefined;
  /**
   * Ctrl-C stopped the seed's run before its end (SeedTask.stopWord): no verdict, so the sweep
   * neither counts it nor writes its files, as a seed that never started.
   */
  interrupted?: true;
}
