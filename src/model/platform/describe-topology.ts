/**
 * `npusim topo` as text: each socket with its NPU and ATSD registers, each GPU with its PCI
 * address, aperture, NVLinks, PEs and bridges, then the edges the engine wires (each pair once).
 */
import { GiB, hex } from '../types.js';
import { chipActorName, gpuActorName } from './actor-names.js';
import type { Endpoint, Topology } from './topology.js';
import { NPU_GPU_PES } from './topology-spec.js';

const domainText = (domain: number) => domain.toString(16).padStart(4, '0');

function endpointName(e: Endpoint): string {
  return e.kind === 'gpu' ? gpuActorName(e.index) : chipActorName(e.socket);
}

/** Human-readable summary for `npusim topo`: sockets, GPUs, link map, bridges, edges. */
export function describeTopology(t: Topology): string {
  const out: string[] = [];
  const gpus = `${t.gpus.length} GPU${t.gpus.length === 1 ? '' : 's'}`;
  const sockets = `${t.sockets.length} socket${t.sockets.length === 1 ? '' : 's'}`;
  out.push(`topology ${t.name} (${gpus}, ${sockets}, ${t.gpuMemMap})`);
  // ibm,nvlink-peers names the peer of each link, not the peer's link at the other end: which of
  // the peer's links it is, the model infers (topology.ts pairs a GPU's k-th link to a peer with
  // the peer's k-th link back), so the legend says so rather than print it as fact.
  out.push(
    'links: N=gpuP.M: link N reaches gpuP on its link M (M inferred: ibm,nvlink-peers names only the peer); N=bK: NPU brick K',
  );
  for (const sk of t.sockets) {
    out.push(
      `socket ${sk.socket}: actor ${chipActorName(sk.socket)} (P9 chip id ${sk.chipId}), NPU PHB ${domainText(sk.npu.pciDomain)}, regs ${hex(sk.npu.regsBase)}, ATSD ${hex(sk.npu.atsdRegisters[0]!)}..${hex(sk.npu.atsdRegisters[7]!)}`,
    );
    for (const gi of sk.gpus) {
      const g = t.gpus[gi]!;
      const name = gpuActorName(g.index);
      out.push(
        `  ${name}${g.id === name ? '' : ` (spec id ${g.id})`} ${g.bdf} aperture ${hex(g.apertureBase)} (+${g.apertureBytes / GiB} GiB, RAM ${g.ramBytes / GiB} GiB) tgt ${hex(g.tgt)} numa ${g.numaNode}`,
      );
      const links = g.links.map((l) =>
        l.kind === 'gpu' ? `${gpuActorName(l.peer)}.${l.peerLink}` : `b${l.brick}`,
      );
      out.push(`    links: ${links.map((s, i) => `${i}=${s}`).join(' ')}`);
      // The PEs its TCE kills name (tce/tce-system.ts): the NPU PE its bridges share, Linux's
      // (pnv_ioda_setup_npu_PE, top down), and its PHB4 PE, whose number the model assumes (QA: a
      // firmware engineer found no PE number anywhere in the output).
      out.push(
        `    PEs: NPU PHB ${domainText(sk.npu.pciDomain)} PE ${NPU_GPU_PES[g.indexOnNpu]} (its bridges'), PHB4 ${domainText(g.pci.domain)} PE ${g.indexOnNpu} (numbering assumed)`,
      );
      for (const bi of g.bridges) {
        const b = t.bridges[bi]!;
        out.push(
          `    bridge ${b.bdf} [${b.vendorId.toString(16)}:${b.deviceId.toString(16).padStart(4, '0')}] link-index ${b.linkIndex} gpu-link ${b.gpuLink} speed ${b.nvlinkSpeed} ATSD ${hex(b.atsdRegister)}`,
        );
      }
    }
  }
  out.push('edges (each direction):');
  for (const e of t.edges) {
    if (e.from.kind === 'gpu' && e.to.kind === 'gpu' && e.from.index > e.to.index) continue;
    if (e.to.kind === 'gpu' && e.from.kind === 'chip') continue;
    if (e.kind === 'xbus' && e.from.kind === 'chip' && e.to.kind === 'chip' && e.from.socket > e.to.socket)
      continue;
    out.push(
      `  ${endpointName(e.from)} <-> ${endpointName(e.to)} ${e.kind} x${e.lanes} ${e.bytesPerSecond / 1e9} GB/s ${e.latencyTicks / 1000} ns`,
    );
  }
  return out.join('\n');
}
