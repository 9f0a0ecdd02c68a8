/**
 * What a free run records (the take log of every actor, with what it needs to replay) and the
 * free-mode figures a result reports: lateness, drift waits and the log's size. The schema is the
 * one a failure file or a `--record` file carries; reading is strict, as for the rest of the file.
 */
import { z } from 'zod';
import { strictFields } from '../../model/scenario/schema-issues.js';
import { MAX_RUN_TICKS } from '../../model/scenario/workload-params.js';
import type { Lateness } from './free-actor.js';
import { type ActorTakeLog, takeLogBytes } from './take-log.js';

export interface FreeActorLog extends ActorTakeLog {
  /** The tick its actor finished at (the run's end, its stop tick, or its clock at Ctrl-C). */
  finishTick: number;
}

export interface FreeLog {
  /** The drift window the run used, in ticks (for the record: a replay does not need it). */
  windowTicks: number;
  stopped: 'end' | 'interrupted' | 'first-finding';
  actors: FreeActorLog[];
}

/** What a take log's `check` is: the digest of its events and takes (take-log.ts logCheck). */
const CHECK_EXPECTED = "Expected the take log's check: 16 hex digits (0-9, a-f)";

// Unknown keys listed with the allowed ones, a bad check in the house words (QA Q11: zod's own
// `Unrecognized key: "x"` and `Invalid string: must match pattern` were printed).
export const freeLogSchema = strictFields('a free log field', {
  // As `--free-window` takes it: a file's reproduce line must be one the command line accepts.
  windowTicks: z
    .number()
    .int()
    .min(1, {
      error: (issue) => `Expected a drift window above 0 ticks (--free-window), got ${String(issue.input)}`,
    })
    .max(MAX_RUN_TICKS, {
      error: (issue) =>
        `Expected a drift window of at most 1000 s (${MAX_RUN_TICKS} ticks), got ${String(issue.input)}`,
    }),
  stopped: z.enum(['end', 'interrupted', 'first-finding']),
  actors: z.array(
    strictFields('a take log field', {
      events: z.number().int().min(0),
      takes: z.string(),
      check: z.string({ error: CHECK_EXPECTED }).regex(/^[0-9a-f]{16}$/, { error: CHECK_EXPECTED }),
      finishTick: z.number().int().min(0),
    }),
  ),
});

/** Free-mode figures of a run (RawRun.free and the result's `free`). */
export interface FreeFigures {
  windowTicks: number;
  /** Records taken with a time below their actor's clock, and by how much (ticks). */
  lateRecords: number;
  lateTicksMax: number;
  lateTicksMean: number;
  /** Times a worker waited because it was a window ahead of the others. */
  driftWaits: number;
  /** The take log's size as stored (bytes of base64 text), and its entries after run-length encoding. */
  logBytes: number;
  log: FreeLog;
}

export function freeFigures(log: FreeLog, lateness: readonly Lateness[], driftWaits: number): FreeFigures {
  const late = lateness.reduce((s, l) => s + l.late, 0);
  const total = lateness.reduce((s, l) => s + l.totalTicks, 0);
  return {
    windowTicks: log.windowTicks,
    lateRecords: late,
    lateTicksMax: lateness.reduce((m, l) => Math.max(m, l.maxTicks), 0),
    lateTicksMean: late === 0 ? 0 : Math.round(total / late),
    driftWaits,
    logBytes: takeLogBytes(log.actors),
    log,
  };
}
