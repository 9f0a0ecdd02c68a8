/**
 * Timers: messages an actor schedules for itself. They never cross a link. (The TCE unmap's two
 * timers are in tce.ts with the range they carry.)
 *
 * | kind            | actor       | fields                                          |
 * |-----------------|-------------|-------------------------------------------------|
 * | ENGINE_TIMER    | gpu         | tag = DMA engine                                |
 * | HOST_TIMER      | chip        | tag = CPU thread (a process's munmap/migrate)   |
 * | TCE_TIMER       | coordinator | (none)                                          |
 * | MMIO_TIMER      | coordinator | (none)                                          |
 * | WATCHDOG_TIMER  | coordinator | (none)                                          |
 * | COLLECTIVE_TIMER| gpu         | (none): the next ring all-reduce may start      |
 */
import { K } from '../kinds.js';
import { plainMessage } from '../message-type.js';

export interface EngineTimer {
  readonly engine: number;
}
export const EngineTimerMsg = plainMessage<EngineTimer>(K.ENGINE_TIMER, 'ENGINE_TIMER', { tag: 'engine' });

export interface HostTimer {
  readonly thread: number;
}
export const HostTimerMsg = plainMessage<HostTimer>(K.HOST_TIMER, 'HOST_TIMER', { tag: 'thread' });

type Bare = Record<string, never>;
export const TceTimerMsg = plainMessage<Bare>(K.TCE_TIMER, 'TCE_TIMER', {});
export const MmioTimerMsg = plainMessage<Bare>(K.MMIO_TIMER, 'MMIO_TIMER', {});
export const WatchdogTimerMsg = plainMessage<Bare>(K.WATCHDOG_TIMER, 'WATCHDOG_TIMER', {});
export const CollectiveTimerMsg = plainMessage<Bare>(K.COLLECTIVE_TIMER, 'COLLECTIVE_TIMER', {});
