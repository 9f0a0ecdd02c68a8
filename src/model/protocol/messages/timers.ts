/**
 * Timers: messages an actor schedules for itself. They never cross a link.
 *
 * | kind            | actor       | fields                                          |
 * |-----------------|-------------|-------------------------------------------------|
 * | ENGINE_TIMER    | gpu         | tag = DMA engine                                |
 * | HOST_TIMER      | chip        | tag = CPU thread (a process's munmap/migrate)   |
 * | TCE_TIMER       | coordinator | (none)                                          |
 * | MMIO_TIMER      | coordinator | (none)                                          |
 * | WATCHDOG_TIMER  | coordinator | (none)                                          |
 * | TCE_KILL_TIMER  | chip        | tag = gpu, address = first TCE index, lengthBytes = pages, flags bit 0 = window reset |
 * | TCE_MAP_TIMER   | chip        | tag = gpu, address = first TCE index, lengthBytes = pages |
 */
import { K } from '../kinds.js';
import { messageType } from '../message-type.js';
import { fitField } from '../wire.js';

export interface EngineTimer {
  readonly engine: number;
}
export const EngineTimerMsg = messageType<EngineTimer>({
  kind: K.ENGINE_TIMER,
  name: 'ENGINE_TIMER',
  encode: (t) => ({ kind: K.ENGINE_TIMER, tag: fitField('ENGINE_TIMER', 'tag', t.engine) }),
  decode: (m) => ({ engine: m.tag }),
});

export interface HostTimer {
  readonly thread: number;
}
export const HostTimerMsg = messageType<HostTimer>({
  kind: K.HOST_TIMER,
  name: 'HOST_TIMER',
  encode: (t) => ({ kind: K.HOST_TIMER, tag: fitField('HOST_TIMER', 'tag', t.thread) }),
  decode: (m) => ({ thread: m.tag }),
});

/** A timer that carries nothing but its kind. */
function bareTimer(kind: number, name: string) {
  return messageType<Record<string, never>>({
    kind,
    name,
    encode: () => ({ kind }),
    decode: () => ({}),
  });
}
export const TceTimerMsg = bareTimer(K.TCE_TIMER, 'TCE_TIMER');
export const MmioTimerMsg = bareTimer(K.MMIO_TIMER, 'MMIO_TIMER');
export const WatchdogTimerMsg = bareTimer(K.WATCHDOG_TIMER, 'WATCHDOG_TIMER');

/** A range of a GPU's TCE window in flight through an unmap (tce.ts messages share the shape). */
export interface TceRange {
  readonly gpu: number;
  readonly firstIndex: number;
  readonly pages: number;
}

export interface TceKillTimer extends TceRange {
  /** Killed by "invalidate entire" (a window reset), not page by page. */
  readonly windowReset: boolean;
}
export const TceKillTimerMsg = messageType<TceKillTimer>({
  kind: K.TCE_KILL_TIMER,
  name: 'TCE_KILL_TIMER',
  encode: (t) => ({
    kind: K.TCE_KILL_TIMER,
    tag: fitField('TCE_KILL_TIMER', 'tag', t.gpu),
    address: t.firstIndex,
    lengthBytes: fitField('TCE_KILL_TIMER', 'lengthBytes', t.pages),
    flags: t.windowReset ? 1 : 0,
  }),
  decode: (m) => ({
    gpu: m.tag,
    firstIndex: m.address,
    pages: m.lengthBytes,
    windowReset: (m.flags & 1) !== 0,
  }),
});

export const TceMapTimerMsg = messageType<TceRange>({
  kind: K.TCE_MAP_TIMER,
  name: 'TCE_MAP_TIMER',
  encode: (t) => ({
    kind: K.TCE_MAP_TIMER,
    tag: fitField('TCE_MAP_TIMER', 'tag', t.gpu),
    address: t.firstIndex,
    lengthBytes: fitField('TCE_MAP_TIMER', 'lengthBytes', t.pages),
  }),
  decode: (m) => ({ gpu: m.tag, firstIndex: m.address, pages: m.lengthBytes }),
});
