/**
 * One TCE write into a two-level table as pnv_tce (Linux pci-ioda-tce.c, alloc = true) does it,
 * in steps another thread can interleave: the TCE level allocation race, "powerpc/powernv/ioda:
 * Fix race in TCE level allocation" (56090a3902c8, v5.4; Fixes a68bd1267b72 "Allocate indirect
 * TCE levels on demand").
 *
 * Steps:
 *   'read'   : READ_ONCE of the root slot; a level there: go and write in it;
 *   'alloc'  : none there: pnv_alloc_tce_level (the time this takes is the window);
 *   'publish': fixed: cmpxchg(slot, 0, new) and, if another thread got there first, free the new
 *              level and use that one; before the fix: a plain store of the new level;
 *   'write'  : the TCE store, through the level pointer this thread resolved.
 * The race without the cmpxchg, two threads A and B mapping bus pages of one fresh level:
 *   1. A reads the slot: empty; A allocates level LA;
 *   2. B reads the slot: still empty; B allocates level LB;
 *   3. A publishes LA and writes its TCE into LA (and, its next TCEs finding LA, those too);
 *   4. B publishes LB over LA: every TCE A wrote is gone from the table (LA is leaked); B writes
 *      into LB. The kernel believes A's bus pages are mapped; a DMA to one finds no TCE.
 * With the cmpxchg B's publish at step 4 fails, B frees LB and writes into LA: nothing is lost.
 */
import { assert } from '../../core/errors.js';
import type { PhysAddr } from '../types.js';
import type { TceLevel, TcePermission, TceTable } from './tce-table.js';

export type TceLevelWriteStep = 'read' | 'alloc' | 'publish' | 'write' | 'done';

export class TceLevelWrite {
  private next: TceLevelWriteStep = 'read';
  private level: TceLevel | undefined;

  constructor(
    private readonly table: TceTable,
    readonly index: number,
    readonly physAddr: PhysAddr,
    /** The fixed kernel's cmpxchg (false: the plain store before 56090a3902c8). */
    private readonly cmpxchg: boolean,
    private readonly permission: TcePermission = 'rw',
  ) {}

  /** The step `step()` runs next. */
  get pending(): TceLevelWriteStep {
    return this.next;
  }

  get done(): boolean {
    return this.next === 'done';
  }

  step(): TceLevelWriteStep {
    const ran = this.next;
    switch (ran) {
      case 'read':
        this.level = this.table.readLevel(this.index);
        this.next = this.level === undefined ? 'alloc' : 'write';
        break;
      case 'alloc':
        this.level = this.table.newLevel();
        this.next = 'publish';
        break;
      case 'publish':
        this.level = this.table.publishLevel(this.index, this.level!, this.cmpxchg);
        this.next = 'write';
        break;
      case 'write':
        this.table.writeIn(this.level!, this.index, this.physAddr, this.permission);
        this.next = 'done';
        break;
      case 'done':
        assert(false, `step() on a finished TCE write of index ${this.index}`);
    }
    return ran;
  }

  /** Run the steps up to (not including) `until`, or to the end; returns the step pending. */
  runUntil(until: TceLevelWriteStep): TceLevelWriteStep {
    for (let i = 0; i < 4 && !this.done && this.next !== until; i++) this.step();
    return this.next;
  }
}
