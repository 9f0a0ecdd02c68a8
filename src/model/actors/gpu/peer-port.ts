/**
 * The receiving end of NVLink peer accesses. Nothing in the hardware checks who writes: if the link
 * is up on this side (its bit clear in the link-disable mask, gpu-bar0.ts), the write lands in this
 * GPU's RAM (a read is served from it, its data going back with the completion). That is the
 * isolation failure the 2018 thread feared; the oracle judges it here, where the access lands
 * (isolation.peer). A disabled link refuses the access, and the sender hears why.
 */
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { DmaStatus, PeerAccessMsg, PeerCompleteMsg, returnedBytes } from '../../protocol/messages/dma.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { Tick } from '../../types.js';
import type { ActorContext } from '../actor.js';
import type { GpuEnv } from './gpu-env.js';
import type { RingAllReduce } from './ring-allreduce.js';

export class PeerPort {
  /** The ring all-reduce of this GPU, told of each collective write that lands here. */
  collective: RingAllReduce | undefined;

  constructor(
    private readonly env: GpuEnv,
    private readonly linkUp: (link: number) => boolean,
  ) {}

  onPeerAccess(m: SimMessage, ctx: ActorContext): void {
    const p = PeerAccessMsg.decode(m);
    const back = this.env.nvlinkTo(m.source);
    const srcGpu = this.env.world.actors[m.source]!.gpu!;
    const bundle = this.env.world.peerEdges[this.env.gpu]!.find((x) => x.peer === srcGpu);
    const up = bundle?.links.some((l) => this.linkUp(l)) === true;
    if (!up) {
      ctx.send(
        back,
        PeerCompleteMsg.encode({ dma: p.dma, status: DmaStatus.linkDisabled, dataBytes: 0 }),
        HEADER_BYTES,
      );
      // A refused collective write ends its part here too, as it does at its sender
      // (ring-allreduce.ts), its chunk lost: counted only at the sender, the ring stopped for good
      // at the first write a reset's dropped links refused, and the run still read clean.
      if (p.collective === true) this.collective?.onReceived(ctx);
      return;
    }
    this.env.oracle.observe({
      kind: 'peer.access',
      tick: ctx.now as Tick,
      srcGpu,
      dstGpu: this.env.gpu,
      link: p.link,
      address: p.address,
      lengthBytes: p.lengthBytes,
      write: p.write,
    });
    // A read's data comes back with its completion; a write's went with the request.
    const dataBytes = returnedBytes(p.write, DmaStatus.ok, p.lengthBytes);
    ctx.send(
      back,
      PeerCompleteMsg.encode({ dma: p.dma, status: DmaStatus.ok, dataBytes }),
      HEADER_BYTES + dataBytes,
    );
    if (p.collective === true) this.collective?.onReceived(ctx);
  }
}
