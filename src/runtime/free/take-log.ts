/**
 * The take-order log of a free run: for each actor, when (after how many of its own events) it
 * took how many records from which inbound ring. In a free run (free-loop.ts) that order is the
 * only input that real thread timing decides; everything else an actor does follows from its seed
 * and from the records it took, in the order it took them. So the log, with each actor's final
 * event count, is enough to replay the run exactly in one thread (free-replay.ts), the way
 * message-logging record/replay tools (ReMPI) replay MPI receives.
 *
 * Encoding. One entry is (gap, edge, count): `gap` events handled since the previous entry, then
 * `count` records taken from the ring of plan edge `edge`. Equal consecutive entries are run-length
 * encoded as (gap, edge, count, repeat), which is what steady traffic looks like (one record every
 * k events from one ring). The quadruples are written as unsigned LEB128 varints and the bytes as
 * base64, with a digest of the text so a corrupted log is refused before anything runs.
 */
import { ConfigError } from '../../core/errors.js';
import { digestText } from '../digest.js';

/** One actor's recorded takes, as a failure file carries them. */
export interface ActorTakeLog {
  /** Events the actor handled in the run (the replay handles exactly as many). */
  events: number;
  /** base64 of the varint quadruples (gap, edge, count, repeat). */
  takes: string;
  /** logCheck(events, takes): the log's own check, over its event count too (an edit of either). */
  check: string;
}

/**
 * The check of one actor's log: a digest of its event count and its takes, so that a change to
 * either (the count too: a replay handles exactly that many events) is refused before the run,
 * not found as a run that does not reproduce. (npusim 0.1.0 checked the takes alone.)
 */
export function logCheck(events: number, takes: string): string {
  return digestText(`${events} ${takes}`);
}

/** Appends entries during a run; cheap per take (no allocation unless the buffer grows). */
export class TakeLogWriter {
  private quads = new Float64Array(4 * 256);
  private n = 0;
  private lastAt = 0;
  /** Records taken in all. */
  records = 0;

  /** `handled` is the actor's event count at the take. */
  take(handled: number, edge: number, count: number): void {
    const gap = handled - this.lastAt;
    this.lastAt = handled;
    this.records += count;
    const q = this.quads;
    const at = (this.n - 1) * 4;
    if (this.n > 0 && q[at] === gap && q[at + 1] === edge && q[at + 2] === count) {
      q[at + 3]!++;
      return;
    }
    if ((this.n + 1) * 4 > q.length) {
      const bigger = new Float64Array(q.length * 2);
      bigger.set(q);
      this.quads = bigger;
    }
    const w = this.n * 4;
    this.quads[w] = gap;
    this.quads[w + 1] = edge;
    this.quads[w + 2] = count;
    this.quads[w + 3] = 1;
    this.n++;
  }

  /** Entries written (after run-length encoding). */
  get entries(): number {
    return this.n;
  }

  encode(events: number): ActorTakeLog {
    const bytes: number[] = [];
    for (let i = 0; i < this.n * 4; i++) writeVarint(bytes, this.quads[i]!);
    const takes = Buffer.from(bytes).toString('base64');
    return { events, takes, check: logCheck(events, takes) };
  }
}

function writeVarint(out: number[], v: number): void {
  let x = v;
  while (x >= 0x80) {
    out.push((x % 0x80) | 0x80);
    x = Math.floor(x / 0x80);
  }
  out.push(x);
}

/** One decoded take: after `at` events (the actor's count), take `count` records from `edge`. */
export interface Take {
  at: number;
  edge: number;
  count: number;
}

/** One run-length entry as the log stores it: `repeat` takes, each `gap` events after the last. */
interface TakeEntry {
  gap: number;
  edge: number;
  count: number;
  repeat: number;
}

/**
 * The takes of a decoded log, one at a time. The repeats are not expanded: a log's repeat may be
 * anything a varint holds (2^53), and a hand-edited one that big must be refused by the replay
 * that cannot follow it, not exhaust the memory first.
 */
export class TakeCursor {
  private entry = 0;
  private repeat = 0;
  /** Events before the current entry's first take. */
  private base = 0;
  /** The next take (undefined once the log is done). */
  current: Take | undefined;
  /** Takes left, the current one included. */
  left: number;

  constructor(private readonly entries: readonly TakeEntry[]) {
    this.left = entries.reduce((n, e) => n + e.repeat, 0);
    this.current = this.make();
  }

  /** Move to the next take. */
  advance(): void {
    const e = this.entries[this.entry];
    if (e === undefined) return;
    this.left--;
    if (++this.repeat === e.repeat) {
      this.base += e.gap * e.repeat;
      this.entry++;
      this.repeat = 0;
    }
    this.current = this.make();
  }

  private make(): Take | undefined {
    const e = this.entries[this.entry];
    if (e === undefined) return undefined;
    return { at: this.base + e.gap * (this.repeat + 1), edge: e.edge, count: e.count };
  }
}

/**
 * Decode and check one actor's log. `where` names it in errors (file and field); `inbound` is the
 * set of edges that enter the actor, so a log naming another edge is refused here, not mid-replay.
 */
export function decodeTakeLog(log: ActorTakeLog, where: string, inbound: ReadonlySet<number>): TakeCursor {
  const check = logCheck(log.events, log.takes);
  if (check !== log.check) {
    throw new ConfigError(
      `${where}.takes`,
      `Expected a take log whose digest is ${log.check}, got one whose digest is ${check} (the log or its event count was changed, or the log truncated)`,
    );
  }
  const entries = checkEntries(readVarints(log.takes, where), where, inbound);
  const at = entries.reduce((n, e) => n + e.gap * e.repeat, 0);
  if (at > log.events) {
    throw new ConfigError(
      `${where}.events`,
      `Expected at least ${at} events (the last take comes after ${at}), got ${log.events}`,
    );
  }
  return new TakeCursor(entries);
}

/** The log's varints, in whole (gap, edge, count, repeat) entries. */
function readVarints(text: string, where: string): number[] {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new ConfigError(`${where}.takes`, 'Expected base64 text, got other characters');
  }
  const bytes = Buffer.from(text, 'base64');
  const values: number[] = [];
  let v = 0;
  let scale = 1;
  let open = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    v += (b & 0x7f) * scale;
    if (b & 0x80) {
      scale *= 0x80;
      open = true;
      if (scale > 2 ** 53)
        throw new ConfigError(`${where}.takes`, `Expected a varint, got an overlong one at byte ${i}`);
    } else {
      values.push(v);
      v = 0;
      scale = 1;
      open = false;
    }
  }
  if (open || values.length % 4 !== 0) {
    throw new ConfigError(
      `${where}.takes`,
      `Expected whole (gap, edge, count, repeat) entries, got ${values.length} numbers${open ? ' and a cut varint' : ''} (truncated at entry ${Math.floor(values.length / 4)})`,
    );
  }
  return values;
}

/** The varints as entries, each naming an inbound edge of the actor, with a count and a repeat. */
function checkEntries(values: number[], where: string, inbound: ReadonlySet<number>): TakeEntry[] {
  const entries: TakeEntry[] = [];
  for (let e = 0; e < values.length; e += 4) {
    const [gap, edge, count, repeat] = [values[e]!, values[e + 1]!, values[e + 2]!, values[e + 3]!];
    const entry = `${where}.takes entry ${e / 4}`;
    if (!inbound.has(edge)) {
      throw new ConfigError(
        entry,
        `Expected an inbound edge of this actor (${[...inbound].join(', ')}), got edge ${edge}`,
      );
    }
    if (count < 1 || repeat < 1) {
      throw new ConfigError(entry, `Expected a count and a repeat of at least 1, got ${count} and ${repeat}`);
    }
    entries.push({ gap, edge, count, repeat });
  }
  return entries;
}

/** Bytes of a log as stored (base64 text), for the summary's log-size figure. */
export function takeLogBytes(logs: readonly ActorTakeLog[]): number {
  return logs.reduce((s, l) => s + l.takes.length, 0);
}
