/**
 * The workers of a run whose threaded engine stalled, as its watchdog left them
 * (runtime/threaded-watchdog.ts, EngineStallError's dump: each worker's actors, the tick it had
 * reached, the events it had handled and its state), read defensively: the dump is also the
 * result's `stall`, which a file read back may hold in any shape. The summary's table and the
 * tick the run is reported to (the least a worker had reached) both read it here.
 */
import {
  STATE_CRASHED,
  STATE_FINISHED,
  STATE_IDLE,
  STATE_RUNNING,
  STATE_STARTING,
} from '../runtime/thread-status.js';

export interface StalledWorker {
  actors: string;
  tick: number;
  events: number;
  /** `starting`, `running`, `finished`, `crashed`, `idle`, or the number the dump held. */
  state: string;
}

const STATE_NAMES: Record<number, string> = {
  [STATE_STARTING]: 'starting',
  [STATE_RUNNING]: 'running',
  [STATE_FINISHED]: 'finished',
  [STATE_CRASHED]: 'crashed',
  [STATE_IDLE]: 'idle',
};

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** The dump's workers, least advanced first (ties in the dump's order). */
export function stalledWorkers(dump: Record<string, unknown>): StalledWorker[] {
  const rows = Array.isArray(dump.workers) ? (dump.workers as unknown[]) : [];
  return rows
    .map((row) => {
      const r = (typeof row === 'object' && row !== null ? row : {}) as Record<string, unknown>;
      const state = typeof r.state === 'number' ? (STATE_NAMES[r.state] ?? String(r.state)) : '?';
      return { actors: String(r.actors ?? '?'), tick: count(r.tick), events: count(r.events), state };
    })
    .sort((a, b) => a.tick - b.tick);
}

/** The tick every worker had reached when the engine stalled: the least of them (0 with none). */
export function stalledAtTick(dump: Record<string, unknown>): number {
  return stalledWorkers(dump)[0]?.tick ?? 0;
}
