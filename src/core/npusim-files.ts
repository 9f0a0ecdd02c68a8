/**
 * The JSON files npusim writes, by the field that names their kind, and which of them (or of the
 * files it reads: a topology, a workload) a JSON object looks like. Each reader that is handed the
 * wrong one (a failure file to `compare`, a run result to `replay`, a failure file to `sweep
 * --merge`) says what it got in these words, which name the command that takes it, instead of the
 * first field it missed.
 */

/** `format` of a failure file and of a `--record` file (repro/failure-file.ts). */
export const FAILURE_FORMAT = 'npusim-failure';
/** `format` of a sweep summary (sweep/summary.ts). */
export const SUMMARY_FORMAT = 'npusim-sweep-summary';

/** What `o` looks like, when it is one of npusim's files; undefined when it is none of them. */
export function npusimFileKind(o: object): string | undefined {
  const r = o as Record<string, unknown>;
  if (r.format === FAILURE_FORMAT)
    return `a npusim failure file (format \`${FAILURE_FORMAT}\`: \`npusim replay\` and \`npusim shrink\` take it)`;
  if (r.format === SUMMARY_FORMAT)
    return `a npusim sweep summary (format \`${SUMMARY_FORMAT}\`: \`npusim sweep --merge\` takes it)`;
  if ('schemaVersion' in r && 'status' in r && 'digest' in r)
    return 'a npusim run result (from `npusim run --out` or `--json`: `npusim compare` takes it)';
  if (Array.isArray(r.sockets) && Array.isArray(r.gpus)) return 'a topology (`--topology FILE` takes it)';
  if ('params' in r && 'name' in r && 'description' in r) return 'a workload (`npusim run FILE` takes it)';
  return undefined;
}
