/**
 * The bytes of a file a user named on the command line (a failure file, a run result, a sweep
 * summary, a topology file, a file of seeds), read so that no path can hang the command or exhaust
 * its memory:
 * - a directory is refused as one, before anything is read;
 * - a regular file larger than the limit is refused by its size, before anything is read;
 * - anything else (a pipe from `<(npusim run ... --json)`, a named FIFO, a device such as
 *   /dev/zero) is read as it comes and refused once more than the limit has arrived. It is opened
 *   without blocking: the open of a FIFO that nobody has opened for writing blocks until someone
 *   does, for ever if nobody will (`mkfifo f.json; npusim replay f.json` hung). While a pipe has
 *   nothing to give yet, the read sleeps in short steps (never spins), and gives up once nothing
 *   has arrived for IDLE_LIMIT_MS: a FIFO with a writer that never writes.
 * A named FIFO (made by mkfifo; at the path, or at the end of links from it) that no writer has
 * opened yet reads as end of file, as one whose writer came and went; before anything has
 * arrived, the read takes it for the first (`npusim replay f.json & cat failure.json > f.json`
 * starts the writer second) and waits for it as for a silent writer. An anonymous pipe reached
 * through a link (`<(npusim run ... --json)` is /dev/fd/63, a link to `pipe:[N]`) already has its
 * writer, so its end of file is the end: empty text, refused as such by each reader, at once.
 * Standard input that is a socket (a child of Node's `spawn` with `stdio: 'pipe'`), which no path
 * opens (ENXIO), is read from its descriptor instead, as a pipe is (`readStdinSocket`).
 * Every refusal is a BoundedFileError whose `got` finishes the caller's own "Expected ..., got"
 * message, so each reader keeps its words (what it expected, what its size limit means):
 * `readUserFile` turns it into the reader's ConfigError (exit 2).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errnoText } from '../core/errno-text.js';
import { ConfigError } from '../core/errors.js';
import { notUtf8Text, utf8Text } from './utf8-text.js';
import { utf16JsonText } from './utf16-text.js';

/** How long a pipe may give nothing before the read gives up. */
export const IDLE_LIMIT_MS = 30_000;
const SLEEP_MS = 5;
const CHUNK_BYTES = 1 << 20;

export class BoundedFileError extends Error {
  constructor(
    /** What the path was instead, for "Expected X, got `got`": `a directory`, `no such file (ENOENT)`. */
    readonly got: string,
    /** The path held more than the limit: `got` is its size (`123 bytes`) or `more than that`. */
    readonly tooLarge = false,
  ) {
    super(got);
  }
}

/** The file's bytes, at most `maxBytes` of them, or a BoundedFileError saying why not. */
export function readBoundedFile(path: string, maxBytes: number, idleLimitMs = IDLE_LIMIT_MS): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENXIO' && reachesStdinSocket(path))
      return readStdinSocket(maxBytes, idleLimitMs);
    throw new BoundedFileError(errnoText(e));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new BoundedFileError('a directory');
    if (stat.isFile() && stat.size > maxBytes) throw new BoundedFileError(`${stat.size} bytes`, true);
    return readAll(fd, maxBytes, idleLimitMs, stat.isFIFO() && !reachesAnonymousPipe(path), path);
  } catch (e) {
    if (e instanceof BoundedFileError) throw e;
    throw new BoundedFileError(errnoText(e));
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether `path` is a link, or a chain of links, that ends at an anonymous pipe (`/dev/fd/63` of
 * `<(...)` is a link to `pipe:[N]`): one whose writer was there from the start. A named FIFO, or a
 * link to one, is not.
 */
function reachesAnonymousPipe(path: string): boolean {
  return linkEnd(path, (target) => /^pipe:\[\d+\]$/.test(target)) !== undefined;
}

/**
 * The link of the chain from `path` whose target `ends` takes (`pipe:[N]`, `socket:[N]`: no file
 * of the file system), and that target; undefined where the chain ends elsewhere, or cannot be
 * followed.
 */
function linkEnd(
  path: string,
  ends: (target: string) => boolean,
): { link: string; target: string } | undefined {
  let p = path;
  try {
    for (let hop = 0; hop < 40; hop++) {
      if (!lstatSync(p).isSymbolicLink()) return undefined;
      const target = readlinkSync(p);
      if (ends(target)) return { link: p, target };
      p = resolve(dirname(p), target);
    }
  } catch {
    // A link that cannot be followed ends at nothing of these.
  }
  return undefined;
}

/**
 * Whether `path` reaches standard input (`/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`) and that is
 * a socket: Node's `spawn` with `stdio: 'pipe'` gives its child a socket, which Linux will not open
 * through a path (ENXIO), so a script that piped a failure file into `npusim replay /dev/stdin`
 * that way was refused (QA).
 */
function reachesStdinSocket(path: string): boolean {
  const end = linkEnd(path, (target) => /^socket:\[\d+\]$/.test(target));
  return end !== undefined && /^\/(proc\/(self|\d+)|dev)\/fd\/0$/.test(end.link);
}

/**
 * Standard input, a socket, read as a pipe is, bounded alike, and left open (it is the process's).
 * Taking `process.stdin` makes Node open the socket without blocking and not read it until asked,
 * so a writer that never writes meets the idle limit instead of hanging the command (a blocking
 * read would hold off even Ctrl-C).
 */
function readStdinSocket(maxBytes: number, idleLimitMs: number): Buffer {
  process.stdin.pause();
  try {
    return readAll(0, maxBytes, idleLimitMs, false, '/dev/stdin');
  } catch (e) {
    if (e instanceof BoundedFileError) throw e;
    throw new BoundedFileError(errnoText(e));
  }
}

/** How long a read waits with nothing before the command line says it is waiting. */
const WAIT_NOTICE_MS = 1000;

/**
 * Told once per read when a pipe or device has given nothing for WAIT_NOTICE_MS: the command line
 * says on stderr what it waits for, and for how long at most (QA: a FIFO named as a topology with
 * no writer was 30 s of silence, then the refusal). The library sets none: it prints nothing.
 */
let pipeWaitNotice: ((path: string, limitMs: number) => void) | undefined;

export function onPipeWait(notice: ((path: string, limitMs: number) => void) | undefined): void {
  pipeWaitNotice = notice;
}

/** `namedFifo`: an end of file before any byte may be a writer still to come (see the header). */
function readAll(
  fd: number,
  maxBytes: number,
  idleLimitMs: number,
  namedFifo: boolean,
  path: string,
): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let idleMs = 0;
  let nap: Int32Array | undefined;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EAGAIN') throw e;
      n = -1;
    }
    if (n < 0 || (n === 0 && total === 0 && namedFifo)) {
      // A pipe whose writer has not written (or, a named FIFO, not opened) yet: sleep, bounded by
      // the idle limit.
      if (idleMs >= idleLimitMs) {
        throw new BoundedFileError(
          `nothing to read for ${idleLimitMs / 1000} s from a pipe or device (is anything writing to it?)`,
        );
      }
      // A sleep: Atomics.wait on a word of this thread's own that nobody notifies times out after
      // SLEEP_MS (a synchronous read has no event loop to wait in; nothing is shared).
      nap ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(nap, 0, 0, SLEEP_MS);
      idleMs += SLEEP_MS;
      if (idleMs === WAIT_NOTICE_MS && total === 0) pipeWaitNotice?.(path, idleLimitMs);
      continue;
    }
    if (n === 0) break;
    idleMs = 0;
    total += n;
    if (total > maxBytes) throw new BoundedFileError('more than that', true);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

/** The file's text (UTF-8), bounded as `readBoundedFile`. */
export function readBoundedText(path: string, maxBytes: number, idleLimitMs = IDLE_LIMIT_MS): string {
  return readBoundedFile(path, maxBytes, idleLimitMs).toString('utf8');
}

/** How a reader says its refusals: the ConfigError's field, and its message for each case. */
export interface UserFileWords {
  field: string;
  /** `got`: the size (`123 bytes`) or `more than that`. */
  tooLarge: (got: string) => string;
  /** `got`: `a directory`, `no such file (ENOENT)`, a pipe that gave nothing. */
  unreadable: (got: string) => string;
}

/** `readBoundedFile`, its refusal a ConfigError in the reader's words. */
export function readUserFile(path: string, maxBytes: number, words: UserFileWords): Buffer {
  try {
    return readBoundedFile(path, maxBytes);
  } catch (e) {
    if (!(e instanceof BoundedFileError)) throw e;
    throw new ConfigError(words.field, e.tooLarge ? words.tooLarge(e.got) : words.unreadable(e.got));
  }
}

/**
 * `readUserFile` as UTF-8 text: every reader of it reads JSON, so a file saved as UTF-16 is
 * refused as one (utf16-text.ts), and one whose bytes are not UTF-8 at the first of them
 * (utf8-text.ts), in the reader's `unreadable` words.
 */
export function readUserText(path: string, maxBytes: number, words: UserFileWords): string {
  const bytes = readUserFile(path, maxBytes, words);
  const utf16 = utf16JsonText(bytes);
  if (utf16 !== undefined) throw new ConfigError(words.field, words.unreadable(utf16));
  const decoded = utf8Text(bytes);
  if (!('text' in decoded)) throw new ConfigError(words.field, words.unreadable(notUtf8Text(path, decoded)));
  return decoded.text;
}
