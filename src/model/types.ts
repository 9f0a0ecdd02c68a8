/**
 * Core value types shared by every layer.
 *
 * Addresses and identifiers are branded numbers so that a bus address can never be passed where
 * a host physical address is expected (the compiler refuses), yet they cost nothing at run time.
 * Every address in the model stays below 2^53 so plain numbers are exact; `assertAddr` guards it.
 *
 * Time is an integer count of picoseconds (`Tick`), as in Akita's VTimeInPicoSec: integer so that
 * event order never depends on floating-point rounding, picoseconds so a 25 GB/s link moves one
 * byte in 40 ticks and nothing of interest rounds to zero.
 */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Simulated time in picoseconds. */
export type Tick = Brand<number, 'Tick'>;
/** A process virtual address (UT=0 / ATS side). */
export type VirtAddr = Brand<number, 'VirtAddr'>;
/** A host (real) physical address, including GPU RAM apertures. */
export type PhysAddr = Brand<number, 'PhysAddr'>;
/** A PCI bus address translated by a TCE table (UT=1 side). */
export type BusAddr = Brand<number, 'BusAddr'>;
/** Logical partition id: 0 is the host; guests get the KVM LPID (12 bits in XTS). */
export type Lpid = Brand<number, 'Lpid'>;
/** Process id / PASID (20 bits); 0 is reserved on the GPU. */
export type Pid = Brand<number, 'Pid'>;

export const PS_PER_NS = 1000;
export const PS_PER_US = 1_000_000;
export const PS_PER_MS = 1_000_000_000;

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

export const tick = (n: number): Tick => {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Expected a tick to be a non-negative safe integer, got \`${n}\``);
  }
  return n as Tick;
};
export const ns = (n: number): Tick => tick(Math.round(n * PS_PER_NS));
export const us = (n: number): Tick => tick(Math.round(n * PS_PER_US));

export const virt = (n: number): VirtAddr => assertAddr(n) as VirtAddr;
export const phys = (n: number): PhysAddr => assertAddr(n) as PhysAddr;
export const bus = (n: number): BusAddr => assertAddr(n) as BusAddr;
export const lpid = (n: number): Lpid => {
  if (!Number.isInteger(n) || n < 0 || n > 0xfff) {
    throw new RangeError(`Expected an LPID from 0 to 4095 (12 bits in XTS_BDF_MAP), got \`${n}\``);
  }
  return n as Lpid;
};
export const pid = (n: number): Pid => {
  if (!Number.isInteger(n) || n < 0 || n > 0xfffff) {
    throw new RangeError(`Expected a PID from 0 to 1048575 (20 bits), got \`${n}\``);
  }
  return n as Pid;
};

export function assertAddr(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Expected an address to be a non-negative integer below 2^53, got \`${n}\``);
  }
  return n;
}

export const HOST_LPID = 0 as Lpid;

/** Align `addr` down to a power-of-two `size` without 32-bit bitwise truncation. */
export function alignDown(addr: number, size: number): number {
  return addr - (addr % size);
}

/** Format an address as hex for error messages and reports. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
