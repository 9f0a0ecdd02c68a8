/**
 * Every message type by kind: the one table that turns any recorded event back into its name and
 * its fields (failure histories, traces), and that the round-trip tests walk.
 */

import type { MessageType } from './message-type.js';
import { AtsRequestMsg, AtsResponseMsg, WalkTimerMsg } from './messages/ats.js';
import { AtsdAckMsg, AtsdAnswerMsg, AtsdInvalidateMsg, AtsdOpMsg } from './messages/atsd.js';
import { DmaCompleteMsg, DmaRequestMsg, PeerAccessMsg, PeerCompleteMsg } from './messages/dma.js';
import { MmioAccessMsg } from './messages/mmio.js';
import {
  PageFreeMsg,
  PteClearedMsg,
  PteClearMsg,
  PteSetMsg,
  UnmapDoneMsg,
  UnmapRequestMsg,
} from './messages/page-lifecycle.js';
import { ResetAckMsg, ResetDoneMsg, ResetRequestMsg, ResetStepMsg, SbrTimerMsg } from './messages/reset.js';
import {
  TceKillTimerMsg,
  TceMapperTimerMsg,
  TceMapTimerMsg,
  TceRemapMsg,
  TceRemappedMsg,
} from './messages/tce.js';
import {
  CollectiveTimerMsg,
  ContextTimerMsg,
  EngineTimerMsg,
  HostTimerMsg,
  MmioTimerMsg,
  ResetTimerMsg,
  TceTimerMsg,
  WatchdogTimerMsg,
} from './messages/timers.js';
import type { SimMessage } from './sim-message.js';

export const MESSAGE_TYPES: readonly MessageType<object>[] = [
  EngineTimerMsg,
  HostTimerMsg,
  TceTimerMsg,
  MmioTimerMsg,
  TceKillTimerMsg,
  WatchdogTimerMsg,
  TceMapTimerMsg,
  ContextTimerMsg,
  ResetTimerMsg,
  SbrTimerMsg,
  TceMapperTimerMsg,
  CollectiveTimerMsg,
  WalkTimerMsg,
  PteClearMsg,
  PteSetMsg,
  PageFreeMsg,
  AtsdOpMsg,
  TceRemapMsg,
  UnmapRequestMsg,
  ResetRequestMsg,
  ResetStepMsg,
  PteClearedMsg,
  AtsdAnswerMsg,
  TceRemappedMsg,
  UnmapDoneMsg,
  ResetAckMsg,
  ResetDoneMsg,
  AtsdInvalidateMsg,
  AtsdAckMsg,
  AtsRequestMsg,
  AtsResponseMsg,
  DmaRequestMsg,
  DmaCompleteMsg,
  PeerAccessMsg,
  PeerCompleteMsg,
  MmioAccessMsg,
] as readonly MessageType<object>[];

const BY_KIND = new Map(MESSAGE_TYPES.map((t) => [t.kind, t]));

export function messageTypeOf(kind: number): MessageType<object> | undefined {
  return BY_KIND.get(kind);
}

/** A recorded event by name: `DMA {dma: 7, gpu: 2, ...}`; an unknown kind says so. */
export function describeMessage(m: SimMessage): { name: string; fields: Record<string, unknown> } {
  const t = BY_KIND.get(m.kind);
  if (t === undefined) return { name: `kind 0x${m.kind.toString(16)}`, fields: {} };
  return { name: t.name, fields: t.decode(m) as Record<string, unknown> };
}
