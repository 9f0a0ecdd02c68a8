import { deepFreeze } from './deep-freeze.js';

/**
 * The exit codes of `npusim`, in one place. The command maps every outcome through `EXIT`, `--help`
 * prints `EXIT_CODES`, the run result carries the code of its status, and a test checks that
 * README.md's table ("Usage", "Exit codes") says the same, row for row.
 *
 * When two apply, the more specific finding wins: a run that found a violation and then could not
 * write its result file still exits 1 (the summary on stdout says what was found, stderr says
 * what was not written).
 */
export const EXIT_CODES = deepFreeze([
  { code: 0, name: 'clean', meaning: 'clean: every check passed' },
  {
    code: 1,
    name: 'violation',
    meaning: 'an invariant was violated (isolation, translation safety, protocol order, conservation)',
  },
  {
    code: 2,
    name: 'usage',
    meaning:
      'usage or configuration error, or a result file or stdout that could not be written (the message names the option, file, field or stdout), or a limit of the system that stopped a command before its run (threads: `ulimit -u`; open files: `ulimit -n`); also a `sweep --merge --partial` that found no failure in the shards it had',
  },
  {
    code: 3,
    name: 'liveness',
    meaning:
      'liveness failure: a shootdown not completed within its deadline (`host.shootdownDeadlineTicks`: one that never completes, or one only too slow), or an engine that stopped moving',
  },
  {
    code: 4,
    name: 'crash',
    meaning:
      'crash: an actor threw (the message names the actor, its tick and its last event), or npusim failed',
  },
  {
    code: 5,
    name: 'notReproduced',
    meaning:
      'replay only: the run did not reproduce its file (another first finding, tick, actors, addresses or digest): a file edited by hand (its seed, bug switches or parameters, which its `configDigest` catches, and then its last line says the file was edited; or its recorded outcome), a changed model, or a bug in npusim; its last line says which to suspect (a replay that reproduces exits as the run it replays did: 1 for a violation, 3, 4, or 0 for a clean recording)',
  },
  {
    code: 130,
    name: 'interrupted',
    meaning:
      'interrupted: Ctrl-C, SIGTERM (as Slurm, Kubernetes and `kill` send) or SIGHUP (the terminal or SSH session closed) stopped the run and the summary, `--record` file, failure file (when it had found something) and sweep summary cover what ran; a second signal exits at once (one sent twice at once, as `timeout` does, counts once: a second within 100 ms of the first is the same request); a signal after the run lets its outputs be written',
  },
] as const);

export type ExitName = (typeof EXIT_CODES)[number]['name'];
export type ExitCode = (typeof EXIT_CODES)[number]['code'];

export const EXIT = Object.freeze(Object.fromEntries(EXIT_CODES.map((e) => [e.name, e.code]))) as {
  readonly [K in ExitName]: Extract<(typeof EXIT_CODES)[number], { name: K }>['code'];
};

/** Every code npusim may exit with. */
export const EXIT_CODE_VALUES: ReadonlySet<number> = new Set(EXIT_CODES.map((e) => e.code));

/** The codes from least to most specific: a later one wins (`worseExit`). */
const EXIT_PRECEDENCE: readonly number[] = [
  EXIT.clean,
  EXIT.usage,
  EXIT.violation,
  EXIT.liveness,
  EXIT.crash,
  EXIT.notReproduced,
  EXIT.interrupted,
];

/**
 * The worse of two exit codes: interrupted 130, then a replay that diverged 5, crash 4, liveness 3,
 * violation 1, then a
 * result file not written 2 (a finding's code wins over it, see above), then clean 0.
 */
export function worseExit(a: number, b: number): number {
  return EXIT_PRECEDENCE.indexOf(b) > EXIT_PRECEDENCE.indexOf(a) ? b : a;
}
