/**
 * What the record's field widths (src/core/record-fields.ts) mean for the model: how many actors,
 * edges and GPUs a machine may have, how wide a tag or an epoch is on the wire, and the one check
 * every encoder runs so a value that does not fit stops the run (an assertion: a bug in npusim or
 * a machine the validator should have refused), in one thread as on a ring.
 */
import { AssertionFailure } from '../../core/errors.js';
import { RECORD_FIELD_MAX, type RecordField } from '../../core/record-fields.js';

/** Link index of a self timer (never an edge). */
export const SELF_LINK = RECORD_FIELD_MAX.link;
/** Actors are numbered in the 8-bit source and destination fields. */
export const MAX_ACTORS = RECORD_FIELD_MAX.source + 1;
/** Edges are numbered in the 8-bit link field, whose top value is the self-timer link. */
export const MAX_EDGES = SELF_LINK;
/** DMA requests carry the issuing GPU in the upper 4 bits of `flags` (messages/dma.ts). */
export const GPU_FLAG_SHIFT = 4;
export const MAX_GPUS = (RECORD_FIELD_MAX.flags >> GPU_FLAG_SHIFT) + 1;
/** Tags (DMA ids, request ids, operation ids) wrap at this span. */
export const TAG_SPAN = RECORD_FIELD_MAX.tag + 1;
/**
 * Page epochs (each free bumps a page's epoch) travel truncated to the PID field's 20 bits; every
 * comparison of a carried epoch is against `wireEpoch` of the page's, so truncation never hides a
 * difference unless a page is freed 2^20 times between a translation and its use.
 */
export const EPOCH_WIRE_SPAN = RECORD_FIELD_MAX.pid + 1;

export function wireEpoch(epoch: number): number {
  return epoch % EPOCH_WIRE_SPAN;
}

/** Assert that `value` fits record field `field` of message `message`; returns it. */
export function fitField(message: string, field: RecordField, value: number): number {
  if (!(value >= 0 && value <= fieldMax(field) && Number.isInteger(value))) {
    throw new AssertionFailure(
      `${message}: Expected \`${field}\` to be an integer from 0 to ${RECORD_FIELD_MAX[field]}, got \`${value}\``,
    );
  }
  return value;
}

/**
 * `RECORD_FIELD_MAX[field]`, by a named load per field. Every encoder of every message calls
 * fitField, so a keyed load there sees every field name and goes megamorphic (a stub-cache probe
 * per field of every send); inlined into an encoder, whose field names are constants, this switch
 * folds to one constant.
 */
function fieldMax(field: RecordField): number {
  switch (field) {
    case 'kind':
      return RECORD_FIELD_MAX.kind;
    case 'flags':
      return RECORD_FIELD_MAX.flags;
    case 'source':
      return RECORD_FIELD_MAX.source;
    case 'destination':
      return RECORD_FIELD_MAX.destination;
    case 'link':
      return RECORD_FIELD_MAX.link;
    case 'seq':
      return RECORD_FIELD_MAX.seq;
    case 'timeTicks':
      return RECORD_FIELD_MAX.timeTicks;
    case 'address':
      return RECORD_FIELD_MAX.address;
    case 'lengthBytes':
      return RECORD_FIELD_MAX.lengthBytes;
    case 'lpid':
      return RECORD_FIELD_MAX.lpid;
    case 'pid':
      return RECORD_FIELD_MAX.pid;
    case 'tag':
      return RECORD_FIELD_MAX.tag;
  }
}
