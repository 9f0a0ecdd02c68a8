/**
 * One sweep at a time per summary file (not a library's, such as proper-lockfile: its lock is one
 * per path, where a sweep's is one per configuration, shared by the shards of one sweep and refused
 * to any other, and its stale test is an age, where this one asks whether the holder's pid still
 * runs on this host). Two sweeps given the same `--failures` directory (a second
 * terminal, a job resubmitted while the first still runs) both write `sweep-summary.json` there at
 * their end, and the one that ends last silently replaced the other's (a left-alone item of many
 * sessions' notes). So a sweep takes a lock file beside its summary before any seed runs, and a
 * second sweep meant for the same summary is refused there, exit 2, naming the first (its pid, host
 * and start) and the ways on.
 *
 * The lock is `.NAME.lock` beside `NAME` (`.sweep-summary.json.lock`, or
 * `.sweep-summary-2-of-4.json.lock` for a shard: the shards of one sweep may run at once into one
 * directory, each writes its own summary). It is made with O_EXCL (`wx`), so of two sweeps starting
 * together exactly one makes it; the name starts with a dot, so neither `sweep --merge` (which
 * reads `sweep-summary*.json`) nor a user's `ls` sees it.
 *
 * Several sweeps may write into one directory at once only as the shards of one sweep: each lock
 * holds its sweep's key (the configuration, the seeds and the shard count: `sweepKey`), and a
 * sweep is refused beside a live lock of another key, whatever its summary's name (QA: another
 * sweep's `--shard 1/2` got in beside a running sweep, and the directory could not be merged).
 *
 * A sweep's `--results` directory is locked the same way (`.sweep-results.lock`, or
 * `.sweep-results-2-of-4.lock` for a shard): two sweeps writing run results there at once wrote
 * each other's seed files over, and both said they had written a whole set (QA). The shards of one
 * sweep may share one (their seeds' files are apart, and of one configuration: one set).
 *
 * A lock outlives its sweep only when the process was killed outright (SIGKILL, a power cut): the
 * sweep removes it when it ends, on an error, on Ctrl-C after its summary is written, and on a
 * second Ctrl-C's immediate exit (a process 'exit' listener). A lock left by a process of this host
 * that no longer runs (none of that pid, or on Linux one that has ended and waits to be reaped, a
 * zombie: a container whose first process reaps no children keeps it) is taken over, said on stderr, and so is one that cannot be read once it is
 * a minute old (a kill between the lock's creation and its write leaves it empty; the two are
 * microseconds apart). One of another host (a shared file system) is refused, the message naming
 * the file to remove, because its process cannot be asked from here.
 */
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { digestText } from '../runtime/digest.js';
import { errnoOf } from './output-path.js';

/** What a lock file holds: who made it, when, and for which sweep (`sweepKey`). */
interface LockOwner {
  pid: number;
  host: string;
  started: string;
  sweep: string;
}

/** An unreadable lock this old is no sweep's: its writer died between creating and writing it. */
const UNREADABLE_STALE_MS = 60_000;

export interface SweepLock {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file if it is still this sweep's (idempotent). */
  release(): void;
}

/** How a lock is checked; the tests give a process table of their own. */
export interface LockProbe {
  /** Whether process `pid` of this host runs. */
  alive(pid: number): boolean;
  host(): string;
  pid: number;
  now(): Date;
  /** The lock file's age in milliseconds (undefined when it is gone). */
  ageMs(path: string): number | undefined;
}

/** How `processRuns` asks the system about a process; the tests give their own. */
export interface ProcessTable {
  /** Whether a signal could be sent to `pid` (kill(pid, 0)): some process holds that pid. */
  signals(pid: number): boolean;
  /** `/proc/PID/stat`, or undefined where there is none (not Linux) or it cannot be read. */
  stat(pid: number): string | undefined;
}

const REAL_TABLE: ProcessTable = {
  signals: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      // EPERM: it runs, as another user.
      return errnoOf(e) === 'EPERM';
    }
  },
  stat: (pid) => {
    if (process.platform !== 'linux') return undefined;
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/**
 * The state letter of a `/proc/PID/stat` line (`R`, `S`, `Z`, ...): the field after the command's
 * closing parenthesis, the last one on the line (a command name may hold spaces and parentheses of
 * its own: `12 (a) b) Z 1 ...`); undefined for a line that is not one.
 */
export function procStatState(line: string): string | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  return /^ ([A-Za-z])(?: |$)/.exec(line.slice(close + 1))?.[1];
}

/**
 * Whether process `pid` of this host still runs: it takes signals, and is not one that has ended
 * and waits for its parent to reap it (state Z, a zombie, or X/x, dead). A zombie answers kill(0)
 * like a live process, and a container whose first process reaps no children keeps one for good
 * (QA: a killed sweep's lock blocked every later sweep, its pid `<defunct>` in ps). Where there is
 * no /proc, kill(0) alone decides.
 */
export function processRuns(pid: number, table: ProcessTable = REAL_TABLE): boolean {
  if (!table.signals(pid)) return false;
  const stat = table.stat(pid);
  if (stat === undefined) return true;
  const state = procStatState(stat);
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

const REAL_PROBE: LockProbe = {
  alive: (pid) => processRuns(pid),
  host: () => hostname(),
  pid: process.pid,
  now: () => new Date(),
  ageMs: (path) => {
    try {
      return Date.now() - statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  },
};

/**
 * One sweep's key: shards of one sweep share it (the same configuration, seeds and shard count),
 * any other sweep differs. `config` is the sweep's configuration as JSON (its seed field is the
 * range's first seed, the same for every shard).
 */
export function sweepKey(config: string, seeds: string, shardCount: number | undefined): string {
  return `${digestText(config)} seeds ${seeds} ${shardCount === undefined ? 'whole' : `in ${shardCount} shards`}`;
}

/** What a lock guards: the directory, the lock's name there, and what a sweep writes under it. */
interface LockTarget {
  dir: string;
  /** The lock file's name in `dir`. */
  lockName: string;
  /** What one sweep at a time writes there: `sweep-summary.json`, `run results`. */
  what: string;
  /** The same as a refusal names it: `` `DIR/sweep-summary.json` ``, ``run results into `DIR` ``. */
  where: string;
  /** The option that named `dir`: `--failures`, `--results`. */
  option: string;
}

/**
 * Takes the lock of summary `name` in `dir` (which exists) for the sweep `key` (sweepKey), or
 * throws a ConfigError on `option` naming the sweep that holds it, or another sweep's live lock in
 * `dir`. `note` hears a stale lock taken over.
 */
export function lockSweepSummary(
  dir: string,
  name: string,
  key: string,
  option: string,
  note: (line: string) => void,
  probe: LockProbe = REAL_PROBE,
): SweepLock {
  return takeLock(
    { dir, lockName: `.${name}.lock`, what: name, where: `\`${join(dir, name)}\``, option },
    key,
    note,
    probe,
  );
}

/**
 * Takes the lock of the run results a sweep (or shard `shard`) writes into its `--results`
 * directory `dir` (which exists), as lockSweepSummary takes a summary's: a second sweep writing
 * run results there at once is refused, the other shards of its own sweep are not.
 */
export function lockSweepResults(
  dir: string,
  shard: { index: number; count: number } | undefined,
  key: string,
  note: (line: string) => void,
  probe: LockProbe = REAL_PROBE,
): SweepLock {
  return takeLock(
    {
      dir,
      lockName: `.sweep-results${shard === undefined ? '' : `-${shard.index}-of-${shard.count}`}.lock`,
      what: 'run results',
      where: `run results into \`${dir}\``,
      option: '--results',
    },
    key,
    note,
    probe,
  );
}

function takeLock(
  target: LockTarget,
  key: string,
  note: (line: string) => void,
  probe: LockProbe,
): SweepLock {
  const { dir, what, option } = target;
  const path = join(dir, target.lockName);
  const own: LockOwner = {
    pid: probe.pid,
    host: probe.host(),
    started: probe.now().toISOString(),
    sweep: key,
  };
  const body = `${JSON.stringify(own)}\n`;
  // Twice at most: once, and once more after removing a stale lock (a third sweep may win that).
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, body, { flag: 'wx' });
      const lock = held(path, body);
      // After ours is made: of two sweeps starting together each sees the other, and both stop.
      const other = otherSweep(dir, path, key, probe);
      if (other !== undefined) {
        lock.release();
        throw refusal(other.path, target, other.holder, writtenUnder(basename(other.path)));
      }
      return lock;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      if (errnoOf(e) !== 'EEXIST') {
        throw new ConfigError(
          option,
          `Expected to make the sweep's lock file \`${path}\` (one sweep at a time writes ${what} there), got ${errnoText(e)}`,
        );
      }
    }
    const holder = readOwner(path);
    if (!isStale(path, holder, own.host, probe) || attempt > 0) throw refusal(path, target, holder);
    try {
      unlinkSync(path);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw refusal(path, target, holder);
    }
    note(
      holder === undefined
        ? `${path}: an unreadable lock over a minute old (its sweep died making it): taken over`
        : `${path}: a lock left by sweep pid ${holder.pid} (started ${holder.started}), which no longer runs: taken over`,
    );
  }
  // Not reached: the loop returns or throws on its second pass.
  throw refusal(path, target, readOwner(path));
}

/** A lock no sweep holds: its process of this host has ended, or it is unreadable and old. */
function isStale(path: string, holder: LockOwner | undefined, host: string, probe: LockProbe): boolean {
  if (holder === undefined) return (probe.ageMs(path) ?? 0) > UNREADABLE_STALE_MS;
  return holder.host === host && !probe.alive(holder.pid);
}

/** A live lock in `dir`, other than `mine`, of a sweep whose key is not `key`. */
function otherSweep(
  dir: string,
  mine: string,
  key: string,
  probe: LockProbe,
): { path: string; holder: LockOwner | undefined } | undefined {
  for (const lockName of lockNames(dir)) {
    const path = join(dir, lockName);
    if (path === mine) continue;
    const holder = readOwner(path);
    if (isStale(path, holder, probe.host(), probe)) continue;
    if (holder === undefined || holder.sweep !== key) return { path, holder };
  }
  return undefined;
}

/** A summary's lock file name (`.sweep-summary-2-of-4.json.lock`). */
const SUMMARY_LOCK = /^\.sweep-summary.*\.json\.lock$/;
/** A `--results` directory's lock file name (`.sweep-results-2-of-4.lock`). */
const RESULTS_LOCK = /^\.sweep-results.*\.lock$/;

/** What the sweep holding lock file `lockName` writes: its summary's name, or `run results`. */
function writtenUnder(lockName: string): string {
  return RESULTS_LOCK.test(lockName) ? 'run results' : lockName.slice(1, -'.lock'.length);
}

/** The lock files in `dir` (summaries' only with `summaries`), sorted; none when it cannot be read. */
function lockNames(dir: string, summaries = false): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => SUMMARY_LOCK.test(f) || (!summaries && RESULTS_LOCK.test(f)))
      .sort();
  } catch {
    return [];
  }
}

/**
 * What `sweep --merge` says of `dir`: each sweep that still holds a summary's lock there (its
 * summary there, if any, is the one an earlier sweep left). A lock whose process of this host has
 * ended says nothing: that sweep wrote what it was going to.
 */
export function sweepsStillWriting(dir: string, probe: LockProbe = REAL_PROBE): string[] {
  const lines: string[] = [];
  for (const lockName of lockNames(dir, true)) {
    const path = join(dir, lockName);
    const holder = readOwner(path);
    if (isStale(path, holder, probe.host(), probe)) continue;
    const who =
      holder === undefined
        ? 'a sweep whose lock file cannot be read'
        : `sweep pid ${holder.pid} on ${holder.host}, started ${holder.started},`;
    lines.push(
      `${join(dir, lockName.slice(1, -'.lock'.length))}: ${who} is still writing it: this merge reads the summary there as it is now`,
    );
  }
  return lines;
}

function held(path: string, body: string): SweepLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      // Only our own: a lock another sweep took over after this one was thought dead stays.
      if (readFileSync(path, 'utf8') === body) unlinkSync(path);
    } catch {
      // Already gone, or the directory is: nothing of ours is left to remove.
    }
  };
  process.once('exit', release);
  return { path, release };
}

/** The lock's owner, or undefined when the file cannot be read or is not a lock of ours. */
function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    // A pid of 0 or below would ask a process group (kill(0) and kill(-1) always succeed).
    if (
      Number.isSafeInteger(o.pid) &&
      o.pid! > 0 &&
      typeof o.host === 'string' &&
      typeof o.started === 'string' &&
      typeof o.sweep === 'string'
    )
      return { pid: o.pid!, host: o.host, started: o.started, sweep: o.sweep };
  } catch {
    // Unreadable, half written or not JSON: held by someone we cannot name.
  }
  return undefined;
}

/**
 * The refusal of a sweep whose lock `path` another holds: of the same file, or (with `another`,
 * what that sweep writes) another sweep's lock in the same directory.
 */
function refusal(
  path: string,
  target: LockTarget,
  holder: LockOwner | undefined,
  another?: string,
): ConfigError {
  const who =
    holder === undefined
      ? 'a sweep whose lock file cannot be read'
      : `sweep pid ${holder.pid} on ${holder.host}, started ${holder.started}`;
  const what =
    another !== undefined
      ? `no other sweep writing into \`${target.dir}\`, got one: ${who}, writing ${another} for another sweep (shards of one sweep may share a directory, other sweeps may not)`
      : `no other sweep writing ${target.where}, got one: ${who}`;
  return new ConfigError(
    target.option,
    `Expected ${what}. Wait for it to end, give this sweep another ${target.option} directory (the shards of one sweep, --shard K/N, may share one), or remove \`${path}\` if that sweep no longer runs`,
  );
}
