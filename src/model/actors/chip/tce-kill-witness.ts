/**
 * What each opal_pci_tce_kill the kernel made did, told to the chip's oracle as `tce.kill` (a
 * history line, judged by no rule). A stale TCE's history (`translation.stale-tce`) showed the
 * clear of its index and the unpin of its page but not the kill between them, which is where the
 * bugs are: skiboot's `npu2_tce_kill` loop that never advanced (`killed: "5 x2"` for indices 5 and
 * 6), the PHB4 kill queue that drops a page kill (`dropped: "6"`, HW560152), Linux's token 126 that
 * the firmware refuses (`refused: ...`, nothing killed).
 *
 * The TCE system appends every kill call to the log this owns (tce/tce-system.ts `killLog`); each
 * caller of a kill drains it at once, at the tick of the kill, so a line never carries another
 * call's tick.
 */
import type { Oracle } from '../../check/oracle.js';
import {
  OPAL_PCI_TCE_KILL_ALL,
  OPAL_PCI_TCE_KILL_PAGES,
  OPAL_PCI_TCE_KILL_PE,
  OPAL_PCI_TCE_KILL_TOKEN,
  type OpalKillCall,
  type TceKill,
} from '../../tce/opal-tce.js';
import type { TceTable } from '../../tce/tce-table.js';
import type { BusAddr, Tick } from '../../types.js';

export class TceKillWitness {
  /** The TCE system's kill log (tce-system-options.ts `killLog`): drained after every kill. */
  readonly log: OpalKillCall[] = [];

  constructor(private readonly oracle: Oracle) {}

  /** Forget the calls logged so far unseen (the window kills of the build, at no tick of the run). */
  discard(): void {
    this.log.length = 0;
  }

  /** Tell the oracle of each kill call logged since the last drain, made at `tick` for `gpu`'s table. */
  drain(gpu: number, table: TceTable, tick: number): void {
    for (const call of this.log) {
      const pages = call.killType === OPAL_PCI_TCE_KILL_PAGES;
      const index = pages ? table.indexOf(call.dmaAddr as BusAddr) : undefined;
      const { rc, message } = call.result;
      this.oracle.observe({
        kind: 'tce.kill',
        tick: tick as Tick,
        gpu,
        phb: call.phb,
        pe: call.pe,
        call: killTypeName(call.killType),
        ...(index !== undefined ? { index, npages: call.npages } : {}),
        rc,
        killed: killedText(call.result.kills, table),
        ...(call.dropped !== undefined ? { dropped: killedText(call.dropped, table) } : {}),
        ...(rc !== 0 && message !== undefined ? { refused: message } : {}),
      });
    }
    this.log.length = 0;
  }
}

/** The kill type as opal-api.h names it; the call token Linux passed by mistake as itself. */
function killTypeName(killType: number): string {
  switch (killType) {
    case OPAL_PCI_TCE_KILL_PAGES:
      return 'KILL_PAGES';
    case OPAL_PCI_TCE_KILL_PE:
      return 'KILL_PE';
    case OPAL_PCI_TCE_KILL_ALL:
      return 'KILL_ALL';
    case OPAL_PCI_TCE_KILL_TOKEN:
      return 'OPAL_PCI_TCE_KILL (126)';
    default:
      return String(killType);
  }
}

/**
 * The register writes, short: `all`, `PE 3`, and single-entry kills by window index, a run of
 * consecutive indices as `5-8` and one index repeated as `5 x2` (the loop that did not advance);
 * `nothing` for none.
 */
export function killedText(kills: readonly TceKill[], table: TceTable): string {
  if (kills.length === 0) return 'nothing';
  const parts: string[] = [];
  let run: { first: number; last: number; times: number } | undefined;
  const close = () => {
    if (run === undefined) return;
    if (run.times > 1) parts.push(`${run.first} x${run.times}`);
    else parts.push(run.first === run.last ? String(run.first) : `${run.first}-${run.last}`);
    run = undefined;
  };
  for (const k of kills) {
    if (k.kind !== 'one') {
      close();
      parts.push(k.kind === 'all' ? 'all' : `PE ${k.pe}`);
      continue;
    }
    const i = table.indexOf(k.addr as BusAddr) ?? -1;
    // A repeat grows a run of one index (a repeated one keeps first === last); a next index, a run
    // not repeated.
    if (run !== undefined && run.first === run.last && i === run.first) run.times++;
    else if (run !== undefined && run.times === 1 && i === run.last + 1) run.last = i;
    else {
      close();
      run = { first: i, last: i, times: 1 };
    }
  }
  close();
  return parts.join(', ');
}
