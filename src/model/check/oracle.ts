/**
 * The oracle (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks): a pure
 * checker fed with what one actor observes (oracle-events.ts). It sits outside the system under
 * test, like TigerBeetle's state checker: it keeps its own copy of what it needs (owners, epochs,
 * shootdowns in progress) and never asks the model. Every actor owns one, in either host, and feeds
 * it the events it sees; each rule is written once (rules/*.ts) and is judged by the actor that
 * sees enough for it (rule-names.ts says which and why). Conservation is judged on the run's result
 * (rules/conservation-rules.ts).
 *
 * How it works:
 *   1. `observe(ev)` remembers `ev` under its history keys (a page, a register, a shootdown), except
 *      for the hot per-DMA events, which are only kept when they break a rule (their keys are
 *      worked out only then);
 *   2. each rule family with a handler for `ev.kind` (its `on` table) looks at `ev`, updates its
 *      own state and reports what broke (a family never sees the kinds it does nothing with);
 *   3. a report becomes a Violation whose history is the last events of the keys involved.
 * Bounded: `historyDepth` events in at most `historyKeys` keys (oldest key dropped); violations kept
 * in a ViolationLog (the rest are counted).
 */
import type { OracleEvent } from './oracle-events.js';
import { PageBases, pageKey } from './page-bases.js';
import type { RuleName } from './rule-names.js';
import { IsolationRules } from './rules/isolation-rules.js';
import { NpuRules } from './rules/npu-rules.js';
import { OrderRules } from './rules/order-rules.js';
import { type HistoryKey, type Report, type RuleFamily, tceWindowKey } from './rules/report.js';
import { TranslationRules } from './rules/translation-rules.js';
import { type RuleTally, type Violation, ViolationLog } from './violation.js';

export interface OracleOptions {
  /** NPUs behind each GPU (to check a shootdown reached every NPU that matters). */
  gpuNpus?: ReadonlyMap<number, readonly number[]>;
  /** Flush ATSDs required after each shootdown; default 2. */
  requiredFlushes?: number;
  historyDepth?: number;
  historyKeys?: number;
  /** Violations kept in full (the rest are counted); default 50. */
  keepViolations?: number;
}

/** Per-DMA events: checked, but remembered only when they break a rule (they are most events). */
const HOT_KINDS: ReadonlySet<OracleEvent['kind']> = new Set(['dma.land', 'tce.access', 'tce.fault']);

/**
 * Events another actor's violation may need (evidence.ts): the coordinator's free of a page (a
 * chip only hears of it later) and how a GPU's ATS cache let a stale translation through (the chip
 * judging the DMA sees neither). Exported at the end of the run from the histories, whose bounds
 * they share.
 */
const EVIDENCE_KINDS: ReadonlySet<OracleEvent['kind']> = new Set([
  'page.free',
  'ats.refill.begin',
  'ats.invalidate',
  'ats.flush',
  'ats.refill.land',
]);

/** A family's handler for one kind, called with any event of that kind. */
type AnyHandler = (ev: OracleEvent, report: Report) => void;

/** What the oracle does with one kind of event: whether it is hot, and the handlers that judge it. */
interface Route {
  readonly hot: boolean;
  /** In the families' order, so reports of one event come in the order they always did. */
  readonly handlers: readonly AnyHandler[];
}
const NO_HANDLERS: readonly AnyHandler[] = [];

export class Oracle {
  private readonly families: RuleFamily[];
  private readonly historyDepth: number;
  private readonly historyKeys: number;
  private readonly histories = new Map<HistoryKey, OracleEvent[]>();
  /** Each remembered event's place in the order observed (a WeakMap: it goes with its histories). */
  private readonly seen = new WeakMap<OracleEvent, number>();
  private readonly log: ViolationLog;
  /** The page each address belongs to (64K unless a larger page was announced). */
  private readonly pages = new PageBases();
  /** Kind -> its route; a kind no family handles gets one with no handlers on first sight. */
  private readonly routes = new Map<string, Route>();
  /** The event being judged and whether it is hot, for `report` (set only inside `observe`). */
  private current: OracleEvent | undefined;
  private currentHot = false;
  /** The one Report every family is handed: no closure per event. */
  private readonly report: Report = (rule, actors, addresses, message, extraKeys = []) => {
    const ev = this.current!;
    if (this.log.full) {
      // Only counted from here on: build no keys, history or message nobody will read.
      this.log.countOnly(rule, ev.tick);
      return;
    }
    // Worked out here, not up front: a hot event's keys are needed only when it breaks a rule. The
    // families never change `pages`, so the keys are the ones `observe` would have seen.
    this.push(rule, ev, actors, addresses, message, this.currentHot, [
      ...keysOf(ev, this.pages),
      ...extraKeys,
    ]);
  };
  readonly stats = { events: 0 };

  constructor(options: OracleOptions = {}) {
    this.families = [
      new IsolationRules(this.pages),
      new TranslationRules(this.pages),
      new OrderRules({
        gpuNpus: options.gpuNpus ?? new Map(),
        requiredFlushes: options.requiredFlushes ?? 2,
      }),
      new NpuRules(),
    ];
    this.historyDepth = options.historyDepth ?? 8;
    this.historyKeys = options.historyKeys ?? 4096;
    this.log = new ViolationLog(options.keepViolations ?? 50);
    for (const f of this.families) {
      for (const [kind, handler] of Object.entries(f.on)) {
        const r = this.routeOf(kind);
        // The table is keyed by kind, so the handler is only ever called with events of its kind.
        this.routes.set(kind, { hot: r.hot, handlers: [...r.handlers, handler as AnyHandler] });
      }
    }
  }

  private routeOf(kind: string): Route {
    let r = this.routes.get(kind);
    if (r === undefined) {
      r = { hot: HOT_KINDS.has(kind as OracleEvent['kind']), handlers: NO_HANDLERS };
      this.routes.set(kind, r);
    }
    return r;
  }

  /** The violations kept in full. */
  get violations(): readonly Violation[] {
    return this.log.list();
  }

  /** Every violation found, kept or not. */
  get violationCount(): number {
    return this.log.total;
  }

  get notKept(): number {
    return this.log.notKept;
  }

  /** Every rule broken, kept or only counted: how often and first when. */
  ruleTallies(): Record<string, RuleTally> {
    return Object.fromEntries([...this.log.byRule].map(([rule, t]) => [rule, { ...t }]));
  }

  /**
   * The evidence events (EVIDENCE_KINDS) still in the histories, oldest key first: at most
   * `historyDepth` per key in `historyKeys` keys, fewer in practice (a free or a stale refill is
   * one page's event among many).
   */
  evidence(): OracleEvent[] {
    const out: OracleEvent[] = [];
    const seen = new Set<OracleEvent>();
    for (const h of this.histories.values()) {
      for (const e of h) {
        if (EVIDENCE_KINDS.has(e.kind) && !seen.has(e)) {
          seen.add(e);
          out.push(e);
        }
      }
    }
    return out;
  }

  /** Feed one event; returns how many violations it revealed. */
  observe(ev: OracleEvent): number {
    this.stats.events++;
    const route = this.routeOf(ev.kind);
    if (ev.kind === 'page.owner') this.pages.note(ev.pa, ev.sizeBytes);
    // Indexed loops here and below: the construction of every actor feeds its oracle thousands of
    // initial events in a worker whose code is still cold, where an iterator costs far more.
    if (!route.hot) {
      this.seen.set(ev, this.stats.events);
      const keys = keysOf(ev, this.pages);
      for (let i = 0; i < keys.length; i++) this.remember(keys[i]!, ev);
    }
    const handlers = route.handlers;
    if (handlers.length === 0) return 0;
    const before = this.log.total;
    // Families never feed the oracle, so `observe` is never re-entered while this is set.
    this.current = ev;
    this.currentHot = route.hot;
    for (let i = 0; i < handlers.length; i++) handlers[i]!(ev, this.report);
    this.current = undefined;
    return this.log.total - before;
  }

  private push(
    rule: RuleName,
    ev: OracleEvent,
    actors: string[],
    addresses: number[],
    message: () => string,
    hot: boolean,
    keys: readonly HistoryKey[],
  ): void {
    const seen = new Set<OracleEvent>();
    const history: OracleEvent[] = [];
    for (const k of keys) {
      for (const e of this.histories.get(k) ?? []) {
        if (!seen.has(e)) {
          seen.add(e);
          history.push(e);
        }
      }
    }
    // By tick, and at one tick in the order observed: the keys' histories interleave, and an
    // unmap's kill, unpin and remap at one tick must read in the order they happened, not key by key.
    history.sort((a, b) => a.tick - b.tick || (this.seen.get(a) ?? 0) - (this.seen.get(b) ?? 0));
    if (hot) history.push(ev);
    this.log.push({
      rule,
      message: message(),
      tick: ev.tick,
      actors,
      addresses,
      history: history.slice(-2 * this.historyDepth).map(formatEvent),
    });
  }

  private remember(key: HistoryKey, ev: OracleEvent): void {
    let h = this.histories.get(key);
    if (h === undefined) {
      if (this.histories.size >= this.historyKeys) {
        const oldest = this.histories.keys().next();
        if (oldest.done !== true) this.histories.delete(oldest.value);
      }
      h = [];
      this.histories.set(key, h);
    }
    h.push(ev);
    if (h.length > this.historyDepth) h.shift();
  }
}

/** One history line: `tick kind {fields}`. */
export function formatEvent(e: OracleEvent): string {
  const { kind, tick, ...rest } = e as { kind: string; tick: number } & Record<string, unknown>;
  return `${tick} ${kind} ${JSON.stringify(rest)}`;
}

function keysOf(ev: OracleEvent, pages: PageBases): HistoryKey[] {
  switch (ev.kind) {
    case 'page.owner':
    case 'page.unmap':
    case 'page.free':
    case 'page.free.seen':
    case 'translation.made':
    case 'ats.refill.begin':
    case 'ats.invalidate':
    case 'ats.flush':
    case 'ats.refill.land':
    case 'tce.unpin':
    case 'dma.land':
      return [pageKey(pages.baseOf(ev.pa))];
    case 'tce.clear':
    case 'tce.write':
      return [`tce:${ev.gpu}:${ev.index}`, pageKey(pages.baseOf(ev.pa))];
    case 'tce.fault':
      return [`tce:${ev.gpu}:${ev.index}`];
    case 'tce.kill':
      return ev.index === undefined ? [tceWindowKey(ev.gpu)] : tceRangeKeys(ev.gpu, ev.index, ev.npages ?? 1);
    case 'tce.access':
      return [`tce:${ev.gpu}:${ev.index}`, pageKey(pages.baseOf(ev.pa))];
    case 'atsd.acquire':
    case 'atsd.launch':
    case 'atsd.complete':
    case 'atsd.release':
    case 'atsd.shared':
      return [`reg:${ev.npu}:${ev.reg}`, `sd:${ev.shootdown}`];
    case 'shootdown.start':
    case 'shootdown.complete':
      return [`sd:${ev.shootdown}`];
    case 'peer.access':
      return [`gpu:${ev.srcGpu}`, `gpu:${ev.dstGpu}`];
    case 'gpu.reset':
      // A key of their own too, so a GPU's last reset steps outlive a burst of its peer accesses.
      return [`gpu:${ev.gpu}`, `reset:${ev.gpu}`];
    case 'mmio.access':
    case 'tenant.gpu':
    case 'npu.hmi':
      return [`gpu:${ev.gpu}`];
    case 'context.ref':
      return [`ctx:${ev.npu}:${ev.serial}`];
    case 'xts.context':
    case 'ats.refused':
      return [`xts:${ev.npu}:${ev.bdf}`];
  }
}

/** A page kill's keys: each index of its range, bounded so one long range costs no more than this. */
const KILL_RANGE_KEYS_MAX = 256;

function tceRangeKeys(gpu: number, index: number, npages: number): HistoryKey[] {
  const keys: HistoryKey[] = [];
  for (let i = index; i < index + Math.min(npages, KILL_RANGE_KEYS_MAX); i++) keys.push(`tce:${gpu}:${i}`);
  return keys;
}
