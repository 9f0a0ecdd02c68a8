/**
 * The environment a child `npusim` gets in a test that acts once the run shows progress (a signal
 * sent at its first progress line): NPUSIM_PROGRESS_INTERVAL at 0.2 s (src/cli/progress-interval.ts)
 * instead of a line every 2 s, so the test acts after a fifth of the time, and the run before the
 * signal, and a replay of it, are that much shorter. The hand-off is still on what the child
 * prints, never on a sleep.
 */
import { PROGRESS_INTERVAL_ENV } from '../../src/cli/progress-interval.js';

export const FAST_PROGRESS: Record<string, string> = { [PROGRESS_INTERVAL_ENV]: '0.2' };
