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
 * unless a reset clears them, so a run with `resets` is not judged. A hostile tenant's GPU with an
 * NVLink to any GPU sends its peer draws there, and those a disabled link drops are what its run is
 * built to show (tenant-isolation under per-gpu-isolated: 0 completed, thousands refused), so such
 * a run is never said to send none. A hostile tenant whose GPUs have no NVLink to any GPU is
 * another matter (QA: `tenant-isolation` on a topology file of one GPU a socket answered clean,
 * 0 peer accesses tried, 40 % of its draws quietly UT=0 DMA, and nothing said): its draws cannot
 * reach a GPU at all, and that is said as for any tenant.
 */
import type { World } from './world.js';

/**
 * Why no GPU of the run can send a peer access though `gpu.peerPercent` asks for some, or
 * undefined; `where` names the run (`variant isolated`, the runs one note is said of).
 */
export function peerDrawsIdle(w: World, where = 'this run'): string | undefined {
  const p = w.config.params;
  if (p.gpu.peerPercent === 0 || p.gpu.engines === 0 || p.resets !== undefined) return undefined;
  const hostile = p.tenants.map((t) => t.hostile);
  let anyPeer = false;
  for (const g of w.topology.gpus) {
    const owner = w.gpuOwner[g.index]!;
    if (owner < 0) continue;
    const mask = w.linkDisableMask[g.index] ?? 0;
    for (const pe of w.peerEdges[g.index]!) {
      // The peers this GPU draws from (gpu/dma-engines.ts): any for a hostile tenant's, whose
      // draws a disabled link drops are the run's answer, not an idle share.
      if (hostile[owner]) return undefined;
      if (w.gpuOwner[pe.peer] !== owner) continue;
      anyPeer = true;
      if (pe.links.some((l) => (mask & (1 << l)) === 0)) return undefined;
    }
  }
  const share = `gpu.peerPercent ${p.gpu.peerPercent}`;
  if (!anyPeer) {
    // A hostile tenant aims at every GPU, not its own only: said in those words where there is one.
    const why = hostile.every((h) => h)
      ? "no GPU of a tenant has an NVLink to another GPU (a hostile tenant aims its peer accesses at any GPU its own are linked to, another guest's included)"
      : hostile.some((h) => h)
        ? 'no tenant has two GPUs joined by an NVLink, and no GPU of a hostile tenant an NVLink to another GPU'
        : 'no tenant has two GPUs joined by an NVLink';
    return `${share} sends no peer access in ${where}: ${why}, so each peer draw is a UT=0 DMA instead`;
  }
  return `${share} sends no peer access in ${where}: ${p.policy} disabled every NVLink between a tenant's GPUs (each GPU is a group of its own, and the links between groups go down, a tenant's own included), so each peer draw is dropped at its GPU (counted as peer.blockedLocally in --json)`;
}

/**
 * Whether an NVLink between GPUs of two tenants is up at the start (its GPU's side not disabled):
 * the per-gpu policy leaves them so, and only a hostile tenant's peer accesses cross them. A
 * premise of a clean run with no hostile tenant (scenario/premises.ts `no-hostile-peers`).
 */
export function crossTenantLinksUp(w: World): boolean {
  return w.topology.gpus.some((g) => {
    const owner = w.gpuOwner[g.index]!;
    if (owner < 0) return false;
    const mask = w.linkDisableMask[g.index] ?? 0;
    return w.peerEdges[g.index]!.some(
      (pe) =>
        (w.gpuOwner[pe.peer] ?? -1) >= 0 &&
        w.gpuOwner[pe.peer] !== owner &&
        pe.links.some((l) => (mask & (1 << l)) === 0),
    );
  });
}
