/**
 * Rules about what a chip's NPU driver and firmware do, judged at that chip: protocol order and
 * translation safety (docs/theory-of-operation.md#5-checking-the-oracle-as-distributed-checks):
 * - order.context-use-after-free: the oracle counts each driver context's references itself from
 *   every `context.ref` the chip reports (allocation, kref_get, kref_put, kfree), and reports a
 *   kref_get after the count reached 0 (the pre-fix kernel's init returning a dying context), a
 *   kfree while references are held, and a put or free of a context already freed. It never reads
 *   the table's own `dying`/`freed` flags.
 * - order.npu-use-after-gpu-reset: the NPU used a GPU's NVLinks while a reset had them dropped and
 *   the NPU's bricks were not yet reset, which the P9 reports as an HMI (`npu.hmi`); the GPU's
 *   reset steps (`gpu.reset`) are kept in the history.
 * - order.atsd-shared-register: a shootdown stored to (AVA, LAUNCH) or cleared an ATSD register it
 *   did not hold, or launched while its STAT != 0 (`atsd.shared`, which the chip reports: it holds
 *   the lock bits and sees every store). Only the pre-fix kernel's stale index makes one
 *   (host/shootdown.ts, `release-between-flushes`): a clear that frees another CPU's register, then
 *   a LAUNCH of the CPU that takes it while the first one's ATSD is in flight. That LAUNCH's
 *   message names the shootdown whose ATSD is in flight (`launchedBy`: the NPU's last launch taken
 *   there) beside the register's holder.
 * - translation.ats-refused: the oracle counts the successful OPAL init_context calls on each brick
 *   minus its destroy_context calls (`xts.context`); an ATS request refused for an XTS reason (no
 *   entry, no VALID, LPID or MSR mismatch) on a brick that still holds a context is the firmware's
 *   XTS state disagreeing with what it told the kernel (skiboot 7c977c734: stale state after kexec).
 */
import { countText } from '../../../core/count-text.js';
import type { OracleEventOf } from '../oracle-events.js';
import type { Report, RuleFamily, RuleHandlers } from './report.js';

/**
 * Whose ATSD a LAUNCH while STAT != 0 found in flight, and who holds the register: under the stale
 * index the holder is often not the one whose ATSD keeps STAT != 0 (its clear freed the register
 * under that one, and another took it).
 */
function inFlight(ev: OracleEventOf<'atsd.shared'>): string {
  if (ev.launchedBy === null) return ev.holder === null ? 'held by nobody' : `held by shootdown ${ev.holder}`;
  const atsd = `the ATSD shootdown ${ev.launchedBy} launched there is still in flight`;
  if (ev.holder === ev.launchedBy) return `${atsd} (shootdown ${ev.launchedBy} still holds the register)`;
  return `${atsd} (the register now held by ${ev.holder === null ? 'nobody' : `shootdown ${ev.holder}`})`;
}

/** Refusals that come from the XTS tables, not from the page table (`no-pte`) or the PID (`pid-zero`). */
const XTS_REFUSALS: ReadonlySet<string> = new Set([
  'bdf-not-mapped',
  'bdf-not-valid',
  'lpid-mismatch',
  'msr-mismatch',
]);

interface ContextRefs {
  refs: number;
  /** The count reached 0: the last reference was dropped. */
  dead: boolean;
  freed: boolean;
}

export class NpuRules implements RuleFamily {
  /** `npu:serial` -> the references the oracle counted. */
  private readonly contexts = new Map<string, ContextRefs>();
  /** `npu:bdf` -> successful init_context minus destroy_context. */
  private readonly xtsContexts = new Map<string, number>();

  readonly on: RuleHandlers = {
    'context.ref': (ev, report) => this.contextRef(ev, report),
    'xts.context': (ev) => this.xtsContext(ev),
    'ats.refused': (ev, report) => this.atsRefused(ev, report),
    'atsd.shared': (ev, report) => {
      const reg = `npu${ev.npu}.reg${ev.reg}`;
      const holder = ev.holder === null ? 'held by nobody' : `held by shootdown ${ev.holder}`;
      report('order.atsd-shared-register', [`shootdown ${ev.shootdown}`, reg], [], () =>
        ev.op === 'release'
          ? `Expected shootdown ${ev.shootdown} to clear only an ATSD register it holds, got a clear of ${reg} ${holder}`
          : ev.statBusy
            ? `Expected a LAUNCH on ${reg} only once its last ATSD completed, got one by shootdown ${ev.shootdown} while STAT != 0: ${inFlight(ev)}`
            : `Expected shootdown ${ev.shootdown} to ${ev.op === 'launch' ? 'LAUNCH' : 'write AVA'} only on an ATSD register it holds, got one on ${reg} ${holder}`,
      );
    },
    'npu.hmi': (ev, report) => {
      if (ev.reason !== 'npu-use-after-gpu-reset') return;
      report(
        'order.npu-use-after-gpu-reset',
        [`npu${ev.npu}`, `gpu${ev.gpu}`],
        [],
        () =>
          `Expected the NPU to leave gpu${ev.gpu}'s NVLinks alone from its reset until its bricks were reset, got an HMI: ${ev.detail}`,
        // The GPU's reset steps under their own key too (oracle.ts): other events of the GPU's
        // (its MMIO accesses) would push them out of its own key's history.
        [`reset:${ev.gpu}`],
      );
    },
  };

  /** A successful init_context (rc: its LPARSHORT, 0 or more) or destroy_context (rc 0) on a brick. */
  private xtsContext(ev: OracleEventOf<'xts.context'>): void {
    if (ev.rc < 0) return;
    const key = `${ev.npu}:${ev.bdf}`;
    const n = (this.xtsContexts.get(key) ?? 0) + (ev.op === 'init' ? 1 : -1);
    if (n > 0) this.xtsContexts.set(key, n);
    else this.xtsContexts.delete(key);
  }

  private atsRefused(ev: OracleEventOf<'ats.refused'>, report: Report): void {
    if (!XTS_REFUSALS.has(ev.reason)) return;
    const held = this.xtsContexts.get(`${ev.npu}:${ev.bdf}`) ?? 0;
    if (held === 0) return;
    report(
      'translation.ats-refused',
      [`npu${ev.npu}`, `gpu${ev.gpu}`],
      [ev.bdf],
      () =>
        `Expected an ATS translation for gpu${ev.gpu} on npu${ev.npu} bdf 0x${ev.bdf.toString(16)} (init_context succeeded ${countText(held, 'time')}, not destroyed), got refused: ${ev.reason}`,
      [`xts:${ev.npu}:${ev.bdf}`],
    );
  }

  private contextRef(ev: OracleEventOf<'context.ref'>, report: Report): void {
    const key = `${ev.npu}:${ev.serial}`;
    const what = `npu_context #${ev.serial} of pid ${ev.pid} on npu${ev.npu}`;
    const fail = (message: string) =>
      report('order.context-use-after-free', [`npu${ev.npu}`], [], () => message, [
        `ctx:${ev.npu}:${ev.serial}`,
      ]);
    if (ev.op === 'alloc') {
      this.contexts.set(key, { refs: 1, dead: false, freed: false });
      return;
    }
    let c = this.contexts.get(key);
    if (c === undefined) {
      // Forgotten after a clean free: anything after that is a use of freed memory.
      c = { refs: 0, dead: true, freed: true };
      this.contexts.set(key, c);
    }
    switch (ev.op) {
      case 'get':
        if (c.freed) fail(`Expected kref_get only on a live context, got one on freed ${what}`);
        else if (c.dead)
          fail(
            `Expected kref_get only on a context with references (kref_get_unless_zero), got one on ${what} after its last reference was dropped`,
          );
        c.refs++;
        return;
      case 'put':
        if (c.freed) fail(`Expected kref_put only on a live context, got one on freed ${what}`);
        c.refs = Math.max(0, c.refs - 1);
        if (c.refs === 0) c.dead = true;
        return;
      case 'free':
        if (c.freed) fail(`Expected one kfree of ${what}, got a second`);
        else if (c.refs > 0) fail(`Expected ${what} freed only with no references held, got ${c.refs} held`);
        c.freed = true;
        // A clean free leaves nothing to remember (the entry is re-made if the serial ever shows up).
        if (c.refs === 0) this.contexts.delete(key);
        return;
    }
  }
}
