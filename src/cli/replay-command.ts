/**
 * `npusim replay FILE`: the failure file's run again (src/repro/replay.ts), on the host it used or
 * the one asked for; prints whether it reproduced exactly (same first finding at the same tick,
 * same digest) and the history that led to the finding. Exit: the run's own code when it
 * reproduced, 4 when it did not (a replay that diverges is a bug in npusim or a changed model), 2
 * for a file it refuses.
 */
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { formatTime } from '../report/duration.js';
import { formatHistory } from '../repro/history.js';
import { replayFailure } from '../repro/replay.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import type { ReplayArgs } from './cli-args.js';
import type { CliIo } from './cli-io.js';
import { readFailureFileText } from './failure-file-text.js';

/** A failure file is a few KiB (a choice log can make it larger): a bigger file is refused unread. */
const MAX_FAILURE_FILE_BYTES = 64 << 20;

export async function replayCommand(args: ReplayArgs, io: CliIo): Promise<number> {
  const text = readFailureFileText(args.file);
  if (text.length > MAX_FAILURE_FILE_BYTES) {
    throw new ConfigError(
      args.file,
      `Expected a failure file of at most ${MAX_FAILURE_FILE_BYTES} bytes, got ${text.length}`,
    );
  }
  const workloads = await loadWorkloads();
  const r = await replayFailure(text, args.file, workloads, args.host);
  const want = r.file.first;
  if (args.json && r.result !== undefined) io.stdout.write(`${JSON.stringify(r.result, null, 2)}\n`);
  const out: string[] = [];
  const how = r.host === 'free-log' ? 'free run, from its take log, in one thread' : r.host;
  out.push(`npusim replay ${args.file}  (${how})`);
  const recorded = want === null ? 'clean' : `${want.rule} at ${formatTime(want.tick)} (tick ${want.tick})`;
  out.push(`  recorded: ${recorded}, digest ${r.file.digest}, ${r.file.workload.name} seed ${r.file.seed}`);
  const replayed =
    r.found === undefined ? 'clean' : `${r.found.rule} at ${formatTime(r.found.tick)} (tick ${r.found.tick})`;
  out.push(`  replayed: ${replayed}, digest ${r.result?.digest ?? '(crashed)'}`);
  out.push(
    r.mismatches.length === 0 ? '  reproduced exactly' : `  NOT reproduced: ${r.mismatches.join('; ')}`,
  );
  if (want !== null) out.push(`  ${want.message}`);
  if (r.history.length > 0) {
    out.push(
      `history (the last events of ${[...new Set(r.history.map((h) => h.actor))].join(', ')}, in causal order):`,
    );
    out.push(formatHistory(r.history));
  }
  (args.json ? io.stderr : io.stdout).write(`${out.join('\n')}\n`);
  if (r.mismatches.length > 0) return EXIT.crash;
  return r.file.exit.code;
}
