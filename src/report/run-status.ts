/**
 * A run's status and exit code from how it ended and what it found: the one rule a run's result
 * is assembled by (assemble-result.ts), replay's exit code is taken by, and a result read back is
 * checked against (finding-check.ts statusIssue). A file apart so that `npusim compare`, which
 * reads results, need not load the assembly.
 */
import { EXIT } from '../core/exit-codes.js';
import type { RawRun } from '../runtime/raw-run.js';
import type { RunResult, RunStatus } from './run-result.js';

export function statusOf(
  stopped: RawRun['stopped'],
  violations: number,
  liveness: number,
): { status: RunStatus; exitCode: RunResult['exitCode'] } {
  if (stopped === 'interrupted') return { status: 'interrupted', exitCode: EXIT.interrupted };
  if (liveness > 0) return { status: 'liveness', exitCode: EXIT.liveness };
  if (violations > 0) return { status: 'violation', exitCode: EXIT.violation };
  return { status: 'clean', exitCode: EXIT.clean };
}
