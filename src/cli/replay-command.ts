/**
 * `npusim replay FILE`: the failure file's run again (src/repro/replay.ts), on the host it used or
 * the one asked for; prints whether it reproduced exactly (same first finding at the same tick,
 * same digest) and the history that led to the finding. Its header is printed before the run,
 * and the run shows progress on stderr as `npusim run`'s does (progress.ts); Ctrl-C stops a
 * replay between events as it stops a run (hostedRun, hostedFreeRun: an inline one and a free
 * run's from its take log on a worker, a threaded one polling the stop): it says where, is not
 * compared, and exits 130. Exit: the run's own code when it
 * reproduced (so a reproduced crash is 4), 5 when it did not (a replay that diverges is a bug in
 * npusim or a changed model: a code of its own, so that a script can tell the two apart), 2 for
 * a file it refuses. A `--record` file of a run Ctrl-C stopped replays to the same stop where one
 * exists (inline, free) and exits with what the replay found (0 when nothing: the replay itself
 * was not interrupted, so never 130); a threaded one is not compared (each worker stopped at its
 * own event), and exits with the replay's own code, never 5. With `--json`, stdout is the
 * replayed run's result (as `npusim run --json` prints it) with a `replay` object added: whether
 * it reproduced (null when not compared, with `notCompared` saying why), and if not, how it
 * differed; `recorded.interrupted` has the tick and events a stopped run reached. `--out FILE`
 * writes that JSON to a file. `--trace FILE` and `--report FILE` are a run's (trace-outputs.ts),
 * made from the replayed run: the trace anchored at the file's first finding (the replay knows its
 * tick before it starts, so it needs no second run as `npusim run --trace` may), a crash's trace
 * up to the crash (a replay on threads is made again inline for its records, as a run's is:
 * crash-trace.ts), and no report for a crash (no figures). For a free run's file, the only way to
 * see its race on a timeline: the race cannot be run again, but its take log replays it.
 */

import { EXIT } from '../core/exit-codes.js';
import { shellWord } from '../core/shell-word.js';
import { shownText } from '../core/shown-text.js';
import {
  ARROW_BREAK,
  BRACKET_BREAK,
  FIELD_BREAK,
  hangingLines,
  ITEM_BREAK,
  OUTER_FIELD_BREAK,
  packedFields,
  TEXT_COLUMNS,
  textWidth,
  WORD_BREAK,
} from '../core/wrap-text.js';
import { readFailureFileText } from '../io/failure-file-text.js';
import { hasOwnFolder } from '../io/own-folder.js';
import { commitWords, DIRTY_SUFFIX, gitCommit, npusimVersion } from '../io/version.js';
import * as machine from '../model/actors/machine.js';
import { DEFAULT_PROFILE, PROFILES, type ProfileName } from '../model/scenario/profiles.js';
import type { Workload } from '../model/scenario/workload.js';
import { formatTime } from '../report/duration.js';
import { profileText } from '../report/profile-text.js';
import { reproduceLine } from '../report/reproduce-line.js';
import { type RunResult, violationTotal } from '../report/run-result.js';
import { statusOf } from '../report/run-status.js';
import { noDigestText } from '../report/summary.js';
import { expectedLines } from '../report/summary-answer.js';
import { atsdStateLines, xtsStateLines } from '../report/summary-checks.js';
import { summaryStyle } from '../report/summary-text.js';
import type { FailureFile, FirstFinding, ShrinkMark } from '../repro/failure-file.js';
import { formatHistory, recordLineText } from '../repro/history.js';
import { livenessFindingText } from '../repro/liveness-text.js';
import { findingShootdown } from '../repro/recorded-steps.js';
import {
  type ReplayHooks,
  type ReplayHost,
  type ReplayOutcome,
  type ReplayRecording,
  replayedResult,
  replayFailure,
  replayReproduceLine,
  replayVerdict,
} from '../repro/replay.js';
import type { FreeReplayRunner, ReplayRunner, ReplayStop } from '../repro/replay-runs.js';
import { type EngineOptions, machineModuleUrl, runRaw, startThreadedRun } from '../runtime/engine.js';
import type { RawRun } from '../runtime/raw-run.js';
import { ActorCrashError } from '../runtime/run-errors.js';
import type { ActorTrace, TraceOptions } from '../runtime/trace-recorder.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import type { ReplayArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import type { OutputText } from './emit-result.js';
import { failureFileInputs } from './failure-file-inputs.js';
import { startInlineWorker } from './inline-worker.js';
import { LazyInterrupt } from './lazy-interrupt.js';
import { checkOutputFiles, writeOutputs, writtenLine } from './output-path.js';
import { createProgress } from './progress.js';
import { replayRunLine, streamNote } from './replay-run-line.js';
import { statusLine } from './status-line.js';
import { traceAndReportFiles, traceRecording } from './trace-outputs.js';

export async function replayCommand(args: ReplayArgs, io: CliIo): Promise<number> {
  // Bounded: a file over the limit (or a device without end) is refused, never read whole.
  const text = readFailureFileText(args.file);
  // The workload and topology files a failure file names are the run's inputs too: no output may
  // be written over them (the failure file itself was checked before the command began).
  const named = failureFileInputs(text, args.file);
  if (named.length > 0 && args.outputs.length > 0) checkOutputFiles(args.outputs, undefined, named);
  const workloads = await loadWorkloads();
  const started = performance.now();
  let recorded: TraceOptions | undefined;
  const recording: ReplayRecording | undefined =
    args.trace === undefined && args.report === undefined
      ? undefined
      : async (config, findingTick) => {
          const t = await traceRecording(args, config, machine.planMachine(config));
          recorded =
            t === undefined || args.trace === undefined || findingTick === undefined
              ? t
              : { ...t, anchorTick: findingTick };
          return recorded;
        };
  // The text goes where a run's summary goes: stderr when stdout is the JSON.
  const say = args.json ? io.stderr : io.stdout;
  const progress = replayProgress(args, io);
  // Taken on the first hosted run (lazy-interrupt.ts): a signal before it ends the command at once.
  const interrupt = new LazyInterrupt(io);
  try {
    return await replayAndReport(
      { text, args, io, workloads, recording, progress, interrupt, started, say },
      () => recorded,
    );
  } finally {
    await interrupt.taken?.close();
  }
}

/** The replay with Ctrl-C wired to its runs, then its text and files. */
async function replayAndReport(
  ctx: {
    text: string;
    args: ReplayArgs;
    io: CliIo;
    workloads: Awaited<ReturnType<typeof loadWorkloads>>;
    recording: ReplayRecording | undefined;
    progress: NonNullable<ReplayHooks['progress']>;
    interrupt: LazyInterrupt;
    started: number;
    say: CliIo['stdout'];
  },
  recorded: () => TraceOptions | undefined,
): Promise<number> {
  const { text, args, io, workloads, recording, progress, interrupt, started, say } = ctx;
  const run = hostedRun(interrupt);
  const runFree = hostedFreeRun(interrupt);
  const stopped = () => interrupt.taken?.stopped === true;
  const r = await replayFailure(text, args.file, workloads, args.host, undefined, {
    ...(recording === undefined ? {} : { recording }),
    run,
    runFree,
    stopped,
    // The header before the run, which may be long; the rest once it is judged. The handlers are
    // taken before the header shows: a Ctrl-C a user (or a test) sends on seeing it found none
    // installed yet, and ended the command with no word (CI, under load).
    onStart: (file, host, stop, workload) => {
      interrupt.take();
      say.write(`${replayHeader(file, host, args.file, stop, workload)}\n`);
    },
    progress,
  });
  interrupt.taken?.runOver();
  const rec = recorded();
  // A file read from standard input or a pipe cannot be read again by `npusim replay FILE`: the
  // reproduce line is its run's own where that is the very run (replay-run-line.ts), and the text
  // says to save the file.
  const fromStream = !hasOwnFolder(args.file);
  const runLine = fromStream ? await replayRunLine(r, workloads) : undefined;
  const result = replayedResultOf(r, args, started, fromStream, runLine);
  const json = args.json || args.out !== undefined ? `${replayJson(r, args, result)}\n` : '';
  if (args.json) io.stdout.write(json);
  const streamLines = fromStream
    ? [
        ...streamNote(runLine).flatMap((note) => hangingLines('', note, 2)),
        ...(result === undefined || runLine === undefined ? [] : [reproduceLine(result)]),
      ]
    : [];
  say.write(`${[...replayText(r, result), ...streamLines].join('\n')}\n`);
  // The same replay again with the recorders anchored elsewhere (deterministic, as the first).
  const again = (rec: TraceOptions) =>
    replayFailure(text, args.file, workloads, args.host, undefined, {
      recording: async () => rec,
      progress,
    });
  const files: OutputText[] = [
    ...(args.out === undefined ? [] : [{ option: '--out', path: args.out, text: json }]),
    // A replay Ctrl-C stopped writes them too, up to its stop, as `npusim run` does (they were
    // left out without a word: QA).
    ...(rec === undefined || result === undefined
      ? []
      : await replayTraceFiles({ r, result, recording: rec, again }, args, io)),
  ];
  const failed = writeOutputs(files, io.stderr);
  if (r.signalled !== undefined) sayInterrupted(r, io);
  else {
    const status = replayStatus(r, args.file);
    // Wrapped under its text at 100 columns (a replay that did not reproduce said it in 227).
    if (status !== undefined) io.stderr.write(sayText(status.replace(/^npusim: /, '')));
  }
  if (failed.length > 0 && r.exitCode === EXIT.clean) {
    io.stderr.write(
      `npusim: exit ${EXIT.usage}: the replay was clean, but ${failed.join(', ')} could not be written\n`,
    );
    return EXIT.usage;
  }
  return r.exitCode;
}

/**
 * The replay's deterministic runs hosted as `npusim run` hosts its own (host-run.ts): an inline
 * run on a worker of its own, so this thread stays free to see Ctrl-C (inline-host.ts); a threaded
 * one polling the stop; either stopped between events by the first signal.
 */
function hostedRun(lazy: LazyInterrupt): ReplayRunner {
  return async (config, options: EngineOptions) => {
    const interrupt = lazy.take();
    if (options.host === 'threaded') {
      const run = startThreadedRun(config, { ...options, shouldStop: () => interrupt.stopped });
      interrupt.track(() => run.stop());
      return await run.result;
    }
    const run = startInlineWorker(config, {
      machineUrl: machineModuleUrl(),
      seed: config.seed,
      strategy: config.strategy,
      stopOnFirst: config.stopOnFirst,
      endTick: config.params.durationTicks,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.trace === undefined ? {} : { trace: options.trace }),
      ...(options.stopAfterEvents === undefined ? {} : { stopAfterEvents: options.stopAfterEvents }),
      ...(options.tailEvents === undefined ? {} : { tailEvents: options.tailEvents }),
      ...(options.tailPages === undefined ? {} : { tailPages: options.tailPages }),
    });
    interrupt.track(() => run.stop());
    return await run.result;
  };
}

/**
 * A free run's replay from its take log (the replayed run and its history's) hosted on the inline
 * worker as an inline replay is: it is one synchronous loop, which in this thread kept Ctrl-C
 * from being seen until it ended (QA: the command was killed at once, nothing said). Stopped
 * between two steps of its actors by the first signal.
 */
function hostedFreeRun(lazy: LazyInterrupt): FreeReplayRunner {
  return async (config, log, where, options) => {
    const interrupt = lazy.take();
    const run = startInlineWorker(config, {
      machineUrl: machineModuleUrl(),
      seed: config.seed,
      strategy: config.strategy,
      endTick: config.params.durationTicks,
      free: {
        log,
        where,
        ...(options.tailUntilTick === undefined ? {} : { tailUntilTick: options.tailUntilTick }),
      },
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.trace === undefined ? {} : { trace: options.trace }),
      ...(options.tailEvents === undefined ? {} : { tailEvents: options.tailEvents }),
      ...(options.tailPages === undefined ? {} : { tailPages: options.tailPages }),
      ...(options.recordEvents === undefined ? {} : { recordEvents: options.recordEvents }),
    });
    interrupt.track(() => run.stop());
    return await run.result;
  };
}

/**
 * Where a signal stopped the replay, in `npusim run`'s words (run-command.ts sayStatus), on
 * stderr after what it has is printed.
 */
function sayInterrupted(r: ReplayOutcome, io: CliIo): void {
  if (r.signalled === 'history') {
    io.stderr.write(
      sayText(
        `interrupted while the history was made (exit ${EXIT.interrupted}): the replay above is whole, its history not shown`,
      ),
    );
    return;
  }
  const reached = r.result?.simulatedTicks ?? 0;
  io.stderr.write(
    sayText(
      `interrupted at ${formatTime(reached)} of ${formatTime(r.config.params.durationTicks)} simulated (exit ${EXIT.interrupted}), after ${r.result?.engine.events ?? 0} events: the replay did not finish, so it was not compared with the file`,
    ),
  );
}

/**
 * The replay's closing stderr line, as a run's (status-line.ts): its exit class, code and counts,
 * a crash's actor; for a replay that did not reproduce (exit 5), what that means and what to do.
 * Exit 5 is also what a hand-edited file gives, so it blames npusim only for a file it wrote as it
 * is: one whose configuration the replay found edited (its configDigest) is said to be edited (QA:
 * the body said so, and this line suspected an npusim bug).
 * Undefined for a clean replay, which ends quietly as a clean run does.
 */
export function replayStatus(r: ReplayOutcome, path?: string): string | undefined {
  if (r.exitCode === EXIT.notReproduced) {
    const config = r.configEdited ? 'edited' : r.file.configDigest === undefined ? 'unchecked' : 'held';
    const line = notReproducedLine(r.file.npusim, undefined, config);
    const renamed = path === undefined ? undefined : seedNameMismatch(path, r.file.seed);
    return renamed === undefined ? line : `${line} (${renamed})`;
  }
  if (r.crash !== undefined)
    return `npusim: crash (exit ${r.exitCode}): actor ${r.crash.actor} crashed at tick ${r.crash.tick}: ${r.crash.message}`;
  const result = r.result;
  if (result === undefined || r.exitCode === EXIT.clean) return undefined;
  // A replay that stopped where an interrupted recording stopped was not itself interrupted.
  const own =
    result.status === 'interrupted'
      ? statusOf('end', violationTotal(result), result.liveness.length)
      : result;
  return statusLine(result, r.config.params.durationTicks, own);
}

/** Which npusim: its version and commit (null where unknown), as a failure file names them. */
interface NpusimIdentity {
  version: string;
  commit: string | null;
}

/**
 * The replayed finding's actors and addresses, and what the oracle recorded of it (the context's
 * references, the page's translations and free, the register's ops: the violation's `history`),
 * whole, as `npusim run` prints them under the finding (QA: a replay showed only message traffic,
 * where the oracle's record of a context-init race said what happened: alloc, put, get). None for
 * a crash or a clean replay.
 */
function evidenceLines(r: ReplayOutcome): string[] {
  const f = r.found;
  if (f === undefined || r.result === undefined) return [];
  // The history's run's record, which ends with the finding's tick, where the replayed run's
  // evidence was taken at its end and may have forgotten the finding's (its bounds are shared).
  const v =
    r.findingRecord ??
    [...r.result.violations, ...r.result.liveness].find(
      (x) => x.rule === f.rule && x.tick === f.tick && x.message === f.message,
    );
  if (v === undefined) return [];
  const fields = [
    ...(v.actors.length > 0 ? [`actors ${v.actors.join(', ')}`] : []),
    ...(v.addresses.length > 0
      ? [`addresses ${v.addresses.map((a) => `0x${a.toString(16)}`).join(', ')}`]
      : []),
  ];
  const out = fields.length > 0 ? hangingLines('  ', fields.join('; '), 4) : [];
  if (v.history.length > 0) {
    out.push("  the oracle's whole record of it (`npusim run` shows its last lines; here in hex):");
    for (const h of v.history) out.push(`    | ${recordLineText(h)}`);
  }
  return out;
}

/**
 * Where a failure file's name (npusim names it WORKLOAD-seedN-RULE-DIGEST.json) says another seed
 * than the one it holds, that sign of a hand edit, in words; undefined otherwise (QA: a copy whose
 * seed was edited from 15 to 16 read as a build's fault).
 */
export function seedNameMismatch(path: string, seed: number): string | undefined {
  const named = /-seed(\d+)-[^/]*\.json$/i.exec(path)?.[1];
  if (named === undefined || Number(named) === seed) return undefined;
  return `its name says seed ${named}, and it holds seed ${seed}: an edit by hand, the likeliest cause`;
}

/**
 * Exit 5's last line: which cause to suspect, as README's exit-code table promises, by what the
 * file says of the npusim that wrote it and what this one is. A file whose configuration is not
 * the one its run wrote (`config` `edited`: its configDigest differs, repro/replay.ts) was edited,
 * whoever wrote it: the finding is said, not an npusim bug suspected (QA). Else another version or
 * commit: a change to the model between them; a build from uncommitted changes (version.ts
 * DIRTY_SUFFIX), on either side: those changes; the same clean commit: a hand edit of what the
 * configDigest does not cover, else an npusim bug (QA: a build with a changed model named the
 * commit it was changed from, and its files' replays blamed npusim). `config` `held`: the
 * configDigest matched, so the seed, switches and parameters are the run's; `unchecked`: a file
 * from before configDigest, whose configuration only the run's digest checks.
 */
export function notReproducedLine(
  wrote: NpusimIdentity,
  ours: NpusimIdentity = { version: npusimVersion(), commit: gitCommit() ?? null },
  config: 'edited' | 'held' | 'unchecked' = 'held',
): string {
  const head = `npusim: not reproduced (exit ${EXIT.notReproduced})`;
  if (config === 'edited')
    return `${head}: the file was edited (configDigest differs): the configuration it gives (its seed, bug switches, options or parameters) is not the one its run wrote, so this replay is another run, not a sign of an npusim bug`;
  const base = (c: string | null) => c?.replace(DIRTY_SUFFIX, '') ?? null;
  const theirsText = `${shownText(wrote.version)}, ${commitWords(wrote.commit)}`;
  const oursText = `${ours.version}, ${commitWords(ours.commit)}`;
  const both = `the file names ${theirsText}; this is ${oursText}`;
  const otherCommit =
    wrote.commit !== null && ours.commit !== null && base(wrote.commit) !== base(ours.commit);
  if (wrote.version !== ours.version || otherCommit)
    return `${head}: another npusim wrote the file (${both}): a change to the model between them is the likeliest cause; replay the file with the npusim that wrote it to tell`;
  const dirty = [wrote.commit, ours.commit].some((c) => c?.endsWith(DIRTY_SUFFIX) === true);
  if (dirty)
    return `${head}: ${both}: a build from uncommitted changes may run another model than its commit's, so those changes are the likeliest cause, unless the file was edited by hand`;
  if (wrote.commit === null || ours.commit === null)
    return `${head}: if the file was not edited and this npusim is the one that wrote it (${both}), this is an npusim bug: please report it with the file`;
  // The configDigest catches an edit of the configuration; the recorded outcome it does not cover.
  const edit =
    config === 'held'
      ? 'its recorded outcome (digest, finding, figures or exit class) was not edited by hand'
      : "it was not edited by hand (its seed, bug switches or parameters: a file from before configDigest, whose configuration only the run's digest checks)";
  return `${head}: this npusim wrote the file (${theirsText}): if ${edit}, this is an npusim bug: please report it with the file`;
}

/**
 * The replay's progress on stderr, as `npusim run` shows a run's (progress.ts: a bar on a
 * terminal, else a plain line every 2 s; plain with --json, so stdout stays the JSON alone).
 */
function replayProgress(args: ReplayArgs, io: CliIo): NonNullable<ReplayHooks['progress']> {
  // A replay that stops where the recorded run stopped shows its progress out of that tick, and
  // says why once (QA: `6% simulated (3.294 ms of 50 ms)` for a replay that stops at 6.635 ms).
  return (config, label, stop) =>
    createProgress({
      durationTicks: stop?.tick ?? config.params.durationTicks,
      stream: io.stderr,
      env: io.env,
      plain: args.json,
      ...(label === undefined ? {} : { label }),
      ...(stop === undefined ? {} : { endNote: stopText(stop) }),
    });
}

/** Why a replay stops at `stop` (the progress line's and the header's words). */
function stopText(stop: ReplayStop): string {
  return stop.why === 'interrupted'
    ? 'where the recorded run was interrupted'
    : 'where the recorded run stopped at its first finding';
}

/** The replayed run's result as `npusim run --json` gives it, with the `replay` object added. */
function replayJson(r: ReplayOutcome, args: ReplayArgs, result: RunResult | undefined): string {
  const replay = { file: args.file, ...replayVerdict(r) };
  return JSON.stringify(result === undefined ? { replay } : { ...result, replay }, null, 2);
}

/**
 * The replayed run's result, for --json, --out, --trace and --report alike (repro/replay.ts
 * replayedResult), its reproduce line this command, or `runLine`, the run's own, for a file read
 * from standard input or a pipe, which this command could not read again. Where a streamed file
 * has no run line, `npusim replay FILE`, the placeholder the text's note says to save the file as:
 * `reproduce` stays the string every result has, and a script tests it for the word `FILE` (QA:
 * `npusim replay /dev/stdin`, which runs nothing once stdin is read).
 */
function replayedResultOf(
  r: ReplayOutcome,
  args: ReplayArgs,
  started: number,
  fromStream: boolean,
  runLine: string | undefined,
): RunResult | undefined {
  const path = fromStream ? 'FILE' : args.file;
  return replayedResult(r, runLine ?? replayReproduceLine(path, args.host), performance.now() - started);
}

/**
 * The --trace and --report files of the replayed run (the header says what each holds); what
 * cannot be written is said on stderr, as a run says it.
 */
async function replayTraceFiles(
  replayed: {
    r: ReplayOutcome;
    result: RunResult;
    recording: TraceOptions;
    again: (recording: TraceOptions) => Promise<ReplayOutcome>;
  },
  args: ReplayArgs,
  io: CliIo,
): Promise<OutputText[]> {
  const { r, result, recording } = replayed;
  const plan = machine.planMachine(r.config);
  if (r.result !== undefined && r.raw !== undefined) {
    return traceAndReportFiles(
      { plan, config: r.config, result, raw: r.raw, traceRaw: await reanchored(replayed, args, io) },
      { args, io },
    );
  }
  if (r.crash === undefined) return [];
  if (args.report !== undefined)
    io.stderr.write(
      `npusim: --report: not written: a run that crashed has no figures to show${args.trace === undefined ? '' : ' (--trace shows its events up to the crash)'}\n`,
    );
  if (args.trace === undefined) return [];
  const traces = r.crashTraces ?? (await crashRecordsInline(r, recording, io));
  if (traces === undefined) return [];
  const { buildTraceFile } = await import('../report/trace/trace-file.js');
  const { DEFAULT_TRACE_EVENTS } = await import('../report/trace/trace-recording.js');
  const trace = buildTraceFile(
    plan,
    r.config,
    result,
    { traces, reachedTick: r.crash.tick + 1 },
    args.traceEvents ?? DEFAULT_TRACE_EVENTS,
  );
  io.stderr.write(sayText(trace.note));
  return [
    { option: '--trace', path: args.trace, text: trace.bytes, written: writtenLine('--trace', args.trace) },
  ];
}

/**
 * The replay made again for its trace when its records were kept around another place than its
 * own first finding: a replay that did not reproduce its file found first elsewhere than the
 * file's finding it was anchored at, and one of a file without a finding (a clean recording)
 * that found something kept the run's end, which may not reach back to it (as `npusim run
 * --trace` runs again: trace-outputs.ts anchoredRun). Undefined when the first replay's records
 * serve.
 */
async function reanchored(
  replayed: { r: ReplayOutcome; recording: TraceOptions; again: (r: TraceOptions) => Promise<ReplayOutcome> },
  args: ReplayArgs,
  io: CliIo,
): Promise<RawRun | undefined> {
  const { r, recording } = replayed;
  const found = r.found;
  if (args.trace === undefined || found === undefined || found.rule === 'crash') return undefined;
  // Stopped by a signal: not made again (the user asked it to end); its records are what it kept.
  if (r.signalled !== undefined) return undefined;
  if (r.raw === undefined || r.result === undefined || recording.anchorTick === found.tick) return undefined;
  if (recording.anchorTick === undefined) {
    const { needsAnchoredRun } = await import('../report/trace/trace-file.js');
    if (needsAnchoredRun(r.raw, r.result) === undefined) return undefined;
  }
  io.stderr.write(
    `npusim: trace: the replay's first finding (${formatTime(found.tick)}) is not where its records were kept (${recording.anchorTick === undefined ? "the run's end" : `around the file's first finding, ${formatTime(recording.anchorTick)}`}); replaying again to keep the window around it\n`,
  );
  const second = await replayed.again({ ...recording, anchorTick: found.tick });
  return second.raw;
}

/**
 * A crash replayed on threads: its records went with the workers, so the run is made again inline
 * (the same configuration gives the same events on either host), which crashes at the same actor
 * and tick with its records in hand. Undefined, said, when it does not.
 */
async function crashRecordsInline(
  r: ReplayOutcome,
  recording: TraceOptions,
  io: CliIo,
): Promise<ActorTrace[] | undefined> {
  const crash = r.crash!;
  io.stderr.write(
    'npusim: trace: the crash was on worker threads, whose records went with them; replaying again inline to record up to it\n',
  );
  try {
    await runRaw(r.config, { host: 'inline', trace: recording });
  } catch (e) {
    if (
      e instanceof ActorCrashError &&
      e.traces !== undefined &&
      e.crash.actor === crash.actor &&
      e.crash.tick === crash.tick
    )
      return e.traces;
    if (!(e instanceof ActorCrashError)) throw e;
  }
  io.stderr.write(
    `npusim: --trace: not written: replayed inline, the run did not crash as it did on threads (${crash.actor} at tick ${crash.tick}): an engine bug\n`,
  );
  return undefined;
}

/**
 * The replay's first lines, printed before it runs: the file, how it is replayed, and where it
 * stops when that is short of the run's duration (its progress is out of that tick); then what
 * the run's summary header says of it and `recorded:` does not: its strategy, its bug switches,
 * and its topology where that is not the workload's own (a shrunk file's may be smaller), and for
 * a shrink's result the run it was shrunk from. A directory of failure files from random, PCT and
 * shrunk runs all replayed under one `(inline)` (QA).
 */
export function replayHeader(
  file: FailureFile,
  host: ReplayHost,
  path: string,
  stop?: ReplayStop,
  workload?: Pick<Workload, 'params'>,
): string {
  const [strategy, ...rest] = replayedRunText(file, workload);
  // The run's fields two apart, a field that would pass 100 columns under them (a shrunk file's
  // topology ran to 116).
  // A shrink's result says, on a line of its own, the run it came from.
  const shrunk = file.shrink === undefined ? [] : hangingLines('  ', shrunkFromText(file.shrink), 4);
  return [replayHow(file, host, path, stop), ...packedFields([`  ${strategy}`, ...rest], 4), ...shrunk].join(
    '\n',
  );
}

function replayHow(file: FailureFile, host: ReplayHost, path: string, stop?: ReplayStop): string {
  const how =
    host === 'free-log'
      ? 'free run, from its take log, in one thread'
      : host === 'threaded' && file.options.workers !== undefined
        ? `threaded, --workers ${file.options.workers} as recorded`
        : host;
  const to = stop === undefined ? '' : `; to ${formatTime(stop.tick)}, ${stopText(stop)}`;
  const named = `npusim replay ${shellWord(path)}`;
  const line = `${named}  (${how}${to})`;
  if (textWidth(line) <= TEXT_COLUMNS) return line;
  // Past 100 columns (an absolute path; a free replay's stop ran to 150): the path whole on its
  // line, to copy, and the bracket under it, broken between its fields.
  const under = ' '.repeat('npusim replay '.length);
  return [
    named,
    ...hangingLines(under, `(${how}${to})`, under, TEXT_COLUMNS, [FIELD_BREAK, WORD_BREAK]),
  ].join('\n');
}

/**
 * The file's run in the summary header's words: `strategy pct depth 3`, `strategy choice log (a
 * shrink's result)` (only shrink writes a choice log into a failure file), `strategy random`; the
 * bug switches; a profile not the default, with its own switches; the topology when the file has its own (`--topology FILE`: the spec the file
 * carries, which replays whatever the topology file at that path holds now) or another preset
 * than the workload's default.
 */
function replayedRunText(file: FailureFile, workload: Pick<Workload, 'params'> | undefined): string[] {
  const s = file.strategy;
  const strategy =
    s.kind === 'pct'
      ? `strategy pct depth ${s.depth}`
      : s.kind === 'replay'
        ? "strategy choice log (a shrink's result)"
        : 'strategy random';
  // A profile other than the default is named with its own switches, as the run's header names it
  // (QA: a failure recorded on as-shipped replayed under `no bug switches`, its finding the
  // profile's); the run's `--bug`s apart, and `no bug switches` only where neither has any.
  const profile = (file.options.profile ?? DEFAULT_PROFILE) as ProfileName;
  const carried = PROFILES[profile].bugs.length > 0;
  const bugs =
    file.options.bugs.length > 0
      ? [`bugs: ${file.options.bugs.join(', ')}`]
      : carried
        ? []
        : ['no bug switches'];
  const profileWords = profile === DEFAULT_PROFILE ? [] : [`profile ${profileText(profile)}`];
  const own = workload?.params.topology;
  const topology =
    file.topology.spec !== null
      ? // The spec the failure file carries, not the file at that path now (QA: the path read as
        // the topology in use after the file there was moved or edited).
        `topology ${file.topology.name}, as the file carries it${file.topology.file === null ? '' : ` (from ${file.topology.file})`}`
      : own !== undefined && own !== file.topology.name
        ? `topology ${file.topology.name} (${file.workload.name}'s own is ${own})`
        : undefined;
  return [strategy, ...bugs, ...profileWords, ...(topology === undefined ? [] : [topology])];
}

/**
 * A shrink's result, where it came from: `shrunk from a run of 12048 events and 16.66 us (digest
 * 5f2cacec..., 14 runs of npusim shrink, budget used up)`. Its strategy may be the seed's (a
 * budget that ran out before the choice passes), so the strategy field alone did not say it. The
 * events and the time are both the original run's: `to 100 us` read as the shrunk run's length
 * (QA: that one lasted 7.652 us).
 */
function shrunkFromText(mark: ShrinkMark): string {
  const ended = mark.ended === 'budget' ? ', budget used up' : mark.ended === 'stopped' ? ', stopped' : '';
  const runs = `${mark.runs} run${mark.runs === 1 ? '' : 's'}`;
  return `shrunk from a run of ${mark.from.events} events and ${formatTime(mark.from.simulatedTicks)} (digest ${mark.from.digest}, ${runs} of npusim shrink${ended})`;
}

/**
 * What the history shows from before its last events: the finding's page's events (history-runs.ts),
 * a stale TCE's unmap and a freed context's last put and free, an `order.*` finding's shootdown's
 * own events from its acquire (repro/recorded-steps.ts); and after them, what that shootdown sent
 * at the finding's tick (the release it is about) as its chip got it.
 */
function earlierText(r: ReplayOutcome): string {
  const shootdown = r.found === undefined ? undefined : findingShootdown(r.found);
  if (shootdown !== undefined && r.found !== undefined) {
    const named = r.history.filter((h) => h.fields.shootdown === shootdown);
    const sent = [...new Set(named.filter((h) => h.tick > r.found!.tick).map((h) => h.fields.op))];
    const then =
      sent.length === 0 ? '' : `, then the ${sent.join(' and ')} it sent at the finding as its chip got it`;
    if (!named.some((h) => h.onPage === true)) return then;
    const page = r.found.addresses.length > 0 ? "earlier ones on the finding's page and " : '';
    return `, after ${page}shootdown ${shootdown}'s own from its acquire (its ATSD operations and the ACKs on its registers, which the oracle's record dates)${then}`;
  }
  if (!r.history.some((h) => h.onPage === true)) return '';
  if (r.found?.rule === 'order.context-use-after-free')
    return ", after its context's last put and free, which the oracle's record dates";
  if (r.found?.rule === 'translation.stale-tce')
    return ", after earlier ones on the finding's page and its TCE's unmap";
  return ", after earlier ones on the finding's page";
}

/** Where `recorded:` and `replayed:` break: between fields, then before a bracket, then words. */
const FIELDS_WITH_BRACKETS = [OUTER_FIELD_BREAK, BRACKET_BREAK, WORD_BREAK];

/**
 * `head` and `text`, wrapped to the summary's columns with each line after the first under the
 * text (a replay's `recorded:` line ran to 109 columns for every flush-race file, a deadlock's far
 * further); a word is never cut, so a digest or path stays whole to copy.
 */
function said(head: string, text: string, breaks: readonly RegExp[] = [WORD_BREAK]): string[] {
  return hangingLines(head, text, head.length, TEXT_COLUMNS, breaks);
}

/**
 * The finding's message: the replay's, which is what it found (QA: the file's was printed under
 * "NOT reproduced" after a clean replay, as if the replay had found it). The message is not
 * compared (README: the rule, the tick and the digest are): when the file's differs, or the replay
 * found nothing, the file's too, each labelled.
 */
export function findingMessages(want: FirstFinding | null, found: FirstFinding | undefined): string[] {
  if (found !== undefined && (want === null || want.message === found.message)) {
    // Unlabelled, it goes on two columns in: at the verdict lines' column a wrapped line read as
    // one of them (atsd-hang's `  after 102.3 us; shootdown 1: holds [npu0.reg0], ...`).
    return want === null ? said('  replayed finding: ', found.message) : hangingLines('  ', found.message, 4);
  }
  return [
    ...(want === null ? [] : said('  recorded finding: ', want.message)),
    ...(found === undefined ? [] : said('  replayed finding: ', found.message)),
  ];
}

/**
 * The replay's lines after its header: what the file recorded, what the replay did, whether they
 * agree, the finding's message (findingMessages), the liveness failure it ended in when that was
 * not its first finding, and the history. A crash has no digest, so both lines say so in
 * one wording (the summary's); a recording of a run Ctrl-C stopped says where it stopped and how
 * the replay followed it. `judged`: the replayed result (replayedResult), whose verdict on what
 * the run expected a crash has too (the run's summary says it: QA, its replay did not).
 */
export function replayText(r: ReplayOutcome, judged: RunResult | undefined = r.result): string[] {
  const out: string[] = [];
  const want = r.file.first;
  const stopped = r.interrupted;
  const findingText = (f: FirstFinding | undefined | null): string =>
    f === undefined || f === null ? 'clean' : `${f.rule} at ${formatTime(f.tick)} (tick ${f.tick})`;
  const soFar = (f: FirstFinding | undefined | null): string =>
    f === undefined || f === null ? 'clean so far' : `${findingText(f)} so far`;
  const recordedDigest = want?.rule === 'crash' ? noDigestText('crash') : r.file.digest;
  const recorded =
    stopped === undefined
      ? findingText(want)
      : `interrupted by a signal (Ctrl-C, SIGTERM or SIGHUP) at ${formatTime(stopped.tick)} of ${formatTime(stopped.durationTicks)} ` +
        `(tick ${stopped.tick}, after ${stopped.events} events), ${r.file.exit.class === 'clean' ? 'findings so far not in the file (its digest covers them)' : soFar(want)}`;
  out.push(
    // Between its fields where they fit (`seed` parted from its number: QA Q53), never inside a
    // bracket: a field too long for a line breaks before its brackets first (QA Q54).
    ...said(
      '  recorded: ',
      `${recorded}, digest ${recordedDigest}, ${r.file.workload.name} seed ${r.file.seed}`,
      FIELDS_WITH_BRACKETS,
    ),
  );
  const replayedDigest = r.result?.digest ?? noDigestText('crash');
  const replayed =
    r.signalled === 'run'
      ? `interrupted by a signal at ${formatTime(r.result?.simulatedTicks ?? 0)} of ${formatTime(r.config.params.durationTicks)} (after ${r.result?.engine.events ?? 0} events): ${soFar(r.found)}`
      : stopped === undefined
        ? findingText(r.found)
        : stopped.how === 'same-events'
          ? `${r.result === undefined || r.result.engine.events === stopped.events ? `stopped after the same ${stopped.events} events` : `ended after ${r.result.engine.events} events`}, at ${formatTime(r.result?.simulatedTicks ?? stopped.tick)}: ${soFar(r.found)}`
          : stopped.how === 'take-log'
            ? `to the same stop, from its take log: ${soFar(r.found)}`
            : `the same run up to ${formatTime(r.config.params.durationTicks)}: ${findingText(r.found)}`;
  out.push(...said('  replayed: ', `${replayed}, digest ${replayedDigest}`, FIELDS_WITH_BRACKETS));
  if (r.notCompared !== undefined) {
    out.push(
      ...said(
        '  not compared: ',
        `${r.notCompared}; the outcome above is the replay's own (exit ${r.exitCode})`,
      ),
    );
  } else if (r.mismatches.length > 0) {
    out.push(...said('  NOT reproduced: ', r.mismatches.join('; '), [ITEM_BREAK, WORD_BREAK]));
  } else {
    out.push(
      stopped === undefined
        ? '  reproduced exactly'
        : '  reproduced exactly, as far as the run went before its signal',
    );
  }
  // What the replayed run was declared to find and whether it did, in the run's own words (its
  // summary's `expected (...)` line): it was in --json only (QA).
  if (judged !== undefined)
    out.push(...expectedLines(judged, summaryStyle(false), TEXT_COLUMNS - 2).map((l) => `  ${l}`));
  out.push(...findingMessages(want, r.found));
  out.push(...evidenceLines(r));
  // A liveness failure that is not the first finding (a deadlock that starts from a violation):
  // the exit code's reason, with its cycle, on a line of its own as a shrink says it.
  const live = r.liveness;
  if (live !== undefined && (r.found?.rule !== live.rule || r.found.tick !== live.tick))
    out.push(...hangingLines('  ', livenessFindingText(live), 4, TEXT_COLUMNS, [ARROW_BREAK, WORD_BREAK]));
  // A liveness failure's diagnosis, whether it was the first finding or came after a violation
  // (a deadlock that starts from an early release): which register each shootdown holds, which is
  // HUNG and on which untrained GPU, as the run's summary prints it (none without one).
  if (r.result !== undefined) out.push(...atsdStateLines(r.result));
  // A refused ATS translation's evidence, as the run's summary prints it: the XTS_BDF entries.
  if (r.result !== undefined) out.push(...xtsStateLines(r.result));
  const stuck = r.stuckHistory;
  if (stuck !== undefined) {
    out.push(
      ...hangingLines(
        '',
        `history of shootdown ${stuck.id}, the one that did not complete (its events from its start, in causal order):`,
        2,
      ),
    );
    out.push(formatHistory(stuck.lines));
  }
  if (r.history.length > 0) {
    out.push(
      ...hangingLines(
        '',
        `history (the last events of ${[...new Set(r.history.map((h) => h.actor))].join(', ')}${earlierText(r)}, in causal order):`,
        2,
      ),
    );
    out.push(formatHistory(r.history));
  }
  return out;
}
