/**
 * The engine's edges of a topology (each direction its own edge: NVLink bundles to the NPU and to
 * peer GPUs, PCIe to the PHB4, the X-bus between chips), and the limits a ring record's 8-bit
 * actor and link fields put on how many actors and edges a machine may have.
 */
import { MAX_ACTORS, MAX_EDGES } from '../protocol/wire.js';
import type { Tick } from '../types.js';
import type { SpecIssues } from './spec-issues.js';
import type { Edge, EdgeKind, Endpoint, GpuInfo, SocketInfo } from './topology.js';
import type { LinkParams } from './topology-spec.js';

/**
 * Control edges world.ts adds for every chip and GPU actor: one each way to the coordinator (the
 * host kernel's MMIO and interrupt paths). A test checks this against the world's plan.
 */
export const CONTROL_EDGES_PER_ACTOR = 2;
/**
 * A ring record (src/transport/codec.ts) names actors in 8-bit source and destination fields, and
 * the directed edge in an 8-bit link field whose 0xff means "self timer" (sim-message.ts SELF_LINK):
 * so at most 256 actors and 255 directed edges (`MAX_ACTORS`, `MAX_EDGES`: protocol/wire.ts). The
 * threaded runtime could not encode a larger machine, and inline and threaded must run the same
 * machines. Within today's other bounds (7
 * sockets, 16 GPUs: topology-spec.ts) no spec reaches these (24 actors; 174 edges on the
 * largest-topology fixture's 7 sockets of 3, 3 and 2 GPUs);
 * the check keeps that true if those bounds are ever raised.
 */

export function checkEncodable(chips: number, gpus: number, topologyEdges: number, issues: SpecIssues): void {
  const actors = chips + gpus + 1;
  if (actors > MAX_ACTORS) {
    issues.add(
      'gpus',
      `Expected at most ${MAX_ACTORS} actors (8-bit actor numbers in a ring record), got ${actors}: ${chips} chips, ${gpus} GPUs and the coordinator`,
    );
  }
  // Said too when the actors are too many: the edges are counted from the links, not the actors'
  // numbers, and a machine cut down to fit one limit must fit the other as well.
  const control = CONTROL_EDGES_PER_ACTOR * (chips + gpus);
  if (topologyEdges + control > MAX_EDGES) {
    issues.add(
      'gpus',
      `Expected at most ${MAX_EDGES} directed edges (a ring record's 8-bit link field, 0xff marks self timers), ` +
        `got ${topologyEdges + control}: ${topologyEdges} from the links and ${control} control edges (${CONTROL_EDGES_PER_ACTOR} per chip and GPU)`,
    );
  }
}

/** Both directions of every link of the machine. */
export function buildEdges(
  gpus: GpuInfo[],
  sockets: SocketInfo[],
  p: Record<'nvlinkBrick' | 'pcie' | 'xbus', LinkParams>,
): Edge[] {
  const edges: Edge[] = [];
  const both = (
    a: Endpoint,
    b: Endpoint,
    kind: EdgeKind,
    lanes: number,
    params: LinkParams,
    perLane: boolean,
  ) => {
    const e = {
      kind,
      lanes,
      latencyTicks: params.latencyTicks as Tick,
      bytesPerSecond: params.bytesPerSecond * (perLane ? lanes : 1),
    };
    edges.push({ from: a, to: b, ...e }, { from: b, to: a, ...e });
  };
  for (const gpu of gpus) {
    const g: Endpoint = { kind: 'gpu', index: gpu.index };
    const chip: Endpoint = { kind: 'chip', socket: gpu.socket };
    const bricks = gpu.links.filter((l) => l.kind === 'cpu').length;
    if (bricks > 0) both(g, chip, 'nvlink', bricks, p.nvlinkBrick, true);
    both(g, chip, 'pcie', 1, p.pcie, false);
    const perPeer = new Map<number, number>();
    for (const l of gpu.links) if (l.kind === 'gpu') perPeer.set(l.peer, (perPeer.get(l.peer) ?? 0) + 1);
    for (const [peer, n] of [...perPeer].sort((a, b) => a[0] - b[0])) {
      if (peer > gpu.index) both(g, { kind: 'gpu', index: peer }, 'nvlink', n, p.nvlinkBrick, true);
    }
  }
  // X-bus: every pair of chips (2 on Witherspoon) is directly connected.
  for (let a = 0; a < sockets.length; a++) {
    for (let b = a + 1; b < sockets.length; b++) {
      both({ kind: 'chip', socket: a }, { kind: 'chip', socket: b }, 'xbus', 1, p.xbus, false);
    }
  }
  return edges;
}
