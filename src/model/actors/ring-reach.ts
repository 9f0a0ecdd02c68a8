/**
 * Which GPUs of a run with a ring all-reduce (`gpu.collective` ring-allreduce) form no ring, and
 * why, said before the run as peer-reach.ts says peer draws that go nowhere. QA: `p2p-allreduce` on
 * a topology file of one GPU a socket, and on witherspoon-6 under `--policy per-gpu-isolated`,
 * answered `clean: as expected` with 0 all-reduces, "no samples" and "no such links", and only
 * `allreduce.noRing` in `--json` said that no GPU had a ring to run.
 *
 * The rule is the GPUs' own (gpu/ring-allreduce.ts `ringOf`, which this calls on the same world):
 * a GPU of a tenant runs the ring of its tenant's GPUs on its socket, in index order, when there
 * are at least two and each has an NVLink bundle to the next with a link up at start on both
 * sides; otherwise it counts `allreduce.noRing` and runs no all-reduce. A GPU no tenant owns takes
 * no part and is not named here (tenant-reach.ts says it). Links down at start are known before
 * the run (per-gpu-isolated disables those between IOMMU groups), and a GPU joins or skips its ring
 * when it is built, so a reset later in the run changes nothing here.
 */

import { ringOf } from './gpu/ring-allreduce.js';
import { gpuListText, gpuText } from './gpu-list-text.js';
import type { World } from './world.js';

/** A note's parts: what is left out (`head`), what follows (`why`), and the reasons (`detail`). */
export interface RingNote {
  head: string;
  why: string;
  detail: string;
}

/** The GPUs that will count `allreduce.noRing` (index order): none where no ring all-reduce is asked for. */
export function ringlessGpus(w: World): number[] {
  if (w.config.params.gpu.collective !== 'ring-allreduce') return [];
  return w.topology.gpus.map((g) => g.index).filter((g) => w.gpuOwner[g]! >= 0 && ringOf(w, g) === undefined);
}

/** The GPUs of a tenant that form no ring, with why, or undefined when every one forms its ring. */
export function gpusWithoutRing(w: World): RingNote | undefined {
  const p = w.config.params;
  const ringless = ringlessGpus(w);
  if (ringless.length === 0) return undefined;
  const owned = w.topology.gpus.filter((g) => w.gpuOwner[g.index]! >= 0).map((g) => g.index);
  const alone: string[] = [];
  const unlinked: string[] = [];
  const down: string[] = [];
  const seen = new Set<string>();
  for (const g of ringless) {
    const owner = w.gpuOwner[g]!;
    const socket = w.topology.gpus[g]!.socket;
    const key = `${owner}/${socket}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const tenant = w.tenants[owner]!;
    const ring = tenant.gpus.filter((x) => w.topology.gpus[x]!.socket === socket);
    const whose = `tenant ${tenant.id}'s`;
    if (ring.length < 2) {
      alone.push(`${gpuText(w.topology, g)} is ${whose} only GPU on socket ${socket}`);
      continue;
    }
    const gap = ring.findIndex((from, i) => {
      const to = ring[(i + 1) % ring.length]!;
      return !w.peerEdges[from]!.some((pe) => pe.peer === to);
    });
    if (gap >= 0) {
      const from = ring[gap]!;
      const to = ring[(gap + 1) % ring.length]!;
      unlinked.push(
        `${gpuText(w.topology, from)} has no NVLink to ${gpuText(w.topology, to)}, the next of ${whose} ${gpuListText(w.topology, ring)} on socket ${socket}`,
      );
    } else {
      down.push(`${whose} ${gpuListText(w.topology, ring)} on socket ${socket}`);
    }
  }
  const why = [...alone, ...unlinked];
  if (down.length > 0) {
    // Only per-gpu-isolated disables links at start, and only between IOMMU groups.
    const between = down.map((d) => `between ${d}`).join(' and ');
    why.push(
      `${w.groups[0]?.policy ?? p.policy} disabled the NVLinks ${between} at start, each GPU an IOMMU group of its own`,
    );
  }
  const every = ringless.length === owned.length;
  const gpus = gpuListText(w.topology, ringless);
  return {
    head: `gpu.collective ring-allreduce forms no ring on ${every && owned.length > 2 ? `any GPU (${gpus})` : gpus}`,
    why: `so ${every ? 'no all-reduce runs at all' : ringless.length === 1 ? 'this GPU runs none' : 'these GPUs run none'} (counted as allreduce.noRing in --json)`,
    detail: `${why.join('; ')}; a ring is a tenant's GPUs of one socket, two or more, each with an NVLink up to the next`,
  };
}
