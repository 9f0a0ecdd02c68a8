/**
 * The ATSD shootdown protocol between the host CPU (the coordinator runs mmio_invalidate) and the
 * NPU (in the chip actor), and between the NPU and the GPUs behind it.
 *
 * | kind            | from -> to    | fields                                                       |
 * |-----------------|---------------|--------------------------------------------------------------|
 * | ATSD_OP         | coord -> chip | tag = shootdown op id, flags = op + reg << 3; acquire: address = the registers it may take (0: any of the host's; reg + 1: that one; 0x100 + mask: several), lpid = guest LPID; write-ava: address = AVA; launch: address = start, pid, lengthBytes = launch code (below) |
 * | ATSD_ANSWER     | chip -> coord | tag = shootdown op id, flags = op, address = register (acquire) |
 * | ATSD_INVALIDATE | chip -> gpu   | tag = npu * 8 + reg, flags = target (0 range, 1 PID, 2 flush) + flush << 2, lpid, pid, address = start, lengthBytes = log2 size |
 * | ATSD_ACK        | gpu -> chip   | tag = npu * 8 + reg                                          |
 *
 * Launch code: bit 0 whole PID, bit 1 flush-only ATSD (PID 0), bit 2 the GPU flushes (bit 39 of
 * the LAUNCH register left 0), bits 3.. log2 of the range size. An acquire and a STAT wait are
 * answered only when the register is won or STAT reads 0: the CPU's spin happens at the NPU.
 */
import type { AtsInvalidate } from '../../gpu/ats-cache.js';
import type { PageSize } from '../../host/page-table.js';
import type { AtsdTarget, LaunchParams } from '../../npu/atsd-size-rule.js';
import type { Lpid, Pid } from '../../types.js';
import { messageType } from '../message-type.js';

/** Registers per NPU as the tag of an ATSD_INVALIDATE counts them (NV_NMMU_ATSD_REGS). */
const REGS_PER_NPU_IN_TAG = 8;
const OP_CODES = { acquire: 1, 'write-ava': 2, launch: 3, wait: 4, release: 5 } as const;
export type AtsdOpName = keyof typeof OP_CODES;
const OP_NAMES: readonly AtsdOpName[] = ['acquire', 'acquire', 'write-ava', 'launch', 'wait', 'release'];

export type AtsdOp =
  | {
      readonly op: 'acquire';
      readonly shootdown: number;
      /** The only registers it may take, ascending (a guest's); undefined: any of the host's. */
      readonly registers: readonly number[] | undefined;
      readonly guestLpid: number | undefined;
    }
  | { readonly op: 'write-ava'; readonly shootdown: number; readonly reg: number; readonly ava: number }
  | { readonly op: 'launch'; readonly shootdown: number; readonly reg: number; readonly params: LaunchParams }
  | { readonly op: 'wait'; readonly shootdown: number; readonly reg: number }
  | { readonly op: 'release'; readonly shootdown: number; readonly reg: number };

/** Several registers: this bit over a mask of them (one register keeps its `reg + 1` form). */
const REGISTER_SET = 0x100;

/** An acquire's registers in `address`: 0 any, reg + 1 one register, REGISTER_SET | mask several. */
function registersField(registers: readonly number[] | undefined): number {
  if (registers === undefined) return 0;
  if (registers.length === 1) return registers[0]! + 1;
  let mask = 0;
  for (const r of registers) {
    if (!(Number.isInteger(r) && r >= 0 && r < REGS_PER_NPU_IN_TAG) || (mask & (1 << r)) !== 0) {
      throw new RangeError(`ATSD_OP: Expected distinct registers 0..7, got ${JSON.stringify(registers)}`);
    }
    mask |= 1 << r;
  }
  return REGISTER_SET | mask;
}

function registersOf(address: number): number[] {
  if (address < REGISTER_SET) return [address - 1];
  const out: number[] = [];
  for (let r = 0; r < REGS_PER_NPU_IN_TAG; r++) if ((address & (1 << r)) !== 0) out.push(r);
  return out;
}

function launchCode(p: LaunchParams): number {
  const t = p.target;
  return (
    (t.kind === 'pid' ? 1 : 0) |
    (p.flushOnly ? 2 : 0) |
    (p.flush ? 4 : 0) |
    (t.kind === 'range' ? Math.round(Math.log2(t.sizeBytes)) << 3 : 0)
  );
}

function launchParams(code: number, start: number, pid: number): LaunchParams {
  const target: AtsdTarget =
    (code & 1) !== 0 ? { kind: 'pid' } : { kind: 'range', start, sizeBytes: (2 ** (code >> 3)) as PageSize };
  return { target, pid: pid as Pid, flushOnly: (code & 2) !== 0, flush: (code & 4) !== 0 };
}

export const AtsdOpMsg = messageType<AtsdOp>('ATSD_OP', {
  encode: (o, wire, out) => {
    out.tag = wire('tag', o.shootdown);
    const code = OP_CODES[o.op];
    switch (o.op) {
      case 'acquire':
        out.flags = code;
        out.address = registersField(o.registers);
        out.lpid = wire('lpid', o.guestLpid ?? 0);
        return;
      case 'write-ava':
        out.flags = code | (o.reg << 3);
        out.address = o.ava;
        return;
      case 'launch':
        out.flags = code | (o.reg << 3);
        out.address = o.params.target.kind === 'range' ? o.params.target.start : 0;
        out.pid = wire('pid', o.params.pid);
        out.lengthBytes = launchCode(o.params);
        return;
      case 'wait':
      case 'release':
        out.flags = wire('flags', code | (o.reg << 3));
        return;
    }
  },
  decode: (m): AtsdOp => {
    const shootdown = m.tag;
    const reg = m.flags >> 3;
    const op = OP_NAMES[m.flags & 7];
    switch (op) {
      case 'acquire':
        return m.address > 0
          ? { op, shootdown, registers: registersOf(m.address), guestLpid: m.lpid }
          : { op, shootdown, registers: undefined, guestLpid: undefined };
      case 'write-ava':
        return { op, shootdown, reg, ava: m.address };
      case 'launch':
        return { op, shootdown, reg, params: launchParams(m.lengthBytes, m.address, m.pid) };
      case 'wait':
      case 'release':
        return { op, shootdown, reg };
      default:
        throw new RangeError(`ATSD_OP: Expected an op code from 1 to 5, got ${m.flags & 7}`);
    }
  },
});

export interface AtsdAnswer {
  readonly shootdown: number;
  readonly op: 'acquire' | 'wait';
  /** The register won (acquire); 0 for a wait (STAT read 0). */
  readonly reg: number;
}

export const AtsdAnswerMsg = messageType<AtsdAnswer>('ATSD_ANSWER', {
  encode: (a, wire, out) => {
    out.tag = wire('tag', a.shootdown);
    out.flags = OP_CODES[a.op];
    out.address = a.reg;
  },
  decode: (m) => ({
    shootdown: m.tag,
    op: m.flags === OP_CODES.acquire ? 'acquire' : 'wait',
    reg: m.address,
  }),
});

/** An NPU register, as the GPU names it when it acks. */
export interface AtsdRegisterRef {
  readonly npu: number;
  readonly reg: number;
}

export interface AtsdInvalidate extends AtsdRegisterRef {
  readonly inv: AtsInvalidate;
  /** The GPU flushes (a membar) before it acks. */
  readonly flush: boolean;
}

const INV_KINDS = { range: 0, pid: 1, flush: 2 } as const;

export const AtsdInvalidateMsg = messageType<AtsdInvalidate>('ATSD_INVALIDATE', {
  encode: (a, wire, out) => {
    const inv = a.inv;
    out.tag = wire('tag', a.npu * REGS_PER_NPU_IN_TAG + a.reg);
    out.flags = INV_KINDS[inv.kind] | (a.flush ? 4 : 0);
    out.lpid = inv.kind === 'flush' ? 0 : wire('lpid', inv.lpid);
    out.pid = inv.kind === 'flush' ? 0 : wire('pid', inv.pid);
    out.address = inv.kind === 'range' ? inv.start : 0;
    out.lengthBytes = inv.kind === 'range' ? Math.round(Math.log2(inv.sizeBytes)) : 0;
  },
  decode: (m) => {
    const kind = m.flags & 3;
    const inv: AtsInvalidate =
      kind === INV_KINDS.flush
        ? { kind: 'flush' }
        : kind === INV_KINDS.pid
          ? { kind: 'pid', lpid: m.lpid as Lpid, pid: m.pid as Pid }
          : {
              kind: 'range',
              lpid: m.lpid as Lpid,
              pid: m.pid as Pid,
              start: m.address,
              sizeBytes: (2 ** m.lengthBytes) as PageSize,
            };
    return {
      npu: Math.floor(m.tag / REGS_PER_NPU_IN_TAG),
      reg: m.tag % REGS_PER_NPU_IN_TAG,
      inv,
      flush: (m.flags & 4) !== 0,
    };
  },
});

export const AtsdAckMsg = messageType<AtsdRegisterRef>('ATSD_ACK', {
  encode: (a, wire, out) => {
    out.tag = wire('tag', a.npu * REGS_PER_NPU_IN_TAG + a.reg);
  },
  decode: (m) => ({ npu: Math.floor(m.tag / REGS_PER_NPU_IN_TAG), reg: m.tag % REGS_PER_NPU_IN_TAG }),
});
