/**
 * The kernel's TCE (UT=1) unmaps, as the coordinator starts them: every `host.tceRemapIntervalTicks`
 * on average it picks 4 pages of a GPU's TCE window and sends TCE_REMAP to the GPU's chip
 * (chip/tce-unmap.ts runs the cycle). `host.tceWindowResetPercent` of them (default one in four)
 * are a window reset (set/unset window, ownership change), killed by "invalidate entire" rather
 * than page by page. A range stays busy until the chip
 * answers TCE_REMAPPED, so two unmaps of one range never overlap.
 */
import { HEADER_BYTES } from '../../protocol/kinds.js';
import { TceRemapMsg, TceRemappedMsg } from '../../protocol/messages/tce.js';
import { TceTimerMsg } from '../../protocol/messages/timers.js';
import type { SimMessage } from '../../protocol/sim-message.js';
import type { ActorContext } from '../actor.js';
import { edgeOf } from '../world.js';
import type { CoordinatorEnv } from './coordinator-env.js';
import { PeriodicGenerator } from './periodic-generator.js';

/** TCE pages per unmap: a window of fewer is never unmapped (bug-reach.ts reads it too). */
export const PAGES_PER_UNMAP = 4;

export class TceTraffic extends PeriodicGenerator {
  private readonly busy = new Set<string>();

  constructor(env: CoordinatorEnv) {
    super(env, 'tce', TceTimerMsg.encode({}));
  }

  get enabled(): boolean {
    return (
      this.env.params.host.tceRemapIntervalTicks > 0 &&
      this.env.world.tcePages.some((p) => p.length >= PAGES_PER_UNMAP)
    );
  }

  protected get meanTicks(): number {
    return this.env.params.host.tceRemapIntervalTicks;
  }

  protected fire(ctx: ActorContext): void {
    const ch = ctx.chooser;
    const w = this.env.world;
    const gpus = w.topology.gpus.filter((g) => w.tcePages[g.index]!.length >= PAGES_PER_UNMAP);
    if (gpus.length === 0) return;
    const g = gpus[ch.choose('tce.gpu', gpus.length)]!;
    const n = w.tcePages[g.index]!.length;
    const first = ch.choose('tce.page', Math.floor(n / PAGES_PER_UNMAP)) * PAGES_PER_UNMAP;
    const key = `${g.index}:${first}`;
    if (this.busy.has(key)) return;
    this.busy.add(key);
    ctx.send(
      edgeOf(w, this.env.index, w.chipActor[g.socket]!, 'control'),
      TceRemapMsg.encode({
        gpu: g.index,
        firstIndex: first,
        pages: PAGES_PER_UNMAP,
        windowReset: ch.choose('tce.entire', 100) < this.env.params.host.tceWindowResetPercent,
      }),
      HEADER_BYTES,
    );
  }

  onRemapped(m: SimMessage): void {
    const r = TceRemappedMsg.decode(m);
    this.busy.delete(`${r.gpu}:${r.firstIndex}`);
  }
}
