/**
 * `npusim replay FILE`: the failure file's run again (src/repro/replay.ts), on the host it used or
 * the one asked for; prints whether it reproduced exactly (same first finding at the same tick,
 * same digest) and the history that led to the finding. Exit: the run's own code when it
 * reproduced (so a reproduced crash is 4), 5 when it did not (a replay that diverges is a bug in
 * npusim or a changed model: a code of its own, so that a script can tell the two apart), 2 for
 * a file it refuses. With `--json`, stdout is the replayed run's result (as `npusim run --json`
 * prints it) with a `replay` object added: whether it reproduced, and if not, how it differed.
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
  if (args.json) {
    const replay = {
      file: args.file,
      host: r.host,
      reproduced: r.mismatches.length === 0,
      mismatches: r.mismatches,
      recorded: { first: want, digest: r.file.digest },
    };
    // A replay whose run crashed before it had a result still answers with its verdict.
    io.stdout.write(
      `${JSON.stringify(r.result === undefined ? { replay } : { ...r.result, replay }, null, 2)}\n`,
    );
  }
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
  if (r.mismatches.length > 0) return EXIT.notReproduced;
  return r.file.exit.code;
}
