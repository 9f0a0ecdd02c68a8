/**
 * Host RAM as the model lays it out: each socket's RAM starts at chip_id << 42 (like the GPU RAM
 * apertures, skiboot hw/phys-map.c;
 * docs/theory/topology-groups-tce.md#1-topology-topology-spects-topologyts) and holds
 * HOST_RAM_PER_SOCKET_BYTES; pages are 64 KiB frames handed out by one allocator per socket
 * (host/page-table.ts PhysPages), which every actor that needs them rebuilds the same way from the
 * world.
 */
import type { Topology } from '../platform/topology.js';
import { GiB } from '../types.js';
import { PhysPages } from './page-table.js';

export const HOST_RAM_PER_SOCKET_BYTES = 256 * GiB;
const CHIP_ADDRESS_SHIFT_MUL = 2 ** 42;

export function hostRamBase(topology: Topology, socket: number): number {
  return topology.sockets[socket]!.chipId * CHIP_ADDRESS_SHIFT_MUL;
}

/** The socket whose host RAM holds `pa`, or -1 (GPU RAM, or nowhere). */
export function homeSocketOf(topology: Topology, pa: number): number {
  for (const s of topology.sockets) {
    const base = s.chipId * CHIP_ADDRESS_SHIFT_MUL;
    if (pa >= base && pa < base + HOST_RAM_PER_SOCKET_BYTES) return s.socket;
  }
  return -1;
}

/** Host RAM allocators, one per socket. */
export function hostRam(topology: Topology): PhysPages[] {
  return topology.sockets.map(
    (s) => new PhysPages({ baseAddr: hostRamBase(topology, s.socket), sizeBytes: HOST_RAM_PER_SOCKET_BYTES }),
  );
}
