/**
 * The `--report` page's engine tables, as the summary's (summary-engine.ts): the run's rates, free
 * mode's lines, the rings, each worker's figures (synchronisation and waits where the run has
 * them), and each variant's engine figures. Machine-dependent, unlike the rest of the page.
 */

import { WAIT_BUCKET_LABELS } from '../runtime/wait-histogram.js';
import { formatTime } from './duration.js';
import { esc, table } from './html-parts.js';
import { compact, rateText } from './number-text.js';
import type { RunResult } from './run-result.js';
import {
  freeModeLines,
  keptText,
  LAMBDA_LEGEND,
  lambdaText,
  placementHint,
  placementText,
  ringTable,
  variantEngineFigures,
  waitBucketTexts,
} from './summary-engine.js';
import { msText } from './summary-text.js';
import { variantsAlikeText } from './variants-alike.js';

export function engineTable(result: RunResult): string {
  const e = result.engine;
  // The conservative loop's synchronisation figures (sync-figures.ts): threaded runs only.
  const sync = e.workers.some((w) => w.lambda !== undefined);
  // Each worker's waits by length, as the summary's `waits:` line (wait-histogram.ts): a table of
  // its own under the workers', which with them ran past the page's width (QA).
  const waits = e.workers.some((w) => w.waits !== undefined);
  // The waits that found work at once, no park (sync-figures.ts waitChecks), as the summary's
  // `(N parks, M checks)`: a long wait beside few parks read as a contradiction without them (QA).
  const checks = e.workers.some((w) => (w.checks ?? 0) > 0);
  // Times each worker turned its spinning off (adaptive-spin.ts), as the summary's `spinning off N
  // times`: the column only where a worker did, which the result records only then (threaded-raw-run.ts).
  const spinOff = e.workers.some((w) => (w.spinTurnedOff ?? 0) > 0);
  const free = freeModeLines(result);
  const hint = placementHint(result);
  const rings = ringTable(e, e.rings.length);
  return (
    `<p>${e.events} events, ${compact(e.eventsPerSecond)} events/s, ${compact(e.simulatedNsPerWallSecond)} simulated ns per wall second (machine-dependent)</p>` +
    (free === undefined ? '' : `<p>${esc(free[0])}; ${esc(free[1])}</p>`) +
    // Every ring that carried records (the summary shows the first few), in the summary's order.
    (rings === undefined ? '' : `<p>${esc(rings.heading)}</p>${table(rings.header, rings.rows)}`) +
    (e.workers.length === 0
      ? ''
      : `<p>placement: ${esc(placementText(e.placement, e.workers.length, e.cores) + keptText(e))}</p>` +
        table(
          [
            'worker',
            'busy ms',
            'waited ms',
            'parks',
            ...(checks ? ['checks'] : []),
            'timed out',
            ...(spinOff ? ['spinning off'] : []),
            'events',
            ...(sync ? ['lookahead', 'events/window', 'parks/s', 'lambda'] : []),
          ],
          e.workers.map((w) => [
            w.actor,
            msText(w.busyMs),
            msText(w.parkedMs),
            String(w.parks),
            ...(checks ? [String(w.checks ?? 0)] : []),
            w.parksTimedOut === undefined
              ? ''
              : `${w.parksTimedOut}${w.parksTimedOut > 0 && w.parksTimedOutAtStart !== undefined ? ` (${w.parksTimedOutAtStart} at start)` : ''}`,
            ...(spinOff ? [String(w.spinTurnedOff ?? 0)] : []),
            String(w.events),
            ...(sync
              ? [
                  w.lookaheadTicks === undefined ? '' : formatTime(w.lookaheadTicks),
                  rateText(w.eventsPerWindow ?? 0),
                  rateText(w.parksPerSecond ?? w.handoffsPerSecond ?? 0),
                  w.lambda === undefined ? '' : lambdaText(w),
                ]
              : []),
          ]),
        ) +
        (waits
          ? `<p>waits by length (count, and their total time):</p>${table(
              ['worker', ...WAIT_BUCKET_LABELS.map((l) => `waits ${l}`)],
              e.workers.map((w) => [
                w.actor,
                ...(w.waits === undefined ? WAIT_BUCKET_LABELS.map(() => '') : waitBucketTexts(w.waits)),
              ]),
            )}`
          : '') +
        (sync ? `<p>${esc(LAMBDA_LEGEND)}</p>` : '') +
        (hint === undefined ? '' : `<p>${esc(hint)}</p>`))
  );
}

/**
 * Each variant's engine figures, a row each, as the summary's `variants (same seed and options):`
 * (variants-alike.ts)
 * rows (summary-engine.ts variantEngineFigures): the page had the own run's engine only (QA). Their
 * verdicts are the answer's table above; a variant that handled no event (a crash) says its status.
 */
export function variantEngineTable(result: RunResult): string {
  const figures = variantEngineFigures(result);
  if (figures.length === 0) return '';
  const rings = figures.some((f) => f.ringsStalled !== undefined);
  return (
    `<p>variants (${esc(variantsAlikeText(result))}):</p>` +
    table(
      [
        'variant',
        'status',
        'ran',
        'events',
        'events/s',
        'simulated ns per wall second',
        ...(rings ? ['rings stalled'] : []),
        'lambda or placement',
      ],
      figures.map((f) => [
        f.name,
        f.status,
        f.ran,
        f.events === undefined ? 'none' : String(f.events),
        f.eventsPerSecond,
        f.simulatedNsPerWallSecond,
        ...(rings ? [f.ringsStalled ?? ''] : []),
        f.threads,
      ]),
      'variants',
    )
  );
}
