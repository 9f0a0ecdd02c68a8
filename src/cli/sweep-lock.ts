/**
 * One sweep at a time per summary file. Two sweeps given the same `--failures` directory (a second
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
 * A lock outlives its sweep only when the process was killed outright (SIGKILL, a power cut): the
 * sweep removes it when it ends, on an error, on Ctrl-C after its summary is written, and on a
 * second Ctrl-C's immediate exit (a process 'exit' listener). A lock left by a process of this host
 * that no longer runs is taken over, said on stderr. One of another host (a shared file system) is
 * refused, the message naming the file to remove, because its process cannot be asked from here.
 */
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { errnoOf } from './output-path.js';

/** What a lock file holds: who made it and when. */
interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

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
}

const REAL_PROBE: LockProbe = {
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      // EPERM: it runs, as another user.
      return errnoOf(e) === 'EPERM';
    }
  },
  host: () => hostname(),
  pid: process.pid,
  now: () => new Date(),
};

/**
 * Takes the lock of summary `name` in `dir` (which exists), or throws a ConfigError on `option`
 * naming the sweep that holds it. `note` hears a stale lock taken over.
 */
export function lockSweepSummary(
  dir: string,
  name: string,
  option: string,
  note: (line: string) => void,
  probe: LockProbe = REAL_PROBE,
): SweepLock {
  const path = join(dir, `.${name}.lock`);
  const own: LockOwner = { pid: probe.pid, host: probe.host(), started: probe.now().toISOString() };
  const body = `${JSON.stringify(own)}\n`;
  // Twice at most: once, and once more after removing a stale lock (a third sweep may win that).
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, body, { flag: 'wx' });
      return held(path, body);
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') {
        throw new ConfigError(
          option,
          `Expected to make the sweep's lock file \`${path}\` (one sweep at a time writes ${name} there), got ${errnoText(e)}`,
        );
      }
    }
    const holder = readOwner(path);
    const stale = holder !== undefined && holder.host === own.host && !probe.alive(holder.pid);
    if (!stale || attempt > 0) throw refusal(path, dir, name, option, holder);
    try {
      unlinkSync(path);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw refusal(path, dir, name, option, holder);
    }
    note(
      `${path}: a lock left by sweep pid ${holder.pid} (started ${holder.started}), which no longer runs: taken over`,
    );
  }
  // Not reached: the loop returns or throws on its second pass.
  throw refusal(path, dir, name, option, readOwner(path));
}

/**
 * What `sweep --merge` says of `dir`: each sweep that still holds a summary's lock there (its
 * summary there, if any, is the one an earlier sweep left). A lock whose process of this host has
 * ended says nothing: that sweep wrote what it was going to.
 */
export function sweepsStillWriting(dir: string, probe: LockProbe = REAL_PROBE): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /^\.sweep-summary.*\.json\.lock$/.test(f));
  } catch {
    return [];
  }
  const lines: string[] = [];
  for (const lockName of names.sort()) {
    const holder = readOwner(join(dir, lockName));
    if (holder !== undefined && holder.host === probe.host() && !probe.alive(holder.pid)) continue;
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
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.started === 'string')
      return { pid: o.pid, host: o.host, started: o.started };
  } catch {
    // Unreadable, half written or not JSON: held by someone we cannot name.
  }
  return undefined;
}

function refusal(
  path: string,
  dir: string,
  name: string,
  option: string,
  holder: LockOwner | undefined,
): ConfigError {
  const who =
    holder === undefined
      ? 'a sweep whose lock file cannot be read'
      : `sweep pid ${holder.pid} on ${holder.host}, started ${holder.started}`;
  return new ConfigError(
    option,
    `Expected no other sweep writing \`${join(dir, name)}\`, got one: ${who}. Wait for it to end, give this sweep another --failures directory (the shards of one sweep, --shard K/N, may share one), or remove \`${path}\` if that sweep no longer runs`,
  );
}
