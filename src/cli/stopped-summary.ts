/**
 * A resume run into its stopped sweep's own `--failures DIR`, as the stopped sweep's resume line
 * reads (`resume: --seeds 243..1000`, the rest of the command as before), replaced the stopped
 * sweep's `sweep-summary.json`, and with it the only record of the seeds it ran: `sweep --merge`
 * could no longer build the whole sweep's summary (QA Q24). So before a sweep's summary replaces
 * one that stopped early, of the same configuration and other seeds (its resume), that one is kept
 * beside it as `sweep-summary-stopped-N.json` (the first N free): `npusim sweep --merge DIR` reads
 * every `sweep-summary*.json` there, and joins a stopped sweep with its resumes. A rerun of the
 * same seeds, or a sweep of another configuration, replaces it as before (README: "a sweep into
 * this directory replaces it").
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sameSeeds } from '../sweep/seeds.js';
import type { SweepSummary } from '../sweep/summary.js';
import { checkSameSweep } from '../sweep/summary-merge.js';
import { readSummary } from '../sweep/summary-read.js';

/** Names tried for the kept summary: far more than resumes of one sweep will need. */
const MAX_KEPT = 1000;

/**
 * Keep the summary at `path` beside it when `summary` is a resume of it (above); returns where it
 * went, or undefined when it stays to be replaced (none there, unreadable, not stopped, not this
 * sweep's configuration, the same seeds). A rename that fails leaves it to be replaced, as before.
 */
export function keepStoppedSummary(path: string, summary: SweepSummary): string | undefined {
  let there: SweepSummary;
  try {
    there = readSummary(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
  if (!there.stoppedEarly || there.shards !== null || sameSeeds(there.seeds, summary.seeds)) return undefined;
  try {
    checkSameSweep({ summary: there, where: path }, { summary, where: 'this sweep' }, true);
  } catch {
    return undefined;
  }
  for (let n = 1; n <= MAX_KEPT; n++) {
    const kept = join(dirname(path), `sweep-summary-stopped-${n}.json`);
    if (existsSync(kept)) continue;
    try {
      renameSync(path, kept);
      return kept;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
