/**
 * `npusim shrink FILE [--out FILE] [--budget N]`: the failure file's run made small while the
 * same rule still fails (src/repro/shrink.ts). Progress on stderr while it works; at the end the
 * measures before and after and the line that replays the shrunk file. Exit 0 when it wrote a
 * shrunk file (even one no smaller: the budget ran out or nothing helped), 2 for a file it refuses,
 * a clean run (nothing to shrink) or a shrunk file it could not write (the table is still printed),
 * 130 when Ctrl-C stopped it (the best so far is written).
 */

import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { npusimFileKind } from '../core/npusim-files.js';
import { withoutBom } from '../core/parse-json.js';
import { shellWord } from '../core/shell-word.js';
import {
  ARROW_BREAK,
  FIELD_BREAK,
  fitLine,
  hangingLines,
  TEXT_COLUMNS,
  WORD_BREAK,
} from '../core/wrap-text.js';
import { MAX_FAILURE_FILE_BYTES, readFailureFileText } from '../io/failure-file-text.js';
import { sameFile } from '../io/same-file.js';
import * as machine from '../model/actors/machine.js';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { formatTime } from '../report/duration.js';
import { type FailureFile, type FirstFinding, failureFileName } from '../repro/failure-file.js';
import { readFailureFile } from '../repro/failure-file-read.js';
import { freeFailurePath } from '../repro/keep-failure-file.js';
import { livenessFindingText } from '../repro/liveness-text.js';
import { loadRecordedFile } from '../repro/recorded-workload.js';
import { hostChange, scenarioChanges } from '../repro/scenario-changes.js';
import {
  checkConfigUnedited,
  type LivenessFinding,
  type Measures,
  type ShrinkOutcome,
  shrinkable,
  shrinkFailure,
} from '../repro/shrink.js';
import { DEFAULT_SHRINK_BUDGET } from '../repro/shrink-budget.js';
import { loadWorkloads } from '../runtime/workload-registry.js';
import type { ShrinkArgs } from './cli-args.js';
import { type CliIo, sayText } from './cli-io.js';
import { failureFileInputs } from './failure-file-inputs.js';
import { Interrupt } from './interrupt.js';
import { checkOutputFiles, isDirectory, writeOutputs } from './output-path.js';
import { progressIntervalMs } from './progress-interval.js';

export async function shrinkCommand(args: ShrinkArgs, io: CliIo): Promise<number> {
  const text = readFailureFileText(args.file);
  // The shrunk file must not replace the failure it came from: that file is the evidence, and a
  // shrink that went wrong could not be run again. (The default name skips such a path: shrunkPath.)
  if (args.outGiven && sameFile(args.out, args.file)) {
    throw new ConfigError(
      '--out',
      `Expected a file other than the one being shrunk (writing it would replace the original failure), got ${args.out}`,
    );
  }
  // Nor the workload or topology file the failure file names (QA: `--out myw.json` replaced the
  // user's workload, and every failure file of it stopped replaying), as replay refuses.
  if (args.outGiven) checkOutputFiles(args.outputs, undefined, failureFileInputs(text, args.file));
  const workloads = await loadWorkloads();
  // A failure of the user's own workload file is checked against that file as it loads now.
  const { file, config, workload } = readFailureFile(
    text,
    args.file,
    workloads,
    await loadRecordedFile(text, args.file),
  );
  const first = shrinkable(file, args.file);
  checkConfigUnedited(file, config, args.file);
  const budget = args.budget ?? DEFAULT_SHRINK_BUDGET;
  // Ctrl-C (or SIGTERM) ends the shrink after the candidate in progress, with the best so far
  // written as at the end of the budget, and exit 130; a second quits at once.
  const interrupt = new Interrupt(io);
  try {
    return await shrinkAndWrite({ args, file, config, workload, first, budget, interrupt }, io);
  } finally {
    await interrupt.close();
  }
}

async function shrinkAndWrite(
  job: {
    args: ShrinkArgs;
    file: FailureFile;
    config: RunConfig;
    workload: Workload;
    first: FirstFinding;
    budget: number;
    interrupt: Interrupt;
  },
  io: CliIo,
): Promise<number> {
  const { args, file, config, workload, first, budget, interrupt } = job;
  // The opening first, for every failure: the original's run, which may be long, comes next (QA: a
  // liveness shrink said nothing on stderr until it ended). A liveness failure's liveness rule,
  // which the file does not record, is said once that run has found it.
  const liveness = file.exit.class === 'liveness';
  // Wrapped under its text, as run's variant lines are (the opening ran to 154 columns).
  const opening = shrinkOpening(args.file, first, liveness, budget, switchesText(file.options));
  io.stderr.write(keptWhole(args.file, opening.slice('npusim: '.length), (t) => [sayText(t)]).join(''));
  const reproduced = (live: LivenessFinding | undefined) => {
    if (live !== undefined) io.stderr.write(said(shrinkReproduced(first, live)));
  };
  // A crashed run leaves no count of its events: '-', as for a run without a choice log.
  const events = (m: Measures) => (first.rule === 'crash' ? '-' : String(m.events));
  const best = (m: Measures) =>
    `best ${events(m)} events, ${formatTime(m.simulatedTicks)}, ${deviations(m)} deviation${m.deviations === 1 ? '' : 's'}`;
  let last = performance.now();
  // A line a second, or as NPUSIM_PROGRESS_INTERVAL says (progress-interval.ts; 0: none).
  const gapMs = progressIntervalMs(io.env) ?? 1000;
  const outcome = await shrinkFailure(file, config, workload, {
    budget,
    where: args.file,
    shouldStop: () => interrupt.stopped,
    onStart: liveness ? reproduced : undefined,
    onProgress: (p) => {
      const now = performance.now();
      if (gapMs === 0 || (now - last < gapMs && p.runs < p.budget)) return;
      last = now;
      io.stderr.write(sayText(`shrink ${p.runs}/${p.budget} runs, ${p.phase}: ${p.pass}; ${best(p.best)}`));
    },
  });
  // Progress is printed at most once a second (by default), so its last line may be behind: say
  // where it ended, and whether it ended because the passes were done or because the budget ran
  // out under one.
  const ended = outcome.stopped
    ? `stopped after ${runs(outcome.runs)}`
    : outcome.budgetUsedUp
      ? `budget of ${runs(budget)} used up${outcome.lastPass === undefined ? '' : ` in ${outcome.lastPass}`}${outcome.finalCut === undefined ? '' : `, its last run the result's cut (${outcome.finalCut})`} (the result may shrink further)`
      : `done after ${runs(outcome.runs)}`;
  io.stderr.write(sayText(`shrink ${ended}; ${best(outcome.after)}`));
  interrupt.runOver();
  const out = shrunkPath(args, file, outcome.file, io);
  // The path was checked before the shrink (output-path.ts); a write that still fails (the device
  // filled meanwhile, /dev/full) loses the file, not the shrink's table, and exits 2.
  const unwritten =
    out === undefined
      ? [args.out]
      : writeOutputs(
          [{ option: '--out', path: out, text: `${JSON.stringify(outcome.file, null, 2)}\n` }],
          io.stderr,
        );
  const row = (name: string, pick: (m: Measures) => string) =>
    `  ${name.padEnd(22)}${pick(outcome.before).padStart(14)}${pick(outcome.after).padStart(14)}`;
  const how = outcome.stopped
    ? ' (stopped: the best so far)'
    : outcome.budgetUsedUp
      ? ', budget used up (it may shrink further)'
      : '';
  // Nothing kept: the result is the original's run, so a before/after table of equal columns and
  // a replay line would offer it as a shrink.
  const reduced = outcome.kept > 0;
  const changes = [
    ...scenarioChanges(config, outcome.config),
    ...choiceChanges(config, outcome.config),
    ...hostChange(file.options, outcome.file.options),
  ];
  const live = outcome.liveness;
  // A file that was not written cannot be shrunk further (QA: `npusim shrink /dev/full`); the
  // original with a larger budget still can.
  const again =
    out === undefined || !outcome.budgetUsedUp
      ? []
      : reduced
        ? unwritten.length > 0
          ? []
          : ['shrink it further with:', `npusim shrink ${shellWord(out)}`]
        : [
            `shrink it with a larger budget: npusim shrink ${shellWord(args.file)} --budget ${Math.max(DEFAULT_SHRINK_BUDGET, budget * 2)}`,
          ];
  io.stdout.write(
    [
      ...keptWhole(
        shellWord(args.file),
        `${shrinkHeadline(args.file, first, live, switchesText(file.options))}, ${runs(outcome.runs)}${how}`,
        // Between its fields (`1 run` stays whole), under the file: not at the body's two columns.
        (t) => hangingLines('', t, 'npusim shrink '.length, TEXT_COLUMNS, [FIELD_BREAK, WORD_BREAK]),
      ),
      ...(reduced
        ? [
            `  ${''.padEnd(22)}${'before'.padStart(14)}${'after'.padStart(14)}`,
            row('simulated time', (m) => formatTime(m.simulatedTicks)),
            row('events', events),
            row('actors', (m) => String(m.actors)),
            row('choice deviations', deviations),
          ]
        : hangingLines(
            '  nothing was reduced: ',
            `${candidates(outcome.runs - 1)} after the original's run, none kept (${first.rule === 'crash' ? '' : `${events(outcome.before)} events, `}${formatTime(outcome.before.simulatedTicks)}); ${unwritten.length > 0 ? 'the result is' : 'the file written is'} the original's run`,
            '  nothing was reduced: '.length,
          )),
      ...(changes.length > 0 ? ['  scenario:', ...changes.flatMap((c) => fitLine(`    ${c}`))] : []),
      ...hangingLines(
        '  first finding: ',
        `${outcome.file.first?.rule} at ${formatTime(outcome.file.first?.tick ?? 0)}: ${outcome.file.first?.message}`,
        '  first finding: '.length,
      ),
      ...(live === undefined
        ? []
        : hangingLines(
            '  ',
            livenessFindingText(live.after, 'what the shrink kept', live.before),
            4,
            TEXT_COLUMNS,
            [ARROW_BREAK, WORD_BREAK],
          )),
      unwritten.length > 0
        ? '(the shrunk failure file was not written: above on stderr)'
        : `replay it with:\nnpusim replay ${shellWord(out!)}`,
      ...again,
      '',
    ].join('\n'),
  );
  if (unwritten.length > 0) return EXIT.usage;
  return outcome.stopped ? EXIT.interrupted : EXIT.clean;
}

/** Actors' choice lists said one a line in the scenario block, the rest in one line after them. */
const CHOICE_LINES = 6;
/** A list of at most this many choices is shown whole, old -> new. */
const SHOWN_CHOICES = 6;

/**
 * What the shrink changed in a recorded choice log the file already replayed (a shrunk file shrunk
 * again), one line per actor whose choices changed: `strategy.choices[2] (npu0) [4768995] ->
 * [4736227]`, a short list whole, a longer one by its length or its first changed value. The
 * `strategy` line says only a change of strategy, and a candidate kept on a tie for a simpler log
 * (a value lowered, a tail of zeros cut) moves no measure: QA's shrink of a .shrunk.json file
 * printed a table of equal columns and no change, and wrote a file with another value and digest.
 */
export function choiceChanges(before: RunConfig, after: RunConfig): string[] {
  const a = before.strategy;
  const b = after.strategy;
  if (a?.kind !== 'replay' || b?.kind !== 'replay') return [];
  // The shrunk file's actors: its lists are theirs, one per actor, in its order.
  const names = machine.planMachine(after).actors.map((x) => x.name);
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.choices.length, b.choices.length); i++) {
    const x = a.choices[i] ?? [];
    const y = b.choices[i] ?? [];
    if (x.length === y.length && x.every((v, j) => v === y[j])) continue;
    const name = names[i] === undefined ? '' : ` (${names[i]})`;
    lines.push(`strategy.choices[${i}]${name} ${choiceChange(x, y)}`);
  }
  if (lines.length <= CHOICE_LINES) return lines;
  const more = lines.length - (CHOICE_LINES - 1);
  return [...lines.slice(0, CHOICE_LINES - 1), `strategy.choices: ${more} more actors' choices changed`];
}

/** One actor's choices, old -> new: whole when short, else their count or first changed value. */
function choiceChange(x: readonly number[], y: readonly number[]): string {
  if (x.length <= SHOWN_CHOICES && y.length <= SHOWN_CHOICES)
    return `${JSON.stringify(x)} -> ${JSON.stringify(y)}`;
  if (x.length !== y.length) return `${x.length} -> ${y.length} choices`;
  const changed = x.flatMap((v, j) => (v === y[j] ? [] : [j]));
  const j = changed[0]!;
  return `${changed.length} of ${x.length} choices changed, the first (choice ${j}) ${x[j]} -> ${y[j]}`;
}

/** A line made with its `npusim: ` (shrinkReproduced), wrapped as sayText wraps a note. */
function said(line: string): string {
  return sayText(line.replace(/^npusim: /, ''));
}

/** Where a space of a path stands while its line wraps: no path holds a NUL. */
const HELD_SPACE = '\u0000';

/**
 * `text` wrapped by `wrap` with `path`, as it stands in the text, never broken at its spaces: the
 * header's `npusim shrink '/tmp/my failures/f.json':` broke after `my`, and a path is copied whole.
 */
function keptWhole(path: string, text: string, wrap: (text: string) => string[]): string[] {
  const held = text.replace(path, () => path.replaceAll(' ', HELD_SPACE));
  return wrap(held).map((l) => l.replaceAll(HELD_SPACE, ' '));
}

/**
 * The line a shrink opens with, before the original's run: the failure it keeps, where and the
 * budget. For a liveness failure, every candidate must still end as one; its liveness rule is
 * found by that run (shrinkReproduced), so the opening names the first finding the file records
 * as what the deadlock starts from (QA: the opening, printed only after that run, named the
 * violation alone, and the header then named the liveness rule).
 */
export function shrinkOpening(
  file: string,
  first: FirstFinding,
  liveness: boolean,
  budget: number,
  switches = '',
): string {
  if (!liveness)
    return `npusim: shrinking ${file}: ${first.rule} at ${formatTime(first.tick)}${switches}, budget ${runs(budget)}`;
  return `npusim: shrinking ${file}: a liveness failure (exit 3: every candidate must still end as one; first finding ${first.rule} at ${formatTime(first.tick)})${switches}, budget ${runs(budget)}; running the original to find its liveness rule`;
}

/**
 * The bug switches and profile the failure ran with, for the opening and the headline
 * (` (bugs: tce-kill-no-advance)`): three tce-storm bugs at seed 1 left three files told apart only
 * by a digest, and a shrink's output never named which bug it kept (QA). Empty for neither.
 */
export function switchesText(options: Pick<FailureFile['options'], 'bugs' | 'profile'>): string {
  const parts = [
    ...(options.bugs.length > 0 ? [`bugs: ${options.bugs.join(', ')}`] : []),
    ...(options.profile !== DEFAULT_PROFILE ? [`profile ${options.profile}`] : []),
  ];
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/**
 * A liveness shrink's line once the original's run has reproduced it: the liveness rule it ended
 * with, which every candidate must keep, as the result's header (shrinkHeadline) names it.
 */
export function shrinkReproduced(first: FirstFinding, live: LivenessFinding): string {
  return `npusim: shrink: the original reproduces, ending in ${live.rule} at ${formatTime(live.tick)}${live.rule === first.rule ? '' : ` (first finding ${first.rule} at ${formatTime(first.tick)})`}: every candidate must still end in it`;
}

/**
 * The result's header: the file and the failure the shrink kept. For a liveness failure that is
 * its liveness rule, which every candidate had to end with, not its first finding (often the
 * violation the deadlock starts from: QA read a liveness shrink's header as a violation's), which
 * is named beside it and on its own line below.
 */
export function shrinkHeadline(
  file: string,
  first: FirstFinding,
  live: ShrinkOutcome['liveness'],
  switches = '',
): string {
  if (live === undefined) return `npusim shrink ${shellWord(file)}: ${first.rule}${switches}`;
  // The switches join the liveness failure's own brackets: `(liveness failure, exit 3) (bugs: x)`,
  // two brackets in a row, wrapped between them (QA).
  const parts = [
    'liveness failure, exit 3',
    ...(live.after.rule === first.rule ? [] : [`first finding ${first.rule}`]),
    ...(switches === '' ? [] : [switches.replace(/^ \((.*)\)$/, '$1')]),
  ];
  return `npusim shrink ${shellWord(file)}: ${live.after.rule} (${parts.join('; ')})`;
}

/**
 * Where the shrunk file is written: `--out` as given; else the default name, unless it holds
 * another file (an earlier shrink of another budget, perhaps a smaller one: QA saw a quick re-run
 * replace a long shrink's 26 events with 1201), which is kept while this one takes the next free
 * name, said on stderr, as failure files do (keep-failure-file.ts). The same result rewrites its
 * own file. A directory there, or the input itself under a link, is passed over too. With all 99
 * names after it taken, nothing is written: said, and the exit is 2.
 */
function shrunkPath(
  args: ShrinkArgs,
  input: FailureFile,
  shrunk: FailureFile,
  io: CliIo,
): string | undefined {
  if (args.outGiven) {
    const held = heldOtherThanFailure(args.out);
    if (held !== undefined)
      io.stderr.write(`npusim: --out ${args.out} held ${held}; it is replaced by the shrunk failure file\n`);
    return args.out;
  }
  const usable = (p: string) => !isDirectory(p) && !sameFile(p, args.file);
  // A failure file read from a pipe or a device has no folder of its own (args.ts outHere): the
  // current directory, under the failure's own name: the input's, as a path's default is (QA: the
  // shrunk run's name, its digest another).
  const base = args.outHere ? failureFileName(input).replace(/\.json$/, '.shrunk.json') : args.out;

  const path = freeFailurePath(base, shrunk, usable);
  if (path === undefined) {
    io.stderr.write(
      `npusim: the shrunk file was not written: ${base} and the 99 names after it all hold other files\n`,
    );
  } else if (path !== base) {
    io.stderr.write(
      `npusim: ${base} holds another shrink or file, which is kept; this shrunk file goes to ${path}\n`,
    );
  }
  return path;
}

/**
 * What the file at `path` is when it is not a failure file (`--out` replaces it as asked, but a
 * sweep summary or a run result replaced by accident is said: QA replaced a copy of
 * sweep-summary.json without a word); undefined for a failure file, or no file. A note, not a
 * refusal: the README promises that `--out` replaces, and another shrink's file is one to replace.
 */
function heldOtherThanFailure(path: string): string | undefined {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    // Larger than a failure file gets (its choice log is bounded): said without reading it.
    if (st.size > MAX_FAILURE_FILE_BYTES) return `a file of ${st.size} bytes, too large to be a failure file`;
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const o = JSON.parse(withoutBom(text)) as unknown;
    if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
      const kind = npusimFileKind(o);
      if (kind?.startsWith('an npusim failure file')) return undefined;
      if (kind !== undefined) return kind;
    }
  } catch {
    // Not JSON: said below as a file of its size.
  }
  return `a file that is not an npusim failure file (${text.length} characters)`;
}

function candidates(n: number): string {
  return `${n === 0 ? 'no' : n} candidate${n === 1 ? '' : 's'}`;
}

function runs(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

/** Choice deviations, or '-' for a run that had no choice log to deviate from. */
function deviations(m: Measures): string {
  return m.deviations === Number.MAX_SAFE_INTEGER ? '-' : String(m.deviations);
}
