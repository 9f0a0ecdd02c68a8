/**
 * `npusim run --check-hosts`: the same workload, seed and options give the same digest inline and
 * threaded (docs/theory-of-operation.md#75-determinism). This runs each host once, recording each
 * actor's events, and on a mismatch names the first divergent event: a divergence is a bug in
 * npusim, not in the machine.
 */
import { failedRunResult } from '../report/assemble-result.js';
import { reproduceCommand, workersWords } from '../report/reproduce-line.js';
import { hostsAgreeText } from '../report/summary-checks.js';
import { type Placement, placementName } from '../runtime/placement.js';
import type { HostsChecked, RawRun } from '../runtime/raw-run.js';
import type { TraceOptions } from '../runtime/trace-recorder.js';
import { sayText } from './cli-io.js';
import { emitResult } from './emit-result.js';
import { hostRun, type PlannedRun, type RunSession } from './host-run.js';

/**
 * The placement the threaded run had, as the option that gives it: a divergence may belong to one
 * placement (`--workers 3` cuts the machine where per-actor does not), so the reproduce line of a
 * mismatch must run that placement again. Nothing for the default, one worker per actor.
 */
export function placementWords(placement: Placement | undefined): string {
  return workersWords(placement === undefined ? undefined : placementName(placement))
    .map((w) => ` ${w}`)
    .join('');
}

/** Events recorded per actor by --check-hosts, to name the first divergence. */
const CHECK_HOSTS_RECORD_EVENTS = 2_000_000;

/**
 * Runs each host ONCE; the result reported is the run of the host the user asked for (--threads
 * unless --inline). On a mismatch it names the first divergent event (actor, index, both records),
 * reports a crash (exit 4) and returns that exit code. Interrupted, it returns the run in progress
 * and compares nothing, saying so (and whose run the summary is, when not the host asked for).
 */
export async function checkHosts(
  session: RunSession,
  run: PlannedRun,
  trace: TraceOptions | undefined,
): Promise<RawRun | number> {
  const { args, io } = session;
  const { config, plan } = run;
  const { combineDigests, firstDivergence } = await import('../runtime/digest.js');
  io.stderr.write('npusim: --check-hosts: running inline, then threaded, recording events\n');
  const started = performance.now();
  const options = { recordEvents: CHECK_HOSTS_RECORD_EVENTS, trace };
  const inline = await hostRun(session, config, 'inline', options);
  if (inline.stopped === 'interrupted') {
    // The summary that follows is this inline run's, whatever host was asked for: say so, and in
    // the result too (QA: a saved summary or --json read as a plain inline run).
    const why = `interrupted during the inline run, before the threaded one${args.host === 'inline' ? '' : '; this is the inline run so far'}`;
    io.stderr.write(sayText(`--check-hosts: ${why}: the hosts were not compared`));
    return { ...inline, hostsNotCompared: why };
  }
  const threaded = await hostRun(session, config, 'threaded', options);
  if (threaded.stopped === 'interrupted') {
    const why = `interrupted during the threaded run${args.host === 'inline' ? '; this is the threaded run so far' : ''}`;
    io.stderr.write(sayText(`--check-hosts: ${why}: the hosts were not compared`));
    return { ...threaded, hostsNotCompared: why };
  }
  const a = combineDigests(inline.actorDigests);
  const b = combineDigests(threaded.actorDigests);
  const hostsChecked: HostsChecked = {
    inline: a,
    threaded: b,
    placement: threaded.placement ?? 'per-actor',
    workers: threaded.workers.length,
    events: inline.events,
    agree: a === b,
  };
  if (a === b) {
    io.stderr.write(sayText(`--check-hosts: ${hostsAgreeText(hostsChecked)}`));
    return { ...(args.host === 'inline' ? inline : threaded), hostsChecked };
  }
  const d = firstDivergence(inline.recorded, threaded.recorded);
  const where =
    d === undefined
      ? `no divergence within the first ${CHECK_HOSTS_RECORD_EVENTS} events of each actor`
      : `actor ${plan.actors[d.actor]?.name ?? d.actor}, event #${d.index}: ` +
        `inline [time, kind, source, seq, address, tag] = ${JSON.stringify(d.a)}, threaded = ${JSON.stringify(d.b)}`;
  const message = `the hosts disagree: inline digest ${a}, threaded ${b}; first divergence: ${where}`;
  // One line everywhere (stderr, the summary, --json, --out, the reports): the placement that
  // diverged, checked again.
  const reproduce = `${reproduceCommand(config, 'threaded')}${placementWords(args.placement)} --check-hosts`;
  io.stderr.write(`npusim: crash (exit 4): ${message}\nreproduce: ${reproduce}\n`);
  const crash = { actor: 'npusim', lastEvent: undefined, tick: 0, message, stack: '' };
  const result = failedRunResult(
    config,
    plan,
    args.host,
    { kind: 'crash', crash },
    performance.now() - started,
    undefined,
    args.placement === undefined ? undefined : placementName(args.placement),
  );
  return emitResult({ ...result, reproduce, engine: { ...result.engine, hostsChecked } }, args, io);
}
