/**
 * The coordinator: the host (and guest) kernels' CPU side, and the keeper of page lifecycle.
 *
 * The processes live on the chips (chip-actor.ts): a CPU thread there decides to munmap or migrate
 * a range and asks here (UNMAP_REQUEST); the coordinator runs the page lifecycle and answers
 * UNMAP_DONE when the old frames are free and the new ones mapped (or at once, refused, when another
 * thread is already changing that range: mmap_sem). The lifecycle:
 *   1. PTE_CLEAR to every chip whose NPU has a GPU of the process; wait for all to apply it;
 *   2. mmio_invalidate: a `Shootdown` (atsd.ts) driven op by op: AVA, LAUNCH and release are posted
 *      MMIO stores (sent without waiting); acquire and STAT waits are answered by the chip when
 *      the register is won or STAT reaches 0;
 *   3. only then free the old frames (PAGE_FREE to every chip: the epoch moves on) and map the
 *      new ones (PTE_SET).
 * Bug switches break exactly one of these steps (bugs.ts). The protocol-order rules are checked by
 * the oracle (oracle.ts), fed with this actor's own events: page map/unmap/free and every step of
 * every shootdown. The kernel cannot know whether a GPU translated a page, so every GPU of the
 * process is treated as having translated every page it maps (`translation.made` at map time).
 *
 * Liveness: a shootdown older than `host.shootdownDeadlineTicks` is reported with what it waits for
 * and which registers every active shootdown holds (the Feb 2018 deadlock reads as a cycle there).
 * Also drives TCE unmaps (TCE_REMAP to the GPU's chip) and guest BAR0 accesses (MMIO_ACCESS).
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Oracle } from '../../check/oracle.js';
import type { OracleEvent, Violation as OracleViolation } from '../../check/oracle-events.js';
import type { Violation } from '../../check/violation.js';
import { PAGE_64K, type PhysPages } from '../../host/page-table.js';
import { type AtsdBugs, Shootdown, type ShootdownOp } from '../../npu/atsd.js';
import { FIRMWARE_UPDATE_COMMIT_OFFSET, LINK_DISABLE_MASK_OFFSET } from '../../platform/gpu-bar0.js';
import { AtsdOpCode, HEADER_BYTES, K, packPfn } from '../../protocol/message-kinds.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Lpid, PhysAddr, Pid, Tick, VirtAddr } from '../../types.js';
import { hex } from '../../types.js';
import type { Actor, ActorContext, ActorReport } from '../actor.js';
import { C, H } from '../metric-names.js';
import { edgeOf, hostRam, type ProcessInfo, type World } from '../world.js';

interface HostOp {
  id: number;
  thread: number;
  /** Socket of the CPU thread that asked (its NPU is "local" for the local-npu-only bug). */
  requester: number;
  proc: ProcessInfo;
  firstPage: number;
  pages: number;
  migrate: boolean;
  startedAt: number;
  phase: 'clearing' | 'shootdown' | 'done';
  clearsPending: number;
  oldPages: PhysAddr[];
  freed: boolean;
  sd: Shootdown | undefined;
  /** The op sent and not yet answered (acquire or wait). */
  waiting: ShootdownOp | undefined;
  reportedStuck: boolean;
}

const MAX_OP_ID = 2 ** 22;

export class CoordinatorActor implements Actor {
  readonly kind = 'coordinator' as const;
  readonly name = 'coordinator';
  private readonly ram: PhysPages[];
  /** Current frame of every process page (process index -> page index -> pa). */
  private readonly frames: PhysAddr[][];
  private readonly busy = new Set<string>();
  private readonly ops = new Map<number, HostOp>();
  private nextOp = 1;
  private readonly procByPid = new Map<number, ProcessInfo>();
  private readonly toChip: number[];
  private readonly toGpu: number[];
  private readonly oracle: Oracle;
  private readonly bugs: AtsdBugs;
  private readonly counters: Record<string, number> = {};
  private readonly shootdownLatency: RecordableHistogram = createHistogram();
  private readonly holdTime: RecordableHistogram = createHistogram();
  private readonly liveness: Violation[] = [];
  private readonly p: World['config']['params'];

  constructor(
    readonly index: number,
    private readonly world: World,
  ) {
    this.p = world.config.params;
    // The coordinator's allocators replay the world's initial allocations, so frame numbers agree.
    this.ram = hostRam(world.topology);
    this.frames = world.processes.map((pr) =>
      Array.from(
        { length: pr.pages },
        () => this.ram[pr.homeSocket]!.allocate(PAGE_64K, world.tenants[pr.tenant]!.id).base,
      ),
    );
    this.frames.forEach((f, i) => {
      const expected = world.processPages[i]!;
      if (f.some((pa, k) => pa !== expected[k]))
        throw new Error('coordinator: initial frames differ from the world');
    });
    for (const g of world.topology.gpus) {
      const owner = world.gpuOwner[g.index]!;
      for (let i = 0; i < world.tcePages[g.index]!.length; i++) {
        this.ram[g.socket]!.allocate(PAGE_64K, owner >= 0 ? world.tenants[owner]!.id : '');
      }
    }
    for (const pr of world.processes) this.procByPid.set(pr.pid, pr);
    this.toChip = world.chipActor.map((c) => edgeOf(world, index, c, 'control'));
    this.toGpu = world.gpuActor.map((g) => edgeOf(world, index, g, 'control'));
    const gpuNpus = new Map<number, number[]>();
    for (const g of world.topology.gpus) gpuNpus.set(g.index, [g.socket]);
    this.oracle = new Oracle({ gpuNpus });
    const b = world.bugs;
    this.bugs = {
      releaseBetweenFlushes: b.has('release-between-flushes'),
      singleFlush: b.has('single-flush'),
      localNpuOnly: b.has('local-npu-only'),
      descendingOrder: b.has('descending-order'),
    };
    for (const c of [C.shootdownsStarted, C.shootdownsCompleted, C.pagesFreed, C.pagesMapped, C.migrations]) {
      this.counters[c] = 0;
    }
    // What the oracle needs to know from the start: tenants, mappings, who may have translated.
    world.processes.forEach((pr, i) => {
      world.processPages[i]!.forEach((pa, k) => {
        this.observeMap(pr, k, pa, 0);
      });
    });
  }

  start(ctx: ActorContext): void {
    const h = this.p.host;
    if (h.tceRemapIntervalTicks > 0 && this.world.tcePages.some((p) => p.length >= 4)) {
      ctx.schedule(1 + ctx.chooser.choose('tce.start', h.tceRemapIntervalTicks), { kind: K.TCE_TIMER });
    }
    ctx.schedule(Math.max(1, Math.floor(h.shootdownDeadlineTicks / 4)), { kind: K.WATCHDOG_TIMER });
    if (this.p.mmio.accessIntervalTicks > 0) {
      ctx.schedule(1 + ctx.chooser.choose('mmio.start', this.p.mmio.accessIntervalTicks), {
        kind: K.MMIO_TIMER,
      });
    }
  }

  progress(): number {
    return this.counters[C.shootdownsCompleted]!;
  }

  /** The coordinator writes to GPUs only for guest BAR0 accesses; without them those edges are silent. */
  silentEdges(): number[] {
    return this.p.mmio.accessIntervalTicks > 0 ? [] : this.toGpu;
  }

  private count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  handle(m: SimMessage, ctx: ActorContext): void {
    switch (m.kind) {
      case K.UNMAP_REQUEST:
        this.onUnmapRequest(m, ctx);
        return;
      case K.WATCHDOG_TIMER:
        // Runs even when every CPU thread is stuck in a shootdown (no host timer fires then).
        this.checkLiveness(ctx.now);
        ctx.schedule(Math.max(1, Math.floor(this.p.host.shootdownDeadlineTicks / 4)), {
          kind: K.WATCHDOG_TIMER,
        });
        return;
      case K.TCE_TIMER:
        this.onTceTimer(ctx);
        return;
      case K.MMIO_TIMER:
        this.onMmioTimer(ctx);
        return;
      case K.PTE_CLEARED:
        this.onPteCleared(m, ctx);
        return;
      case K.TCE_REMAPPED:
        this.busy.delete(`tce:${m.tag}:${m.address}`);
        return;
      case K.ATSD_ANSWER:
        this.onAtsdAnswer(m, ctx);
        return;
      default:
        throw new Error(
          `coordinator: unexpected message kind 0x${m.kind.toString(16)} from actor ${m.source}`,
        );
    }
  }

  private jittered(ctx: ActorContext, mean: number, site: string): number {
    return Math.max(1, Math.floor(mean / 2) + ctx.chooser.choose(site, mean));
  }

  private onUnmapRequest(m: SimMessage, ctx: ActorContext): void {
    this.checkLiveness(ctx.now);
    const thread = m.tag;
    const proc = this.procByPid.get(m.pid);
    if (proc === undefined || proc.lpid !== m.lpid) {
      throw new Error(`coordinator: UNMAP_REQUEST for unknown lpid ${m.lpid} pid ${m.pid}`);
    }
    const pages = m.lengthBytes;
    const firstPage = (m.address - proc.vaBase) / PAGE_64K;
    if (!(Number.isInteger(firstPage) && firstPage >= 0 && firstPage + pages <= proc.pages && pages >= 1)) {
      throw new Error(`coordinator: UNMAP_REQUEST for ${hex(m.address)}+${pages} pages outside pid ${m.pid}`);
    }
    const requester = this.world.actors[m.source]!.socket!;
    const keys = Array.from({ length: pages }, (_, i) => `${proc.index}:${firstPage + i}`);
    if (keys.some((k) => this.busy.has(k))) {
      // Another CPU is already changing this range (mmap_sem): refused, the thread tries again later.
      ctx.send(this.toChip[requester]!, { kind: K.UNMAP_DONE, tag: thread, flags: 1 }, HEADER_BYTES);
      return;
    }
    for (const k of keys) this.busy.add(k);
    const id = this.nextOp;
    this.nextOp = (this.nextOp % (MAX_OP_ID - 1)) + 1;
    const op: HostOp = {
      id,
      thread,
      proc,
      firstPage,
      pages,
      migrate: (m.flags & 1) !== 0,
      requester,
      startedAt: ctx.now,
      phase: 'clearing',
      clearsPending: proc.npus.length,
      oldPages: Array.from({ length: pages }, (_, i) => this.frames[proc.index]![firstPage + i]!),
      freed: false,
      sd: undefined,
      waiting: undefined,
      reportedStuck: false,
    };
    this.ops.set(id, op);
    const va = proc.vaBase + firstPage * PAGE_64K;
    for (let i = 0; i < pages; i++) {
      this.oracleObserve({
        kind: 'page.unmap',
        tick: ctx.now as Tick,
        lpid: proc.lpid,
        pid: proc.pid as Pid,
        va: (va + i * PAGE_64K) as VirtAddr,
        pa: op.oldPages[i]!,
        sizeBytes: PAGE_64K,
      });
    }
    for (const npu of proc.npus) {
      ctx.send(
        this.toChip[npu]!,
        { kind: K.PTE_CLEAR, tag: id, lpid: proc.lpid, pid: proc.pid, address: va, lengthBytes: pages },
        HEADER_BYTES,
      );
    }
  }

  private onPteCleared(m: SimMessage, ctx: ActorContext): void {
    const op = this.ops.get(m.tag);
    if (op === undefined || op.phase !== 'clearing')
      throw new Error(`coordinator: stray PTE_CLEARED for op ${m.tag}`);
    if (--op.clearsPending > 0) return;
    if (this.world.bugs.has('free-before-shootdown')) this.freeAndRemap(op, ctx);
    op.phase = 'shootdown';
    const pr = op.proc;
    const guest = pr.lpid !== 0;
    op.sd = new Shootdown(
      {
        id: op.id,
        lpid: pr.lpid,
        pid: pr.pid as Pid,
        start: pr.vaBase + op.firstPage * PAGE_64K,
        sizeBytes: op.pages * PAGE_64K,
        npus: pr.npus,
        localNpu: pr.npus.includes(op.requester) ? op.requester : pr.npus[0]!,
        guest: guest ? { lpid: pr.lpid, registerByNpu: this.guestRegisters(pr) } : undefined,
        sizeRule: this.p.host.sizeRule,
      },
      this.bugs,
    );
    this.count(C.shootdownsStarted);
    this.drive(op, ctx);
  }

  /** ATSD[link index] of the guest's first bridge on each NPU (domain.md §4). */
  private guestRegisters(pr: ProcessInfo): Map<number, number> {
    const t = this.world.topology;
    const out = new Map<number, number>();
    for (const g of pr.gpus) {
      const gi = t.gpus[g]!;
      if (!out.has(gi.socket)) out.set(gi.socket, t.bridges[gi.bridges[0]!]!.linkIndex);
    }
    return out;
  }

  /** Run the shootdown's posted ops until it needs an answer (acquire, wait) or is done. */
  private drive(op: HostOp, ctx: ActorContext): void {
    const sd = op.sd!;
    for (let guard = 0; guard < 10_000; guard++) {
      const cur = sd.current();
      if (cur.kind === 'done') {
        this.finishShootdown(op, ctx);
        return;
      }
      if (cur.kind === 'eieio') {
        this.resolve(op, null, ctx);
        continue;
      }
      const edge = this.toChip[cur.npu]!;
      const base = { kind: K.ATSD_OP, tag: op.id, pid: 0 };
      switch (cur.kind) {
        case 'acquire':
          op.waiting = cur;
          ctx.send(
            edge,
            {
              ...base,
              flags: AtsdOpCode.acquire,
              address: cur.fixedRegister === undefined ? 0 : cur.fixedRegister + 1,
              lpid: cur.guestLpid ?? 0,
            },
            HEADER_BYTES,
          );
          return;
        case 'wait':
          op.waiting = cur;
          ctx.send(edge, { ...base, flags: AtsdOpCode.wait | (cur.reg << 3) }, HEADER_BYTES);
          return;
        case 'write-ava':
          ctx.send(
            edge,
            { ...base, flags: AtsdOpCode.writeAva | (cur.reg << 3), address: cur.ava },
            HEADER_BYTES,
          );
          break;
        case 'launch': {
          const p = cur.params;
          const t = p.target;
          const code =
            (t.kind === 'pid' ? 1 : 0) |
            (p.flushOnly ? 2 : 0) |
            (p.flush ? 4 : 0) |
            (t.kind === 'range' ? Math.round(Math.log2(t.sizeBytes)) << 3 : 0);
          ctx.send(
            edge,
            {
              ...base,
              flags: AtsdOpCode.launch | (cur.reg << 3),
              address: t.kind === 'range' ? t.start : 0,
              pid: p.pid,
              lengthBytes: code,
            },
            HEADER_BYTES,
          );
          break;
        }
        case 'release':
          ctx.send(edge, { ...base, flags: AtsdOpCode.release | (cur.reg << 3) }, HEADER_BYTES);
          break;
      }
      this.resolve(op, null, ctx);
    }
    throw new Error(`coordinator: shootdown ${op.id} did not block or finish in 10000 posted steps`);
  }

  private resolve(op: HostOp, answer: Parameters<Shootdown['resolve']>[0], ctx: ActorContext): void {
    for (const ev of op.sd!.resolve(answer, ctx.now as Tick)) this.oracleObserve(ev);
  }

  private onAtsdAnswer(m: SimMessage, ctx: ActorContext): void {
    const op = this.ops.get(m.tag);
    if (op === undefined || op.waiting === undefined)
      throw new Error(`coordinator: stray ATSD answer for op ${m.tag}`);
    const w = op.waiting;
    op.waiting = undefined;
    if (w.kind === 'acquire') this.resolve(op, { reg: m.address }, ctx);
    else this.resolve(op, { stat: 0 }, ctx);
    this.drive(op, ctx);
  }

  private finishShootdown(op: HostOp, ctx: ActorContext): void {
    this.count(C.shootdownsCompleted);
    this.shootdownLatency.record(Math.max(1, ctx.now - op.startedAt));
    const s = op.sd!.stats;
    if (s.startedAt >= 0) this.holdTime.record(Math.max(1, s.completedAt - s.startedAt));
    if (!op.freed) this.freeAndRemap(op, ctx);
    op.phase = 'done';
    this.ops.delete(op.id);
    for (let i = 0; i < op.pages; i++) this.busy.delete(`${op.proc.index}:${op.firstPage + i}`);
    ctx.send(this.toChip[op.requester]!, { kind: K.UNMAP_DONE, tag: op.thread }, HEADER_BYTES);
  }

  /** Free the old frames (every chip hears the new epoch), then map fresh ones at the same VAs. */
  private freeAndRemap(op: HostOp, ctx: ActorContext): void {
    op.freed = true;
    const pr = op.proc;
    const tenant = this.world.tenants[pr.tenant]!.id;
    const sockets = this.world.topology.sockets.length;
    const target = op.migrate ? (pr.homeSocket + 1) % sockets : pr.homeSocket;
    for (let i = 0; i < op.pages; i++) {
      const old = op.oldPages[i]!;
      const freed = this.ramOf(old).free(old);
      this.count(C.pagesFreed);
      this.oracleObserve({
        kind: 'page.free',
        tick: ctx.now as Tick,
        pa: old,
        sizeBytes: PAGE_64K,
        epoch: freed.epoch,
      });
      for (const e of this.toChip)
        ctx.send(e, { kind: K.PAGE_FREE, address: old, tag: freed.epoch % 2 ** 22 }, HEADER_BYTES);
    }
    for (let i = 0; i < op.pages; i++) {
      const fresh = this.ram[target]!.allocate(PAGE_64K, tenant).base;
      const k = op.firstPage + i;
      this.frames[pr.index]![k] = fresh;
      this.count(C.pagesMapped);
      if (op.migrate) this.count(C.migrations);
      this.observeMap(pr, k, fresh, ctx.now);
      const { tag, lengthBytes } = packPfn(fresh);
      const pte = {
        kind: K.PTE_SET,
        lpid: pr.lpid,
        pid: pr.pid,
        address: pr.vaBase + k * PAGE_64K,
        tag,
        lengthBytes,
      };
      // Every chip walking the process's page table, and the home chip of the new frame (it must
      // learn the frame's owner even when no GPU of the process is on its socket).
      const home = this.world.topology.sockets.findIndex((s) => this.ram[s.socket] === this.ramOf(fresh));
      const chips = pr.npus.includes(home) ? pr.npus : [...pr.npus, home];
      for (const npu of chips) ctx.send(this.toChip[npu]!, pte, HEADER_BYTES);
    }
  }

  private ramOf(pa: number): PhysPages {
    const r = this.ram.find((x) => x.pageOf(pa as PhysAddr) !== undefined);
    if (r === undefined) throw new Error(`coordinator: ${hex(pa)} is in no host RAM allocator`);
    return r;
  }

  private observeMap(pr: ProcessInfo, k: number, pa: PhysAddr, now: number): void {
    const va = (pr.vaBase + k * PAGE_64K) as VirtAddr;
    const tick = now as Tick;
    this.oracleObserve({
      kind: 'page.map',
      tick,
      lpid: pr.lpid,
      pid: pr.pid as Pid,
      va,
      pa,
      sizeBytes: PAGE_64K,
      epoch: this.ramOf(pa).epochOf(pa),
      owner: this.world.tenants[pr.tenant]!.id,
    });
    for (const gpu of pr.gpus) {
      this.oracleObserve({
        kind: 'translation.made',
        tick,
        gpu,
        lpid: pr.lpid as Lpid,
        pid: pr.pid as Pid,
        va,
        pa,
        sizeBytes: PAGE_64K,
        epoch: this.ramOf(pa).epochOf(pa),
      });
    }
  }

  private oracleObserve(ev: OracleEvent): void {
    this.oracle.observe(ev);
  }

  private checkLiveness(now: number): void {
    const deadline = this.p.host.shootdownDeadlineTicks;
    for (const op of this.ops.values()) {
      if (op.reportedStuck || now - op.startedAt <= deadline) continue;
      op.reportedStuck = true;
      this.liveness.push({
        rule: 'liveness.shootdown',
        message: `Expected shootdown ${op.id} (lpid ${op.proc.lpid} pid ${op.proc.pid}, ${op.pages} page(s) at ${hex(op.proc.vaBase + op.firstPage * PAGE_64K)}) to complete within ${deadline} ticks, got none after ${now - op.startedAt} ticks; ${this.describeOps()}`,
        tick: now,
        actors: ['coordinator', ...op.proc.npus.map((n) => `npu${n}`)],
        addresses: [op.proc.vaBase + op.firstPage * PAGE_64K],
        history: [...this.ops.values()].map((o) => this.describeOp(o)),
      });
    }
  }

  private describeOp(o: HostOp): string {
    const held = o.sd === undefined ? [] : [...o.sd.heldRegisters()].map(([n, r]) => `npu${n}.reg${r}`);
    const w = o.waiting;
    const waits =
      w === undefined
        ? o.phase
        : w.kind === 'acquire'
          ? `waits to acquire on npu${w.npu}`
          : w.kind === 'wait'
            ? `waits for STAT on npu${w.npu}.reg${w.reg}`
            : w.kind;
    return `shootdown ${o.id}: holds [${held.join(', ')}], ${waits}`;
  }

  private describeOps(): string {
    return [...this.ops.values()].map((o) => this.describeOp(o)).join('; ');
  }

  private onTceTimer(ctx: ActorContext): void {
    const ch = ctx.chooser;
    ctx.schedule(this.jittered(ctx, this.p.host.tceRemapIntervalTicks, 'tce.interval'), {
      kind: K.TCE_TIMER,
    });
    const gpus = this.world.topology.gpus.filter((g) => this.world.tcePages[g.index]!.length >= 4);
    if (gpus.length === 0) return;
    const g = gpus[ch.choose('tce.gpu', gpus.length)]!;
    const n = this.world.tcePages[g.index]!.length;
    const pages = 4;
    const first = ch.choose('tce.page', Math.floor(n / pages)) * pages;
    const key = `tce:${g.index}:${first}`;
    if (this.busy.has(key)) return;
    this.busy.add(key);
    // The range stays busy until the chip answers TCE_REMAPPED.
    ctx.send(
      edgeOf(this.world, this.index, this.world.chipActor[g.socket]!, 'control'),
      {
        kind: K.TCE_REMAP,
        tag: g.index,
        address: first,
        lengthBytes: pages,
        // One in four is a window reset, killed by "invalidate entire" rather than per page.
        flags: ch.choose('tce.entire', 4) === 0 ? 1 : 0,
      },
      HEADER_BYTES,
    );
  }

  private onMmioTimer(ctx: ActorContext): void {
    const ch = ctx.chooser;
    ctx.schedule(this.jittered(ctx, this.p.mmio.accessIntervalTicks, 'mmio.interval'), {
      kind: K.MMIO_TIMER,
    });
    const owned = this.world.topology.gpus.filter((g) => this.world.gpuOwner[g.index]! >= 0);
    if (owned.length === 0) return;
    const g = owned[ch.choose('mmio.gpu', owned.length)]!;
    const tenant = this.world.tenants[this.world.gpuOwner[g.index]!]!;
    let offset = 0;
    let write = 0;
    let value = 0;
    if (ch.choose('mmio.firmware', 100) < this.p.mmio.firmwarePercent) {
      offset = FIRMWARE_UPDATE_COMMIT_OFFSET;
      write = 1;
      value = 2 + ch.choose('mmio.firmware.version', 1000);
    } else if (tenant.spec.hostile) {
      // A hostile guest tries to turn its NVLinks back on.
      offset = LINK_DISABLE_MASK_OFFSET;
      write = 1;
      value = 0;
    }
    ctx.send(
      this.toGpu[g.index]!,
      { kind: K.MMIO_ACCESS, address: offset, tag: value, flags: write, lpid: tenant.lpid },
      HEADER_BYTES,
    );
  }

  finish(endTick: number): ActorReport {
    this.checkLiveness(endTick);
    this.oracle.finish(endTick as Tick);
    return {
      index: this.index,
      name: this.name,
      kind: this.kind,
      counters: { ...this.counters, 'shootdown.inFlightAtEnd': this.ops.size },
      histograms: { [H.shootdownLatencyTicks]: this.shootdownLatency, [H.atsdHoldTicks]: this.holdTime },
      violations: this.oracle.violations.map(fromOracle),
      liveness: this.liveness,
      state: {
        shootdownsInFlight: this.ops.size,
        ops: [...this.ops.values()].map((o) => this.describeOp(o)),
      },
    };
  }
}

function fromOracle(v: OracleViolation): Violation {
  return {
    rule: v.rule,
    message: v.message,
    tick: v.tick,
    actors: [...v.actors],
    addresses: [...v.addresses],
    history: v.history.map((e) => {
      const { kind, tick, ...rest } = e as { kind: string; tick: number } & Record<string, unknown>;
      return `${tick} ${kind} ${JSON.stringify(rest)}`;
    }),
  };
}
