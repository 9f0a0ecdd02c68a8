/**
 * A finding's steps that its history's last events do not reach back to and no byte page keeps,
 * found at the ticks the oracle's record of the finding gives them (history-runs.ts runs up to
 * each tick, keeping the last event of the step's kinds, and this picks out the finding's own):
 *
 *   - a stale TCE (`translation.stale-tce`): the unmap that cleared the TCE its DMA used and the
 *     remap that pointed that index elsewhere (chip/tce-unmap.ts: TCE_REMAP clears, TCE_KILL_TIMER
 *     kills, unpins and remaps a page kill's range, TCE_MAP_TIMER remaps a window reset's). Their
 *     `address` is a TCE index, not a byte address (history.ts byteAddressKinds): the history
 *     showed the chip's last DMAs, not the clear and remap the message names (QA). The record has
 *     the index's `tce.clear`, its old page's `tce.unpin` and its next `tce.write`; the kinds are
 *     kept on the index's "page" of 65536 indices;
 *   - a context used after its free (`order.context-use-after-free`): the driver threads' steps
 *     (CONTEXT_TIMER, chip/ats-service.ts) that last put and freed it. A step carries
 *     its thread, not the context (`address` 0): on a chip busy with DMA the last events reached
 *     back a microsecond, and a put three before the use was not shown (QA, a free run's replay,
 *     whose race put it there; the inline run's put came just before its use). The record has
 *     each `context.ref`; the thread's step is the chip's CONTEXT_TIMER at that very tick;
 *   - a shootdown an `order.*` finding names (`shootdown N` among its actors: a register released
 *     before its flushes, taken out of order, shared, a page freed before its flushes): its own
 *     ATSD operations from its acquire (acquire, write-ava, launch, wait, release) and the ACKs on
 *     its registers, as `liveness.shootdown`'s history shows a stuck one's (history.ts
 *     stuckShootdownLines). They name no page, and on a chip busy with DMA the last events reached
 *     back 200 ns: the history of a register released early held two waits and an ACK, not the
 *     launches and the release (QA). The record has each of its steps as the coordinator took it
 *     (`atsd.*`); the runs go a little past each, to the chip's receipt of what it sent there.
 */
import { K } from '../model/protocol/kinds.js';
import type { TailPages } from '../runtime/actor-runner.js';
import type { FirstFinding } from './failure-file.js';
import { type HistoryLine, stuckShootdownLines } from './history.js';

/** The steps to look for: the ticks to run up to, what each run keeps, and which are the finding's. */
export interface RecordedSteps {
  ticks: number[];
  /** The pages whose events each run keeps; none: each actor's last `tailEvents` only. */
  tailPages?: TailPages;
  /** Events of each actor each run keeps besides those on the pages (1 when undefined). */
  tailEvents?: number;
  /** The finding's own steps among the events the runs kept (every actor's, each run's). */
  pick: (kept: readonly HistoryLine[]) => HistoryLine[];
}

/** The page of RunnerOptions.tailPages: 64 KiB of bytes, or 65536 TCE indices. */
const TAIL_PAGE = 2 ** 16;

/**
 * The steps of `found` to look for, from `record` (the oracle's record of it: `tick kind {json}`
 * lines, oracle.ts formatEvent); undefined for a finding of another rule, or a record without them.
 */
export function recordedSteps(
  found: Pick<FirstFinding, 'rule' | 'message' | 'tick' | 'actors'>,
  record: readonly string[],
): RecordedSteps | undefined {
  const tce = staleTceOf(found);
  if (tce !== undefined) {
    const ticks = staleTceTicks(
      recordEvents(record, ['tce.clear', 'tce.unpin', 'tce.write']),
      tce,
      found.tick,
    );
    if (ticks.length === 0) return undefined;
    return {
      ticks,
      tailPages: { pages: [Math.floor(tce.index / TAIL_PAGE)], kinds: TCE_UNMAP_KINDS },
      pick: (kept) => staleTceLines(kept, tce, ticks),
    };
  }
  const shootdown = findingShootdown(found);
  if (shootdown !== undefined) {
    const events = recordEvents(record, SHOOTDOWN_RECORD_KINDS).filter(
      (e) => e.fields.shootdown === shootdown && e.tick <= found.tick,
    );
    if (events.length === 0) return undefined;
    return {
      ticks: [...new Set(events.map((e) => e.tick + SHOOTDOWN_WINDOW_TICKS))],
      tailEvents: SHOOTDOWN_TAIL_EVENTS,
      pick: (kept) => shootdownStepLines(kept, shootdown, events, found.tick),
    };
  }
  if (found.rule !== 'order.context-use-after-free') return undefined;
  const npu = found.actors.map((a) => /^npu(\d+)$/.exec(a)?.[1]).find((n) => n !== undefined);
  if (npu === undefined) return undefined;
  const ticks = contextTicks(recordEvents(record, ['context.ref']), Number(npu), found.tick);
  if (ticks.length === 0) return undefined;
  return {
    ticks,
    // A context step's `address` is 0: the page of its kind is page 0.
    tailPages: { pages: [0], kinds: [K.CONTEXT_TIMER] },
    pick: (kept) =>
      kept.filter((l) => l.kind === 'CONTEXT_TIMER' && l.actor === `chip${npu}` && ticks.includes(l.tick)),
  };
}

/** A record line's tick, kind and fields; lines of another form are left out. */
interface RecordEvent {
  tick: number;
  kind: string;
  fields: Record<string, unknown>;
}

/** The record's events of `kinds`, whose fields are flat (no object inside: `}` ends them). */
function recordEvents(record: readonly string[], kinds: readonly string[]): RecordEvent[] {
  return record.flatMap((line) => {
    const m = /^(\d+) (\S+) (\{[^}]*\})/.exec(line);
    if (m === null || !kinds.includes(m[2]!)) return [];
    return [{ tick: Number(m[1]), kind: m[2]!, fields: JSON.parse(m[3]!) as Record<string, unknown> }];
  });
}

/**
 * The ticks of the context's last put and its free before its use (its record is the context's
 * own: the oracle keeps it by context), on `npu`; one at tick 0 is the machine's construction, no
 * thread's step.
 */
function contextTicks(events: readonly RecordEvent[], npu: number, findingTick: number): number[] {
  const refs = events.filter((e) => e.kind === 'context.ref' && e.fields.npu === npu && e.tick < findingTick);
  const last = (op: string) => refs.filter((e) => e.fields.op === op).at(-1)?.tick;
  const ticks = [last('put'), last('free')].filter((t): t is number => t !== undefined && t > 0);
  return [...new Set(ticks)].sort((a, b) => a - b);
}

/**
 * The shootdown an `order.*` finding names (`shootdown N` among its actors: check/rules/
 * order-rules.ts and npu-rules.ts); undefined for another finding, or one that names none (a
 * page freed before the flushes of no shootdown in flight, `shootdown undefined`).
 */
export function findingShootdown(found: Pick<FirstFinding, 'rule' | 'actors'>): number | undefined {
  if (!found.rule.startsWith('order.')) return undefined;
  const id = found.actors.map((a) => /^shootdown (\d+)$/.exec(a)?.[1]).find((n) => n !== undefined);
  return id === undefined ? undefined : Number(id);
}

/** The oracle's events of a shootdown's steps (check/oracle-events.ts), each naming it. */
const SHOOTDOWN_RECORD_KINDS = [
  'shootdown.start',
  'shootdown.complete',
  'atsd.acquire',
  'atsd.launch',
  'atsd.complete',
  'atsd.release',
  'atsd.shared',
];

/**
 * How far past each of its record's ticks a shootdown's run goes: what the coordinator sent at one
 * (a LAUNCH, a release) reaches the chip a link's latency later, about 215 ns on witherspoon-6.
 */
const SHOOTDOWN_WINDOW_TICKS = 1_000_000;
/**
 * Events of each actor a shootdown's run keeps: from a window's end back past the step before it
 * (the chip that released early handled some 1,500 in 17 us; an ACK comes just before the wait
 * it answers, an acquire's op a register wait before its answer).
 */
const SHOOTDOWN_TAIL_EVENTS = 2000;

/** The ATSD_OP of each step of the record that the coordinator sends (an acquire's comes before it). */
const OP_OF_STEP: Readonly<Record<string, string>> = { 'atsd.launch': 'launch', 'atsd.release': 'release' };

/**
 * The shootdown's own events among `lines` (the runs' every actor's): the coordinator's and those
 * of the chips of the registers its record names, from its acquire as the chip got it (the last
 * before the record's first step: the record dates the answer) to the finding's tick, by
 * stuckShootdownLines; and after it, the first op of each step it took at the finding's tick (the
 * release a released-early finding is about) as its chip got it.
 */
function shootdownStepLines(
  lines: readonly HistoryLine[],
  id: number,
  events: readonly RecordEvent[],
  findingTick: number,
): HistoryLine[] {
  const holds = [
    ...new Map(
      events
        .filter((e) => typeof e.fields.npu === 'number' && typeof e.fields.reg === 'number')
        .map((e) => [
          `${e.fields.npu}.${e.fields.reg}`,
          { npu: e.fields.npu as number, reg: e.fields.reg as number },
        ]),
    ).values(),
  ];
  const chips = new Set(holds.map((h) => `chip${h.npu}`));
  const own = lines.filter((l) => l.actor === 'coordinator' || chips.has(l.actor));
  const first = Math.min(...events.map((e) => e.tick));
  const acquire = own
    .filter(
      (l) =>
        l.kind === 'ATSD_OP' && l.fields.op === 'acquire' && l.fields.shootdown === id && l.tick <= first,
    )
    .reduce<HistoryLine | undefined>(
      (last, l) => (last === undefined || l.tick >= last.tick ? l : last),
      undefined,
    );
  const mine = stuckShootdownLines(own, { id, holds, from: acquire?.tick ?? first }, Number.MAX_SAFE_INTEGER);
  const sent = mine
    .filter((l) => l.tick > findingTick && l.kind === 'ATSD_OP')
    .sort((a, b) => a.tick - b.tick);
  const later = events
    .filter((e) => e.tick === findingTick && OP_OF_STEP[e.kind] !== undefined)
    .flatMap((e) => {
      const got = sent.find(
        (l) =>
          l.fields.op === OP_OF_STEP[e.kind] &&
          l.fields.reg === e.fields.reg &&
          l.actor === `chip${e.fields.npu}`,
      );
      return got === undefined ? [] : [got];
    });
  return [...mine.filter((l) => l.tick <= findingTick), ...later];
}

/** The TCE a stale-TCE finding names: the GPU whose table it is in, and its index. */
interface StaleTce {
  gpu: number;
  index: number;
}

/** The message kinds that carry a TCE range (`address` its first index) and step an unmap. */
const TCE_UNMAP_KINDS: readonly number[] = [K.TCE_REMAP, K.TCE_KILL_TIMER, K.TCE_MAP_TIMER];
const TCE_UNMAP_NAMES = ['TCE_REMAP', 'TCE_KILL_TIMER', 'TCE_MAP_TIMER'];

/**
 * The TCE a `translation.stale-tce` finding names, from its message (check/rules/translation-
 * rules.ts: `got gpuG through a stale TCE cache entry for index I of its table`); undefined for
 * another finding.
 */
function staleTceOf(found: Pick<FirstFinding, 'rule' | 'message'>): StaleTce | undefined {
  if (found.rule !== 'translation.stale-tce') return undefined;
  const m = /got gpu(\d+) through a stale TCE cache entry for index (\d+) of its table/.exec(found.message);
  return m === null ? undefined : { gpu: Number(m[1]), index: Number(m[2]) };
}

/**
 * The ticks at which the stale TCE's unmap stepped: the index's last clear at or before the
 * finding's tick, the unpin of the page it pointed at (the kill, or the clear itself under
 * `unpin-before-kill`) and the index's next write (the remap), each once, in order. Empty when the
 * record holds no clear of the index (its TCE changed without one).
 */
function staleTceTicks(events: readonly RecordEvent[], tce: StaleTce, findingTick: number): number[] {
  const ofIndex = (e: RecordEvent) => e.fields.gpu === tce.gpu && e.fields.index === tce.index;
  const clear = events.filter((e) => e.kind === 'tce.clear' && ofIndex(e) && e.tick <= findingTick).at(-1);
  if (clear === undefined) return [];
  const after = events.filter((e) => e.tick >= clear.tick && e.tick <= findingTick);
  const unpin = after.find((e) => e.kind === 'tce.unpin' && e.fields.pa === clear.fields.pa);
  const write = after.find((e) => e.kind === 'tce.write' && ofIndex(e));
  const ticks = [clear.tick, unpin?.tick, write?.tick].filter((t): t is number => t !== undefined);
  return [...new Set(ticks)].sort((a, b) => a - b);
}

/**
 * The unmap steps of the stale TCE's range among `lines` (the events kept by the runs up to
 * `ticks`: staleTceTicks): the last TCE_REMAP at or before its clear, and the kill and map timers
 * from the clear on; each event once.
 */
function staleTceLines(
  lines: readonly HistoryLine[],
  tce: StaleTce,
  ticks: readonly number[],
): HistoryLine[] {
  const [cleared, ...later] = ticks;
  if (cleared === undefined) return [];
  const last = later.at(-1) ?? cleared;
  const ofRange = (l: HistoryLine): boolean => {
    const { gpu, firstIndex, pages } = l.fields;
    return (
      TCE_UNMAP_NAMES.includes(l.kind) &&
      gpu === tce.gpu &&
      typeof firstIndex === 'number' &&
      typeof pages === 'number' &&
      tce.index >= firstIndex &&
      tce.index < firstIndex + pages
    );
  };
  const mine = lines.filter(ofRange);
  // The remap request that cleared it: the last before the clear (a remap that waited for the
  // window's mapping threads cleared later than it came: tce-unmap.ts windowMapped).
  const request = mine.filter((l) => l.kind === 'TCE_REMAP' && l.tick <= cleared).at(-1);
  const steps = mine.filter((l) => l.kind !== 'TCE_REMAP' && l.tick >= cleared && l.tick <= last);
  return uniqueLines([...(request === undefined ? [] : [request]), ...steps]);
}

/**
 * `history` with `added` merged in by time (a line already there is not added twice). An added
 * line from before the history's last events is marked as one kept from earlier (`onPage`), so
 * the history prints the dots between them and its last events.
 */
export function withLines(history: readonly HistoryLine[], added: readonly HistoryLine[]): HistoryLine[] {
  const have = new Set(history.map(lineKey));
  const lastFrom = Math.min(...history.filter((l) => l.onPage === undefined).map((l) => l.tick));
  const extra = uniqueLines(added)
    .filter((l) => !have.has(lineKey(l)))
    .map(({ onPage: _o, ...l }) => (l.tick < lastFrom ? { ...l, onPage: true as const } : l));
  // A stable sort: at one tick the history's own order stays.
  return [...history, ...extra].sort((a, b) => a.tick - b.tick);
}

function uniqueLines(lines: readonly HistoryLine[]): HistoryLine[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const key = lineKey(l);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function lineKey(l: HistoryLine): string {
  return JSON.stringify([l.tick, l.actor, l.from, l.kind, l.fields]);
}
