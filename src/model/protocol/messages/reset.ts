/**
 * GPU resets ("nvidia-smi -r"): the kernel, on a tenant's request, resets one GPU; the chip of its
 * socket runs the sequence (the GPU's PHB4 issues the secondary bus reset, skiboot resets the
 * NPU's bricks) and the GPU quiesces, goes through the reset and comes back.
 *
 * | kind          | from -> to       | fields                                                  |
 * |---------------|------------------|---------------------------------------------------------|
 * | RESET_REQUEST | coord -> chip    | tag = gpu, lpid = the caller's LPID                     |
 * | RESET_STEP    | chip -> gpu PCIe | tag = gpu, address = step (quiesce 1, sbr-assert 2, sbr-deassert 3, link-reset 4, relink 5) |
 * | RESET_ACK     | gpu -> chip      | tag = gpu, address = state (quiesced 1, links-up 2), over NVLink |
 * | RESET_DONE    | chip -> coord    | tag = gpu                                               |
 * | SBR_TIMER     | chip self        | tag = gpu, address = the step it is due for (as RESET_STEP) |
 *
 * RESET_STEP travels on the PCIe edge (the root port's secondary bus reset and the host's config
 * path); RESET_ACK on the NVLink edge, behind every ATSD ack the GPU sent before it.
 */
import { messageType, plainMessage } from '../message-type.js';

export interface ResetRequest {
  readonly gpu: number;
  readonly lpid: number;
}
export const ResetRequestMsg = plainMessage<ResetRequest>('RESET_REQUEST', {
  tag: 'gpu',
  lpid: 'lpid',
});

// relink: the host writes the link-disable mask again, when `resets.relinkDelayTicks` delays it.
const STEP_CODES = { quiesce: 1, 'sbr-assert': 2, 'sbr-deassert': 3, 'link-reset': 4, relink: 5 } as const;
export type ResetStepName = keyof typeof STEP_CODES;
const STEP_NAMES = Object.keys(STEP_CODES) as ResetStepName[];

export interface ResetStep {
  readonly gpu: number;
  readonly step: ResetStepName;
}

function stepType(name: 'RESET_STEP' | 'SBR_TIMER') {
  return messageType<ResetStep>(name, {
    encode: (r, wire, out) => {
      out.tag = wire('tag', r.gpu);
      out.address = STEP_CODES[r.step];
    },
    decode: (m) => ({ gpu: m.tag, step: STEP_NAMES[m.address - 1]! }),
  });
}
export const ResetStepMsg = stepType('RESET_STEP');
export const SbrTimerMsg = stepType('SBR_TIMER');

const ACK_CODES = { quiesced: 1, 'links-up': 2 } as const;
export type ResetAckState = keyof typeof ACK_CODES;
const ACK_NAMES = Object.keys(ACK_CODES) as ResetAckState[];

export interface ResetAck {
  readonly gpu: number;
  readonly state: ResetAckState;
}
export const ResetAckMsg = messageType<ResetAck>('RESET_ACK', {
  encode: (r, wire, out) => {
    out.tag = wire('tag', r.gpu);
    out.address = ACK_CODES[r.state];
  },
  decode: (m) => ({ gpu: m.tag, state: ACK_NAMES[m.address - 1]! }),
});

export interface ResetDone {
  readonly gpu: number;
}
export const ResetDoneMsg = plainMessage<ResetDone>('RESET_DONE', { tag: 'gpu' });
