/**
 * The history that led to a finding, as a replay prints it: the last events of each actor involved,
 * merged in causal order (by time; a message always arrives after it was sent, and one actor's
 * events are in its own order), each with its kind and fields by name (protocol/catalogue.ts).
 */
import type { RecordFields } from '../core/record-fields.js';
import { ticksOfSpanText } from '../core/time-text.js';
import { describeMessage } from '../model/protocol/catalogue.js';
import { K } from '../model/protocol/kinds.js';
import { newMessage, SELF_LINK } from '../model/protocol/sim-message.js';
import { formatTime } from '../report/duration.js';
import type { MachinePlan } from '../runtime/machine-module.js';

/** The plan's actors a finding names: `gpu2`, `chip0`, `coordinator`; `npuN` is chip N's NPU. */
export function actorsInvolved(plan: MachinePlan, names: readonly string[]): number[] {
  const byName = new Map(plan.actors.map((a) => [a.name, a.index]));
  const out = new Set<number>();
  for (const raw of names) {
    const name = raw.split(/[ .(]/)[0]!;
    const direct = byName.get(name);
    if (direct !== undefined) out.add(direct);
    const npu = /^npu(\d+)$/.exec(name);
    if (npu !== null) {
      const chip = byName.get(`chip${npu[1]}`);
      if (chip !== undefined) out.add(chip);
    }
    // Shootdowns and address spaces are the kernel's: the coordinator runs them.
    if (/^(shootdown|lpid)$/.test(name)) {
      const c = byName.get('coordinator');
      if (c !== undefined) out.add(c);
    }
  }
  return [...out].sort((a, b) => a - b);
}

export interface HistoryLine {
  tick: number;
  actor: string;
  from: string;
  kind: string;
  fields: Record<string, unknown>;
  /** An event on the finding's page from before the actor's last events (RunnerOptions.tailPages). */
  onPage?: true;
}

/**
 * The last `perActor` events of each involved actor, merged by time; with `onPages`, the tails
 * were kept with RunnerOptions.tailPages and `perActor` as their length: the events on the
 * finding's pages kept from before the last ones (those before its last `perActor`) come too.
 */
export function historyOf(
  plan: MachinePlan,
  tails: readonly (readonly RecordFields[])[],
  involved: readonly number[],
  perActor: number,
  onPages = false,
): HistoryLine[] {
  const lines: (HistoryLine & { order: number })[] = [];
  for (const a of involved) {
    const whole = tails[a] ?? [];
    const onPage = onPages ? whole.length - perActor : 0;
    const tail = onPages ? whole : whole.slice(-perActor);
    tail.forEach((r, i) => {
      const m = Object.assign(newMessage(), r);
      const d = describeMessage(m);
      lines.push({
        tick: r.timeTicks,
        actor: plan.actors[a]?.name ?? `actor ${a}`,
        from: r.link === SELF_LINK ? 'self' : (plan.actors[r.source]?.name ?? `actor ${r.source}`),
        kind: d.name,
        fields: d.fields,
        ...(i < onPage ? { onPage: true as const } : {}),
        order: a * 1e6 + i,
      });
    });
  }
  lines.sort((x, y) => x.tick - y.tick || x.order - y.order);
  return lines.map(({ order: _o, ...l }) => l);
}

/** The message kinds that can bear on a rule's family (the rest is traffic around it). */
const KINDS_OF_FAMILY: Readonly<Record<string, readonly string[]>> = {
  order: [
    'UNMAP_REQUEST',
    'UNMAP_DONE',
    'PTE_CLEAR',
    'PTE_CLEARED',
    'PTE_SET',
    'PAGE_FREE',
    'ATSD_OP',
    'ATSD_ANSWER',
    'ATSD_INVALIDATE',
    'ATSD_ACK',
  ],
  liveness: [
    'UNMAP_REQUEST',
    'UNMAP_DONE',
    'PTE_CLEAR',
    'PTE_CLEARED',
    'ATSD_OP',
    'ATSD_ANSWER',
    'ATSD_INVALIDATE',
    'ATSD_ACK',
    'WATCHDOG_TIMER',
  ],
  translation: [
    'PTE_CLEAR',
    'PTE_SET',
    'PAGE_FREE',
    'ATSD_INVALIDATE',
    'ATSD_ACK',
    'ATS_REQUEST',
    'ATS_RESPONSE',
    'DMA',
    'TCE_REMAP',
    'TCE_KILL_TIMER',
    'TCE_MAP_TIMER',
    'TCE_REMAPPED',
  ],
  isolation: ['PEER_ACCESS', 'PEER_COMPLETE', 'MMIO_ACCESS', 'DMA', 'PTE_SET', 'PAGE_FREE'],
};

/**
 * Rules whose events are not their family's: a context's references are taken by the chip's
 * CONTEXT_TIMER threads, a GPU's reset runs in RESET_* steps (QA: their histories held neither,
 * only the family's unmaps and ATSD traffic, or everything).
 */
const KINDS_OF_RULE: Readonly<Record<string, readonly string[]>> = {
  'order.context-use-after-free': ['CONTEXT_TIMER'],
  'order.npu-use-after-gpu-reset': [
    'RESET_REQUEST',
    'RESET_STEP',
    'RESET_ACK',
    'RESET_DONE',
    'RESET_TIMER',
    'MMIO_ACCESS',
    'ATSD_OP',
    'ATSD_INVALIDATE',
  ],
};

const PAGE = 0x1_0000;
const ADDRESS_FIELDS = ['address', 'va', 'pa', 'ava'];

/**
 * The message kinds whose `address` field is a byte address: those that decode it as one of
 * ADDRESS_FIELDS (a DMA's address, an ATS response's pa, a free's pa, a PTE's va), found by
 * decoding each kind of the catalogue once. Only they can be on a page (RunnerOptions.tailPages):
 * a TCE remap's is a TCE index, a context timer's nothing (QA: every remap of the first 65536
 * indices read as page 0, and the remap that cleared a stale TCE was pushed out by another).
 */
export function byteAddressKinds(): number[] {
  // Aligned to any page, and under two flags: a failed ATS response (flag bit 0 clear) carries
  // no pa, a successful one does.
  const probe = 5 * 2 ** 30;
  return Object.values(K).filter((kind) =>
    [0, 1].some((flags) => {
      const m = newMessage();
      m.kind = kind;
      m.flags = flags;
      m.address = probe;
      try {
        const fields = describeMessage(m).fields;
        return ADDRESS_FIELDS.some((f) => fields[f] === probe);
      } catch {
        // A decoder that refuses these flags (an ATSD op code 0): no address under them.
        return false;
      }
    }),
  );
}

/**
 * A short history (what a shrunk failure's replay prints): the events that bear on the rule's
 * family, from the first that touches the page or the register the finding names (an address
 * field on the same 64 KiB page, or the register's npu/reg); all of them when nothing is named.
 * For a translation finding, a DMA or translation of a GPU the finding does not name is left out
 * unless it touches the page: that GPU's translations are not the finding's (QA: a stale-ATS
 * history was forty lines of other GPUs' DMAs around the one that used the stale translation).
 */
export function focusHistory(
  lines: readonly HistoryLine[],
  rule: string,
  actors: readonly string[],
  addresses: readonly number[],
): HistoryLine[] {
  const kinds = KINDS_OF_RULE[rule] ?? KINDS_OF_FAMILY[rule.split('.')[0]!];
  const relevant = kinds === undefined ? [...lines] : lines.filter((l) => kinds.includes(l.kind));
  const pages = new Set(addresses.map((a) => Math.floor(a / PAGE)));
  const regs = actors.flatMap((a) => {
    const m = /^npu(\d+)\.reg(\d+)$/.exec(a);
    return m === null ? [] : [{ npu: Number(m[1]), reg: Number(m[2]) }];
  });
  const touches = (l: HistoryLine): boolean => {
    const f = l.fields;
    if (
      ADDRESS_FIELDS.some((k) => typeof f[k] === 'number' && pages.has(Math.floor((f[k] as number) / PAGE)))
    )
      return true;
    return regs.some((r) => f.reg === r.reg && (f.npu === undefined || f.npu === r.npu));
  };
  if (pages.size === 0 && regs.length === 0) return relevant;
  const gpus = new Set(actors.flatMap((a) => (/^gpu(\d+)$/.test(a) ? [Number(a.slice(3))] : [])));
  // The GPU a line is about: a DMA's issuer (forwarded between chips too), else the GPU sending
  // or handling it (an ATS request or response); none for a chip's or the coordinator's own.
  const gpuOf = (l: HistoryLine): number | undefined => {
    if (typeof l.fields.gpu === 'number') return l.fields.gpu;
    const named = /^gpu(\d+)$/.exec(l.from) ?? /^gpu(\d+)$/.exec(l.actor);
    return named === null ? undefined : Number(named[1]);
  };
  const othersOwn = (l: HistoryLine): boolean => {
    if (!rule.startsWith('translation.') || gpus.size === 0) return false;
    const gpu = gpuOf(l);
    if (gpu === undefined || gpus.has(gpu)) return false;
    // A UT=1 address is a bus address of the issuer's own TCE window: on the page's number in
    // another GPU's window it is another page.
    return l.kind === 'DMA' && l.fields.translation === 'ut1' ? true : !touches(l);
  };
  const first = relevant.findIndex(touches);
  return (first < 0 ? relevant : relevant.slice(first)).filter((l) => !othersOwn(l));
}

/**
 * Addresses always in hex, whatever their size (`address=0xae00` beside `address=0x17a00`, not
 * `address=44544`); any other number in hex only when large (sizes, masks), counts in decimal.
 */
function inHex(field: string, v: number): boolean {
  return ADDRESS_FIELDS.includes(field) || v > 0xffff;
}

/**
 * A field's value as a history line prints it: a number by inHex, inside an object or a list too
 * (an ATSD's `inv={...,"start":0x700200010000}`, where the PTE lines print `va=0x700200010000`:
 * QA, the same address in decimal beside them could not be matched by eye); anything else as JSON.
 */
function valueText(field: string, v: unknown): string {
  if (typeof v === 'number') return inHex(field, v) ? `0x${v.toString(16)}` : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => valueText(field, x)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${valueText(k === 'start' ? 'va' : k, x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * A line of the oracle's record of a finding (`tick kind {json}`, model/check/oracle.ts
 * formatEvent; another actor's evidence ends ` (gpu3)`) with its fields as a history line prints
 * them (valueText): its addresses in hex, where the replay's history beside it prints them so (QA:
 * `"pa":35184375562240` under `address=0x52c00` could not be matched by eye). Display only: the
 * record a failure file or a result keeps is unchanged. A line without a JSON object is as it was.
 */
export function recordLineText(line: string): string {
  const open = line.indexOf(' {');
  const close = line.lastIndexOf('}');
  if (open < 0 || close < open) return line;
  let fields: unknown;
  try {
    fields = JSON.parse(line.slice(open + 1, close + 1));
  } catch {
    // Braces that do not hold one JSON object (no formatEvent line): shown as it is.
    return line;
  }
  return `${line.slice(0, open + 1)}${valueText('', fields)}${line.slice(close + 1)}`;
}

export function formatHistory(lines: readonly HistoryLine[]): string {
  const w = Math.max(0, ...lines.map((l) => l.actor.length));
  const f = Math.max(0, ...lines.map((l) => l.from.length));
  return lines
    .map((l, i) => {
      // The earlier events on the finding's page end where the last events begin: a line of dots
      // says the time between holds events not shown.
      const gap = l.onPage === undefined && lines[i - 1]?.onPage === true ? '  ...\n' : '';
      // A field the message does not carry (an ATSD_OP's `registers` beside an acquire of any)
      // is left out, not printed `registers=undefined` (QA); a message with none ends at its kind.
      const fields = Object.entries(l.fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => ` ${k}=${valueText(k, v)}`)
        .join('');
      return `${gap}  ${formatTime(l.tick).padStart(10)}  ${l.actor.padEnd(w)} <- ${l.from.padEnd(f)}  ${l.kind}${fields}`;
    })
    .join('\n');
}

/**
 * The shootdown a `liveness.shootdown` finding names as the one that did not complete: its id, the
 * registers it holds (`npu0.reg0`), and the earliest tick it can have started (its message says
 * how long it had run, to four digits: a margin of a thousandth covers the rounding). Undefined
 * for another finding, or a message not of that form.
 */
export function stuckShootdown(
  found: Pick<HistoryFinding, 'rule' | 'tick' | 'message'>,
): { id: number; holds: { npu: number; reg: number }[]; from: number; after: number } | undefined {
  if (found.rule !== 'liveness.shootdown') return undefined;
  const m =
    /^Expected shootdown (\d+) \(.*?\) to complete within [^,]+, got none after (\d+(?:\.\d+)? (?:ps|ns|us|ms|s));/.exec(
      found.message,
    );
  const after = m === null ? undefined : ticksOfSpanText(m[2]!);
  if (m === null || after === undefined) return undefined;
  const id = Number(m[1]);
  const held = new RegExp(`; shootdown ${id}: holds \\[([^\\]]*)\\]`).exec(found.message)?.[1] ?? '';
  const holds = [...held.matchAll(/npu(\d+)\.reg(\d+)/g)].map((r) => ({
    npu: Number(r[1]),
    reg: Number(r[2]),
  }));
  return { id, holds, from: Math.max(0, found.tick - after - Math.ceil(after / 1000)), after };
}

/**
 * The events of a shootdown from its start: those that name it (`shootdown=N`: its acquire,
 * its LAUNCH, its wait) and those on a register it holds (the GPUs' ATSD_ACKs), at or after the
 * earliest tick it can have started; the first `limit`. A stuck shootdown's (stuckShootdown), and
 * an `order.*` finding's shootdown's (recorded-steps.ts).
 */
export function stuckShootdownLines(
  lines: readonly HistoryLine[],
  stuck: Pick<NonNullable<ReturnType<typeof stuckShootdown>>, 'id' | 'holds' | 'from'>,
  limit: number,
): HistoryLine[] {
  return lines
    .filter(
      (l) =>
        l.tick >= stuck.from &&
        (l.fields.shootdown === stuck.id ||
          stuck.holds.some((h) => l.fields.reg === h.reg && l.fields.npu === h.npu)),
    )
    .slice(0, limit);
}

/** What of a finding the stuck shootdown's history reads. */
interface HistoryFinding {
  rule: string;
  tick: number;
  message: string;
}
