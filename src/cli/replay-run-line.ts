/**
 * The reproduce line of a replay whose failure file was read from standard input, a pipe or a
 * device (`cat FILE | npusim replay /dev/stdin`, `npusim replay <(...)`): `npusim replay
 * /dev/stdin` names input that is gone once read, so it runs nothing again (QA). The file's run's
 * own `npusim run` line is given instead where that line is the very run: it is parsed as `npusim
 * run` parses it and its configuration compared with the file's; for a PCT file, the steps the
 * line measures again (one measuring run, in this thread) compared with the file's too (QA: an
 * unshrunk PCT file's line gives its digest, and was not offered). Not where it could not be: a
 * choice log (a shrink's result), a PCT file whose steps the line does not measure again (a
 * shrunk one's are the original's), a free run (it races anew), a recording of a run a signal
 * stopped (the line runs to the end), or a file whose scenario no options give (a shrunk one's
 * tenants) or whose workload or topology file changed or is gone: there only the file replays it,
 * and the replay says to save it.
 */
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_PROFILE } from '../model/scenario/profiles.js';
import type { RunConfig } from '../model/scenario/run-config.js';
import type { Workload } from '../model/scenario/workload.js';
import { reproduceCommand } from '../report/reproduce-line.js';
import { preparePct } from '../repro/pct-setup.js';
import type { ReplayOutcome } from '../repro/replay.js';
import { parseCli } from './args.js';
import { resolveWorkload, scenarioConfig } from './scenario-config.js';

/** What the replay text says under a file read from standard input or a pipe. */
export function streamNote(runLine: string | undefined): string[] {
  const read = 'the failure file was read from standard input or a pipe, which is gone once read:';
  return runLine === undefined
    ? [
        `${read} save it to a file to replay it again (npusim replay FILE); no \`npusim run\` line gives this very run`,
      ]
    : [`${read} its run's own command gives the same run (or save the file: npusim replay FILE)`];
}

/**
 * The `npusim run` line that gives the replayed run exactly, or undefined where none does (the
 * module's comment). Never throws: a line that does not parse, or a workload or topology file that
 * does not load now, is no line.
 */
export async function replayRunLine(
  r: ReplayOutcome,
  workloads: ReadonlyMap<string, Workload>,
): Promise<string | undefined> {
  if (r.host === 'free-log' || r.interrupted !== undefined) return undefined;
  const strategy = r.config.strategy ?? { kind: 'random' };
  if (strategy.kind !== 'random' && strategy.kind !== 'pct') return undefined;
  const line = reproduceCommand(
    r.config,
    r.host,
    undefined,
    r.host === 'threaded' ? r.file.options.workers : undefined,
  );
  try {
    const words = shellWords(line);
    if (words === undefined || words[0] !== 'npusim') return undefined;
    const args = parseCli(words.slice(1));
    if (args.command !== 'run' || args.seed === undefined) return undefined;
    const { workload, file } = await resolveWorkload(args.workload, workloads);
    const config = scenarioConfig(workload, args, args.seed, file);
    const again = args.crashAt === undefined ? config : { ...config, crashAt: args.crashAt };
    if (!isDeepStrictEqual(runOf(again), runOf(r.config))) return undefined;
    if (strategy.kind !== 'pct') return line;
    // The line measures PCT's steps again, from a run of its configuration: the very run only where
    // that gives the file's steps (a shrunk file's are the original's, measured on another run).
    if (args.strategy !== 'pct' || args.pctDepth !== strategy.depth) return undefined;
    const measured = (await preparePct(again, strategy.depth)).strategy;
    return isDeepStrictEqual([measured.steps, measured.agents], [strategy.steps, strategy.agents])
      ? line
      : undefined;
  } catch {
    return undefined;
  }
}

/** What makes a deterministic run (with its seed and strategy, checked apart), defaults filled. */
function runOf(c: RunConfig): unknown {
  return {
    workload: c.workload,
    seed: c.seed,
    bugs: c.bugs,
    params: JSON.parse(JSON.stringify(c.params)) as unknown,
    profile: c.profile ?? DEFAULT_PROFILE,
    stopOnFirst: c.stopOnFirst === true,
    crashAt: c.crashAt ?? null,
    topology:
      c.customTopology === undefined ? null : (JSON.parse(JSON.stringify(c.customTopology.spec)) as unknown),
  };
}

/**
 * The words of a line reproduce-line.ts `shellWord` wrote: bare, or single-quoted with `'\''`
 * for a quote inside. Undefined for anything else (no line of it has one).
 */
function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  const re = /\s*((?:[^\s'\\]+|'[^']*'|\\')+)/y;
  let m: RegExpExecArray | null = re.exec(line);
  let end = 0;
  while (m !== null) {
    words.push(
      m[1]!.replace(/'([^']*)'|\\'/g, (q: string, inner: string | undefined) =>
        q === "\\'" ? "'" : (inner ?? ''),
      ),
    );
    end = re.lastIndex;
    m = re.exec(line);
  }
  return line.slice(end).trim() === '' ? words : undefined;
}
