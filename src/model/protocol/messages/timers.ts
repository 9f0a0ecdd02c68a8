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
 * | CONTEXT_TIMER   | chip        | tag = driver thread (an NPU context's next step) |
 * | RESET_TIMER     | coordinator | (none) (a tenant's next GPU reset request)      |
 * | COLLECTIVE_TIMER| gpu         | (none): the next ring all-reduce may start      |
 */
import { messageType, plainMessage } from '../message-type.js';

export interface EngineTimer {
  readonly engine: number;
}
/**
 * Written out rather than a plainMessage: it is the hottest message (one per DMA issued), and a
 * plainMessage's field loop shares its feedback with every other plain message, so its loads and
 * stores went megamorphic; here each is a plain named access.
 */
export const EngineTimerMsg = messageType<EngineTimer>('ENGINE_TIMER', {
  encode: (t, wire, out) => {
    out.tag = wire('tag', t.engine);
  },
  decode: (m) => ({ engine: m.tag }),
});

export interface HostTimer {
  readonly thread: number;
}
export const HostTimerMsg = plainMessage<HostTimer>('HOST_TIMER', { tag: 'thread' });

type Bare = Record<string, never>;
export const TceTimerMsg = plainMessage<Bare>('TCE_TIMER', {});
export const MmioTimerMsg = plainMessage<Bare>('MMIO_TIMER', {});
export const WatchdogTimerMsg = plainMessage<Bare>('WATCHDOG_TIMER', {});
export const ResetTimerMsg = plainMessage<Bare>('RESET_TIMER', {});

export interface ContextTimer {
  readonly thread: number;
}
export const ContextTimerMsg = plainMessage<ContextTimer>('CONTEXT_TIMER', {
  tag: 'thread',
});

export const CollectiveTimerMsg = plainMessage<Bare>('COLLECTIVE_TIMER', {});
