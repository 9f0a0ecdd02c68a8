/**
 * The processes (one mm, one PID each) that do UT=0 DMA: per tenant GPU, `processesPerGpu` of
 * them. Process j of GPU g also uses the tenant GPU half-way round the tenant's list when j is odd,
 * so a host tenant's processes span both sockets and their shootdowns reach both NPUs.
 */
import type { Topology } from '../platform/topology.js';
import type { Lpid } from '../types.js';

export interface ProcessInfo {
  index: number;
  tenant: number;
  lpid: Lpid;
  pid: number;
  gpus: number[];
  /** Sockets (= NPU indices) with a GPU of this process: where its shootdowns must go. */
  npus: number[];
  homeSocket: number;
  vaBase: number;
  pages: number;
}

const VA_BASE = 0x7000_0000_0000;
const VA_STRIDE = 2 ** 32;

export interface ProcessTenant {
  index: number;
  lpid: Lpid;
  gpus: readonly number[];
  processesPerGpu: number;
  pagesPerProcess: number;
}

export function buildProcesses(topology: Topology, tenants: readonly ProcessTenant[]): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const t of tenants) {
    t.gpus.forEach((g, gi) => {
      for (let j = 0; j < t.processesPerGpu; j++) {
        const other = t.gpus[(gi + Math.max(1, Math.floor(t.gpus.length / 2))) % t.gpus.length]!;
        const gpus = j % 2 === 1 && other !== g ? [g, other] : [g];
        const npus = [...new Set(gpus.map((x) => topology.gpus[x]!.socket))].sort((a, b) => a - b);
        const index = processes.length;
        processes.push({
          index,
          tenant: t.index,
          lpid: t.lpid,
          pid: index + 1,
          gpus,
          npus,
          homeSocket: topology.gpus[g]!.socket,
          vaBase: VA_BASE + index * VA_STRIDE,
          pages: t.pagesPerProcess,
        });
      }
    });
  }
  return processes;
}
