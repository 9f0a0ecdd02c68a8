/**
 * Files a command will write (every option marked `writesFile` in commands.ts) are checked before
 * the command runs, by this one function, so a bad path fails in a second with exit 2 instead of
 * after the whole simulation. A write that still fails at the end (the disk filled up during the
 * run) is reported by `writeOutputs` without losing what was printed, and leaves the file that was
 * there before (src/repro/write-whole-file.ts).
 *
 * The check of one path (`checkOutputPath`, `checkOutputDir`: writable, space on the device; it
 * never changes an existing file) is src/io/output-check.ts, which the library's calls share. A
 * file's missing directories, with their parents, are accepted when they can be made, and made
 * only by the write at the end (writeWholeFile): a run refused or stopped before it leaves none.
 */

import { fstatSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isatty } from 'node:tty';
import { ConfigError } from '../core/errors.js';
import { codeText, gotText } from '../core/shown-text.js';
import {
  checkOutputDir,
  checkOutputPath,
  describeErrno,
  errnoOf,
  type OutputFs,
} from '../io/output-check.js';
import { writeTarget } from '../io/write-target.js';
import { freeRunFileAt } from '../repro/free-run-file.js';
import { writeWholeFile } from '../repro/write-whole-file.js';
import type { OutputFile } from './cli-args.js';
import { sayText } from './cli-io.js';

// The check of one path, shared with the library (src/io/output-check.ts); exported from here
// too, where the command's modules have always found them.
export { checkOutputDir, checkOutputPath, describeErrno, errnoOf, type OutputFs };

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
      // A directory not there yet is made by the write at the end, as --failures makes its own
      // (README): a CI job's `--report results/r.html` on a fresh workspace was refused.
      checkOutputPath(o.path, o.option, fs, true);
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
 * No output file may be the command's own standard output (`--out /dev/stdout`, `/dev/fd/1`, or
 * the file stdout is redirected to): what the command prints there (the `--json` result, the
 * summary) and the file would be one stream, two JSON documents or a trace's bytes inside the
 * text, with exit 0 (QA: `run --json --out /dev/stdout | jq` met `Extra data`). `stdout`: the
 * command's, checked only when it is the process's own (an in-process caller's is no descriptor).
 * A character device that is no terminal (`/dev/null`, stdout sent there too) keeps nothing to
 * mix, so it passes.
 */
export function checkNotStandardOutput(
  outputs: readonly OutputFile[],
  stdout: NodeJS.WritableStream,
  command: string,
): void {
  if (stdout !== process.stdout) return;
  let out: ReturnType<typeof fstatSync>;
  try {
    out = fstatSync(1);
  } catch {
    return;
  }
  if (out.isCharacterDevice() && !isatty(1)) return;
  for (const o of outputs) {
    if (o.directory === true) continue;
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(o.path);
    } catch {
      continue;
    }
    if (st.dev !== out.dev || st.ino !== out.ino) continue;
    const instead =
      // shrink has no --json: its answer is the file (QA: the advice did not work there).
      o.option === '--out' && command !== 'shrink'
        ? ' (for the result on standard output, use `--json` alone)'
        : ' (name a file, or send standard output elsewhere)';
    throw new ConfigError(
      o.option,
      `Expected a file other than the command's standard output, got ${gotText(o.path)}, which is where the command prints its answer: the two would be one stream${instead}`,
    );
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

/** Whether `path` is a directory (through links); false when nothing is there. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The line said once a --report page or a --trace file is written (run, replay, sweep, compare),
 * as a failure file's is: neither is said in any summary, and a path the user typed wrong is seen
 * at once (QA: --report said it, --trace did not).
 */
export function writtenLine(option: '--report' | '--trace', path: string): string {
  return `${option}: written to \`${path}\``;
}
