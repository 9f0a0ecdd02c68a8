/**
 * The ATSD registers of one NPU (Linux npu-dma.c v4.20-v5.2, skiboot hw/npu2.c; the registers and
 * their acquisition:
 * docs/theory/ats-atsd-oracle.md#5-the-atsd-engine-npuatsd-unitts-hostshootdownts). Lives with the
 * NPU, in the chip actor; the CPU side of a shootdown (host/shootdown.ts) drives it by messages.
 *
 * How it works:
 *   1. acquire (`tryAcquire`): test_bit, then test_and_set_bit_lock, register by register; a guest
 *      may only use the register of its link whose LPARID filter holds its LPID (never 6 or 7);
 *   2. AVA store (`writeAva`), then LAUNCH (`launch`): the NPU forwards the ATSD to every GPU
 *      behind it with the register's LPARID; STAT is non-zero until each GPU acked (`ack`);
 *   3. STAT poll (`stat`) until 0; release (`release`, clear_bit_unlock).
 * The NPU forwards an ATSD only to the bricks with a VALID XTS_BDF entry (skiboot 4724d2c07: "ATSDs
 * are only sent to bricks which have a valid entry in the XTS_BDF table"). A brick whose links never
 * trained (a bad GPU, `untrained`) never answers one, so the register hangs with STAT != 0 forever
 * if it was sent there. Whether it is, is the firmware's business (npu/nest-mmu.ts: the fixed
 * firmware sets VALID at context init, which such a GPU never gets; the firmware before 4724d2c07
 * set it at map_lpar, which the host calls for every GPU at boot: the `atsd-no-valid-bdf` switch).
 *
 * A GPU being reset (npu/npu-links.ts, `links`): the NPU skips the bricks of a GPU it fenced (no
 * delivery, no ack owed); an ATSD to a GPU whose reset dropped its links without the fence is an
 * HMI, and the model does not deliver it either (what the NPU does with an ATSD after that HMI is
 * not public; the HMI is the finding, and the GPU's ATS cache is emptied by its reset anyway).
 *
 * The lock bits are the kernel's bitmap: the NPU does not know who set one. The fixed kernel only
 * stores to and clears a register it holds, and the unit asserts so. Under `release-between-flushes`
 * (`bitmapOnly`) the pre-fix kernel may store to or clear a register another CPU holds (the stale
 * index: host/shootdown.ts); the unit then lets every store through, `misuseOf` says which one
 * broke the rule (the chip reports it), and a LAUNCH while STAT != 0 is dropped: what the NPU does
 * with it is not public (ASSUMPTION; the finding is the launch itself).
 *
 * Register count: 8 by default (NV_NMMU_ATSD_REGS); firmware before Nov 2018 exposed 1
 * (`registerCount`), which makes the Feb 2018 deadlock reachable with 2 shootdowns.
 */
import { AssertionFailure, ConfigError, ModelRefusal } from '../../core/errors.js';
import type { AtsInvalidate } from '../gpu/ats-cache.js';
import { HOST_LPID, hex, type Lpid, type Pid, type Tick } from '../types.js';
import { atsdLaunchValue, decodeAtsdLaunch } from './atsd-launch.js';
import type { LaunchParams } from './atsd-size-rule.js';
import type { LinkUse } from './npu-links.js';

/** The LAUNCH doubleword of these parameters (atsd-launch.ts), as the CPU writes it. */
export function launchValueOf(params: LaunchParams): bigint {
  return atsdLaunchValue({
    pageBytes: params.target.kind === 'range' ? params.target.sizeBytes : null,
    pid: params.pid,
    flush: params.flush,
  });
}

export const ATSD_REGS_PER_NPU = 8;
/** Registers 6 and 7 are never handed to a guest ("acceptable price for the simplicity"). */
export const HOST_ONLY_REGISTERS: readonly number[] = [6, 7];

/** What the unit needs from the NPU's XTS (NestMmu implements it). */
export interface AtsdXts {
  atsdLparidOf(reg: number): Lpid;
  isBrickValid(brick: number): boolean;
}

/** A GPU link behind this NPU that an ATSD is forwarded to. */
export interface AtsdBrick {
  readonly gpu: number;
  readonly brick: number;
  /** Its NVLink never trained at boot (a bad GPU): it never answers an ATSD. */
  readonly untrained?: boolean;
}

/** One GPU's share of a launch: the engine delivers `inv` to the GPU and calls ack() when done. */
export interface AtsdDelivery {
  readonly gpu: number;
  readonly inv: AtsInvalidate;
  readonly flush: boolean;
}

export interface AtsdRegisterState {
  readonly index: number;
  locked: boolean;
  owner: number | null;
  ava: number;
  pendingAcks: Set<number>;
  /** Forwarded to a brick whose link never trained: STAT never returns to 0. */
  hung: boolean;
  /** The GPUs behind those bricks (what the liveness dump names: no ack from them ever comes). */
  untrainedGpus: Set<number>;
  lockedAt: Tick;
  /**
   * The shootdown whose LAUNCH the NPU last took here: while STAT != 0, the one whose ATSD is in
   * flight (under the stale index not always the register's holder). Null before any launch.
   */
  launchedBy: number | null;
  launches: number;
  holdTicks: number;
  acquisitions: number;
}

export interface AtsdUnitOptions {
  npuIndex: number;
  xts: AtsdXts;
  /** GPU links behind this NPU. */
  bricks: readonly AtsdBrick[];
  /** Registers exposed by firmware ("ibm,mmio-atsd"); default 8, 1 for firmware before Nov 2018. */
  registerCount?: number;
  /** The NPU's view of each GPU's links (npu-links.ts); absent: every link is always up. */
  links?: { use(gpu: number, now: Tick, what: string): LinkUse };
  /**
   * The `host-atsd-ignores-lparid` switch (scenario/bugs.ts): the host takes any free register,
   * also one whose LPARID filter map_lpar set to a guest's LPID, as the shipped code does.
   */
  hostIgnoresLparid?: boolean;
  /** Stores and clears by a shootdown that does not hold the register go through (header). */
  bitmapOnly?: boolean;
}

/** A store or clear on a register by a shootdown that should not make it (`misuseOf`). */
export interface AtsdMisuse {
  /** Who held the register then (null: nobody). */
  readonly holder: number | null;
  /** STAT != 0 at a LAUNCH: the register's last ATSD had not completed. */
  readonly statBusy: boolean;
  /** With `statBusy`: the shootdown whose ATSD that is (it launched last); otherwise null. */
  readonly launchedBy: number | null;
}

export class AtsdUnit {
  readonly npuIndex: number;
  private readonly regs: AtsdRegisterState[] = [];
  private readonly xts: AtsdXts;
  private readonly bricks: readonly AtsdBrick[];
  private readonly links: AtsdUnitOptions['links'];
  private readonly hostIgnoresLparid: boolean;
  private readonly bitmapOnly: boolean;
  readonly stats = { acquisitions: 0, busySeen: 0, launches: 0, acks: 0, holdTicks: 0 };

  constructor(options: AtsdUnitOptions) {
    this.npuIndex = options.npuIndex;
    this.xts = options.xts;
    this.bricks = [...options.bricks];
    this.links = options.links;
    this.hostIgnoresLparid = options.hostIgnoresLparid === true;
    this.bitmapOnly = options.bitmapOnly === true;
    const count = options.registerCount ?? ATSD_REGS_PER_NPU;
    if (!Number.isInteger(count) || count < 1 || count > ATSD_REGS_PER_NPU) {
      // "Check mmio_atsd array bounds": more than 8 DT values corrupted memory; the model refuses.
      throw new ConfigError('registerCount', `Expected \`registerCount\` from 1 to 8, got \`${count}\``);
    }
    for (let i = 0; i < count; i++) {
      this.regs.push({
        index: i,
        locked: false,
        owner: null,
        ava: 0,
        pendingAcks: new Set(),
        hung: false,
        untrainedGpus: new Set(),
        lockedAt: 0 as Tick,
        launchedBy: null,
        launches: 0,
        holdTicks: 0,
        acquisitions: 0,
      });
    }
  }

  get registerCount(): number {
    return this.regs.length;
  }

  /**
   * acquire_atsd_reg for one NPU: for each candidate register, test_bit then test_and_set_bit_lock.
   * Returns the register taken or null when every candidate is locked (the caller spins: asks again
   * later). `registers`: the only candidates (a guest's: the registers of its own links, which the
   * host handed it, each with its LPID as LPARID filter and never 6 or 7). Without them, the host
   * spins over every register whose filter is the host's: a register map_lpar gave a guest would
   * aim the host's invalidates at the guest's partition, so the host leaves it to the guest
   * (with no guest on the NPU that is every register, as before guests were modelled). That check
   * is the model's proposed fix: no kernel had it. Linux v5.2 get_mmio_atsd_reg and NVIDIA UVM's
   * atsd_reg_acquire take any free register of their "ibm,mmio-atsd" copy, which skiboot's
   * npu2_map_lpar does not update (`hostIgnoresLparid`: the `host-atsd-ignores-lparid` switch).
   * The host's and a guest's lock bits are one here; on the machine they are two kernels' bitmaps,
   * so the host could even LAUNCH on a register the guest is using: not modelled.
   */
  tryAcquire(owner: number, now: Tick, registers?: readonly number[], guestLpid?: Lpid): number | null {
    if (registers !== undefined) {
      if (guestLpid !== undefined) {
        for (const reg of registers) {
          if (HOST_ONLY_REGISTERS.includes(reg)) {
            throw new ModelRefusal(
              'EPERM',
              `Expected a guest ATSD register 0..5 on npu ${this.npuIndex}, got ${reg} (host-only)`,
            );
          }
          const filter = this.xts.atsdLparidOf(reg);
          if (filter !== guestLpid) {
            throw new ModelRefusal(
              'EPERM',
              `Expected ATSD register ${reg} of npu ${this.npuIndex} filtered to LPID ${guestLpid}, got filter ${filter}`,
            );
          }
        }
      }
      for (const reg of registers) {
        const r = this.reg(reg);
        if (r.locked) continue; // test_bit first, as below
        if (this.tryLock(r, owner, now)) return r.index;
      }
      this.stats.busySeen++;
      return null;
    }
    for (const r of this.regs) {
      if (r.locked) continue; // test_bit: skip a busy register without a locked bus operation
      // A guest's register (the proposed fix; the shipped kernel takes it: header of tryAcquire).
      if (!this.hostIgnoresLparid && this.xts.atsdLparidOf(r.index) !== HOST_LPID) continue;
      if (this.tryLock(r, owner, now)) return r.index;
    }
    this.stats.busySeen++;
    return null;
  }

  /** The LPID of the register's LPARID filter (the host's, or a guest's after map_lpar). */
  lparidOf(reg: number): Lpid {
    return this.xts.atsdLparidOf(this.reg(reg).index);
  }

  writeAva(reg: number, owner: number, ava: number): void {
    const r = this.owned(reg, owner, 'AVA write');
    r.ava = ava;
  }

  /**
   * LAUNCH at `now`: forwards the ATSD to every GPU link behind this NPU, with the LPID of the
   * register's LPARID filter. Returns the per-GPU deliveries; STAT stays non-zero until each is
   * acked. A GPU whose links are fenced or dropped by a reset gets none (header).
   */
  launch(reg: number, owner: number, params: LaunchParams, now = 0 as Tick): AtsdDelivery[] {
    const r = this.owned(reg, owner, 'LAUNCH');
    // An `if` rather than assert(): assert's message (a template) would be built on every call.
    if (!(r.pendingAcks.size === 0 && !r.hung)) {
      if (this.bitmapOnly) return []; // dropped (header): misuseOf reported it
      throw new AssertionFailure(`LAUNCH on npu ${this.npuIndex} reg ${reg} while STAT != 0`);
    }
    if (params.target.kind === 'range') {
      if (r.ava !== params.target.start)
        throw new AssertionFailure(
          `LAUNCH on npu ${this.npuIndex} reg ${reg}: AVA ${hex(r.ava)} != start ${hex(params.target.start)}`,
        );
    }
    r.launches++;
    r.launchedBy = owner;
    this.stats.launches++;
    // The NPU acts on the register value: IS/AP/PID/No-flush from LAUNCH, the address from AVA,
    // the LPID from the register's LPARID filter.
    const launch = decodeAtsdLaunch(launchValueOf(params));
    const lpid = this.xts.atsdLparidOf(reg);
    const out: AtsdDelivery[] = [];
    const gpus = new Set<number>();
    for (const b of this.bricks) {
      if (!this.xts.isBrickValid(b.brick)) continue; // ATSDs go to VALID bricks only (4724d2c07)
      if (b.untrained === true) {
        r.hung = true; // sent over a link that never trained: no answer ever comes
        r.untrainedGpus.add(b.gpu);
        continue;
      }
      if (gpus.has(b.gpu)) continue; // one delivery per GPU even with several links
      gpus.add(b.gpu);
      if (this.links !== undefined && this.links.use(b.gpu, now, 'ATSD').kind !== 'ok') continue;
      let inv: AtsInvalidate;
      if (launch.is && launch.pid === 0) inv = { kind: 'flush' };
      else if (launch.is || launch.pageBytes === null) inv = { kind: 'pid', lpid, pid: launch.pid as Pid };
      else inv = { kind: 'range', lpid, pid: launch.pid as Pid, start: r.ava, sizeBytes: launch.pageBytes };
      out.push({ gpu: b.gpu, inv, flush: !launch.noFlush });
      r.pendingAcks.add(b.gpu);
    }
    return out;
  }

  /** A GPU finished its share of the ATSD on `reg`. */
  ack(reg: number, gpu: number): void {
    const r = this.reg(reg);
    if (!r.pendingAcks.delete(gpu))
      throw new AssertionFailure(`ack from gpu ${gpu} on npu ${this.npuIndex} reg ${reg} that owes none`);
    this.stats.acks++;
  }

  /** STAT: 0 once every GPU acked; 1 while busy (forever when hung). */
  stat(reg: number): number {
    const r = this.reg(reg);
    return r.pendingAcks.size > 0 || r.hung ? 1 : 0;
  }

  /**
   * Whether `owner`'s store (AVA, LAUNCH) or clear of `reg` is one it should not make: on a register
   * it does not hold, or a LAUNCH while STAT != 0. A clear of a free bit changes nothing and is none.
   */
  misuseOf(reg: number, owner: number, op: 'write-ava' | 'launch' | 'release'): AtsdMisuse | null {
    const r = this.reg(reg);
    const mine = r.locked && r.owner === owner;
    const statBusy = op === 'launch' && this.stat(reg) !== 0;
    if (op === 'release' ? !r.locked || mine : mine && !statBusy) return null;
    return { holder: r.locked ? r.owner : null, statBusy, launchedBy: statBusy ? r.launchedBy : null };
  }

  /**
   * release_atsd_reg: clear_bit_unlock (the pre-fix put_mmio_atsd_reg: clear_bit, which `bitmapOnly`
   * lets clear a bit another set, or a bit already clear). Returns how long the register was held,
   * or null when its bit was already clear (nothing was held).
   */
  release(reg: number, owner: number, now: Tick): number | null {
    const r = this.owned(reg, owner, 'release');
    if (!r.locked) return null;
    const held = now - r.lockedAt;
    r.holdTicks += held;
    this.stats.holdTicks += held;
    r.locked = false;
    r.owner = null;
    return held;
  }

  /** Registers as they stand, for the watchdog and reports. */
  snapshot(): readonly Readonly<
    Omit<AtsdRegisterState, 'pendingAcks' | 'untrainedGpus'> & {
      pendingAcks: number[];
      untrainedGpus: number[];
    }
  >[] {
    return this.regs.map((r) => ({
      ...r,
      pendingAcks: [...r.pendingAcks],
      untrainedGpus: [...r.untrainedGpus],
    }));
  }

  private tryLock(r: AtsdRegisterState, owner: number, now: Tick): boolean {
    if (r.locked) {
      this.stats.busySeen++;
      return false;
    }
    r.locked = true;
    r.owner = owner;
    r.lockedAt = now;
    r.acquisitions++;
    this.stats.acquisitions++;
    return true;
  }

  private reg(index: number): AtsdRegisterState {
    const r = this.regs[index];
    if (r === undefined) {
      throw new ModelRefusal(
        'EINVAL',
        `Expected an ATSD register 0..${this.regs.length - 1} on npu ${this.npuIndex}, got ${index}`,
      );
    }
    return r;
  }

  private owned(reg: number, owner: number, what: string): AtsdRegisterState {
    const r = this.reg(reg);
    if (this.bitmapOnly) return r; // any CPU's store reaches it (header)
    if (!(r.locked && r.owner === owner))
      throw new AssertionFailure(
        `${what} on npu ${this.npuIndex} reg ${reg} by shootdown ${owner}, held by ${r.owner}`,
      );
    return r;
  }
}
