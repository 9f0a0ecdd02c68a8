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

/** The kinds of file npusim writes or reads, each with the test that tells it and how it is said. */
const KINDS: readonly { kind: string; is: (r: Record<string, unknown>) => boolean; text: string }[] = [
  {
    kind: 'failure',
    is: (r) => r.format === FAILURE_FORMAT,
    text: `an npusim failure file or --record file (format \`${FAILURE_FORMAT}\`: \`npusim replay\` and \`npusim shrink\` take it)`,
  },
  {
    kind: 'summary',
    is: (r) => r.format === SUMMARY_FORMAT,
    text: `an npusim sweep summary (format \`${SUMMARY_FORMAT}\`: \`npusim sweep --merge\` takes it)`,
  },
  {
    kind: 'result',
    is: (r) => 'schemaVersion' in r && 'status' in r && 'digest' in r,
    text: 'an npusim run result (from `npusim run --out` or `--json`: `npusim compare` takes it)',
  },
  {
    kind: 'topology',
    is: (r) => Array.isArray(r.sockets) && Array.isArray(r.gpus),
    text: 'a topology (`--topology FILE` takes it)',
  },
  {
    kind: 'workload',
    is: (r) => 'params' in r && 'name' in r && 'description' in r,
    text: 'a workload (`npusim run FILE` takes it)',
  },
];

/** What `o` looks like, when it is one of npusim's files; undefined when it is none of them. */
export function npusimFileKind(o: object): string | undefined {
  return npusimFileOf(o)?.text;
}

/** The kinds of file npusim writes or reads (`failure`, `summary`, `result`, `topology`, `workload`). */
export type NpusimFileKind = 'failure' | 'summary' | 'result' | 'topology' | 'workload';

/** Which of npusim's files `o` is, by kind and in words; undefined when it is none of them. */
export function npusimFileOf(o: object): { kind: NpusimFileKind; text: string } | undefined {
  const r = o as Record<string, unknown>;
  const k = KINDS.find((x) => x.is(r));
  return k === undefined ? undefined : { kind: k.kind as NpusimFileKind, text: k.text };
}

/**
 * What `o` is when it is one of npusim's files other than the one a reader `wants` (a failure file
 * handed to `npusim run` as its workload, a run result to `--topology`); undefined otherwise, and
 * the reader's own checks name what is wrong.
 */
export function otherNpusimFile(o: unknown, wants: 'workload' | 'topology'): string | undefined {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const found = KINDS.find((k) => k.is(o as Record<string, unknown>));
  return found === undefined || found.kind === wants ? undefined : found.text;
}
