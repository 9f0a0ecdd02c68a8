/**
 * Each GPU's NVLink bundles to its peer GPUs, grouped by peer, with the link numbers on both sides
 * (from the topology's per-link peer table), and the directed edge that carries the bundle's
 * traffic. A peer write may use the bundle while any of its links is up on the sending side.
 */
import type { Topology } from './topology.js';

export interface PeerEdge {
  edge: number;
  peer: number;
  links: number[];
  peerLinks: number[];
}

export function buildPeerEdges(
  topology: Topology,
  edgeBetweenGpus: (from: number, to: number) => number | undefined,
): PeerEdge[][] {
  return topology.gpus.map((g) => {
    const byPeer = new Map<number, PeerEdge>();
    for (const l of g.links) {
      if (l.kind !== 'gpu') continue;
      let pe = byPeer.get(l.peer);
      if (pe === undefined) {
        const edge = edgeBetweenGpus(g.index, l.peer);
        if (edge === undefined) continue;
        pe = { edge, peer: l.peer, links: [], peerLinks: [] };
        byPeer.set(l.peer, pe);
      }
      pe.links.push(l.link);
      pe.peerLinks.push(l.peerLink);
    }
    return [...byPeer.values()];
  });
}
