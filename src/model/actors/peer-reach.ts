/**
 * Whether a run's `gpu.peerPercent` can send any peer access, said before the run as a policy or
 * bug switch with nothing to act on is (scenario/policy-reach.ts, bug-reach.ts). QA Q23: a user's
 * two guests with two NVLink-peered GPUs each, under per-gpu-isolated groups and `peerPercent`
 * 30, ran clean with not one peer access, and only `peer.blockedLocally` in `--json` said why:
 * the policy disables every NVLink between groups, a tenant's own GPUs' included, since each GPU
 * is a group. A GPU's engines (gpu/dma-engines.ts) draw a peer access to a GPU its tenant owns
 * (any, for a hostile one); with no such GPU the draw is a UT=0 DMA, and with one whose links are
 * all disabled on this side the draw is dropped there.
 *
 * Said only where it is certain: links disabled at start stay so (the BAR0 latch, gpu-bar0.ts)
 * unless a reset clears them, so a run with `resets` is not judged; nor is a run with a hostile
 * tenant, whose blocked peer accesses are what it is built to show (tenant-isolation).
 */
import type { World } from './world.js';

/** Why no GPU of the run can send a peer access though `gpu.peerPercent` asks for some, or undefined. */
export function peerDrawsIdle(w: World): string | undefined {
  const p = w.config.params;
  if (p.gpu.peerPercent === 0 || p.gpu.engines === 0 || p.resets !== undefined) return undefined;
  if (p.tenants.some((t) => t.hostile)) return undefined;
  let anyPeer = false;
  for (const g of w.topology.gpus) {
    const owner = w.gpuOwner[g.index]!;
    if (owner < 0) continue;
    const mask = w.linkDisableMask[g.index] ?? 0;
    for (const pe of w.peerEdges[g.index]!) {
      if (w.gpuOwner[pe.peer] !== owner) continue;
      anyPeer = true;
      if (pe.links.some((l) => (mask & (1 << l)) === 0)) return undefined;
    }
  }
  const share = `gpu.peerPercent ${p.gpu.peerPercent}`;
  if (!anyPeer)
    return `${share} sends no peer access in this run: no tenant has two GPUs joined by an NVLink, so each peer draw is a UT=0 DMA instead`;
  return `${share} sends no peer access in this run: ${p.policy} disabled every NVLink between a tenant's GPUs (each GPU is a group of its own, and the links between groups go down, a tenant's own included), so each peer draw is dropped at its GPU (counted as peer.blockedLocally in --json)`;
}
