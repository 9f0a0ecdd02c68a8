/**
 * The check of a path npusim will write, before the work that fills it, shared by the command line
 * (cli/output-path.ts `checkOutputFiles`, every option marked `writesFile`) and the library
 * (api/file-path-check.ts: `shrinkFailureFile`'s `out`, `writeTraceFile`'s and `writeHtmlReport`'s
 * path, `sweepWorkload`'s `failuresDir`), so a bad path is refused in the same words either way,
 * naming the option and the path as the user gave it, before a run starts. QA: the library checked
 * only that the directory existed, and a read-only one, or /proc, failed after the whole shrink as
 * a raw EACCES or ENOENT naming the temporary file beside the target.
 *
 * The check never changes an existing file: an existing path is only tested with access(W_OK); a
 * new one is created exclusively ('wx', so a file that appeared meanwhile is not truncated) and
 * removed again; one whose directory is not there yet (a command line output, which makes it) is
 * checked at its nearest existing ancestor, and nothing is made. A full device is seen through
 * statfs (no free blocks), because creating an empty file on a full device usually succeeds.
 * `describeErrno` words a write that still fails later.
 */

import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  openSync,
  readlinkSync,
  statfsSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { gotText } from '../core/shown-text.js';
import { IDLE_LIMIT_MS } from './bounded-file.js';
import { writeTarget } from './write-target.js';

/** What the check reads from the file system; tests give a fake statfs to model a full device. */
export interface OutputFs {
  statfs: (path: string) => { bavail: number | bigint; blocks?: number | bigint };
  /**
   * Throws as accessSync(path, W_OK) does when an existing file, or the directory a new file goes
   * into, may not be written (default: that call). A test injects a refusal: as root, which CI runs as, no file mode refuses.
   */
  accessWrite?: (path: string) => void;
  /** The process's user id (default: process.getuid); a test gives another, as root renames anything. */
  uid?: () => number | undefined;
}

const REAL_FS: OutputFs = { statfs: (p) => statfsSync(p) };

const accessWrite = (fs: OutputFs): ((path: string) => void) =>
  fs.accessWrite ?? ((p: string) => accessSync(p, constants.W_OK));

/**
 * A directory the command writes files into (failure files): an existing writable directory, or
 * one that can be created, with any missing parents (`mkdir -p`, as a batch job's
 * `--failures results/shard-3` expects), under its nearest existing ancestor, which must be a
 * writable directory. Nothing is created here: a clean run leaves no empty directory behind; the
 * writers create it (with its parents) when they write the first file.
 */
export function checkOutputDir(path: string, option: string, fs: OutputFs = REAL_FS): void {
  const refuse = (why: string): never => {
    throw new ConfigError(
      option,
      `Expected a directory to write files into, got ${gotText(path)}${why === '' ? '' : `: ${why}`}`,
    );
  };
  if (path === '') refuse('');
  checkDirectoryToMake(resolve(path), refuse, fs);
}

/**
 * `dir`, which may not exist yet, can be made with its missing parents and written into: its
 * nearest existing ancestor is a directory (a file or a dangling symbolic link on the way up is
 * refused, naming it), writable, with space on its device. `refuse` words the reason for the
 * caller's option. Nothing is made: the write that fills it makes it (io/make-directory.ts).
 */
function checkDirectoryToMake(dir: string, refuse: (why: string) => never, fs: OutputFs): void {
  let target = dir;
  for (;;) {
    try {
      if (statSync(target).isDirectory()) break;
      refuse(target === dir ? 'it is a file, not a directory' : `\`${target}\` is a file, not a directory`);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const code = errnoOf(e);
      // ENOTDIR: a file on the way up; walking on names that file below.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') refuse(describeErrno(code, target));
      // A symbolic link to nothing is no missing directory to make: `mkdir -p` stops at it
      // (EEXIST), and the sweep stopped there with exit 4 after the check let it by (QA).
      if (isSymbolicLink(target)) {
        refuse(`\`${target}\` is a symbolic link to \`${readlinkSync(target)}\`, which does not exist`);
      }
      const parent = dirname(target);
      // The root always exists; this only guards against a loop on a path that never resolves.
      if (parent === target) refuse('no part of it exists');
      target = parent;
    }
  }
  try {
    accessWrite(fs)(target);
  } catch (e) {
    refuse(describeErrno(errnoOf(e), target));
  }
  const noSpace = noSpaceText(target, fs);
  if (noSpace !== undefined) refuse(noSpace);
}

/**
 * A file the command writes: an existing file it may write, or a new one its directory takes.
 * With `makesParents` (the command line's outputs: `--out results/r.json` on a fresh workspace,
 * as `--failures` makes its directory) a directory not there yet is accepted when it can be made
 * under its nearest existing ancestor (checkDirectoryToMake), and the write at the end makes it
 * (repro/write-whole-file.ts); without it (the library's paths, whose refusal the API pins) a
 * missing directory is refused.
 */
export function checkOutputPath(
  path: string,
  option: string,
  fs: OutputFs = REAL_FS,
  makesParents = false,
): void {
  const refuse = (why: string): never => {
    throw new ConfigError(
      option,
      `Expected a writable file path, got ${gotText(path)}${why === '' ? '' : `: ${why}`}`,
    );
  };
  if (path === '') refuse('');
  // Many tools read `-` as standard output; npusim would write a file named `-`.
  if (path === '-')
    refuse('`-` would be a file of that name (for the result on standard output, use `--json`)');
  const full = resolve(path);
  let exists = false;
  // A pipe, a terminal or a device (`/dev/stdout`, `>(jq .)`) stores nothing on a file system:
  // /dev/fd is procfs, which statfs reports as full, and refused `>(jq .)` as having no storage.
  let holdsNothing = false;
  try {
    const st = statSync(full);
    exists = true;
    holdsNothing = !st.isFile() && !st.isDirectory();
    if (st.isDirectory()) refuse('it is a directory');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = errnoOf(e);
    // ENOTDIR: a file where a folder of the path should be; the directory's check below names it.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') refuse(describeErrno(code, full));
  }
  // resolve() drops a trailing slash, and the checks below would then test a file where the write
  // at the end, given the path as typed, meets a directory that is not there (ENOTDIR).
  if (path.endsWith('/') || /(^|\/)\.\.?$/.test(path)) {
    const end = path.endsWith('/') ? '/' : path.slice(path.lastIndexOf('/') + 1);
    refuse(`a path ending in \`${end}\` names a directory, not a file`);
  }
  // A dangling symbolic link is written through, as the shell's `>` writes: the file is made at the
  // link's target and the link kept (io/write-target.ts), so the target is what is checked, made
  // exclusively and removed again, in its own folder.
  const target = !exists && isSymbolicLink(full) ? writeTarget(full) : full;
  const dir = dirname(target);
  const viaLink = target === full ? '' : `\`${full}\` is a symbolic link to \`${target}\`, and `;
  if (!exists) {
    let missing = false;
    try {
      const st = statSync(dir);
      if (!st.isDirectory())
        refuse(`${viaLink}\`${dir}\` is ${st.isFile() ? 'a file, ' : ''}not a directory`);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const code = errnoOf(e);
      if (makesParents && (code === 'ENOENT' || code === 'ENOTDIR')) missing = true;
      else
        refuse(
          code === 'ENOENT'
            ? `${viaLink}directory \`${dir}\` does not exist`
            : viaLink + describeErrno(code, dir),
        );
    }
    // No file can be tried in a directory not made yet, and none is made before the run (a run
    // refused later would leave empty folders): its nearest existing ancestor is checked instead.
    if (missing) {
      checkDirectoryToMake(dir, (why) => refuse(viaLink + why), fs);
      return;
    }
  }
  try {
    if (exists) accessWrite(fs)(full);
    else closeSync(openSync(target, 'wx'));
  } catch (e) {
    const code = errnoOf(e);
    // The directory was just seen to exist: ENOENT on creating a file in it is the directory
    // refusing new files (/proc), not a missing directory (describeErrno would name its parent).
    if (!exists && code === 'ENOENT') {
      refuse(`\`${dir}\` does not let a new file be created in it (ENOENT)`);
    }
    refuse(describeErrno(code, exists ? full : dir));
  }
  // An existing file is replaced through a temporary file beside it (repro/write-whole-file.ts):
  // its directory must take one, or the write would go in place, and a failed one (a full disk)
  // would leave a cut file where the old one was (QA: a writable file in a read-only directory).
  // A device or a pipe is written in place whatever its directory.
  if (exists && !holdsNothing) {
    const writeDir = dirname(writeTarget(full));
    try {
      accessWrite(fs)(writeDir);
    } catch (e) {
      refuse(
        `${describeErrno(errnoOf(e), writeDir)}: npusim replaces a file through a new one beside it, so that a failed write leaves the old one whole`,
      );
    }
    // In a sticky directory (/tmp) only the file's owner, the directory's or root may rename over
    // a file: another user's is refused at the rename, after the run (QA: EPERM on a 666 file).
    const uid = (fs.uid ?? (() => process.getuid?.()))();
    const dirStat = statSync(writeDir);
    const fileStat = statSync(writeTarget(full));
    if (
      uid !== undefined &&
      uid !== 0 &&
      (dirStat.mode & 0o1000) !== 0 &&
      fileStat.uid !== uid &&
      dirStat.uid !== uid
    )
      refuse(
        `\`${writeDir}\` is a sticky directory, and the file is another user's (uid ${fileStat.uid}): npusim replaces a file through a new one beside it, which such a directory refuses (EPERM)`,
      );
  }
  if (!exists) {
    try {
      unlinkSync(target);
    } catch {
      // Created just now by us; if it cannot be removed it is an empty file the run overwrites.
    }
  }
  const noSpace = holdsNothing ? undefined : noSpaceText(dir, fs);
  if (noSpace !== undefined) refuse(noSpace);
}

/**
 * Why nothing can be stored under `dir`, from statfs: no free blocks (a full device), or no
 * blocks at all (procfs, sysfs: a file system with no storage, which is not "full"). Undefined
 * when there is room, or when statfs is not supported here (the write at the end still reports
 * a full device).
 */
function noSpaceText(dir: string, fs: OutputFs): string | undefined {
  let st: ReturnType<OutputFs['statfs']>;
  try {
    st = fs.statfs(dir);
  } catch {
    return undefined;
  }
  if (Number(st.bavail) !== 0) return undefined;
  if (st.blocks !== undefined && Number(st.blocks) === 0) {
    return `\`${dir}\` is on a file system with no storage (such as /proc or /sys)`;
  }
  return `the device holding \`${dir}\` is full`;
}

export function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? String(e);
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Why a file could not be written, in words, from its errno code; a code with no words of its own
 * here has the readers' words (core/errno-text.ts), else is given as it is.
 */
export function describeErrno(code: string, path: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `no permission to write \`${path}\` (${code})`;
    case 'EROFS':
      return `\`${path}\` is on a read-only file system (${code})`;
    case 'ENOSPC':
      return `no space left on the device holding \`${path}\` (${code})`;
    case 'ENOTDIR':
      return `a part of \`${path}\` is not a directory (${code})`;
    // A missing directory of the path is made as the file is written (make-directory.ts): a file
    // or a dangling symbolic link where one should go (QA: the bare `EEXIST`).
    case 'EEXIST':
      return `a part of \`${path}\` is a file or a dangling symbolic link where a directory is to be made (${code})`;
    case 'EISDIR':
      return `\`${path}\` is a directory (${code})`;
    case 'ENOENT':
      return `directory \`${dirname(resolve(path))}\` does not exist (${code})`;
    case 'ENAMETOOLONG':
      return `the name is too long (${code})`;
    // A pipe nobody read (src/io/pipe-write.ts, which gave up after its idle limit): the limit said,
    // or the command's wait of that long before it reads as a hang (QA: three FIFOs, 94 s unsaid).
    case 'ENXIO':
      return `no process opened the pipe \`${path}\` to read it within ${IDLE_LIMIT_MS / 1000} s (${code})`;
    case 'EAGAIN':
      return `the process reading the pipe \`${path}\` took nothing for ${IDLE_LIMIT_MS / 1000} s (${code})`;
    // A path through a loop of links was refused with the bare code (QA).
    case 'ELOOP':
      return `\`${path}\` is a loop of symbolic links (${code})`;
    default:
      return errnoText({ code });
  }
}
