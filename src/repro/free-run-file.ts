/**
 * Whether a file a command is about to write over holds the failure file of a free run that found
 * something. Such a file is the only record of its race: a free run's order of events came from
 * real thread timing, in no seed, so `npusim run` cannot make it again; only its take log in that
 * file replays it. `--record FILE` run twice, or `--out` of the file, replaced it without a word
 * (the failures directory never does: keep-failure-file.ts), so every output a command writes is
 * refused before it runs when it names one (cli/output-path.ts checkOutputFiles), and a sweep
 * writes no run result over one (sweep/sweep.ts writeResult: QA, `--results` replaced one a user
 * had named as a seed's result). Another failure file (a seed's, replayable from its command), a
 * clean free run's recording and any other file are the user's to overwrite, as README's options
 * say.
 */
import { readFileSync, statSync } from 'node:fs';
import { FAILURE_FORMAT } from '../core/npusim-files.js';
import { withoutBom } from '../core/parse-json.js';
import { shownText } from '../core/shown-text.js';
// Larger than any failure file npusim writes: not one (nor read).
import { MAX_FAILURE_FILE_BYTES } from '../io/failure-file-text.js';

/**
 * What `path` holds when it is a free run's failure file with a finding, in words for a refusal
 * (`a free run's failure file (stress, seed 42: order.atsd-released-early at 12.3 us)`); undefined
 * for anything else, a file that cannot be read or parsed included (the write checks say those).
 */
export function freeRunFileAt(path: string): string | undefined {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FAILURE_FILE_BYTES || st.size === 0) return undefined;
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // A result or trace that cannot be one is not parsed for nothing.
  if (!text.includes(`"${FAILURE_FORMAT}"`)) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(withoutBom(text)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o) || o.format !== FAILURE_FORMAT)
    return undefined;
  const free = o.free;
  const first = o.first as { rule?: unknown } | null | undefined;
  if (free === null || typeof free !== 'object' || first === null || typeof first !== 'object')
    return undefined;
  const workload = (o.workload as { name?: unknown } | undefined)?.name;
  const parts = [
    typeof workload === 'string' ? shownText(workload) : undefined,
    typeof o.seed === 'number' ? `seed ${o.seed}` : undefined,
  ].filter((p) => p !== undefined);
  // Read leniently, so its text is shown escaped: a control character never reaches the terminal.
  const rule = typeof first.rule === 'string' ? `: ${shownText(first.rule)}` : '';
  return `a free run's failure file (${parts.join(', ')}${rule})`;
}
