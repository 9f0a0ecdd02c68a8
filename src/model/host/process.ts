/**
 * The processes (one mm, one PID each) that do UT=0 DMA: per tenant GPU, `processesPerGpu` of
 * them. Process j of GPU g also uses the tenant GPU half-way round the tenant's list when j is odd,
 * so a host tenant's processes span both sockets and their shootdowns reach both NPUs. Process j
 * maps its pages with the tenant's page size j (mod the number of sizes): 64K, 2M or 1G leaves
 * (host/page-table.ts), so one tenant can mix them.
 */
import type { Topology } from '../platform/topology.js';
import type { Lpid } from '../types.js';
import { PAGE_64K, type PageSize } from './page-table.js';

export interface ProcessInfo {
  index: number;
  tenant: number;
  lpid: Lpid;
  pid: number;
  gpus: number[];
  /** Sockets (= NPU indices) with a GPU of this process: where its shootdowns must go. */
  npus: number[];
  homeSocket: number;
  /** 1G-aligned: a page of any size starts on its own alignment. */
  vaBase: number;
  pages: number;
  /** The size of each of its pages. */
  pageSizeBytes: PageSize;
}

const VA_BASE = 0x7000_0000_0000;
const VA_STRIDE = 2 ** 32;

export interface ProcessTenant {
  index: number;
  lpid: Lpid;
  gpus: readonly number[];
  processesPerGpu: number;
  pagesPerProcess: number;
  /** Page size of process j: pageSizes[j % length] (default 64K). */
  pageSizes?: readonly PageSize[];
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
          pageSizeBytes: t.pageSizes?.[j % t.pageSizes.length] ?? PAGE_64K,
        });
      }
    });
  }
  return processes;
}
