/**
 * Files a command will write (every option marked `writesFile` in commands.ts) are checked before
 * the command runs, by this one function, so a bad path fails in a second with exit 2 instead of
 * after the whole simulation. A write that still fails at the end (the disk filled up during the
 * run) is reported by `writeOutputs` without losing what was printed, and leaves the file that was
 * there before (src/repro/write-whole-file.ts).
 *
 * The check never changes an existing file: an existing path is only tested with access(W_OK); a
 * new one is created exclusively ('wx', so a file that appeared meanwhile is not truncated) and
 * removed again. A full device is seen through statfs (no free blocks), because creating an empty
 * file on a full device usually succeeds.
 */

import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  statfsSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { codeText, gotText } from '../core/shown-text.js';
import { IDLE_LIMIT_MS } from '../io/bounded-file.js';
import { writeTarget } from '../io/write-target.js';
import { freeRunFileAt } from '../repro/free-run-file.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import type { OutputFile } from './cli-args.js';
import { sayText } from './cli-io.js';

/** What the check reads from the file system; tests give a fake statfs to model a full device. */
export interface OutputFs {
  statfs: (path: string) => { bavail: number | bigint; blocks?: number | bigint };
  /**
   * Throws as accessSync(path, W_OK) does when an existing file may not be written (default: that
   * call). A test injects a refusal: as root, which CI runs as, no file mode refuses.
   */
  accessWrite?: (path: string) => void;
}

const REAL_FS: OutputFs = { statfs: (p) => statfsSync(p) };

/** A file the command reads (a workload, topology, seeds, failure or result file) and its option. */
export interface InputFile {
  option: string;
  path: string;
}

/**
 * Check every file to be written; throws a ConfigError naming the option and the path. An output
 * that names one of the command's `inputs` is refused too: `--out my.json --topology my.json`
 * would write the result over the topology the user edited.
 */
export function checkOutputFiles(
  outputs: readonly OutputFile[],
  fs: OutputFs = REAL_FS,
  inputs: readonly InputFile[] = [],
): void {
  const seen = new Map<string, string>();
  const read = new Map(inputs.map((i) => [samePath(i.path), i.option]));
  // A hard link has a path of its own: the file is the same when its device and inode are.
  const byInode = new Map<string, string>();
  for (const i of inputs) {
    const id = inodeOf(i.path);
    if (id !== undefined) byInode.set(id, i.option);
  }
  // Outputs against each other the same way: `--trace link.json --out real.json`, link.json a
  // symbolic link to real.json, would write one file twice and lose the first.
  const writtenByInode = new Map<string, string>();
  for (const o of outputs) {
    const id = inodeOf(o.path);
    const reader = read.get(samePath(o.path)) ?? (id === undefined ? undefined : byInode.get(id));
    if (reader !== undefined) {
      throw new ConfigError(
        o.option,
        `Expected a ${o.directory === true ? 'directory' : 'file'} other than the command's input, got ${gotText(o.path)}, which ${reader} reads`,
      );
    }
    if (o.directory === true) {
      checkOutputDir(o.path, o.option, fs);
      if (o.names !== undefined) checkNamesInDir(o, inputs);
    } else {
      checkOutputPath(o.path, o.option, fs);
      const free = freeRunFileAt(o.path);
      if (free !== undefined) {
        throw new ConfigError(
          o.option,
          `Expected a file that holds no free run's failure file, got ${gotText(o.path)}, which holds ${free}: its race is in no seed, and only that file replays it; name another file, or move that one first`,
        );
      }
    }
    const full = samePath(o.path);
    const other = seen.get(full) ?? (id === undefined ? undefined : writtenByInode.get(id));
    if (other !== undefined) {
      throw new ConfigError(
        o.option,
        `Expected a ${o.directory === true ? 'path' : 'file'} no other option writes, got ${gotText(o.path)}, which ${other} also names`,
      );
    }
    seen.set(full, o.option);
    if (id !== undefined) writtenByInode.set(id, o.option);
  }
}

/**
 * A directory output whose files are named by the run (`o.names`) must hold no input of the command
 * under such a name: `sweep --seeds @R/stress-seed1.json --results R` would write seed 1's result
 * over the seeds it read.
 */
function checkNamesInDir(o: OutputFile, inputs: readonly InputFile[]): void {
  const dir = samePath(o.path);
  for (const i of inputs) {
    const full = samePath(i.path);
    if (dirname(full) === dir && o.names!.test(basename(full))) {
      throw new ConfigError(
        o.option,
        `Expected a directory whose files will not replace the command's input, got ${gotText(o.path)}, which holds ${codeText(i.path)} (${i.option} reads it), a name a file written there could take`,
      );
    }
  }
}

/** `device:inode` of an existing file (through symbolic links), undefined when there is none. */
function inodeOf(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A path as the file system sees it: resolved, and through symbolic links when it exists; a file
 * still to be made, by its folder's real path (a folder reached through a link names the same
 * new file as its real path does).
 */
export function samePath(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    // A dangling link names the file to be made at its target (io/write-target.ts).
    const target = writeTarget(full);
    try {
      return join(realpathSync(dirname(target)), basename(target));
    } catch {
      return target;
    }
  }
}

/**
 * Whether `file`, as the file system sees it (through symbolic links), is a `*.json` (in any case,
 * as compare's listing reads them) directly inside `dir`: a page written there would replace one
 * of a command's JSON files (a shard summary, a run result of a set), or be read as one later. A link named `page.html` whose
 * target is `DIR/x.json` is one too (QA: it wrote HTML over a shard summary).
 */
export function isJsonInside(file: string, dir: string): boolean {
  const real = samePath(file);
  const json = /\.json$/i;
  return (json.test(file) || json.test(real)) && dirname(real) === samePath(dir);
}

/** `` `file` ``, and where it leads when it is a link: how a refusal by isJsonInside names it. */
export function linkedPathText(file: string): string {
  const real = samePath(file);
  return real === resolve(file) ? `\`${file}\`` : `\`${file}\` (a link to \`${real}\`)`;
}

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
  const full = resolve(path);
  let target = full;
  for (;;) {
    try {
      if (statSync(target).isDirectory()) break;
      refuse(target === full ? 'it is a file, not a directory' : `\`${target}\` is a file, not a directory`);
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
    accessSync(target, constants.W_OK);
  } catch (e) {
    refuse(describeErrno(errnoOf(e), target));
  }
  const noSpace = noSpaceText(target, fs);
  if (noSpace !== undefined) refuse(noSpace);
}

export function checkOutputPath(path: string, option: string, fs: OutputFs = REAL_FS): void {
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
    if (code !== 'ENOENT') refuse(describeErrno(code, full));
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
    try {
      if (!statSync(dir).isDirectory()) refuse(`${viaLink}\`${dir}\` is not a directory`);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const code = errnoOf(e);
      refuse(
        code === 'ENOENT'
          ? `${viaLink}directory \`${dir}\` does not exist`
          : viaLink + describeErrno(code, dir),
      );
    }
  }
  try {
    if (exists) (fs.accessWrite ?? ((p: string) => accessSync(p, constants.W_OK)))(full);
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
 * Write each file; on failure say on stderr which file was not written and why, and go on with the
 * others. A file with a `written` line has it said on stderr once it is written (a --report page
 * is said nowhere else: QA). Returns the options whose file could not be written.
 */
export function writeOutputs(
  files: readonly { option: string; path: string; text: string | Uint8Array; written?: string }[],
  stderr: NodeJS.WritableStream,
): string[] {
  const failed: string[] = [];
  for (const f of files) {
    try {
      writeWholeFile(f.path, f.text);
      if (f.written !== undefined) stderr.write(`npusim: ${f.written}\n`);
    } catch (e) {
      failed.push(f.option);
      // Wrapped as every note is (QA: 156 columns, where a run that found something exits 1, not 2).
      stderr.write(
        sayText(
          `${f.option}: could not write \`${f.path}\`: ${describeErrno(errnoOf(e), f.path)}; ` +
            'the file was not written, the output above is complete',
        ),
      );
    }
  }
  return failed;
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

/** Whether `path` is a directory (through links); false when nothing is there. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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

/**
 * The line said once a --report page is written (run, replay, sweep, compare), as a failure file's
 * is: the page is said in no summary, and a path the user typed wrong is seen at once.
 */
export function reportWrittenLine(path: string): string {
  return `--report: written to \`${path}\``;
}
